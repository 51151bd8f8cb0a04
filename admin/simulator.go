package admin

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/azizayol/azizayol"
)

// The simulator lets staff (and newcomers in training) talk to the bot as a woman
// would, through the same inbox, dialogs and outbox as Telegram: what they file lands
// in the inbox like any appeal, marked with the simulator channel. Its channel keeps
// the conversation in Redis, so any instance can send to it.

// SimFeed keeps simulator conversations (redis.Client).
type SimFeed interface {
	SimAppend(ctx context.Context, conversation string, entry []byte) error
	SimHistory(ctx context.Context, conversation string) ([][]byte, error)
	SimClear(ctx context.Context, conversation string) error
	SimListen(ctx context.Context, conversation string, fn func()) error
}

// Inbox stores what is said in the simulator (postgres.DB).
type Inbox interface {
	StoreInbox(ctx context.Context, entries ...azizayol.InboxEntry) (int, error)
}

// Simulator is the simulator channel and its page's back end.
type Simulator struct {
	feed   SimFeed
	inbox  Inbox
	stored func(userKeys ...string)
}

// NewSimulator returns the simulator; stored is told of what was stored.
func NewSimulator(feed SimFeed, inbox Inbox, stored func(userKeys ...string)) *Simulator {
	return &Simulator{feed: feed, inbox: inbox, stored: stored}
}

// simEntry is one message of a simulator conversation, either way.
type simEntry struct {
	ID      int                 `json:"id"`
	FromBot bool                `json:"bot,omitempty"`
	Text    string              `json:"text"`
	Buttons [][]azizayol.Button `json:"buttons,omitempty"`
	Ask     azizayol.Ask        `json:"ask,omitempty"`
	Data    string              `json:"data,omitempty"` // a pressed button's data
	At      time.Time           `json:"at"`
}

// Name is the channel's name.
func (s *Simulator) Name() azizayol.Channel { return azizayol.Simulator }

// Parse reads what was said in the simulator: a /command, a pressed button, or text.
func (s *Simulator) Parse(payload []byte) (string, azizayol.Inbound, error) {
	var e struct {
		Conversation string `json:"conversation"`
		simEntry
	}
	if err := json.Unmarshal(payload, &e); err != nil {
		return "", azizayol.Inbound{}, fmt.Errorf("simulator: decode: %w: %w", err, azizayol.ErrUnreadable)
	}
	in := azizayol.Inbound{Kind: azizayol.KindText, Text: e.Text, MessageID: e.ID}
	switch {
	case e.Data != "":
		in = azizayol.Inbound{Kind: azizayol.KindButton, Data: e.Data, MessageID: e.ID}
	case strings.HasPrefix(e.Text, "/"):
		cmd, rest, _ := strings.Cut(strings.TrimPrefix(e.Text, "/"), " ")
		in = azizayol.Inbound{Kind: azizayol.KindCommand, Command: strings.ToLower(cmd), Text: strings.TrimSpace(rest)}
	}
	return e.Conversation, in, nil
}

// Send adds the bot's message to the conversation. An edit is shown as a new message.
func (s *Simulator) Send(ctx context.Context, om azizayol.OutboxMessage) (string, error) {
	m := om.Message
	if m.Text == "" {
		return "", nil // an acknowledgement alone
	}
	e := simEntry{ID: int(om.ID), FromBot: true, Text: m.PlainText(), Buttons: m.Buttons, Ask: m.Ask, At: time.Now()}
	body, _ := json.Marshal(e)
	if err := s.feed.SimAppend(ctx, om.Address, body); err != nil {
		return "", err
	}
	return strconv.FormatInt(om.ID, 10), nil
}

// say stores what she said in the simulator as an inbox entry, like a Telegram update.
func (s *Simulator) say(ctx context.Context, conversation string, e simEntry) error {
	e.At = time.Now()
	e.ID = int(e.At.UnixNano() % 1e9)
	shown := e
	if e.Data != "" {
		shown.Text = "[" + e.Text + "]"
	}
	body, _ := json.Marshal(shown)
	if err := s.feed.SimAppend(ctx, conversation, body); err != nil {
		return err
	}
	payload, _ := json.Marshal(struct {
		Conversation string `json:"conversation"`
		simEntry
	}{conversation, e})
	entry := azizayol.InboxEntry{
		Channel: azizayol.Simulator, ExternalID: conversation + "-" + strconv.FormatInt(e.At.UnixNano(), 10),
		UserKey: "simulator:" + conversation, Payload: payload,
	}
	if _, err := s.inbox.StoreInbox(ctx, entry); err != nil {
		return fmt.Errorf("simulator: store: %w", err)
	}
	s.stored(entry.UserKey)
	return nil
}

