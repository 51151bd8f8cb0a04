package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/azizayol/azizayol"
)

// The ids of the messages of each conversation, and their deletion: by a cleared chat,
// by her automatic sweep, by a message that deletes itself.

// deleteWindow is how long Telegram lets a bot delete a message of a private chat.
const deleteWindow = 48 * time.Hour

// TrackMessages records the ids of messages of her conversation, due for deletion by
// her sweep if she chose one.
func (u *unitTx) TrackMessages(ctx context.Context, userID int64, ids []int, at time.Time) error {
	return trackMessages(ctx, u.tx, userID, ids, at, at, 0)
}

// trackMessages records message ids sent at at; deleteAfter (seconds) > 0 marks them
// due then. A message queued before her last clear (and sent after it: she pressed
// while it was on its way) is due at once; else her sweep decides.
func trackMessages(ctx context.Context, q execer, userID int64, ids []int, at, queued time.Time, deleteAfter int) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := q.Exec(ctx, `
		INSERT INTO chat_messages (user_id, message_id, at, queued_at, delete_at)
		SELECT u.id, m, $3::timestamptz, $5::timestamptz,
		       CASE WHEN $4 > 0 THEN $3::timestamptz + make_interval(secs => $4)
		            WHEN u.cleared_at IS NOT NULL AND $5::timestamptz <= u.cleared_at THEN $3::timestamptz
		            WHEN u.sweep_hours > 0 THEN $3::timestamptz + make_interval(hours => u.sweep_hours) END
		FROM users u, unnest($2::bigint[]) m WHERE u.id = $1
		ON CONFLICT (user_id, message_id) DO UPDATE
		SET delete_at = least(chat_messages.delete_at, excluded.delete_at)`, userID, ids, at, deleteAfter, queued)
	if err != nil {
		return fmt.Errorf("postgres: track messages of user %d: %w", userID, err)
	}
	return nil
}

// ClearChat marks her deletable messages for deletion now and forgets the rest.
func (u *unitTx) ClearChat(ctx context.Context, userID int64, now time.Time) (int, error) {
	if _, err := u.tx.Exec(ctx, `DELETE FROM chat_messages WHERE user_id = $1 AND at <= $2`, userID, now.Add(-deleteWindow)); err != nil {
		return 0, fmt.Errorf("postgres: forget old messages of user %d: %w", userID, err)
	}
	if _, err := u.tx.Exec(ctx, `UPDATE users SET cleared_at = greatest(now(), $2) WHERE id = $1`, userID, now); err != nil {
		return 0, fmt.Errorf("postgres: clear chat of user %d: %w", userID, err)
	}
	tag, err := u.tx.Exec(ctx, `UPDATE chat_messages SET delete_at = $2 WHERE user_id = $1`, userID, now)
	if err != nil {
		return 0, fmt.Errorf("postgres: clear chat of user %d: %w", userID, err)
	}
	return int(tag.RowsAffected()), nil
}

// SetPrivacy keeps her privacy choices. A sweep chosen (or changed) now applies to
// the messages of the last 48 hours as well; turned off, it no longer deletes what it
// had planned to (a cleared chat is still deleted).
func (u *unitTx) SetPrivacy(ctx context.Context, userID int64, p azizayol.Privacy) error {
	_, err := u.tx.Exec(ctx, `UPDATE users SET sweep_hours = $2, discreet = $3, notify_from = $4, notify_until = $5 WHERE id = $1`,
		userID, p.SweepHours, p.Discreet, p.NotifyFrom, p.NotifyUntil)
	if err != nil {
		return fmt.Errorf("postgres: set privacy of user %d: %w", userID, err)
	}
	// Only what the sweep planned (an hour after sending or later) is planned anew: a
	// clear's deletions and the line that deletes itself stay as they are.
	_, err = u.tx.Exec(ctx, `UPDATE chat_messages SET delete_at = CASE WHEN $2 > 0 THEN at + make_interval(hours => $2) END
		WHERE user_id = $1 AND (delete_at IS NULL OR (delete_at > now() AND delete_at - at >= interval '1 hour'))`, userID, p.SweepHours)
	if err != nil {
		return fmt.Errorf("postgres: plan the sweep of user %d: %w", userID, err)
	}
	return nil
}

