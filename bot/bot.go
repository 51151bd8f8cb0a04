// Package bot moves messages between the channels and the dialogs. Every channel
// stores what arrives in the inbox before confirming it; the Processor takes each
// stored entry, one at a time per user and in order, runs the dialogs, and writes the
// replies to the outbox in the same transaction; the Sender delivers the outbox at
// each channel's limits. Channel adapters live in the sub-packages.
package bot

import (
	"context"
	"sync"

	"github.com/azizayol/azizayol"
)

// Channel is one way women reach the platform: it reads what it stored in the inbox
// and sends what the outbox holds, in its own form.
type Channel interface {
	Name() azizayol.Channel
	// Parse reads a stored update: her address on the channel and what she sent.
	Parse(payload []byte) (address string, in azizayol.Inbound, err error)
	// Send delivers one message and returns the channel's id for it. Its errors say
	// what to do next: azizayol.ErrRecipientBlocked (stop), *azizayol.ThrottledError
	// (wait), azizayol.ErrRejected (give up); anything else is retried with backoff.
	Send(ctx context.Context, address string, m azizayol.Outbound) (externalID string, err error)
}

// Signal wakes every goroutine waiting on it (a closed channel is a broadcast).
type Signal struct {
	mu sync.Mutex
	ch chan struct{}
}

// NewSignal returns a signal nobody has raised yet.
func NewSignal() *Signal { return &Signal{ch: make(chan struct{})} }

// Raise wakes everyone waiting now.
func (s *Signal) Raise() {
	s.mu.Lock()
	close(s.ch)
	s.ch = make(chan struct{})
	s.mu.Unlock()
}

// Wait returns a channel that is closed at the next Raise.
func (s *Signal) Wait() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ch
}
