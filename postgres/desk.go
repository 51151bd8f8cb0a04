package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/azizayol/azizayol"
)

// The console's changes to appeals (admin.Desk runs them inside Do), and what the
// console reads of them: the inbox, one appeal's thread, the agencies to transfer to.

// Assign makes a staff member (0: nobody) the one who works on an appeal.
func (u *unitTx) Assign(ctx context.Context, appealID, staffID int64) error {
	return u.appealChange(ctx, "take", `UPDATE appeals SET assigned_to = nullif($2, 0)::bigint WHERE id = $1
		RETURNING agency_id, coalesce(region_code, '')`, appealID, staffID)
}

// Transfer routes an appeal to another agency, unassigned, and keeps the transfer in
// its thread.
func (u *unitTx) Transfer(ctx context.Context, appealID, toAgency int64, reason, staff string) error {
	// The inbox of the agency it leaves hears of it too.
	from := azizayol.AppealEvent{AppealID: appealID, What: "transfer"}
	err := u.tx.QueryRow(ctx, `INSERT INTO appeal_transfers (appeal_id, from_agency, to_agency, reason, staff)
		SELECT id, agency_id, $2, $3, $4 FROM appeals WHERE id = $1
		RETURNING from_agency, coalesce((SELECT region_code FROM appeals WHERE id = $1), '')`,
		appealID, toAgency, reason, staff).Scan(&from.AgencyID, &from.RegionCode)
	if err != nil {
		return fmt.Errorf("postgres: record transfer of appeal %d: %w", appealID, err)
	}
	u.changed(from)
	return u.appealChange(ctx, "transfer", `UPDATE appeals SET agency_id = $2, assigned_to = NULL, warned_at = NULL, escalated_at = NULL
		WHERE id = $1 RETURNING agency_id, coalesce(region_code, '')`, appealID, toAgency)
}

// SetAppealStatus moves an appeal to a status.
func (u *unitTx) SetAppealStatus(ctx context.Context, appealID int64, s azizayol.AppealStatus) error {
	return u.appealChange(ctx, "status", `UPDATE appeals SET status = $2, status_at = now() WHERE id = $1
		RETURNING agency_id, coalesce(region_code, '')`, appealID, string(s))
}

// appealChange runs an UPDATE of one appeal that returns its agency and region, and
// announces the change to the console.
func (u *unitTx) appealChange(ctx context.Context, what, sql string, appealID int64, arg any) error {
	e := azizayol.AppealEvent{AppealID: appealID, What: what}
	err := u.tx.QueryRow(ctx, sql, appealID, arg).Scan(&e.AgencyID, &e.RegionCode)
	if err != nil {
		return fmt.Errorf("postgres: %s appeal %d: %w", what, appealID, err)
	}
	u.changed(e)
	return nil
}

// Audit records what a staff member saw or did, in the transaction of the change.
func (u *unitTx) Audit(ctx context.Context, e azizayol.AuditEntry) error {
	return audit(ctx, u.tx, e)
}

// Audit records what a staff member saw or did (a view, a login).
func (db *DB) Audit(ctx context.Context, e azizayol.AuditEntry) error {
	return audit(ctx, db.pool, e)
}

func audit(ctx context.Context, q execer, e azizayol.AuditEntry) error {
	_, err := q.Exec(ctx, `INSERT INTO audit_log (staff_id, email, action, appeal_id, detail, addr)
		VALUES (nullif($1, 0)::bigint, $2, $3, nullif($4, 0)::bigint, $5, $6)`,
		e.StaffID, e.Email, e.Action, e.AppealID, e.Detail, e.Addr)
	if err != nil {
		return fmt.Errorf("postgres: audit %s by %s: %w", e.Action, e.Email, err)
	}
	return nil
}

