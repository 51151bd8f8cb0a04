// Package dialogs is the conversation engine and its dialogs, one file per dialog.
// A dialog is a looplab/fsm state machine; the engine restores it at the state stored
// in her session, turns what she sent into one of its events, fires it, and returns
// what she should see next. It knows nothing of Telegram or SMS: it takes an Inbound
// and returns Outbounds that each channel renders in its own way.
package dialogs

import (
	"context"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"maps"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/looplab/fsm"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/locales"
)

// MaxText is the longest message she may type, in characters. A longer one is asked to
// be shortened; Telegram's own limit is 4096.
const MaxText = 4000

// Dialog is one conversation: its state machine, what she sees in each state, and
// which event what she sent fires.
type Dialog interface {
	Name() string
	// Initial is the state the dialog starts in.
	Initial() string
	// Events is the state machine: every state is the source or destination of one.
	Events() fsm.Events
	// Callbacks act on transitions (enter_<state>, after_<event> …); they reach the
	// message being handled through t. Before and leave callbacks may cancel an event
	// with an InputError to refuse what she sent.
	Callbacks(t *Turn) fsm.Callbacks
	// Prompt is what she sees in a state.
	Prompt(t *Turn, state string) Prompt
	// Event turns what she sent in a state into an event to fire. "" fires nothing (the
	// dialog acted itself, e.g. with t.Go); an InputError answers her and asks again.
	Event(t *Turn, state string, in Input) (string, error)
}

// Prompt is what she sees in a state: a text and the options she has.
type Prompt struct {
	Text    string
	Choices [][]Choice // rows of buttons
	Ask     azizayol.Ask
	Nav     Nav // which navigation buttons to add below
	// Notice, when set, is sent as a message of its own before the prompt: by SMS a
	// text that would be over three SMS with the question and its options (the consent)
	// comes in two.
	Notice string
}

// WordsTaker is a dialog with steps that take her own words (a question, a
// description). Words of danger there still bring the emergency guidance at once,
// but her message is kept first, and the dialog hears of harm (Turn.Danger); what she
// writes next, while the guidance is shown, goes to the step too. Typed numbers are
// not taken for buttons there on Telegram, which has buttons: "3" may be part of what
// she says. On a numbered channel (SMS) a number alone is the option she sees.
type WordsTaker interface {
	TakesWords(state string) bool
}

// BackTaker is a dialog that decides itself where Back goes in some states; "" leaves
// it to the machine's "back" event.
type BackTaker interface {
	Back(t *Turn, state string) (event string)
}

// Choice is one button. Value is what the dialog gets back (short ASCII).
type Choice struct {
	Value string
	Label string
}

// Nav selects the navigation buttons under a prompt. The words and commands for them
// work in every step whether the buttons are shown or not. The emergency button is
// added under every prompt outside the menu and the emergency guidance.
type Nav struct {
	Back, Cancel, Menu bool
	// Clear offers clearing the chat (on Telegram) after a sensitive step: the
	// emergency guidance, her own words, the summary and consent, the menu she comes
	// back to after filing, an appeal and its answer. The words and /clear work in
	// every step anyway.
	Clear bool
}

// Input is what she sent, as the dialog sees it: the value of a chosen button (pressed,
// or typed as its label or number), or else the inbound itself.
type Input struct {
	Choice string
	azizayol.Inbound
}

// InputError refuses what she sent with a message id from locales; the engine says it
// and shows the same step again.
type InputError struct {
	ID   string
	Data map[string]any
}

func (e *InputError) Error() string { return "input refused: " + e.ID }

// Refuse returns an InputError.
func Refuse(id string, data map[string]any) error { return &InputError{ID: id, Data: data} }

// Engine runs the dialogs.
type Engine struct {
	dialogs map[string]Dialog
	crisis  Crisis
	idle    time.Duration
	now     azizayol.Clock
}

// Crisis recognises words of danger in a message: Match for anything that brings the
// emergency guidance (a request for help too), Harm for words of harm itself.
type Crisis interface {
	Match(text string) (entry string, ok bool)
	Harm(text string) bool
}

// Names of the dialogs the engine itself moves her to.
const (
	LanguageDialog  = "language"
	MenuDialog      = "menu"
	EmergencyDialog = "emergency"
	MyAppealsDialog = "my_appeals" // opened by the button under an agency's answer
)

