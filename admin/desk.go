// Package admin is the console where agency staff work. Desk holds what staff do to
// an appeal — answer it, change its status — each in one transaction with the message
// that tells her, so she hears of it exactly when it happened. The web pages come on
// top of it.
package admin

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strings"
	"unicode/utf8"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/bot"
	"github.com/azizayol/azizayol/dialogs"
	"github.com/azizayol/azizayol/locales"
)

// DB runs a unit of work in one transaction (postgres.DB).
type DB interface {
	Do(ctx context.Context, fn func(azizayol.Tx) error) error
}

// Desk is the staff's work on appeals.
type Desk struct {
	db     DB
	queued func(userID int64) // replies were queued for her: wake the senders
	now    azizayol.Clock
}

// NewDesk returns the desk; queued is told whose messages were queued.
func NewDesk(db DB, queued func(userID int64), now azizayol.Clock) *Desk {
	return &Desk{db: db, queued: queued, now: now}
}

// MaxAnswer is the longest answer, in characters: it reaches her in a few messages.
const MaxAnswer = 8000

// Errors of the desk, for the console to explain.
var (
	ErrEmptyAnswer   = errors.New("the text is empty")
	ErrAnswerTooLong = fmt.Errorf("the answer is over %d characters", MaxAnswer)
)

// Actor is who does something at the desk, and from where (for the audit log).
type Actor struct {
	azizayol.Staff
	Addr string
}

// Answer records an agency's answer to an appeal and sends it to her on the channel
// she used, in her language, with a button that opens the appeal. Her messages carry
// the answer's id, so the console shows what became of them.
func (d *Desk) Answer(ctx context.Context, by Actor, appealID int64, text string) error {
	text, err := checkText(text)
	if err != nil {
		return err
	}
	return d.change(ctx, by, appealID, "answer", "", func(tx azizayol.Tx, a azizayol.Appeal) ([]azizayol.Outbound, error) {
		id, err := tx.AddAppealMessage(ctx, azizayol.AppealMessage{
			AppealID: a.ID, Author: azizayol.ByAgency, Staff: by.Name, Text: text, Created: d.now(),
		})
		if err != nil {
			return nil, err
		}
		if err := tx.SetAppealStatus(ctx, a.ID, azizayol.Answered); err != nil {
			return nil, err
		}
		msg, err := notice(a, "notice.answer", map[string]any{"Text": text})
		msg.AppealMessage = id
		return []azizayol.Outbound{msg}, err
	})
}

// SetStatus moves an appeal to in progress or closed, and tells her.
func (d *Desk) SetStatus(ctx context.Context, by Actor, appealID int64, status azizayol.AppealStatus) error {
	if status != azizayol.InProgress && status != azizayol.Closed {
		return fmt.Errorf("admin: staff cannot set status %q", status)
	}
	return d.change(ctx, by, appealID, "status", string(status), func(tx azizayol.Tx, a azizayol.Appeal) ([]azizayol.Outbound, error) {
		if a.Status == status {
			return nil, nil
		}
		return d.moveTo(ctx, tx, a, status)
	})
}

func (d *Desk) moveTo(ctx context.Context, tx azizayol.Tx, a azizayol.Appeal, status azizayol.AppealStatus) ([]azizayol.Outbound, error) {
	if err := tx.SetAppealStatus(ctx, a.ID, status); err != nil {
		return nil, err
	}
	a.Status = status
	msg, err := notice(a, "notice.status", nil)
	return []azizayol.Outbound{msg}, err
}

// Take makes her the one who works on the appeal; a received appeal is then in
// progress, and the woman is told.
func (d *Desk) Take(ctx context.Context, by Actor, appealID int64) error {
	return d.change(ctx, by, appealID, "take", "", func(tx azizayol.Tx, a azizayol.Appeal) ([]azizayol.Outbound, error) {
		if err := tx.Assign(ctx, a.ID, by.ID); err != nil {
			return nil, err
		}
		if a.Status != azizayol.Received {
			return nil, nil
		}
		return d.moveTo(ctx, tx, a, azizayol.InProgress)
	})
}

// Note adds an internal note to the thread: staff see it, she never does.
func (d *Desk) Note(ctx context.Context, by Actor, appealID int64, text string) error {
	text, err := checkText(text)
	if err != nil {
		return err
	}
	return d.change(ctx, by, appealID, "note", "", func(tx azizayol.Tx, a azizayol.Appeal) ([]azizayol.Outbound, error) {
		_, err := tx.AddAppealMessage(ctx, azizayol.AppealMessage{
			AppealID: a.ID, Author: azizayol.ByStaffNote, Staff: by.Name, Text: text, Created: d.now(),
		})
		return nil, err
	})
}

// ErrNoReason: a transfer says why.
var ErrNoReason = errors.New("a transfer needs a reason")

// ErrSameAgency: the appeal is already with that agency.
var ErrSameAgency = errors.New("the appeal is already with that agency")

