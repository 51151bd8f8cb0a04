package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/azizayol/azizayol"
)

// The console's shared state: the live inbox's events, the login throttle's counters,
// and the simulator's conversations.

// PublishAppealEvents tells the consoles of every instance that appeals were filed or
// changed. A lost event costs a staff member a reload, nothing more.
func (c *Client) PublishAppealEvents(ctx context.Context, events []azizayol.AppealEvent) {
	for _, e := range events {
		body, _ := json.Marshal(e)
		if err := c.rdb.Publish(ctx, c.key("console", "appeals"), body).Err(); err != nil && ctx.Err() == nil {
			slog.Warn("redis: appeal event not published", "appeal", e.AppealID, "err", err)
		}
	}
}

// OnAppealEvent calls fn for every appeal event published by any instance, this one
// included, until ctx ends, resubscribing after a failure.
func (c *Client) OnAppealEvent(ctx context.Context, fn func(azizayol.AppealEvent)) {
	c.subscribe(ctx, c.key("console", "appeals"), nil, func(payload string) {
		var e azizayol.AppealEvent
		if err := json.Unmarshal([]byte(payload), &e); err == nil {
			fn(e)
		}
	})
}

// subscribe calls fn with every message published on channel until ctx ends,
// resubscribing after a failure; ready is called each time the subscription is in
// place (nil: nothing to do then).
func (c *Client) subscribe(ctx context.Context, channel string, ready func(), fn func(payload string)) {
	for ctx.Err() == nil {
		sub := c.rdb.Subscribe(ctx, channel)
		if _, err := sub.Receive(ctx); err != nil {
			sub.Close()
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
			continue
		}
		if ready != nil {
			ready()
		}
		msgs := sub.Channel()
	receive:
		for {
			select {
			case <-ctx.Done():
				break receive
			case msg, ok := <-msgs:
				if !ok {
					break receive
				}
				fn(msg.Payload)
			}
		}
		sub.Close()
	}
}

// Hit counts one event under key in a window that starts with the first one, and
// returns the count so far (the login throttle's failures).
func (c *Client) Hit(ctx context.Context, key string, window time.Duration) (int64, error) {
	k := c.key("hits", key)
	pipe := c.rdb.TxPipeline()
	n := pipe.Incr(ctx, k)
	pipe.ExpireNX(ctx, k, window)
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, fmt.Errorf("redis: count %s: %w", key, err)
	}
	return n.Val(), nil
}

// Hits returns the count under key in its current window.
func (c *Client) Hits(ctx context.Context, key string) (int64, error) {
	n, err := c.rdb.Get(ctx, c.key("hits", key)).Int64()
	if err == goredis.Nil {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("redis: read count %s: %w", key, err)
	}
	return n, nil
}

// ForgetHits clears the count under key.
func (c *Client) ForgetHits(ctx context.Context, key string) error {
	if err := c.rdb.Del(ctx, c.key("hits", key)).Err(); err != nil {
		return fmt.Errorf("redis: clear count %s: %w", key, err)
	}
	return nil
}

// simKeep is how long a simulator conversation is kept after its last message, and
// simLength how many messages of it.
const (
	simKeep   = 24 * time.Hour
	simLength = 300
)

// SimAppend adds an entry to a simulator conversation and tells whoever waits on it.
func (c *Client) SimAppend(ctx context.Context, conversation string, entry []byte) error {
	k := c.key("sim", conversation)
	pipe := c.rdb.TxPipeline()
	pipe.RPush(ctx, k, entry)
	pipe.LTrim(ctx, k, -simLength, -1)
	pipe.Expire(ctx, k, simKeep)
	pipe.Publish(ctx, c.key("sim-new", conversation), "1")
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("redis: simulator %s: append: %w", conversation, err)
	}
	return nil
}

// SimHistory returns a simulator conversation's entries, oldest first.
func (c *Client) SimHistory(ctx context.Context, conversation string) ([][]byte, error) {
	list, err := c.rdb.LRange(ctx, c.key("sim", conversation), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: simulator %s: read: %w", conversation, err)
	}
	out := make([][]byte, len(list))
	for i, s := range list {
		out[i] = []byte(s)
	}
	return out, nil
}

// SimClear forgets a simulator conversation.
func (c *Client) SimClear(ctx context.Context, conversation string) error {
	if err := c.rdb.Del(ctx, c.key("sim", conversation)).Err(); err != nil {
		return fmt.Errorf("redis: simulator %s: clear: %w", conversation, err)
	}
	return nil
}

// SimListen calls fn whenever an entry is added to a conversation, until ctx ends.
// It returns once the subscription is in place, so nothing added after it is missed.
func (c *Client) SimListen(ctx context.Context, conversation string, fn func()) error {
	sub := c.rdb.Subscribe(ctx, c.key("sim-new", conversation))
	if _, err := sub.Receive(ctx); err != nil {
		sub.Close()
		return fmt.Errorf("redis: simulator %s: listen: %w", conversation, err)
	}
	go func() {
		defer sub.Close()
		msgs := sub.Channel()
		for {
			select {
			case <-ctx.Done():
				return
			case _, ok := <-msgs:
				if !ok {
					return
				}
				fn()
			}
		}
	}()
	return nil
}
