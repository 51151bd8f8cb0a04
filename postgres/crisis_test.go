package postgres_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/crisis"
	"github.com/azizayol/azizayol/postgres"
)

func seed(t *testing.T, db *postgres.DB, entries []crisis.Entry) int {
	t.Helper()
	n, err := db.SeedCrisisWords(t.Context(), entries)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func version(t *testing.T, db *postgres.DB) int64 {
	t.Helper()
	v, err := db.CrisisVersion(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// words.txt seeds the vocabulary once, in its order, with kinds, languages and
// notes; instances starting together add each entry once; a later seed adds only
// what is new in words.txt, and never brings back what a super-admin changed.
func TestSeedCrisisWords(t *testing.T) {
	db, raw := open(t)
	all := crisis.Seed()
	if v := version(t, db); v != 0 {
		t.Fatalf("version %d before the seed", v)
	}
	var wg sync.WaitGroup
	added := make([]int, 4)
	for i := range added {
		wg.Go(func() {
			n, err := db.SeedCrisisWords(context.Background(), all)
			if err != nil {
				t.Error(err)
			}
			added[i] = n
		})
	}
	wg.Wait()
	total := 0
	for _, n := range added {
		total += n
	}
	if total != len(all) {
		t.Fatalf("concurrent seeds added %v, want %d in all", added, len(all))
	}
	entries, v, err := db.CrisisEntries(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if v < 1 || len(entries) != len(all) {
		t.Fatalf("version %d, %d entries, want %d", v, len(entries), len(all))
	}
	for i := range all {
		if entries[i] != all[i] {
			t.Fatalf("entry %d is %+v, want %+v", i, entries[i], all[i])
		}
	}
	if n := count(t, raw, `SELECT count(*) FROM crisis_word_history WHERE action = 'seed' AND by_email = 'words.txt'`); n != len(all) {
		t.Errorf("%d seed lines in the history, want %d", n, len(all))
	}
	if n := seed(t, db, all); n != 0 || version(t, db) != v {
		t.Errorf("a second seed added %d and moved the version to %d", n, version(t, db))
	}

	// A super-admin deactivates one entry and rewrites another.
	root := staffMember(t, db)
	words, err := db.CrisisWords(t.Context(), crisis.Filter{Query: "qutqar*"})
	if err != nil || len(words) != 1 {
		t.Fatalf("qutqar*: %+v, %v", words, err)
	}
	off := words[0]
	off.Active = false
	if _, _, err := db.SaveCrisisWord(t.Context(), off, root); err != nil {
		t.Fatal(err)
	}
	words, _ = db.CrisisWords(t.Context(), crisis.Filter{Query: "kutkar*"})
	edited := words[0]
	edited.Text = "kutqar*"
	if _, _, err := db.SaveCrisisWord(t.Context(), edited, root); err != nil {
		t.Fatal(err)
	}
	// The next release brings one new entry.
	next := append(crisis.Seed(), crisis.Entry{Text: "yangi soʻz", Kind: crisis.Danger, Lang: "uz-latn", Note: "new"})
	if n := seed(t, db, next); n != 1 {
		t.Errorf("the next release added %d entries, want 1", n)
	}
	entries, _, _ = db.CrisisEntries(t.Context())
	texts := map[string]bool{}
	for _, e := range entries {
		texts[e.Text] = true
	}
	if texts["qutqar*"] || texts["kutkar*"] || !texts["kutqar*"] || !texts["yangi soʻz"] || len(entries) != len(all) {
		t.Errorf("after the next release: qutqar* %v, kutkar* %v, kutqar* %v, new %v, %d entries",
			texts["qutqar*"], texts["kutkar*"], texts["kutqar*"], texts["yangi soʻz"], len(entries))
	}
}

func staffMember(t *testing.T, db *postgres.DB) azizayol.Staff {
	t.Helper()
	s := azizayol.Staff{Email: "root@minfamily.example.uz", Name: "Root", Role: azizayol.SuperAdmin, Lang: azizayol.UzLatn}
	var err error
	if s.ID, err = db.CreateStaff(t.Context(), s, "-"); err != nil {
		t.Fatal(err)
	}
	return s
}

// Adding, editing, deactivating and activating an entry: each is a line of its
// history with who, when, before and after, and makes the version grow; saving
// what did not change records nothing.
func TestSaveCrisisWord(t *testing.T) {
	db, raw := open(t)
	root := staffMember(t, db)
	ctx := t.Context()
	v0 := version(t, db)

	w, action, err := db.SaveCrisisWord(ctx, crisis.Word{Entry: crisis.Entry{Text: "o'zimni yo'q qil*", Kind: crisis.SelfHarm, Lang: "uz-latn", Note: "yangi"}}, root)
	if err != nil || action != crisis.ActionAdd || w.ID == 0 || !w.Active || w.By != root.Email || w.At.IsZero() {
		t.Fatalf("added %+v, %q, %v", w, action, err)
	}
	steps := []struct {
		change func(*crisis.Word)
		action string
	}{
		{func(w *crisis.Word) { w.Text, w.Note = "o'zimni yo'q qilaman", "aniqroq" }, crisis.ActionEdit},
		{func(w *crisis.Word) { w.Active = false }, crisis.ActionDeactivate},
		{func(w *crisis.Word) {}, ""},
		{func(w *crisis.Word) { w.Active = true }, crisis.ActionActivate},
		{func(w *crisis.Word) { w.Kind = crisis.Danger }, crisis.ActionEdit},
	}
	want := int64(1)
	for i, s := range steps {
		before := w
		next := w
		s.change(&next)
		got, action, err := db.SaveCrisisWord(ctx, next, root)
		if err != nil || action != s.action {
			t.Fatalf("step %d: %q, %v; want %q", i, action, err, s.action)
		}
		if s.action != "" {
			want++
		}
		if got.Entry != next.Entry || got.Active != next.Active {
			t.Errorf("step %d: saved %+v, want %+v", i, got, next)
		}
		if s.action == "" {
			continue
		}
		h, err := db.CrisisHistory(ctx, w.ID, 1)
		if err != nil || len(h) != 1 {
			t.Fatalf("step %d: history %+v, %v", i, h, err)
		}
		c := h[0]
		if c.Action != s.action || c.By != root.Email || c.Old != before.Entry || c.New != next.Entry ||
			c.OldActive != before.Active || c.NewActive != next.Active || c.WordID != w.ID {
			t.Errorf("step %d: history line %+v\nbefore %+v\nafter  %+v", i, c, before, next)
		}
		w = got
	}
	if v := version(t, db); v != v0+want {
		t.Errorf("version %d after %d changes from %d", v, want, v0)
	}
	h, _ := db.CrisisHistory(ctx, 0, 100)
	if len(h) != int(want) || h[len(h)-1].Action != crisis.ActionAdd || h[len(h)-1].Old != (crisis.Entry{}) {
		t.Errorf("the whole history %+v", h)
	}
	if n := count(t, raw, `SELECT count(*) FROM crisis_word_history WHERE staff_id = $1`, root.ID); n != int(want) {
		t.Errorf("%d history lines name her account, want %d", n, want)
	}
	if _, err := db.CrisisWord(ctx, 999999); !errors.Is(err, azizayol.ErrNotFound) {
		t.Errorf("an unknown entry: %v", err)
	}
	if _, _, err := db.SaveCrisisWord(ctx, crisis.Word{ID: 999999, Entry: crisis.Entry{Text: "x", Kind: crisis.Help}}, root); !errors.Is(err, azizayol.ErrNotFound) {
		t.Errorf("saving an unknown entry: %v", err)
	}
}

// The console's filters.
func TestCrisisWordsFilter(t *testing.T) {
	db, _ := open(t)
	seed(t, db, crisis.Seed())
	root := staffMember(t, db)
	ctx := t.Context()
	list := func(f crisis.Filter) []crisis.Word {
		t.Helper()
		l, err := db.CrisisWords(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	all := list(crisis.Filter{})
	if len(all) != len(crisis.Seed()) {
		t.Fatalf("%d entries", len(all))
	}
	for _, w := range list(crisis.Filter{Kind: crisis.SelfHarm, Lang: "ru"}) {
		if w.Kind != crisis.SelfHarm || w.Lang != "ru" {
			t.Errorf("filter self_harm/ru gave %+v", w)
		}
	}
	if l := list(crisis.Filter{Query: "ПОКОНЧ"}); len(l) < 2 || !strings.HasPrefix(l[0].Text, "поконч") {
		t.Errorf("search ПОКОНЧ: %+v", l)
	}
	if l := list(crisis.Filter{Query: "apostrophe-free"}); len(l) != 0 {
		t.Errorf("search in notes found %+v", l)
	}
	if l := list(crisis.Filter{Query: "I want to buy"}); len(l) != 1 || l[0].Text != "=o'lgim" {
		t.Errorf("search in notes: %+v", l)
	}
	off := all[0]
	off.Active = false
	if _, _, err := db.SaveCrisisWord(ctx, off, root); err != nil {
		t.Fatal(err)
	}
	if l := list(crisis.Filter{State: "inactive"}); len(l) != 1 || l[0].ID != off.ID {
		t.Errorf("inactive: %+v", l)
	}
	if l := list(crisis.Filter{State: "active"}); len(l) != len(all)-1 {
		t.Errorf("%d active", len(l))
	}
}

// crisisCase asks the store for her crisis case in a transaction of its own.
func crisisCase(t *testing.T, db *postgres.DB, u azizayol.User, at time.Time) (azizayol.Appeal, bool) {
	t.Helper()
	var a azizayol.Appeal
	var opened bool
	do(t, db, func(ctx context.Context, tx azizayol.Tx) (err error) {
		a, opened, err = tx.CrisisCase(ctx, u.ID, azizayol.Ru, at)
		return err
	})
	return a, opened
}

type noteRow struct {
	Author, Staff, Text string
}

func thread(t *testing.T, db *postgres.DB, id int64) []noteRow {
	t.Helper()
	root := azizayol.Staff{Role: azizayol.SuperAdmin}
	_, entries, err := db.DeskAppeal(t.Context(), root, id)
	if err != nil {
		t.Fatal(err)
	}
	var out []noteRow
	for _, e := range entries {
		out = append(out, noteRow{string(e.Author), e.Staff, e.Text})
	}
	return out
}

// One open crisis case per woman: urgent, for the rehabilitation centre, due in 24
// hours, with a fixed line and none of her words; words of harm again add a line at
// most once an hour, and put an answered case back to work; once closed, the next
// words of harm open a new one. Her Telegram and her SMS number are one woman.
func TestCrisisCase(t *testing.T) {
	db, raw := open(t)
	at := time.Date(2026, 3, 8, 23, 40, 0, 0, azizayol.Tashkent)
	her := user(t, db, azizayol.Telegram, "555001")

	a, opened := crisisCase(t, db, her, at)
	if !opened || a.Topic != azizayol.TopicCrisis || a.Kind != azizayol.KindConsultation || !a.Urgent || a.Agency.Code != "rehab" ||
		a.Status != azizayol.Received || a.UserID != her.ID || a.Channel != azizayol.Telegram || a.Lang != azizayol.Ru ||
		a.Phone != "" || a.RegionCode != "" || !a.Filed.Equal(at) || !a.Deadline.Equal(at.Add(24*time.Hour)) || a.Number == "" {
		t.Fatalf("case %+v (opened %v)", a, opened)
	}
	th := thread(t, db, a.ID)
	if len(th) != 1 || th[0].Author != "note" || th[0].Staff != postgres.CrisisStaff ||
		!strings.Contains(th[0].Text, "08.03.2026 23:40") || !strings.Contains(th[0].Text, "telegram") {
		t.Fatalf("thread %+v", th)
	}
	if n := count(t, raw, `SELECT count(*) FROM appeals WHERE danger AND consent_version IS NULL AND id = $1`, a.ID); n != 1 {
		t.Errorf("the case is not marked danger without consent")
	}

	// Half an hour later: the same case, no new line.
	again, opened := crisisCase(t, db, her, at.Add(30*time.Minute))
	if opened || again.ID != a.ID || len(thread(t, db, a.ID)) != 1 {
		t.Errorf("again after 30 minutes: %+v, opened %v, thread %+v", again, opened, thread(t, db, a.ID))
	}
	// Two hours later: a line, from her SMS number (the same woman).
	exec(t, raw, `UPDATE users SET phone = '+998901112233' WHERE id = $1`, her.ID)
	sms := user(t, db, azizayol.SMS, "+998901112233")
	again, opened = crisisCase(t, db, sms, at.Add(2*time.Hour))
	th = thread(t, db, a.ID)
	if opened || again.ID != a.ID || len(th) != 2 || !strings.Contains(th[1].Text, "sms") || !strings.Contains(th[1].Text, "09.03.2026 01:40") {
		t.Errorf("again from SMS: %+v, opened %v, thread %+v", again, opened, th)
	}

	// Answered, then words of harm again: back to work, 24 hours from then.
	exec(t, raw, `UPDATE appeals SET status = 'answered' WHERE id = $1`, a.ID)
	later := at.Add(72 * time.Hour)
	again, _ = crisisCase(t, db, her, later)
	if again.ID != a.ID || again.Status != azizayol.InProgress || !again.Deadline.Equal(later.Add(24*time.Hour)) {
		t.Errorf("after an answer: %+v", again)
	}
	// Closed: the next words of harm open a new case.
	exec(t, raw, `UPDATE appeals SET status = 'closed' WHERE id = $1`, a.ID)
	next, opened := crisisCase(t, db, her, later.Add(time.Hour))
	if !opened || next.ID == a.ID || next.Number == a.Number {
		t.Errorf("after closing: %+v, opened %v", next, opened)
	}
	if n := count(t, raw, `SELECT count(*) FROM appeals WHERE topic = 'crisis'`); n != 2 {
		t.Errorf("%d crisis cases", n)
	}
	// The database keeps two open ones of one user apart.
	if _, err := raw.Exec(t.Context(), `UPDATE appeals SET status = 'received' WHERE id = $1`, a.ID); err == nil {
		t.Error("two open crisis cases of one user")
	}
}

// A crisis case that cannot be opened changes nothing and leaves the transaction
// usable: the guidance and the rest of the message go on.
func TestCrisisCaseFailureLeavesTheTransactionUsable(t *testing.T) {
	db, raw := open(t)
	her := user(t, db, azizayol.Telegram, "555002")
	do(t, db, func(ctx context.Context, tx azizayol.Tx) error {
		if _, _, err := tx.CrisisCase(ctx, 987654321, azizayol.Ru, time.Now()); err == nil {
			t.Error("a crisis case for no user")
		}
		_, _, err := tx.CrisisCase(ctx, her.ID, azizayol.Ru, time.Now())
		return err
	})
	if n := count(t, raw, `SELECT count(*) FROM appeals WHERE topic = 'crisis' AND user_id = $1`, her.ID); n != 1 {
		t.Errorf("%d crisis cases after a failed one in the same transaction", n)
	}
}