// Transfer hands the appeal to another agency with a reason; it arrives there
// unassigned, and she is told who answers now.
func (d *Desk) Transfer(ctx context.Context, by Actor, appealID int64, to azizayol.Agency, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return ErrNoReason
	}
	if utf8.RuneCountInString(reason) > 1000 {
		return ErrAnswerTooLong
	}
	// The audit names the agency only: the reason may repeat her words, and the audit
	// log outlives them.
	return d.change(ctx, by, appealID, "transfer", to.Code, func(tx azizayol.Tx, a azizayol.Appeal) ([]azizayol.Outbound, error) {
		if a.Agency.ID == to.ID {
			return nil, ErrSameAgency
		}
		if err := tx.Transfer(ctx, a.ID, to.ID, reason, by.Name); err != nil {
			return nil, err
		}
		a.Agency = to
		msg, err := notice(a, "notice.transfer", nil)
		return []azizayol.Outbound{msg}, err
	})
}

func checkText(text string) (string, error) {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return "", ErrEmptyAnswer
	case !utf8.ValidString(text):
		return "", ErrEmptyAnswer
	case utf8.RuneCountInString(text) > MaxAnswer:
		return "", ErrAnswerTooLong
	}
	return text, nil
}

// change runs fn on an open appeal in her scope, locked, records the action in the
// audit log and queues what fn returns for the woman, all in one transaction. An
// appeal outside her scope is ErrNotFound, as if it did not exist; a withdrawn or
// closed one is refused with ErrAppealClosed.
func (d *Desk) change(ctx context.Context, by Actor, appealID int64, action, detail string, fn func(azizayol.Tx, azizayol.Appeal) ([]azizayol.Outbound, error)) error {
	var notified int64
	err := d.db.Do(ctx, func(tx azizayol.Tx) error {
		a, u, err := tx.AppealForUpdate(ctx, appealID)
		if err != nil {
			return err
		}
		if !by.Sees(a.Agency.ID, a.RegionCode) {
			return fmt.Errorf("appeal %d is outside the scope of %s: %w", appealID, by.Email, azizayol.ErrNotFound)
		}
		if !a.Status.Open() {
			return fmt.Errorf("appeal %s: %w", a.Number, azizayol.ErrAppealClosed)
		}
		if u.Lang != "" {
			a.Lang = u.Lang // she may have changed her language since
		}
		msgs, err := fn(tx, a)
		if err != nil {
			return err
		}
		if err := tx.Audit(ctx, azizayol.AuditEntry{
			StaffID: by.ID, Email: by.Email, Action: action, AppealID: a.ID, Detail: detail, Addr: by.Addr,
		}); err != nil {
			return err
		}
		if len(msgs) == 0 || u.ID == 0 {
			return nil
		}
		if u.Privacy.Discreet {
			// What her lock screen shows says only that there is a message; the answer
			// is behind the button.
			text, err := locales.Text(a.Lang, "notice.discreet", nil)
			if err != nil {
				return err
			}
			for i := range msgs {
				msgs[i].Text = text
			}
		}
		notified = u.ID
		// A long answer reaches her in several messages (by SMS, of three segments at
		// most), the button under the last.
		return tx.Enqueue(ctx, u, bot.SplitFor(u, msgs...)...)
	})
	if err != nil {
		return fmt.Errorf("admin: %s appeal %d: %w", action, appealID, err)
	}
	if notified != 0 {
		d.queued(notified)
	}
	return nil
}

// notice is the message that tells her of her appeal, in her language, with the
// button that opens it. Values are escaped: the answer is the staff's words.
func notice(a azizayol.Appeal, id string, data map[string]any) (azizayol.Outbound, error) {
	lang := a.Lang
	open := "notice.open"
	if a.Channel == azizayol.SMS {
		// An SMS cannot be recalled: it says only that there is news — no topic, no
		// agency, not the answer. She reads it by answering "1" (bot/reply.go).
		if locales.Has(lang, id+"_sms") {
			id += "_sms"
		}
		open += "_sms"
	}
	fill := map[string]any{
		"Number": a.Number, "Agency": html.EscapeString(a.Agency.Names.In(lang)),
		"Status": "",
	}
	status, err := locales.Text(lang, "status."+string(a.Status), nil)
	if err != nil {
		return azizayol.Outbound{}, err
	}
	fill["Status"] = status
	for k, v := range data {
		if s, ok := v.(string); ok {
			v = html.EscapeString(s)
		}
		fill[k] = v
	}
	text, err := locales.Text(lang, id, fill)
	if err != nil {
		return azizayol.Outbound{}, err
	}
	label, err := locales.Text(lang, open, nil)
	if err != nil {
		return azizayol.Outbound{}, err
	}
	return azizayol.Outbound{
		Text:    text,
		Buttons: [][]azizayol.Button{{{Label: label, Data: dialogs.AppealButton(a.ID)}}},
		Notice:  true,
	}, nil
}
