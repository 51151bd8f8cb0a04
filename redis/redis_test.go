package redis_test

import (
	"context"
	"fmt"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/internal/testenv"
	"github.com/azizayol/azizayol/redis"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// open gives a client with a fresh prefix, the prefix, and a raw go-redis client to
// look at keys with.
func open(t *testing.T) (*redis.Client, string, *goredis.Client) {
	t.Helper()
	prefix := testenv.RedisPrefix(t)
	return openPrefix(t, prefix), prefix, rawClient(t, prefix)
}

func openPrefix(t *testing.T, prefix string) *redis.Client {
	t.Helper()
	c, err := redis.Open(t.Context(), testenv.RedisURL(), prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// rawClient is a plain go-redis client. It also removes the rate-limit keys of prefix
// when the test ends: redis_rate puts them under "rate:" + prefix, which DeletePrefix
// does not see (see TestLimiterKeysUnderPrefix).
func rawClient(t *testing.T, prefix string) *goredis.Client {
	t.Helper()
	opts, err := goredis.ParseURL(testenv.RedisURL())
	if err != nil {
		t.Fatal(err)
	}
	raw := goredis.NewClient(opts)
	t.Cleanup(func() {
		ctx := context.Background()
		if keys := keys(t, ctx, raw, "rate:"+prefix+"*"); len(keys) > 0 {
			raw.Del(ctx, keys...)
		}
		raw.Close()
	})
	return raw
}

func keys(t *testing.T, ctx context.Context, raw *goredis.Client, match string) []string {
	t.Helper()
	var out []string
	iter := raw.Scan(ctx, 0, match, 1000).Iterator()
	for iter.Next(ctx) {
		out = append(out, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func load(t *testing.T, s *redis.Sessions, userID, inboxID int64) *azizayol.Session {
	t.Helper()
	sess, err := s.Load(t.Context(), userID, inboxID)
	if err != nil {
		t.Fatalf("Load(%d, %d): %v", userID, inboxID, err)
	}
	return sess
}

func save(t *testing.T, s *redis.Sessions, userID, inboxID int64, before, after *azizayol.Session) {
	t.Helper()
	if err := s.Save(t.Context(), userID, inboxID, before, after); err != nil {
		t.Fatalf("Save(%d, %d): %v", userID, inboxID, err)
	}
}

func TestSessions(t *testing.T) {
	t.Parallel()
	c, prefix, raw := open(t)
	s := c.Sessions(time.Hour)

	if got := load(t, s, 1, 10); got != nil {
		t.Errorf("Load with nothing saved = %+v, want nil", got)
	}

	before := &azizayol.Session{Dialog: "menu", State: "main", Step: 3, Lang: azizayol.UzLatn}
	after := &azizayol.Session{
		Dialog: "emergency", State: "where", Step: 4, Lang: azizayol.UzCyrl,
		Data:   map[string]string{"region": "Samarqand"},
		Return: &azizayol.Place{Dialog: "menu", State: "main", Data: map[string]string{"page": "2"}},
	}
	save(t, s, 1, 10, before, after)
	if got := load(t, s, 1, 11); !reflect.DeepEqual(got, after) {
		t.Errorf("Load for the next entry = %+v, want the session after entry 10 %+v", got, after)
	}
	// Entry 10 runs again (its commit failed after Save): it starts from before.
	if got := load(t, s, 1, 10); !reflect.DeepEqual(got, before) {
		t.Errorf("Load for the entry last saved = %+v, want the session before it %+v", got, before)
	}
	if got := load(t, s, 2, 11); got != nil {
		t.Errorf("Load of another user = %+v, want nil", got)
	}

	// Her first entry: nothing before it.
	save(t, s, 2, 20, nil, before)
	if got := load(t, s, 2, 20); got != nil {
		t.Errorf("Load for a first entry run again = %+v, want nil", got)
	}
	if got := load(t, s, 2, 21); !reflect.DeepEqual(got, before) {
		t.Errorf("Load after a first entry = %+v, want %+v", got, before)
	}

	// A nil after ends the session; the entry that ended it still sees before.
	save(t, s, 1, 11, after, nil)
	if got := load(t, s, 1, 12); got != nil {
		t.Errorf("Load after the session ended = %+v, want nil", got)
	}
	if got := load(t, s, 1, 11); !reflect.DeepEqual(got, after) {
		t.Errorf("Load for the entry that ended it = %+v, want %+v", got, after)
	}

	// Every Save restarts the idle timer.
	key := prefix + "session:2"
	ttl, err := raw.PTTL(t.Context(), key).Result()
	if err != nil || ttl <= time.Hour-5*time.Second || ttl > time.Hour {
		t.Errorf("PTTL of %s = %s, %v; want about 1h", key, ttl, err)
	}

	if err := s.Delete(t.Context(), 2); err != nil {
		t.Fatal(err)
	}
	if got := load(t, s, 2, 21); got != nil {
		t.Errorf("Load after Delete = %+v, want nil", got)
	}
	if got := load(t, s, 2, 20); got != nil {
		t.Errorf("Load of the last entry after Delete = %+v, want nil", got)
	}
	if n := raw.Exists(t.Context(), key).Val(); n != 0 {
		t.Errorf("session key still exists after Delete")
	}
	if err := s.Delete(t.Context(), 99); err != nil {
		t.Errorf("Delete of no session: %v", err)
	}

	// A record that cannot be read is no session rather than an error.
	raw.Set(t.Context(), prefix+"session:3", "{not json", time.Minute)
	if got := load(t, s, 3, 1); got != nil {
		t.Errorf("Load of a garbled record = %+v, want nil", got)
	}
}

func TestSessionsExpireWhenIdle(t *testing.T) {
	t.Parallel()
	c, _, _ := open(t)
	s := c.Sessions(300 * time.Millisecond)
	sess := &azizayol.Session{Dialog: "menu", State: "main"}
	start := time.Now()
	save(t, s, 1, 1, nil, sess)
	if got := load(t, s, 1, 2); got == nil {
		t.Fatal("session gone at once")
	}
	testenv.Eventually(t, 3*time.Second, "the idle session to expire", func() bool { return load(t, s, 1, 2) == nil })
	if idle := time.Since(start); idle < 250*time.Millisecond {
		t.Errorf("session expired after %s, want the idle time 300ms", idle)
	}
}

func allow(t *testing.T, l *redis.Limiter, key string, perSecond float64, burst int) time.Duration {
	t.Helper()
	wait, err := l.Allow(t.Context(), key, perSecond, burst)
	if err != nil {
		t.Fatalf("Allow(%s): %v", key, err)
	}
	return wait
}

func TestLimiter(t *testing.T) {
	t.Parallel()
	c, _, _ := open(t)
	l := c.Limiter()

	for i := range 2 {
		if wait := allow(t, l, "chat", 10, 2); wait != 0 {
			t.Errorf("call %d within the burst: wait %s, want 0", i+1, wait)
		}
	}
	wait := allow(t, l, "chat", 10, 2)
	if wait <= 0 || wait > 110*time.Millisecond {
		t.Errorf("third call: wait %s, want in (0, 100ms]", wait)
	}
	if w := allow(t, l, "other-chat", 10, 2); w != 0 {
		t.Errorf("another key: wait %s, want 0", w)
	}
	// Another deployment (prefix) has its own buckets.
	other := testenv.RedisPrefix(t)
	rawClient(t, other) // removes its rate keys at the end
	if w := allow(t, openPrefix(t, other).Limiter(), "chat", 10, 2); w != 0 {
		t.Errorf("the same key under another prefix: wait %s, want 0", w)
	}

	// After the wait it told, one more passes.
	time.Sleep(wait + 5*time.Millisecond)
	if w := allow(t, l, "chat", 10, 2); w != 0 {
		t.Errorf("after waiting %s: wait %s, want 0", wait, w)
	}
}

func TestLimiterSharedAcrossClients(t *testing.T) {
	t.Parallel()
	c1, prefix, _ := open(t)
	c2 := openPrefix(t, prefix)
	l1, l2 := c1.Limiter(), c2.Limiter()

	if w := allow(t, l1, "tg:total", 10, 2); w != 0 {
		t.Errorf("instance 1, first: wait %s", w)
	}
	if w := allow(t, l2, "tg:total", 10, 2); w != 0 {
		t.Errorf("instance 2, second: wait %s", w)
	}
	if w := allow(t, l1, "tg:total", 10, 2); w == 0 {
		t.Errorf("instance 1, third: passed; the burst of 2 is shared")
	}
	if w := allow(t, l2, "tg:total", 10, 2); w == 0 {
		t.Errorf("instance 2, fourth: passed; the burst of 2 is shared")
	}
}

func TestLimiterZeroRateIsNoLimit(t *testing.T) {
	t.Parallel()
	c, prefix, raw := open(t)
	l := c.Limiter()
	for i := range 100 {
		if w := allow(t, l, "free", 0, 0); w != 0 {
			t.Fatalf("call %d at rate 0: wait %s, want 0", i+1, w)
		}
	}
	if k := keys(t, t.Context(), raw, "*"+prefix+"*"); len(k) != 0 {
		t.Errorf("rate 0 wrote keys %v", k)
	}
}

func TestLimiterFractionalRate(t *testing.T) {
	t.Parallel()
	c, _, _ := open(t)
	l := c.Limiter()
	if w := allow(t, l, "sms", 0.5, 1); w != 0 {
		t.Errorf("first at 0.5/s: wait %s, want 0", w)
	}
	w := allow(t, l, "sms", 0.5, 1)
	if w <= 1500*time.Millisecond || w > 2*time.Second {
		t.Errorf("second at 0.5/s: wait %s, want about 2s", w)
	}
}

// Every key of a deployment carries its prefix, and DeletePrefix removes them all.
// The limiter's keys are "rate:<prefix>…": redis_rate puts "rate:" in front of every
// key it is given.
func TestLimiterKeysCarryThePrefix(t *testing.T) {
	t.Parallel()
	c, prefix, raw := open(t)
	allow(t, c.Limiter(), "chat", 1, 1)

	if k := keys(t, t.Context(), raw, "rate:"+prefix+"*"); len(k) != 1 {
		t.Errorf("limiter keys under rate:%s: %v; all keys with the prefix: %v", prefix, k,
			keys(t, t.Context(), raw, "*"+prefix+"*"))
	}
	if err := c.DeletePrefix(t.Context()); err != nil {
		t.Fatal(err)
	}
	if k := keys(t, t.Context(), raw, "*"+prefix+"*"); len(k) != 0 {
		t.Errorf("keys left after DeletePrefix: %v", k)
	}
}

func lease(t *testing.T, c *redis.Client, name, owner string, ttl time.Duration) bool {
	t.Helper()
	ok, err := c.Lease(t.Context(), name, owner, ttl)
	if err != nil {
		t.Fatalf("Lease(%s, %s): %v", name, owner, err)
	}
	return ok
}

func TestLease(t *testing.T) {
	t.Parallel()
	c, prefix, raw := open(t)
	key := prefix + "lease:poller"

	if !lease(t, c, "poller", "a", 300*time.Millisecond) {
		t.Fatal("first owner did not get a free lease")
	}
	if lease(t, c, "poller", "b", 300*time.Millisecond) {
		t.Error("second owner got a held lease")
	}
	if ttl := raw.PTTL(t.Context(), key).Val(); ttl <= 0 || ttl > 300*time.Millisecond {
		t.Errorf("PTTL = %s, want within (0, 300ms]", ttl)
	}
	// The holder renews it (here for longer).
	if !lease(t, c, "poller", "a", 10*time.Second) {
		t.Error("holder could not renew")
	}
	if ttl := raw.PTTL(t.Context(), key).Val(); ttl <= 5*time.Second {
		t.Errorf("PTTL after renewal = %s, want about 10s", ttl)
	}
	if !lease(t, c, "other", "b", time.Second) {
		t.Error("a lease of another name was not free")
	}

	// Only the owner can give it up.
	if err := c.ReleaseLease(t.Context(), "poller", "b"); err != nil {
		t.Fatal(err)
	}
	if lease(t, c, "poller", "b", time.Second) {
		t.Error("a non-owner's release freed the lease")
	}
	if owner := raw.Get(t.Context(), key).Val(); owner != "a" {
		t.Errorf("lease held by %q, want a", owner)
	}
	if err := c.ReleaseLease(t.Context(), "poller", "a"); err != nil {
		t.Fatal(err)
	}
	if !lease(t, c, "poller", "b", time.Second) {
		t.Error("lease not free after its owner released it")
	}
	if err := c.ReleaseLease(t.Context(), "never-taken", "a"); err != nil {
		t.Errorf("release of a lease nobody holds: %v", err)
	}
}

func TestLeaseExpires(t *testing.T) {
	t.Parallel()
	c, _, _ := open(t)
	start := time.Now()
	if !lease(t, c, "poller", "a", 300*time.Millisecond) {
		t.Fatal("first owner did not get a free lease")
	}
	testenv.Eventually(t, 3*time.Second, "the lease to expire", func() bool {
		return lease(t, c, "poller", "b", 300*time.Millisecond)
	})
	if held := time.Since(start); held < 250*time.Millisecond {
		t.Errorf("second owner got it after %s, want after the 300ms TTL", held)
	}
	if lease(t, c, "poller", "a", 300*time.Millisecond) {
		t.Error("the first owner took it back from the new one")
	}
}

func TestDeletePrefix(t *testing.T) {
	t.Parallel()
	c, prefix, raw := open(t)

	// More keys than one batch of DeletePrefix.
	pipe := raw.Pipeline()
	for i := range 1234 {
		pipe.Set(t.Context(), fmt.Sprintf("%sbulk:%d", prefix, i), "x", time.Minute)
	}
	if _, err := pipe.Exec(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := c.Sessions(time.Minute).Save(t.Context(), 1, 1, nil, &azizayol.Session{Dialog: "menu"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Lease(t.Context(), "poller", "a", time.Minute); err != nil {
		t.Fatal(err)
	}
	other := testenv.RedisPrefix(t) // cleaned up by testenv
	if err := raw.Set(t.Context(), other+"keep", "x", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}

	if err := c.DeletePrefix(t.Context()); err != nil {
		t.Fatal(err)
	}
	if k := keys(t, t.Context(), raw, prefix+"*"); len(k) != 0 {
		t.Errorf("%d keys left under the prefix, e.g. %s", len(k), k[0])
	}
	if n := raw.Exists(t.Context(), other+"keep").Val(); n != 1 {
		t.Errorf("DeletePrefix removed a key of another prefix")
	}
}

func TestWake(t *testing.T) {
	t.Parallel()
	c, prefix, _ := open(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()

	var woken atomic.Int32
	wakes := make(chan struct{}, 16)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		c.OnWake(ctx, "inbox", func() {
			woken.Add(1)
			wakes <- struct{}{}
		})
	}()
	wait := func(what string) {
		t.Helper()
		select {
		case <-wakes:
		case <-time.After(2 * time.Second):
			t.Fatalf("no wake-up within 2s: %s", what)
		}
	}
	wait("OnWake subscribed") // it wakes once when it starts listening

	// Published in order: the other topic and the other prefix first, then ours from
	// another instance. Only the last may arrive, so it must be the only one.
	c.Wake(t.Context(), "outbox")
	openPrefix(t, testenv.RedisPrefix(t)).Wake(t.Context(), "inbox")
	openPrefix(t, prefix).Wake(t.Context(), "inbox")
	wait("Wake from another client")
	if n := woken.Load(); n != 2 {
		t.Errorf("woken %d times, want 2 (start and one Wake); another topic or prefix woke it", n)
	}

	cancel()
	select {
	case <-stopped:
	case <-time.After(2 * time.Second):
		t.Errorf("OnWake still running 2s after its context ended")
	}
}

// A scheduled run fired by several instances is done by one.
func TestOnce(t *testing.T) {
	prefix := testenv.RedisPrefix(t)
	ctx := context.Background()
	a, err := redis.Open(ctx, testenv.RedisURL(), prefix)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := redis.Open(ctx, testenv.RedisURL(), prefix) // another instance
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	first, err := a.Once(ctx, "digest:2026-12-01T05:00", time.Minute)
	if err != nil || !first {
		t.Fatalf("first: %v %v", first, err)
	}
	for range 3 {
		if again, err := b.Once(ctx, "digest:2026-12-01T05:00", time.Minute); err != nil || again {
			t.Fatalf("again: %v %v", again, err)
		}
	}
	if next, err := a.Once(ctx, "digest:2026-12-02T05:00", time.Minute); err != nil || !next {
		t.Fatalf("the next run: %v %v", next, err)
	}
}

// CountOnce counts members, each once, and the count ends with its time.
func TestCountOnce(t *testing.T) {
	t.Parallel()
	c, _, _ := open(t)
	ctx := context.Background()
	for i, member := range []string{"a", "b", "a", "c", "b"} {
		n, err := c.CountOnce(ctx, "k", member, 300*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		if want := []int64{1, 2, 2, 3, 3}[i]; n != want {
			t.Errorf("count after %q: %d, want %d", member, n, want)
		}
	}
	time.Sleep(400 * time.Millisecond)
	if n, _ := c.CountOnce(ctx, "k", "a", time.Second); n != 1 {
		t.Errorf("count after expiry: %d, want 1", n)
	}
}
