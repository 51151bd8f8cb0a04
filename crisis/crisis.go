// Package crisis recognises messages that may come from a woman in danger,
// so that the bot can interrupt whatever dialog is running and show the
// emergency guidance (1146 trust hotline, 102 police, 103 ambulance, 112).
//
// The vocabulary is data, one entry per line, in Uzbek Latin, Uzbek Cyrillic
// and Russian: the platform keeps it in its database, where super-admins edit
// it, and matches with a Vocabulary built from it (vocabulary.go); words.txt
// (embedded) seeds it, documents the entry syntax, and is the Default matcher. The policy behind it: missing a real crisis message is far worse
// than a false alarm, but entries that would keep firing on everyday
// messages (courses, jobs, grants) are avoided.
//
// # Normalisation
//
// Entries and messages go through the same normalisation, so an entry
// matches however a user happens to type the word:
//
//   - Case is ignored (Unicode-aware), and ё is read as е.
//   - Uzbek Cyrillic ў қ ғ ҳ are read as у к г х. Many people have only a
//     Russian keyboard and type the nearest Russian letter, so folding on
//     both sides lets one entry (зўравонлик) also match the substitute
//     spelling (зуравонлик). No Uzbek word we list changes meaning under
//     this fold.
//   - Every apostrophe variant (U+02BB ʻ, the official letter in oʻ and gʻ;
//     U+02BC ʼ; U+0027 '; U+0060 `; U+2018 ‘; U+2019 ’; U+00B4 ´; and also
//     U+02BD, U+02B9, U+2032) is one apostrophe. An apostrophe is kept only
//     inside a word, after a letter, so quotes around a word don't matter.
//     Since half of the users type no apostrophe at all ("oldiraman"), a word
//     is looked up both with its apostrophes and with them removed: an entry
//     matches either spelling. Entries marked with "=" opt out of the
//     apostrophe-free lookup (o'lgim, "I want to die", versus olgim, "I want
//     to buy").
//   - ŏ ō ğ ǧ (some Latin keyboards and transliterators) are read as o' and
//     g'.
//   - A word is a run of letters (with inner apostrophes) or a run of digits;
//     everything else separates words, and a letter next to a digit also
//     splits: "1146ga" contains the word 1146, "11460" does not. Combining
//     marks (a stress accent, a decomposed й or ў) and invisible format
//     characters (soft hyphen) are dropped without splitting the word.
//     Invalid UTF-8 bytes separate words.
//
// # Matching
//
// Match makes one pass over the words of a message. Each word costs one or
// two map lookups for whole-word entries and, only when its first bytes are
// the start of some stem, one lookup per distinct stem length. Phrases are
// followed word by word with a small set of partial matches. Nothing is
// allocated in the common case.
package crisis

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

//go:embed words.txt
var wordsTxt string

const (
	// maxWordBytes is the longest normalised entry word, in bytes. Longer
	// words in a message can still match a stem through their prefix.
	maxWordBytes = 128
	// minStemLetters is the shortest stem allowed: shorter stems (ur*,
	// бей*) swallow everyday words.
	minStemLetters = 4
	// headBits sizes the filter that tells, from its first four bytes,
	// whether a word may start with some stem.
	headBits = 16
)

// Matcher finds crisis entries in messages. It is immutable once built and
// safe for concurrent use.
type Matcher struct {
	exact    map[string]int32 // normalised word -> pattern id
	stems    map[string]int32 // normalised stem -> pattern id
	stemLens []int            // distinct byte lengths of stems, ascending
	maxExact int              // longest key in exact, in bytes
	head     []uint64         // bit set over headHash of every stem
	starts   [][]int32        // pattern id -> entries whose first word it is
	entries  []compiled
	strict   bool     // some key contains an apostrophe ("=" entries)
	harm     *Matcher // the entries outside the help requests (see Harm); nil: all
}

type compiled struct {
	text  string  // as given to New, or as written in words.txt
	words []int32 // pattern ids, in order
}

// Default returns the Matcher for the embedded words.txt. It is built once;
// it panics only if the embedded file is broken, which a test rules out. The
// platform matches with the vocabulary kept in the database (see Vocabulary),
// which is seeded from words.txt; Default is what it starts with and falls
// back to.
func Default() *Matcher {
	defaultOnce.Do(func() {
		m, err := build("words.txt", parseList(wordsTxt))
		if err != nil {
			panic(err)
		}
		defaultMatcher = m
	})
	return defaultMatcher
}

