package dialogs

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/looplab/fsm"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/crisis"
	"github.com/azizayol/azizayol/internal/testenv"
	"github.com/azizayol/azizayol/locales"
)

// engine is the engine under test, with every dialog of the platform.
var engine = Standard(crisis.Default(), 30*time.Minute, time.Now)

const userID = 42

// ---------------------------------------------------------------------------
// Fakes and helpers
// ---------------------------------------------------------------------------

type setLangCall struct {
	userID int64
	lang   azizayol.Lang
}

// fakeStore records SetLanguage calls; with err set, it fails them. The appeal
// records are the real database's (see dbStore); a test that reaches them without
// one panics.
type fakeStore struct {
	azizayol.Store
	calls []setLangCall
	err   error
}

func (s *fakeStore) SetLanguage(_ context.Context, id int64, lang azizayol.Lang) error {
	if s.err != nil {
		return s.err
	}
	s.calls = append(s.calls, setLangCall{id, lang})
	return nil
}

// chat is one woman talking to the engine: it keeps her session between messages the
// way the processor does, and updates her record when the store saved a language.
type chat struct {
	t      *testing.T
	engine *Engine // the package's engine unless a test sets another (a fake clock)
	store  *fakeStore
	user   azizayol.User
	sess   *azizayol.Session
	out    []azizayol.Outbound // the answer to the last message
}

// newChat is a woman without a session; lang is the language she chose on an earlier
// visit, or "" if she has never written.
func newChat(t *testing.T, lang azizayol.Lang) *chat {
	return &chat{t: t, engine: engine, store: &fakeStore{}, user: azizayol.User{
		ID: userID, Channel: azizayol.Telegram, Address: "1001", Lang: lang, New: lang == "",
	}}
}

// send hands one inbound to the engine and checks what must hold for every answer:
// the session passed in is not changed, every message is sendable, and the buttons of
// the prompt belong to the new step.
func (c *chat) send(in azizayol.Inbound) []azizayol.Outbound {
	c.t.Helper()
	before := copySession(c.sess)
	sess, out, err := c.engine.Handle(context.Background(), c.store, c.user, c.sess, in)
	if err != nil {
		c.t.Fatalf("Handle(%s): %v", describe(in), err)
	}
	if !reflect.DeepEqual(c.sess, before) {
		c.t.Fatalf("Handle(%s) changed the session passed in:\nbefore %+v\nafter  %+v", describe(in), before, c.sess)
	}
	if sess == nil {
		c.t.Fatalf("Handle(%s) returned a nil session", describe(in))
	}
	checkOutbounds(c.t, sess, out)
	if n := len(c.store.calls); n > 0 {
		c.user.Lang = c.store.calls[n-1].lang // as her record now says
	}
	c.user.New = false
	c.sess, c.out = sess, out
	return out
}

func (c *chat) text(s string) []azizayol.Outbound {
	c.t.Helper()
	return c.send(azizayol.Inbound{Kind: azizayol.KindText, Text: s})
}

func (c *chat) command(name, rest string) []azizayol.Outbound {
	c.t.Helper()
	return c.send(azizayol.Inbound{Kind: azizayol.KindCommand, Command: name, Text: rest})
}

func (c *chat) data(data string) []azizayol.Outbound {
	c.t.Helper()
	return c.send(azizayol.Inbound{Kind: azizayol.KindButton, Data: data, MessageID: 7, Ack: "cb"})
}

// press presses the button labelled label under the last message she got.
func (c *chat) press(label string) []azizayol.Outbound {
	c.t.Helper()
	for _, b := range buttons(prompt(c.t, c.out)) {
		if b.Label == label {
			return c.data(b.Data)
		}
	}
	c.t.Fatalf("no button %q under %q; buttons: %v", label, prompt(c.t, c.out).Text, buttons(prompt(c.t, c.out)))
	return nil
}

// choose presses the button whose value is value under the last message she got.
func (c *chat) choose(value string) []azizayol.Outbound {
	c.t.Helper()
	return c.data(dataOf(c.t, prompt(c.t, c.out), value))
}

// prompt is the last message of an answer: the one with the buttons.
func prompt(t *testing.T, out []azizayol.Outbound) azizayol.Outbound {
	t.Helper()
	if len(out) == 0 {
		t.Fatal("no messages")
	}
	return out[len(out)-1]
}

func buttons(o azizayol.Outbound) []azizayol.Button {
	var bs []azizayol.Button
	for _, row := range o.Buttons {
		bs = append(bs, row...)
	}
	return bs
}

func value(b azizayol.Button) string {
	_, v, _ := strings.Cut(b.Data, ":")
	return v
}

func values(o azizayol.Outbound) []string {
	var vs []string
	for _, b := range buttons(o) {
		vs = append(vs, value(b))
	}
	return vs
}

func dataOf(t *testing.T, o azizayol.Outbound, v string) string {
	t.Helper()
	for _, b := range buttons(o) {
		if value(b) == v {
			return b.Data
		}
	}
	t.Fatalf("no button with value %q under %q; values %v", v, o.Text, values(o))
	return ""
}

func labelOf(t *testing.T, o azizayol.Outbound, v string) string {
	t.Helper()
	for _, b := range buttons(o) {
		if value(b) == v {
			return b.Label
		}
	}
	t.Fatalf("no button with value %q; values %v", v, values(o))
	return ""
}

func texts(out []azizayol.Outbound) []string {
	var ts []string
	for _, o := range out {
		ts = append(ts, o.Text)
	}
	return ts
}

