package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/azizayol/azizayol"
)

// defaultPurgeBatch is how many rows one statement of the purge changes: each batch
// commits on its own, so no transaction holds millions of rows.
const defaultPurgeBatch = 1000

// withheldKept is how long a withheld notice keeps its text whatever the outbox's
// retention: her START queues again what was withheld in the last 30 days
// (RequeueNotices).
const withheldKept = 30 * 24 * time.Hour

// purgeStep is one kind's statement: it changes at most one batch of what is due as
// of cutoff and says how many rows it changed. It skips rows another transaction holds
// (they are for the next night).
type purgeStep struct {
	kind string
	sql  string
	args func(cutoff, now time.Time, batch int) []any
}

func cutoffAndBatch(cutoff, _ time.Time, batch int) []any { return []any{cutoff, batch} }

var purgeSteps = []purgeStep{
	// Processed raw updates lose what she sent; the row stays, so a redelivered
	// update is still recognised, without her address in its key.
	{"inbox", `
		WITH due AS (
		    SELECT id FROM inbox
		    WHERE processed_at IS NOT NULL AND octet_length(payload) > 0 AND received_at <= $1
		    ORDER BY received_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
		UPDATE inbox i SET payload = '\x', error = NULL, user_key = 'purged:' || i.id
		FROM due WHERE i.id = due.id`, cutoffAndBatch},
	// Messages no longer waiting to be sent lose their text and buttons; what became
	// of them (status, delivery, the answer they carried) stays for the console. A
	// withheld notice keeps its text while her START may still queue it again.
	{"outbox", `
		WITH due AS (
		    SELECT id FROM outbox
		    WHERE status <> 'pending' AND (message ? 'text' OR message ? 'buttons') AND created_at <= $1
		      AND (status <> 'withheld' OR created_at <= $3)
		    ORDER BY created_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
		UPDATE outbox o SET message = o.message - 'text' - 'buttons'
		FROM due WHERE o.id = due.id`,
		func(cutoff, now time.Time, batch int) []any {
			withheld := now.Add(-withheldKept)
			if cutoff.Before(withheld) {
				withheld = cutoff
			}
			return []any{cutoff, batch, withheld}
		}},
	// Appeals closed or withdrawn at the limit or before lose every word of their
	// thread (hers, the answers, the notes), the files' ids, the transfers' reasons,
	// her phone number and the link to her (as when she deletes her data). They keep
	// their number, kind, topic, agency, region, district, dates, status, urgency,
	// first answer and ratings: the statistics.
	{"appeals", `
		WITH due AS (
		    SELECT id FROM appeals
		    WHERE status IN ('closed', 'withdrawn') AND (purged_at IS NULL OR purged_at < status_at) AND status_at <= $1
		    ORDER BY status_at, id LIMIT $2 FOR UPDATE SKIP LOCKED),
		thread AS (
		    UPDATE appeal_messages m SET text = '', attachments = '[]'
		    FROM due WHERE m.appeal_id = due.id AND (m.text <> '' OR m.attachments <> '[]')),
		transfers AS (
		    UPDATE appeal_transfers t SET reason = ''
		    FROM due WHERE t.appeal_id = due.id AND t.reason <> '')
		UPDATE appeals a SET purged_at = $3, phone = NULL, user_id = NULL, submission_key = NULL
		FROM due WHERE a.id = due.id`,
		func(cutoff, now time.Time, batch int) []any { return []any{cutoff, batch, now} }},
	// Who a finished broadcast went to goes with the outbox's limit; the broadcast
	// keeps its counts.
	{"broadcasts", `
		DELETE FROM broadcast_recipients r USING (
		    SELECT r.broadcast_id, r.user_id FROM broadcast_recipients r JOIN broadcasts b ON b.id = r.broadcast_id
		    WHERE b.status IN ('done', 'cancelled') AND b.finished_at <= $1
		    LIMIT $2 FOR UPDATE OF r SKIP LOCKED) d
		WHERE r.broadcast_id = d.broadcast_id AND r.user_id = d.user_id`, cutoffAndBatch},
	// The audit log's entries past the limit go.
	{"audit", `
		DELETE FROM audit_log WHERE id IN (
		    SELECT id FROM audit_log WHERE at <= $1 ORDER BY at LIMIT $2 FOR UPDATE SKIP LOCKED)`, cutoffAndBatch},
}

// Purge enforces the retention r as of now: what is as old as its kind's limit, or
// older, is blanked or deleted, in batches; a kind whose limit is zero is kept. Run
// again, it finds nothing more to do. It returns how much of each kind it purged.
func (db *DB) Purge(ctx context.Context, now time.Time, r azizayol.Retention) (azizayol.Purged, error) {
	var p azizayol.Purged
	batch := r.Batch
	if batch <= 0 {
		batch = defaultPurgeBatch
	}
	for _, s := range purgeSteps {
		var limit time.Duration
		var count *int64
		switch s.kind {
		case "inbox":
			limit, count = r.Inbox, &p.Inbox
		case "outbox", "broadcasts":
			limit, count = r.Outbox, &p.Outbox
		case "appeals":
			limit, count = r.ClosedTexts, &p.Appeals
		case "audit":
			limit, count = r.Audit, &p.Audit
		}
		if limit <= 0 {
			continue
		}
		for {
			tag, err := db.pool.Exec(ctx, s.sql, s.args(now.Add(-limit), now, batch)...)
			if err != nil {
				return p, fmt.Errorf("postgres: purge %s older than %s: %w", s.kind, limit, err)
			}
			*count += tag.RowsAffected()
			if tag.RowsAffected() < int64(batch) {
				break
			}
			if err := ctx.Err(); err != nil {
				return p, err
			}
		}
	}
	return p, nil
}
