package crisis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// The vocabulary as data. words.txt is the seed and the documentation of the
// syntax; the platform keeps the vocabulary in its database, where super-admins
// review and edit it in the console with its history (postgres/crisis.go,
// admin/crisis.go). Every instance matches with a Vocabulary: a Matcher built
// from the active entries, swapped whole when they change.

// Kind is what an entry speaks of: the sections of words.txt.
type Kind string

const (
	// Help: a request for help ("yordam", "помогите", 1146). It brings the
	// emergency guidance, but is not by itself harm (see Matcher.Harm).
	Help     Kind = "help"
	Violence Kind = "violence"  // physical, sexual, domestic violence, threats, trafficking, forced marriage, stalking
	SelfHarm Kind = "self_harm" // suicide and self-harm
	Danger   Kind = "danger"    // immediate danger
)

// Kinds lists the kinds in the order of words.txt.
var Kinds = []Kind{Help, Violence, SelfHarm, Danger}

// Valid tells whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Harm tells whether entries of this kind speak of harm itself: every kind but
// Help.
func (k Kind) Harm() bool { return k.Valid() && k != Help }

// sectionKind is the kind of a "## " section of words.txt ("" for an unknown
// heading, which a test rules out).
func sectionKind(heading string) Kind {
	switch heading {
	case "HELP REQUESTS":
		return Help
	case "VIOLENCE":
		return Violence
	case "SUICIDE AND SELF-HARM":
		return SelfHarm
	case "IMMEDIATE DANGER":
		return Danger
	}
	return ""
}

// Langs lists the language blocks of words.txt: Uzbek Latin, Uzbek Cyrillic,
// Russian, Russian typed in Latin letters, and any language (numbers, SOS).
var Langs = []string{"uz-latn", "uz-cyrl", "ru", "ru-latn", "any"}

// Entry is one entry of the vocabulary: its text in the words.txt syntax (word,
// stem*, a phrase, =entry), what it speaks of, and for the people who keep it,
// its language block and a note (the comment beside it in words.txt).
type Entry struct {
	Text string
	Kind Kind
	Lang string
	Note string
}

// Seed returns the entries of the embedded words.txt in file order, with their
// kinds, language blocks and comments: what the database's vocabulary is seeded
// from.
func Seed() []Entry {
	src := parseList(wordsTxt)
	out := make([]Entry, len(src))
	for i, s := range src {
		out[i] = Entry{Text: s.text, Kind: s.kind, Lang: s.lang, Note: s.note}
	}
	return out
}

func sources(entries []Entry) []source {
	src := make([]source, len(entries))
	for i, e := range entries {
		src[i] = source{text: e.Text, line: i + 1, kind: e.Kind}
	}
	return src
}

// Build builds a Matcher from entries with their kinds. The first bad entry, or
// one with the same words as an earlier one, fails it (see New).
func Build(entries []Entry) (*Matcher, error) { return build("", sources(entries)) }

// Compile builds a Matcher from the entries that are right, leaving out and
// reporting the others: a vocabulary that people edit must never stop the
// matching. It fails (a nil Matcher) only when no entry is right. The console
// checks each entry before it is saved (Validate), so what is left out here is a
// duplicate that came with a later words.txt.
func Compile(entries []Entry) (*Matcher, []error) { return compile("", sources(entries), true) }

// Validate checks an entry before it is saved beside others (the active entries,
// without the one being edited): its syntax (see New), then that no other entry
// has the same words after normalisation. The error is an *EntryError.
func Validate(text string, others []Entry) error {
	_, sig, err := parseEntry(text)
	if err != nil {
		return err
	}
	for _, o := range others {
		if _, osig, err := parseEntry(o.Text); err == nil && osig == sig {
			return &EntryError{Code: ErrDuplicate, Other: o.Text,
				msg: fmt.Sprintf("%q: the same words as %q after normalisation", text, o.Text)}
		}
	}
	return nil
}

// Word is an entry of the vocabulary as the database keeps it.
type Word struct {
	ID int64
	Entry
	Active bool
	By     string // who changed it last: a staff member's email, or SeedBy
	At     time.Time
}

// SeedBy is who the entries seeded from words.txt are by.
const SeedBy = "words.txt"

// Actions of an entry's history.
const (
	ActionSeed       = "seed" // added from words.txt
	ActionAdd        = "add"
	ActionEdit       = "edit"
	ActionDeactivate = "deactivate"
	ActionActivate   = "activate"
)

