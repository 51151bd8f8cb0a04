package locales

import (
	"bufio"
	"bytes"
	"flag"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/azizayol/azizayol"
)

var update = flag.Bool("update", false, "regenerate uz-Cyrl.toml from uz-Latn.toml and uz-Cyrl.fixes.toml")

// Every message exists, non-empty, in every language, and no language has a message
// the source lacks.
func TestEveryMessageInEveryLanguage(t *testing.T) {
	ids := MessageIDs()
	if len(ids) < 30 {
		t.Fatalf("only %d messages loaded", len(ids))
	}
	for _, lang := range azizayol.Langs {
		for _, id := range ids {
			// Every placeholder of the source text gets a value; one the translation
			// has and the source lacks prints <no value>.
			data := map[string]any{}
			for _, m := range placeholder.FindAllStringSubmatch(rawMessage(t, Files[azizayol.UzLatn], id), -1) {
				data[m[1]] = 7
			}
			s, err := Text(lang, id, data)
			if err != nil {
				t.Errorf("%s: %v", lang, err)
				continue
			}
			if strings.Contains(s, "<no value>") {
				t.Errorf("%s %s: a template value is missing: %q", lang, id, s)
			}
		}
		extra := keys(t, Files[lang])
		for _, id := range ids {
			delete(extra, id)
		}
		for id := range extra {
			t.Errorf("%s has %s, which uz-Latn.toml lacks", Files[lang], id)
		}
	}
	if _, err := Text(azizayol.Ru, "no.such.message", nil); err == nil {
		t.Error("a missing message must be an error")
	}
}

var placeholder = regexp.MustCompile(`\{\{\.([A-Za-z]+)\}\}`)

// The Russian and Uzbek texts say the numbers and placeholders alike.
func TestPlaceholdersAndNumbersMatch(t *testing.T) {
	marks := regexp.MustCompile(`\{\{\.[A-Za-z]+\}\}|\b1\d\d\d?\b|</?b>|/[a-z]+`)
	for _, id := range MessageIDs() {
		src, _ := Text(azizayol.UzLatn, id, nil)
		for _, lang := range []azizayol.Lang{azizayol.UzCyrl, azizayol.Ru} {
			got, _ := Text(lang, id, nil)
			want := marks.FindAllString(rawMessage(t, Files[azizayol.UzLatn], id), -1)
			have := marks.FindAllString(rawMessage(t, Files[lang], id), -1)
			if strings.Join(sorted(want), " ") != strings.Join(sorted(have), " ") {
				t.Errorf("%s %s: %v, but uz-Latn has %v\n%s\n%s", lang, id, have, want, src, got)
			}
		}
	}
}

// uz-Cyrl.toml is what the transliterator and the hand fixes make of uz-Latn.toml;
// `make cyrillic` regenerates it.
func TestCyrillicIsGeneratedFromLatin(t *testing.T) {
	latn, err := files.ReadFile(Files[azizayol.UzLatn])
	if err != nil {
		t.Fatal(err)
	}
	fixesRaw, err := files.ReadFile("uz-Cyrl.fixes.toml")
	if err != nil {
		t.Fatal(err)
	}
	var fixes map[string]map[string]string
	if err := toml.Unmarshal(fixesRaw, &fixes); err != nil {
		t.Fatal(err)
	}
	want := generateCyrillic(latn, fixes)
	if *update {
		if err := os.WriteFile(Files[azizayol.UzCyrl], want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := files.ReadFile(Files[azizayol.UzCyrl])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("uz-Cyrl.toml is not what uz-Latn.toml and uz-Cyrl.fixes.toml make: run `make cyrillic` (and list hand corrections in uz-Cyrl.fixes.toml, not in uz-Cyrl.toml)")
	}
}

var (
	tableLine = regexp.MustCompile(`^\[([a-z_.]+)\]\s*$`)
	// A key is a bare word, or a quoted one with dots ("nav.inbox" in [console]).
	singleLine = regexp.MustCompile(`^([a-z_]+|"[a-z0-9_.]+") = "(.*)"\s*$`)
	multiStart = regexp.MustCompile(`^([a-z_]+|"[a-z0-9_.]+") = """(.*)$`)
)

// generateCyrillic transliterates the values of a message file line by line, keeping
// its keys, tables and layout, and puts in the fixes.
func generateCyrillic(latn []byte, fixes map[string]map[string]string) []byte {
	var out bytes.Buffer
	out.WriteString("# GENERATED from uz-Latn.toml by ToCyrillic, with the hand corrections in\n# uz-Cyrl.fixes.toml. Do not edit: change those two files and run `make cyrillic`.\n")
	table, inMulti, skipMulti := "", false, false
	sc := bufio.NewScanner(bytes.NewReader(latn))
	header := true
	for sc.Scan() {
		line := sc.Text()
		if header && strings.HasPrefix(line, "#") {
			continue
		}
		header = false
		if inMulti {
			end := strings.Contains(line, `"""`)
			if !skipMulti {
				out.WriteString(ToCyrillic(line) + "\n")
			}
			inMulti = !end
			continue
		}
		if m := tableLine.FindStringSubmatch(line); m != nil {
			table = m[1]
			out.WriteString(line + "\n")
			continue
		}
		key := ""
		if m := singleLine.FindStringSubmatch(line); m != nil {
			key = m[1]
		} else if m := multiStart.FindStringSubmatch(line); m != nil {
			key = m[1]
			inMulti = !strings.Contains(m[2], `"""`)
		}
		if key == "" {
			out.WriteString(line + "\n")
			continue
		}
		if fix, ok := fixes[table][strings.Trim(key, `"`)]; ok {
			out.WriteString(key + " = " + quote(fix) + "\n")
			skipMulti = inMulti
			continue
		}
		skipMulti = false
		out.WriteString(key + " = " + ToCyrillic(strings.TrimPrefix(line, key+" = ")) + "\n")
	}
	return out.Bytes()
}

func quote(s string) string {
	if strings.Contains(s, "\n") {
		return `"""` + s + `"""`
	}
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}

func keys(t *testing.T, file string) map[string]bool {
	raw, err := files.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := toml.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	out := map[string]bool{}
	var walk func(prefix string, v map[string]any)
	walk = func(prefix string, v map[string]any) {
		for k, val := range v {
			if sub, ok := val.(map[string]any); ok {
				walk(prefix+k+".", sub)
				continue
			}
			out[prefix+k] = true
		}
	}
	walk("", m)
	return out
}

func rawMessage(t *testing.T, file, id string) string {
	m, err := rawFile(file)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	table, key, _ := strings.Cut(id, ".")
	return m[table][key]
}

// rawFile is a message file as written, read once.
var rawFile = func() func(file string) (map[string]map[string]string, error) {
	var mu sync.Mutex
	read := map[string]map[string]map[string]string{}
	return func(file string) (map[string]map[string]string, error) {
		mu.Lock()
		defer mu.Unlock()
		if m, ok := read[file]; ok {
			return m, nil
		}
		raw, err := files.ReadFile(file)
		if err != nil {
			return nil, err
		}
		var m map[string]map[string]string
		if err := toml.Unmarshal(raw, &m); err != nil {
			return nil, err
		}
		read[file] = m
		return m, nil
	}
}()

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
