package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/azizayol/azizayol"
)

// Do runs fn in one transaction: everything it changes commits together, or nothing
// does when it fails. The console's actions run here.
func (db *DB) Do(ctx context.Context, fn func(azizayol.Tx) error) error {
	u, err := db.Begin(ctx)
	if err != nil {
		return err
	}
	defer u.Rollback(ctx)
	if err := fn(u); err != nil {
		return err
	}
	return u.Commit(ctx)
}

// Unit is an open transaction, for work that cannot sit inside one function (Do is
// the usual way): it commits with Commit, or changes nothing after Rollback.
type Unit struct {
	*unitTx
	db *DB
}

// Begin opens a transaction.
func (db *DB) Begin(ctx context.Context) (*Unit, error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: begin: %w", err)
	}
	return &Unit{unitTx: &unitTx{tx: tx, events: new([]azizayol.AppealEvent)}, db: db}, nil
}

// Commit makes the transaction's changes last.
func (u *Unit) Commit(ctx context.Context) error {
	if err := u.tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: commit: %w", err)
	}
	u.db.announce(*u.events)
	return nil
}

// Rollback drops the transaction's changes; after Commit it does nothing.
func (u *Unit) Rollback(ctx context.Context) { _ = u.tx.Rollback(ctx) }

// Topic returns a topic of consultations or appeals.
func (u *unitTx) Topic(ctx context.Context, code string) (azizayol.Topic, error) {
	tp := azizayol.Topic{Code: code}
	var kind string
	var from, until *string
	err := u.tx.QueryRow(ctx, `SELECT kind, urgent, urgent_if_danger, deadline_days, window_from, window_until
		FROM topics WHERE code = $1`, code).Scan(&kind, &tp.Urgent, &tp.UrgentIfDanger, &tp.DeadlineDays, &from, &until)
	if errors.Is(err, pgx.ErrNoRows) {
		return tp, fmt.Errorf("postgres: topic %q: %w", code, azizayol.ErrNotFound)
	}
	if err != nil {
		return tp, fmt.Errorf("postgres: read topic %q: %w", code, err)
	}
	tp.Kind = azizayol.AppealKind(kind)
	if from != nil && until != nil {
		tp.WindowFrom, tp.WindowUntil = monthDay(*from), monthDay(*until)
	}
	return tp, nil
}

// monthDay reads MM-DD (the table's CHECK keeps it well formed).
func monthDay(s string) azizayol.MonthDay {
	m, _ := strconv.Atoi(s[:2])
	d, _ := strconv.Atoi(s[3:])
	return azizayol.MonthDay{Month: time.Month(m), Day: d}
}

// Regions lists the regions in their display order.
func (u *unitTx) Regions(ctx context.Context) ([]azizayol.Region, error) {
	rows, err := u.tx.Query(ctx, `SELECT code, name_uz_latn, name_uz_cyrl, name_ru FROM regions ORDER BY position`)
	if err != nil {
		return nil, fmt.Errorf("postgres: list regions: %w", err)
	}
	regions, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (azizayol.Region, error) {
		var rg azizayol.Region
		err := r.Scan(&rg.Code, &rg.Names.UzLatn, &rg.Names.UzCyrl, &rg.Names.Ru)
		return rg, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: list regions: %w", err)
	}
	return regions, nil
}

const districtColumns = `SELECT code, region_code, name_uz_latn, name_uz_cyrl, name_ru FROM districts`

func scanDistrict(r pgx.CollectableRow) (azizayol.District, error) {
	var d azizayol.District
	err := r.Scan(&d.Code, &d.RegionCode, &d.Names.UzLatn, &d.Names.UzCyrl, &d.Names.Ru)
	return d, err
}

