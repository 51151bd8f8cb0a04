package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/azizayol/azizayol"
)

// unitTx is the transaction of one inbox entry, as dialogs and the processor see it.
type unitTx struct {
	tx    pgx.Tx
	entry int64 // the inbox entry being processed; 0 outside the processor
	// events are the appeals filed or changed in this transaction, announced to the
	// console after it commits (nil: nobody listens).
	events *[]azizayol.AppealEvent
}

// changed records that an appeal was filed or changed, for the console's live inbox.
func (u *unitTx) changed(e azizayol.AppealEvent) {
	if u.events != nil {
		*u.events = append(*u.events, e)
	}
}

// Try runs fn in a savepoint: when fn fails, the savepoint is rolled back (which also
// clears an aborted statement) and the transaction goes on.
func (u *unitTx) Try(ctx context.Context, fn func(azizayol.Tx) error) error {
	sp, err := u.tx.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres: savepoint: %w", err)
	}
	if err := fn(&unitTx{tx: sp, entry: u.entry, events: u.events}); err != nil {
		if rerr := sp.Rollback(ctx); rerr != nil {
			return errors.Join(err, fmt.Errorf("postgres: roll back to savepoint: %w", rerr))
		}
		return err
	}
	if err := sp.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: release savepoint: %w", err)
	}
	return nil
}

// User finds or creates the user at this address and marks her seen now.
func (u *unitTx) User(ctx context.Context, channel azizayol.Channel, address string) (azizayol.User, error) {
	usr := azizayol.User{Channel: channel, Address: address}
	var lang string
	// On SMS her number is her address, and the operator vouches for it.
	var phone *string
	if channel == azizayol.SMS {
		phone = &address
	}
	err := u.tx.QueryRow(ctx, `
		INSERT INTO users (channel, address, phone) VALUES ($1, $2, $3)
		ON CONFLICT (channel, address) DO UPDATE SET last_seen_at = now()
		RETURNING id, lang, blocked_at IS NOT NULL, opted_out_at IS NOT NULL, xmax = 0,
		          sweep_hours, discreet, notify_from, notify_until`,
		channel, address, phone).Scan(&usr.ID, &lang, &usr.Blocked, &usr.OptedOut, &usr.New,
		&usr.Privacy.SweepHours, &usr.Privacy.Discreet, &usr.Privacy.NotifyFrom, &usr.Privacy.NotifyUntil)
	if err != nil {
		return usr, fmt.Errorf("postgres: find or create user: %w", err)
	}
	usr.Lang = azizayol.Lang(lang)
	return usr, nil
}

// SetLanguage remembers her choice of language.
func (u *unitTx) SetLanguage(ctx context.Context, userID int64, lang azizayol.Lang) error {
	if _, err := u.tx.Exec(ctx, `UPDATE users SET lang = $2 WHERE id = $1`, userID, string(lang)); err != nil {
		return fmt.Errorf("postgres: set language of user %d: %w", userID, err)
	}
	return nil
}

// SetBlocked records that she blocked (or unblocked) the bot. Her queued messages
// stop when a sender next takes one (SendNext sees the block). Touching them here
// would lock outbox rows after her user row, the opposite order of a sender that
// meets a 403, and the two could deadlock.
func (u *unitTx) SetBlocked(ctx context.Context, userID int64, blocked bool) error {
	q := `UPDATE users SET blocked_at = NULL WHERE id = $1`
	if blocked {
		q = `UPDATE users SET blocked_at = coalesce(blocked_at, now()) WHERE id = $1`
	}
	if _, err := u.tx.Exec(ctx, q, userID); err != nil {
		return fmt.Errorf("postgres: set user %d blocked=%v: %w", userID, blocked, err)
	}
	return nil
}

// SetOptedOut records her STOP (true) or START (false). Her queued messages are
// withheld when a sender next takes one.
func (u *unitTx) SetOptedOut(ctx context.Context, userID int64, out bool) error {
	q := `UPDATE users SET opted_out_at = NULL WHERE id = $1`
	if out {
		q = `UPDATE users SET opted_out_at = coalesce(opted_out_at, now()) WHERE id = $1`
	}
	if _, err := u.tx.Exec(ctx, q, userID); err != nil {
		return fmt.Errorf("postgres: set user %d opted out=%v: %w", userID, out, err)
	}
	return nil
}

// RequeueNotices queues again, in their order, the notices withheld from her in the last
// 30 days (her STOP, the day's SMS cap); the withheld rows are marked failed, so a second
// START sends them once only.
func (u *unitTx) RequeueNotices(ctx context.Context, userID int64) (int, error) {
	tag, err := u.tx.Exec(ctx, `
		WITH held AS (
		    UPDATE outbox SET status = 'failed', last_error = last_error || '; queued again after START'
		    WHERE user_id = $1 AND status = 'withheld' AND created_at > now() - interval '30 days'
		      AND coalesce((message->>'notice')::boolean, false)
		    RETURNING id, user_id, channel, address, message)
		INSERT INTO outbox (user_id, channel, address, message)
		SELECT user_id, channel, address, message FROM held ORDER BY id`, userID)
	if err != nil {
		return 0, fmt.Errorf("postgres: queue again the notices of user %d: %w", userID, err)
	}
	return int(tag.RowsAffected()), nil
}

// SetPhone records a phone number the channel vouches for, as +998XXXXXXXXX or
// 998XXXXXXXXX (stored without the "+", as SMS addresses are).
func (u *unitTx) SetPhone(ctx context.Context, userID int64, phone string) error {
	p, ok := azizayol.NormalizePhone(phone)
	if !ok {
		return nil // not an Uzbek number: nothing to be one woman with on SMS
	}
	if _, err := u.tx.Exec(ctx, `UPDATE users SET phone = $2 WHERE id = $1`, userID, strings.TrimPrefix(p, "+")); err != nil {
		return fmt.Errorf("postgres: set phone of user %d: %w", userID, err)
	}
	return nil
}

// markBlocked sets the user blocked and stops everything queued for her.
func markBlocked(ctx context.Context, tx pgx.Tx, userID int64) error {
	// Her outbox first, then her row: the order the outbox's senders take them in
	// (a claimed message, then her row), so a broadcast's record never deadlocks
	// with them.
	if _, err := tx.Exec(ctx, `UPDATE outbox SET status = 'blocked' WHERE user_id = $1 AND status = 'pending'`, userID); err != nil {
		return fmt.Errorf("postgres: stop outbox of user %d: %w", userID, err)
	}
	if _, err := tx.Exec(ctx, `UPDATE users SET blocked_at = coalesce(blocked_at, now()) WHERE id = $1`, userID); err != nil {
		return fmt.Errorf("postgres: block user %d: %w", userID, err)
	}
	return nil
}

// UserBlocked tells whether the user at this address has blocked the bot (for tests
// and the console).
func (db *DB) UserBlocked(ctx context.Context, channel azizayol.Channel, address string) (bool, error) {
	var blocked bool
	err := db.pool.QueryRow(ctx, `SELECT blocked_at IS NOT NULL FROM users WHERE channel = $1 AND address = $2`,
		channel, address).Scan(&blocked)
	if err != nil {
		return false, fmt.Errorf("postgres: read user %s:%s: %w", channel, address, err)
	}
	return blocked, nil
}
