// Package bot moves messages between the channels and the dialogs. Every channel
// stores what arrives in the inbox before confirming it; the Processor takes each
// stored entry, one at a time per user and in order, runs the dialogs, and writes the
// replies to the outbox in the same transaction; the Sender delivers the outbox at
// each channel's limits. Channel adapters live in the sub-packages.
package bot

import (
	"context"
	"sync"
	"time"

	"github.com/azizayol/azizayol"
)

// Channel is one way women reach the platform: it reads what it stored in the inbox
// and sends what the outbox holds, in its own form.
type Channel interface {
	Name() azizayol.Channel
	// Parse reads a stored update: her address on the channel and what she sent.
	Parse(payload []byte) (address string, in azizayol.Inbound, err error)
	// Send delivers one outbox message and returns the channel's id for it. Its
	// errors say what to do next: azizayol.ErrRecipientBlocked (stop),
	// *azizayol.ThrottledError (wait), azizayol.ErrRejected (give up),
	// azizayol.ErrWithheld (not sent on purpose); anything else is retried with backoff.
	Send(ctx context.Context, m azizayol.OutboxMessage) (externalID string, err error)
}

// Signal wakes idle workers: each Raise wakes at most one. A woken worker keeps taking
// work until none is left, so waking every worker for every update would only make
// the others ask the database for nothing.
type Signal struct {
	ch chan struct{}
}

// NewSignal returns a signal for up to n waiting workers.
func NewSignal(n int) *Signal { return &Signal{ch: make(chan struct{}, max(n, 1))} }

// Raise wakes one waiting worker, or the next one to wait.
func (s *Signal) Raise() {
	select {
	case s.ch <- struct{}{}:
	default: // enough wake-ups are pending already
	}
}

// Wait returns the channel a worker receives its wake-up from.
func (s *Signal) Wait() <-chan struct{} { return s.ch }

// workers runs n workers until ctx ends. Each drains the work of the key it is handed
// (a user, named by the intake or the processor), and of anyone (the zero key: a scan)
// at start, when woken, and after poll without a word, so work nobody named — after a
// crash, from another instance — is found too.
func workers[K comparable](ctx context.Context, n int, hints <-chan K, wake *Signal, poll time.Duration, drain func(context.Context, K)) {
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var key, anyone K
			for ctx.Err() == nil {
				drain(ctx, key)
				select {
				case <-ctx.Done():
				case key = <-hints:
				case <-wake.Wait():
					key = anyone
				case <-time.After(poll):
					key = anyone
				}
			}
		}()
	}
	wg.Wait()
}

// hint hands key to a worker; when the hints overflow (every worker busy for a
// while), it wakes one to scan instead.
func hint[K comparable](hints chan<- K, wake *Signal, key K) {
	select {
	case hints <- key:
	default:
		wake.Raise()
	}
}
