package bot

import (
	"context"
	"errors"
	"html"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/locales"
)

// BroadcastQueue is the broadcasts as the broadcaster works them (postgres.DB).
type BroadcastQueue interface {
	StartDueBroadcasts(ctx context.Context, now time.Time) (int, error)
	PlanBroadcasts(ctx context.Context, batch int) (bool, error)
	ClaimBroadcastSends(ctx context.Context, channel azizayol.Channel, n int, lease time.Duration) ([]azizayol.BroadcastSend, []int64, error)
	RecordBroadcastSends(ctx context.Context, results []azizayol.BroadcastResult) ([]azizayol.BroadcastKey, error)
	ExpireBroadcastClaims(ctx context.Context, marked func([]azizayol.BroadcastKey) ([]bool, error)) (int, error)
	FinishBroadcasts(ctx context.Context) (int, error)
}

// Attempts marks the broadcast messages on their way, in Redis (redis.Client): a
// message whose sender died after marking it is never sent again.
type Attempts interface {
	Once(ctx context.Context, key string, ttl time.Duration) (bool, error)
	// Taken tells which of keys were given to Once and not forgotten.
	Taken(ctx context.Context, keys ...string) ([]bool, error)
	ForgetOnce(ctx context.Context, keys ...string) error
}

// BroadcastLimits are one channel's limits for broadcasts.
type BroadcastLimits struct {
	// Key names the limit in the Limiter: the channel's own "<channel>:total" shares
	// its rate with the conversations (so replies and broadcasts together keep it);
	// Telegram's paid broadcasts have a limit of their own.
	Key     string
	Total   Rate
	PerUser Rate
	Paid    bool // Telegram: allow_paid_broadcast
}

const (
	// planBatch user ids are looked through for recipients per transaction.
	planBatch = 5000
	// claimLease: a claimed send not recorded by then is never sent again. A sender
	// does not start a send later than claimMargin before the lease ends.
	claimLease  = 15 * time.Second
	claimMargin = 5 * time.Second
	// maxBroadcastAttempts: a message that failed this often (temporary errors) is
	// recorded failed.
	maxBroadcastAttempts = 5
)

// Broadcaster sends the running broadcasts at each channel's limits, on every
// instance: the claims and the shared limiter divide the work.
type Broadcaster struct {
	queue    BroadcastQueue
	channels map[azizayol.Channel]Channel
	limits   map[azizayol.Channel]BroadcastLimits
	limiter  Limiter
	attempts Attempts
	// discreet is what a woman who asked for discretion gets instead of the text:
	// a neutral line and the button that shows it (dialogs.DiscreetBroadcast).
	discreet func(broadcastID int64, lang azizayol.Lang) azizayol.Outbound
	workers  int
	tick     time.Duration
	now      func() time.Time
	// holdUntil (unix nanoseconds): a channel answered 429; this instance's workers
	// send nothing more on it before then.
	holdUntil sync.Map // azizayol.Channel → *atomic.Int64
	// running are the broadcasts running as of the last claim: a message claimed
	// before its broadcast was paused or cancelled is not sent.
	running atomic.Pointer[map[int64]bool]
}

// NewBroadcaster returns a broadcaster over these channels; workers is how many
// messages of a channel may be on their way at once (the channel's latency times its
// rate, at least).
func NewBroadcaster(queue BroadcastQueue, channels []Channel, limits map[azizayol.Channel]BroadcastLimits, limiter Limiter,
	attempts Attempts, discreet func(int64, azizayol.Lang) azizayol.Outbound, workers int) *Broadcaster {
	b := &Broadcaster{queue: queue, channels: map[azizayol.Channel]Channel{}, limits: limits, limiter: limiter,
		attempts: attempts, discreet: discreet,
		workers: max(1, workers), tick: time.Second, now: time.Now}
	for _, c := range channels {
		if _, ok := limits[c.Name()]; ok {
			b.channels[c.Name()] = c
		}
	}
	return b
}

// Run works the broadcasts until ctx ends. A message on its way then is still sent
// and recorded.
func (b *Broadcaster) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		b.keep(ctx)
	}()
	for name := range b.channels {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.sendLoop(ctx, name)
		}()
	}
	wg.Wait()
}