var (
	defaultOnce    sync.Once
	defaultMatcher *Matcher
)

// Harm reports whether text speaks of harm itself — violence, suicide or self-harm,
// immediate danger — and not only asks for help: "нужна психологическая помощь"
// brings the emergency guidance (Match) but does not make a consultation urgent.
// The entries of harm are those of every kind but Help (see Kind). A Matcher built
// by New has no kinds: Harm is Match.
func (m *Matcher) Harm(text string) bool {
	if m == nil {
		return false
	}
	if m.harm != nil {
		m = m.harm
	}
	_, ok := m.Match(text)
	return ok
}

// Entries returns the entries of the embedded words.txt, in file order,
// without comments. The slice is a fresh copy.
func Entries() []string {
	src := parseList(wordsTxt)
	out := make([]string, len(src))
	for i, s := range src {
		out[i] = s.text
	}
	return out
}

// source is one entry with where it came from, for error messages, and what
// words.txt says of it.
type source struct {
	text string
	line int    // 1-based line in the file, or index in New's slice
	kind Kind   // the section of words.txt; "" when not known (New)
	lang string // the language block of words.txt (uz-latn, ru …)
	note string // the comment beside the entry
}

// parseList splits a words.txt-style file into entries: "#" starts a
// comment, blank lines are skipped, surrounding spaces are trimmed. A "## "
// heading starts a section (its Kind), a "# [lang]" line a language block.
func parseList(data string) []source {
	var out []source
	var kind Kind
	lang := ""
	for n, line := range strings.Split(data, "\n") {
		if h, ok := strings.CutPrefix(line, "## "); ok {
			kind, lang = sectionKind(strings.TrimSpace(strings.TrimRight(h, "# "))), ""
			continue
		}
		if l, ok := strings.CutPrefix(line, "# ["); ok {
			lang = strings.TrimSuffix(strings.TrimSpace(l), "]")
			continue
		}
		note := ""
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line, note = line[:i], strings.TrimSpace(line[i+1:])
		}
		line = strings.TrimSpace(line)
		if line != "" {
			out = append(out, source{text: line, line: n + 1, kind: kind, lang: lang, note: note})
		}
	}
	return out
}

// New builds a Matcher from entries written in the words.txt syntax:
// space-separated words form a phrase matched as consecutive words, a word
// ending in "*" is a stem (at least 4 letters) matching any word it starts,
// and a leading "=" makes the entry's apostrophes required. Comments are not
// allowed here. New returns an error naming the entry (1-based) if the list
// is empty or an entry is empty, malformed, or a duplicate of an earlier one
// after normalisation.
func New(entries []string) (*Matcher, error) {
	src := make([]source, len(entries))
	for i, e := range entries {
		src[i] = source{text: e, line: i + 1}
	}
	return build("", src)
}

type patKey struct {
	key  string
	stem bool
}

// build compiles the entries. file names the source in errors ("words.txt
// line 12"); when it is empty, errors say "entry 12". The first bad entry
// fails the build.
func build(file string, src []source) (*Matcher, error) {
	m, errs := compile(file, src, false)
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return m, nil
}

