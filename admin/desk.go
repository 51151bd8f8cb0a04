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
	ErrEmptyAnswer   = errors.New("the answer is empty")
	ErrAnswerTooLong = fmt.Errorf("the answer is over %d characters", MaxAnswer)
)

// Answer records an agency's answer to an appeal and sends it to her on the channel
// she used, in her language, with a button that opens the appeal. staff names who
// answered (kept for the console, never shown to her).
func (d *Desk) Answer(ctx context.Context, appealID int64, staff, text string) error {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return ErrEmptyAnswer
	case utf8.RuneCountInString(text) > MaxAnswer:
		return ErrAnswerTooLong
	}
	return d.change(ctx, appealID, func(tx azizayol.Tx, a azizayol.Appeal) ([]azizayol.Outbound, error) {
		err := tx.AddAppealMessage(ctx, azizayol.AppealMessage{
			AppealID: a.ID, Author: azizayol.ByAgency, Staff: staff, Text: text, Created: d.now(),
		})
		if err != nil {
			return nil, err
		}
		if err := tx.SetAppealStatus(ctx, a.ID, azizayol.Answered); err != nil {
			return nil, err
		}
		msg, err := notice(a, "notice.answer", map[string]any{"Text": text})
		return []azizayol.Outbound{msg}, err
	})
}

// SetStatus moves an appeal to in progress or closed, and tells her.
func (d *Desk) SetStatus(ctx context.Context, appealID int64, status azizayol.AppealStatus) error {
	if status != azizayol.InProgress && status != azizayol.Closed {
		return fmt.Errorf("admin: staff cannot set status %q", status)
	}
	return d.change(ctx, appealID, func(tx azizayol.Tx, a azizayol.Appeal) ([]azizayol.Outbound, error) {
		if a.Status == status {
			return nil, nil
		}
		if err := tx.SetAppealStatus(ctx, a.ID, status); err != nil {
			return nil, err
		}
		a.Status = status
		msg, err := notice(a, "notice.status", nil)
		return []azizayol.Outbound{msg}, err
	})
}

// change runs fn on an open appeal, locked, and queues what it returns for her, all in
// one transaction; a withdrawn or closed appeal is refused with ErrAppealClosed.
func (d *Desk) change(ctx context.Context, appealID int64, fn func(azizayol.Tx, azizayol.Appeal) ([]azizayol.Outbound, error)) error {
	var notified int64
	err := d.db.Do(ctx, func(tx azizayol.Tx) error {
		a, u, err := tx.AppealForUpdate(ctx, appealID)
		if err != nil {
			return err
		}
		if !a.Status.Open() {
			return fmt.Errorf("appeal %s: %w", a.Number, azizayol.ErrAppealClosed)
		}
		if u.Lang != "" {
			a.Lang = u.Lang // she may have changed her language since
		}
		msgs, err := fn(tx, a)
		if err != nil || len(msgs) == 0 {
			return err
		}
		notified = u.ID
		// A long answer reaches her in several messages (by SMS, of three segments at
		// most), the button under the last.
		return tx.Enqueue(ctx, u, bot.SplitFor(u, msgs...)...)
	})
	if err != nil {
		return fmt.Errorf("admin: appeal %d: %w", appealID, err)
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
	label, err := locales.Text(lang, "notice.open", nil)
	if err != nil {
		return azizayol.Outbound{}, err
	}
	return azizayol.Outbound{
		Text:    text,
		Buttons: [][]azizayol.Button{{{Label: label, Data: dialogs.AppealButton(a.ID)}}},
		Notice:  true,
	}, nil
}
