package bot

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/azizayol/azizayol"
)

// Outbox is the queued messages, as the sender takes them.
type Outbox interface {
	SendNext(ctx context.Context, channels []azizayol.Channel, userID int64, send func(context.Context, azizayol.OutboxMessage) azizayol.Delivery) (bool, error)
}

// Limiter is a rate limit shared by every instance (redis.Limiter).
type Limiter interface {
	Allow(ctx context.Context, key string, perSecond float64, burst int) (wait time.Duration, err error)
}

// Rate is a limit: PerSecond on average, bursts of up to Burst. Zero is no limit.
type Rate struct {
	PerSecond float64
	Burst     int
}

// Limits are one channel's sending limits.
type Limits struct {
	Total   Rate // the whole bot, across instances (Telegram: about 30 messages/s)
	PerUser Rate // one chat (Telegram: about 1 message/s, short bursts allowed)
}

// giveUpAge: a message that could not be sent for a day is marked failed; by then it
// would only confuse her.
const giveUpAge = 24 * time.Hour

// Sender delivers the outbox.
type Sender struct {
	outbox   Outbox
	channels map[azizayol.Channel]Channel
	names    []azizayol.Channel
	limits   map[azizayol.Channel]Limits
	limiter  Limiter
	hints    chan int64 // users whose replies were just queued here
	wake     *Signal    // raised when replies were queued by another instance, or hints overflow
	poll     time.Duration
	now      func() time.Time

	results *prometheus.CounterVec
}

// NewSender returns a sender for these channels; wake is raised when another instance
// queued messages.
func NewSender(outbox Outbox, channels []Channel, limits map[azizayol.Channel]Limits, limiter Limiter, wake *Signal, reg prometheus.Registerer) *Sender {
	s := &Sender{
		outbox: outbox, channels: map[azizayol.Channel]Channel{}, limits: limits, limiter: limiter,
		wake: wake, poll: 500 * time.Millisecond, now: time.Now, hints: make(chan int64, 4096),
		results: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "azizayol_outbox_attempts_total", Help: "Attempts to send an outbox message, by channel and result.",
		}, []string{"channel", "result"}),
	}
	for _, c := range channels {
		s.channels[c.Name()] = c
		s.names = append(s.names, c.Name())
	}
	reg.MustRegister(s.results)
	return s
}

// Run sends with n workers until ctx ends.
func (s *Sender) Run(ctx context.Context, n int) {
	workers(ctx, n, s.hints, s.wake, s.poll, s.drain)
}

// Queued tells the senders whose replies this instance has just queued: a sender
// takes that woman's messages directly, without scanning the outbox.
func (s *Sender) Queued(userID int64) {
	hint(s.hints, s.wake, userID)
}

// drain sends the due messages of one user (or of anyone) until none is left. A
// message being sent when ctx ends is still sent and recorded: cut off between
// Telegram's answer and the commit, it would go out twice.
func (s *Sender) drain(ctx context.Context, user int64) {
	for ctx.Err() == nil {
		// Room for the limiter's wait, the API call (30 s at most) and the commit.
		one, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		found, err := s.outbox.SendNext(one, s.names, user, s.send)
		cancel()
		if err != nil {
			if ctx.Err() == nil {
				slog.Error("sending an outbox message failed", "err", err)
			}
			return
		}
		if !found {
			return
		}
	}
}

// send is the policy for one message: keep the limits, send, and decide what an error
// means.
func (s *Sender) send(ctx context.Context, m azizayol.OutboxMessage) azizayol.Delivery {
	d := s.attempt(ctx, m)
	s.results.WithLabelValues(string(m.Channel), string(d.Status)).Inc()
	return d
}

func (s *Sender) attempt(ctx context.Context, m azizayol.OutboxMessage) azizayol.Delivery {
	ch := s.channels[m.Channel]
	limits := s.limits[m.Channel]
	if m.Message.Text != "" { // acknowledging a button alone is not a message: no limit
		wait, err := s.limiter.Allow(ctx, string(m.Channel)+":user:"+m.Address, limits.PerUser.PerSecond, limits.PerUser.Burst)
		if err != nil {
			return s.retry(m, err)
		}
		if wait > 0 {
			return azizayol.Delivery{Status: azizayol.RetryLater, RetryAt: s.now().Add(wait)}
		}
		if err := s.waitTotal(ctx, m.Channel, limits.Total); err != nil {
			return s.retry(m, err)
		}
	}

	id, err := ch.Send(ctx, m)
	return outcome(m, id, err, s.now(), s.retry)
}

// outcome is what a channel's answer to one send means; retry decides how a
// temporary failure is tried again.
func outcome(m azizayol.OutboxMessage, id string, err error, now time.Time, retry func(azizayol.OutboxMessage, error) azizayol.Delivery) azizayol.Delivery {
	var throttled *azizayol.ThrottledError
	switch {
	case err == nil:
		return azizayol.Delivery{Status: azizayol.Sent, ExternalID: id}
	case errors.Is(err, azizayol.ErrRecipientBlocked):
		slog.Info("recipient blocked the bot; her queued messages stop", "user", m.UserID, "channel", m.Channel)
		return azizayol.Delivery{Status: azizayol.UserBlocked}
	case errors.As(err, &throttled):
		// The channel tells us how long to wait: honour it; it is not a failed attempt.
		return azizayol.Delivery{Status: azizayol.RetryLater, RetryAt: now.Add(throttled.RetryAfter)}
	case errors.Is(err, azizayol.ErrWithheld):
		slog.Info("message withheld", "outbox", m.ID, "channel", m.Channel, "reason", err)
		return azizayol.Delivery{Status: azizayol.Withheld, Error: err.Error()}
	case errors.Is(err, azizayol.ErrRejected):
		slog.Error("channel rejected a message", "outbox", m.ID, "channel", m.Channel, "err", err)
		return azizayol.Delivery{Status: azizayol.Failed, Error: err.Error()}
	default:
		return retry(m, err)
	}
}

// waitTotal waits until the channel-wide limit lets one more message through.
func (s *Sender) waitTotal(ctx context.Context, ch azizayol.Channel, r Rate) error {
	for {
		wait, err := s.limiter.Allow(ctx, string(ch)+":total", r.PerSecond, r.Burst)
		if err != nil || wait == 0 {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}

// retry backs off after a temporary failure: 1 s, 2 s, 4 s … up to 10 minutes, with
// jitter so a recovering channel is not hit by every message at once.
func (s *Sender) retry(m azizayol.OutboxMessage, err error) azizayol.Delivery {
	if s.now().Sub(m.Queued) > giveUpAge {
		slog.Error("giving up on an outbox message", "outbox", m.ID, "attempts", m.Attempts+1, "err", err)
		return azizayol.Delivery{Status: azizayol.Failed, Error: err.Error()}
	}
	backoff := min(time.Second<<min(m.Attempts, 10), 10*time.Minute)
	backoff += time.Duration(rand.Int64N(int64(backoff)/4 + 1))
	slog.Warn("sending failed, will retry", "outbox", m.ID, "channel", m.Channel, "in", backoff, "err", err)
	return azizayol.Delivery{Status: azizayol.RetryLater, RetryAt: s.now().Add(backoff), Error: err.Error()}
}