// compile compiles the entries. Strict, it stops at the first bad entry;
// lenient, it leaves bad entries out and reports each. When some entry has a
// kind, the entries of harm get a Matcher of their own (see Harm).
func compile(file string, src []source, lenient bool) (*Matcher, []error) {
	where := func(s source) string {
		if file == "" {
			return fmt.Sprintf("entry %d %q", s.line, s.text)
		}
		return fmt.Sprintf("%s line %d %q", file, s.line, s.text)
	}
	var errs []error
	m := &Matcher{
		exact: make(map[string]int32),
		stems: make(map[string]int32),
		head:  make([]uint64, 1<<headBits/64),
	}
	ids := make(map[patKey]int32)
	seen := make(map[string]source) // normalised entry -> first occurrence
	var kept []source
	kinds := false
	for _, s := range src {
		words, sig, err := parseEntry(s.text)
		if err == nil {
			if first, dup := seen[sig]; dup {
				err = &EntryError{Code: ErrDuplicate, Other: first.text,
					msg: fmt.Sprintf("duplicate of %s (same words after normalisation)", where(first))}
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("crisis: %s: %w", where(s), err))
			if !lenient {
				return nil, errs
			}
			continue
		}
		seen[sig] = s
		kept = append(kept, s)
		kinds = kinds || s.kind != ""
		ce := compiled{text: s.text, words: make([]int32, len(words))}
		for i, w := range words {
			id, ok := ids[w]
			if !ok {
				id = int32(len(m.starts))
				ids[w] = id
				m.starts = append(m.starts, nil)
				if w.stem {
					m.stems[w.key] = id
					if !slices.Contains(m.stemLens, len(w.key)) {
						m.stemLens = append(m.stemLens, len(w.key))
					}
					h := headHash([]byte(w.key))
					m.head[h/64] |= 1 << (h % 64)
				} else {
					m.exact[w.key] = id
					m.maxExact = max(m.maxExact, len(w.key))
				}
				if strings.IndexByte(w.key, '\'') >= 0 {
					m.strict = true
				}
			}
			ce.words[i] = id
		}
		first := ce.words[0]
		m.starts[first] = append(m.starts[first], int32(len(m.entries)))
		m.entries = append(m.entries, ce)
	}
	if len(m.entries) == 0 {
		errs = append(errs, &EntryError{Code: ErrNoEntries, msg: "crisis: no entries: a matcher that never matches would hide every crisis"})
		return nil, errs
	}
	slices.Sort(m.stemLens)
	if kinds {
		var harm []source
		for _, s := range kept {
			if s.kind.Harm() {
				harm = append(harm, s)
			}
		}
		m.harm = &Matcher{} // no entries of harm: Harm never matches
		if len(harm) > 0 {
			for i := range harm {
				harm[i].kind = "" // the entries of harm have no harm matcher of their own
			}
			h, herrs := compile(file, harm, false)
			if len(herrs) > 0 {
				// A part of a list that compiled compiles.
				panic(fmt.Sprintf("crisis: the entries of harm do not compile: %v", herrs[0]))
			}
			m.harm = h
		}
	}
	return m, errs
}

// Codes of EntryError: what is wrong with an entry.
const (
	ErrEmpty        = "empty"          // no words
	ErrInvalidUTF8  = "invalid_utf8"   // not UTF-8 text
	ErrLoneStar     = "lone_star"      // a "*" that is a word of its own
	ErrStarInside   = "star_inside"    // a "*" inside a word
	ErrNotLetter    = "not_letter"     // a character that splits words in messages (Char)
	ErrNoLetters    = "no_letters"     // a word of marks only
	ErrTooLong      = "too_long"       // a word over MaxWordBytes
	ErrShortStem    = "short_stem"     // a stem of fewer than MinStemLetters letters (Letters)
	ErrMixed        = "mixed"          // letters and digits in one word
	ErrStrictNoApos = "strict_no_apos" // "=" on an entry without an apostrophe
	ErrDuplicate    = "duplicate"      // the same words as another entry (Other)
	ErrNoEntries    = "no_entries"     // the list is empty
)

// Limits of an entry, for the console to explain.
const (
	MinStemLetters = minStemLetters // the shortest stem allowed, in letters
	MaxWordBytes   = maxWordBytes   // the longest word of an entry, in bytes
)

// EntryError says what is wrong with an entry, in a form the console can
// explain in the staff's language: Code is one of the Err… codes, the other
// fields its details.
type EntryError struct {
	Code    string
	Word    string // the word at fault, as written
	Char    rune   // ErrNotLetter: the character
	Letters int    // ErrShortStem: the stem's letters
	Other   string // ErrDuplicate: the entry it repeats
	msg     string
}

func (e *EntryError) Error() string { return e.msg }

func entryErr(code, word, format string, args ...any) *EntryError {
	return &EntryError{Code: code, Word: word, msg: fmt.Sprintf(format, args...)}
}

