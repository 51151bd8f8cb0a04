package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/azizayol/azizayol"
)

// Sessions keeps dialog sessions. A session not touched for the idle time expires.
type Sessions struct {
	c    *Client
	idle time.Duration
}

// Sessions returns the session store with this idle timeout.
func (c *Client) Sessions(idle time.Duration) *Sessions {
	return &Sessions{c: c, idle: idle}
}

// sessionRecord keeps the session before and after the last inbox entry applied to
// it. Redis and PostgreSQL do not commit together: if the process dies after the
// session was saved but before the entry's transaction committed, the entry runs again
// and must start from the session as it was before.
type sessionRecord struct {
	Applied int64             `json:"applied"`
	Before  *azizayol.Session `json:"before,omitempty"`
	After   *azizayol.Session `json:"after,omitempty"`
}

// Load returns the session the inbox entry inboxID should start from, or nil when she
// has none (new, expired, or ended).
func (s *Sessions) Load(ctx context.Context, userID, inboxID int64) (*azizayol.Session, error) {
	raw, err := s.c.rdb.Get(ctx, s.key(userID)).Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("redis: load session of user %d: %w", userID, err)
	}
	var rec sessionRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		// A record we cannot read is of no use to her: start afresh rather than fail
		// every message.
		slog.Warn("redis: unreadable session, starting afresh", "user", userID, "err", err)
		return nil, nil
	}
	if rec.Applied == inboxID {
		return rec.Before, nil
	}
	return rec.After, nil
}

// Save stores the session after inbox entry inboxID, with the one before it, and
// restarts the idle timer. A nil after ends the session.
func (s *Sessions) Save(ctx context.Context, userID, inboxID int64, before, after *azizayol.Session) error {
	raw, err := json.Marshal(sessionRecord{Applied: inboxID, Before: before, After: after})
	if err != nil {
		return fmt.Errorf("redis: encode session of user %d: %w", userID, err)
	}
	if err := s.c.rdb.Set(ctx, s.key(userID), raw, s.idle).Err(); err != nil {
		return fmt.Errorf("redis: save session of user %d: %w", userID, err)
	}
	return nil
}

// Delete ends her session at once.
func (s *Sessions) Delete(ctx context.Context, userID int64) error {
	if err := s.c.rdb.Del(ctx, s.key(userID)).Err(); err != nil {
		return fmt.Errorf("redis: delete session of user %d: %w", userID, err)
	}
	return nil
}

func (s *Sessions) key(userID int64) string {
	return s.c.key("session", strconv.FormatInt(userID, 10))
}
