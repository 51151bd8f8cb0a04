// Package sensitive finds the words no SMS of the platform may carry — violence, the
// police, a psychologist… in Uzbek (both scripts), Russian and English — in a text.
// The list is data (internal/sensitive/sms_words.txt, embedded: SMS returns it); the
// tests that walk every SMS the platform can send use it, and so do the texts staff
// write for SMS (issue 9: an SMS cannot be recalled).
package sensitive

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/azizayol/azizayol/locales"
)

// File is the list, from the module's root.
const File = "internal/sensitive/sms_words.txt"

//go:embed sms_words.txt
var smsWords []byte

// SMS is the list of words no SMS may carry.
var SMS = sync.OnceValue(func() *List {
	l, err := Parse(bytes.NewReader(smsWords))
	if err != nil {
		panic(fmt.Sprintf("sensitive: the embedded list: %v", err)) // fixed at build; its tests parse it
	}
	return l
})

// List is a list of sensitive words and phrases.
type List struct {
	entries []entry
}

// entry is one line of the list: the stems of consecutive words.
type entry struct {
	line  string // as written
	stems []stem
}

type stem struct {
	prefix string // normalised
	whole  bool   // the whole word, not its beginning
}

// Load reads the list from a file.
func Load(path string) (*List, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	l, err := Parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return l, nil
}

// Parse reads a list: one entry a line, "#" comments. Each Latin entry is matched in
// Uzbek Cyrillic too.
func Parse(r io.Reader) (*List, error) {
	l := &List{}
	s := bufio.NewScanner(r)
	for n := 1; s.Scan(); n++ {
		line, _, _ := strings.Cut(s.Text(), "#")
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		forms := []string{line}
		if c := locales.ToCyrillic(line); c != line {
			forms = append(forms, c)
		}
		for _, form := range forms {
			var e entry
			e.line = line
			for _, f := range strings.Fields(form) {
				st := stem{}
				f, st.whole = strings.CutSuffix(f, "$")
				words := split(f)
				if len(words) != 1 {
					return nil, fmt.Errorf("line %d: %q is not one word", n, f)
				}
				st.prefix = words[0]
				e.stems = append(e.stems, st)
			}
			l.entries = append(l.entries, e)
		}
	}
	if err := s.Err(); err != nil {
		return nil, err
	}
	if len(l.entries) == 0 {
		return nil, fmt.Errorf("the list is empty")
	}
	return l, nil
}

// Len is how many entries the list has, with their Cyrillic forms.
func (l *List) Len() int { return len(l.entries) }

// Entries are the lines of the list, as written.
func (l *List) Entries() []string {
	var lines []string
	for _, e := range l.entries {
		if !slices.Contains(lines, e.line) {
			lines = append(lines, e.line)
		}
	}
	return lines
}

// Find returns the entries of the list found in text (as the list writes them), each
// once; none for a neutral text. Uzbek Cyrillic is also read in Latin.
func (l *List) Find(text string) []string {
	var found []string
	for _, t := range []string{text, locales.ToLatin(text)} {
		words := split(t)
		for _, e := range l.entries {
			if !slices.Contains(found, e.line) && e.in(words) {
				found = append(found, e.line)
			}
		}
	}
	return found
}

func (e entry) in(words []string) bool {
	for i := 0; i+len(e.stems) <= len(words); i++ {
		ok := true
		for k, st := range e.stems {
			w := words[i+k]
			if st.whole && w != st.prefix || !strings.HasPrefix(w, st.prefix) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// apostrophes are every way the oʻ, gʻ and the tutuq belgisi are written: dropped.
var apostrophes = strings.NewReplacer("ʻ", "", "ʼ", "", "‘", "", "’", "", "`", "", "'", "", "´", "", "ё", "е")

// split is the words of a text, lower case, without apostrophes; anything that is not
// a letter or a digit separates words.
func split(s string) []string {
	s = apostrophes.Replace(strings.ToLower(s))
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}
