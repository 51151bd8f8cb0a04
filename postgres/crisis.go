package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/crisis"
)

// The crisis vocabulary (crisis_words, its history and its version), which
// super-admins keep in the console and every instance matches with; and the urgent
// case that words of harm open (appeals of topic crisis).

// CrisisVersion is the vocabulary's version: every change makes it grow.
func (db *DB) CrisisVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := db.pool.QueryRow(ctx, `SELECT version FROM crisis_vocabulary`).Scan(&v); err != nil {
		return 0, fmt.Errorf("postgres: read the crisis vocabulary's version: %w", err)
	}
	return v, nil
}

// CrisisEntries returns the active entries in id order, with the version they are
// of (read in one snapshot).
func (db *DB) CrisisEntries(ctx context.Context) ([]crisis.Entry, int64, error) {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: read the crisis vocabulary: %w", err)
	}
	defer tx.Rollback(ctx)
	var version int64
	if err := tx.QueryRow(ctx, `SELECT version FROM crisis_vocabulary`).Scan(&version); err != nil {
		return nil, 0, fmt.Errorf("postgres: read the crisis vocabulary's version: %w", err)
	}
	rows, err := tx.Query(ctx, `SELECT entry, kind, lang, note FROM crisis_words WHERE active ORDER BY id`)
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: read the crisis vocabulary: %w", err)
	}
	entries, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (crisis.Entry, error) {
		var e crisis.Entry
		var kind string
		err := r.Scan(&e.Text, &kind, &e.Lang, &e.Note)
		e.Kind = crisis.Kind(kind)
		return e, err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: read the crisis vocabulary: %w", err)
	}
	return entries, version, nil
}