// scope is the SQL condition (on appeals a) for the appeals a staff member may see,
// with its arguments appended to w: the same rule as azizayol.Staff.Sees.
func scope(w *where, who azizayol.Staff) {
	switch {
	case who.Disabled:
		w.addRaw("false")
	case who.Role == azizayol.SuperAdmin:
	case who.Role == azizayol.Operator && len(who.Regions) > 0:
		w.addRaw("a.agency_id = " + w.arg(who.AgencyID) + " AND a.region_code = ANY(" + w.arg(who.Regions) + ")")
	default:
		w.add("a.agency_id = $?", who.AgencyID)
	}
}

// addRaw appends a condition whose arguments, if any, were added with arg.
func (w *where) addRaw(cond string) { w.conds = append(w.conds, cond) }

// execer runs a statement: the pool, or a transaction.
type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

const inboxColumns = `SELECT a.id, a.number, a.kind, a.topic, coalesce(a.user_id, 0), a.lang, a.channel,
       g.id, g.code, coalesce(g.region_code, ''), g.name_uz_latn, g.name_uz_cyrl, g.name_ru,
       coalesce(a.region_code, ''), coalesce(a.district_code, ''), coalesce(a.phone, ''),
       a.urgent, a.status, a.filed_at, a.deadline_at,
       coalesce(s.name, ''), a.escalated_at IS NOT NULL,
       coalesce((SELECT left(m.text, 140) FROM appeal_messages m WHERE m.appeal_id = a.id ORDER BY m.id LIMIT 1), ''),
       coalesce(r.name_uz_latn, ''), coalesce(r.name_uz_cyrl, ''), coalesce(r.name_ru, ''),
       coalesce(d.name_uz_latn, ''), coalesce(d.name_uz_cyrl, ''), coalesce(d.name_ru, '')
FROM appeals a JOIN agencies g ON g.id = a.agency_id LEFT JOIN staff s ON s.id = a.assigned_to
     LEFT JOIN regions r ON r.code = a.region_code LEFT JOIN districts d ON d.code = a.district_code`

func scanInboxItem(r pgx.Row) (azizayol.InboxItem, error) {
	var it azizayol.InboxItem
	a := &it.Appeal
	var kind, lang, channel, status string
	err := r.Scan(&a.ID, &a.Number, &kind, &a.Topic, &a.UserID, &lang, &channel,
		&a.Agency.ID, &a.Agency.Code, &a.Agency.RegionCode, &a.Agency.Names.UzLatn, &a.Agency.Names.UzCyrl, &a.Agency.Names.Ru,
		&a.RegionCode, &a.DistrictCode, &a.Phone, &a.Urgent, &status, &a.Filed, &a.Deadline,
		&it.Assignee, &it.Escalated, &it.Preview,
		&it.Region.UzLatn, &it.Region.UzCyrl, &it.Region.Ru, &it.District.UzLatn, &it.District.UzCyrl, &it.District.Ru)
	a.Kind, a.Lang, a.Channel, a.Status = azizayol.AppealKind(kind), azizayol.Lang(lang), azizayol.Channel(channel), azizayol.AppealStatus(status)
	return it, err
}

