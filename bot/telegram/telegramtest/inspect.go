package telegramtest

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"
)

// Messages returns the bot's messages currently in the chat (deleted ones
// excluded), in message id order, with their current text and keyboard.
func (s *Server) Messages(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.chats[chatID].messagesByID() {
		if m.cur.FromBot && !m.cur.Deleted {
			out = append(out, copyMessage(m.cur))
		}
	}
	return out
}

// Message returns the current state of any message in the chat — the bot's
// or the user's, deleted or not.
func (s *Server) Message(chatID int64, messageID int) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil || c.messages[messageID] == nil {
		return Message{}, false
	}
	return copyMessage(c.messages[messageID].cur), true
}

// Sent returns every successful sendMessage to the chat in call order,
// including messages deleted since. Text and keyboards are as originally
// sent; Edited and Deleted tell what happened to the message afterwards.
func (s *Server) Sent(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sentLocked(chatID)
}

func (s *Server) sentLocked(chatID int64) []Message {
	c := s.chats[chatID]
	if c == nil {
		return nil
	}
	out := make([]Message, 0, len(c.sent))
	for _, m := range c.sent {
		msg := copyMessage(m.original)
		msg.Edited, msg.Deleted = m.cur.Edited, m.cur.Deleted
		out = append(out, msg)
	}
	return out
}

func (c *chatState) messagesByID() []*storedMessage {
	if c == nil {
		return nil
	}
	out := make([]*storedMessage, 0, len(c.messages))
	for _, m := range c.messages {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].cur.ID < out[j].cur.ID })
	return out
}

func copyMessage(m Message) Message {
	if m.Keyboard != nil {
		m.Keyboard = (&inlineKeyboard{rows: m.Keyboard}).buttons()
	}
	if m.ReplyKeyboard != nil {
		rows := make([][]string, len(m.ReplyKeyboard))
		for i, row := range m.ReplyKeyboard {
			rows[i] = append([]string(nil), row...)
		}
		m.ReplyKeyboard = rows
	}
	return m
}

// AllChats returns the ids of all chats the fake knows: chats of simulated
// users and chats the bot wrote to, in ascending order.
func (s *Server) AllChats() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int64, 0, len(s.chats))
	for id := range s.chats {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// Calls returns how many requests for method the server received, whatever
// their outcome. Method names are case-insensitive.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[strings.ToLower(method)]
}

// Errors returns every error answer given so far, as
// "<method>: <code> <description>", oldest first.
func (s *Server) Errors() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.errors...)
}

// Answered reports whether the bot answered the callback query.
func (s *Server) Answered(callbackID string) bool {
	_, ok := s.CallbackAnswer(callbackID)
	return ok
}

// CallbackAnswer returns the bot's answer to the callback query, if any.
func (s *Server) CallbackAnswer(callbackID string) (CallbackAnswer, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cb := s.callbacks[callbackID]
	if cb == nil || !cb.answered {
		return CallbackAnswer{}, false
	}
	return cb.answer, true
}

// WaitFor waits until cond returns true, re-checking on every change of the
// fake's state and at least every 10 ms (cond may look at other state, such
// as a database). After timeout it fails the test with what and the API
// errors the bot got. Call it from the test goroutine.
func (s *Server) WaitFor(t testing.TB, timeout time.Duration, cond func() bool, what string) {
	t.Helper()
	if !s.waitUntil(timeout, cond) {
		t.Fatalf("telegramtest: timed out after %v waiting for %s%s", timeout, what, s.errorsReport())
	}
}

// WaitSent waits until at least n messages were sent to the chat (see Sent)
// and returns them all. After timeout it fails the test, listing what did
// arrive. Call it from the test goroutine.
func (s *Server) WaitSent(t testing.TB, chatID int64, n int, timeout time.Duration) []Message {
	t.Helper()
	var sent []Message
	ok := s.waitUntil(timeout, func() bool {
		sent = s.Sent(chatID)
		return len(sent) >= n
	})
	if !ok {
		var b strings.Builder
		fmt.Fprintf(&b, "telegramtest: timed out after %v waiting for %d sent messages in chat %d; got %d", timeout, n, chatID, len(sent))
		for _, m := range sent {
			fmt.Fprintf(&b, "\n  #%d %q", m.ID, m.Text)
			for _, row := range m.Keyboard {
				fmt.Fprintf(&b, "\n      %v", row)
			}
		}
		t.Fatalf("%s%s", b.String(), s.errorsReport())
	}
	return sent
}

func (s *Server) waitUntil(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		changed := s.changedChan() // taken before cond so no change is missed
		if cond() {
			return true
		}
		remaining := time.Until(deadline)
		if remaining <= 0 {
			return false
		}
		select {
		case <-changed:
		case <-time.After(min(remaining, 10*time.Millisecond)):
		}
	}
}

// errorsReport lists the API errors returned so far, for failure messages.
func (s *Server) errorsReport() string {
	errs := s.Errors()
	if len(errs) == 0 {
		return ""
	}
	const maxShown = 20
	if len(errs) > maxShown {
		errs = errs[len(errs)-maxShown:]
	}
	return "\nAPI errors returned to the bot (latest last):\n  " + strings.Join(errs, "\n  ")
}