const simCookie = "aa_sim"

// conversation is her current simulator conversation: one per staff member and
// browser, started afresh with "restart".
func conversation(r *http.Request, me azizayol.Staff) string {
	prefix := "staff" + strconv.FormatInt(me.ID, 10) + "-"
	if ck, err := r.Cookie(simCookie); err == nil && strings.HasPrefix(ck.Value, prefix) && len(ck.Value) < 64 {
		return ck.Value
	}
	return ""
}

func (c *Console) newConversation(w http.ResponseWriter, me azizayol.Staff) string {
	b := make([]byte, 6)
	rand.Read(b)
	conv := "staff" + strconv.FormatInt(me.ID, 10) + "-" + hex.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: simCookie, Value: conv, Path: Prefix + "/simulator",
		HttpOnly: true, Secure: c.cfg.SecureCookies, SameSite: http.SameSiteStrictMode})
	return conv
}

type simData struct {
	Entries []simEntry
}

func (c *Console) simEntries(r *http.Request, conv string) ([]simEntry, error) {
	if conv == "" {
		return nil, nil
	}
	raw, err := c.cfg.Simulator.feed.SimHistory(r.Context(), conv)
	if err != nil {
		return nil, err
	}
	entries := make([]simEntry, 0, len(raw))
	for _, b := range raw {
		var e simEntry
		if json.Unmarshal(b, &e) == nil {
			entries = append(entries, e)
		}
	}
	return entries, nil
}

func (c *Console) simulatorPage(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	entries, err := c.simEntries(r, conversation(r, me))
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	d := simData{Entries: entries}
	if r.Header.Get("X-Partial") == "simulator" {
		c.partial(w, r, me, "simulator", "chat", d)
		return
	}
	c.page(w, r, me, "simulator", http.StatusOK, d)
}

// simulatorSay stores what she typed or pressed and waits a moment for the bot's
// answer, so the page shown next has it even without script.
func (c *Console) simulatorSay(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	ctx := r.Context()
	conv := conversation(r, me)
	if conv == "" {
		conv = c.newConversation(w, me)
	}
	e := simEntry{Text: strings.TrimSpace(r.FormValue("text")), Data: r.FormValue("data")}
	if !utf8.ValidString(e.Text) || (e.Text == "" && e.Data == "") || utf8.RuneCountInString(e.Text) > 4096 {
		http.Redirect(w, r, Prefix+"/simulator", http.StatusSeeOther)
		return
	}
	if e.Data != "" {
		e.Text = r.FormValue("label")
	}
	answered := make(chan struct{}, 1)
	wait, stop := context.WithTimeout(ctx, 5*time.Second)
	defer stop()
	if err := c.cfg.Simulator.feed.SimListen(wait, conv, func() {
		select {
		case answered <- struct{}{}:
		default:
		}
	}); err != nil {
		c.failed(w, r, me, err)
		return
	}
	if err := c.cfg.Simulator.say(ctx, conv, e); err != nil {
		c.failed(w, r, me, err)
		return
	}
	// The first notice is her own line; then the bot's messages, which come in a burst.
	quiet := time.NewTimer(5 * time.Second)
	for got := 0; ; {
		select {
		case <-answered:
			got++
			if got >= 2 {
				quiet.Reset(400 * time.Millisecond)
			}
			continue
		case <-quiet.C:
		case <-wait.Done():
		}
		break
	}
	http.Redirect(w, r, Prefix+"/simulator#end", http.StatusSeeOther)
}

func (c *Console) simulatorRestart(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	if conv := conversation(r, me); conv != "" {
		if err := c.cfg.Simulator.feed.SimClear(r.Context(), conv); err != nil {
			slog.Error("simulator clear", "err", err)
		}
	}
	c.newConversation(w, me)
	http.Redirect(w, r, Prefix+"/simulator", http.StatusSeeOther)
}

// simulatorEvents tells the page when the conversation grows (a late answer, a reply
// from the agency), so it can fetch it again.
func (c *Console) simulatorEvents(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	flusher, ok := w.(http.Flusher)
	conv := conversation(r, me)
	if !ok || conv == "" {
		http.Error(w, "no conversation", http.StatusNoContent)
		return
	}
	grew := make(chan struct{}, 1)
	if err := c.cfg.Simulator.feed.SimListen(r.Context(), conv, func() {
		select {
		case grew <- struct{}{}:
		default:
		}
	}); err != nil {
		c.failed(w, r, me, err)
		return
	}
	stream(c, w, r, flusher, grew, func(struct{}) string { return "event: message\ndata: 1\n\n" })
}