// Inbox lists the appeals in her scope that the filter chooses, the nearest deadline
// first (urgent ones first among the open), one page at a time, with how many there
// are in all.
func (db *DB) Inbox(ctx context.Context, who azizayol.Staff, f azizayol.Filter, now time.Time) ([]azizayol.InboxItem, int, error) {
	w := &where{}
	scope(w, who)
	switch {
	case f.Status == "" && strings.TrimSpace(f.Query) != "":
		// A number or a phone is looked for in every status.
	case f.Status == "":
		w.addRaw("a.status IN ('received', 'in_progress', 'answered')")
	default:
		w.add("a.status = $?", string(f.Status))
	}
	if f.Topic != "" {
		w.add("a.topic = $?", f.Topic)
	}
	if f.Region != "" {
		w.add("a.region_code = $?", f.Region)
	}
	if f.District != "" {
		w.add("a.district_code = $?", f.District)
	}
	if f.Urgent {
		w.addRaw("a.urgent")
	}
	if f.Overdue {
		w.add("a.status IN ('received', 'in_progress') AND a.deadline_at < $?", now)
	}
	if f.Mine {
		w.add("a.assigned_to = $?", who.ID)
	}
	if f.Unassigned {
		w.addRaw("a.assigned_to IS NULL")
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		if phone, ok := azizayol.NormalizePhone(q); ok {
			w.add("a.phone = $?", phone)
		} else {
			w.add("a.number = $?", strings.ToUpper(q))
		}
	}
	cond := w.sql()
	var total int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM appeals a WHERE `+cond, w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("postgres: count inbox: %w", err)
	}
	// The page's ids first, from the appeals indexes alone (they carry every column a
	// filter reads), then their rows: the skipped pages and the rows the filter drops
	// are never read from the table.
	sql := `WITH page AS (SELECT a.id FROM appeals a WHERE ` + cond + ` ORDER BY a.deadline_at, a.id LIMIT ` +
		strconv.Itoa(azizayol.InboxPage) + ` OFFSET ` + strconv.Itoa(max(f.Page, 0)*azizayol.InboxPage) + `)
` + inboxColumns + ` JOIN page ON page.id = a.id ORDER BY a.deadline_at, a.id`
	rows, err := db.pool.Query(ctx, sql, w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: list inbox: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (azizayol.InboxItem, error) { return scanInboxItem(r) })
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: list inbox: %w", err)
	}
	return items, total, nil
}

// DeskAppeal returns an appeal in her scope with its whole thread — her messages, the
// answers with what became of their delivery, the notes and the transfers, oldest
// first — or ErrNotFound when it is not in her scope.
func (db *DB) DeskAppeal(ctx context.Context, who azizayol.Staff, id int64) (azizayol.InboxItem, []azizayol.ThreadEntry, error) {
	w := &where{}
	w.add("a.id = $?", id)
	scope(w, who)
	it, err := scanInboxItem(db.pool.QueryRow(ctx, inboxColumns+` WHERE `+w.sql(), w.args...))
	if err == pgx.ErrNoRows {
		return it, nil, fmt.Errorf("postgres: appeal %d for %s: %w", id, who.Email, azizayol.ErrNotFound)
	}
	if err != nil {
		return it, nil, fmt.Errorf("postgres: read appeal %d: %w", id, err)
	}
	rows, err := db.pool.Query(ctx, `
		SELECT m.id, m.author, coalesce(m.staff, ''), m.text, m.attachments, coalesce(m.rating, 0), m.created_at,
		       coalesce((SELECT CASE WHEN count(*) = 0 THEN NULL -- not an answer: no badge
		                             WHEN bool_or(o.status = 'blocked') THEN 'blocked'
		                             WHEN bool_or(o.delivery IN ('failed', 'expired')) OR bool_or(o.status = 'failed') THEN 'failed'
		                             WHEN bool_or(o.status = 'withheld') THEN 'withheld'
		                             WHEN bool_or(o.status = 'pending') THEN 'pending'
		                             WHEN bool_and(o.delivery IS NOT DISTINCT FROM 'delivered') THEN 'delivered'
		                             ELSE 'sent' END
		                 FROM outbox o WHERE o.appeal_message_id = m.id), ''),
		       '', ''
		FROM appeal_messages m WHERE m.appeal_id = $1
		UNION ALL
		SELECT 0, 'transfer', t.staff, t.reason, '[]'::jsonb, 0, t.created_at, '',
		       f.name_uz_latn || '|' || f.name_ru, g.name_uz_latn || '|' || g.name_ru
		FROM appeal_transfers t JOIN agencies f ON f.id = t.from_agency JOIN agencies g ON g.id = t.to_agency
		WHERE t.appeal_id = $1
		ORDER BY 7, 1`, id)
	if err != nil {
		return it, nil, fmt.Errorf("postgres: read thread of appeal %d: %w", id, err)
	}
	thread, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (azizayol.ThreadEntry, error) {
		var e azizayol.ThreadEntry
		err := r.Scan(&e.ID, &e.Kind, &e.Staff, &e.Text, &e.Attachments, &e.Rating, &e.Created, &e.Delivery, &e.From, &e.To)
		e.AppealID, e.Author = id, azizayol.Author(e.Kind)
		return e, err
	})
	if err != nil {
		return it, nil, fmt.Errorf("postgres: read thread of appeal %d: %w", id, err)
	}
	return it, thread, nil
}

// Agencies lists every agency, national ones first.
func (db *DB) Agencies(ctx context.Context) ([]azizayol.Agency, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, code, coalesce(region_code, ''), name_uz_latn, name_uz_cyrl, name_ru
		FROM agencies ORDER BY region_code NULLS FIRST, id`)
	if err != nil {
		return nil, fmt.Errorf("postgres: list agencies: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (azizayol.Agency, error) {
		var g azizayol.Agency
		err := r.Scan(&g.ID, &g.Code, &g.RegionCode, &g.Names.UzLatn, &g.Names.UzCyrl, &g.Names.Ru)
		return g, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: list agencies: %w", err)
	}
	return list, nil
}