// New returns an engine with the given dialogs. idle is how long a session lives
// without a message (told to her when she comes back); now tells the time.
func New(crisis Crisis, idle time.Duration, now azizayol.Clock, dialogs ...Dialog) (*Engine, error) {
	e := &Engine{dialogs: map[string]Dialog{}, crisis: crisis, idle: idle, now: now}
	for _, d := range dialogs {
		e.dialogs[d.Name()] = d
	}
	for _, name := range []string{LanguageDialog, MenuDialog, EmergencyDialog} {
		if e.dialogs[name] == nil {
			return nil, fmt.Errorf("dialogs: the %s dialog is missing", name)
		}
	}
	return e, nil
}

// Standard returns the engine with every dialog of the platform.
func Standard(crisis Crisis, idle time.Duration, now azizayol.Clock) *Engine {
	e, err := New(crisis, idle, now, Language{}, Menu{}, Emergency{}, Privacy{},
		Consultation(), Appeal(), MyAppeals{}, DeleteData{}, Courses{}, Vacancies{}, Info{})
	if err != nil {
		panic(err) // the list above is fixed: a test covers it
	}
	return e
}

// Handle takes what she sent and her session (nil if she has none) and returns her
// new session and the messages to send. Changes go through store, inside the
// transaction that records the message.
func (e *Engine) Handle(ctx context.Context, store azizayol.Store, u azizayol.User, sess *azizayol.Session, in azizayol.Inbound) (*azizayol.Session, []azizayol.Outbound, error) {
	fresh := sess == nil
	if fresh {
		sess = &azizayol.Session{Lang: u.FirstLang(in.LangHint)}
	} else {
		sess = cloneSession(sess)
		if d := e.dialogs[sess.Dialog]; d == nil || !hasState(d, sess.State) {
			// A place this version does not know (a session saved before a deploy
			// renamed it): she continues from the menu.
			menu := e.dialogs[MenuDialog]
			sess.Dialog, sess.State, sess.Data, sess.Return = menu.Name(), menu.Initial(), map[string]string{}, nil
		}
	}
	t := &Turn{ctx: ctx, engine: e, store: store, user: u, sess: sess, now: e.now()}
	e.handle(t, fresh, in)
	if t.err != nil {
		return nil, nil, t.err
	}
	if t.sess.Dialog == EmergencyDialog {
		// The emergency guidance is never held back (by the day's SMS cap).
		for i := range t.out {
			t.out[i].Always = true
		}
	}
	if t.ended {
		return nil, t.out, nil
	}
	return t.sess, t.out, nil
}

