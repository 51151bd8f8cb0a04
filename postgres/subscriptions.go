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
	// Her session's claim on the inbox serialises her turns: counting then inserting
	// cannot race with another of hers.
	var n int
	var same bool
	err := u.tx.QueryRow(ctx, `SELECT count(*), coalesce(bool_or(kind = $2 AND region_code = $3
		AND coalesce(district_code, '') = $4 AND field = $5), false) FROM subscriptions WHERE user_id = $1`,
		s.User.ID, string(s.Kind), s.RegionCode, s.DistrictCode, s.Field).Scan(&n, &same)
	if err != nil {
		return fmt.Errorf("postgres: subscriptions of user %d: %w", s.User.ID, err)
	}
	if same {
		return nil
	}
	if n >= azizayol.MaxSubscriptions {
		return fmt.Errorf("postgres: subscribe user %d: %w", s.User.ID, azizayol.ErrTooManySubscriptions)
	}
	_, err = u.tx.Exec(ctx, `INSERT INTO subscriptions (user_id, kind, region_code, district_code, field)
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
// digest as made at now when fn succeeds. It walks the subscriptions once, in id
// order: one that fails is left for the next run and reported, and the others still
// get theirs. Several instances may run it at once: each subscription is taken by one.
// It returns how many fn handled, and the failures joined.
func (db *DB) Digest(ctx context.Context, day, now time.Time, fn func(azizayol.Tx, azizayol.Subscription) error) (int, error) {
	n := 0
	var failed []error
	for after := int64(0); ctx.Err() == nil; {
		id, err := db.digestNext(ctx, after, day, now, fn)
		if id == 0 && err != nil {
			return n, errors.Join(append(failed, err)...) // no subscription taken: the database is unwell
		}
		if id == 0 {
			return n, errors.Join(failed...)
		}
		after = id
		if err != nil {
			failed = append(failed, err)
			if len(failed) >= 100 {
				return n, errors.Join(append(failed, errors.New("postgres: digest stopped after 100 failures"))...)
			}
			continue
		}
		n++
	}
	return n, errors.Join(append(failed, ctx.Err())...)
}

// digestNext takes the next subscription due after id after and runs fn on it; id is
// 0 when none is left.
func (db *DB) digestNext(ctx context.Context, after int64, day, now time.Time, fn func(azizayol.Tx, azizayol.Subscription) error) (id int64, err error) {
	u, err := db.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer u.Rollback(ctx)
	var s azizayol.Subscription
	var kind, channel, lang string
	var last *time.Time
	err = u.tx.QueryRow(ctx, `
		SELECT s.id, s.kind, s.region_code, coalesce(s.district_code, ''), s.field, s.created_at, s.last_digest_at,
		       u.id, u.channel, u.address, u.lang
		FROM subscriptions s JOIN users u ON u.id = s.user_id
		WHERE s.id > $1 AND (s.last_digest_at IS NULL OR s.last_digest_at < $2) AND u.blocked_at IS NULL
		ORDER BY s.id LIMIT 1 FOR UPDATE OF s SKIP LOCKED`, after, day).
		Scan(&s.ID, &kind, &s.RegionCode, &s.DistrictCode, &s.Field, &s.Created, &last,
			&s.User.ID, &channel, &s.User.Address, &lang)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("postgres: next subscription due: %w", err)
	}
	s.Kind, s.User.Channel, s.User.Lang = azizayol.ListingKind(kind), azizayol.Channel(channel), azizayol.Lang(lang)
	if last != nil {
		s.LastDigest = *last
	}
	if err := fn(u, s); err != nil {
		return s.ID, fmt.Errorf("postgres: digest of subscription %d: %w", s.ID, err)
	}
	if _, err := u.tx.Exec(ctx, `UPDATE subscriptions SET last_digest_at = $2 WHERE id = $1`, s.ID, now); err != nil {
		return s.ID, fmt.Errorf("postgres: record digest of subscription %d: %w", s.ID, err)
	}
	if err := u.Commit(ctx); err != nil {
		return s.ID, err
	}
	return s.ID, nil
}
