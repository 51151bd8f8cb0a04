package dialogs

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/bot/sms"
	"github.com/azizayol/azizayol/crisis"
	"github.com/azizayol/azizayol/internal/sensitive"
	"github.com/azizayol/azizayol/internal/testenv"
	"github.com/azizayol/azizayol/locales"
)

// An SMS cannot be recalled: it stays on her phone for whoever picks it up. No SMS the
// platform sends names violence, the police, a psychologist or another sensitive
// topic (internal/sensitive/sms_words.txt); the details stay behind a step she asks
// for (her appeal opened, the answer read). The desk's notices are checked in
// admin/sms_neutral_test.go, the SMS as the aggregator gets them in
// cmd/azizayol/sms_e2e_test.go.

// neutralCheck collects the sensitive words found in SMS texts.
type neutralCheck struct {
	words *sensitive.List
	found map[string][]string // "where (lang): text" → the words found
	texts map[string]bool     // every distinct text checked
}

func newNeutralCheck(t *testing.T) *neutralCheck {
	t.Helper()
	words, err := sensitive.Load("../" + sensitive.File)
	if err != nil {
		t.Fatal(err)
	}
	return &neutralCheck{words: words, found: map[string][]string{}, texts: map[string]bool{}}
}

// check looks for sensitive words in text, an SMS as it is sent.
func (c *neutralCheck) check(where string, lang azizayol.Lang, text string) {
	c.texts[text] = true
	if found := c.words.Find(text); len(found) > 0 {
		c.found[fmt.Sprintf("%s (%s): %q", where, lang, text)] = found
	}
}

// report fails the test with every text and the words found in it.
func (c *neutralCheck) report(t *testing.T) {
	t.Helper()
	keys := make([]string, 0, len(c.found))
	for k := range c.found {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		t.Errorf("an SMS with sensitive words %q: %s", c.found[k], k)
	}
}

// notBySMS are the message ids never sent by SMS, by prefix: the staff console's pages
// and Telegram's command menu. Every other text is checked as if it could be — the
// Telegram-only ones too (the privacy dialog, the clear-chat button): a text moved to
// SMS one day is neutral already — in its SMS variant ("<id>_sms") when it has one.
var notBySMS = []string{"console.", "command."}

// smsIDs are the message ids a text by SMS can be made of: for each text, its SMS
// variant if it has one, else itself.
func smsIDs(lang azizayol.Lang) []string {
	var ids []string
	for _, id := range locales.MessageIDs() {
		if slices.ContainsFunc(notBySMS, func(p string) bool { return strings.HasPrefix(id, p) }) {
			continue
		}
		if locales.Has(lang, id+"_sms") {
			continue // Telegram's wording: by SMS the variant is sent
		}
		ids = append(ids, id)
	}
	return ids
}

// Every SMS the dialogs can send, in every language, is neutral: every text that can
// be sent by SMS (with its values empty), and every reply of every step as a woman
// writing by SMS gets it — every dialog walked, a consultation and an appeal of every
// topic filed, each of them opened and its answer read. A word planted in a prompt is
// found: the walk would not pass whatever it was given.
func TestSMSTextsAreNeutral(t *testing.T) {
	c := newNeutralCheck(t)
	for _, lang := range azizayol.Langs {
		for _, id := range smsIDs(lang) {
			s, err := locales.Text(lang, id, nil)
			if err != nil {
				t.Fatal(err)
			}
			c.check(id, lang, sms.Render(azizayol.Outbound{Text: s}, lang))
		}
	}

	db, pool := testenv.DBWithPool(t)
	ctx := context.Background()
	u, err := db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer u.Rollback(ctx)
	seedListings(t, u)
	clk := &clock{now: tashkent("2026-07-01 10:00:00")}
	e := Standard(crisis.Default(), 30*time.Minute, clk.Now)
	var walks []*smsWalk
	appeals := map[*smsWalk][]int64{}
	table := budgetTable{} // the budget holds for every topic too
	for i, lang := range azizayol.Langs {
		usr, err := u.User(ctx, azizayol.SMS, fmt.Sprintf("99890710000%d", i))
		if err != nil {
			t.Fatal(err)
		}
		w := &smsWalk{t: t, engine: e, db: db, store: &fakeStore{Store: u}, user: usr, lang: lang, table: table,
			sent: func(key string, lang azizayol.Lang, text string) { c.check(key, lang, text) }}
		_, menu := w.fileAppeal()
		for _, kind := range []string{"consultation", "appeal"} {
			for _, topic := range w.topics(menu, kind) {
				menu = w.fileTopic(menu, kind, topic)
			}
		}
		list, err := u.Appeals(ctx, usr.ID, 20)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			appeals[w] = append(appeals[w], a.ID)
			_, err = u.AddAppealMessage(ctx, azizayol.AppealMessage{AppealID: a.ID, Author: azizayol.ByAgency,
				Text: "Murojaatingiz koʻrib chiqildi. Hujjatlaringiz bilan hokimlikka keling.", Created: clk.now})
			if err != nil {
				t.Fatal(err)
			}
		}
		_, out, _ := w.handle(menu, typed("menu"))
		w.menu, w.menuPrompt = menu, out[len(out)-1]
		walks = append(walks, w)
	}
	if err := u.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	for _, w := range walks {
		w.store.Store = nil
		w.walk(w.menu, w.menuPrompt)
		// Each of her appeals opened (as from the button under a notice), and its
		// answer read whole.
		for _, id := range appeals[w] {
			view, out := w.try(w.menu, azizayol.Inbound{Kind: azizayol.KindButton, Data: AppealButton(id)})
			if view == nil || view.State != "view" {
				t.Fatalf("%s: appeal %d did not open: %q", w.lang, id, texts(out))
			}
			if n, _ := w.optionNumber(out[len(out)-1], "read"); n != "" {
				w.try(view, typed(n))
			}
		}
	}

	// A word planted in a district's name (in the test's own database) shows in the
	// list of districts, as she gets it by SMS: found, in every language.
	planted := checkPlanted(t, c, func() {
		if _, err := pool.Exec(ctx, `UPDATE districts SET name_uz_latn = 'Politsiya tumani', name_uz_cyrl = 'Полиция тумани',
			name_ru = 'Полицейский район' WHERE code = '1735204'`); err != nil {
			t.Fatal(err)
		}
		for _, w := range walks {
			sess, out := w.try(w.menu, typed(w.mustNumber(w.menuPrompt, "courses")))
			sess, out = w.try(sess, typed(w.mustNumber(out[len(out)-1], "1735")))
			if sess == nil || sess.State != "district" {
				t.Fatalf("%s: no list of districts: %q", w.lang, texts(out))
			}
		}
	})
	if len(planted) != len(azizayol.Langs) {
		t.Errorf("the word planted in a district's name was found in %d languages of %d: %q", len(planted), len(azizayol.Langs), planted)
	} else {
		slices.Sort(planted)
		t.Logf("planted and found: %s", planted[0])
	}
	c.report(t)
	for key, byLang := range table {
		for lang, n := range byLang {
			if n.parts > maxSegments {
				t.Errorf("%s in %s takes %d SMS (%s, %d characters), over %d", key, lang, n.parts, n.encoding, n.units, maxSegments)
			}
		}
	}
	t.Logf("%d distinct SMS texts checked against %d entries of the list", len(c.texts), len(c.words.Entries()))
}