func (e *Engine) handle(t *Turn, fresh bool, in azizayol.Inbound) {
	text := in.Text
	// Emergency first: words of danger interrupt whatever she was doing, in any
	// language, in any step, in a caption too, even among unreadable bytes.
	if text != "" && in.Kind != azizayol.KindButton {
		if _, ok := e.crisis.Match(text); ok {
			e.danger(t, fresh, in)
			return
		}
	}
	if !utf8.ValidString(text) {
		t.Say("input.unreadable", nil)
		e.resume(t, fresh)
		return
	}
	if in.Kind == azizayol.KindCommand {
		e.command(t, fresh, in)
		return
	}
	if id, ok := globalButton(in, unsubscribePrefix); ok {
		// The button under a digest: one tap, in any step, also long after.
		e.unsubscribe(t, fresh, id)
		return
	}
	if id, ok := globalButton(in, appealPrefix); ok && e.dialogs[MyAppealsDialog] != nil {
		// The button under an agency's answer works in any step and after her
		// session expired: answers come days later. A draft she was writing is kept
		// to go back to.
		e.keepPlace(t)
		e.open(t, MyAppealsDialog, "view", map[string]string{"id": id})
		return
	}
	if id, ok := globalButton(in, broadcastPrefix); ok {
		// Told of a broadcast discreetly, she reads it when she chooses to.
		e.showBroadcast(t, fresh, id)
		return
	}
	if (in.Kind == azizayol.KindButton && in.Data == anyStep+":"+choiceClear) ||
		(in.Kind == azizayol.KindText && navWord(text) == choiceClear) {
		// Clearing the chat works in any step, from an old message, and after her
		// session expired (or after an earlier clear ended it).
		e.clear(t, fresh)
		return
	}
	if fresh {
		e.resume(t, true)
		return
	}
	if utf8.RuneCountInString(text) > MaxText {
		t.Say("input.too_long", map[string]any{"Length": utf8.RuneCountInString(text), "Max": MaxText})
		e.reprompt(t)
		return
	}

	choice, stale := e.choice(t, in)
	if stale {
		t.Say("input.stale_button", nil)
		e.reprompt(t)
		return
	}
	if choice == "" && (in.Kind == azizayol.KindText || in.Kind == azizayol.KindMedia) &&
		t.sess.Dialog == EmergencyDialog && e.toWordsStep(t) {
		// She goes on writing under the emergency guidance: her words belong to the
		// step the guidance interrupted, not to "press a button".
		e.step(t, Input{Inbound: in})
		return
	}
	if first, ok := strings.CutPrefix(choice, choiceMore); ok {
		// The next part of a long list: the same step, from that option on.
		t.sess.Data[keyOptions] = strconv.Itoa(t.sess.Step) + ":" + first
		e.reprompt(t)
		return
	}
	// Anything else she does starts a list at its first part again (a page turned in
	// the same step is a new list).
	delete(t.sess.Data, keyOptions)
	switch choice {
	case choiceSOS:
		e.interrupt(t)
		return
	case choiceClear:
		e.clear(t, false)
		return
	case choiceMenu:
		e.start(t, MenuDialog)
		return
	case choiceCancel:
		t.Say("nav.cancelled", nil)
		e.start(t, MenuDialog)
		return
	}
	e.step(t, Input{Choice: choice, Inbound: in})
}

// resume answers a message that cannot be taken as a step: a first message, one after
// the session expired, an unreadable one.
func (e *Engine) resume(t *Turn, fresh bool) {
	switch {
	case !fresh:
		e.reprompt(t)
	case t.user.Lang == "":
		// Her first message: greet her and let her choose a language.
		t.Say("start.greeting", nil)
		e.start(t, LanguageDialog)
	default:
		// She was here before and the session expired: say so gently, and where she is.
		t.Say("start.expired", map[string]any{"Minutes": int(e.idle.Minutes())})
		e.start(t, MenuDialog)
	}
}

func (e *Engine) command(t *Turn, fresh bool, in azizayol.Inbound) {
	switch in.Command {
	case "start":
		if lang, ok := azizayol.ParseLang(in.Text); ok {
			t.sess.Lang = lang // a deep link such as t.me/bot?start=ru
		}
		t.Say("start.greeting", nil)
		e.start(t, LanguageDialog)
	case "help", "sos":
		e.interrupt(t)
	case "menu", "cancel":
		e.start(t, MenuDialog)
	case "language", "lang", "til":
		e.start(t, LanguageDialog)
	case "clear", "tozalash", "очистить":
		e.clear(t, fresh)
	case "privacy", "maxfiylik":
		e.start(t, PrivacyDialog)
	default:
		t.Say("input.unknown_command", nil)
		e.resume(t, fresh)
	}
}

// unsubscribe ends the subscription a digest came from, and shows her where she is.
func (e *Engine) unsubscribe(t *Turn, fresh bool, id string) {
	n, _ := strconv.ParseInt(id, 10, 64)
	err := t.Store().Unsubscribe(t.ctx, t.user.ID, n)
	switch {
	case errors.Is(err, azizayol.ErrNotFound):
		t.Say("listing.unsubscribed_before", nil) // pressed twice, or not hers
	case err != nil:
		t.fail(err)
		return
	default:
		t.Say("listing.unsubscribed", nil)
	}
	if fresh {
		e.start(t, MenuDialog)
		return
	}
	e.reprompt(t)
}

// ClearAfter is how long the one line that confirms a cleared chat stays before it
// deletes itself, in seconds.
const ClearAfter = 30

