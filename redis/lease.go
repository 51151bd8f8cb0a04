package redis

import (
	"context"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// renewLease extends a lease only if its holder still owns it.
var renewLease = goredis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return 0`)

// Lease takes or renews the lease name for owner for ttl. It reports whether owner
// holds it now. One instance at a time does a job that must not run twice, like
// polling Telegram (a second poller gets 409 Conflict).
func (c *Client) Lease(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	key := c.key("lease", name)
	ok, err := c.rdb.SetNX(ctx, key, owner, ttl).Result()
	if err != nil {
		return false, fmt.Errorf("redis: take lease %s: %w", name, err)
	}
	if ok {
		return true, nil
	}
	n, err := renewLease.Run(ctx, c.rdb, []string{key}, owner, ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("redis: renew lease %s: %w", name, err)
	}
	return n == 1, nil
}

// ReleaseLease gives the lease up if owner holds it.
func (c *Client) ReleaseLease(ctx context.Context, name, owner string) error {
	key := c.key("lease", name)
	if err := releaseLease.Run(ctx, c.rdb, []string{key}, owner).Err(); err != nil && err != goredis.Nil {
		return fmt.Errorf("redis: release lease %s: %w", name, err)
	}
	return nil
}

var releaseLease = goredis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
end
return 0`)

// Once reports true to the first caller with this key, and false to every other
// for ttl: a scheduled run that several instances fire is done by one. The key stays
// after the run, so an instance whose clock is a little late cannot run it again.
func (c *Client) Once(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	ok, err := c.rdb.SetNX(ctx, c.key("once", key), "1", ttl).Result()
	if err != nil {
		return false, fmt.Errorf("redis: once %s: %w", key, err)
	}
	return ok, nil
}

// Taken tells which of keys were given to Once (and are not forgotten or expired).
func (c *Client) Taken(ctx context.Context, keys ...string) ([]bool, error) {
	pipe := c.rdb.Pipeline()
	cmds := make([]*goredis.IntCmd, len(keys))
	for i, k := range keys {
		cmds[i] = pipe.Exists(ctx, c.key("once", k))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("redis: taken %d keys: %w", len(keys), err)
	}
	taken := make([]bool, len(keys))
	for i, cmd := range cmds {
		taken[i] = cmd.Val() > 0
	}
	return taken, nil
}

// ForgetOnce forgets keys given to Once: their work is recorded elsewhere now.
func (c *Client) ForgetOnce(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = c.key("once", k)
	}
	if err := c.rdb.Del(ctx, full...).Err(); err != nil {
		return fmt.Errorf("redis: forget %d keys: %w", len(keys), err)
	}
	return nil
}

// CountOnce adds member to the set key and returns how many members it has: counting
// the same member twice (a message tried again) counts it once. The set expires ttl
// after it was started.
func (c *Client) CountOnce(ctx context.Context, key, member string, ttl time.Duration) (int64, error) {
	n, err := countOnce.Run(ctx, c.rdb, []string{c.key("count", key)}, member, ttl.Milliseconds()).Int64()
	if err != nil {
		return 0, fmt.Errorf("redis: count %s: %w", key, err)
	}
	return n, nil
}

var countOnce = goredis.NewScript(`
if redis.call("SADD", KEYS[1], ARGV[1]) == 1 and redis.call("SCARD", KEYS[1]) == 1 then
  redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return redis.call("SCARD", KEYS[1])`)