// keep starts what is scheduled, finds recipients, lets go of dead claims and ends
// what is finished, every tick.
func (b *Broadcaster) keep(ctx context.Context) {
	for {
		if _, err := b.queue.StartDueBroadcasts(ctx, b.now()); err != nil && ctx.Err() == nil {
			slog.Error("starting scheduled broadcasts failed", "err", err)
		}
		for ctx.Err() == nil {
			more, err := b.queue.PlanBroadcasts(ctx, planBatch)
			if err != nil {
				if ctx.Err() == nil {
					slog.Error("finding broadcast recipients failed", "err", err)
				}
				break
			}
			if !more {
				break
			}
		}
		if n, err := b.queue.ExpireBroadcastClaims(ctx, b.marked); err != nil && ctx.Err() == nil {
			slog.Error("expiring broadcast claims failed", "err", err)
		} else if n > 0 {
			slog.Warn("broadcast claims ran out: their sender stopped; those it had started count unknown, the rest go again", "n", n)
		}
		if _, err := b.queue.FinishBroadcasts(ctx); err != nil && ctx.Err() == nil {
			slog.Error("finishing broadcasts failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(b.tick):
		}
	}
}

// chunk is how many sends a channel claims at once: a tenth of a second's worth, so
// that a sender killed mid-send leaves few unknown, and a pause acts at once.
func chunk(r Rate) int {
	if r.PerSecond <= 0 {
		return 200
	}
	return min(500, max(1, int(r.PerSecond/10)))
}

// sendLoop sends a channel's broadcast messages as a stream: a claimer keeps the
// workers fed (claiming the next chunk while the last is being sent, so the rate has
// no gaps), the workers send, and a recorder writes the outcomes in batches.
func (b *Broadcaster) sendLoop(ctx context.Context, name azizayol.Channel) {
	limits := b.limits[name]
	size := chunk(limits.Total)
	// Two chunks claimed ahead at most (a fifth of a second): a slow claim leaves the
	// workers something to send. The outcomes may wait for a slow record without
	// holding the workers.
	sends := make(chan azizayol.BroadcastSend, 2*size)
	results := make(chan azizayol.BroadcastResult, 10*size)
	go func() {
		defer close(sends)
		for ctx.Err() == nil {
			claimed, running, err := b.queue.ClaimBroadcastSends(ctx, name, size, claimLease)
			if err != nil && ctx.Err() == nil {
				slog.Error("claiming broadcast messages failed", "channel", name, "err", err)
			}
			if err == nil {
				set := make(map[int64]bool, len(running))
				for _, id := range running {
					set[id] = true
				}
				b.running.Store(&set)
			}
			if len(claimed) == 0 {
				select {
				case <-ctx.Done():
				case <-time.After(b.tick / 4):
				}
				continue
			}
			for _, s := range claimed {
				sends <- s // claimed ones go to the workers even after ctx ended: they put them back
			}
		}
	}()
	var workers sync.WaitGroup
	for range b.workers {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for s := range sends {
				results <- b.sendOne(ctx, name, s)
			}
		}()
	}
	go func() {
		workers.Wait()
		close(results)
	}()
	b.record(ctx, name, results, size)
}

// record writes the outcomes as they come, a batch at a time, until results closes.
// It goes on after ctx ended: what was sent must not stay 'sending'.
func (b *Broadcaster) record(ctx context.Context, name azizayol.Channel, results <-chan azizayol.BroadcastResult, size int) {
	var batch []azizayol.BroadcastResult
	flush := func() {
		if len(batch) == 0 {
			return
		}
		rec, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		var recorded []azizayol.BroadcastKey
		var err error
		for try := range 4 { // a database hiccup must not turn what was sent into unknown
			if recorded, err = b.queue.RecordBroadcastSends(rec, batch); err == nil {
				break
			}
			time.Sleep(time.Duration(try+1) * 500 * time.Millisecond)
		}
		if err != nil {
			slog.Error("recording broadcast messages failed; their claims will run out and those started count as unknown",
				"channel", name, "n", len(batch), "err", err)
			batch = batch[:0]
			return
		}
		// The marks of what is recorded now have done their work. Only this sender's
		// own, and only where the record took: a send whose claim ran out was settled
		// by its mark, which must stay.
		done := map[azizayol.BroadcastKey]bool{}
		for _, k := range recorded {
			done[k] = true
		}
		var keys []string
		for _, r := range batch {
			if r.Marked && done[azizayol.BroadcastKey{BroadcastID: r.BroadcastID, UserID: r.UserID}] {
				keys = append(keys, attemptKey(r.BroadcastID, r.UserID))
			}
		}
		if err := b.attempts.ForgetOnce(rec, keys...); err != nil {
			slog.Warn("forgetting broadcast attempt marks failed", "err", err)
		}
		batch = batch[:0]
	}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case r, ok := <-results:
			if !ok {
				flush()
				return
			}
			if batch = append(batch, r); len(batch) >= size {
				flush()
			}
		case <-tick.C:
			flush()
		}
	}
}

