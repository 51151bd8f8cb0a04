package bot

import (
	"context"
	"log/slog"
	"time"

	"github.com/azizayol/azizayol"
)

// Deleter deletes messages of a conversation (bot/telegram).
type Deleter interface {
	Name() azizayol.Channel
	Delete(ctx context.Context, address string, ids []int) error
}

// DueDeletions hands out the messages due for deletion (postgres.DB).
type DueDeletions interface {
	DeleteDue(ctx context.Context, now time.Time, del func(context.Context, azizayol.Deletion) error) (int, error)
}

// Sweeper deletes the messages that are due: a chat she cleared, her automatic sweep,
// the line that confirms a clear. It runs on every instance; the store hands each
// batch to one of them. Deletions count against the channel's total rate, as sends do.
type Sweeper struct {
	due      DueDeletions
	deleters map[azizayol.Channel]Deleter
	limiter  Limiter
	limits   map[azizayol.Channel]Limits
	wake     *Signal
	now      azizayol.Clock
}

// SweepEvery is how often the sweeper looks for what is due when nobody wakes it.
const SweepEvery = 2 * time.Second

// NewSweeper returns a sweeper; wake makes it look at once (a chat was cleared).
func NewSweeper(due DueDeletions, deleters []Deleter, limiter Limiter, limits map[azizayol.Channel]Limits, wake *Signal, now azizayol.Clock) *Sweeper {
	s := &Sweeper{due: due, deleters: map[azizayol.Channel]Deleter{}, limiter: limiter, limits: limits, wake: wake, now: now}
	for _, d := range deleters {
		s.deleters[d.Name()] = d
	}
	return s
}

// Run deletes what is due until ctx ends.
func (s *Sweeper) Run(ctx context.Context) {
	tick := time.NewTicker(SweepEvery)
	defer tick.Stop()
	for {
		if _, err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
			slog.Error("deleting messages failed; trying again", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-s.wake.Wait():
		}
	}
}

// Sweep deletes everything due now and returns how many messages it deleted.
func (s *Sweeper) Sweep(ctx context.Context) (int, error) {
	return s.due.DeleteDue(ctx, s.now(), func(ctx context.Context, d azizayol.Deletion) error {
		del, ok := s.deleters[d.Channel]
		if !ok {
			return nil // a channel that cannot delete (SMS cannot be recalled): forgotten
		}
		if r := s.limits[d.Channel].Total; r.PerSecond > 0 {
			for {
				wait, err := s.limiter.Allow(ctx, string(d.Channel)+":total", r.PerSecond, r.Burst)
				if err != nil {
					return err
				}
				if wait == 0 {
					break
				}
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(wait):
				}
			}
		}
		return del.Delete(ctx, d.Address, d.IDs)
	})
}