// parseEntry turns one entry into its normalised words, and a signature that
// two entries share when they match the same messages. A word's key keeps its
// apostrophes only in a "=" entry; otherwise they are removed, which is what
// makes the entry match both spellings.
func parseEntry(text string) ([]patKey, string, error) {
	t := strings.TrimSpace(text)
	strict := strings.HasPrefix(t, "=")
	if strict {
		t = strings.TrimSpace(t[1:])
	}
	if t == "" {
		return nil, "", entryErr(ErrEmpty, "", "empty entry")
	}
	if !utf8.ValidString(t) {
		return nil, "", entryErr(ErrInvalidUTF8, "", "invalid UTF-8")
	}
	fields := strings.Fields(t)
	words := make([]patKey, 0, len(fields))
	anyApos := false
	for _, f := range fields {
		body, stem := strings.CutSuffix(f, "*")
		if body == "" {
			return nil, "", entryErr(ErrLoneStar, f, "%q: a lone '*'", f)
		}
		for _, r := range body {
			if r == '*' {
				return nil, "", entryErr(ErrStarInside, f, "%q: '*' is only allowed at the end of a word", f)
			}
			if cls, _, _ := classify(r); cls == clsSep {
				e := entryErr(ErrNotLetter, f, "%q: %q is not a letter, digit or apostrophe; messages are split into words there, so this could never match", f, r)
				e.Char = r
				return nil, "", e
			}
		}
		var sc scanner
		sc.s = body
		if !sc.next() {
			return nil, "", entryErr(ErrNoLetters, f, "%q: no letters or digits", f)
		}
		if sc.overL || sc.overS {
			return nil, "", entryErr(ErrTooLong, f, "%q: longer than %d bytes", f, maxWordBytes)
		}
		key := string(sc.loose[:sc.nl])
		if sc.hasApos {
			anyApos = true
			if strict {
				key = string(sc.strict[:sc.ns])
			}
		}
		if stem {
			if n := utf8.RuneCount(sc.loose[:sc.nl]); n < minStemLetters {
				e := entryErr(ErrShortStem, f, "%q: stem has %d letters, fewer than %d: it would match too many everyday words", f, n, minStemLetters)
				e.Letters = n
				return nil, "", e
			}
		}
		if sc.next() {
			return nil, "", entryErr(ErrMixed, f, "%q: mixes letters and digits; messages are split between them, so this could never match", f)
		}
		words = append(words, patKey{key: key, stem: stem})
	}
	if strict && !anyApos {
		return nil, "", entryErr(ErrStrictNoApos, "", `"=" makes apostrophes required, but no word has one`)
	}
	var sig strings.Builder
	for i, w := range words {
		if i > 0 {
			sig.WriteByte(' ')
		}
		sig.WriteString(w.key)
		if w.stem {
			sig.WriteByte('*')
		}
	}
	return words, sig.String(), nil
}

// Match reports whether text contains a crisis entry, and which one. If
// several match, it returns the one whose match ends first in the text; among
// those ending at the same word, the one with more words (the more specific,
// "o'zimni o'ldir*" over "o'ldir*"), then the one listed first. Match is
// safe to call concurrently, accepts any bytes, and does not allocate unless
// a message keeps unusually many phrases open at once.
func (m *Matcher) Match(text string) (entry string, ok bool) {
	if m == nil || len(m.entries) == 0 {
		return "", false
	}
	var (
		sc      scanner
		patBuf  [16]int32
		bufA    [32]partial
		bufB    [32]partial
		active  = bufA[:0]
		pending = bufB[:0]
	)
	sc.s = text
	for sc.next() {
		pats := m.lookup(sc.loose[:sc.nl], sc.overL, 0, patBuf[:0])
		if m.strict && sc.hasApos {
			pats = m.lookup(sc.strict[:sc.ns], sc.overS, sc.aposAt+1, pats)
		}
		if len(pats) == 0 {
			active = active[:0]
			continue
		}
		best := int32(-1)
		next := pending[:0]
		for _, p := range active {
			e := &m.entries[p.entry]
			if !slices.Contains(pats, e.words[p.pos]) {
				continue
			}
			if int(p.pos)+1 == len(e.words) {
				best = m.better(best, p.entry)
			} else {
				next = append(next, partial{p.entry, p.pos + 1})
			}
		}
		for _, id := range pats {
			for _, ei := range m.starts[id] {
				if len(m.entries[ei].words) == 1 {
					best = m.better(best, ei)
				} else {
					next = append(next, partial{ei, 1})
				}
			}
		}
		if best >= 0 {
			return m.entries[best].text, true
		}
		active, pending = next, active[:0]
	}
	return "", false
}

// partial is a phrase matched up to (not including) word pos.
type partial struct {
	entry int32
	pos   int32
}

// better returns whichever of entries a and b (a may be -1) wins a tie
// between matches ending at the same word: more words, then listed first.
func (m *Matcher) better(a, b int32) int32 {
	if a < 0 {
		return b
	}
	la, lb := len(m.entries[a].words), len(m.entries[b].words)
	if lb > la || (lb == la && b < a) {
		return b
	}
	return a
}

