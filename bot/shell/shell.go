// Package shell is a channel on a terminal: `azizayol shell` lets a developer or a
// trainer talk to the same dialogs, through the same inbox and outbox, with no
// Telegram. Buttons are shown numbered; she answers with the number or the words.
package shell

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/azizayol/azizayol"
)

// Inbox stores what is typed (postgres.DB).
type Inbox interface {
	StoreInbox(ctx context.Context, entries ...azizayol.InboxEntry) (int, error)
}

// Shell is the terminal channel.
type Shell struct {
	mu  sync.Mutex
	out io.Writer
}

// New returns the channel printing to out (nil: it only reads stored entries).
func New(out io.Writer) *Shell { return &Shell{out: out} }

// Name is the channel's name.
func (s *Shell) Name() azizayol.Channel { return azizayol.Shell }

// line is what a stored terminal entry holds.
type line struct {
	Who  string `json:"who"`
	Text string `json:"text"`
}

// Read stores every line typed on in as an entry from who, until in ends or ctx does.
func Read(ctx context.Context, in io.Reader, who string, inbox Inbox, stored func(userKeys ...string)) error {
	scanner := bufio.NewScanner(in)
	scanner.Buffer(make([]byte, 64<<10), 1<<20)
	session := time.Now().UnixNano()
	for n := 0; scanner.Scan(); n++ {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		payload, _ := json.Marshal(line{Who: who, Text: scanner.Text()})
		e := azizayol.InboxEntry{
			Channel:    azizayol.Shell,
			ExternalID: fmt.Sprintf("%s-%d-%d", who, session, n),
			UserKey:    "shell:" + who,
			Payload:    payload,
		}
		if _, err := inbox.StoreInbox(ctx, e); err != nil {
			return fmt.Errorf("shell: store line: %w", err)
		}
		stored(e.UserKey)
	}
	return scanner.Err()
}

// Parse reads a stored line: a /command, or text.
func (s *Shell) Parse(payload []byte) (string, azizayol.Inbound, error) {
	var l line
	if err := json.Unmarshal(payload, &l); err != nil {
		return "", azizayol.Inbound{}, fmt.Errorf("shell: decode line: %w", err)
	}
	in := azizayol.Inbound{Kind: azizayol.KindText, Text: l.Text}
	if strings.HasPrefix(l.Text, "/") {
		cmd, rest, _ := strings.Cut(strings.TrimPrefix(l.Text, "/"), " ")
		in = azizayol.Inbound{Kind: azizayol.KindCommand, Command: strings.ToLower(cmd), Text: strings.TrimSpace(rest)}
	}
	return l.Who, in, nil
}

// Send prints a message: its text without markup, and its buttons numbered.
func (s *Shell) Send(_ context.Context, om azizayol.OutboxMessage) (string, error) {
	m := om.Message
	if m.Text == "" || s.out == nil {
		return "", nil
	}
	var b strings.Builder
	b.WriteString("\n" + m.PlainText() + "\n")
	n := 0
	for _, row := range m.Buttons {
		for _, btn := range row {
			n++
			fmt.Fprintf(&b, "  %d) %s\n", n, btn.Label)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := io.WriteString(s.out, b.String())
	return "", err
}
