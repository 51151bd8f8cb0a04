package crisis

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Every entry of words.txt has the kind of its section and a language block, and
// Seed lists them in the order Entries does.
func TestSeed(t *testing.T) {
	seed := Seed()
	if !slices.Equal(func() []string {
		var s []string
		for _, e := range seed {
			s = append(s, e.Text)
		}
		return s
	}(), Entries()) {
		t.Fatal("Seed and Entries differ")
	}
	perKind := map[Kind]int{}
	for _, e := range seed {
		if !e.Kind.Valid() || !slices.Contains(Langs, e.Lang) {
			t.Errorf("seed entry %+v: kind or language unknown", e)
		}
		perKind[e.Kind]++
	}
	for _, k := range Kinds {
		if perKind[k] == 0 {
			t.Errorf("no entries of kind %s", k)
		}
	}
	byText := map[string]Entry{}
	for _, e := range seed {
		byText[e.Text] = e
	}
	for text, kind := range map[string]Kind{"yordam": Help, "1146": Help, "zo'ravon*": Violence,
		"o'zimni o'ldir*": SelfHarm, "не хочу жить": SelfHarm, "meni o'ldir*": Danger, "мне страшно": Danger} {
		if byText[text].Kind != kind {
			t.Errorf("%q is of kind %q, want %q", text, byText[text].Kind, kind)
		}
	}
	if e := byText["=o'lgim"]; e.Lang != "uz-latn" || !strings.Contains(e.Note, "I want to buy") {
		t.Errorf("=o'lgim: %+v, want its block and comment", e)
	}
}

// Harm follows the kinds of the entries.
func TestBuildHarmByKind(t *testing.T) {
	m, err := Build([]Entry{{Text: "yordam", Kind: Help}, {Text: "urdi", Kind: Violence}, {Text: "o'lgim", Kind: SelfHarm}})
	if err != nil {
		t.Fatal(err)
	}
	for text, harm := range map[string]bool{"yordam bering": false, "erim urdi": true, "o'lgim keldi": true} {
		if _, ok := m.Match(text); !ok || m.Harm(text) != harm {
			t.Errorf("%q: match %v, harm %v; want a match, harm %v", text, ok, m.Harm(text), harm)
		}
	}
	help, err := Build([]Entry{{Text: "yordam", Kind: Help}})
	if err != nil {
		t.Fatal(err)
	}
	if help.Harm("yordam") {
		t.Error("a list of help requests only: harm")
	}
	var none *Matcher
	if none.Harm("yordam") {
		t.Error("a nil matcher: harm")
	}
}

// Compile leaves out what is wrong and reports it; it fails only with nothing right.
func TestCompile(t *testing.T) {
	m, errs := Compile([]Entry{
		{Text: "yordam", Kind: Help}, {Text: "ur*", Kind: Violence}, {Text: "YORDAM", Kind: Help}, {Text: "urdi", Kind: Violence},
	})
	if m == nil || len(errs) != 2 {
		t.Fatalf("Compile: %v, %v", m, errs)
	}
	var e *EntryError
	if !errors.As(errs[0], &e) || e.Code != ErrShortStem || !errors.As(errs[1], &e) || e.Code != ErrDuplicate || e.Other != "yordam" {
		t.Errorf("errors %v", errs)
	}
	if _, ok := m.Match("erim urdi"); !ok || !m.Harm("erim urdi") {
		t.Error("the good entries after a bad one are left out")
	}
	if m, errs := Compile([]Entry{{Text: "ur*", Kind: Violence}}); m != nil || len(errs) != 2 {
		t.Errorf("nothing right: %v, %v", m, errs)
	}
	if m, errs := Compile(nil); m != nil || len(errs) != 1 {
		t.Errorf("nothing: %v, %v", m, errs)
	}
}

// Validate names what is wrong, with the details the console shows.
func TestValidate(t *testing.T) {
	others := []Entry{{Text: "zo'ravon*"}, {Text: "=o'lgim"}, {Text: "bad**"}}
	cases := []struct {
		entry string
		want  EntryError
	}{
		{"  ", EntryError{Code: ErrEmpty}},
		{"=", EntryError{Code: ErrEmpty}},
		{"yor\xffdam", EntryError{Code: ErrInvalidUTF8}},
		{"meni *", EntryError{Code: ErrLoneStar, Word: "*"}},
		{"zo*ravon", EntryError{Code: ErrStarInside, Word: "zo*ravon"}},
		{"uy-joy", EntryError{Code: ErrNotLetter, Word: "uy-joy", Char: '-'}},
		{"\u0301", EntryError{Code: ErrNoLetters, Word: "\u0301"}},
		{strings.Repeat("a", MaxWordBytes+1), EntryError{Code: ErrTooLong, Word: strings.Repeat("a", MaxWordBytes+1)}},
		{"meni ur*", EntryError{Code: ErrShortStem, Word: "ur*", Letters: 2}},
		{"1146ga", EntryError{Code: ErrMixed, Word: "1146ga"}},
		{"=yordam", EntryError{Code: ErrStrictNoApos}},
		{"ZORAVON*", EntryError{Code: ErrDuplicate, Other: "zo'ravon*"}},
		{"=oʻlgim", EntryError{Code: ErrDuplicate, Other: "=o'lgim"}},
	}
	for _, c := range cases {
		err := Validate(c.entry, others)
		var e *EntryError
		if !errors.As(err, &e) {
			t.Errorf("Validate(%q) = %v, want %s", c.entry, err, c.want.Code)
			continue
		}
		got := *e
		got.msg = ""
		if got != c.want || e.Error() == "" {
			t.Errorf("Validate(%q) = %+v (%q), want %+v", c.entry, got, e.Error(), c.want)
		}
	}
	for _, ok := range []string{"o'lgim", "zo'ravonlik", "meni o'ldir*", "yordam"} {
		if err := Validate(ok, others); err != nil {
			t.Errorf("Validate(%q) = %v", ok, err)
		}
	}
	// New's errors carry the codes too.
	_, err := New([]string{"yordam", "YORDAM"})
	var e *EntryError
	if !errors.As(err, &e) || e.Code != ErrDuplicate || !strings.Contains(err.Error(), `entry 2 "YORDAM": duplicate of entry 1`) {
		t.Errorf("New's duplicate error %v", err)
	}
}