// tr is a text of the message files.
func tr(t *testing.T, lang azizayol.Lang, id string, data map[string]any) string {
	t.Helper()
	s, err := locales.Text(lang, id, data)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// wantTexts checks the texts of an answer, in order.
func wantTexts(t *testing.T, out []azizayol.Outbound, want ...string) {
	t.Helper()
	if got := texts(out); !reflect.DeepEqual(got, want) {
		t.Fatalf("texts:\n got %q\nwant %q", got, want)
	}
}

// checkOutbounds: every text is sendable; only the last message has buttons, and they
// carry the new step (or "*" for the global ones).
func checkOutbounds(t *testing.T, sess *azizayol.Session, out []azizayol.Outbound) {
	t.Helper()
	if len(out) == 0 {
		t.Fatal("no answer")
	}
	for i, o := range out {
		if o.Text == "" {
			t.Errorf("message %d of %d has no text: %+v", i+1, len(out), o)
		}
		if !utf8.ValidString(o.Text) {
			t.Errorf("message %d is not valid UTF-8: %q", i+1, o.Text)
		}
		if !htmlSafe(o.Text) {
			t.Errorf("message %d has raw HTML: %q", i+1, o.Text)
		}
		if o.Ack != "" {
			t.Errorf("message %d has an Ack: the engine does not acknowledge", i+1)
		}
		if i < len(out)-1 && len(o.Buttons) > 0 {
			t.Errorf("message %d of %d has buttons; only the last may", i+1, len(out))
		}
	}
	for _, b := range buttons(out[len(out)-1]) {
		if b.Label == "" || !utf8.ValidString(b.Label) {
			t.Errorf("button %q has a bad label %q", b.Data, b.Label)
		}
		if len(b.Data) > 64 {
			t.Errorf("button data %q is %d bytes, over Telegram's 64", b.Data, len(b.Data))
		}
		step, v, ok := strings.Cut(b.Data, ":")
		switch {
		case !ok || v == "":
			t.Errorf("button data %q is not <step>:<value>", b.Data)
		case v == choiceSOS || v == choiceMenu || v == choiceClear:
			if step != anyStep {
				t.Errorf("global button %q does not carry %q", b.Data, anyStep)
			}
		case step != strconv.Itoa(sess.Step):
			t.Errorf("button %q does not carry the session's step %d", b.Data, sess.Step)
		}
	}
}

// htmlSafe reports whether the only markup in s is <b> and <i>.
func htmlSafe(s string) bool {
	s = strings.NewReplacer("<b>", "", "</b>", "", "<i>", "", "</i>", "").Replace(s)
	return !strings.ContainsAny(s, "<>")
}

func describe(in azizayol.Inbound) string {
	s := fmt.Sprintf("%s %q%q%q", in.Kind, in.Command, in.Text, in.Data)
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return s
}

// refused sends what send sends and checks that she is answered with answer, then
// shown the same prompt again, and that her session did not change.
func (c *chat) refused(t *testing.T, answer string, send func()) {
	t.Helper()
	before, p := copySession(c.sess), prompt(t, c.out)
	send()
	wantTexts(t, c.out, answer, p.Text)
	if !reflect.DeepEqual(c.out[1], p) {
		t.Errorf("not the same prompt:\n got %+v\nwant %+v", c.out[1], p)
	}
	sameSession(t, c.sess, before)
}

func copySession(s *azizayol.Session) *azizayol.Session {
	if s == nil {
		return nil
	}
	c := *s
	c.Data = maps.Clone(s.Data)
	if s.Return != nil {
		r := *s.Return
		r.Data = maps.Clone(s.Return.Data)
		c.Return = &r
	}
	return &c
}

// sameSession compares what matters of two sessions (nil and empty Data are equal).
func sameSession(t *testing.T, got, want *azizayol.Session) {
	t.Helper()
	if got.Dialog != want.Dialog || got.State != want.State || got.Step != want.Step || got.Lang != want.Lang ||
		!maps.Equal(got.Data, want.Data) || !reflect.DeepEqual(got.Return, want.Return) {
		t.Fatalf("session changed:\n got %+v (return %+v)\nwant %+v (return %+v)", got, got.Return, want, want.Return)
	}
}

func wantPlace(t *testing.T, s *azizayol.Session, dialog, state string) {
	t.Helper()
	if s.Dialog != dialog || s.State != state {
		t.Fatalf("she is in %s/%s, want %s/%s", s.Dialog, s.State, dialog, state)
	}
}

// menuLabels are the message ids of the menu's items, in order.
// menuLabels are the menu's items in the order shown: emergency help alone on the
// first row, then the others two to a row.
var menuLabels = []struct{ value, id string }{
	{"sos", "menu.emergency"},
	{"consultation", "menu.consultation"}, {"appeal", "menu.appeal"},
	{"courses", "menu.courses"}, {"vacancies", "menu.vacancies"},
	{"information", "menu.information"}, {"my_appeals", "menu.my_appeals"},
	{"language", "menu.language"}, {"privacy", "menu.privacy"},
	{"delete_data", "menu.delete_data"}, {"clear", "clear.button"},
}

// wantMenu checks that o is the main menu on Telegram in lang: 11 items, emergency
// help alone on the first row, the rest two to a row.
func wantMenu(t *testing.T, o azizayol.Outbound, lang azizayol.Lang) {
	t.Helper()
	if want := tr(t, lang, "menu.title", nil); o.Text != want {
		t.Fatalf("menu text %q, want %q", o.Text, want)
	}
	widths := []int{1, 2, 2, 2, 2, 2}
	if len(o.Buttons) != len(widths) {
		t.Fatalf("menu has %d rows, want %d: %v", len(o.Buttons), len(widths), o.Buttons)
	}
	for i, row := range o.Buttons {
		if len(row) != widths[i] {
			t.Fatalf("menu row %d has %d buttons, want %d", i+1, len(row), widths[i])
		}
	}
	for i, b := range buttons(o) {
		want := menuLabels[i]
		if b.Label == "" || b.Label != tr(t, lang, want.id, nil) || value(b) != want.value {
			t.Errorf("menu item %d is %q %q, want %q %q", i+1, b.Label, b.Data, tr(t, lang, want.id, nil), want.value)
		}
	}
}

// wantLanguagePrompt checks that o asks for the language, with the three languages,
// for a woman who has chosen before the menu button, and the emergency button.
func wantLanguagePrompt(t *testing.T, o azizayol.Outbound, lang azizayol.Lang, withMenu bool) {
	t.Helper()
	if want := tr(t, lang, "lang.choose", nil); o.Text != want {
		t.Fatalf("language prompt %q, want %q", o.Text, want)
	}
	want := []string{"uz-Latn", "uz-Cyrl", "ru"}
	if withMenu {
		want = append(want, choiceMenu)
	}
	want = append(want, choiceSOS)
	if got := values(o); !reflect.DeepEqual(got, want) {
		t.Fatalf("language buttons %v, want %v", got, want)
	}
	for i, row := range o.Buttons[:3] {
		if len(row) != 1 {
			t.Fatalf("language row %d has %d buttons", i+1, len(row))
		}
	}
}

// wantEmergency checks that o is the emergency guidance page state in lang.
func wantEmergency(t *testing.T, o azizayol.Outbound, lang azizayol.Lang, state string, canResume bool) {
	t.Helper()
	if want := tr(t, lang, "emergency."+state, nil); o.Text != want {
		t.Fatalf("emergency text %q, want the %s page in %s", o.Text, state, lang)
	}
	var want []string
	switch state {
	case "now":
		want = []string{"centres", "order"}
	case "centres":
		want = []string{"order"}
	case "order":
		want = []string{"centres"}
	}
	if canResume {
		want = append(want, choiceResume)
	}
	if state != "now" {
		want = append(want, choiceBack)
	}
	want = append(want, choiceMenu, choiceClear) // on Telegram, clearing the chat too
	if got := values(o); !reflect.DeepEqual(got, want) {
		t.Fatalf("emergency %s buttons %v, want %v", state, got, want)
	}
}

func wantNumbers(t *testing.T, s string, numbers ...string) {
	t.Helper()
	for _, n := range numbers {
		if !strings.Contains(s, n) {
			t.Errorf("%q does not name %s", s, n)
		}
	}
}

// inMenu is a woman who chose lang before and is now in the main menu.
func inMenu(t *testing.T, lang azizayol.Lang) *chat {
	t.Helper()
	c := newChat(t, lang)
	c.command("menu", "")
	wantMenu(t, prompt(t, c.out), lang)
	return c
}

// inLanguage is a woman who chose lang before and opened the language dialog.
func inLanguage(t *testing.T, lang azizayol.Lang) *chat {
	t.Helper()
	c := inMenu(t, lang)
	c.choose(LanguageDialog)
	wantPlace(t, c.sess, LanguageDialog, "choose")
	return c
}

// inEmergency is a woman who chose lang before, opened the language dialog and then
// wrote words of danger, and went on to the given page of the guidance.
func inEmergency(t *testing.T, lang azizayol.Lang, state string) *chat {
	t.Helper()
	c := inLanguage(t, lang)
	c.text("помогите")
	wantPlace(t, c.sess, EmergencyDialog, "now")
	if state != "now" {
		c.choose(state)
	}
	wantPlace(t, c.sess, EmergencyDialog, state)
	return c
}

// ---------------------------------------------------------------------------
// Construction
// ---------------------------------------------------------------------------

func TestNewNeedsTheCoreDialogs(t *testing.T) {
	all := []Dialog{Language{}, Menu{}, Emergency{}}
	for i := range all {
		rest := append(append([]Dialog{}, all[:i]...), all[i+1:]...)
		if _, err := New(crisis.Default(), time.Minute, time.Now, rest...); err == nil {
			t.Errorf("New without the %s dialog: no error", all[i].Name())
		}
	}
	if _, err := New(crisis.Default(), time.Minute, time.Now, all...); err != nil {
		t.Fatal(err)
	}
}

// ---------------------------------------------------------------------------
// First contact
// ---------------------------------------------------------------------------

func TestFirstContact(t *testing.T) {
	for _, tc := range []struct {
		name string
		hint string
		in   azizayol.Inbound
		want azizayol.Lang
	}{
		{"ru hint", "ru", azizayol.Inbound{Kind: azizayol.KindText, Text: "Здравствуйте"}, azizayol.Ru},
		{"ru-RU hint", "ru-RU", azizayol.Inbound{Kind: azizayol.KindText, Text: "привет"}, azizayol.Ru},
		{"uz hint", "uz", azizayol.Inbound{Kind: azizayol.KindText, Text: "salom"}, azizayol.UzLatn},
		{"unknown hint", "en", azizayol.Inbound{Kind: azizayol.KindText, Text: "hello"}, azizayol.UzLatn},
		{"no hint", "", azizayol.Inbound{Kind: azizayol.KindText, Text: "salom"}, azizayol.UzLatn},
		{"sticker", "ru", azizayol.Inbound{Kind: azizayol.KindMedia, Media: "sticker"}, azizayol.Ru},
		{"old button", "ru", azizayol.Inbound{Kind: azizayol.KindButton, Data: "5:consultation"}, azizayol.Ru},
		{"long text", "uz", azizayol.Inbound{Kind: azizayol.KindText, Text: strings.Repeat("a", 5000)}, azizayol.UzLatn},
		{"/start", "ru", azizayol.Inbound{Kind: azizayol.KindCommand, Command: "start"}, azizayol.Ru},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newChat(t, "")
			tc.in.LangHint = tc.hint
			out := c.send(tc.in)
			wantTexts(t, out, tr(t, tc.want, "start.greeting", nil), tr(t, tc.want, "lang.choose", nil))
			wantLanguagePrompt(t, out[1], tc.want, false)
			if len(out[1].Buttons) != 4 {
				t.Errorf("first language prompt has %d rows, want the 3 languages and emergency help", len(out[1].Buttons))
			}
			wantPlace(t, c.sess, LanguageDialog, "choose")
			if c.sess.Lang != tc.want || c.sess.Step != 1 || c.sess.Return != nil {
				t.Errorf("session %+v, want lang %s at step 1", c.sess, tc.want)
			}
			if len(c.store.calls) != 0 {
				t.Errorf("SetLanguage called on first contact: %v", c.store.calls)
			}
		})
	}
}

func TestFirstContactGreetingIsInTheGuessedLanguage(t *testing.T) {
	// Guard against the comparison above being vacuous: the greetings differ.
	ru := newChat(t, "").send(azizayol.Inbound{Kind: azizayol.KindText, Text: "привет", LangHint: "ru"})
	uz := newChat(t, "").send(azizayol.Inbound{Kind: azizayol.KindText, Text: "salom", LangHint: "uz"})
	if !strings.Contains(ru[0].Text, "Здравствуйте") || !strings.Contains(uz[0].Text, "Assalomu alaykum") {
		t.Fatalf("greetings: ru %q, uz %q", ru[0].Text, uz[0].Text)
	}
}