// Districts lists a region's districts and cities: districts first, each group by
// its Uzbek name.
func (u *unitTx) Districts(ctx context.Context, regionCode string) ([]azizayol.District, error) {
	rows, err := u.tx.Query(ctx, districtColumns+` WHERE region_code = $1 ORDER BY kind DESC, name_uz_latn`, regionCode)
	if err != nil {
		return nil, fmt.Errorf("postgres: list districts of %s: %w", regionCode, err)
	}
	ds, err := pgx.CollectRows(rows, scanDistrict)
	if err != nil {
		return nil, fmt.Errorf("postgres: list districts of %s: %w", regionCode, err)
	}
	return ds, nil
}

// FindDistrict finds a district whose name in any language is name, ignoring case.
func (u *unitTx) FindDistrict(ctx context.Context, name string) (azizayol.District, error) {
	rows, err := u.tx.Query(ctx, districtColumns+` WHERE lower($1) IN (lower(name_uz_latn), lower(name_uz_cyrl), lower(name_ru)) LIMIT 1`,
		strings.TrimSpace(name))
	if err != nil {
		return azizayol.District{}, fmt.Errorf("postgres: find district: %w", err)
	}
	d, err := pgx.CollectExactlyOneRow(rows, scanDistrict)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, fmt.Errorf("postgres: district %q: %w", name, azizayol.ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("postgres: find district: %w", err)
	}
	return d, nil
}

// Route names the agency that answers a topic in a region: the topic's agency of her
// region if it has one there, else the national one.
func (u *unitTx) Route(ctx context.Context, topic, regionCode string) (azizayol.Agency, error) {
	var a azizayol.Agency
	var region *string
	err := u.tx.QueryRow(ctx, `SELECT a.id, a.code, a.region_code, a.name_uz_latn, a.name_uz_cyrl, a.name_ru
		FROM topics t JOIN agencies a ON a.kind = t.agency_kind
		WHERE t.code = $1 AND (a.region_code = nullif($2, '') OR a.region_code IS NULL)
		ORDER BY a.region_code NULLS LAST LIMIT 1`, topic, regionCode).
		Scan(&a.ID, &a.Code, &region, &a.Names.UzLatn, &a.Names.UzCyrl, &a.Names.Ru)
	if errors.Is(err, pgx.ErrNoRows) {
		return a, fmt.Errorf("postgres: no agency answers %q in %q: %w", topic, regionCode, azizayol.ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("postgres: route %q in %q: %w", topic, regionCode, err)
	}
	if region != nil {
		a.RegionCode = *region
	}
	return a, nil
}

// File routes, numbers and stores an appeal with her words as the first message of
// its thread. A draft with a key filed before returns the appeal filed then.
func (u *unitTx) File(ctx context.Context, d azizayol.Draft) (azizayol.Appeal, error) {
	if d.Key != "" {
		if id, err := u.appealByKey(ctx, d.UserID, d.Key); err != nil || id != 0 {
			if err != nil {
				return azizayol.Appeal{}, err
			}
			return u.appealOf(ctx, id)
		}
	}
	topic, err := u.Topic(ctx, d.Topic)
	if err != nil {
		return azizayol.Appeal{}, err
	}
	agency, err := u.Route(ctx, d.Topic, d.RegionCode)
	if err != nil {
		return azizayol.Appeal{}, err
	}
	urgent := topic.Urgent || (topic.UrgentIfDanger && d.Danger)
	var id int64
	err = u.tx.QueryRow(ctx, `
		INSERT INTO appeals (number, kind, topic, user_id, submission_key, channel, lang, agency_id,
		                     region_code, district_code, phone, urgent, danger, consent_version, consent_at,
		                     filed_at, deadline_at, status_at)
		SELECT 'AA-' || $1::text || '-' || (SELECT lpad(n, greatest(6, length(n)), '0') FROM (SELECT nextval('appeal_number')::text AS n) s),
		       $2, $3, $4, nullif($5, ''), u.channel, $6, $7, nullif($8, ''), nullif($9, ''), nullif($10, ''),
		       $11, $12, nullif($13, ''), CASE WHEN $13 <> '' THEN $14::timestamptz END, $14, $15, $14
		FROM users u WHERE u.id = $4
		RETURNING id`,
		strconv.Itoa(d.Filed.In(azizayol.Tashkent).Year()), string(d.Kind), d.Topic, d.UserID, d.Key, string(d.Lang), agency.ID,
		d.RegionCode, d.DistrictCode, d.Phone, urgent, d.Danger, d.Consent, d.Filed, topic.Deadline(d.Filed, urgent),
	).Scan(&id)
	if err != nil {
		return azizayol.Appeal{}, fmt.Errorf("postgres: file appeal of user %d: %w", d.UserID, err)
	}
	if _, err := u.AddAppealMessage(ctx, azizayol.AppealMessage{
		AppealID: id, Author: azizayol.ByHer, Text: d.Text, Attachments: d.Attachments, Created: d.Filed,
	}); err != nil {
		return azizayol.Appeal{}, err
	}
	a, err := u.appealOf(ctx, id)
	if err == nil {
		u.changed(azizayol.AppealEvent{AppealID: a.ID, AgencyID: a.Agency.ID, RegionCode: a.RegionCode, What: "filed"})
	}
	return a, err
}

func (u *unitTx) appealByKey(ctx context.Context, userID int64, key string) (int64, error) {
	var id int64
	err := u.tx.QueryRow(ctx, `SELECT id FROM appeals WHERE user_id = $1 AND submission_key = $2`, userID, key).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("postgres: find appeal by key: %w", err)
	}
	return id, nil
}