// clear deletes the conversation from her phone: every message Telegram still lets
// the bot delete (48 hours), hers and ours, this one included, and ends her session.
// One neutral line confirms it and deletes itself after ClearAfter. SMS cannot be
// recalled: she is told to delete them herself.
func (e *Engine) clear(t *Turn, fresh bool) {
	if t.user.Channel != azizayol.Telegram {
		t.Say("clear.cannot", nil)
		e.resume(t, fresh)
		return
	}
	if _, err := t.Store().ClearChat(t.ctx, t.user.ID, t.now); err != nil {
		t.fail(err)
		return
	}
	t.out = []azizayol.Outbound{{Text: t.T("clear.done", nil), DeleteAfter: ClearAfter, HideAsk: true}}
	t.End()
}

// danger answers words of danger. In a step that takes her own words (or under the
// guidance that interrupted one), the message is taken first — she must not have to
// write it again — then the guidance follows.
func (e *Engine) danger(t *Turn, fresh bool, in azizayol.Inbound) {
	harm := e.crisis.Harm(in.Text)
	if harm {
		e.crisisCase(t) // words of harm: staff reach her even if she leaves now
	}
	words := in.Kind == azizayol.KindText || in.Kind == azizayol.KindMedia
	if !fresh && words && utf8.ValidString(in.Text) && utf8.RuneCountInString(in.Text) <= MaxText && e.toWordsStep(t) {
		t.danger, t.quiet = harm, true
		e.step(t, Input{Inbound: in})
		t.quiet = false
		if t.err != nil || t.ended {
			return
		}
		if !t.refusedInput {
			t.Say("input.kept", map[string]any{"Minutes": int(e.idle.Minutes())})
		}
	}
	e.interrupt(t)
}

// takesWords tells whether a state of a dialog takes her own words.
func (e *Engine) takesWords(dialog, state string) bool {
	w, ok := e.dialogs[dialog].(WordsTaker)
	return ok && w.TakesWords(state)
}

// toWordsStep reports whether she is at a step that takes her own words, moving her
// back to it first when the emergency guidance interrupted one.
func (e *Engine) toWordsStep(t *Turn) bool {
	if e.dialogs[t.sess.Dialog] != nil && e.takesWords(t.sess.Dialog, t.sess.State) {
		return true
	}
	r := t.sess.Return
	if t.sess.Dialog != EmergencyDialog || r == nil || e.dialogs[r.Dialog] == nil || !e.takesWords(r.Dialog, r.State) {
		return false
	}
	t.sess.Dialog, t.sess.State, t.sess.Data, t.sess.Return = r.Dialog, r.State, maps.Clone(r.Data), nil
	if t.sess.Data == nil {
		t.sess.Data = map[string]string{}
	}
	t.sess.Step++
	return true
}

// interrupt shows the emergency guidance at once and keeps her place so she can go
// back to it.
func (e *Engine) interrupt(t *Turn) {
	e.keepPlace(t)
	e.start(t, EmergencyDialog)
}

// keepPlace remembers where she is, to go back to after an interruption.
func (e *Engine) keepPlace(t *Turn) {
	s := t.sess
	if s.Dialog != "" && s.Dialog != EmergencyDialog && s.Dialog != MenuDialog && s.Dialog != MyAppealsDialog {
		s.Return = &azizayol.Place{Dialog: s.Dialog, State: s.State, Data: maps.Clone(s.Data)}
	}
}

// start moves her to the beginning of a dialog.
func (e *Engine) start(t *Turn, name string) {
	d := e.dialogs[name]
	t.sess.Dialog, t.sess.State, t.sess.Data = name, d.Initial(), map[string]string{}
	if name == MenuDialog {
		t.sess.Return = nil
	}
	t.sess.Step++
	e.reprompt(t)
}

// open moves her to a state of a dialog with its data.
func (e *Engine) open(t *Turn, dialog, state string, data map[string]string) {
	t.sess.Dialog, t.sess.State, t.sess.Data = dialog, state, data
	t.sess.Step++
	e.reprompt(t)
}

// resumePlace takes her back to where an interruption found her.
func (e *Engine) resumePlace(t *Turn) {
	p := t.sess.Return
	t.sess.Return = nil
	if p == nil || e.dialogs[p.Dialog] == nil || !hasState(e.dialogs[p.Dialog], p.State) {
		e.start(t, MenuDialog)
		return
	}
	t.sess.Dialog, t.sess.State, t.sess.Data = p.Dialog, p.State, maps.Clone(p.Data)
	if t.sess.Data == nil {
		t.sess.Data = map[string]string{}
	}
	t.sess.Step++
	e.reprompt(t)
}

