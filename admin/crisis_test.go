package admin_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/admin"
	"github.com/azizayol/azizayol/crisis"
	"github.com/azizayol/azizayol/locales"
)

// crisisConsole is the console over a vocabulary seeded from words.txt, with the
// matcher of this instance reloaded after each change, as serve wires it.
type crisisConsole struct {
	*console
	vocab *crisis.Vocabulary
}

func newCrisisConsole(t *testing.T) *crisisConsole {
	t.Helper()
	c := newConsole(t)
	if _, err := c.db.SeedCrisisWords(context.Background(), crisis.Seed()); err != nil {
		t.Fatal(err)
	}
	v := crisis.NewVocabulary(c.db)
	if err := v.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	cons, err := admin.New(admin.Config{
		Store: c.db, Desk: admin.NewDesk(c.db, func(int64) {}, time.Now), Counter: c.rdb, Events: c.hub,
		CrisisChanged: func() {
			if err := v.Reload(context.Background()); err != nil {
				t.Error(err)
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	c.srv.Close()
	c.console, c.srv = cons, httptest.NewServer(cons)
	t.Cleanup(c.srv.Close)
	return &crisisConsole{console: c, vocab: v}
}

// word finds an entry by its text.
func (c *crisisConsole) word(text string) crisis.Word {
	c.t.Helper()
	list, err := c.db.CrisisWords(context.Background(), crisis.Filter{})
	if err != nil {
		c.t.Fatal(err)
	}
	for _, w := range list {
		if w.Text == text {
			return w
		}
	}
	c.t.Fatalf("no entry %q", text)
	return crisis.Word{}
}

func (c *crisisConsole) audited(me azizayol.Staff, action, detail string) bool {
	c.t.Helper()
	return c.countRows(`SELECT count(*) FROM audit_log WHERE staff_id = $1 AND action = $2 AND strpos(detail, $3) > 0`,
		me.ID, action, detail) == 1
}

func crisisText(t *testing.T, lang azizayol.Lang, id string, data map[string]any) string {
	t.Helper()
	s, err := locales.Text(lang, id, data)
	if err != nil {
		t.Fatal(err)
	}
	return html.EscapeString(s)
}

// Only super-admins see and change the vocabulary: everyone else gets 403 and
// changes nothing.
func TestCrisisPageIsForSuperAdmins(t *testing.T) {
	t.Parallel()
	c := newCrisisConsole(t)
	root := c.staff(azizayol.SuperAdmin, "")
	id := itoa(c.word("yordam").ID)
	before := c.countRows(`SELECT count(*) FROM crisis_word_history`)
	for _, s := range []azizayol.Staff{c.staff(azizayol.AgencyAdmin, "rehab"), c.staff(azizayol.Operator, "rehab")} {
		cl := c.login(s)
		for _, path := range []string{"/admin/crisis", "/admin/crisis/" + id} {
			if resp, _ := c.get(cl, path); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s GET %s: %d, want 403", s.Role, path, resp.StatusCode)
			}
		}
		for path, form := range map[string]url.Values{
			"/admin/crisis":                   {"entry": {"yangi"}, "kind": {"danger"}},
			"/admin/crisis/" + id:             {"entry": {"yordamm"}, "kind": {"help"}},
			"/admin/crisis/" + id + "/active": {"active": {"0"}},
		} {
			if resp := c.post(cl, path, form); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s POST %s: %d, want 403", s.Role, path, resp.StatusCode)
			}
		}
		_, body := c.get(cl, "/admin/inbox")
		if strings.Contains(body, `href="/admin/crisis"`) {
			t.Errorf("%s sees the link to the vocabulary", s.Role)
		}
	}
	if n := c.countRows(`SELECT count(*) FROM crisis_word_history`); n != before || c.word("yordam").Active != true {
		t.Error("a refused request changed the vocabulary")
	}
	resp, body := c.get(c.login(root), "/admin/crisis")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `href="/admin/crisis"`) || !strings.Contains(body, "o&#39;zimni o&#39;ldir*") {
		t.Errorf("the super-admin's page: %d", resp.StatusCode)
	}
}

// The list filters by kind, language, state and a search in entries and notes; a
// phrase can be tried against the active entries.
func TestCrisisListFilterAndTry(t *testing.T) {
	t.Parallel()
	c := newCrisisConsole(t)
	cl := c.login(c.staff(azizayol.SuperAdmin, ""))
	rows := func(body string) int {
		return strings.Count(body, `<tr><td><a href="/admin/crisis/`) + strings.Count(body, `<tr class="muted"><td><a href="/admin/crisis/`)
	}
	_, all := c.get(cl, "/admin/crisis")
	total := len(crisis.Seed())
	if n := rows(all); n != total {
		t.Errorf("the whole list has %d rows, want %d", n, total)
	}
	_, body := c.get(cl, "/admin/crisis?kind=self_harm&lang=ru")
	if n := rows(body); n == 0 || n >= total || !strings.Contains(body, "не хочу жить") || strings.Contains(body, ">yordam<") {
		t.Errorf("self_harm/ru: %d rows", n)
	}
	_, body = c.get(cl, "/admin/crisis?q=ПОКОНЧ")
	if n := rows(body); n != 3 || !strings.Contains(body, "поконч* с собой") {
		t.Errorf("search ПОКОНЧ: %d rows", n)
	}
	_, body = c.get(cl, "/admin/crisis?q="+url.QueryEscape("I want to buy"))
	if n := rows(body); n != 1 || !strings.Contains(body, "=o&#39;lgim") {
		t.Errorf("search in the notes: %d rows", n)
	}
	_, body = c.get(cl, "/admin/crisis?state=inactive")
	if n := rows(body); n != 0 || !strings.Contains(body, crisisText(t, azizayol.UzLatn, "console.crisis.empty", nil)) {
		t.Errorf("inactive: %d rows", n)
	}
	_, body = c.get(cl, "/admin/crisis?try="+url.QueryEscape("Men endi yashagim kelmayapti"))
	if !strings.Contains(body, crisisText(t, azizayol.UzLatn, "console.crisis.try_match", map[string]any{"Entry": "yashagim kelma*"})) ||
		!strings.Contains(body, crisisText(t, azizayol.UzLatn, "console.crisis.try_harm", nil)) {
		t.Errorf("trying a phrase of harm: %s", between(body, `id="tried"`, "</p>"))
	}
	_, body = c.get(cl, "/admin/crisis?try="+url.QueryEscape("kurs tanlashda yordam bering"))
	if !strings.Contains(body, crisisText(t, azizayol.UzLatn, "console.crisis.try_help", nil)) {
		t.Errorf("trying a request for help: %s", between(body, `id="tried"`, "</p>"))
	}
	_, body = c.get(cl, "/admin/crisis?try="+url.QueryEscape("Kurslar haqida maʼlumot"))
	if !strings.Contains(body, crisisText(t, azizayol.UzLatn, "console.crisis.try_none", nil)) {
		t.Errorf("trying an everyday phrase: %s", between(body, `id="tried"`, "</p>"))
	}
}

func between(s, from, to string) string {
	_, s, _ = strings.Cut(s, from)
	s, _, _ = strings.Cut(s, to)
	return s
}

// Adding, editing, deactivating and activating: each is checked, kept in the
// entry's history and in the audit log, and the bot of this instance matches with
// the new list at once; another instance at its next reload.
func TestCrisisEditing(t *testing.T) {
	t.Parallel()
	c := newCrisisConsole(t)
	root := c.staff(azizayol.SuperAdmin, "")
	cl := c.login(root)
	other := crisis.NewVocabulary(c.db) // another instance
	if err := other.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	phrase := "Men oʻzimni yoʻq qilaman"
	if _, ok := c.vocab.Match(phrase); ok {
		t.Fatalf("%q matches before it is added", phrase)
	}

	resp := c.post(cl, "/admin/crisis", url.Values{"entry": {"o'zimni yo'q qila*"}, "kind": {"self_harm"}, "lang": {"uz-latn"}, "note": {"yangi ibora"}})
	w := c.word("o'zimni yo'q qila*")
	if want := "/admin/crisis/" + itoa(w.ID) + "?done=console.done.saved"; resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
		t.Fatalf("add: %d to %q, want 303 to %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	if w.Kind != crisis.SelfHarm || w.Lang != "uz-latn" || w.Note != "yangi ibora" || !w.Active || w.By != root.Email {
		t.Errorf("added %+v", w)
	}
	if e, ok := c.vocab.Match(phrase); !ok || e != "o'zimni yo'q qila*" || !c.vocab.Harm(phrase) {
		t.Errorf("this instance does not match the new entry at once: %q, %v", e, ok)
	}
	if _, ok := other.Match(phrase); ok {
		t.Error("the other instance matched before its reload")
	}
	if err := other.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, ok := other.Match(phrase); !ok || other.Version() != c.vocab.Version() {
		t.Error("the other instance does not match the new entry after its reload")
	}
	if !c.audited(root, "crisis_add", `"o'zimni yo'q qila*" self_harm uz-latn`) {
		t.Error("the addition is not in the audit log")
	}

	// Edit: the text and the kind.
	resp = c.post(cl, "/admin/crisis/"+itoa(w.ID), url.Values{"entry": {"o'zimni yo'q qilmoqchi*"}, "kind": {"danger"}, "lang": {"uz-latn"}, "note": {"yangi ibora"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", resp.StatusCode)
	}
	if !c.audited(root, "crisis_edit", `"o'zimni yo'q qila*" self_harm uz-latn → "o'zimni yo'q qilmoqchi*" danger uz-latn`) {
		t.Error("the edit is not in the audit log")
	}
	if _, ok := c.vocab.Match(phrase); ok {
		t.Error("the old text still matches")
	}
	phrase = "Men oʻzimni yoʻq qilmoqchiman"
	if !c.vocab.Harm(phrase) {
		t.Error("the edited entry does not match")
	}

	// Deactivate, then activate again.
	if resp := c.post(cl, "/admin/crisis/"+itoa(w.ID)+"/active", url.Values{"active": {"0"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", resp.StatusCode)
	}
	if _, ok := c.vocab.Match(phrase); ok {
		t.Error("a deactivated entry still matches")
	}
	if resp := c.post(cl, "/admin/crisis/"+itoa(w.ID)+"/active", url.Values{"active": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("activate: %d", resp.StatusCode)
	}
	if _, ok := c.vocab.Match(phrase); !ok {
		t.Error("an activated entry does not match")
	}
	for _, action := range []string{"crisis_deactivate", "crisis_activate"} {
		if !c.audited(root, action, "#"+itoa(w.ID)+" ") {
			t.Errorf("no %s in the audit log", action)
		}
	}
	// Saving what did not change records nothing.
	n := c.countRows(`SELECT count(*) FROM crisis_word_history WHERE word_id = $1`, w.ID)
	c.post(cl, "/admin/crisis/"+itoa(w.ID)+"/active", url.Values{"active": {"1"}})
	if m := c.countRows(`SELECT count(*) FROM crisis_word_history WHERE word_id = $1`, w.ID); m != n || n != 4 {
		t.Errorf("%d history lines, then %d after saving nothing; want 4", n, m)
	}

	// The entry's page shows its whole history.
	_, body := c.get(cl, "/admin/crisis/"+itoa(w.ID))
	for _, id := range []string{"console.crisis.action.add", "console.crisis.action.edit", "console.crisis.action.deactivate", "console.crisis.action.activate"} {
		if !strings.Contains(body, crisisText(t, azizayol.UzLatn, id, nil)) {
			t.Errorf("the history lacks %s", id)
		}
	}
	if strings.Count(body, "o&#39;zimni yo&#39;q qila*") < 2 || !strings.Contains(body, root.Email) {
		t.Error("the history does not show the text before and after, and who")
	}
	// The list's latest changes too, and the seed.
	_, body = c.get(cl, "/admin/crisis")
	if !strings.Contains(body, crisisText(t, azizayol.UzLatn, "console.crisis.action.activate", nil)) {
		t.Error("the list does not show the latest changes")
	}
	if resp, _ := c.get(cl, "/admin/crisis/999999"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown entry: %d", resp.StatusCode)
	}
}

// An entry is checked before it is saved, and what is wrong is said in her language;
// nothing is saved.
func TestCrisisValidation(t *testing.T) {
	t.Parallel()
	c := newCrisisConsole(t)
	root := c.staff(azizayol.SuperAdmin, "")
	ru := c.staff(azizayol.SuperAdmin, "")
	if err := c.db.SetStaffLang(context.Background(), ru.ID, azizayol.Ru); err != nil {
		t.Fatal(err)
	}
	browsers := map[azizayol.Lang]*http.Client{azizayol.UzLatn: c.login(root), azizayol.Ru: c.login(ru)}
	yordam := c.word("yordam")
	cases := []struct {
		entry, kind string
		id          string
		data        map[string]any
	}{
		{"ur*", "violence", "console.crisis.err.short_stem", map[string]any{"Word": "ur*", "Letters": 2, "Min": 4}},
		{"meni бей*", "violence", "console.crisis.err.short_stem", map[string]any{"Word": "бей*", "Letters": 3, "Min": 4}},
		{"ZORAVON*", "violence", "console.crisis.err.duplicate", map[string]any{"Other": "zo'ravon*"}},
		{"uy-joy", "help", "console.crisis.err.not_letter", map[string]any{"Word": "uy-joy", "Char": "-"}},
		{"1146ga", "help", "console.crisis.err.mixed", map[string]any{"Word": "1146ga"}},
		{"=yordam", "help", "console.crisis.err.strict_no_apos", nil},
		{"zo*r", "violence", "console.crisis.err.star_inside", map[string]any{"Word": "zo*r"}},
		{"", "help", "console.crisis.err.empty", nil},
		{"yangi", "", "console.crisis.err.kind", nil},
		{"yangi", "harm", "console.crisis.err.kind", nil},
	}
	before := c.countRows(`SELECT count(*) FROM crisis_word_history`)
	for lang, cl := range browsers {
		for _, tc := range cases {
			// As a new entry, and as an edit of another.
			for _, path := range []string{"/admin/crisis", "/admin/crisis/" + itoa(yordam.ID)} {
				resp, body, err := postForm(cl, c.srv.URL+path, url.Values{"entry": {tc.entry}, "kind": {tc.kind}}, sameOrigin...)
				if err != nil {
					t.Fatal(err)
				}
				want := crisisText(t, lang, tc.id, tc.data)
				if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, want) {
					t.Errorf("%s %s %q: %d, want 422 with %q; said %q", lang, path, tc.entry, resp.StatusCode, want,
						between(body, `class="error" role="alert">`, "</p>"))
				}
			}
		}
	}
	if n := c.countRows(`SELECT count(*) FROM crisis_word_history`); n != before {
		t.Errorf("refused entries were saved: %d history lines, were %d", n, before)
	}
	// An entry may keep its own words when edited (not a duplicate of itself), and a
	// deactivated entry's words may be used again; activating it then is refused.
	cl := browsers[azizayol.UzLatn]
	if resp := c.post(cl, "/admin/crisis/"+itoa(yordam.ID), url.Values{"entry": {"yordam"}, "kind": {"help"}, "note": {"izoh"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("editing the note alone: %d", resp.StatusCode)
	}
	c.post(cl, "/admin/crisis/"+itoa(yordam.ID)+"/active", url.Values{"active": {"0"}})
	if resp := c.post(cl, "/admin/crisis", url.Values{"entry": {"YORDAM"}, "kind": {"help"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the words of a deactivated entry: %d", resp.StatusCode)
	}
	resp, body, err := postForm(cl, c.srv.URL+"/admin/crisis/"+itoa(yordam.ID)+"/active", url.Values{"active": {"1"}}, sameOrigin...)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, crisisText(t, azizayol.UzLatn, "console.crisis.err.duplicate", map[string]any{"Other": "YORDAM"})) {
		t.Errorf("activating a duplicate: %d", resp.StatusCode)
	}
}

// The last active entry cannot be deactivated: the bot would recognise no crisis.
func TestCrisisLastEntryStays(t *testing.T) {
	t.Parallel()
	c := newConsole(t)
	root := c.staff(azizayol.SuperAdmin, "")
	w, _, err := c.db.SaveCrisisWord(context.Background(), crisis.Word{Entry: crisis.Entry{Text: "yordam", Kind: crisis.Help}}, root)
	if err != nil {
		t.Fatal(err)
	}
	resp, body, err := postForm(c.login(root), c.srv.URL+"/admin/crisis/"+itoa(w.ID)+"/active", url.Values{"active": {"0"}}, sameOrigin...)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, crisisText(t, azizayol.UzLatn, "console.crisis.err.last", nil)) {
		t.Errorf("deactivating the last entry: %d", resp.StatusCode)
	}
}

// crisisWords holds, per authorisation world, an entry for the vocabulary's routes.
var crisisWords sync.Map

// crisisWordID is an entry of the vocabulary for the authorisation matrix, added the
// first time it is asked for.
func (w *authzWorld) crisisWordID() int64 {
	if id, ok := crisisWords.Load(w); ok {
		return id.(int64)
	}
	saved, _, err := w.c.db.SaveCrisisWord(context.Background(),
		crisis.Word{Entry: crisis.Entry{Text: fmt.Sprintf("sinov%d", time.Now().UnixNano()%1000), Kind: crisis.Danger}},
		w.staff["root"])
	if err != nil {
		w.t.Fatal(err)
	}
	id, _ := crisisWords.LoadOrStore(w, saved.ID)
	return id.(int64)
}