const appealColumns = `SELECT a.id, a.number, a.kind, a.topic, coalesce(a.user_id, 0), a.lang, a.channel,
       g.id, g.code, coalesce(g.region_code, ''), g.name_uz_latn, g.name_uz_cyrl, g.name_ru,
       coalesce(a.region_code, ''), coalesce(a.district_code, ''), coalesce(a.phone, ''),
       a.urgent, a.status, a.filed_at, a.deadline_at
FROM appeals a JOIN agencies g ON g.id = a.agency_id`

func scanAppeal(r pgx.Row) (azizayol.Appeal, error) {
	var a azizayol.Appeal
	var kind, lang, channel, status string
	err := r.Scan(&a.ID, &a.Number, &kind, &a.Topic, &a.UserID, &lang, &channel,
		&a.Agency.ID, &a.Agency.Code, &a.Agency.RegionCode, &a.Agency.Names.UzLatn, &a.Agency.Names.UzCyrl, &a.Agency.Names.Ru,
		&a.RegionCode, &a.DistrictCode, &a.Phone, &a.Urgent, &status, &a.Filed, &a.Deadline)
	a.Kind, a.Lang, a.Channel, a.Status = azizayol.AppealKind(kind), azizayol.Lang(lang), azizayol.Channel(channel), azizayol.AppealStatus(status)
	return a, err
}

