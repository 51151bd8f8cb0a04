package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/azizayol/azizayol"
)

const insertInbox = `INSERT INTO inbox (channel, external_id, user_key, payload)
VALUES ($1, $2, $3, $4) ON CONFLICT (channel, external_id) DO NOTHING`

// StoreInbox stores updates as delivered, once each: an update stored before (the same
// channel and external id) is left as it is. It returns how many were new. Only after
// it returns may the channel be told that the updates arrived.
func (db *DB) StoreInbox(ctx context.Context, entries ...azizayol.InboxEntry) (int, error) {
	switch len(entries) {
	case 0:
		return 0, nil
	case 1: // a webhook's update: one statement, no transaction round trips
		e := entries[0]
		tag, err := db.pool.Exec(ctx, insertInbox, e.Channel, e.ExternalID, e.UserKey, e.Payload)
		if err != nil {
			return 0, fmt.Errorf("postgres: store inbox: %w", err)
		}
		return int(tag.RowsAffected()), nil
	}
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("postgres: store inbox: begin: %w", err)
	}
	defer tx.Rollback(ctx)
	batch := &pgx.Batch{}
	for _, e := range entries {
		batch.Queue(insertInbox, e.Channel, e.ExternalID, e.UserKey, e.Payload)
	}
	results := tx.SendBatch(ctx, batch)
	stored := 0
	for range entries {
		tag, err := results.Exec()
		if err != nil {
			results.Close()
			return 0, fmt.Errorf("postgres: store inbox: %w", err)
		}
		stored += int(tag.RowsAffected())
	}
	if err := results.Close(); err != nil {
		return 0, fmt.Errorf("postgres: store inbox: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("postgres: store inbox: commit: %w", err)
	}
	return stored, nil
}

// claimInbox takes the oldest due entry that is the first unprocessed one of its user,
// and locks it. An entry whose predecessor is being processed (locked) or waits for a
// retry is not first, so one user's entries never run concurrently or out of order,
// on any number of instances. claimInboxOf does the same for one user: the intake
// says whose update it stored, so the hot path does not scan the queue.
const (
	claimColumns = `SELECT i.id, i.channel, i.external_id, i.user_key, i.payload, i.attempts FROM inbox i`
	claimFirst   = `i.processed_at IS NULL AND i.next_attempt_at <= now() AND i.channel = ANY($1)
  AND NOT EXISTS (SELECT 1 FROM inbox p
                  WHERE p.user_key = i.user_key AND p.processed_at IS NULL AND p.id < i.id)`
	claimInbox   = claimColumns + ` WHERE ` + claimFirst + ` ORDER BY i.id LIMIT 1 FOR UPDATE SKIP LOCKED`
	claimInboxOf = claimColumns + ` WHERE i.user_key = $2 AND ` + claimFirst + ` ORDER BY i.id LIMIT 1 FOR UPDATE SKIP LOCKED`
)

// ProcessNext runs fn on the next entry of these channels that may run now — of the
// user with this key, or of anyone when userKey is "" — inside one transaction that also marks the
// entry processed. It reports false when nothing is due. When fn fails, nothing fn
// did is kept and the entry is tried again later, with backoff; fn sees the number of
// earlier attempts and decides when to give up.
func (db *DB) ProcessNext(ctx context.Context, channels []azizayol.Channel, userKey string, fn func(context.Context, azizayol.Tx, azizayol.InboxEntry) error) (bool, error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("postgres: process inbox: begin: %w", err)
	}
	defer tx.Rollback(ctx)

	// The claim and the savepoint fn runs in go in one round trip. When fn fails,
	// what it did is undone while the entry stays locked, and the failed attempt is
	// recorded in the same transaction, so no other worker can take the entry before
	// its backoff is set.
	var e azizayol.InboxEntry
	batch := &pgx.Batch{}
	if userKey == "" {
		batch.Queue(claimInbox, channels)
	} else {
		batch.Queue(claimInboxOf, channels, userKey)
	}
	batch.Queue(`SAVEPOINT entry`)
	results := tx.SendBatch(ctx, batch)
	err = results.QueryRow().Scan(&e.ID, &e.Channel, &e.ExternalID, &e.UserKey, &e.Payload, &e.Attempts)
	if err == nil {
		_, err = results.Exec()
	}
	if cerr := results.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("postgres: claim inbox entry: %w", err)
	}

	var events []azizayol.AppealEvent
	ferr := fn(ctx, &unitTx{tx: tx, entry: e.ID, events: &events}, e)
	if ferr != nil {
		if _, err := tx.Exec(ctx, `ROLLBACK TO SAVEPOINT entry`); err != nil {
			return true, errors.Join(ferr, fmt.Errorf("postgres: roll back to savepoint: %w", err))
		}
	}
	if errors.Is(ferr, azizayol.ErrUnreadable) {
		// Trying again will not make it readable: done, with the reason kept.
		if _, err := tx.Exec(ctx, `UPDATE inbox SET processed_at = now(), error = $2 WHERE id = $1`, e.ID, ferr.Error()); err != nil {
			return true, fmt.Errorf("postgres: mark inbox entry %d unreadable: %w", e.ID, err)
		}
		if err := tx.Commit(ctx); err != nil {
			return true, fmt.Errorf("postgres: commit inbox entry %d: %w", e.ID, err)
		}
		return true, nil
	}
	if ferr != nil {
		if err := inboxAttemptFailed(ctx, tx, e, ferr); err != nil {
			return true, errors.Join(ferr, err)
		}
		if err := tx.Commit(ctx); err != nil {
			return true, errors.Join(ferr, fmt.Errorf("postgres: commit failed attempt: %w", err))
		}
		return true, fmt.Errorf("inbox entry %d: %w", e.ID, ferr)
	}
	if _, err := tx.Exec(ctx, `UPDATE inbox SET processed_at = now(), error = NULL WHERE id = $1`, e.ID); err != nil {
		return true, fmt.Errorf("postgres: mark inbox entry %d processed: %w", e.ID, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return true, fmt.Errorf("postgres: commit inbox entry %d: %w", e.ID, err)
	}
	db.announce(events)
	return true, nil
}

// inboxAttemptFailed records a failed attempt and when to try again: 1 s, 2 s, 4 s …
// up to a minute.
func inboxAttemptFailed(ctx context.Context, tx pgx.Tx, e azizayol.InboxEntry, cause error) error {
	wait := time.Second << min(e.Attempts, 6)
	_, err := tx.Exec(ctx, `UPDATE inbox SET attempts = attempts + 1, error = $2,
		next_attempt_at = now() + $3::interval WHERE id = $1`,
		e.ID, cause.Error(), wait.String())
	if err != nil {
		return fmt.Errorf("postgres: record failed attempt of inbox entry %d: %w", e.ID, err)
	}
	return nil
}

// InboxPending counts entries not yet processed (for /metrics and tests).
func (db *DB) InboxPending(ctx context.Context) (int, error) {
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM inbox WHERE processed_at IS NULL`).Scan(&n); err != nil {
		return 0, fmt.Errorf("postgres: count pending inbox: %w", err)
	}
	return n, nil
}

// RetryNow makes every entry waiting for a retry due at once (for tests and for an
// operator after an outage).
func (db *DB) RetryNow(ctx context.Context) error {
	if _, err := db.pool.Exec(ctx, `UPDATE inbox SET next_attempt_at = now() WHERE processed_at IS NULL`); err != nil {
		return fmt.Errorf("postgres: retry inbox now: %w", err)
	}
	return nil
}
