package bot

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/locales"
)

// GiveUpAfter is how many times an entry is tried before she is told something went
// wrong and the entry is left, with its error, for people to look at.
const GiveUpAfter = 5

// Inbox is the stored updates, as the processor takes them.
type Inbox interface {
	ProcessNext(ctx context.Context, channels []azizayol.Channel, userKey string, fn func(context.Context, azizayol.Tx, azizayol.InboxEntry) error) (bool, error)
}

// Engine runs the dialogs (dialogs.Engine).
type Engine interface {
	Handle(ctx context.Context, store azizayol.Store, u azizayol.User, sess *azizayol.Session, in azizayol.Inbound) (*azizayol.Session, []azizayol.Outbound, error)
	// MatchCrisis matches text with the crisis words the dialogs use (the database's,
	// which super-admins edit): an SMS after STOP is answered outside the dialogs.
	MatchCrisis(text string) (entry string, ok bool)
}

// Processor turns stored updates into dialog steps and queued replies.
type Processor struct {
	inbox    Inbox
	sessions azizayol.SessionStore
	engine   Engine
	channels map[azizayol.Channel]Channel
	names    []azizayol.Channel
	hints    chan string        // keys of users whose updates were just stored here
	wake     *Signal            // raised when updates were stored elsewhere
	queued   func(userID int64) // called when replies to her are committed to the outbox
	poll     time.Duration

	steps    *prometheus.CounterVec
	duration prometheus.Histogram
}

// NewProcessor returns a processor; wake is raised when updates were stored by
// another instance, queued is called after replies are committed to the outbox.
func NewProcessor(inbox Inbox, sessions azizayol.SessionStore, engine Engine, channels []Channel, wake *Signal, queued func(userID int64), reg prometheus.Registerer) *Processor {
	p := &Processor{
		inbox: inbox, sessions: sessions, engine: engine, wake: wake, queued: queued,
		hints:    make(chan string, 4096),
		channels: map[azizayol.Channel]Channel{},
		poll:     time.Second,
		steps: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "azizayol_inbox_processed_total", Help: "Inbox entries processed, by result.",
		}, []string{"result"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "azizayol_dialog_step_seconds", Help: "Time to process one inbox entry.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}),
	}
	for _, c := range channels {
		p.channels[c.Name()] = c
		p.names = append(p.names, c.Name())
	}
	reg.MustRegister(p.steps, p.duration)
	return p
}

// Run processes entries with n workers until ctx ends.
func (p *Processor) Run(ctx context.Context, n int) {
	workers(ctx, n, p.hints, p.wake, p.poll, p.drain)
}

// Received tells the workers whose updates this instance has just stored: a worker
// takes that woman's entries directly, without scanning the inbox.
func (p *Processor) Received(userKeys ...string) {
	for _, k := range userKeys {
		hint(p.hints, p.wake, k)
	}
}

// drain processes the due entries of one user (or of anyone) until none is left.
func (p *Processor) drain(ctx context.Context, userKey string) {
	for ctx.Err() == nil {
		start := time.Now()
		var replied int64 // the user answered, if any
		found, err := p.inbox.ProcessNext(ctx, p.names, userKey, func(ctx context.Context, tx azizayol.Tx, e azizayol.InboxEntry) error {
			return p.process(ctx, tx, e, &replied)
		})
		if err != nil {
			if ctx.Err() == nil {
				slog.Error("processing an inbox entry failed", "err", err)
				p.steps.WithLabelValues("error").Inc()
			}
			return
		}
		if !found {
			return
		}
		p.duration.Observe(time.Since(start).Seconds())
		p.steps.WithLabelValues("ok").Inc()
		if replied != 0 {
			p.queued(replied)
		}
	}
}