func (u *unitTx) appealOf(ctx context.Context, id int64) (azizayol.Appeal, error) {
	a, err := scanAppeal(u.tx.QueryRow(ctx, appealColumns+` WHERE a.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return a, fmt.Errorf("postgres: appeal %d: %w", id, azizayol.ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("postgres: read appeal %d: %w", id, err)
	}
	return a, nil
}

// herUsers is the users who are the woman of the user at placeholder p ("$1"): she
// herself, and her user on the other channel with the same phone number, vouched for
// by each channel (her SMS number; her own contact shared on Telegram). She sees,
// follows up and rates the appeals of both. Two users of one channel are never one
// woman by a number: a Telegram account is not proof of today's SIM.
func herUsers(p string) string {
	return `(SELECT o.id FROM users me JOIN users o ON o.id = me.id OR (o.phone = me.phone AND o.channel <> me.channel)
		WHERE me.id = ` + p + `)`
}

// Appeals lists her appeals (on every channel she is known by), newest first.
func (u *unitTx) Appeals(ctx context.Context, userID int64, limit int) ([]azizayol.Appeal, error) {
	rows, err := u.tx.Query(ctx, appealColumns+` WHERE a.user_id IN `+herUsers("$1")+` ORDER BY a.id DESC LIMIT $2`, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: list appeals of user %d: %w", userID, err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (azizayol.Appeal, error) { return scanAppeal(r) })
	if err != nil {
		return nil, fmt.Errorf("postgres: list appeals of user %d: %w", userID, err)
	}
	return list, nil
}

// Appeal returns one of her appeals and its thread, oldest message first.
func (u *unitTx) Appeal(ctx context.Context, userID, appealID int64) (azizayol.Appeal, []azizayol.AppealMessage, error) {
	a, err := scanAppeal(u.tx.QueryRow(ctx, appealColumns+` WHERE a.id = $1 AND a.user_id IN `+herUsers("$2"), appealID, userID))
	if errors.Is(err, pgx.ErrNoRows) {
		return a, nil, fmt.Errorf("postgres: appeal %d of user %d: %w", appealID, userID, azizayol.ErrNotFound)
	}
	if err != nil {
		return a, nil, fmt.Errorf("postgres: read appeal %d: %w", appealID, err)
	}
	rows, err := u.tx.Query(ctx, `SELECT id, appeal_id, author, coalesce(staff, ''), text, attachments,
		coalesce(rating, 0), created_at FROM appeal_messages WHERE appeal_id = $1 AND author <> 'note' ORDER BY id`, appealID)
	if err != nil {
		return a, nil, fmt.Errorf("postgres: read thread of appeal %d: %w", appealID, err)
	}
	thread, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (azizayol.AppealMessage, error) {
		var m azizayol.AppealMessage
		var author string
		err := r.Scan(&m.ID, &m.AppealID, &author, &m.Staff, &m.Text, &m.Attachments, &m.Rating, &m.Created)
		m.Author = azizayol.Author(author)
		return m, err
	})
	if err != nil {
		return a, nil, fmt.Errorf("postgres: read thread of appeal %d: %w", appealID, err)
	}
	return a, thread, nil
}

// FollowUp adds her message to one of her open appeals. An answered appeal she writes
// to again goes back to the agency's work. Words of harm make an appeal of an
// urgent-if-danger topic urgent from now: answered within 24 hours at the latest.
func (u *unitTx) FollowUp(ctx context.Context, userID, appealID int64, m azizayol.AppealMessage, danger bool) error {
	var status, region string
	var agency int64
	err := u.tx.QueryRow(ctx, `SELECT status, agency_id, coalesce(region_code, '') FROM appeals a
		WHERE a.id = $1 AND a.user_id IN `+herUsers("$2")+` FOR UPDATE`, appealID, userID).Scan(&status, &agency, &region)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("postgres: appeal %d of user %d: %w", appealID, userID, azizayol.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("postgres: lock appeal %d: %w", appealID, err)
	}
	if !azizayol.AppealStatus(status).Open() {
		return fmt.Errorf("postgres: follow-up to appeal %d: %w", appealID, azizayol.ErrAppealClosed)
	}
	m.AppealID, m.Author = appealID, azizayol.ByHer
	if _, err := u.AddAppealMessage(ctx, m); err != nil {
		return err
	}
	u.changed(azizayol.AppealEvent{AppealID: appealID, AgencyID: agency, RegionCode: region, What: "message"})
	if danger {
		_, err := u.tx.Exec(ctx, `UPDATE appeals a SET danger = true,
			    deadline_at = CASE WHEN t.urgent_if_danger AND NOT a.urgent
			                       THEN least(a.deadline_at, $2::timestamptz + interval '24 hours') ELSE a.deadline_at END,
			    urgent = a.urgent OR t.urgent_if_danger
			FROM topics t WHERE t.code = a.topic AND a.id = $1`, appealID, m.Created)
		if err != nil {
			return fmt.Errorf("postgres: mark appeal %d urgent: %w", appealID, err)
		}
	}
	if azizayol.AppealStatus(status) == azizayol.Answered {
		return u.SetAppealStatus(ctx, appealID, azizayol.InProgress)
	}
	return nil
}

// RateAnswer rates the agency's last answer to one of her appeals.
func (u *unitTx) RateAnswer(ctx context.Context, userID, appealID int64, helpful bool) error {
	rating := -1
	if helpful {
		rating = 1
	}
	tag, err := u.tx.Exec(ctx, `UPDATE appeal_messages SET rating = $3
		WHERE id = (SELECT m.id FROM appeal_messages m JOIN appeals a ON a.id = m.appeal_id
		            WHERE a.id = $1 AND a.user_id IN `+herUsers("$2")+` AND m.author = 'agency' ORDER BY m.id DESC LIMIT 1)`,
		appealID, userID, rating)
	if err != nil {
		return fmt.Errorf("postgres: rate answer to appeal %d: %w", appealID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: no answer to rate in appeal %d of user %d: %w", appealID, userID, azizayol.ErrNotFound)
	}
	return nil
}

// Erase deletes what the platform keeps about her. Her open appeals are withdrawn;
// every appeal keeps, for the agencies' records and the statistics, its number, topic,
// agency, region, district, dates and status, but loses its thread's words and files
// (hers and the answers to her), her phone and the link to her. Her raw updates in the
// inbox are blanked and no longer carry her key (their ids stay, so a redelivered
// update is still recognised; what she sent after this message is left to be read);
// the messages sent or queued to her are deleted. Her user record keeps only the
// address needed to send the confirmation, with her language and dates reset. Her
// consents in force are recorded as withdrawn (those records stay: the operator's proof).
func (u *unitTx) Erase(ctx context.Context, userID int64) (azizayol.Erasure, error) {
	var e azizayol.Erasure
	// Lock her appeals first: an answer the console commits meanwhile waits, and is
	// then refused (the appeal is withdrawn) rather than left behind unerased.
	rows, err := u.tx.Query(ctx, `SELECT id FROM appeals WHERE user_id = $1 ORDER BY id FOR UPDATE`, userID)
	if err != nil {
		return e, fmt.Errorf("postgres: lock appeals of user %d: %w", userID, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return e, fmt.Errorf("postgres: lock appeals of user %d: %w", userID, err)
	}
	// Her consents are withdrawn first, while her appeals still name her.
	if _, err := withdrawConsents(ctx, u.tx, userID); err != nil {
		return e, err
	}
	err = u.tx.QueryRow(ctx, `
		WITH hers AS (
		    UPDATE appeals SET
		        status = CASE WHEN status IN ('received', 'in_progress', 'answered') THEN 'withdrawn' ELSE status END,
		        status_at = CASE WHEN status IN ('received', 'in_progress', 'answered') THEN now() ELSE status_at END,
		        user_id = NULL, submission_key = NULL, phone = NULL, erased_at = now()
		    WHERE id = ANY($1)
		    RETURNING status
		)
		SELECT count(*) FILTER (WHERE status = 'withdrawn'), count(*) FROM hers`, ids).Scan(&e.Withdrawn, &e.Anonymised)
	if err != nil {
		return e, fmt.Errorf("postgres: erase appeals of user %d: %w", userID, err)
	}
	steps := []struct {
		what string
		sql  string
		arg  any
	}{
		{"thread", `UPDATE appeal_messages SET text = '', attachments = '[]', staff = NULL WHERE appeal_id = ANY($1)`, ids},
		{"transfers", `UPDATE appeal_transfers SET reason = '' WHERE appeal_id = ANY($1)`, ids},
		{"inbox", `UPDATE inbox SET payload = '\x', error = NULL, user_key = 'erased:' || inbox.id FROM users u
			WHERE u.id = $1 AND inbox.channel = u.channel AND inbox.user_key = u.channel || ':' || u.address
			  AND (inbox.processed_at IS NOT NULL OR inbox.id = $2)`, userID},
		{"outbox", `DELETE FROM outbox WHERE user_id = $1`, userID},
		{"subscriptions", `DELETE FROM subscriptions WHERE user_id = $1`, userID},
		// Her topics too: no broadcast reaches her after this (one already under way
		// finds her unsubscribed when it comes to her).
		{"topics", `DELETE FROM info_subscriptions WHERE user_id = $1`, userID},
		// And which broadcasts reached her (their counts stay with the broadcast); one
		// still to come is skipped when it comes to her.
		{"broadcasts", `DELETE FROM broadcast_recipients WHERE user_id = $1 AND status NOT IN ('pending', 'sending')`, userID},
		// Her phone and the place she chose go too: what she filed on another channel is
		// no longer shown here (it is erased there when she asks there).
		{"user", `UPDATE users SET lang = '', phone = NULL, region_code = NULL, district_code = NULL,
			created_at = now(), last_seen_at = now() WHERE id = $1`, userID},
	}
	for _, s := range steps {
		args := []any{s.arg}
		if s.what == "inbox" {
			args = append(args, u.entry)
		}
		if _, err := u.tx.Exec(ctx, s.sql, args...); err != nil {
			return e, fmt.Errorf("postgres: erase %s of user %d: %w", s.what, userID, err)
		}
	}
	return e, nil
}

// AppealForUpdate locks an appeal and returns it with the woman who filed it.
func (u *unitTx) AppealForUpdate(ctx context.Context, appealID int64) (azizayol.Appeal, azizayol.User, error) {
	a, err := scanAppeal(u.tx.QueryRow(ctx, appealColumns+` WHERE a.id = $1 FOR UPDATE OF a`, appealID))
	if errors.Is(err, pgx.ErrNoRows) {
		return a, azizayol.User{}, fmt.Errorf("postgres: appeal %d: %w", appealID, azizayol.ErrNotFound)
	}
	if err != nil {
		return a, azizayol.User{}, fmt.Errorf("postgres: lock appeal %d: %w", appealID, err)
	}
	if a.UserID == 0 {
		return a, azizayol.User{}, nil
	}
	usr := azizayol.User{ID: a.UserID}
	var channel, lang string
	err = u.tx.QueryRow(ctx, `SELECT channel, address, lang, blocked_at IS NOT NULL, sweep_hours, discreet, notify_from, notify_until
		FROM users WHERE id = $1`, a.UserID).
		Scan(&channel, &usr.Address, &lang, &usr.Blocked, &usr.Privacy.SweepHours, &usr.Privacy.Discreet, &usr.Privacy.NotifyFrom, &usr.Privacy.NotifyUntil)
	if err != nil {
		return a, azizayol.User{}, fmt.Errorf("postgres: read user of appeal %d: %w", appealID, err)
	}
	usr.Channel, usr.Lang = azizayol.Channel(channel), azizayol.Lang(lang)
	return a, usr, nil
}

// AddAppealMessage adds a message to an appeal's thread; the first answer is recorded
// on the appeal for the response-time figures.
func (u *unitTx) AddAppealMessage(ctx context.Context, m azizayol.AppealMessage) (int64, error) {
	if m.Attachments == nil {
		m.Attachments = []azizayol.Attachment{}
	}
	created := m.Created
	if created.IsZero() {
		created = time.Now()
	}
	var id int64
	err := u.tx.QueryRow(ctx, `INSERT INTO appeal_messages (appeal_id, author, staff, text, attachments, created_at)
		VALUES ($1, $2, nullif($3, ''), $4, $5, $6) RETURNING id`, m.AppealID, string(m.Author), m.Staff, m.Text, m.Attachments, created).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("postgres: add message to appeal %d: %w", m.AppealID, err)
	}
	if m.Author == azizayol.ByAgency {
		_, err = u.tx.Exec(ctx, `UPDATE appeals SET first_answer_at = coalesce(first_answer_at, $2) WHERE id = $1`, m.AppealID, created)
		if err != nil {
			return 0, fmt.Errorf("postgres: record first answer to appeal %d: %w", m.AppealID, err)
		}
	}
	return id, nil
}