// step fires the event her input means in the current dialog.
func (e *Engine) step(t *Turn, in Input) {
	d := e.dialogs[t.sess.Dialog]
	t.in = in
	m := fsm.NewFSM(t.sess.State, d.Events(), d.Callbacks(t))

	var event string
	if in.Choice == choiceBack {
		if b, ok := d.(BackTaker); ok {
			event = b.Back(t, t.sess.State)
		}
		if event == "" && !m.Can(choiceBack) {
			e.start(t, MenuDialog)
			return
		}
		if event == "" {
			event = choiceBack
		}
	} else {
		ev, err := d.Event(t, t.sess.State, in)
		if e.refused(t, err) {
			return
		}
		event = ev
	}
	if event != "" {
		err := m.Event(t.ctx, event)
		var noTransition fsm.NoTransitionError
		switch {
		case errors.As(err, &noTransition) && noTransition.Err == nil:
		case err != nil:
			var canceled fsm.CanceledError
			if errors.As(err, &canceled) && e.refused(t, canceled.Err) {
				return
			}
			t.fail(fmt.Errorf("dialogs: %s: event %s in %s: %w", d.Name(), event, t.sess.State, err))
			return
		}
	}
	if t.err != nil || t.ended {
		return
	}
	switch {
	case t.resumeRequested:
		e.resumePlace(t)
	case t.next != "":
		e.start(t, t.next)
	case m.Current() != t.sess.State:
		t.sess.State = m.Current()
		t.sess.Step++
		e.reprompt(t)
	default:
		e.reprompt(t)
	}
}

// refused answers an InputError and reports true; any other error fails the turn.
func (e *Engine) refused(t *Turn, err error) bool {
	if err == nil {
		return false
	}
	var ie *InputError
	if errors.As(err, &ie) {
		t.refusedInput = true
		t.Say(ie.ID, ie.Data)
		e.reprompt(t)
		return true
	}
	t.fail(fmt.Errorf("dialogs: %s in %s: %w", t.sess.Dialog, t.sess.State, err))
	return true
}

// reprompt shows her the current state.
func (e *Engine) reprompt(t *Turn) {
	if t.quiet {
		return
	}
	d := e.dialogs[t.sess.Dialog]
	p := d.Prompt(t, t.sess.State)
	if p.Notice != "" {
		t.out = append(t.out, azizayol.Outbound{Text: p.Notice})
	}
	o := azizayol.Outbound{Text: p.Text, Buttons: e.buttons(t, p), Ask: p.Ask}
	if t.inPlace && t.in.Kind == azizayol.KindButton && t.in.MessageID != 0 && len(t.out) == 0 {
		o.Edit = t.in.MessageID // a page turned: the same message shows the next page
	}
	t.out = append(t.out, o)
}

// keyOptions keeps, in the session, which part of a long list of options she sees on a
// numbered channel: "<step>:<first option>", so that every new step starts at the first
// part. Dialogs use no key that begins with "_".
const keyOptions = "_options"

// Button data is "<step>:<value>": a button of an earlier step is stale and never acts
// twice. Buttons that are right in any step (emergency, menu) carry "*".
const (
	choiceSOS         = "sos"
	choiceClear       = "clear" // clear the chat: in every step, from any message
	choiceMenu        = "menu"
	choiceBack        = "back"
	choiceCancel      = "cancel"
	choiceResume      = "resume"
	anyStep           = "*"
	choiceMore        = "more:"   // "<step>:more:<n>": the part of a long list from option n (numbered channels)
	appealPrefix      = "appeal:" // "*:appeal:<id>", under an agency's answer: open the appeal
	unsubscribePrefix = "unsub:"  // "*:unsub:<id>", under a digest: end the subscription
	broadcastPrefix   = "bcast:"  // "*:bcast:<id>", under a discreet broadcast: show it
)