// process handles one entry inside its transaction; replied is set to the user it
// queued replies for.
func (p *Processor) process(ctx context.Context, tx azizayol.Tx, e azizayol.InboxEntry, replied *int64) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	ch := p.channels[e.Channel] // claims ask only for the channels this instance reads
	address, in, err := ch.Parse(e.Payload)
	if err != nil {
		// Kept in the inbox as it came, with the reason; nothing can be answered to an
		// update we cannot read.
		slog.Error("unreadable inbox entry", "entry", e.ID, "channel", e.Channel, "err", err)
		return fmt.Errorf("%w: %v", azizayol.ErrUnreadable, err)
	}
	if in.Kind == azizayol.KindIgnored {
		return nil
	}
	u, err := tx.User(ctx, e.Channel, address)
	if err != nil {
		return err
	}
	switch {
	case in.Kind == azizayol.KindBlocked:
		return tx.SetBlocked(ctx, u.ID, true)
	case in.Kind == azizayol.KindUnblocked:
		return tx.SetBlocked(ctx, u.ID, false)
	case u.Blocked:
		// She writes to us, so she can read us again.
		if err := tx.SetBlocked(ctx, u.ID, false); err != nil {
			return err
		}
		u.Blocked = false
	}
	if e.Channel == azizayol.Telegram && in.MessageID != 0 && in.Kind != azizayol.KindButton {
		// Her own message, kept so that clearing the chat (or her sweep) deletes it too;
		// a pressed button belongs to our message, kept when it was sent.
		if err := tx.TrackMessages(ctx, u.ID, []int{in.MessageID}, time.Now()); err != nil {
			return err
		}
	}
	var first []azizayol.Outbound // said before the dialog's replies
	started := false              // she sent START after a STOP
	switch {
	case in.Kind == azizayol.KindOptOut && u.OptedOut:
		return nil // confirmed the first time
	case in.Kind == azizayol.KindOptOut:
		*replied = u.ID
		return optOut(ctx, tx, u, in)
	case in.Kind == azizayol.KindOptIn:
		if u.OptedOut {
			if err := tx.SetOptedOut(ctx, u.ID, false); err != nil {
				return err
			}
			started = true
			u.OptedOut = false
			text, err := locales.Text(u.FirstLang(in.LangHint), "sms.started", nil)
			if err != nil {
				return err
			}
			first = append(first, azizayol.Outbound{Text: text})
		}
		// Where she can choose: the menu (or, at first contact, the languages).
		in = azizayol.Inbound{Kind: azizayol.KindText, Text: "menu", LangHint: in.LangHint}
	case u.OptedOut:
		// Nothing is sent after her STOP but what she asks for: the hotline numbers,
		// when she writes of danger. Her session stays as it was.
		*replied = u.ID
		return optedOut(ctx, tx, u, in, p.engine)
	case in.Kind == azizayol.KindContact:
		// Her own contact, shared with Telegram's button: her phone, vouched for.
		if err := tx.SetPhone(ctx, u.ID, in.Phone); err != nil {
			return err
		}
	}
	// By SMS a number may answer the last SMS she got: "1" under an agency's notice
	// opens her appeal, whatever step she is at.
	if in, err = answerToNotice(ctx, tx, u, in); err != nil {
		return err
	}

	before, err := p.sessions.Load(ctx, u.ID, e.ID)
	if err != nil {
		return err // Redis is away: try again later, however long it takes
	}
	current := before // the session the dialog starts from
	if l, ok := otherScript(u, in); ok {
		// On SMS she gets the alphabet she writes in: Uzbek in Cyrillic after Latin,
		// or in Latin after Cyrillic, is her choice of script.
		if err := tx.SetLanguage(ctx, u.ID, l); err != nil {
			return err
		}
		u.Lang = l
		if before != nil {
			s := *before
			s.Lang = l
			current = &s
		}
	}
	var (
		after   *azizayol.Session
		replies []azizayol.Outbound
	)
	dialog := func(tx azizayol.Tx) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic in a dialog: %v\n%s", r, debug.Stack())
			}
		}()
		after, replies, err = p.engine.Handle(ctx, tx, u, current, in)
		return err
	}
	if e.Attempts+1 < GiveUpAfter {
		if err := dialog(tx); err != nil {
			return err // tried again later, with backoff
		}
	} else if err := tx.Try(ctx, dialog); err != nil {
		// The dialog keeps failing on this message: undo what it did, tell her,
		// keep her where she was, and leave the entry's error for people to see.
		slog.Error("giving up on an inbox entry", "entry", e.ID, "user", u.ID, "attempts", e.Attempts+1, "err", err)
		after, replies = before, []azizayol.Outbound{apology(u, before)}
	}
	msgs := append(first, SplitFor(u, replies...)...)
	if err := tx.Enqueue(ctx, u, acknowledged(in.Ack, msgs)...); err != nil {
		return err
	}
	if started {
		// What the agencies sent her meanwhile comes now, after the menu.
		if _, err := tx.RequeueNotices(ctx, u.ID); err != nil {
			return err
		}
	}
	*replied = u.ID
	// Saved last, just before the commit; if the commit fails the entry runs again
	// from the session as it was before (see azizayol.SessionStore).
	return p.sessions.Save(ctx, u.ID, e.ID, before, after)
}