func TestStartDeepLink(t *testing.T) {
	for _, tc := range []struct {
		payload, hint string
		userLang      azizayol.Lang
		want          azizayol.Lang
	}{
		{"ru", "", "", azizayol.Ru},
		{"ru", "uz", "", azizayol.Ru},
		{"uz", "ru", "", azizayol.UzLatn},
		{"cyrl", "ru", "", azizayol.UzCyrl},
		{"kirill", "", "", azizayol.UzCyrl},
		{"", "ru", "", azizayol.Ru},
		{"nonsense", "ru", "", azizayol.Ru},
		{"ru", "", azizayol.UzLatn, azizayol.Ru},        // a deep link overrides her old choice for the greeting
		{"", "ru", azizayol.UzCyrl, azizayol.UzCyrl},    // her choice beats the client's language
		{"bogus", "", azizayol.UzCyrl, azizayol.UzCyrl}, // an unknown payload changes nothing
		{" RU ", "uz", azizayol.UzLatn, azizayol.Ru},    // ParseLang trims and folds case
		{"uz-Cyrl", "ru", azizayol.Ru, azizayol.UzCyrl}, // the full tag
		{"uz_latn", "ru", azizayol.UzCyrl, azizayol.UzLatn},
	} {
		t.Run(fmt.Sprintf("%q hint %q user %q", tc.payload, tc.hint, tc.userLang), func(t *testing.T) {
			c := newChat(t, tc.userLang)
			out := c.send(azizayol.Inbound{Kind: azizayol.KindCommand, Command: "start", Text: tc.payload, LangHint: tc.hint})
			wantTexts(t, out, tr(t, tc.want, "start.greeting", nil), tr(t, tc.want, "lang.choose", nil))
			wantLanguagePrompt(t, out[1], tc.want, tc.userLang != "")
			if c.sess.Lang != tc.want {
				t.Errorf("session lang %s, want %s", c.sess.Lang, tc.want)
			}
		})
	}
}

// ---------------------------------------------------------------------------
// Choosing the language
// ---------------------------------------------------------------------------

func TestChooseLanguage(t *testing.T) {
	savedIn := map[azizayol.Lang]string{
		azizayol.UzLatn: "Til tanlandi", azizayol.UzCyrl: "Тил танланди", azizayol.Ru: "Выбран язык",
	}
	for _, lang := range azizayol.Langs {
		for _, how := range []string{"button", "label", "number"} {
			for _, hint := range []string{"", "ru"} { // the greeting in Uzbek or Russian
				t.Run(fmt.Sprintf("%s by %s after %q greeting", lang, how, hint), func(t *testing.T) {
					c := newChat(t, "")
					c.send(azizayol.Inbound{Kind: azizayol.KindText, Text: "salom", LangHint: hint})
					p := prompt(t, c.out)
					switch how {
					case "button":
						c.choose(string(lang))
					case "label":
						c.text(labelOf(t, p, string(lang)))
					case "number":
						c.text(strconv.Itoa(1 + indexOf(values(p), string(lang))))
					}
					if want := []setLangCall{{userID, lang}}; !reflect.DeepEqual(c.store.calls, want) {
						t.Fatalf("SetLanguage calls %v, want %v", c.store.calls, want)
					}
					wantTexts(t, c.out, tr(t, lang, "lang.saved", nil), tr(t, lang, "menu.title", nil))
					if !strings.Contains(c.out[0].Text, savedIn[lang]) {
						t.Errorf("saved text %q is not in %s", c.out[0].Text, lang)
					}
					wantMenu(t, c.out[1], lang)
					wantPlace(t, c.sess, MenuDialog, "main")
					if c.sess.Lang != lang {
						t.Errorf("session lang %s, want %s", c.sess.Lang, lang)
					}
				})
			}
		}
	}
}

func indexOf(vs []string, v string) int {
	for i, x := range vs {
		if x == v {
			return i
		}
	}
	return -1
}

func TestChooseLanguageByTypedVariants(t *testing.T) {
	for _, tc := range []struct {
		typed string
		want  azizayol.Lang
	}{
		{"Русский", azizayol.Ru},
		{"русский", azizayol.Ru},
		{"  РУССКИЙ!!! ", azizayol.Ru},
		{"3", azizayol.Ru},
		{" 3 ", azizayol.Ru},
		{"Oʻzbekcha (lotin)", azizayol.UzLatn},
		{"O'zbekcha (lotin)", azizayol.UzLatn},
		{"O`zbekcha lotin", azizayol.UzLatn},
		{"o’zbekcha LOTIN", azizayol.UzLatn},
		{"ozbekcha lotin", azizayol.UzLatn},
		{"1", azizayol.UzLatn},
		{"Ўзбекча (кирилл)", azizayol.UzCyrl},
		{"ўзбекча кирилл", azizayol.UzCyrl},
		{"2", azizayol.UzCyrl},
	} {
		t.Run(tc.typed, func(t *testing.T) {
			c := newChat(t, "")
			c.text("salom")
			c.text(tc.typed)
			if want := []setLangCall{{userID, tc.want}}; !reflect.DeepEqual(c.store.calls, want) {
				t.Fatalf("SetLanguage calls %v, want %v", c.store.calls, want)
			}
			wantMenu(t, prompt(t, c.out), tc.want)
		})
	}
}

func TestChangeLanguageFromMenu(t *testing.T) {
	for _, from := range azizayol.Langs {
		for _, to := range azizayol.Langs {
			t.Run(fmt.Sprintf("%s to %s", from, to), func(t *testing.T) {
				c := inLanguage(t, from)
				wantLanguagePrompt(t, prompt(t, c.out), from, true)
				c.choose(string(to))
				if want := []setLangCall{{userID, to}}; !reflect.DeepEqual(c.store.calls, want) {
					t.Fatalf("SetLanguage calls %v, want %v", c.store.calls, want)
				}
				wantTexts(t, c.out, tr(t, to, "lang.saved", nil), tr(t, to, "menu.title", nil))
				// The next messages are in the new language too.
				c.text("xyz")
				wantTexts(t, c.out, tr(t, to, "input.use_buttons", nil), tr(t, to, "menu.title", nil))
			})
		}
	}
}

func TestLanguageMenuButton(t *testing.T) {
	for _, lang := range azizayol.Langs {
		t.Run(string(lang), func(t *testing.T) {
			c := inLanguage(t, lang)
			c.press(tr(t, lang, "nav.menu", nil))
			wantMenu(t, prompt(t, c.out), lang)
			if len(c.store.calls) != 0 {
				t.Errorf("SetLanguage called: %v", c.store.calls)
			}
			// The 4th option, typed as a number, is the menu as well.
			c = inLanguage(t, lang)
			c.text("4")
			wantTexts(t, c.out, tr(t, lang, "menu.title", nil))
		})
	}
}

// ---------------------------------------------------------------------------
// The menu
// ---------------------------------------------------------------------------

func TestMenuItems(t *testing.T) {
	db := testenv.DB(t)
	opens := map[string]string{ // the first prompt of each dialog the menu opens
		"consultation": "consultation.topic", "appeal": "appeal.topic",
		"my_appeals": "my_appeals.none", "delete_data": "delete.confirm",
		"courses": "courses.place", "vacancies": "vacancies.region", "information": "info.title",
	}
	for _, lang := range azizayol.Langs {
		for i, item := range menuLabels {
			if item.value == choiceClear {
				continue // it ends the session: TestClearChat
			}
			for _, how := range []string{"button", "label", "number"} {
				t.Run(fmt.Sprintf("%s/%s/%s", lang, item.value, how), func(t *testing.T) {
					c := inMenu(t, lang).withDB(db)
					before := copySession(c.sess)
					label := tr(t, lang, item.id, nil)
					switch how {
					case "button":
						c.press(label)
					case "label":
						c.text(label)
					case "number":
						c.text(strconv.Itoa(i + 1))
					}
					switch item.value {
					case "sos":
						if len(c.out) != 1 {
							t.Fatalf("emergency answers %d messages: %q", len(c.out), texts(c.out))
						}
						wantEmergency(t, c.out[0], lang, "now", false)
						wantNumbers(t, c.out[0].Text, "1146", "102", "103", "112")
						wantPlace(t, c.sess, EmergencyDialog, "now")
						if c.sess.Return != nil {
							t.Errorf("the menu left a place to return to: %+v", c.sess.Return)
						}
					case "privacy":
						if len(c.out) != 1 || !strings.HasPrefix(c.out[0].PlainText(), tr(t, lang, "menu.privacy", nil)[len("🔒 "):]) {
							t.Fatalf("privacy answers %q", texts(c.out))
						}
						wantPlace(t, c.sess, PrivacyDialog, "main")
					case "language":
						if len(c.out) != 1 {
							t.Fatalf("language answers %d messages: %q", len(c.out), texts(c.out))
						}
						wantLanguagePrompt(t, c.out[0], lang, true)
						wantPlace(t, c.sess, LanguageDialog, "choose")
					case "consultation", "appeal", "my_appeals", "delete_data", "courses", "vacancies", "information":
						if len(c.out) != 1 {
							t.Fatalf("%s answers %d messages: %q", item.value, len(c.out), texts(c.out))
						}
						if want := tr(t, lang, opens[item.value], map[string]any{"Open": 0}); c.out[0].Text != want {
							t.Errorf("%s opens with %q, want %q", item.value, c.out[0].Text, want)
						}
						wantPlace(t, c.sess, item.value, engine.dialogs[item.value].Initial())
					default:
						soon := tr(t, lang, "menu.soon", map[string]any{"Item": label})
						wantTexts(t, c.out, soon, tr(t, lang, "menu.title", nil))
						if !strings.Contains(c.out[0].Text, "«"+label+"»") {
							t.Errorf("soon text %q does not name %q", c.out[0].Text, label)
						}
						wantMenu(t, c.out[1], lang)
						sameSession(t, c.sess, before)
					}
					if len(c.store.calls) != 0 {
						t.Errorf("SetLanguage called: %v", c.store.calls)
					}
				})
			}
		}
	}
}