// TopicCodes lists the topics' codes in menu order, consultations first.
func (db *DB) TopicCodes(ctx context.Context) ([]string, error) {
	rows, err := db.pool.Query(ctx, `SELECT code FROM topics ORDER BY kind DESC, position`)
	if err != nil {
		return nil, fmt.Errorf("postgres: list topics: %w", err)
	}
	codes, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("postgres: list topics: %w", err)
	}
	return codes, nil
}

// AllDistricts lists every district, by region.
func (db *DB) AllDistricts(ctx context.Context) ([]azizayol.District, error) {
	rows, err := db.pool.Query(ctx, `SELECT code, region_code, name_uz_latn, name_uz_cyrl, name_ru FROM districts ORDER BY region_code, name_uz_latn`)
	if err != nil {
		return nil, fmt.Errorf("postgres: list districts: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanDistrict)
	if err != nil {
		return nil, fmt.Errorf("postgres: list districts: %w", err)
	}
	return list, nil
}

// AllRegions lists the regions.
func (db *DB) AllRegions(ctx context.Context) ([]azizayol.Region, error) {
	var list []azizayol.Region
	err := db.Do(ctx, func(tx azizayol.Tx) error {
		var err error
		list, err = tx.Regions(ctx)
		return err
	})
	return list, err
}

// AttachmentOf returns the n-th file (from 0) of a message of an appeal in her scope.
func (db *DB) AttachmentOf(ctx context.Context, who azizayol.Staff, appealID, messageID int64, n int) (azizayol.Attachment, azizayol.Channel, error) {
	w := &where{}
	w.add("a.id = $?", appealID)
	w.add("m.id = $?", messageID)
	scope(w, who)
	var att azizayol.Attachment
	var channel string
	// The index is an int: untyped, Postgres would read jsonb -> text (a key).
	err := db.pool.QueryRow(ctx, `SELECT coalesce(m.attachments->`+w.arg(n)+`::int->>'kind', ''), coalesce(m.attachments->`+w.arg(n)+`::int->>'file_id', ''), a.channel
		FROM appeal_messages m JOIN appeals a ON a.id = m.appeal_id WHERE `+w.sql(), w.args...).Scan(&att.Kind, &att.FileID, &channel)
	if err == pgx.ErrNoRows || (err == nil && att.FileID == "") {
		return att, "", fmt.Errorf("postgres: file %d of message %d: %w", n, messageID, azizayol.ErrNotFound)
	}
	if err != nil {
		return att, "", fmt.Errorf("postgres: read file of message %d: %w", messageID, err)
	}
	return att, azizayol.Channel(channel), nil
}
