package bot

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
)

// marks is Attempts in memory.
type marks struct {
	mu        sync.Mutex
	set       map[string]bool
	forgotten []string
	slow      func() // called by Once: a slow moment of Redis
}

func (m *marks) Once(_ context.Context, key string, _ time.Duration) (bool, error) {
	if m.slow != nil {
		m.slow()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.set[key] {
		return false, nil
	}
	m.set[key] = true
	return true, nil
}

func (m *marks) Taken(_ context.Context, keys ...string) ([]bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]bool, len(keys))
	for i, k := range keys {
		out[i] = m.set[k]
	}
	return out, nil
}

func (m *marks) ForgetOnce(_ context.Context, keys ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range keys {
		delete(m.set, k)
		m.forgotten = append(m.forgotten, k)
	}
	return nil
}

// limits answers every Allow with the wait it is told for that key.
type limits map[string]time.Duration

func (l limits) Allow(_ context.Context, key string, _ float64, _ int) (time.Duration, error) {
	return l[key], nil
}

// phone is a channel that takes every message, or answers with err.
type phone struct {
	name azizayol.Channel
	err  error
	sent []azizayol.OutboxMessage
}

func (p *phone) Name() azizayol.Channel { return p.name }
func (p *phone) Parse([]byte) (string, azizayol.Inbound, error) {
	return "", azizayol.Inbound{}, nil
}
func (p *phone) Send(_ context.Context, m azizayol.OutboxMessage) (string, error) {
	if p.err != nil {
		return "", p.err
	}
	p.sent = append(p.sent, m)
	return "77", nil
}

// recorder is a BroadcastQueue that records what it is given and says it recorded
// all but the sends it is told were settled without them.
type recorder struct {
	BroadcastQueue
	settled  map[int64]bool // by user
	recorded []azizayol.BroadcastResult
}

func (r *recorder) RecordBroadcastSends(_ context.Context, results []azizayol.BroadcastResult) ([]azizayol.BroadcastKey, error) {
	r.recorded = append(r.recorded, results...)
	var keys []azizayol.BroadcastKey
	for _, res := range results {
		if !r.settled[res.UserID] {
			keys = append(keys, azizayol.BroadcastKey{BroadcastID: res.BroadcastID, UserID: res.UserID})
		}
	}
	return keys, nil
}

func newTestBroadcaster(ch *phone, l limits, m *marks) *Broadcaster {
	b := NewBroadcaster(&recorder{}, []Channel{ch}, map[azizayol.Channel]BroadcastLimits{
		ch.name: {Key: string(ch.name) + ":total", Total: Rate{PerSecond: 30, Burst: 1}, PerUser: Rate{PerSecond: 1, Burst: 3}},
	}, l, m, func(id int64, lang azizayol.Lang) azizayol.Outbound {
		return azizayol.Outbound{Text: "Sizga yangi xabar bor.", Buttons: [][]azizayol.Button{{{Label: "Oʻqish", Data: "*:bcast:1"}}}}
	}, 2)
	return b
}

func claimed(user int64) azizayol.BroadcastSend {
	return azizayol.BroadcastSend{BroadcastID: 1, UserID: user, Channel: azizayol.Telegram, Address: "500",
		Lang: azizayol.UzLatn, Text: "Emlash kuni", Until: time.Now().Add(time.Minute), Claim: 1}
}