func TestMenuRefusesWhatIsNotAnItem(t *testing.T) {
	for _, lang := range azizayol.Langs {
		for _, typed := range []string{"0", "12", "100", "-", "что-то", "salom"} {
			t.Run(fmt.Sprintf("%s/%s", lang, typed), func(t *testing.T) {
				c := inMenu(t, lang)
				c.refused(t, tr(t, lang, "input.use_buttons", nil), func() { c.text(typed) })
			})
		}
	}
}

// ---------------------------------------------------------------------------
// The emergency dialog
// ---------------------------------------------------------------------------

func TestEmergencyDialog(t *testing.T) {
	for _, lang := range azizayol.Langs {
		t.Run(string(lang), func(t *testing.T) {
			c := inMenu(t, lang)
			c.choose(choiceSOS)
			now := c.out[0]
			wantEmergency(t, now, lang, "now", false)
			if d := dataOf(t, now, choiceMenu); d != "*:menu" {
				t.Errorf("menu button %q, want *:menu", d)
			}

			c.press(tr(t, lang, "emergency.centres_button", nil))
			wantTexts(t, c.out, tr(t, lang, "emergency.centres", nil))
			wantEmergency(t, c.out[0], lang, "centres", false)
			wantNumbers(t, c.out[0].Text, "1146")

			c.press(tr(t, lang, "emergency.order_button", nil))
			wantEmergency(t, c.out[0], lang, "order", false)
			wantNumbers(t, c.out[0].Text, "102", "30")

			c.press(tr(t, lang, "nav.back", nil))
			wantEmergency(t, c.out[0], lang, "now", false)
			wantPlace(t, c.sess, EmergencyDialog, "now")

			// order → centres directly, then back.
			c.choose("order")
			c.choose("centres")
			wantEmergency(t, c.out[0], lang, "centres", false)
			c.choose(choiceBack)
			wantPlace(t, c.sess, EmergencyDialog, "now")

			c.press(tr(t, lang, "nav.menu", nil))
			wantTexts(t, c.out, tr(t, lang, "menu.title", nil))
			wantMenu(t, c.out[0], lang)
			wantPlace(t, c.sess, MenuDialog, "main")
		})
	}
}

func TestEmergencyByTyping(t *testing.T) {
	// On SMS there are no buttons: she types numbers or labels.
	for _, lang := range azizayol.Langs {
		t.Run(string(lang), func(t *testing.T) {
			c := inMenu(t, lang)
			c.text("1") // emergency help is the menu's first item
			wantPlace(t, c.sess, EmergencyDialog, "now")
			c.text("1") // centres
			wantPlace(t, c.sess, EmergencyDialog, "centres")
			c.text(tr(t, lang, "emergency.order_button", nil))
			wantPlace(t, c.sess, EmergencyDialog, "order")
			c.text("1") // the order page: 1 centres, 2 back, 3 menu
			wantPlace(t, c.sess, EmergencyDialog, "centres")
			c.text("2") // back
			wantPlace(t, c.sess, EmergencyDialog, "now")
			c.text("3") // the first page: 1 centres, 2 order, 3 menu
			wantPlace(t, c.sess, MenuDialog, "main")
		})
	}
}

func TestGlobalButtonsWorkFromOldMessages(t *testing.T) {
	c := inMenu(t, azizayol.Ru)
	oldMenu := prompt(t, c.out)
	c.choose(LanguageDialog)
	// The 🆘 button of the old menu message still opens the guidance.
	c.data(dataOf(t, oldMenu, choiceSOS))
	wantEmergency(t, c.out[0], azizayol.Ru, "now", true)
	if c.sess.Return == nil || c.sess.Return.Dialog != LanguageDialog {
		t.Errorf("return place %+v, want the language dialog", c.sess.Return)
	}
	oldSOS := prompt(t, c.out)
	c.choose("centres")
	// And the menu button of an old message is the menu.
	c.data(dataOf(t, oldSOS, choiceMenu))
	wantMenu(t, prompt(t, c.out), azizayol.Ru)
	if c.sess.Return != nil {
		t.Errorf("the menu kept a return place: %+v", c.sess.Return)
	}
}

// ---------------------------------------------------------------------------
// Words of danger
// ---------------------------------------------------------------------------

var crisisTexts = []string{
	"помогите",
	"Помогите мне, пожалуйста",
	"yordam bering",
	"ёрдам",
	"zo'ravonlik",
	"zoʻravonlik",
	"oʻzimni oʻldiraman",
	"не хочу жить",
	"SOS",
	"1146",
}

func TestCrisisInterruptsAnyStep(t *testing.T) {
	for _, lang := range azizayol.Langs {
		for _, text := range crisisTexts {
			t.Run(fmt.Sprintf("%s/language/%s", lang, text), func(t *testing.T) {
				c := inLanguage(t, lang)
				c.text(text)
				wantTexts(t, c.out, tr(t, lang, "emergency.now", nil))
				wantEmergency(t, c.out[0], lang, "now", true)
				wantNumbers(t, c.out[0].Text, "1146", "102", "103", "112")
				wantReturn(t, c.sess, LanguageDialog, "choose")

				c.press(tr(t, lang, "emergency.resume_button", nil))
				wantTexts(t, c.out, tr(t, lang, "lang.choose", nil))
				wantLanguagePrompt(t, c.out[0], lang, true)
				wantPlace(t, c.sess, LanguageDialog, "choose")
				if c.sess.Return != nil {
					t.Errorf("return place kept after resuming: %+v", c.sess.Return)
				}
				// The dialog goes on from there.
				c.choose(string(azizayol.UzCyrl))
				wantMenu(t, c.out[1], azizayol.UzCyrl)
			})
			t.Run(fmt.Sprintf("%s/emergency centres/%s", lang, text), func(t *testing.T) {
				c := inEmergency(t, lang, "centres")
				c.text(text)
				wantEmergency(t, c.out[0], lang, "now", true)
				wantReturn(t, c.sess, LanguageDialog, "choose")
				c.choose(choiceResume)
				wantPlace(t, c.sess, LanguageDialog, "choose")
			})
			t.Run(fmt.Sprintf("%s/menu/%s", lang, text), func(t *testing.T) {
				c := inMenu(t, lang)
				c.text(text)
				wantEmergency(t, c.out[0], lang, "now", false) // the menu is no place to return to
				if c.sess.Return != nil {
					t.Errorf("return place %+v from the menu", c.sess.Return)
				}
			})
		}
	}
}

func wantReturn(t *testing.T, s *azizayol.Session, dialog, state string) {
	t.Helper()
	if s.Return == nil || s.Return.Dialog != dialog || s.Return.State != state {
		t.Fatalf("return place %+v, want %s/%s", s.Return, dialog, state)
	}
}

func TestCrisisKeepsThePlaceData(t *testing.T) {
	// The place she returns to keeps the dialog's data, and the session she came with
	// is not touched.
	sess := &azizayol.Session{
		Dialog: LanguageDialog, State: "choose", Step: 9, Lang: azizayol.Ru,
		Data: map[string]string{"draft": "текст"},
	}
	c := newChat(t, azizayol.Ru)
	c.sess = sess
	c.text("не хочу жить")
	if c.sess.Return == nil || !maps.Equal(c.sess.Return.Data, map[string]string{"draft": "текст"}) {
		t.Fatalf("return place %+v", c.sess.Return)
	}
	if len(c.sess.Data) != 0 {
		t.Errorf("emergency dialog starts with data %v", c.sess.Data)
	}
	c.choose(choiceResume)
	wantPlace(t, c.sess, LanguageDialog, "choose")
	if !maps.Equal(c.sess.Data, map[string]string{"draft": "текст"}) {
		t.Errorf("data after resuming %v", c.sess.Data)
	}
	if sess.Step != 9 || sess.Dialog != LanguageDialog || sess.Return != nil || sess.Data["draft"] != "текст" || len(sess.Data) != 1 {
		t.Errorf("the original session was changed: %+v", sess)
	}
}