// DeleteDue hands the messages due for deletion at now, a conversation at a time (at
// most 100 ids, Telegram's deleteMessages limit), to del, and forgets them when it
// succeeds. Messages that have become too old to delete are forgotten without trying:
// Telegram would refuse. It returns how many messages it handed over. Rows are locked
// while del runs, so several instances share the work without doing it twice.
func (db *DB) DeleteDue(ctx context.Context, now time.Time, del func(context.Context, azizayol.Deletion) error) (int, error) {
	if _, err := db.pool.Exec(ctx, `DELETE FROM chat_messages WHERE at <= $1`, now.Add(-deleteWindow)); err != nil {
		return 0, fmt.Errorf("postgres: forget undeletable messages: %w", err)
	}
	// A message queued before a clear but recorded after it by a sender whose
	// transaction could not yet see the clear: it belongs to the cleared conversation.
	if _, err := db.pool.Exec(ctx, `UPDATE chat_messages c SET delete_at = $1 FROM users u
		WHERE u.cleared_at > $1::timestamptz - interval '10 minutes' AND c.user_id = u.id
		  AND c.delete_at IS NULL AND c.queued_at <= u.cleared_at`, now); err != nil {
		return 0, fmt.Errorf("postgres: delete what a clear missed: %w", err)
	}
	done := 0
	for {
		n, err := db.deleteDueBatch(ctx, now, del)
		done += n
		if err != nil || n == 0 {
			return done, err
		}
	}
}

func (db *DB) deleteDueBatch(ctx context.Context, now time.Time, del func(context.Context, azizayol.Deletion) error) (int, error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("postgres: delete messages: begin: %w", err)
	}
	defer tx.Rollback(ctx)
	var d azizayol.Deletion
	var channel string
	err = tx.QueryRow(ctx, `
		WITH due AS (
		    SELECT user_id, message_id FROM chat_messages
		    WHERE delete_at <= $1 AND user_id = (SELECT user_id FROM chat_messages WHERE delete_at <= $1
		                                         ORDER BY delete_at LIMIT 1 FOR UPDATE SKIP LOCKED)
		    ORDER BY message_id LIMIT 100 FOR UPDATE SKIP LOCKED)
		SELECT u.id, u.channel, u.address, array_agg(due.message_id::int ORDER BY due.message_id)
		FROM due JOIN users u ON u.id = due.user_id GROUP BY u.id`, now).Scan(&d.UserID, &channel, &d.Address, &d.IDs)
	if err == pgx.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("postgres: claim messages to delete: %w", err)
	}
	d.Channel = azizayol.Channel(channel)
	if err := del(ctx, d); err != nil {
		if !errors.Is(err, azizayol.ErrRejected) && !errors.Is(err, azizayol.ErrRecipientBlocked) {
			// Tried again in a minute; the other conversations go on meanwhile.
			if _, uerr := tx.Exec(ctx, `UPDATE chat_messages SET delete_at = $3 WHERE user_id = $1 AND message_id = ANY($2)`,
				d.UserID, d.IDs, now.Add(time.Minute)); uerr == nil {
				_ = tx.Commit(ctx)
			}
			return 0, fmt.Errorf("postgres: delete messages of user %d: %w", d.UserID, err)
		}
		// Telegram refuses for good (already deleted by her, or she blocked the bot):
		// nothing more can be done about these.
	}
	if _, err := tx.Exec(ctx, `DELETE FROM chat_messages WHERE user_id = $1 AND message_id = ANY($2)`, d.UserID, d.IDs); err != nil {
		return 0, fmt.Errorf("postgres: forget deleted messages of user %d: %w", d.UserID, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("postgres: delete messages: commit: %w", err)
	}
	return len(d.IDs), nil
}