// DiscreetBroadcast is what a woman who asked for discretion gets of a broadcast: a
// line that says nothing of it, and the button that shows it.
func DiscreetBroadcast(broadcastID int64, lang azizayol.Lang) azizayol.Outbound {
	text, err := locales.Text(lang, "notice.discreet", nil)
	if err != nil {
		slog.Error("discreet notice missing", "lang", lang, "err", err)
	}
	label, err := locales.Text(lang, "broadcast.read", nil)
	if err != nil {
		slog.Error("broadcast read button missing", "lang", lang, "err", err)
	}
	return azizayol.Outbound{Text: text, Lang: lang, Buttons: [][]azizayol.Button{{{
		Label: label, Data: anyStep + ":" + broadcastPrefix + strconv.FormatInt(broadcastID, 10),
	}}}}
}

// showBroadcast shows a broadcast she was told of discreetly, then where she was.
func (e *Engine) showBroadcast(t *Turn, fresh bool, id string) {
	n, _ := strconv.ParseInt(id, 10, 64)
	text, err := t.Store().BroadcastText(t.ctx, t.user.ID, n, t.Lang())
	switch {
	case errors.Is(err, azizayol.ErrNotFound):
		t.Say("broadcast.gone", nil)
	case err != nil:
		t.fail(err)
		return
	default:
		t.Say("broadcast.shown", map[string]any{"Text": html.EscapeString(text)})
	}
	e.resume(t, fresh)
}

// AppealButton is the button data that opens one of her appeals from any step.
func AppealButton(appealID int64) string {
	return anyStep + ":" + appealPrefix + strconv.FormatInt(appealID, 10)
}

// UnsubscribeButton is the button data that ends a subscription from any step.
func UnsubscribeButton(subscriptionID int64) string {
	return anyStep + ":" + unsubscribePrefix + strconv.FormatInt(subscriptionID, 10)
}

// globalButton reads the id of a button made by AppealButton or UnsubscribeButton.
func globalButton(in azizayol.Inbound, prefix string) (id string, ok bool) {
	if in.Kind != azizayol.KindButton {
		return "", false
	}
	id, ok = strings.CutPrefix(in.Data, anyStep+":"+prefix)
	if _, err := strconv.ParseInt(id, 10, 64); !ok || err != nil {
		return "", false
	}
	return id, true
}

// buttons are the options she has in a step, in the order a numbered channel numbers
// them: the one place that decides them, for what she sees (reprompt) and for what a
// typed number means (choice).
func (e *Engine) buttons(t *Turn, p Prompt) [][]azizayol.Button {
	return e.options(t, p, true)
}

// options are the step's options: the part she sees (part true), or all of them.
func (e *Engine) options(t *Turn, p Prompt, part bool) [][]azizayol.Button {
	var rows [][]azizayol.Button
	for _, row := range p.Choices {
		var r []azizayol.Button
		for _, c := range row {
			r = append(r, t.button(c))
		}
		rows = append(rows, r)
	}
	var always [][]azizayol.Button
	// By SMS every option listed costs characters, and the navigation words (MENYU,
	// ORQAGA, BEKOR) and the crisis words (YORDAM, SOS) work in every step anyway: the
	// SMS greeting and menu name them once, and the list leaves them out.
	if !t.sms() {
		var nav []azizayol.Button
		if p.Nav.Back {
			nav = append(nav, t.button(Choice{Value: choiceBack, Label: t.T("nav.back", nil)}))
		}
		if p.Nav.Cancel {
			nav = append(nav, t.button(Choice{Value: choiceCancel, Label: t.T("nav.cancel", nil)}))
		}
		if p.Nav.Menu {
			nav = append(nav, t.button(Choice{Value: choiceMenu, Label: t.T("nav.menu", nil)}))
		}
		if len(nav) > 0 {
			always = append(always, nav)
		}
		// Emergency help is one tap away in every step; the menu lists it already. On
		// Telegram, clearing the chat is beside it after a sensitive step.
		var last []azizayol.Button
		if d := t.sess.Dialog; d != EmergencyDialog && d != MenuDialog {
			last = append(last, t.button(Choice{Value: choiceSOS, Label: t.T("menu.emergency", nil)}))
		}
		if p.Nav.Clear && t.user.Channel == azizayol.Telegram {
			last = append(last, t.button(Choice{Value: choiceClear, Label: t.T("clear.button", nil)}))
		}
		if len(last) > 0 {
			always = append(always, last)
		}
	}
	// By SMS a long list comes in parts; the emergency guidance never does: every way
	// on from it is listed, and her "go back" is always there.
	if part && t.sms() && t.sess.Dialog != EmergencyDialog {
		rows = e.part(t, p.Text, rows, always)
	}
	return append(rows, always...)
}