func TestCrisisInCaption(t *testing.T) {
	for _, lang := range azizayol.Langs {
		t.Run(string(lang), func(t *testing.T) {
			c := inLanguage(t, lang)
			c.send(azizayol.Inbound{Kind: azizayol.KindMedia, Media: "photo", FileID: "AgAD", Text: "Erim meni uryapti, yordam bering"})
			wantEmergency(t, c.out[0], lang, "now", true)
			// The same photo without the words is refused.
			c = inLanguage(t, lang)
			c.send(azizayol.Inbound{Kind: azizayol.KindMedia, Media: "photo", FileID: "AgAD", Text: "bu rasm"})
			wantTexts(t, c.out, tr(t, lang, "input.media", nil), tr(t, lang, "lang.choose", nil))
		})
	}
}

func TestCrisisInCommandText(t *testing.T) {
	c := inMenu(t, azizayol.UzLatn)
	c.command("start", "yordam bering")
	wantEmergency(t, c.out[0], azizayol.UzLatn, "now", false)
}

func TestButtonPressNeverMatchesCrisis(t *testing.T) {
	c := inLanguage(t, azizayol.UzLatn)
	d := dataOf(t, prompt(t, c.out), "ru")
	c.send(azizayol.Inbound{Kind: azizayol.KindButton, Data: d, Text: "помогите, не хочу жить"})
	wantTexts(t, c.out, tr(t, azizayol.Ru, "lang.saved", nil), tr(t, azizayol.Ru, "menu.title", nil))
	// A stale button with such text is still just stale.
	c.send(azizayol.Inbound{Kind: azizayol.KindButton, Data: d, Text: "помогите"})
	wantTexts(t, c.out, tr(t, azizayol.Ru, "input.stale_button", nil), tr(t, azizayol.Ru, "menu.title", nil))
}

// ---------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------

func TestCommandsFromAnyState(t *testing.T) {
	places := map[string]func(*testing.T, azizayol.Lang) *chat{
		"language":          inLanguage,
		"menu":              inMenu,
		"emergency now":     func(t *testing.T, l azizayol.Lang) *chat { return inEmergency(t, l, "now") },
		"emergency centres": func(t *testing.T, l azizayol.Lang) *chat { return inEmergency(t, l, "centres") },
	}
	for _, lang := range azizayol.Langs {
		for place, start := range places {
			for _, cmd := range []string{"help", "sos", "menu", "cancel", "language", "lang", "til", "start", "frobnicate"} {
				t.Run(fmt.Sprintf("%s/%s/%s", lang, place, cmd), func(t *testing.T) {
					c := start(t, lang)
					before, p := copySession(c.sess), prompt(t, c.out)
					c.command(cmd, "")
					switch cmd {
					case "help", "sos":
						wantTexts(t, c.out, tr(t, lang, "emergency.now", nil))
						wantPlace(t, c.sess, EmergencyDialog, "now")
					case "menu", "cancel":
						wantTexts(t, c.out, tr(t, lang, "menu.title", nil))
						wantMenu(t, c.out[0], lang)
					case "language", "lang", "til":
						wantTexts(t, c.out, tr(t, lang, "lang.choose", nil))
						wantLanguagePrompt(t, c.out[0], lang, true)
					case "start":
						wantTexts(t, c.out, tr(t, lang, "start.greeting", nil), tr(t, lang, "lang.choose", nil))
						wantPlace(t, c.sess, LanguageDialog, "choose")
					default:
						wantTexts(t, c.out, tr(t, lang, "input.unknown_command", nil), p.Text)
						if !reflect.DeepEqual(c.out[1], p) {
							t.Errorf("not the same step again:\n got %+v\nwant %+v", c.out[1], p)
						}
						sameSession(t, c.sess, before)
						return
					}
					if c.sess.Step <= before.Step {
						t.Errorf("step %d after %d: old buttons would still act", c.sess.Step, before.Step)
					}
				})
			}
		}
	}
}

func TestUnknownCommandOnFirstContact(t *testing.T) {
	c := newChat(t, "")
	c.send(azizayol.Inbound{Kind: azizayol.KindCommand, Command: "frobnicate", LangHint: "ru"})
	wantTexts(t, c.out, tr(t, azizayol.Ru, "input.unknown_command", nil),
		tr(t, azizayol.Ru, "start.greeting", nil), tr(t, azizayol.Ru, "lang.choose", nil))
}

// ---------------------------------------------------------------------------
// Stale buttons
// ---------------------------------------------------------------------------

func TestStaleButtons(t *testing.T) {
	for _, lang := range azizayol.Langs {
		t.Run(string(lang)+"/same language twice", func(t *testing.T) {
			c := newChat(t, "")
			c.text("salom")
			d := dataOf(t, prompt(t, c.out), string(lang))
			c.data(d)
			wantMenu(t, prompt(t, c.out), lang)
			c.refused(t, tr(t, lang, "input.stale_button", nil), func() { c.data(d) })
			if len(c.store.calls) != 1 {
				t.Errorf("SetLanguage called %d times, want once: %v", len(c.store.calls), c.store.calls)
			}
		})
		for _, tc := range []struct {
			name string
			data func(c *chat, old azizayol.Outbound) string
		}{
			{"an older emergency page", func(c *chat, old azizayol.Outbound) string { return dataOf(c.t, old, "order") }},
			{"a later step", func(c *chat, _ azizayol.Outbound) string { return strconv.Itoa(c.sess.Step+1) + ":order" }},
			{"no step", func(*chat, azizayol.Outbound) string { return "order" }},
			{"empty", func(*chat, azizayol.Outbound) string { return "" }},
			{"star on a local value", func(*chat, azizayol.Outbound) string { return "*:order" }},
			{"negative step", func(*chat, azizayol.Outbound) string { return "-1:order" }},
		} {
			t.Run(string(lang)+"/"+tc.name, func(t *testing.T) {
				c := inEmergency(t, lang, "now")
				old := prompt(t, c.out)
				c.choose("centres")
				c.refused(t, tr(t, lang, "input.stale_button", nil), func() { c.data(tc.data(c, old)) })
			})
		}
	}
}

// ---------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------

func TestBadInputAtAButtonStep(t *testing.T) {
	freeText := map[azizayol.Lang]string{
		azizayol.UzLatn: "Salom, qalaysiz?", azizayol.UzCyrl: "Салом, қалайсиз?", azizayol.Ru: "Просто вопрос про курсы",
	}
	places := []struct {
		name  string
		start func(*testing.T, azizayol.Lang) *chat
	}{
		{"language", inLanguage},
		{"menu", inMenu},
		{"emergency now", func(t *testing.T, l azizayol.Lang) *chat { return inEmergency(t, l, "now") }},
		{"emergency order", func(t *testing.T, l azizayol.Lang) *chat { return inEmergency(t, l, "order") }},
		{"first choice", func(t *testing.T, l azizayol.Lang) *chat {
			c := newChat(t, "")
			c.send(azizayol.Inbound{Kind: azizayol.KindText, Text: "hi", LangHint: string(l)})
			return c
		}},
	}
	for _, lang := range azizayol.Langs {
		if _, ok := crisis.Default().Match(freeText[lang]); ok {
			t.Fatalf("%q matches crisis words: pick another", freeText[lang])
		}
		inputs := []struct {
			name   string
			in     azizayol.Inbound
			refuse string
		}{
			{"free text", azizayol.Inbound{Kind: azizayol.KindText, Text: freeText[lang]}, "input.use_buttons"},
			{"sticker", azizayol.Inbound{Kind: azizayol.KindMedia, Media: "sticker", FileID: "CAAD"}, "input.media"},
			{"voice", azizayol.Inbound{Kind: azizayol.KindMedia, Media: "voice", FileID: "AwAC"}, "input.media"},
			{"photo with caption", azizayol.Inbound{Kind: azizayol.KindMedia, Media: "photo", Text: "rasm"}, "input.media"},
			{"contact", azizayol.Inbound{Kind: azizayol.KindContact, Phone: "+998901234567"}, "input.media"},
			{"location", azizayol.Inbound{Kind: azizayol.KindLocation, Lat: 41.31, Lon: 69.28}, "input.media"},
			{"empty text", azizayol.Inbound{Kind: azizayol.KindText}, "input.use_buttons"},
			{"emoji", azizayol.Inbound{Kind: azizayol.KindText, Text: "👍"}, "input.use_buttons"},
			{"html", azizayol.Inbound{Kind: azizayol.KindText, Text: "<b>x</b> & <script>"}, "input.use_buttons"},
			{"4000 characters", azizayol.Inbound{Kind: azizayol.KindText, Text: strings.Repeat("ж", MaxText)}, "input.use_buttons"},
		}
		for _, place := range places {
			for _, in := range inputs {
				t.Run(fmt.Sprintf("%s/%s/%s", lang, place.name, in.name), func(t *testing.T) {
					c := place.start(t, lang)
					c.refused(t, tr(t, lang, in.refuse, nil), func() { c.send(in.in) })
					if len(c.store.calls) != 0 {
						t.Errorf("SetLanguage called: %v", c.store.calls)
					}
				})
			}
		}
	}
}

