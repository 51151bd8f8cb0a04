// Package redis keeps the platform's short-lived shared state in Redis: dialog
// sessions with an idle TTL, the rate limits shared by every instance, and leases that
// let one instance at a time do a job.
package redis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	goredis "github.com/redis/go-redis/v9"
)

// Client is a Redis connection with the key prefix every key of this deployment (or
// test run) starts with.
type Client struct {
	rdb      *goredis.Client
	prefix   string
	instance string // tells this process's own wake-ups apart
}

// Open connects to the Redis at url and checks that it answers.
func Open(ctx context.Context, url, prefix string) (*Client, error) {
	opts, err := goredis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis: parse REDIS_URL: %w", err)
	}
	rdb := goredis.NewClient(opts)
	if err := rdb.Ping(ctx).Err(); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("redis: connect to %s: %w", opts.Addr, err)
	}
	id := make([]byte, 8)
	rand.Read(id)
	return &Client{rdb: rdb, prefix: prefix, instance: hex.EncodeToString(id)}, nil
}

// Close closes the connections.
func (c *Client) Close() error { return c.rdb.Close() }

// Ping checks that Redis answers (for /readyz).
func (c *Client) Ping(ctx context.Context) error { return c.rdb.Ping(ctx).Err() }

func (c *Client) key(parts ...string) string {
	k := c.prefix
	for i, p := range parts {
		if i > 0 {
			k += ":"
		}
		k += p
	}
	return k
}

// DeletePrefix removes every key of this client's prefix, the limiter's included
// (tests clean up with it).
func (c *Client) DeletePrefix(ctx context.Context) error {
	for _, pattern := range []string{c.prefix + "*", rateKeyPrefix + c.prefix + "*"} {
		if err := c.deleteMatching(ctx, pattern); err != nil {
			return err
		}
	}
	return nil
}

func (c *Client) deleteMatching(ctx context.Context, pattern string) error {
	iter := c.rdb.Scan(ctx, 0, pattern, 500).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
		if len(keys) == 500 {
			if err := c.rdb.Unlink(ctx, keys...).Err(); err != nil {
				return fmt.Errorf("redis: delete keys: %w", err)
			}
			keys = keys[:0]
		}
	}
	if err := iter.Err(); err != nil {
		return fmt.Errorf("redis: scan keys: %w", err)
	}
	if len(keys) > 0 {
		if err := c.rdb.Unlink(ctx, keys...).Err(); err != nil {
			return fmt.Errorf("redis: delete keys: %w", err)
		}
	}
	return nil
}
