package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/azizayol/azizayol"
)

// Staff accounts, their sessions, the audit log, canned answers and deadline alerts.

const (
	staffFields = `SELECT s.id, s.email, s.name, s.role, coalesce(s.agency_id, 0), coalesce(g.name_uz_latn || '|' || g.name_ru, ''),
       s.regions, s.lang, s.disabled_at IS NOT NULL`
	staffFrom    = ` FROM staff s LEFT JOIN agencies g ON g.id = s.agency_id`
	staffColumns = staffFields + staffFrom
)

func scanStaff(r pgx.Row, more ...any) (azizayol.Staff, error) {
	var s azizayol.Staff
	var role, lang string
	err := r.Scan(append([]any{&s.ID, &s.Email, &s.Name, &role, &s.AgencyID, &s.Agency, &s.Regions, &lang, &s.Disabled}, more...)...)
	s.Role, s.Lang = azizayol.Role(role), azizayol.Lang(lang)
	return s, err
}

// CreateStaff stores a new account with its password hash and returns its id;
// ErrEmailTaken when the email has an account.
func (db *DB) CreateStaff(ctx context.Context, s azizayol.Staff, hash string) (int64, error) {
	if s.Regions == nil {
		s.Regions = []string{}
	}
	var id int64
	err := db.pool.QueryRow(ctx, `INSERT INTO staff (email, name, role, agency_id, regions, lang, password_hash)
		VALUES ($1, $2, $3, nullif($4, 0)::bigint, $5, $6, $7) RETURNING id`,
		azizayol.NormalizeEmail(s.Email), s.Name, string(s.Role), s.AgencyID, s.Regions, string(s.Lang), hash).Scan(&id)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return 0, fmt.Errorf("postgres: create staff %s: %w", s.Email, azizayol.ErrEmailTaken)
	}
	if err != nil {
		return 0, fmt.Errorf("postgres: create staff %s: %w", s.Email, err)
	}
	return id, nil
}

// StaffByEmail returns an account and its password hash; ErrNotFound if none.
func (db *DB) StaffByEmail(ctx context.Context, email string) (azizayol.Staff, string, error) {
	var hash string
	s, err := scanStaff(db.pool.QueryRow(ctx, staffFields+`, s.password_hash`+staffFrom+` WHERE s.email = $1`,
		azizayol.NormalizeEmail(email)), &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return s, "", fmt.Errorf("postgres: staff %s: %w", email, azizayol.ErrNotFound)
	}
	if err != nil {
		return s, "", fmt.Errorf("postgres: read staff %s: %w", email, err)
	}
	return s, hash, nil
}