// Change is one line of an entry's history: who did what when, and the entry
// before and after.
type Change struct {
	ID                   int64
	WordID               int64
	At                   time.Time
	By                   string
	Action               string
	Old, New             Entry // Old is empty for seed and add
	OldActive, NewActive bool
}

// Filter chooses entries in the console's list. Zero values choose all.
type Filter struct {
	Query string // a part of the entry or of its note
	Kind  Kind
	Lang  string
	State string // "active", "inactive"; "" for both
}

// Source is where the vocabulary is kept (postgres.DB).
type Source interface {
	// CrisisVersion is the vocabulary's version: every change makes it grow.
	CrisisVersion(ctx context.Context) (int64, error)
	// CrisisEntries returns the active entries, in order, with the version they
	// are of.
	CrisisEntries(ctx context.Context) ([]Entry, int64, error)
}

// Vocabulary is the crisis matcher of a running instance: built from the active
// entries of its Source, and swapped whole (an atomic pointer) when they change,
// so that every message is matched, in one pass, against one consistent list. It
// starts with the embedded words.txt (Default) and keeps the matcher in use when
// the store cannot be read or nothing in it compiles. Safe for concurrent use.
type Vocabulary struct {
	src  Source
	cur  atomic.Pointer[loaded]
	mu   sync.Mutex // one reload at a time
	kick chan struct{}
}

type loaded struct {
	m       *Matcher
	version int64   // of the store; -1 for the embedded words.txt
	tried   int64   // the last version read, built or not
	skipped []error // entries left out of m
}

// NewVocabulary returns a vocabulary that matches with words.txt until Reload
// reads src.
func NewVocabulary(src Source) *Vocabulary {
	v := &Vocabulary{src: src, kick: make(chan struct{}, 1)}
	v.cur.Store(&loaded{m: Default(), version: -1, tried: -1})
	return v
}

// Match is Matcher.Match with the matcher in use.
func (v *Vocabulary) Match(text string) (entry string, ok bool) { return v.cur.Load().m.Match(text) }

// Harm is Matcher.Harm with the matcher in use.
func (v *Vocabulary) Harm(text string) bool { return v.cur.Load().m.Harm(text) }

// Matcher is the matcher in use.
func (v *Vocabulary) Matcher() *Matcher { return v.cur.Load().m }

// Version is the store's version the matcher in use was built from; -1 while it
// is the embedded words.txt.
func (v *Vocabulary) Version() int64 { return v.cur.Load().version }

// Skipped lists the entries of the store left out of the matcher in use.
func (v *Vocabulary) Skipped() []error { return slices.Clone(v.cur.Load().skipped) }

// Reload reads the store's version and, when it is not the one in use, builds a
// matcher from the active entries and swaps it in. Entries that do not compile are
// left out (and logged). When the store cannot be read, or no entry compiles, the
// matcher in use stays and Reload says why; a version that did not compile is not
// tried again.
func (v *Vocabulary) Reload(ctx context.Context) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	cur := v.cur.Load()
	version, err := v.src.CrisisVersion(ctx)
	if err != nil {
		return fmt.Errorf("crisis: read the vocabulary's version: %w", err)
	}
	if version == cur.tried {
		return nil
	}
	entries, version, err := v.src.CrisisEntries(ctx)
	if err != nil {
		return fmt.Errorf("crisis: read the vocabulary: %w", err)
	}
	m, errs := Compile(entries)
	if m == nil {
		next := *cur
		next.tried = version
		v.cur.Store(&next)
		return fmt.Errorf("crisis: vocabulary version %d has no entry that compiles; the matcher in use stays: %w", version, errors.Join(errs...))
	}
	for _, err := range errs {
		slog.Warn("crisis: an entry of the vocabulary is left out", "version", version, "err", err)
	}
	v.cur.Store(&loaded{m: m, version: version, tried: version, skipped: errs})
	return nil
}

// Kick asks Run to reload now: another instance changed the vocabulary.
func (v *Vocabulary) Kick() {
	select {
	case v.kick <- struct{}{}:
	default:
	}
}

// Run reloads every interval, and at once after Kick, until ctx ends. A failed
// reload is logged and tried again at the next.
func (v *Vocabulary) Run(ctx context.Context, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-v.kick:
		}
		if err := v.Reload(ctx); err != nil && ctx.Err() == nil {
			slog.Error("crisis: reloading the vocabulary failed", "err", err)
		}
	}
}
