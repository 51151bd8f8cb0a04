package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/azizayol/azizayol"
)

// Enqueue writes messages to the outbox inside the entry's transaction: they exist if
// and only if the state they follow from was committed.
func (u *unitTx) Enqueue(ctx context.Context, usr azizayol.User, msgs ...azizayol.Outbound) error {
	if len(msgs) == 0 {
		return nil
	}
	batch := &pgx.Batch{}
	for _, m := range msgs {
		if m.Lang == "" {
			m.Lang = usr.Lang
		}
		body, err := json.Marshal(m)
		if err != nil {
			return fmt.Errorf("postgres: enqueue: encode message: %w", err)
		}
		batch.Queue(`INSERT INTO outbox (user_id, channel, address, message, appeal_message_id) VALUES ($1, $2, $3, $4, nullif($5, 0))`,
			usr.ID, usr.Channel, usr.Address, body, m.AppealMessage)
	}
	if err := u.tx.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("postgres: enqueue %d messages for user %d: %w", len(msgs), usr.ID, err)
	}
	return nil
}

// claimOutbox takes the oldest due message that is the first pending one of its user,
// and locks it, so her messages go out one at a time and in order. claimOutboxOf does
// the same for one user: the processor says whose replies it queued, so the hot path
// does not scan the queue.
const (
	outboxColumns = `SELECT o.id, o.user_id, o.channel, o.address, o.message, o.attempts, o.created_at,
       u.blocked_at IS NOT NULL,
       u.opted_out_at IS NOT NULL AND NOT coalesce((o.message->>'always')::boolean, false),
       u.sweep_hours, u.discreet, u.notify_from, u.notify_until
FROM outbox o JOIN users u ON u.id = o.user_id`
	outboxFirst = `o.status = 'pending' AND o.next_attempt_at <= now() AND o.channel = ANY($1)
  AND NOT EXISTS (SELECT 1 FROM outbox p
                  WHERE p.user_id = o.user_id AND p.status = 'pending' AND p.id < o.id)`
	claimOutbox   = outboxColumns + ` WHERE ` + outboxFirst + ` ORDER BY o.id LIMIT 1 FOR UPDATE OF o SKIP LOCKED`
	claimOutboxOf = outboxColumns + ` WHERE o.user_id = $2 AND ` + outboxFirst + ` ORDER BY o.id LIMIT 1 FOR UPDATE OF o SKIP LOCKED`
)

// SendNext gives the next message that may go out now on one of these channels — to
// this user, or to anyone when userID is 0 — to send, and records what it reports.
// It reports false when nothing is due. The message stays locked while send runs, so
// no other worker sends it too.
func (db *DB) SendNext(ctx context.Context, channels []azizayol.Channel, userID int64, send func(context.Context, azizayol.OutboxMessage) azizayol.Delivery) (bool, error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("postgres: send outbox: begin: %w", err)
	}
	defer tx.Rollback(ctx)

	var (
		m        azizayol.OutboxMessage
		body     []byte
		blocked  bool
		optedOut bool
	)
	var row pgx.Row
	if userID == 0 {
		row = tx.QueryRow(ctx, claimOutbox, channels)
	} else {
		row = tx.QueryRow(ctx, claimOutboxOf, channels, userID)
	}
	var privacy azizayol.Privacy
	err = row.Scan(&m.ID, &m.UserID, &m.Channel, &m.Address, &body, &m.Attempts, &m.Queued, &blocked, &optedOut,
		&privacy.SweepHours, &privacy.Discreet, &privacy.NotifyFrom, &privacy.NotifyUntil)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("postgres: claim outbox message: %w", err)
	}
	m.Silent = privacy.Quiet(time.Now())
	var d azizayol.Delivery
	if err := json.Unmarshal(body, &m.Message); err != nil {
		// Unreadable, so unsendable: mark it, or it would hold back her later messages.
		d = azizayol.Delivery{Status: azizayol.Failed, Error: "unreadable message: " + err.Error()}
	} else if blocked {
		d = azizayol.Delivery{Status: azizayol.UserBlocked}
	} else if optedOut {
		d = azizayol.Delivery{Status: azizayol.Withheld, Error: "she opted out (STOP)"}
	} else {
		d = send(ctx, m)
	}
	if err := recordDelivery(ctx, tx, m, d); err != nil {
		return true, err
	}
	if err := tx.Commit(ctx); err != nil {
		return true, fmt.Errorf("postgres: commit outbox message %d: %w", m.ID, err)
	}
	return true, nil
}