// checkPlanted runs plant, which makes SMS with a sensitive word, and returns what the
// check found in them, leaving out of the report only what it found then.
func checkPlanted(t *testing.T, c *neutralCheck, plant func()) []string {
	t.Helper()
	before := map[string]bool{}
	for k := range c.found {
		before[k] = true
	}
	plant()
	var planted []string
	for k := range c.found {
		if !before[k] {
			planted = append(planted, k)
			delete(c.found, k)
		}
	}
	return planted
}

// optionNumber is the number she types for the option of value v under o, "" if it
// is not listed.
func (w *smsWalk) optionNumber(o azizayol.Outbound, v string) (string, bool) {
	for i, b := range buttons(o) {
		if value(b) == v {
			return fmt.Sprint(i + 1), true
		}
	}
	return "", false
}

func (w *smsWalk) mustNumber(o azizayol.Outbound, v string) string {
	w.t.Helper()
	n, ok := w.optionNumber(o, v)
	if !ok {
		w.t.Fatalf("%s: no option %q: %v", w.lang, v, values(o))
	}
	return n
}

// topics are the topics she can choose from for kind (consultation, appeal), every
// part of the list.
func (w *smsWalk) topics(menu *azizayol.Session, kind string) []string {
	w.t.Helper()
	sess, out, _ := w.handle(menu, typed("menu"))
	sess, out, _ = w.handle(sess, typed(w.mustNumber(out[len(out)-1], kind)))
	var topics []string
	for range 10 { // a long list comes in parts: "more" until the first part again
		more, again := "", false
		for i, v := range values(out[len(out)-1]) {
			switch {
			case strings.HasPrefix(v, choiceMore):
				more = fmt.Sprint(i + 1)
			case slices.Contains(topics, v):
				again = true
			default:
				topics = append(topics, v)
			}
		}
		if more == "" || again {
			break
		}
		sess, out, _ = w.handle(sess, typed(more))
	}
	if len(topics) < 2 {
		w.t.Fatalf("%s: the topics of %s: %v", w.lang, kind, topics)
	}
	return topics
}

// fileTopic files a consultation or an appeal of one topic from the menu, typing
// numbers, and returns her session in the menu after it. A topic not accepted now
// (the grant outside its window) is refused, and she goes back to the menu.
func (w *smsWalk) fileTopic(menu *azizayol.Session, kind, topic string) *azizayol.Session {
	w.t.Helper()
	sess, out, _ := w.handle(menu, typed("menu"))
	steps := []struct{ value, text string }{{value: kind}, {value: topic}}
	if kind == "appeal" {
		steps = append(steps, struct{ value, text string }{value: "1730"}, struct{ value, text string }{value: "1730215"})
	}
	steps = append(steps, []struct{ value, text string }{
		{text: samples[w.lang][0]}, {value: "continue"}, {value: "own"}, {value: "agree"}, {value: "send"},
	}...)
	for i, s := range steps {
		text := s.text
		if s.value != "" {
			sess, _, text, _ = w.number(sess, out[len(out)-1], s.value)
		}
		sess, out, _ = w.handle(sess, typed(text))
		if i == 1 && sess.State == stepTopic {
			break // refused: not accepted now
		}
	}
	sess, _, _ = w.handle(sess, typed("menu"))
	if sess.Dialog != MenuDialog {
		w.t.Fatalf("%s: %s %s did not end in the menu: %s.%s", w.lang, kind, topic, sess.Dialog, sess.State)
	}
	return sess
}
