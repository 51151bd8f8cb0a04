package crisis_test

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/azizayol/azizayol/crisis"
	"github.com/azizayol/azizayol/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// labelled is one line of testdata/labelled.tsv.
type labelled struct {
	line                      int
	phrase, label, lang, note string
}

// readLabelled reads the labelled phrases and checks the file itself: four columns,
// known labels and languages, enough phrases of each kind in each language, and the
// suicide-risk phrases the issue names.
func readLabelled(t *testing.T) []labelled {
	t.Helper()
	f, err := os.Open("testdata/labelled.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var list []labelled
	counts := map[string]int{}
	seen := map[string]int{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 4 {
			t.Fatalf("labelled.tsv line %d: %d columns, want 4 (phrase, must|must_not, language, note)", n, len(cols))
		}
		l := labelled{n, cols[0], cols[1], cols[2], cols[3]}
		if l.label != "must" && l.label != "must_not" {
			t.Errorf("labelled.tsv line %d: label %q", n, l.label)
		}
		if l.lang != "uz-latn" && l.lang != "uz-cyrl" && l.lang != "ru" {
			t.Errorf("labelled.tsv line %d: language %q", n, l.lang)
		}
		if strings.TrimSpace(l.phrase) == "" || l.note == "" {
			t.Errorf("labelled.tsv line %d: a phrase and a note are needed", n)
		}
		if first, dup := seen[l.phrase]; dup {
			t.Errorf("labelled.tsv line %d: the phrase of line %d again", n, first)
		}
		seen[l.phrase] = n
		counts[l.lang]++
		counts[l.lang+" "+l.label]++
		list = append(list, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"uz-latn", "uz-cyrl", "ru"} {
		if counts[lang] < 40 || counts[lang+" must"] < 25 || counts[lang+" must_not"] < 15 {
			t.Errorf("%s: %d phrases (%d must, %d must not); want at least 40, 25 and 15",
				lang, counts[lang], counts[lang+" must"], counts[lang+" must_not"])
		}
	}
	for _, p := range []string{"oʻzimni oʻldiraman", "o'zimni o'ldiraman", "o`zimni o`ldiraman", "ozimni oldiraman",
		"yashagim kelmayapti", "покончить с собой", "не хочу жить", "ўзимни ўлдираман", "яшагим келмаяпти"} {
		if n, ok := seen[p]; !ok || list[indexOfLine(list, n)].label != "must" {
			t.Errorf("labelled.tsv lacks the must phrase %q", p)
		}
	}
	return list
}

func indexOfLine(list []labelled, line int) int {
	for i, l := range list {
		if l.line == line {
			return i
		}
	}
	return -1
}

type matcher interface {
	Match(text string) (entry string, ok bool)
}

func checkLabelled(t *testing.T, m matcher, list []labelled) {
	t.Helper()
	missed, alarms := 0, 0
	for _, l := range list {
		entry, ok := m.Match(l.phrase)
		switch {
		case l.label == "must" && !ok:
			missed++
			t.Errorf("line %d, %s: %q must trigger (%s), but matches nothing", l.line, l.lang, l.phrase, l.note)
		case l.label == "must_not" && ok:
			alarms++
			t.Errorf("line %d, %s: %q must not trigger (%s), but matches %q", l.line, l.lang, l.phrase, l.note, entry)
		}
	}
	t.Logf("%d phrases: %d crises missed, %d false alarms", len(list), missed, alarms)
}

// The labelled phrases against the embedded words.txt.
func TestLabelledPhrasesDefault(t *testing.T) {
	checkLabelled(t, crisis.Default(), readLabelled(t))
}

// The labelled phrases against the matcher an instance builds from the database,
// seeded from words.txt.
func TestLabelledPhrasesFromTheDatabase(t *testing.T) {
	list := readLabelled(t)
	db := testenv.DB(t)
	if _, err := db.SeedCrisisWords(t.Context(), crisis.Seed()); err != nil {
		t.Fatal(err)
	}
	v := crisis.NewVocabulary(db)
	if err := v.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	if v.Version() < 1 || v.Matcher() == crisis.Default() || len(v.Skipped()) != 0 {
		t.Fatalf("the vocabulary is version %d (default: %v), %d entries left out", v.Version(), v.Matcher() == crisis.Default(), len(v.Skipped()))
	}
	checkLabelled(t, v, list)
}