// lookup appends to out the ids of the patterns matching the normalised word
// w: the whole-word entry equal to w, and every stem that w starts with.
// over reports that w is only a prefix of a longer word. Stems shorter than
// minLen bytes are skipped (used for the apostrophe spelling, where a stem
// ending before the first apostrophe was already found in the loose one).
func (m *Matcher) lookup(w []byte, over bool, minLen int, out []int32) []int32 {
	if !over && len(w) <= m.maxExact {
		if id, ok := m.exact[string(w)]; ok {
			out = append(out, id)
		}
	}
	if len(w) < 4 {
		return out
	}
	if h := headHash(w); m.head[h/64]&(1<<(h%64)) == 0 {
		return out
	}
	for _, n := range m.stemLens {
		if n > len(w) {
			break
		}
		if n < minLen || (n < len(w) && !utf8.RuneStart(w[n])) {
			continue
		}
		if id, ok := m.stems[string(w[:n])]; ok {
			out = append(out, id)
		}
	}
	return out
}

// headHash hashes the first four bytes of w (len(w) >= 4) into headBits bits.
// Every stem has at least 4 letters, hence at least 4 bytes.
func headHash(w []byte) uint32 {
	x := uint32(w[0]) | uint32(w[1])<<8 | uint32(w[2])<<16 | uint32(w[3])<<24
	return (x * 0x9E3779B1) >> (32 - headBits)
}

// Character classes, see classify.
const (
	clsSep    = iota // separates words
	clsLetter        // part of a word
	clsDigit         // part of a number
	clsApos          // an apostrophe variant
	clsIgnore        // combining mark or invisible format character: dropped
)

// classify returns the class of r and, for letters, the normalised letter:
// lower case, ё→е, and the Uzbek Cyrillic letters folded to the Russian
// keyboard letters people type instead (ў→у, қ→к, ғ→г, ҳ→х). aposAfter
// reports a letter that stands for letter+apostrophe (ŏ = o').
func classify(r rune) (cls uint8, folded rune, aposAfter bool) {
	if r < utf8.RuneSelf {
		switch {
		case 'a' <= r && r <= 'z':
			return clsLetter, r, false
		case 'A' <= r && r <= 'Z':
			return clsLetter, r + ('a' - 'A'), false
		case '0' <= r && r <= '9':
			return clsDigit, r, false
		case r == '\'' || r == '`':
			return clsApos, 0, false
		}
		return clsSep, 0, false
	}
	switch {
	case 'а' <= r && r <= 'я':
		return clsLetter, r, false
	case 'А' <= r && r <= 'Я':
		return clsLetter, r + ('а' - 'А'), false
	}
	switch r {
	case 'ё', 'Ё':
		return clsLetter, 'е', false
	case 'ў', 'Ў':
		return clsLetter, 'у', false
	case 'қ', 'Қ':
		return clsLetter, 'к', false
	case 'ғ', 'Ғ':
		return clsLetter, 'г', false
	case 'ҳ', 'Ҳ':
		return clsLetter, 'х', false
	case '\u02BB', '\u02BC', '\u02BD', '\u02B9', '\u2018', '\u2019', '\u00B4', '\u2032':
		// ʻ ʼ ʽ ʹ ‘ ’ ´ ′: ʻ and ʼ are letters to Unicode, so this comes
		// before IsLetter.
		return clsApos, 0, false
	case 'ŏ', 'Ŏ', 'ō', 'Ō':
		return clsLetter, 'o', true
	case 'ğ', 'Ğ', 'ǧ', 'Ǧ':
		return clsLetter, 'g', true
	case '\u200B': // zero width space: a space, not a soft hyphen
		return clsSep, 0, false
	}
	if unicode.IsLetter(r) {
		return clsLetter, unicode.ToLower(r), false
	}
	if unicode.IsDigit(r) {
		return clsDigit, r, false
	}
	if unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
		return clsIgnore, 0, false
	}
	return clsSep, 0, false
}

// asciiClass and asciiFold are classify for ASCII, as tables.
var asciiClass, asciiFold = func() (cls, fold [utf8.RuneSelf]uint8) {
	for c := range utf8.RuneSelf {
		k, f, _ := classify(rune(c))
		cls[c], fold[c] = k, uint8(f)
	}
	return
}()

// scanner splits a string into normalised words. Each word is written twice:
// loose without apostrophes, strict with them (as '). strict is only filled
// from the first apostrophe on (hasApos), copying loose then: most words have
// none. Words longer than maxWordBytes keep their first whole runes and set
// overL/overS.
type scanner struct {
	s       string
	i       int
	loose   [maxWordBytes]byte
	strict  [maxWordBytes]byte
	nl, ns  int
	overL   bool
	overS   bool
	hasApos bool // strict is in use: the word has an apostrophe
	aposAt  int  // index of the first apostrophe in strict
	last    rune // last letter written, for combining marks
}

