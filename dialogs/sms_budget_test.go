package dialogs

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/bot"
	"github.com/azizayol/azizayol/bot/sms"
	"github.com/azizayol/azizayol/crisis"
	"github.com/azizayol/azizayol/internal/testenv"
	"github.com/azizayol/azizayol/locales"
	"github.com/azizayol/azizayol/postgres"
)

// The SMS budget: a woman with a feature phone reaches every dialog by SMS, where each
// reply is sent as sms.Render makes it and paid by the segment. Every reply of every
// step in every language must fit three segments (one where the content allows); the
// test walks the dialogs as she would, typing numbers, and logs the table.

// maxSegments is the most SMS one reply may take.
const maxSegments = 3

// segmentCount is how one reply is sent.
type segmentCount struct {
	encoding     string
	parts, units int
}

// budgetTable is the most segments each step or message took, per language.
type budgetTable map[string]map[azizayol.Lang]segmentCount

func (tb budgetTable) add(key string, lang azizayol.Lang, o azizayol.Outbound) segmentCount {
	enc, parts, units := sms.Segments(sms.Render(o, lang))
	c := segmentCount{enc, parts, units}
	if tb[key] == nil {
		tb[key] = map[azizayol.Lang]segmentCount{}
	}
	if old, ok := tb[key][lang]; !ok || c.units > old.units {
		tb[key][lang] = c
	}
	return c
}

// smsWalk is one woman writing by SMS in one language, against the real records.
type smsWalk struct {
	t      *testing.T
	engine *Engine
	db     *postgres.DB // a database of this test's own: what a walk commits stays there
	store  *fakeStore
	user   azizayol.User
	lang   azizayol.Lang
	table  budgetTable
	// where the walk starts: the menu, after she filed an appeal
	menu       *azizayol.Session
	menuPrompt azizayol.Outbound
	// sent, when set, is told every SMS the walk made, as it is sent
	sent func(key string, lang azizayol.Lang, text string)
}

// handle sends one message from sess and records every reply in the table; next is nil
// when her session ended.
func (w *smsWalk) handle(sess *azizayol.Session, in azizayol.Inbound) (next *azizayol.Session, out []azizayol.Outbound, segments int) {
	w.t.Helper()
	user := w.user
	next, out, err := w.engine.Handle(context.Background(), w.store, user, sess, in)
	if err != nil {
		w.t.Fatalf("%s: %s in %s.%s: %v", w.lang, describe(in), sess.Dialog, sess.State, err)
	}
	if next != nil {
		checkOutbounds(w.t, next, out)
	}
	lang := w.lang // the language she reads now: she may have just chosen another
	if next != nil {
		lang = next.Lang
	} else if sess != nil {
		lang = sess.Lang
	}
	for i, o := range out {
		key := ""
		if i == len(out)-1 && next != nil {
			key = next.Dialog + "." + next.State // the prompt of the step she is at
		} else {
			key = messageKey(lang, o.Text)
		}
		// As the processor queues it: a long text (her answer read whole) in SMS of
		// three segments at most.
		for _, part := range bot.SplitFor(azizayol.User{Channel: azizayol.SMS, Lang: lang}, o) {
			c := w.table.add(key, lang, part)
			segments += c.parts
			if w.sent != nil {
				w.sent(key, lang, sms.Render(part, lang))
			}
		}
	}
	w.store.calls = nil
	return next, out, segments
}