func TestTooLong(t *testing.T) {
	for _, lang := range azizayol.Langs {
		for _, n := range []int{MaxText + 1, 10000} {
			for _, letter := range []string{"a", "ж", "😀"} {
				t.Run(fmt.Sprintf("%s/%d×%s", lang, n, letter), func(t *testing.T) {
					c := inEmergency(t, lang, "centres")
					before, p := copySession(c.sess), prompt(t, c.out)
					c.text(strings.Repeat(letter, n))
					want := tr(t, lang, "input.too_long", map[string]any{"Length": n, "Max": MaxText})
					wantTexts(t, c.out, want, p.Text)
					wantNumbers(t, c.out[0].Text, strconv.Itoa(n), strconv.Itoa(MaxText))
					if !reflect.DeepEqual(c.out[1], p) {
						t.Errorf("not the same prompt")
					}
					sameSession(t, c.sess, before)
				})
			}
		}
	}
}

func TestUnreadable(t *testing.T) {
	for _, lang := range azizayol.Langs {
		for _, text := range []string{"\xff\xfe", "ok\xc3", "\xed\xa0\x80"} {
			t.Run(fmt.Sprintf("%s/%q", lang, text), func(t *testing.T) {
				c := inLanguage(t, lang)
				c.refused(t, tr(t, lang, "input.unreadable", nil), func() { c.text(text) })
				if len(c.store.calls) != 0 {
					t.Errorf("SetLanguage called: %v", c.store.calls)
				}
			})
		}
	}
	t.Run("first contact", func(t *testing.T) {
		c := newChat(t, "")
		c.send(azizayol.Inbound{Kind: azizayol.KindText, Text: "\xff\xfe", LangHint: "ru"})
		wantTexts(t, c.out, tr(t, azizayol.Ru, "input.unreadable", nil),
			tr(t, azizayol.Ru, "start.greeting", nil), tr(t, azizayol.Ru, "lang.choose", nil))
	})
}

// TestCrisisWordsInUnreadableText: the crisis matcher reads text with broken bytes
// (they separate words), so a message with words of danger and a stray invalid byte
// (an SMS gateway's bad transcoding) must still bring the guidance, not "I could not
// read your message".
func TestCrisisWordsInUnreadableText(t *testing.T) {
	for _, text := range []string{"помогите\xff", "yordam bering \xfe", "\xc3 не хочу жить"} {
		if _, ok := crisis.Default().Match(text); !ok {
			t.Fatalf("the matcher does not see %q", text)
		}
		t.Run(fmt.Sprintf("%q", text), func(t *testing.T) {
			c := inLanguage(t, azizayol.Ru)
			c.text(text)
			if c.sess.Dialog != EmergencyDialog {
				t.Errorf("words of danger with a broken byte answered %q, not the emergency guidance", texts(c.out))
			}
		})
	}
}

// ---------------------------------------------------------------------------
// Navigation words and buttons
// ---------------------------------------------------------------------------

func TestNavigation(t *testing.T) {
	for _, tc := range []struct {
		place  string
		input  string
		dialog string
		state  string
		cancel bool
	}{
		// Back inside a dialog.
		{"centres", "orqaga", EmergencyDialog, "now", false},
		{"centres", "назад", EmergencyDialog, "now", false},
		{"order", "орқага", EmergencyDialog, "now", false},
		{"order", "Оркага", EmergencyDialog, "now", false},
		{"order", "⬅️ Orqaga", EmergencyDialog, "now", false},
		{"order", "BACK!", EmergencyDialog, "now", false},
		{"centres", "button:back", EmergencyDialog, "now", false},
		// Back from the first state of a dialog: the menu.
		{"now", "orqaga", MenuDialog, "main", false},
		{"language", "назад", MenuDialog, "main", false},
		{"language", "button:back", MenuDialog, "main", false},
		{"menu", "orqaga", MenuDialog, "main", false},
		// Menu.
		{"centres", "menyu", MenuDialog, "main", false},
		{"language", "меню", MenuDialog, "main", false},
		{"order", "Bosh menyu", MenuDialog, "main", false},
		{"now", "🏠 Главное меню", MenuDialog, "main", false},
		{"order", "бош меню", MenuDialog, "main", false},
		// Cancel.
		{"language", "отмена", MenuDialog, "main", true},
		{"centres", "bekor qilish", MenuDialog, "main", true},
		{"now", "Bekor", MenuDialog, "main", true},
		{"order", "✖️ Бекор қилиш", MenuDialog, "main", true},
		{"language", "отменить", MenuDialog, "main", true},
		{"menu", "cancel", MenuDialog, "main", true},
		{"language", "button:cancel", MenuDialog, "main", true},
	} {
		for _, lang := range azizayol.Langs {
			t.Run(fmt.Sprintf("%s/%s/%s", lang, tc.place, tc.input), func(t *testing.T) {
				var c *chat
				switch tc.place {
				case "language":
					c = inLanguage(t, lang)
				case "menu":
					c = inMenu(t, lang)
				default:
					c = inEmergency(t, lang, tc.place)
				}
				step := c.sess.Step
				if v, ok := strings.CutPrefix(tc.input, "button:"); ok {
					c.data(strconv.Itoa(c.sess.Step) + ":" + v)
				} else {
					c.text(tc.input)
				}
				wantPlace(t, c.sess, tc.dialog, tc.state)
				if c.sess.Step != step+1 {
					t.Errorf("step %d after %d", c.sess.Step, step)
				}
				var want []string
				if tc.cancel {
					want = append(want, tr(t, lang, "nav.cancelled", nil))
				}
				if tc.dialog == MenuDialog {
					want = append(want, tr(t, lang, "menu.title", nil))
				} else {
					want = append(want, tr(t, lang, "emergency."+tc.state, nil))
				}
				wantTexts(t, c.out, want...)
				if tc.dialog == MenuDialog && c.sess.Return != nil {
					t.Errorf("the menu kept a return place %+v", c.sess.Return)
				}
			})
		}
	}
}

func TestNavButtonLabels(t *testing.T) {
	for _, lang := range azizayol.Langs {
		c := inEmergency(t, lang, "order")
		p := prompt(t, c.out)
		if got, want := labelOf(t, p, choiceBack), tr(t, lang, "nav.back", nil); got != want {
			t.Errorf("%s back label %q, want %q", lang, got, want)
		}
		if got, want := labelOf(t, p, choiceMenu), tr(t, lang, "nav.menu", nil); got != want {
			t.Errorf("%s menu label %q, want %q", lang, got, want)
		}
		if got, want := labelOf(t, p, choiceResume), tr(t, lang, "emergency.resume_button", nil); got != want {
			t.Errorf("%s resume label %q, want %q", lang, got, want)
		}
		// Typed as she sees it, each label does what the button does.
		c.text(labelOf(t, p, choiceResume))
		wantPlace(t, c.sess, LanguageDialog, "choose")
	}
}

// ---------------------------------------------------------------------------
// Expiry and old sessions
// ---------------------------------------------------------------------------

func TestExpiredSession(t *testing.T) {
	for _, lang := range azizayol.Langs {
		for _, tc := range []struct {
			name string
			in   azizayol.Inbound
		}{
			{"number", azizayol.Inbound{Kind: azizayol.KindText, Text: "1"}},
			{"label", azizayol.Inbound{Kind: azizayol.KindText, Text: "Русский"}},
			{"button", azizayol.Inbound{Kind: azizayol.KindButton, Data: "1:ru"}},
			{"order button", azizayol.Inbound{Kind: azizayol.KindButton, Data: "3:order"}},
			{"sticker", azizayol.Inbound{Kind: azizayol.KindMedia, Media: "sticker"}},
			{"hint in another language", azizayol.Inbound{Kind: azizayol.KindText, Text: "привет", LangHint: "ru"}},
		} {
			t.Run(fmt.Sprintf("%s/%s", lang, tc.name), func(t *testing.T) {
				c := newChat(t, lang)
				c.send(tc.in)
				expired := tr(t, lang, "start.expired", map[string]any{"Minutes": 30})
				wantTexts(t, c.out, expired, tr(t, lang, "menu.title", nil))
				wantNumbers(t, c.out[0].Text, "30")
				wantMenu(t, c.out[1], lang)
				wantPlace(t, c.sess, MenuDialog, "main")
				if c.sess.Lang != lang {
					t.Errorf("session lang %s, want her %s", c.sess.Lang, lang)
				}
				if len(c.store.calls) != 0 {
					t.Errorf("her message was acted on: SetLanguage %v", c.store.calls)
				}
			})
		}
		t.Run(string(lang)+"/crisis", func(t *testing.T) {
			c := newChat(t, lang)
			c.text("Мне плохо, помогите")
			wantEmergency(t, c.out[0], lang, "now", false)
			wantNumbers(t, c.out[0].Text, "1146", "102", "103", "112")
		})
	}
}

