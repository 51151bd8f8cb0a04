package dialogs

import (
	"context"
	"fmt"
	"html"
	"strconv"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/locales"
)

// Turn is the handling of one message: what a dialog may read and do while it runs.
type Turn struct {
	ctx    context.Context
	engine *Engine
	store  azizayol.Store
	user   azizayol.User
	sess   *azizayol.Session
	out    []azizayol.Outbound
	in     Input

	now             time.Time
	next            string // a dialog to start after this event
	resumeRequested bool   // go back to where an interruption found her
	danger          bool   // her message has words of danger
	quiet           bool   // no prompt after this step: the emergency guidance follows
	refusedInput    bool   // the step refused what she sent
	inPlace         bool   // the prompt replaces the message whose button she pressed
	ended           bool   // her session ends with this message
	err             error
}

// Context is the context of the message being handled.
func (t *Turn) Context() context.Context { return t.ctx }

// Store changes records inside the message's transaction.
func (t *Turn) Store() azizayol.Store { return t.store }

// User is the woman who sent the message.
func (t *Turn) User() azizayol.User { return t.user }

// Input is what she sent, as the dialog's Event saw it (for callbacks).
func (t *Turn) Input() Input { return t.in }

// Now is the time the message is handled.
func (t *Turn) Now() time.Time { return t.now }

// Danger tells whether her message speaks of harm (violence, suicide, immediate
// danger): only a step that takes her own words is run with such a message, and the
// emergency guidance follows.
func (t *Turn) Danger() bool { return t.danger }

// End ends her session after this message: the next one starts afresh.
func (t *Turn) End() { t.ended = true }

// Lang is the language she reads.
func (t *Turn) Lang() azizayol.Lang { return t.sess.Lang }

// SetLang changes the language of this and every later message.
func (t *Turn) SetLang(l azizayol.Lang) { t.sess.Lang = l }

// Data is the dialog's own small state (kept in the session).
func (t *Turn) Data() map[string]string { return t.sess.Data }

// T returns a text in her language. String values in data are HTML-escaped: they may
// have come from her. By SMS, where every 70 Cyrillic or 160 Latin characters are one
// more SMS, the text's short variant "<id>_sms" is taken when the message files have
// one.
func (t *Turn) T(id string, data map[string]any) string {
	if t.sms() && locales.Has(t.sess.Lang, id+"_sms") {
		id += "_sms"
	}
	safe := make(map[string]any, len(data))
	for k, v := range data {
		if s, ok := v.(string); ok {
			v = html.EscapeString(s)
		}
		safe[k] = v
	}
	s, err := locales.Text(t.sess.Lang, id, safe)
	if err != nil {
		t.fail(err)
	}
	return s
}

// sms tells whether she writes by SMS: the texts are the short ones, her phone number
// is her address, and the navigation words are typed, not listed (the SMS greeting and
// menu name them once).
func (t *Turn) sms() bool { return t.user.Channel == azizayol.SMS }

// numbered tells whether her channel has no buttons (SMS, the terminal): options are
// typed by number, a long list comes in parts, and nothing can be shared (no contact,
// no location).
func (t *Turn) numbered() bool { return t.user.Channel.Numbered() }

// Say sends a text in her language before the next prompt.
func (t *Turn) Say(id string, data map[string]any) {
	t.out = append(t.out, azizayol.Outbound{Text: t.T(id, data)})
}

// SayHidingAsk is Say that also takes away a share-contact or share-location
// keyboard shown before.
func (t *Turn) SayHidingAsk(id string, data map[string]any) {
	t.out = append(t.out, azizayol.Outbound{Text: t.T(id, data), HideAsk: true})
}

// InPlace shows the next prompt in the message whose button she pressed, instead of
// a new one: pages of a list turn without flooding the chat.
func (t *Turn) InPlace() { t.inPlace = true }

// Go starts another dialog after this event.
func (t *Turn) Go(dialog string) { t.next = dialog }

// CanResume tells whether an interruption (emergency) left a place to go back to.
func (t *Turn) CanResume() bool { return t.sess.Return != nil }

// Resume takes her back, after this event, to where the interruption found her.
func (t *Turn) Resume() { t.resumeRequested = true }

// fail records the first error of the turn: the message is then not processed and will
// be tried again.
func (t *Turn) fail(err error) {
	if t.err == nil {
		t.err = err
	}
}

// button turns a choice into a button whose data names the step it belongs to.
func (t *Turn) button(c Choice) azizayol.Button {
	step := strconv.Itoa(t.sess.Step)
	if c.Value == choiceSOS || c.Value == choiceMenu || c.Value == choiceClear {
		step = anyStep
	}
	data := step + ":" + c.Value
	if len(data) > 64 { // Telegram's callback_data limit, in bytes
		t.fail(fmt.Errorf("dialogs: button data %q is over 64 bytes", data))
	}
	return azizayol.Button{Label: c.Label, Data: data}
}