// SeedCrisisWords adds the entries of words.txt (crisis.Seed) that were never added:
// each entry is added once, the first time a release brings it, and never again —
// whatever super-admins did with it since (edited, deactivated) stands. It returns
// how many it added; several instances starting at once add each entry once.
func (db *DB) SeedCrisisWords(ctx context.Context, entries []crisis.Entry) (int, error) {
	var text, kind, lang, note []string
	for _, e := range entries {
		text, kind, lang, note = append(text, e.Text), append(kind, string(e.Kind)), append(lang, e.Lang), append(note, e.Note)
	}
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("postgres: seed the crisis vocabulary: %w", err)
	}
	defer tx.Rollback(ctx)
	var added int
	err = tx.QueryRow(ctx, `
		WITH seed AS (
		    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS s(entry, kind, lang, note, n)
		), added AS (
		    INSERT INTO crisis_words (entry, kind, lang, note, seed, changed_by)
		    SELECT entry, kind, lang, note, entry, $5 FROM seed ORDER BY n
		    ON CONFLICT (seed) DO NOTHING
		    RETURNING id, entry, kind, lang, note
		), history AS (
		    INSERT INTO crisis_word_history (word_id, by_email, action, new_entry, new_kind, new_lang, new_note, new_active)
		    SELECT id, $5, 'seed', entry, kind, lang, note, true FROM added
		    RETURNING 1
		)
		SELECT count(*) FROM history`, text, kind, lang, note, crisis.SeedBy).Scan(&added)
	if err != nil {
		return 0, fmt.Errorf("postgres: seed the crisis vocabulary: %w", err)
	}
	if added > 0 {
		if _, err := tx.Exec(ctx, `UPDATE crisis_vocabulary SET version = version + 1`); err != nil {
			return 0, fmt.Errorf("postgres: seed the crisis vocabulary: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("postgres: seed the crisis vocabulary: %w", err)
	}
	return added, nil
}

const crisisWordColumns = `SELECT id, entry, kind, lang, note, active, changed_by, changed_at FROM crisis_words`

func scanCrisisWord(r pgx.Row) (crisis.Word, error) {
	var w crisis.Word
	var kind string
	err := r.Scan(&w.ID, &w.Text, &kind, &w.Lang, &w.Note, &w.Active, &w.By, &w.At)
	w.Kind = crisis.Kind(kind)
	return w, err
}

// CrisisWords lists the entries the filter chooses, in id order (words.txt's order,
// then the ones added in the console).
func (db *DB) CrisisWords(ctx context.Context, f crisis.Filter) ([]crisis.Word, error) {
	w := &where{conds: []string{"true"}}
	if f.Query != "" {
		p := w.arg(f.Query)
		w.addRaw("(strpos(lower(entry), lower(" + p + ")) > 0 OR strpos(lower(note), lower(" + p + ")) > 0)")
	}
	if f.Kind != "" {
		w.add("kind = $?", string(f.Kind))
	}
	if f.Lang != "" {
		w.add("lang = $?", f.Lang)
	}
	switch f.State {
	case "active":
		w.addRaw("active")
	case "inactive":
		w.addRaw("NOT active")
	}
	rows, err := db.pool.Query(ctx, crisisWordColumns+` WHERE `+w.sql()+` ORDER BY id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: list crisis words: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (crisis.Word, error) { return scanCrisisWord(r) })
	if err != nil {
		return nil, fmt.Errorf("postgres: list crisis words: %w", err)
	}
	return list, nil
}

// CrisisWord returns one entry.
func (db *DB) CrisisWord(ctx context.Context, id int64) (crisis.Word, error) {
	w, err := scanCrisisWord(db.pool.QueryRow(ctx, crisisWordColumns+` WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return w, fmt.Errorf("postgres: crisis word %d: %w", id, azizayol.ErrNotFound)
	}
	if err != nil {
		return w, fmt.Errorf("postgres: read crisis word %d: %w", id, err)
	}
	return w, nil
}

// CrisisHistory lists the changes of one entry (wordID 0: of every entry), newest
// first, at most limit.
func (db *DB) CrisisHistory(ctx context.Context, wordID int64, limit int) ([]crisis.Change, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, word_id, at, by_email, action,
		       coalesce(old_entry, ''), coalesce(old_kind, ''), coalesce(old_lang, ''), coalesce(old_note, ''), coalesce(old_active, false),
		       new_entry, new_kind, new_lang, new_note, new_active
		FROM crisis_word_history WHERE $1 = 0 OR word_id = $1 ORDER BY id DESC LIMIT $2`, wordID, limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: read crisis word history: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (crisis.Change, error) {
		var c crisis.Change
		var oldKind, newKind string
		err := r.Scan(&c.ID, &c.WordID, &c.At, &c.By, &c.Action,
			&c.Old.Text, &oldKind, &c.Old.Lang, &c.Old.Note, &c.OldActive,
			&c.New.Text, &newKind, &c.New.Lang, &c.New.Note, &c.NewActive)
		c.Old.Kind, c.New.Kind = crisis.Kind(oldKind), crisis.Kind(newKind)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: read crisis word history: %w", err)
	}
	return list, nil
}

// SaveCrisisWord adds an entry (w.ID 0) or changes one — its text, kind, language,
// note, or whether it is active — for a staff member, with a line in its history,
// and makes the vocabulary's version grow, all in one transaction. It returns the
// entry as saved and the action (crisis.Action…; "" when nothing changed, and
// nothing is recorded). The console validates the entry first (crisis.Validate).
func (db *DB) SaveCrisisWord(ctx context.Context, w crisis.Word, by azizayol.Staff) (crisis.Word, string, error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return w, "", fmt.Errorf("postgres: save crisis word: %w", err)
	}
	defer tx.Rollback(ctx)
	// Changes of the vocabulary take turns: the version row is their lock.
	if _, err := tx.Exec(ctx, `UPDATE crisis_vocabulary SET version = version + 1`); err != nil {
		return w, "", fmt.Errorf("postgres: save crisis word: %w", err)
	}
	var (
		action string
		old    crisis.Word
	)
	if w.ID == 0 {
		action = crisis.ActionAdd
		w.Active = true
		err = tx.QueryRow(ctx, `INSERT INTO crisis_words (entry, kind, lang, note, changed_by, changed_by_id)
			VALUES ($1, $2, $3, $4, $5, nullif($6, 0)::bigint) RETURNING id`,
			w.Text, string(w.Kind), w.Lang, w.Note, by.Email, by.ID).Scan(&w.ID)
		if err != nil {
			return w, "", fmt.Errorf("postgres: add crisis word: %w", err)
		}
	} else {
		old, err = scanCrisisWord(tx.QueryRow(ctx, crisisWordColumns+` WHERE id = $1 FOR UPDATE`, w.ID))
		if errors.Is(err, pgx.ErrNoRows) {
			return w, "", fmt.Errorf("postgres: crisis word %d: %w", w.ID, azizayol.ErrNotFound)
		}
		if err != nil {
			return w, "", fmt.Errorf("postgres: read crisis word %d: %w", w.ID, err)
		}
		switch {
		case old.Entry == w.Entry && old.Active == w.Active:
			return old, "", nil // the transaction rolls back: the version stays
		case old.Entry != w.Entry:
			action = crisis.ActionEdit
		case w.Active:
			action = crisis.ActionActivate
		default:
			action = crisis.ActionDeactivate
		}
		_, err = tx.Exec(ctx, `UPDATE crisis_words SET entry = $2, kind = $3, lang = $4, note = $5, active = $6,
			changed_by = $7, changed_by_id = nullif($8, 0)::bigint, changed_at = now() WHERE id = $1`,
			w.ID, w.Text, string(w.Kind), w.Lang, w.Note, w.Active, by.Email, by.ID)
		if err != nil {
			return w, "", fmt.Errorf("postgres: change crisis word %d: %w", w.ID, err)
		}
	}
	var oldEntry, oldKind, oldLang, oldNote *string
	var oldActive *bool
	if action != crisis.ActionAdd {
		k := string(old.Kind)
		oldEntry, oldKind, oldLang, oldNote, oldActive = &old.Text, &k, &old.Lang, &old.Note, &old.Active
	}
	_, err = tx.Exec(ctx, `INSERT INTO crisis_word_history (word_id, staff_id, by_email, action,
		    old_entry, old_kind, old_lang, old_note, old_active, new_entry, new_kind, new_lang, new_note, new_active)
		VALUES ($1, nullif($2, 0)::bigint, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		w.ID, by.ID, by.Email, action, oldEntry, oldKind, oldLang, oldNote, oldActive,
		w.Text, string(w.Kind), w.Lang, w.Note, w.Active)
	if err != nil {
		return w, "", fmt.Errorf("postgres: record the change of crisis word %d: %w", w.ID, err)
	}
	saved, err := scanCrisisWord(tx.QueryRow(ctx, crisisWordColumns+` WHERE id = $1`, w.ID))
	if err != nil {
		return w, "", fmt.Errorf("postgres: read crisis word %d: %w", w.ID, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return w, "", fmt.Errorf("postgres: save crisis word: %w", err)
	}
	return saved, action, nil
}

// CrisisStaff is who the lines of a crisis case are by, in the console's thread.
const CrisisStaff = "Aziz-ayol"

// crisisLine is the fixed, neutral line of a crisis case: that crisis words were
// detected, when (Tashkent time) and on which channel — in the two languages of the
// console, and nothing of what she wrote.
func crisisLine(again bool, at time.Time, ch azizayol.Channel) string {
	when := at.In(azizayol.Tashkent).Format("02.01.2006 15:04")
	if again {
		return fmt.Sprintf("Inqiroz soʻzlari yana aniqlandi: %s (Toshkent vaqti), kanal: %s.\n"+
			"Кризисные слова снова обнаружены: %s (время Ташкента), канал: %s.", when, ch, when, ch)
	}
	return fmt.Sprintf("Xabarida inqiroz soʻzlari aniqlandi: %s (Toshkent vaqti), kanal: %s. "+
		"Uning soʻzlari saqlanmaydi; javobingiz uning chatiga boradi.\n"+
		"В её сообщении обнаружены кризисные слова: %s (время Ташкента), канал: %s. "+
		"Её слова не сохраняются; ваш ответ уйдёт в её чат.", when, ch, when, ch)
}

// crisisLineEvery is how often an open case gets a line for words of harm again.
const crisisLineEvery = time.Hour

// CrisisCase opens an urgent case of topic crisis for her (see
// azizayol.AppealStore.CrisisCase), in a savepoint: when it fails, nothing of it is
// kept and the transaction goes on.
//
// The case keeps none of her words: its thread has only an internal note (she never
// sees notes) with the fixed line of crisisLine. She gave no consent to keep what
// she wrote of violence or health; the case is the least that lets staff reach her:
// it is hers, so the console's answer goes to her chat, in her language. No phone is
// kept on it: she did not give one for it.
func (u *unitTx) CrisisCase(ctx context.Context, userID int64, lang azizayol.Lang, at time.Time) (a azizayol.Appeal, opened bool, err error) {
	err = u.Try(ctx, func(tx azizayol.Tx) error {
		sp, ok := tx.(*unitTx)
		if !ok {
			return fmt.Errorf("postgres: savepoint of type %T", tx)
		}
		a, opened, err = sp.crisisCase(ctx, userID, lang, at)
		return err
	})
	if err != nil {
		return azizayol.Appeal{}, false, err
	}
	return a, opened, nil
}

func (u *unitTx) crisisCase(ctx context.Context, userID int64, lang azizayol.Lang, at time.Time) (azizayol.Appeal, bool, error) {
	var channel string
	if err := u.tx.QueryRow(ctx, `SELECT channel FROM users WHERE id = $1`, userID).Scan(&channel); err != nil {
		return azizayol.Appeal{}, false, fmt.Errorf("postgres: crisis case of user %d: %w", userID, err)
	}
	ch := azizayol.Channel(channel)
	for range 2 {
		// An open case of hers, on any channel she is known by.
		var id int64
		var status string
		err := u.tx.QueryRow(ctx, `SELECT a.id, a.status FROM appeals a
			WHERE a.topic = $2 AND a.status IN ('received', 'in_progress', 'answered') AND a.user_id IN `+herUsers("$1")+`
			ORDER BY a.id DESC LIMIT 1 FOR UPDATE`, userID, azizayol.TopicCrisis).Scan(&id, &status)
		switch {
		case err == nil:
			return u.crisisAgain(ctx, id, azizayol.AppealStatus(status), at, ch)
		case !errors.Is(err, pgx.ErrNoRows):
			return azizayol.Appeal{}, false, fmt.Errorf("postgres: find the crisis case of user %d: %w", userID, err)
		}
		topic, err := u.Topic(ctx, azizayol.TopicCrisis)
		if err != nil {
			return azizayol.Appeal{}, false, err
		}
		agency, err := u.Route(ctx, azizayol.TopicCrisis, "")
		if err != nil {
			return azizayol.Appeal{}, false, err
		}
		err = u.tx.QueryRow(ctx, `
			INSERT INTO appeals (number, kind, topic, user_id, channel, lang, agency_id, urgent, danger,
			                     filed_at, deadline_at, status_at)
			SELECT 'AA-' || $1::text || '-' || (SELECT lpad(n, greatest(6, length(n)), '0') FROM (SELECT nextval('appeal_number')::text AS n) s),
			       $2, $3, u.id, u.channel, $4, $5, true, true, $6, $7, $6
			FROM users u WHERE u.id = $8
			ON CONFLICT (user_id) WHERE topic = 'crisis' AND status IN ('received', 'in_progress', 'answered') DO NOTHING
			RETURNING id`,
			fmt.Sprint(at.In(azizayol.Tashkent).Year()), string(topic.Kind), azizayol.TopicCrisis, string(lang), agency.ID,
			at, topic.Deadline(at, true), userID).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			continue // opened meanwhile by another instance: add to that one
		}
		if err != nil {
			return azizayol.Appeal{}, false, fmt.Errorf("postgres: open a crisis case for user %d: %w", userID, err)
		}
		if _, err := u.AddAppealMessage(ctx, azizayol.AppealMessage{
			AppealID: id, Author: azizayol.ByStaffNote, Staff: CrisisStaff, Text: crisisLine(false, at, ch), Created: at,
		}); err != nil {
			return azizayol.Appeal{}, false, err
		}
		a, err := u.appealOf(ctx, id)
		if err != nil {
			return a, false, err
		}
		u.changed(azizayol.AppealEvent{AppealID: a.ID, AgencyID: a.Agency.ID, RegionCode: a.RegionCode, What: "filed"})
		return a, true, nil
	}
	return azizayol.Appeal{}, false, fmt.Errorf("postgres: crisis case of user %d: neither found nor opened", userID)
}

// crisisAgain notes words of harm again in her open case (a line at most every
// crisisLineEvery), and puts an answered case back to work with 24 hours from now.
func (u *unitTx) crisisAgain(ctx context.Context, id int64, status azizayol.AppealStatus, at time.Time, ch azizayol.Channel) (azizayol.Appeal, bool, error) {
	var recent bool
	err := u.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM appeal_messages
		WHERE appeal_id = $1 AND author = 'note' AND staff = $2 AND created_at > $3)`,
		id, CrisisStaff, at.Add(-crisisLineEvery)).Scan(&recent)
	if err != nil {
		return azizayol.Appeal{}, false, fmt.Errorf("postgres: read crisis case %d: %w", id, err)
	}
	changed := false
	if !recent {
		if _, err := u.AddAppealMessage(ctx, azizayol.AppealMessage{
			AppealID: id, Author: azizayol.ByStaffNote, Staff: CrisisStaff, Text: crisisLine(true, at, ch), Created: at,
		}); err != nil {
			return azizayol.Appeal{}, false, err
		}
		changed = true
	}
	if status == azizayol.Answered {
		_, err := u.tx.Exec(ctx, `UPDATE appeals SET status = 'in_progress', status_at = $2, deadline_at = $3,
			warned_at = NULL, escalated_at = NULL WHERE id = $1`, id, at, at.Add(azizayol.UrgentDeadline))
		if err != nil {
			return azizayol.Appeal{}, false, fmt.Errorf("postgres: reopen crisis case %d: %w", id, err)
		}
		changed = true
	}
	a, err := u.appealOf(ctx, id)
	if err != nil {
		return a, false, err
	}
	if changed {
		u.changed(azizayol.AppealEvent{AppealID: a.ID, AgencyID: a.Agency.ID, RegionCode: a.RegionCode, What: "message"})
	}
	return a, false, nil
}