// acknowledged carries the acknowledgement of a pressed button with the first reply,
// so one outbox message does both; with no reply it goes alone.
func acknowledged(ack string, msgs []azizayol.Outbound) []azizayol.Outbound {
	if ack == "" {
		return msgs
	}
	if len(msgs) == 0 {
		return []azizayol.Outbound{{Ack: ack}}
	}
	msgs[0].Ack = ack
	return msgs
}

// optOut records her STOP and confirms it, once, with the way back and the hotline.
func optOut(ctx context.Context, tx azizayol.Tx, u azizayol.User, in azizayol.Inbound) error {
	if err := tx.SetOptedOut(ctx, u.ID, true); err != nil {
		return err
	}
	text, err := locales.Text(u.FirstLang(in.LangHint), "sms.stopped", nil)
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, u, azizayol.Outbound{Text: text, Lang: u.FirstLang(in.LangHint), Always: true})
}

// optedOut answers a woman who sent STOP only when she writes of danger. No crisis
// case is opened: nothing would reach her until her START.
func optedOut(ctx context.Context, tx azizayol.Tx, u azizayol.User, in azizayol.Inbound, engine Engine) error {
	if _, danger := engine.MatchCrisis(in.Text); !danger {
		return nil
	}
	text, err := locales.Text(u.FirstLang(in.LangHint), "sms.hotline", nil)
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, u, azizayol.Outbound{Text: text, Lang: u.FirstLang(in.LangHint), Always: true})
}

// otherScript reports the Uzbek script an SMS is written in when it is not the one
// of her language: Cyrillic from a woman reading Uzbek Latin, Latin from one reading
// Uzbek Cyrillic. A number, a keyword or a word or two says nothing of her choice.
func otherScript(u azizayol.User, in azizayol.Inbound) (azizayol.Lang, bool) {
	if u.Channel != azizayol.SMS || in.Kind != azizayol.KindText || len(strings.Fields(in.Text)) < 3 {
		return "", false
	}
	switch hint, _ := azizayol.ParseLang(in.LangHint); {
	case u.Lang == azizayol.UzLatn && (hint == azizayol.UzCyrl || hint == azizayol.Ru):
		return azizayol.UzCyrl, true // an Uzbek woman writing Cyrillic writes Uzbek
	case u.Lang == azizayol.UzCyrl && hint == azizayol.UzLatn:
		return azizayol.UzLatn, true
	}
	return "", false
}

func apology(u azizayol.User, sess *azizayol.Session) azizayol.Outbound {
	lang := u.FirstLang("")
	if sess != nil && sess.Lang != "" {
		lang = sess.Lang
	}
	text, err := locales.Text(lang, "input.error", nil)
	if err != nil {
		slog.Error("apology text missing", "err", err)
	}
	return azizayol.Outbound{Text: text}
}
