package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/azizayol/azizayol"
)

// Subscribe records her wish to hear of new listings; the same one again changes
// nothing.
func (u *unitTx) Subscribe(ctx context.Context, s azizayol.Subscription) error {
	_, err := u.tx.Exec(ctx, `INSERT INTO subscriptions (user_id, kind, region_code, district_code, field)
		VALUES ($1, $2, $3, nullif($4, ''), $5) ON CONFLICT DO NOTHING`,
		s.User.ID, string(s.Kind), s.RegionCode, s.DistrictCode, s.Field)
	if err != nil {
		return fmt.Errorf("postgres: subscribe user %d: %w", s.User.ID, err)
	}
	return nil
}

// Unsubscribe ends one of her subscriptions.
func (u *unitTx) Unsubscribe(ctx context.Context, userID, subscriptionID int64) error {
	tag, err := u.tx.Exec(ctx, `DELETE FROM subscriptions WHERE id = $1 AND user_id = $2`, subscriptionID, userID)
	if err != nil {
		return fmt.Errorf("postgres: unsubscribe user %d: %w", userID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: subscription %d of user %d: %w", subscriptionID, userID, azizayol.ErrNotFound)
	}
	return nil
}

// Digest runs fn, each in a transaction of its own, on every subscription whose last
// digest was made before day (of a woman who has not blocked the bot), and records the
// digest as made at now when fn succeeds. Several instances may run it at once: each
// subscription is taken by one. It returns how many fn handled.
func (db *DB) Digest(ctx context.Context, day, now time.Time, fn func(azizayol.Tx, azizayol.Subscription) error) (int, error) {
	n := 0
	for ctx.Err() == nil {
		found, err := db.digestNext(ctx, day, now, fn)
		if err != nil || !found {
			return n, err
		}
		n++
	}
	return n, ctx.Err()
}

// digestNext takes the next subscription due and runs fn on it.
func (db *DB) digestNext(ctx context.Context, day, now time.Time, fn func(azizayol.Tx, azizayol.Subscription) error) (bool, error) {
	u, err := db.Begin(ctx)
	if err != nil {
		return false, err
	}
	defer u.Rollback(ctx)
	var s azizayol.Subscription
	var kind, channel, lang string
	var last *time.Time
	err = u.tx.QueryRow(ctx, `
		SELECT s.id, s.kind, s.region_code, coalesce(s.district_code, ''), s.field, s.created_at, s.last_digest_at,
		       u.id, u.channel, u.address, u.lang
		FROM subscriptions s JOIN users u ON u.id = s.user_id
		WHERE (s.last_digest_at IS NULL OR s.last_digest_at < $1) AND u.blocked_at IS NULL
		ORDER BY s.last_digest_at NULLS FIRST, s.id LIMIT 1 FOR UPDATE OF s SKIP LOCKED`, day).
		Scan(&s.ID, &kind, &s.RegionCode, &s.DistrictCode, &s.Field, &s.Created, &last,
			&s.User.ID, &channel, &s.User.Address, &lang)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("postgres: next subscription due: %w", err)
	}
	s.Kind, s.User.Channel, s.User.Lang = azizayol.ListingKind(kind), azizayol.Channel(channel), azizayol.Lang(lang)
	if last != nil {
		s.LastDigest = *last
	}
	if err := fn(u, s); err != nil {
		return true, fmt.Errorf("postgres: digest of subscription %d: %w", s.ID, err)
	}
	if _, err := u.tx.Exec(ctx, `UPDATE subscriptions SET last_digest_at = $2 WHERE id = $1`, s.ID, now); err != nil {
		return true, fmt.Errorf("postgres: record digest of subscription %d: %w", s.ID, err)
	}
	return true, u.Commit(ctx)
}