// The policy of one broadcast message: never a second copy of one that may have gone,
// a deferred one leaves marks alone, discretion and quiet hours are kept, and a 429
// holds every worker.
func TestBroadcastSendPolicy(t *testing.T) {
	ctx := context.Background()

	t.Run("a message marked by a sender that died is not sent again", func(t *testing.T) {
		ch, m := &phone{name: azizayol.Telegram}, &marks{set: map[string]bool{attemptKey(1, 7): true}}
		res := newTestBroadcaster(ch, limits{}, m).sendOne(ctx, azizayol.Telegram, claimed(7))
		if res.Delivery.Status != azizayol.Unknown || res.Marked || len(ch.sent) != 0 {
			t.Fatalf("%+v, %d sent", res, len(ch.sent))
		}
	})

	t.Run("a deferred message sets no mark and forgets none", func(t *testing.T) {
		ch := &phone{name: azizayol.Telegram}
		m := &marks{set: map[string]bool{}}
		b := newTestBroadcaster(ch, limits{"telegram:user:500": time.Second}, m)
		res := b.sendOne(ctx, azizayol.Telegram, claimed(7))
		if res.Delivery.Status != azizayol.RetryLater || res.Marked || len(m.set) != 0 || len(ch.sent) != 0 {
			t.Fatalf("%+v, marks %v", res, m.set)
		}
		// Another sender's mark on it (it died mid-send) survives this one's record.
		m.set[attemptKey(1, 7)] = true
		results := make(chan azizayol.BroadcastResult, 1)
		results <- res
		close(results)
		b.record(ctx, azizayol.Telegram, results, 10)
		if !m.set[attemptKey(1, 7)] {
			t.Fatal("a deferred send forgot another sender's mark")
		}
	})

	t.Run("only recorded marks are forgotten", func(t *testing.T) {
		ch, m := &phone{name: azizayol.Telegram}, &marks{set: map[string]bool{}}
		b := newTestBroadcaster(ch, limits{}, m)
		q := b.queue.(*recorder)
		q.settled = map[int64]bool{8: true} // its claim ran out and was settled unknown meanwhile
		results := make(chan azizayol.BroadcastResult, 2)
		for _, u := range []int64{7, 8} {
			res := b.sendOne(ctx, azizayol.Telegram, claimed(u))
			if res.Delivery.Status != azizayol.Sent || !res.Marked {
				t.Fatalf("%+v", res)
			}
			results <- res
		}
		close(results)
		b.record(ctx, azizayol.Telegram, results, 10)
		if !slices.Equal(m.forgotten, []string{attemptKey(1, 7)}) || !m.set[attemptKey(1, 8)] {
			t.Fatalf("forgotten %v, left %v", m.forgotten, m.set)
		}
	})

	t.Run("discreet and quiet", func(t *testing.T) {
		ch, m := &phone{name: azizayol.Telegram}, &marks{set: map[string]bool{}}
		s := claimed(7)
		s.Privacy = azizayol.Privacy{Discreet: true}
		newTestBroadcaster(ch, limits{}, m).sendOne(ctx, azizayol.Telegram, s)
		if len(ch.sent) != 1 || ch.sent[0].Message.Text != "Sizga yangi xabar bor." || len(ch.sent[0].Message.Buttons) != 1 {
			t.Fatalf("discreet: %+v", ch.sent)
		}
		// By SMS outside her hours: it waits for them (an SMS cannot come silently).
		sms := &phone{name: azizayol.SMS}
		b := newTestBroadcaster(sms, limits{}, m)
		now := time.Date(2026, 12, 1, 23, 30, 0, 0, azizayol.Tashkent)
		b.now = func() time.Time { return now }
		s = claimed(9)
		s.Channel, s.Until = azizayol.SMS, now.Add(time.Minute)
		s.Privacy = azizayol.Privacy{NotifyFrom: 8, NotifyUntil: 21}
		res := b.sendOne(ctx, azizayol.SMS, s)
		want := time.Date(2026, 12, 2, 8, 0, 0, 0, azizayol.Tashkent)
		if res.Delivery.Status != azizayol.RetryLater || !res.Delivery.RetryAt.Equal(want) || len(sms.sent) != 0 {
			t.Fatalf("quiet SMS: %+v, want retry at %s", res.Delivery, want)
		}
	})

	t.Run("an error after which it may have gone is never retried", func(t *testing.T) {
		ch, m := &phone{name: azizayol.Telegram, err: errors.New("telegram: context deadline exceeded")}, &marks{set: map[string]bool{}}
		b := newTestBroadcaster(ch, limits{}, m)
		if res := b.sendOne(ctx, azizayol.Telegram, claimed(7)); res.Delivery.Status != azizayol.Unknown {
			t.Fatalf("a timeout: %+v", res.Delivery)
		}
		// The connection was never made: certainly not sent, tried again.
		ch.err = fmt.Errorf("telegram: %w", &net.OpError{Op: "dial", Err: errors.New("connection refused")})
		if res := b.sendOne(ctx, azizayol.Telegram, claimed(8)); res.Delivery.Status != azizayol.RetryLater || res.Delivery.Error == "" {
			t.Fatalf("a refused connection: %+v", res.Delivery)
		}
	})

	t.Run("paused since it was claimed, or marked too late", func(t *testing.T) {
		ch, m := &phone{name: azizayol.Telegram}, &marks{set: map[string]bool{}}
		b := newTestBroadcaster(ch, limits{}, m)
		b.running.Store(&map[int64]bool{2: true}) // broadcast 1 was paused
		if res := b.sendOne(ctx, azizayol.Telegram, claimed(7)); res.Delivery.Status != azizayol.RetryLater || res.Marked || len(m.set) != 0 {
			t.Fatalf("paused: %+v", res)
		}
		b.running.Store(&map[int64]bool{1: true})
		// Redis is slow to mark it: meanwhile its claim runs out (and another sender
		// may take it). It is not sent; the mark stays, for whoever settles the claim.
		now := time.Now()
		b.now = func() time.Time { return now }
		s := claimed(8)
		m.slow = func() { now = s.Until.Add(time.Second) }
		res := b.sendOne(ctx, azizayol.Telegram, s)
		if res.Delivery.Status != azizayol.Unknown || len(ch.sent) != 0 || !m.set[attemptKey(1, 8)] {
			t.Fatalf("marked after its claim ran out: %+v, %d sent, marks %v", res, len(ch.sent), m.set)
		}
	})

	t.Run("a 429 holds every worker", func(t *testing.T) {
		ch, m := &phone{name: azizayol.Telegram, err: &azizayol.ThrottledError{RetryAfter: 3 * time.Second}}, &marks{set: map[string]bool{}}
		b := newTestBroadcaster(ch, limits{}, m)
		if res := b.sendOne(ctx, azizayol.Telegram, claimed(7)); res.Delivery.Status != azizayol.RetryLater {
			t.Fatalf("%+v", res)
		}
		ch.err = nil
		res := b.sendOne(ctx, azizayol.Telegram, claimed(8))
		if res.Delivery.Status != azizayol.RetryLater || res.Marked || len(ch.sent) != 0 {
			t.Fatalf("sent during the hold: %+v", res)
		}
	})
}