// fakeSource is a vocabulary store.
type fakeSource struct {
	mu      sync.Mutex
	version int64
	entries []Entry
	err     error
	reads   atomic.Int32 // CrisisEntries calls
}

func (s *fakeSource) CrisisVersion(context.Context) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.version, s.err
}

func (s *fakeSource) CrisisEntries(context.Context) ([]Entry, int64, error) {
	s.reads.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.entries), s.version, s.err
}

func (s *fakeSource) set(version int64, entries ...Entry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.version, s.entries = version, entries
}

// A vocabulary starts with words.txt, takes the store's list when it changes, and
// keeps the list in use when the store fails or has nothing that compiles.
func TestVocabularyReload(t *testing.T) {
	ctx := context.Background()
	src := &fakeSource{}
	v := NewVocabulary(src)
	if v.Matcher() != Default() || v.Version() != -1 {
		t.Fatal("a new vocabulary is not words.txt")
	}
	if _, ok := v.Match("не хочу жить"); !ok || !v.Harm("не хочу жить") {
		t.Fatal("words.txt does not match")
	}
	src.set(1, Entry{Text: "yangi xavf", Kind: Danger}, Entry{Text: "ur*", Kind: Violence})
	if err := v.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if v.Version() != 1 || len(v.Skipped()) != 1 {
		t.Fatalf("version %d, skipped %v", v.Version(), v.Skipped())
	}
	if _, ok := v.Match("не хочу жить"); ok {
		t.Error("the old list still matches")
	}
	if _, ok := v.Match("bu yangi xavf"); !ok || !v.Harm("bu yangi xavf") {
		t.Error("the new list does not match")
	}
	// The same version: nothing is read again.
	reads := src.reads.Load()
	if err := v.Reload(ctx); err != nil || src.reads.Load() != reads {
		t.Errorf("an unchanged version was read again (%v)", err)
	}
	// The store fails: the list stays.
	src.err = errors.New("down")
	if err := v.Reload(ctx); err == nil || v.Version() != 1 {
		t.Errorf("a failing store: %v, version %d", err, v.Version())
	}
	src.err = nil
	// Nothing compiles: the list stays, and that version is not tried again.
	src.set(2, Entry{Text: "ur*", Kind: Violence})
	if err := v.Reload(ctx); err == nil || v.Version() != 1 {
		t.Errorf("nothing compiles: %v, version %d", err, v.Version())
	}
	reads = src.reads.Load()
	if err := v.Reload(ctx); err != nil || src.reads.Load() != reads {
		t.Errorf("a version that did not compile was tried again: %v", err)
	}
	if _, ok := v.Match("yangi xavf"); !ok {
		t.Error("the list in use was dropped")
	}
}

// Matching goes on, on one whole list or the other, while lists are swapped.
func TestVocabularySwapUnderLoad(t *testing.T) {
	ctx := context.Background()
	src := &fakeSource{}
	v := NewVocabulary(src)
	a := []Entry{{Text: "birinchi", Kind: Danger}, {Text: "ikkinchi", Kind: Danger}}
	b := []Entry{{Text: "uchinchi", Kind: Danger}, {Text: "tortinchi", Kind: Danger}}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				_, one := v.Match("birinchi")
				_, two := v.Match("ikkinchi")
				_ = one && two
			}
		})
	}
	for i := range 200 {
		list := a
		if i%2 == 1 {
			list = b
		}
		src.set(int64(i+1), list...)
		if err := v.Reload(ctx); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if _, ok := v.Match("tortinchi"); !ok || v.Version() != 200 {
		t.Errorf("after the swaps: version %d", v.Version())
	}
}

// Run reloads on its interval and at once after Kick.
func TestVocabularyRun(t *testing.T) {
	src := &fakeSource{}
	v := NewVocabulary(src)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		v.Run(ctx, time.Hour)
		close(done)
	}()
	src.set(5, Entry{Text: "sinov", Kind: Help})
	v.Kick()
	deadline := time.Now().Add(5 * time.Second)
	for v.Version() != 5 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if v.Version() != 5 {
		t.Fatal("Kick did not reload")
	}
	cancel()
	<-done

	v = NewVocabulary(src)
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	go v.Run(ctx, 10*time.Millisecond)
	deadline = time.Now().Add(5 * time.Second)
	for v.Version() != 5 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if v.Version() != 5 {
		t.Fatal("the interval did not reload")
	}
}