// marked tells which of these claimed sends were marked as on their way.
func (b *Broadcaster) marked(keys []azizayol.BroadcastKey) ([]bool, error) {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = attemptKey(k.BroadcastID, k.UserID)
	}
	return b.attempts.Taken(context.Background(), names...)
}

// hold is when this instance may send on a channel again after a 429 (0: now).
func (b *Broadcaster) hold(name azizayol.Channel) *atomic.Int64 {
	h, _ := b.holdUntil.LoadOrStore(name, new(atomic.Int64))
	return h.(*atomic.Int64)
}

// sendOne sends one message of a broadcast within the limits, or says why not.
func (b *Broadcaster) sendOne(ctx context.Context, name azizayol.Channel, s azizayol.BroadcastSend) azizayol.BroadcastResult {
	res := azizayol.BroadcastResult{BroadcastID: s.BroadcastID, UserID: s.UserID, Claim: s.Claim, Started: b.now(), At: b.now()}
	later := func(at time.Time) azizayol.BroadcastResult {
		res.Delivery = azizayol.Delivery{Status: azizayol.RetryLater, RetryAt: at}
		return res
	}
	switch s.Skip {
	case "":
	case "blocked":
		res.Delivery = azizayol.Delivery{Status: azizayol.UserBlocked}
		return res
	default: // she unsubscribed or sent STOP since she was found
		res.Delivery = azizayol.Delivery{Status: azizayol.Withheld, Error: s.Skip}
		return res
	}
	deadline := s.Until.Add(-claimMargin)
	if ctx.Err() != nil || !b.now().Before(deadline) {
		return later(b.now()) // not started: back in the queue, unsent
	}
	if name == azizayol.SMS && s.Privacy.Quiet(b.now()) {
		// An SMS cannot arrive silently: outside the hours she chose it waits.
		return later(nextAwake(s.Privacy, b.now()))
	}
	if until := time.Unix(0, b.hold(name).Load()); b.now().Before(until) {
		return later(until) // the channel asked us to wait (429)
	}
	limits := b.limits[name]
	wait, err := b.limiter.Allow(ctx, string(name)+":user:"+s.Address, limits.PerUser.PerSecond, limits.PerUser.Burst)
	if err != nil {
		return later(b.now().Add(time.Second))
	}
	if wait > 0 { // she is in a conversation right now: her replies first
		return later(b.now().Add(wait))
	}
	for {
		wait, err := b.limiter.Allow(ctx, limits.Key, limits.Total.PerSecond, limits.Total.Burst)
		if err != nil {
			return later(b.now().Add(time.Second))
		}
		if wait == 0 {
			break
		}
		if !b.now().Add(wait).Before(deadline) {
			return later(b.now().Add(wait))
		}
		select {
		case <-ctx.Done():
			return later(b.now())
		case <-time.After(wait):
		}
	}
	if running := b.running.Load(); running != nil && !(*running)[s.BroadcastID] {
		return later(b.now()) // paused or cancelled since it was claimed
	}
	// The mark that it is on its way, just before it goes: if this sender dies now,
	// the mark says it may have gone, and it is never sent again.
	first, err := b.attempts.Once(ctx, attemptKey(s.BroadcastID, s.UserID), attemptTTL)
	if err != nil {
		return later(b.now().Add(time.Second))
	}
	if !first {
		res.Delivery = azizayol.Delivery{Status: azizayol.Unknown, Error: "its sender stopped while sending it"}
		return res
	}
	res.Marked = true
	if !b.now().Before(s.Until) {
		// Marked too late (a slow moment): the claim has run out and whoever settles
		// it finds the mark. Not sent, and not to be.
		res.Delivery = azizayol.Delivery{Status: azizayol.Unknown, Error: "its claim ran out while it was marked"}
		return res
	}
	msg := BroadcastMessage(s.Text, s.Lang, name)
	if s.Privacy.Discreet && name == azizayol.Telegram && b.discreet != nil {
		msg = b.discreet(s.BroadcastID, s.Lang) // her lock screen shows nothing of it
	}
	m := azizayol.OutboxMessage{
		UserID: s.UserID, Channel: name, Address: s.Address, Queued: res.Started, Message: msg,
		Silent: s.Privacy.Quiet(b.now()), Paid: limits.Paid,
		Ref: "ab" + strconv.FormatInt(s.BroadcastID, 10) + "u" + strconv.FormatInt(s.UserID, 10),
	}
	send, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
	id, err := b.channels[name].Send(send, m)
	cancel()
	res.At = b.now()
	res.Delivery = outcome(m, id, err, res.At, func(m azizayol.OutboxMessage, err error) azizayol.Delivery {
		if !notSent(err) {
			// A timeout, a 5xx, a connection cut mid-call: it may have reached her. A
			// broadcast reaches her at most once: not tried again.
			slog.Warn("broadcast message may have gone; not tried again", "broadcast", s.BroadcastID, "user", s.UserID, "err", err)
			return azizayol.Delivery{Status: azizayol.Unknown, Error: err.Error()}
		}
		if s.Failures+1 >= maxBroadcastAttempts {
			slog.Error("giving up on a broadcast message", "broadcast", s.BroadcastID, "user", s.UserID, "err", err)
			return azizayol.Delivery{Status: azizayol.Failed, Error: err.Error()}
		}
		backoff := min(time.Second<<s.Failures, 5*time.Minute)
		slog.Warn("broadcast message not sent, will retry", "broadcast", s.BroadcastID, "user", s.UserID, "in", backoff, "err", err)
		return azizayol.Delivery{Status: azizayol.RetryLater, RetryAt: res.At.Add(backoff), Error: err.Error()}
	})
	if res.Delivery.Status == azizayol.RetryLater && res.Delivery.Error == "" {
		// A 429: every worker of this instance waits as long, not only this one.
		h := b.hold(name)
		if at := res.Delivery.RetryAt.UnixNano(); at > h.Load() {
			h.Store(at)
		}
	}
	return res
}