func TestExpiredMinutes(t *testing.T) {
	e := Standard(crisis.Default(), 2*time.Hour, time.Now)
	_, out, err := e.Handle(context.Background(), &fakeStore{}, azizayol.User{ID: 1, Lang: azizayol.Ru}, nil,
		azizayol.Inbound{Kind: azizayol.KindText, Text: "привет"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out[0].Text, "120") {
		t.Errorf("expired text %q does not say 120 minutes", out[0].Text)
	}
}

func TestUnknownDialogOrState(t *testing.T) {
	sessions := map[string]azizayol.Session{
		"unknown dialog":           {Dialog: "appeal_v0", State: "draft", Step: 7},
		"empty dialog":             {Step: 3},
		"menu, unknown state":      {Dialog: MenuDialog, State: "gone", Step: 7},
		"language, unknown state":  {Dialog: LanguageDialog, State: "gone", Step: 7},
		"emergency, unknown state": {Dialog: EmergencyDialog, State: "gone", Step: 7},
	}
	inputs := []struct {
		name string
		in   azizayol.Inbound
	}{
		{"text", azizayol.Inbound{Kind: azizayol.KindText, Text: "12"}}, // no such option
		{"current button", azizayol.Inbound{Kind: azizayol.KindButton, Data: "7:resume"}},
		{"sticker", azizayol.Inbound{Kind: azizayol.KindMedia, Media: "sticker"}},
	}
	for _, lang := range azizayol.Langs {
		for name, s := range sessions {
			for _, in := range inputs {
				t.Run(fmt.Sprintf("%s/%s/%s", lang, name, in.name), func(t *testing.T) {
					c := newChat(t, lang)
					sess := s
					sess.Lang = lang
					c.sess = &sess
					c.send(in.in)
					wantMenu(t, prompt(t, c.out), lang)
					wantPlace(t, c.sess, MenuDialog, "main")
				})
			}
		}
	}
}

func TestResumeToAnUnknownPlace(t *testing.T) {
	for _, ret := range []azizayol.Place{
		{Dialog: "appeal_v0", State: "draft"},
		{Dialog: LanguageDialog, State: "renamed"},
	} {
		t.Run(ret.Dialog+"/"+ret.State, func(t *testing.T) {
			c := newChat(t, azizayol.Ru)
			c.sess = &azizayol.Session{Dialog: EmergencyDialog, State: "now", Step: 7, Lang: azizayol.Ru, Return: &ret}
			c.data("7:resume")
			wantTexts(t, c.out, tr(t, azizayol.Ru, "menu.title", nil))
			wantPlace(t, c.sess, MenuDialog, "main")
			if c.sess.Return != nil {
				t.Errorf("return place kept: %+v", c.sess.Return)
			}
		})
	}
}

// TestUnknownStateOnEveryPath: a session whose state this version does not know must
// not be shown again as it is; whatever she sends lands her in the menu with real
// texts. The paths that answer and reprompt before the state is checked (a stale
// button, an unknown command, a too-long or unreadable text) must be safe too.
func TestUnknownStateOnEveryPath(t *testing.T) {
	inputs := []struct {
		name string
		in   azizayol.Inbound
	}{
		{"stale button", azizayol.Inbound{Kind: azizayol.KindButton, Data: "1:centres"}},
		{"unknown command", azizayol.Inbound{Kind: azizayol.KindCommand, Command: "frobnicate"}},
		{"too long", azizayol.Inbound{Kind: azizayol.KindText, Text: strings.Repeat("a", MaxText+1)}},
		{"unreadable", azizayol.Inbound{Kind: azizayol.KindText, Text: "\xff\xfe"}},
	}
	for _, dialog := range []string{EmergencyDialog, LanguageDialog, MenuDialog} {
		for _, in := range inputs {
			t.Run(dialog+"/"+in.name, func(t *testing.T) {
				sess := &azizayol.Session{Dialog: dialog, State: "renamed", Step: 7, Lang: azizayol.UzLatn}
				out, next := handleRaw(t, sess, in.in)
				for i, o := range out {
					if o.Text == "" {
						t.Errorf("message %d of %d has no text (Telegram refuses it): %+v", i+1, len(out), o)
					}
				}
				if !hasState(engine.dialogs[next.Dialog], next.State) {
					t.Errorf("she is left in %s/%s, a state that does not exist", next.Dialog, next.State)
				}
			})
		}
	}
}

// handleRaw calls Handle without the checks of chat.send.
func handleRaw(t *testing.T, sess *azizayol.Session, in azizayol.Inbound) ([]azizayol.Outbound, *azizayol.Session) {
	t.Helper()
	u := azizayol.User{ID: userID, Lang: sess.Lang}
	next, out, err := engine.Handle(context.Background(), &fakeStore{}, u, sess, in)
	if err != nil {
		t.Fatal(err)
	}
	return out, next
}

// ---------------------------------------------------------------------------
// Failures
// ---------------------------------------------------------------------------

func TestStoreFailure(t *testing.T) {
	for _, lang := range azizayol.Langs {
		t.Run(string(lang), func(t *testing.T) {
			c := newChat(t, "")
			c.text("salom")
			sess := copySession(c.sess)
			boom := errors.New("connection reset")
			c.store.err = boom
			next, out, err := engine.Handle(context.Background(), c.store, c.user, c.sess,
				azizayol.Inbound{Kind: azizayol.KindButton, Data: dataOf(t, prompt(t, c.out), string(lang))})
			if !errors.Is(err, boom) {
				t.Fatalf("error %v, want the store's", err)
			}
			if next != nil || out != nil {
				t.Errorf("on error Handle returned session %+v and %d messages", next, len(out))
			}
			if !reflect.DeepEqual(c.sess, sess) {
				t.Errorf("session changed on error: %+v", c.sess)
			}
			// Retried once the store works, the same message goes through.
			c.store.err = nil
			c.data(dataOf(t, prompt(t, c.out), string(lang)))
			wantMenu(t, prompt(t, c.out), lang)
		})
	}
}

func TestUnknownSessionLanguageIsAnError(t *testing.T) {
	// A language the message files do not have cannot be rendered: better an error
	// (retried, then the apology) than an empty message.
	_, _, err := engine.Handle(context.Background(), &fakeStore{}, azizayol.User{ID: 1, Lang: "en"}, nil,
		azizayol.Inbound{Kind: azizayol.KindText, Text: "hi"})
	if err == nil {
		t.Fatal("no error for a language without texts")
	}
}

// ---------------------------------------------------------------------------
// Every prompt of every dialog
// ---------------------------------------------------------------------------

// states lists a dialog's states, from its initial state and its events.
func states(d Dialog) []string {
	seen := map[string]bool{d.Initial(): true}
	list := []string{d.Initial()}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			list = append(list, s)
		}
	}
	for _, ev := range d.Events() {
		for _, s := range ev.Src {
			add(s)
		}
		add(ev.Dst)
	}
	return list
}

func TestEveryPromptRenders(t *testing.T) {
	if len(engine.dialogs) < 3 {
		t.Fatalf("%d dialogs", len(engine.dialogs))
	}
	store := &fakeStore{Store: begin(t, testenv.DB(t))}
	for name, d := range engine.dialogs {
		if d.Name() != name {
			t.Errorf("dialog %q registered as %q", d.Name(), name)
		}
		for _, state := range states(d) {
			if !hasState(d, state) {
				t.Errorf("%s: hasState(%q) is false", name, state)
			}
			for _, lang := range azizayol.Langs {
				for _, ret := range []*azizayol.Place{nil, {Dialog: LanguageDialog, State: "choose"}} {
					for _, userLang := range []azizayol.Lang{"", lang} {
						tu := &Turn{
							ctx: context.Background(), engine: engine, store: store,
							user: azizayol.User{ID: 1, Lang: userLang},
							sess: &azizayol.Session{Dialog: name, State: state, Lang: lang, Step: math.MaxInt64, Return: ret},
						}
						p := d.Prompt(tu, state)
						rows := engine.buttons(tu, p)
						if tu.err != nil {
							t.Errorf("%s/%s in %s: %v", name, state, lang, tu.err)
							continue
						}
						if p.Text == "" || !utf8.ValidString(p.Text) || !htmlSafe(p.Text) {
							t.Errorf("%s/%s in %s: bad text %q", name, state, lang, p.Text)
						}
						if d.Callbacks(tu) == nil && name != EmergencyDialog {
							t.Errorf("%s has no callbacks", name)
						}
						seen := map[string]bool{}
						for _, row := range rows {
							if len(row) == 0 {
								t.Errorf("%s/%s: empty row", name, state)
							}
							for _, b := range row {
								if b.Label == "" || len(b.Data) > 64 {
									t.Errorf("%s/%s in %s: button %+v", name, state, lang, b)
								}
								if seen[b.Data] {
									t.Errorf("%s/%s: two buttons with data %q", name, state, b.Data)
								}
								seen[b.Data] = true
							}
						}
						// Emergency help is reachable by a button from every state.
						if !seen[anyStep+":"+choiceSOS] && name != EmergencyDialog {
							t.Errorf("%s/%s in %s: no emergency button", name, state, lang)
						}
					}
				}
			}
		}
	}
}

func TestButtonDataLimit(t *testing.T) {
	tu := &Turn{ctx: context.Background(), engine: engine, sess: &azizayol.Session{Lang: azizayol.Ru, Step: 1}}
	if b := tu.button(Choice{Value: strings.Repeat("v", 62), Label: "x"}); tu.err != nil || len(b.Data) != 64 {
		t.Fatalf("64 bytes: %q, %v", b.Data, tu.err)
	}
	tu.button(Choice{Value: strings.Repeat("v", 63), Label: "x"})
	if tu.err == nil {
		t.Fatal("65 bytes of button data accepted")
	}
}