func recordDelivery(ctx context.Context, tx pgx.Tx, m azizayol.OutboxMessage, d azizayol.Delivery) error {
	var err error
	switch d.Status {
	case azizayol.Sent:
		// With a report that came before this commit, if there is one.
		_, err = tx.Exec(ctx, `
			WITH early AS (DELETE FROM early_reports WHERE channel = $3 AND external_id = $2 AND $2 <> '' RETURNING delivery, at)
			UPDATE outbox SET status = 'sent', sent_at = now(), attempts = attempts + 1, external_id = $2,
			       delivery = (SELECT delivery FROM early), delivery_at = (SELECT at FROM early)
			WHERE id = $1`, m.ID, d.ExternalID, string(m.Channel))
		if err == nil && m.Channel == azizayol.Telegram {
			// Kept so that clearing the chat (and her sweep, and a message that deletes
			// itself) can delete it.
			if id, perr := strconv.Atoi(d.ExternalID); perr == nil && id > 0 {
				err = trackMessages(ctx, tx, m.UserID, []int{id}, time.Now(), m.Queued, m.Message.DeleteAfter)
			}
		}
	case azizayol.RetryLater:
		// A wait our own limiter asked for is not a failed attempt; a failure is.
		failed := 0
		if d.Error != "" {
			failed = 1
		}
		_, err = tx.Exec(ctx, `UPDATE outbox SET next_attempt_at = $2, attempts = attempts + $3,
			last_error = coalesce(nullif($4, ''), last_error) WHERE id = $1`, m.ID, d.RetryAt, failed, d.Error)
	case azizayol.Failed:
		_, err = tx.Exec(ctx, `UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = $2
			WHERE id = $1`, m.ID, d.Error)
	case azizayol.UserBlocked:
		err = markBlocked(ctx, tx, m.UserID)
	case azizayol.Withheld:
		_, err = tx.Exec(ctx, `UPDATE outbox SET status = 'withheld', last_error = $2 WHERE id = $1`, m.ID, d.Error)
	default:
		err = fmt.Errorf("unknown delivery status %q", d.Status)
	}
	if err != nil {
		return fmt.Errorf("postgres: record delivery of outbox message %d: %w", m.ID, err)
	}
	return nil
}

// OutboxCounts counts outbox messages by status (for /metrics and tests).
func (db *DB) OutboxCounts(ctx context.Context) (map[azizayol.DeliveryStatus]int, error) {
	rows, err := db.pool.Query(ctx, `SELECT status, count(*) FROM outbox GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("postgres: count outbox: %w", err)
	}
	counts := map[azizayol.DeliveryStatus]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("postgres: count outbox: %w", err)
		}
		counts[azizayol.DeliveryStatus(s)] = n
	}
	return counts, rows.Err()
}

// EachOutbox calls fn with every queued or sent message, oldest first (for tests).
func (db *DB) EachOutbox(ctx context.Context, fn func(azizayol.Outbound)) error {
	rows, err := db.pool.Query(ctx, `SELECT message FROM outbox ORDER BY id`)
	if err != nil {
		return fmt.Errorf("postgres: read outbox: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m azizayol.Outbound
		if err := rows.Scan(&m); err != nil {
			return fmt.Errorf("postgres: read outbox: %w", err)
		}
		fn(m)
	}
	return rows.Err()
}

// RecordReport records what a channel's provider reported of a message it took, found
// by the id the provider gave it. A report that comes before the send is recorded (the
// provider answered the report before our commit) is kept and applied when the send is
// recorded: found is false then, and for a report of no message of ours, which is
// dropped after two days.
func (db *DB) RecordReport(ctx context.Context, channel azizayol.Channel, externalID string, r azizayol.DeliveryReport, at time.Time) (found bool, err error) {
	tag, err := db.pool.Exec(ctx, `UPDATE outbox SET delivery = $3, delivery_at = $4
		WHERE channel = $1 AND external_id = $2 AND status = 'sent'`, string(channel), externalID, string(r), at)
	if err != nil {
		return false, fmt.Errorf("postgres: record delivery report %s %s: %w", channel, externalID, err)
	}
	if tag.RowsAffected() > 0 {
		return true, nil
	}
	if found, err := recordBroadcastReport(ctx, db.pool, channel, externalID, r); found || err != nil {
		return found, err
	}
	_, err = db.pool.Exec(ctx, `
		WITH old AS (DELETE FROM early_reports WHERE at < $4::timestamptz - interval '2 days')
		INSERT INTO early_reports (channel, external_id, delivery, at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (channel, external_id) DO UPDATE SET delivery = excluded.delivery, at = excluded.at`,
		string(channel), externalID, string(r), at)
	if err != nil {
		return false, fmt.Errorf("postgres: keep delivery report %s %s: %w", channel, externalID, err)
	}
	return false, nil
}