// notSent tells whether a failed send certainly never reached the channel: the
// connection was never made.
func notSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// nextAwake is the first hour from now in which she may get a message.
func nextAwake(p azizayol.Privacy, now time.Time) time.Time {
	t := now.In(azizayol.Tashkent).Truncate(time.Hour)
	for range 24 {
		if t = t.Add(time.Hour); !p.Quiet(t) {
			return t
		}
	}
	return now.Add(time.Hour)
}

// attemptTTL: how long a mark outlives a sender that died before recording; far
// longer than any claim.
const attemptTTL = 7 * 24 * time.Hour

// sendTimeout bounds one API call of a broadcast.
const sendTimeout = 10 * time.Second

func attemptKey(broadcastID, userID int64) string {
	return "broadcast:" + strconv.FormatInt(broadcastID, 10) + ":" + strconv.FormatInt(userID, 10)
}

// BroadcastMessage is a broadcast's text as she receives it: the agency's words as
// they were typed (escaped: staff write plain text), and how to stop them.
func BroadcastMessage(text string, lang azizayol.Lang, ch azizayol.Channel) azizayol.Outbound {
	id := "broadcast.footer"
	if ch == azizayol.SMS {
		id = "broadcast.footer_sms"
	}
	footer, err := locales.Text(lang, id, nil)
	if err != nil {
		slog.Error("broadcast footer missing", "lang", lang, "err", err)
	}
	body := html.EscapeString(text)
	if footer != "" {
		body += "\n\n" + footer
	}
	return azizayol.Outbound{Text: body, Lang: lang}
}