// ---------------------------------------------------------------------------
// Handle works on a copy
// ---------------------------------------------------------------------------

func TestHandleDoesNotMutateTheSession(t *testing.T) {
	orig := &azizayol.Session{
		Dialog: EmergencyDialog, State: "centres", Step: 5, Lang: azizayol.UzCyrl,
		Data:   map[string]string{"a": "1"},
		Return: &azizayol.Place{Dialog: LanguageDialog, State: "choose", Data: map[string]string{"b": "2"}},
	}
	for _, in := range []azizayol.Inbound{
		{Kind: azizayol.KindButton, Data: "5:resume"},
		{Kind: azizayol.KindButton, Data: "5:order"},
		{Kind: azizayol.KindButton, Data: "5:back"},
		{Kind: azizayol.KindButton, Data: "*:menu"},
		{Kind: azizayol.KindText, Text: "помогите"},
		{Kind: azizayol.KindText, Text: "xyz"},
		{Kind: azizayol.KindCommand, Command: "start", Text: "ru"},
		{Kind: azizayol.KindCommand, Command: "language"},
	} {
		t.Run(describe(in), func(t *testing.T) {
			sess := copySession(orig)
			_, next := handleRaw(t, sess, in)
			if !reflect.DeepEqual(sess, orig) {
				t.Fatalf("session changed:\n got %+v %+v\nwant %+v %+v", sess, sess.Return, orig, orig.Return)
			}
			if next == sess || (next.Return != nil && next.Return == sess.Return) {
				t.Fatal("the new session shares memory with the old one")
			}
			next.Data["x"] = "y"
			if next.Return != nil && next.Return.Data != nil {
				next.Return.Data["x"] = "y"
			}
			if !reflect.DeepEqual(sess, orig) {
				t.Fatal("the new session's maps are the old one's")
			}
		})
	}
}

func TestTextEscapesValues(t *testing.T) {
	tu := &Turn{ctx: context.Background(), engine: engine, sess: &azizayol.Session{Lang: azizayol.Ru}}
	got := tu.T("menu.soon", map[string]any{"Item": `<script>"Тест" & co</script>`})
	if tu.err != nil {
		t.Fatal(tu.err)
	}
	if !strings.Contains(got, "«&lt;script&gt;&#34;Тест&#34; &amp; co&lt;/script&gt;»") || !htmlSafe(got) {
		t.Errorf("a value from her is not escaped: %q", got)
	}
	got = tu.T("input.too_long", map[string]any{"Length": 4001, "Max": 4000})
	if !strings.Contains(got, "4001") || !strings.Contains(got, "4000") {
		t.Errorf("numbers are not put in as they are: %q", got)
	}
	tu.T("no.such.message", nil)
	if tu.err == nil {
		t.Error("a missing message is no error")
	}
}

// quiz is a dialog of the test: it exercises what the platform's dialogs do not yet
// (refusing in a callback, failing, keeping data, a Back event of its own).
type quiz struct{}

func (quiz) Name() string    { return "quiz" }
func (quiz) Initial() string { return "ask" }
func (quiz) Events() fsm.Events {
	return fsm.Events{
		{Name: "answer", Src: []string{"ask"}, Dst: "done"},
		{Name: "back", Src: []string{"done"}, Dst: "ask"},
	}
}

func (quiz) Callbacks(t *Turn) fsm.Callbacks {
	return fsm.Callbacks{
		"before_answer": func(_ context.Context, e *fsm.Event) {
			switch t.Input().Choice {
			case "no":
				e.Cancel(Refuse("input.too_long", map[string]any{"Length": 5, "Max": 4}))
			case "boom":
				e.Cancel(errors.New("boom"))
			}
		},
		"enter_done": func(context.Context, *fsm.Event) { t.Data()["answered"] = t.Input().Choice },
	}
}

func (quiz) Prompt(t *Turn, state string) Prompt {
	return Prompt{
		Text:    t.T("emergency."+map[string]string{"ask": "centres", "done": "order"}[state], nil),
		Choices: [][]Choice{{{Value: "yes", Label: "Ha"}, {Value: "no", Label: "Yo'q"}}, {{Value: "boom", Label: "Boom"}, {Value: "crash", Label: "Crash"}, {Value: "stay", Label: "Stay"}}},
		Nav:     Nav{Back: true, Cancel: true, Menu: true},
	}
}

func (quiz) Event(t *Turn, state string, in Input) (string, error) {
	switch in.Choice {
	case "yes", "no", "boom":
		return "answer", nil
	case "crash":
		return "", errors.New("crash")
	case "stay":
		return "", nil
	}
	return "", unexpected(in)
}

func TestDialogContract(t *testing.T) {
	e, err := New(crisis.Default(), time.Minute, time.Now, Language{}, Menu{}, Emergency{}, quiz{})
	if err != nil {
		t.Fatal(err)
	}
	u := azizayol.User{ID: userID, Lang: azizayol.Ru}
	ask := &azizayol.Session{Dialog: "quiz", State: "ask", Step: 4, Lang: azizayol.Ru}
	handle := func(t *testing.T, s *azizayol.Session, data string) (*azizayol.Session, []azizayol.Outbound, error) {
		t.Helper()
		return e.Handle(context.Background(), &fakeStore{}, u, s, azizayol.Inbound{Kind: azizayol.KindButton, Data: data})
	}
	page := func(state string) string { return tr(t, azizayol.Ru, "emergency."+state, nil) }

	t.Run("an event moves her and keeps data", func(t *testing.T) {
		s, out, err := handle(t, ask, "4:yes")
		if err != nil {
			t.Fatal(err)
		}
		wantTexts(t, out, page("order"))
		checkOutbounds(t, s, out)
		if s.State != "done" || s.Step != 5 || s.Data["answered"] != "yes" {
			t.Fatalf("session %+v", s)
		}
		// Its own back event, not the menu.
		s, out, err = handle(t, s, "5:back")
		if err != nil || s.State != "ask" || s.Data["answered"] != "yes" {
			t.Fatalf("back: %+v %v", s, err)
		}
		wantTexts(t, out, page("centres"))
	})
	t.Run("a callback refuses", func(t *testing.T) {
		s, out, err := handle(t, ask, "4:no")
		if err != nil {
			t.Fatal(err)
		}
		wantTexts(t, out, tr(t, azizayol.Ru, "input.too_long", map[string]any{"Length": 5, "Max": 4}), page("centres"))
		sameSession(t, s, ask)
	})
	t.Run("an event that changes nothing", func(t *testing.T) {
		s, out, err := handle(t, ask, "4:stay")
		if err != nil {
			t.Fatal(err)
		}
		wantTexts(t, out, page("centres"))
		sameSession(t, s, ask)
	})
	for _, data := range []string{"4:boom", "4:crash"} {
		t.Run("fails on "+data, func(t *testing.T) {
			s, out, err := handle(t, ask, data)
			if err == nil || s != nil || out != nil {
				t.Fatalf("got %+v, %d messages, error %v; want only an error", s, len(out), err)
			}
		})
	}
	t.Run("cancel button", func(t *testing.T) {
		_, out, _ := handle(t, ask, "4:stay")
		if got := labelOf(t, prompt(t, out), choiceCancel); got != tr(t, azizayol.Ru, "nav.cancel", nil) {
			t.Errorf("cancel label %q", got)
		}
		s, out, err := handle(t, ask, dataOf(t, prompt(t, out), choiceCancel))
		if err != nil {
			t.Fatal(err)
		}
		wantTexts(t, out, tr(t, azizayol.Ru, "nav.cancelled", nil), tr(t, azizayol.Ru, "menu.title", nil))
		wantPlace(t, s, MenuDialog, "main")
	})
	t.Run("crisis keeps the quiz to come back to", func(t *testing.T) {
		done := &azizayol.Session{Dialog: "quiz", State: "done", Step: 4, Lang: azizayol.Ru, Data: map[string]string{"answered": "yes"}}
		s, _, err := e.Handle(context.Background(), &fakeStore{}, u, done, azizayol.Inbound{Kind: azizayol.KindText, Text: "помогите"})
		if err != nil {
			t.Fatal(err)
		}
		s, out, err := handle(t, s, strconv.Itoa(s.Step)+":resume")
		if err != nil {
			t.Fatal(err)
		}
		wantTexts(t, out, page("order"))
		if s.Dialog != "quiz" || s.State != "done" || s.Data["answered"] != "yes" {
			t.Fatalf("resumed to %+v", s)
		}
	})
}

// The emergency guidance, and every page of it, is marked to be sent whatever holds
// other messages back (the day's SMS cap); the menu is not.
func TestEmergencyIsAlwaysSent(t *testing.T) {
	c := inMenu(t, azizayol.UzLatn)
	if o := prompt(t, c.out); o.Always {
		t.Errorf("the menu is marked Always")
	}
	c.choose(choiceSOS)
	for _, o := range c.out {
		if !o.Always {
			t.Errorf("guidance not marked Always: %q", o.Text)
		}
	}
}
