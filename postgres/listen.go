package postgres

import (
	"context"
	"log/slog"
	"time"
)

// Listen calls wake whenever a notification arrives on channel, until ctx ends. It
// holds one connection of its own and reconnects after a failure. Notifications sent
// while it reconnects are lost: they are wake-ups, and the workers poll as well.
func (db *DB) Listen(ctx context.Context, channel string, wake func()) {
	for ctx.Err() == nil {
		err := db.listen(ctx, channel, wake)
		if ctx.Err() != nil {
			return
		}
		slog.Warn("postgres: listen interrupted, reconnecting", "channel", channel, "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

func (db *DB) listen(ctx context.Context, channel string, wake func()) error {
	pooled, err := db.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// A connection that has LISTENed goes back to no pool: it is ours until closed.
	conn := pooled.Hijack()
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, `LISTEN `+channel); err != nil {
		return err
	}
	wake() // anything that arrived while we were not listening
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		wake()
	}
}
