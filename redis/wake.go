package redis

import (
	"context"
	"log/slog"
)

// Wake tells the workers of every instance that there is work on topic ("inbox",
// "outbox"). It is a hint sent after a commit: a lost one costs only the workers'
// poll interval. (PostgreSQL's NOTIFY would do the same inside the transaction, but
// it serialises every committing transaction on one lock.)
func (c *Client) Wake(ctx context.Context, topic string) {
	if err := c.rdb.Publish(ctx, c.key("wake", topic), c.instance).Err(); err != nil && ctx.Err() == nil {
		slog.Debug("redis: wake-up not published", "topic", topic, "err", err)
	}
}

// OnWake calls fn for every wake-up on topic from another instance (this one wakes
// its own workers directly) until ctx ends, resubscribing after a failure.
func (c *Client) OnWake(ctx context.Context, topic string, fn func()) {
	// Once subscribed, fn runs for anything published while we were not.
	c.subscribe(ctx, c.key("wake", topic), fn, func(payload string) {
		if payload != c.instance {
			fn()
		}
	})
}