// optionCost is what an option adds to a numbered message: " 12 " and its label
// (emoji counted, though the SMS drops them: a little room to spare).
func optionCost(b azizayol.Button) int { return utf8.RuneCountInString(b.Label) + 4 }

// part is the part of a long list of options a numbered channel shows with the text:
// as many as fit in azizayol.SMSChars beside the text and the options always listed,
// from the one her session names (keyOptions, for this step only), and an option for
// the next part (after the last part, the first again). A list that fits is shown
// whole.
func (e *Engine) part(t *Turn, text string, rows, always [][]azizayol.Button) [][]azizayol.Button {
	var all []azizayol.Button
	for _, r := range rows {
		all = append(all, r...)
	}
	spent := utf8.RuneCountInString(azizayol.Outbound{Text: text}.PlainText()) + 1
	for _, r := range always {
		for _, b := range r {
			spent += optionCost(b)
		}
	}
	whole := spent
	for _, b := range all {
		whole += optionCost(b)
	}
	budget := azizayol.SMSChars(t.Lang())
	if whole <= budget {
		return rows
	}
	first := 0
	if step, n, ok := strings.Cut(t.sess.Data[keyOptions], ":"); ok && step == strconv.Itoa(t.sess.Step) {
		if i, err := strconv.Atoi(n); err == nil && i > 0 && i < len(all) {
			first = i
		}
	}
	more := t.T("nav.more", nil)
	spent += utf8.RuneCountInString(more) + 4
	var shown []azizayol.Button
	for _, b := range all[first:] {
		if len(shown) > 0 && spent+optionCost(b) > budget {
			break
		}
		shown = append(shown, b)
		spent += optionCost(b)
	}
	next := first + len(shown)
	if next >= len(all) {
		next = 0
	}
	return [][]azizayol.Button{shown, {t.button(Choice{Value: choiceMore + strconv.Itoa(next), Label: more})}}
}

// choice finds the option she chose: a pressed button, or a typed label, number or
// navigation word. stale reports a button from an earlier step.
func (e *Engine) choice(t *Turn, in azizayol.Inbound) (value string, stale bool) {
	switch in.Kind {
	case azizayol.KindButton:
		step, value, ok := strings.Cut(in.Data, ":")
		if !ok {
			return "", true
		}
		if step == anyStep && (value == choiceSOS || value == choiceMenu || value == choiceClear) {
			return value, false
		}
		if step == anyStep && (strings.HasPrefix(value, appealPrefix) || strings.HasPrefix(value, unsubscribePrefix)) {
			return value, false // handled before the step; here it is only not stale
		}
		if step != strconv.Itoa(t.sess.Step) {
			return "", true
		}
		return value, false
	case azizayol.KindText:
		if w := navWord(in.Text); w != "" {
			return w, false
		}
		p := e.dialogs[t.sess.Dialog].Prompt(t, t.sess.State)
		// Where she writes her own words, "3" may be part of them on Telegram, which
		// has buttons; on a channel of numbered options it is the option she sees.
		numbers := t.User().Channel.Numbered() || !e.takesWords(t.sess.Dialog, t.sess.State)
		if v := matchTyped(in.Text, e.buttons(t, p), numbers); v != "" {
			return v, false
		}
		// A label she types is the option, whether or not it is in the part she sees
		// (a text may name an option of another part).
		return matchTyped(in.Text, e.options(t, p, false), false), false
	}
	return "", false
}

func hasState(d Dialog, state string) bool {
	if state == d.Initial() {
		return true
	}
	for _, ev := range d.Events() {
		if ev.Dst == state {
			return true
		}
		for _, src := range ev.Src {
			if src == state {
				return true
			}
		}
	}
	return false
}

func cloneSession(s *azizayol.Session) *azizayol.Session {
	c := *s
	c.Data = maps.Clone(s.Data)
	if c.Data == nil {
		c.Data = map[string]string{}
	}
	if s.Return != nil {
		r := *s.Return
		r.Data = maps.Clone(s.Return.Data)
		c.Return = &r
	}
	return &c
}