// next advances to the next word and reports whether there is one.
func (sc *scanner) next() bool {
	sc.nl, sc.ns = 0, 0
	sc.overL, sc.overS, sc.hasApos = false, false, false
	sc.last = 0
	const (
		none = iota
		letters
		digits
	)
	kind := none
	apos := false // an apostrophe seen after a letter, kept if a letter follows
	for sc.i < len(sc.s) {
		var (
			cls       uint8
			f, r      rune
			aposAfter bool
			size      = 1
		)
		if c := sc.s[sc.i]; c < utf8.RuneSelf {
			cls, f = asciiClass[c], rune(asciiFold[c])
		} else {
			if c >= 0xC2 && c <= 0xDF && sc.i+1 < len(sc.s) && sc.s[sc.i+1]&0xC0 == 0x80 {
				// Two-byte sequence (Cyrillic): decoded inline, it is
				// most of a Russian or Uzbek Cyrillic message.
				r, size = rune(c&0x1F)<<6|rune(sc.s[sc.i+1]&0x3F), 2
			} else {
				// An invalid byte decodes as U+FFFD, size 1: a separator.
				r, size = utf8.DecodeRuneInString(sc.s[sc.i:])
			}
			cls, f, aposAfter = classify(r)
		}
		switch cls {
		case clsLetter:
			if kind == digits {
				return true // "1146ga": the number is a word of its own
			}
			kind = letters
			if apos {
				sc.putApos()
				apos = false
			}
			sc.put(f)
			apos = aposAfter
		case clsDigit:
			if kind == letters {
				return true
			}
			kind = digits
			apos = false
			sc.put(f)
		case clsApos:
			if kind == digits {
				sc.i += size
				return true
			}
			apos = kind == letters
		case clsIgnore:
			if kind == letters && sc.combine(r) {
				apos = true
			}
		default:
			sc.i += size
			if kind != none {
				return true
			}
			continue
		}
		sc.i += size
	}
	return kind != none
}

// put appends a normalised rune to both spellings of the word.
func (sc *scanner) put(r rune) {
	if !sc.overL {
		sc.nl, sc.overL = appendRune(&sc.loose, sc.nl, r)
		sc.last = r
		if sc.overL {
			sc.last = 0
		}
	}
	if sc.hasApos && !sc.overS {
		sc.ns, sc.overS = appendRune(&sc.strict, sc.ns, r)
	}
}

// appendRune writes r at buf[n:] and returns the new length, or reports
// that it does not fit.
func appendRune(buf *[maxWordBytes]byte, n int, r rune) (int, bool) {
	if r < utf8.RuneSelf {
		if n < maxWordBytes {
			buf[n] = byte(r)
			return n + 1, false
		}
		return n, true
	}
	if n+utf8.RuneLen(r) > maxWordBytes {
		return n, true
	}
	return n + utf8.EncodeRune(buf[n:], r), false
}

// putApos appends an apostrophe to the strict spelling, starting it from
// the loose one at the first apostrophe.
func (sc *scanner) putApos() {
	if sc.overS {
		return
	}
	if !sc.hasApos {
		sc.hasApos = true
		if sc.overL {
			sc.overS = true
			return
		}
		sc.ns = copy(sc.strict[:], sc.loose[:sc.nl])
		sc.aposAt = sc.ns
	}
	if sc.ns >= maxWordBytes {
		// The apostrophe does not fit: no strict key can match.
		sc.overS = true
		return
	}
	sc.strict[sc.ns] = '\''
	sc.ns++
}

// combine handles a combining mark after a letter and reports whether it
// stands for an apostrophe. Decomposed letters must read like their
// precomposed forms: и+◌̆ is й; у+◌̆ (ў) and е+◌̈ (ё) already fold to у and
// е, so their marks are just dropped; o or g with a breve, macron or caron is
// o'/g', like ŏ and ğ. Other marks (a Russian stress accent) are dropped.
func (sc *scanner) combine(mark rune) bool {
	switch {
	case sc.last == 'и' && mark == '\u0306':
		// и and й are both two bytes and differ only in the last one. The
		// и was just written to loose, and to strict unless it is full.
		sc.loose[sc.nl-1]++
		if sc.hasApos && !sc.overS {
			sc.strict[sc.ns-1]++
		}
		sc.last = 'й'
	case (sc.last == 'o' || sc.last == 'g') && (mark == '\u0306' || mark == '\u0304' || mark == '\u030C'):
		sc.last = 0
		return true
	}
	return false
}