// StaffByID returns an account; ErrNotFound if none.
func (db *DB) StaffByID(ctx context.Context, id int64) (azizayol.Staff, error) {
	s, err := scanStaff(db.pool.QueryRow(ctx, staffColumns+` WHERE s.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return s, fmt.Errorf("postgres: staff %d: %w", id, azizayol.ErrNotFound)
	}
	if err != nil {
		return s, fmt.Errorf("postgres: read staff %d: %w", id, err)
	}
	return s, nil
}

// ListStaff lists the accounts of an agency (0: every account), by name.
func (db *DB) ListStaff(ctx context.Context, agencyID int64) ([]azizayol.Staff, error) {
	rows, err := db.pool.Query(ctx, staffColumns+` WHERE $1 = 0 OR s.agency_id = $1 ORDER BY s.disabled_at IS NOT NULL, s.name`, agencyID)
	if err != nil {
		return nil, fmt.Errorf("postgres: list staff: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (azizayol.Staff, error) { return scanStaff(r) })
	if err != nil {
		return nil, fmt.Errorf("postgres: list staff: %w", err)
	}
	return list, nil
}

// UpdateStaff changes an account's name, role, regions, language and whether it is
// disabled; disabling it ends its sessions.
func (db *DB) UpdateStaff(ctx context.Context, s azizayol.Staff) error {
	if s.Regions == nil {
		s.Regions = []string{}
	}
	_, err := db.pool.Exec(ctx, `
		WITH changed AS (
		    UPDATE staff SET name = $2, role = $3, regions = $4, lang = $5,
		           disabled_at = CASE WHEN $6 THEN coalesce(disabled_at, now()) END
		    WHERE id = $1 RETURNING id, disabled_at)
		DELETE FROM staff_sessions WHERE staff_id IN (SELECT id FROM changed WHERE disabled_at IS NOT NULL)`,
		s.ID, s.Name, string(s.Role), s.Regions, string(s.Lang), s.Disabled)
	if err != nil {
		return fmt.Errorf("postgres: update staff %d: %w", s.ID, err)
	}
	return nil
}

// SetStaffLang changes the console's language of an account.
func (db *DB) SetStaffLang(ctx context.Context, id int64, lang azizayol.Lang) error {
	if _, err := db.pool.Exec(ctx, `UPDATE staff SET lang = $2 WHERE id = $1`, id, string(lang)); err != nil {
		return fmt.Errorf("postgres: set language of staff %d: %w", id, err)
	}
	return nil
}

// SetPassword replaces an account's password hash and ends its sessions.
func (db *DB) SetPassword(ctx context.Context, id int64, hash string) error {
	_, err := db.pool.Exec(ctx, `WITH changed AS (UPDATE staff SET password_hash = $2 WHERE id = $1 RETURNING id)
		DELETE FROM staff_sessions WHERE staff_id IN (SELECT id FROM changed)`, id, hash)
	if err != nil {
		return fmt.Errorf("postgres: set password of staff %d: %w", id, err)
	}
	return nil
}

// CreateSession stores a new session, known by the hash of its token.
func (db *DB) CreateSession(ctx context.Context, tokenHash []byte, staffID int64, addr string) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO staff_sessions (token_hash, staff_id, addr) VALUES ($1, $2, $3)`, tokenHash, staffID, addr)
	if err != nil {
		return fmt.Errorf("postgres: create session of staff %d: %w", staffID, err)
	}
	return nil
}

// SessionStaff returns the account of a live session: used within idle, created
// within absolute, account enabled; ErrNotFound otherwise. It marks the session used
// (at most once a minute, so a page of requests writes once).
func (db *DB) SessionStaff(ctx context.Context, tokenHash []byte, idle, absolute time.Duration) (azizayol.Staff, error) {
	s, err := scanStaff(db.pool.QueryRow(ctx, staffColumns+` JOIN staff_sessions x ON x.staff_id = s.id
		WHERE x.token_hash = $1 AND x.seen_at > now() - $2::interval AND x.created_at > now() - $3::interval
		  AND s.disabled_at IS NULL`, tokenHash, idle.String(), absolute.String()))
	if errors.Is(err, pgx.ErrNoRows) {
		return s, fmt.Errorf("postgres: session: %w", azizayol.ErrNotFound)
	}
	if err != nil {
		return s, fmt.Errorf("postgres: read session: %w", err)
	}
	_, err = db.pool.Exec(ctx, `UPDATE staff_sessions SET seen_at = now() WHERE token_hash = $1 AND seen_at < now() - interval '1 minute'`, tokenHash)
	if err != nil {
		return s, fmt.Errorf("postgres: touch session: %w", err)
	}
	return s, nil
}

// DeleteSession ends one session.
func (db *DB) DeleteSession(ctx context.Context, tokenHash []byte) error {
	if _, err := db.pool.Exec(ctx, `DELETE FROM staff_sessions WHERE token_hash = $1`, tokenHash); err != nil {
		return fmt.Errorf("postgres: delete session: %w", err)
	}
	return nil
}

// DeleteSessions ends every session of an account (log out everywhere).
func (db *DB) DeleteSessions(ctx context.Context, staffID int64) error {
	if _, err := db.pool.Exec(ctx, `DELETE FROM staff_sessions WHERE staff_id = $1`, staffID); err != nil {
		return fmt.Errorf("postgres: delete sessions of staff %d: %w", staffID, err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions no longer usable.
func (db *DB) DeleteExpiredSessions(ctx context.Context, idle, absolute time.Duration) (int, error) {
	tag, err := db.pool.Exec(ctx, `DELETE FROM staff_sessions WHERE seen_at < now() - $1::interval OR created_at < now() - $2::interval`,
		idle.String(), absolute.String())
	if err != nil {
		return 0, fmt.Errorf("postgres: delete expired sessions: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// AuditLog lists audit entries, newest first, a page of 100 at a time.
func (db *DB) AuditLog(ctx context.Context, f azizayol.AuditFilter) ([]azizayol.AuditEntry, error) {
	w := &where{}
	w.addRaw("true")
	if f.Email != "" {
		w.add("email = $?", azizayol.NormalizeEmail(f.Email))
	}
	if f.Action != "" {
		w.add("action = $?", f.Action)
	}
	if f.AppealID != 0 {
		w.add("appeal_id = $?", f.AppealID)
	}
	rows, err := db.pool.Query(ctx, `SELECT id, at, coalesce(staff_id, 0), email, action, coalesce(appeal_id, 0), detail, addr
		FROM audit_log WHERE `+w.sql()+` ORDER BY at DESC, id DESC LIMIT 100 OFFSET `+strconv.Itoa(max(f.Page, 0)*100), w.args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: read audit log: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (azizayol.AuditEntry, error) {
		var e azizayol.AuditEntry
		err := r.Scan(&e.ID, &e.At, &e.StaffID, &e.Email, &e.Action, &e.AppealID, &e.Detail, &e.Addr)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: read audit log: %w", err)
	}
	return list, nil
}

// CannedAnswers lists the prepared answers an agency may use: its own and those for
// every agency (agencyID 0: all of them).
func (db *DB) CannedAnswers(ctx context.Context, agencyID int64) ([]azizayol.CannedAnswer, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, coalesce(agency_id, 0), title, text_uz_latn, text_uz_cyrl, text_ru
		FROM canned_answers WHERE $1 = 0 OR agency_id IS NULL OR agency_id = $1 ORDER BY title, id`, agencyID)
	if err != nil {
		return nil, fmt.Errorf("postgres: list canned answers: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (azizayol.CannedAnswer, error) {
		var c azizayol.CannedAnswer
		err := r.Scan(&c.ID, &c.AgencyID, &c.Title, &c.Texts.UzLatn, &c.Texts.UzCyrl, &c.Texts.Ru)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: list canned answers: %w", err)
	}
	return list, nil
}

// SaveCannedAnswer creates (ID 0) or replaces a canned answer of its agency; a
// replacement must be of the same agency (ErrNotFound otherwise), unless made by a
// super-admin (AgencyID 0), who replaces any and leaves it with its agency.
func (db *DB) SaveCannedAnswer(ctx context.Context, c azizayol.CannedAnswer) (int64, error) {
	if c.ID == 0 {
		err := db.pool.QueryRow(ctx, `INSERT INTO canned_answers (agency_id, title, text_uz_latn, text_uz_cyrl, text_ru)
			VALUES (nullif($1, 0)::bigint, $2, $3, $4, $5) RETURNING id`, c.AgencyID, c.Title, c.Texts.UzLatn, c.Texts.UzCyrl, c.Texts.Ru).Scan(&c.ID)
		if err != nil {
			return 0, fmt.Errorf("postgres: create canned answer: %w", err)
		}
		return c.ID, nil
	}
	tag, err := db.pool.Exec(ctx, `UPDATE canned_answers SET title = $3, text_uz_latn = $4, text_uz_cyrl = $5, text_ru = $6, updated_at = now()
		WHERE id = $1 AND ($2 = 0 OR agency_id = $2)`, c.ID, c.AgencyID, c.Title, c.Texts.UzLatn, c.Texts.UzCyrl, c.Texts.Ru)
	if err != nil {
		return 0, fmt.Errorf("postgres: update canned answer %d: %w", c.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return 0, fmt.Errorf("postgres: canned answer %d: %w", c.ID, azizayol.ErrNotFound)
	}
	return c.ID, nil
}

// DeleteCannedAnswer deletes a canned answer of an agency (0, a super-admin: of any
// agency, or for all).
func (db *DB) DeleteCannedAnswer(ctx context.Context, id, agencyID int64) error {
	tag, err := db.pool.Exec(ctx, `DELETE FROM canned_answers WHERE id = $1 AND ($2 = 0 OR agency_id = $2)`, id, agencyID)
	if err != nil {
		return fmt.Errorf("postgres: delete canned answer %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: canned answer %d: %w", id, azizayol.ErrNotFound)
	}
	return nil
}

// Alerts lists a staff member's unseen deadline alerts, newest first, of the appeals
// still in her scope (the rule of scope): one transferred away since, or outside the
// regions she now has, is no longer hers to hear of.
func (db *DB) Alerts(ctx context.Context, staffID int64) ([]azizayol.Alert, error) {
	rows, err := db.pool.Query(ctx, `SELECT x.id, x.appeal_id, a.number, x.kind, a.deadline_at, x.created_at
		FROM staff_alerts x JOIN appeals a ON a.id = x.appeal_id JOIN staff s ON s.id = x.staff_id
		WHERE x.staff_id = $1 AND x.seen_at IS NULL AND s.disabled_at IS NULL
		  AND (s.role = 'super_admin' OR a.agency_id = s.agency_id
		       AND (s.role <> 'operator' OR s.regions = '{}' OR a.region_code = ANY(s.regions)))
		ORDER BY x.id DESC LIMIT 50`, staffID)
	if err != nil {
		return nil, fmt.Errorf("postgres: list alerts of staff %d: %w", staffID, err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (azizayol.Alert, error) {
		var a azizayol.Alert
		err := r.Scan(&a.ID, &a.AppealID, &a.Number, &a.Kind, &a.Deadline, &a.Created)
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: list alerts of staff %d: %w", staffID, err)
	}
	return list, nil
}

// SeenAlerts marks a staff member's alerts of an appeal seen (0: all of hers).
func (db *DB) SeenAlerts(ctx context.Context, staffID, appealID int64) error {
	_, err := db.pool.Exec(ctx, `UPDATE staff_alerts SET seen_at = now()
		WHERE staff_id = $1 AND ($2 = 0 OR appeal_id = $2) AND seen_at IS NULL`, staffID, appealID)
	if err != nil {
		return fmt.Errorf("postgres: mark alerts of staff %d seen: %w", staffID, err)
	}
	return nil
}

// Deadlines raises the deadline alerts due at now and returns how many it raised:
//   - due_soon, to the assignee of an appeal due within warn (urgent ones within
//     warnUrgent) and not yet answered;
//   - overdue, to the agency's admins, for an appeal past its deadline unanswered;
//   - urgent_unanswered, to the agency's admins, for an urgent appeal unanswered
//     urgentAfter after it was filed.
//
// Each alert is raised once per person and appeal, so a run repeated (or run by two
// instances) adds nothing.
func (db *DB) Deadlines(ctx context.Context, now time.Time, warn, warnUrgent, urgentAfter time.Duration) (int, error) {
	var n int
	err := db.pool.QueryRow(ctx, `
		WITH raised AS (
		    INSERT INTO staff_alerts (staff_id, appeal_id, kind, created_at)
		    SELECT a.assigned_to, a.id, 'due_soon', $1 FROM appeals a
		    WHERE a.status IN ('received', 'in_progress') AND a.assigned_to IS NOT NULL AND a.deadline_at > $1
		      AND a.deadline_at <= $1 + CASE WHEN a.urgent THEN $3::interval ELSE $2::interval END
		    UNION ALL
		    SELECT s.id, a.id, 'overdue', $1 FROM appeals a JOIN staff s ON s.agency_id = a.agency_id
		    WHERE a.status IN ('received', 'in_progress') AND a.deadline_at <= $1
		      AND s.role = 'agency_admin' AND s.disabled_at IS NULL
		    UNION ALL
		    SELECT s.id, a.id, 'urgent_unanswered', $1 FROM appeals a JOIN staff s ON s.agency_id = a.agency_id
		    WHERE a.status IN ('received', 'in_progress') AND a.urgent AND a.first_answer_at IS NULL
		      AND a.filed_at <= $1 - $4::interval AND a.deadline_at > $1
		      AND s.role = 'agency_admin' AND s.disabled_at IS NULL
		    ON CONFLICT DO NOTHING
		    RETURNING appeal_id, kind),
		marked AS (
		    UPDATE appeals a SET warned_at = coalesce(a.warned_at, CASE WHEN r.warned THEN $1::timestamptz END),
		                         escalated_at = coalesce(a.escalated_at, CASE WHEN r.escalated THEN $1::timestamptz END)
		    FROM (SELECT appeal_id, bool_or(kind = 'due_soon') AS warned, bool_or(kind <> 'due_soon') AS escalated
		          FROM raised GROUP BY appeal_id) r
		    WHERE a.id = r.appeal_id)
		SELECT count(*) FROM raised`, now, warn.String(), warnUrgent.String(), urgentAfter.String()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("postgres: raise deadline alerts: %w", err)
	}
	return n, nil
}
