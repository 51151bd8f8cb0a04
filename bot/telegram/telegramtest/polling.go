package telegramtest

import (
	"bytes"
	"encoding/json"
	"time"
)

// longPoll is the getUpdates request currently being served. A newer
// getUpdates terminates it with 409, as Telegram does.
type longPoll struct {
	terminated chan struct{}
}

// getUpdates implements https://core.telegram.org/bots/api#getupdates:
// offset confirms every update with a smaller update_id, limit is 1..100
// (default 100), timeout long-polls for that many seconds but answers as
// soon as an update is available. allowed_updates is ignored.
func (s *Server) getUpdates(c *call) (any, *apiError) {
	offset := c.params.int("offset", 0)
	limit := int(c.params.int("limit", 100))
	if limit < 1 || limit > 100 {
		limit = 100
	}
	timeout := time.Duration(c.params.int("timeout", 0)) * time.Second
	deadline := time.NewTimer(max(timeout, 0))
	defer deadline.Stop()

	s.mu.Lock()
	if s.webhook.url != "" {
		s.mu.Unlock()
		return nil, conflict("can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")
	}
	if s.activePoll != nil {
		close(s.activePoll.terminated)
	}
	me := &longPoll{terminated: make(chan struct{})}
	s.activePoll = me
	s.confirmLocked(offset)
	s.mu.Unlock()

	defer func() {
		s.mu.Lock()
		if s.activePoll == me {
			s.activePoll = nil
		}
		s.mu.Unlock()
	}()

	for {
		s.mu.Lock()
		if s.webhook.url != "" {
			s.mu.Unlock()
			return nil, conflict("can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")
		}
		batch := s.unconfirmedLocked(offset, limit)
		changed := s.changed
		s.mu.Unlock()

		if len(batch) > 0 {
			return encodeUpdates(batch), nil
		}
		select {
		case <-changed:
		case <-me.terminated:
			return nil, conflict("terminated by other getUpdates request; make sure that only one bot instance is running")
		case <-deadline.C:
			return encodeUpdates(nil), nil
		case <-c.ctx.Done(): // the client is gone; the answer is never read
			return encodeUpdates(nil), nil
		case <-s.ctx.Done():
			return encodeUpdates(nil), nil
		}
	}
}

// confirmLocked forgets updates confirmed by offset. A negative offset keeps
// only the last -offset updates.
func (s *Server) confirmLocked(offset int64) {
	keepFrom := 0
	switch {
	case offset > 0:
		for keepFrom < len(s.queue) && s.queue[keepFrom].id < offset {
			keepFrom++
		}
	case offset < 0:
		keepFrom = max(len(s.queue)+int(offset), 0)
	}
	if keepFrom > 0 {
		s.queue = append([]queuedUpdate(nil), s.queue[keepFrom:]...)
		s.notifyLocked()
	}
}

// unconfirmedLocked returns up to limit queued updates with id >= offset.
func (s *Server) unconfirmedLocked(offset int64, limit int) []json.RawMessage {
	var batch []json.RawMessage
	for _, u := range s.queue {
		if u.id >= offset && len(batch) < limit {
			batch = append(batch, u.raw)
		}
	}
	return batch
}

func encodeUpdates(batch []json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, raw := range batch {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(raw)
	}
	b.WriteByte(']')
	return b.Bytes()
}

// Pending returns how many updates are waiting to be confirmed by getUpdates
// or delivered to the webhook.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}