// try is handle in a transaction rolled back after it: every step of the walk starts
// from the same records.
func (w *smsWalk) try(sess *azizayol.Session, in azizayol.Inbound) (next *azizayol.Session, out []azizayol.Outbound) {
	w.t.Helper()
	u, err := w.db.Begin(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	defer u.Rollback(context.Background())
	w.store.Store = u
	next, out, _ = w.handle(sess, in)
	return next, out
}

// number is the number she types for the option of value v under o; a long list
// shows it after "more" (typed too, counted in segments).
func (w *smsWalk) number(sess *azizayol.Session, o azizayol.Outbound, v string) (*azizayol.Session, azizayol.Outbound, string, int) {
	w.t.Helper()
	segments := 0
	for range 10 {
		more := ""
		for i, b := range buttons(o) {
			switch {
			case value(b) == v:
				return sess, o, strconv.Itoa(i + 1), segments
			case strings.HasPrefix(value(b), choiceMore):
				more = strconv.Itoa(i + 1)
			}
		}
		if more == "" {
			break
		}
		var out []azizayol.Outbound
		var n int
		sess, out, n = w.handle(sess, typed(more))
		o, segments = out[len(out)-1], segments+n
	}
	w.t.Fatalf("%s: no option %q in %s.%s: %v", w.lang, v, sess.Dialog, sess.State, values(o))
	return nil, o, "", 0
}

func typed(s string) azizayol.Inbound { return azizayol.Inbound{Kind: azizayol.KindText, Text: s} }

// samples are what she types in each language: words for a step that takes them, a
// phone number, a word no step expects, a word of danger, and the words for back and
// cancel.
var samples = map[azizayol.Lang][]string{
	azizayol.UzLatn: {"Ishsizman, uy-joy kerak. Ikki farzandim bor, ijarada yashaymiz.", "+998901234567", "xyz", "yordam", "orqaga", "bekor"},
	azizayol.UzCyrl: {"Ишсизман, уй-жой керак. Икки фарзандим бор, ижарада яшаймиз.", "+998901234567", "xyz", "ёрдам", "орқага", "бекор"},
	azizayol.Ru:     {"Я без работы, нужно жильё. Двое детей, живём на съёмной квартире.", "+998901234567", "xyz", "помогите", "назад", "отмена"},
}

// fileAppeal is the longest dialog: from her first SMS to the filed appeal's
// confirmation, typing numbers. It returns the segments it cost and her session at
// the end (the menu).
func (w *smsWalk) fileAppeal() (int, *azizayol.Session) {
	w.t.Helper()
	first := map[azizayol.Lang]string{azizayol.UzLatn: "Salom", azizayol.UzCyrl: "Салом", azizayol.Ru: "Здравствуйте"}[w.lang]
	sess, out, total := w.handle(nil, azizayol.Inbound{Kind: azizayol.KindText, Text: first, LangHint: string(w.lang)})
	w.user.New = false
	steps := []struct{ value, text string }{
		{value: string(w.lang)},
		{value: "appeal"},
		{value: "housing"},
		{value: "1730"}, // Fargʻona, the region with the most districts
		{value: "1730215"},
		{text: samples[w.lang][0]},
		{value: "continue"},
		{value: "own"}, // her own number, the one she writes from
		{value: "agree"},
		{value: "send"},
	}
	for _, s := range steps {
		text := s.text
		if s.value != "" {
			var n int
			sess, _, text, n = w.number(sess, out[len(out)-1], s.value)
			total += n
		}
		var n int
		sess, out, n = w.handle(sess, typed(text))
		total += n
		if s.value == string(w.lang) {
			w.user.Lang = w.lang
		}
	}
	if sess.Dialog != MenuDialog || !strings.Contains(out[0].Text, "A-") {
		w.t.Fatalf("%s: the appeal was not filed: %q", w.lang, texts(out))
	}
	return total, sess
}

// walk visits every step reachable from sess (the menu): in each one it types every
// option's number and each sample once, and goes on from where that led.
func (w *smsWalk) walk(sess *azizayol.Session, prompt azizayol.Outbound) {
	w.t.Helper()
	type place struct {
		sess   *azizayol.Session
		prompt azizayol.Outbound
	}
	queue := []place{{sess, prompt}}
	seen := map[string]bool{}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		key := p.sess.Dialog + "." + p.sess.State
		if step, first, ok := strings.Cut(p.sess.Data[keyOptions], ":"); ok && step == strconv.Itoa(p.sess.Step) {
			key += " from option " + first // a part of a long list
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		var inputs []string
		for i := range buttons(p.prompt) {
			inputs = append(inputs, strconv.Itoa(i+1))
		}
		inputs = append(inputs, samples[w.lang]...)
		for _, in := range inputs {
			next, out := w.try(p.sess, typed(in))
			if next != nil {
				queue = append(queue, place{next, out[len(out)-1]})
			}
		}
	}
}

// messagePattern recognises a text of the message files whatever values fill it.
type messagePattern struct {
	id      string
	re      *regexp.Regexp
	literal int // characters that are not values: the more, the surer the match
}

func patterns(lang azizayol.Lang) []messagePattern {
	var ps []messagePattern
	for _, id := range locales.MessageIDs() {
		s, err := locales.Text(lang, id, nil) // each value shows as "<no value>"
		if err != nil {
			continue
		}
		re := "^" + strings.ReplaceAll(regexp.QuoteMeta(s), "<no value>", "(?s:.*)") + "$"
		ps = append(ps, messagePattern{strings.TrimSuffix(id, "_sms"), regexp.MustCompile(re),
			len(s) - strings.Count(s, "<no value>")*len("<no value>")})
	}
	return ps
}

var messagePatterns = map[azizayol.Lang][]messagePattern{
	azizayol.UzLatn: patterns(azizayol.UzLatn), azizayol.UzCyrl: patterns(azizayol.UzCyrl), azizayol.Ru: patterns(azizayol.Ru),
}

// messageKey names the message a text in lang was made from (a Say), or shows the
// text itself.
func messageKey(lang azizayol.Lang, text string) string {
	best := messagePattern{}
	for _, p := range messagePatterns[lang] {
		if p.literal > best.literal && p.re.MatchString(text) {
			best = p
		}
	}
	if best.id == "" {
		return "? " + excerpt(text, 30)
	}
	return best.id
}

// seedListings puts courses and vacancies in Karakalpakstan's Amudaryo district (the
// first region and district the walk opens), written as long as the sources write
// them.
func seedListings(t *testing.T, u *postgres.Unit) {
	t.Helper()
	ctx := context.Background()
	for i := 1; i <= 4; i++ {
		id, _, err := u.UpsertCentre(ctx, azizayol.TrainingCentre{Source: "test", SourceID: fmt.Sprint(i),
			Name: "Amudaryo tumani «Ishga marhamat» monomarkazi", RegionCode: "1735", DistrictCode: "1735204",
			Address: "Amudaryo tumani, Mustaqillik koʻchasi, 12-uy", Phone: "+998732001122"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = u.UpsertCourse(ctx, azizayol.Course{Source: "test", SourceID: fmt.Sprint(i), CentreID: id,
			Name: fmt.Sprintf("Tikuvchilik va bichish asoslari (%d-guruh)", i), Field: "sewing",
			RegionCode: "1735", DistrictCode: "1735204", Address: "Amudaryo tumani, Mustaqillik koʻchasi, 12-uy",
			Starts: tashkent("2026-08-01 00:00:00"), Ends: tashkent("2026-10-31 00:00:00"), Hours: 240,
			Cost: int64(i-1) * 1500000, Phone: "+998732001122", Enrol: "Pasport bilan markazga keling"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = u.UpsertVacancy(ctx, azizayol.Vacancy{Source: "test", SourceID: fmt.Sprint(i),
			Title: "Tikuvchi (universal mashinada ishlash tajribasi bilan)", Employer: "«Amudaryo tekstil» MChJ",
			SalaryMin: 3500000, SalaryMax: 5000000, Schedule: "Toʻliq stavka, 6 kunlik ish haftasi",
			Address: "Amudaryo tumani, Sanoat zonasi", Contact: "+998901112233", Field: "sewing",
			RegionCode: "1735", DistrictCode: "1735204", Posted: tashkent("2026-06-25 10:00:00"), Status: azizayol.VacancyOpen})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// Every reply of every step, in every language, fits three SMS; the table of segments
// and the cost of filing an appeal are logged.
func TestSMSBudget(t *testing.T) {
	db := testenv.DB(t)
	ctx := context.Background()
	u, err := db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer u.Rollback(ctx)
	seedListings(t, u)
	clk := &clock{now: tashkent("2026-07-01 10:00:00")} // the grant window is closed: its refusal is seen too
	e := Standard(crisis.Default(), 30*time.Minute, clk.Now)
	table := budgetTable{}
	cost := map[azizayol.Lang]int{}
	var walks []*smsWalk
	for i, lang := range azizayol.Langs {
		usr, err := u.User(ctx, azizayol.SMS, fmt.Sprintf("99890700000%d", i))
		if err != nil {
			t.Fatal(err)
		}
		w := &smsWalk{t: t, engine: e, db: db, store: &fakeStore{Store: u}, user: usr, lang: lang, table: table}
		var menu *azizayol.Session
		cost[lang], menu = w.fileAppeal()
		// An answer to her appeal, to read and rate.
		list, err := u.Appeals(ctx, usr.ID, 1)
		if err != nil || len(list) != 1 {
			t.Fatalf("her appeals: %v %v", list, err)
		}
		_, err = u.AddAppealMessage(ctx, azizayol.AppealMessage{AppealID: list[0].ID, Author: azizayol.ByAgency,
			Text:    "Murojaatingiz koʻrib chiqildi. Uy-joy masalasi boʻyicha mahalla raisi bilan birga hokimlikka keling: pasport va ish joyidan maʼlumotnoma olib keling. Qabul kunlari: dushanba va payshanba, 9:00–13:00.",
			Created: clk.now})
		if err != nil {
			t.Fatal(err)
		}
		_, out, _ := w.handle(menu, typed(map[azizayol.Lang]string{azizayol.UzLatn: "menyu", azizayol.UzCyrl: "меню", azizayol.Ru: "меню"}[lang]))
		w.menu, w.menuPrompt = menu, out[len(out)-1]
		walks = append(walks, w)
	}
	// What the appeals made is committed for the walks, each step of which is undone.
	if err := u.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	for _, w := range walks {
		w.store.Store = nil // each step has its own transaction
		w.walk(w.menu, w.menuPrompt)
	}

	var b strings.Builder
	fmt.Fprintf(&b, "segments by SMS (encoding, characters) — at most %d\n", maxSegments)
	fmt.Fprintf(&b, "%-32s", "step or message")
	for _, lang := range azizayol.Langs {
		fmt.Fprintf(&b, " %-18s", lang)
	}
	b.WriteString("\n")
	keys := make([]string, 0, len(table))
	for k := range table {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "%-32s", k)
		for _, lang := range azizayol.Langs {
			c, ok := table[k][lang]
			if !ok {
				fmt.Fprintf(&b, " %-18s", "-")
				continue
			}
			fmt.Fprintf(&b, " %-18s", fmt.Sprintf("%d %s %d", c.parts, c.encoding, c.units))
			if c.parts > maxSegments {
				t.Errorf("%s in %s takes %d SMS (%s, %d characters), over %d", k, lang, c.parts, c.encoding, c.units, maxSegments)
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("a full appeal by SMS, from her first SMS to the confirmation:")
	for _, lang := range azizayol.Langs {
		fmt.Fprintf(&b, " %s %d SMS;", lang, cost[lang])
	}
	t.Log("\n" + b.String())
}
