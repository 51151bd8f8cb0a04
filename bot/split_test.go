package bot

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/azizayol/azizayol"
)

// cyrillic returns n characters of Russian words, with a line break every perLine
// words (0: one paragraph). It ends with a letter.
func cyrillic(n, perLine int) string {
	words := strings.Fields(`если вы в опасности прямо сейчас позвоните по телефону доверия
		круглосуточно и бесплатно областные филиалы республиканского центра дают временный
		приют помощь психолога и юриста в районах работают центры социальных услуг`)
	var b strings.Builder
	for i := 0; utf8.RuneCountInString(b.String()) < n; i++ {
		b.WriteString(words[i%len(words)])
		if perLine > 0 && i%perLine == perLine-1 {
			b.WriteString("\n")
		} else {
			b.WriteString(" ")
		}
	}
	r := []rune(b.String())[:n]
	if r[n-1] == ' ' || r[n-1] == '\n' {
		r[n-1] = 'я'
	}
	return string(r)
}

func split(s string) []string {
	return partTexts(Split(azizayol.Outbound{Text: s}, MaxMessage))
}

func partTexts(out []azizayol.Outbound) []string {
	var ps []string
	for _, o := range out {
		ps = append(ps, o.Text)
	}
	return ps
}

// units counts UTF-16 code units, independently of utf16Len.
func units(s string) int { return len(utf16.Encode([]rune(s))) }

// checkParts: each part is non-empty valid UTF-8 within max units.
func checkParts(t *testing.T, parts []string, max int) {
	t.Helper()
	for i, p := range parts {
		if strings.TrimSpace(p) == "" {
			t.Errorf("part %d of %d is empty: %q", i+1, len(parts), p)
		}
		if !utf8.ValidString(p) {
			t.Errorf("part %d is not valid UTF-8", i+1)
		}
		if n := units(p); n > max {
			t.Errorf("part %d of %d is %d UTF-16 units, over %d", i+1, len(parts), n, max)
		}
	}
}

// rejoin checks that the parts are the original text cut at whitespace that was
// dropped, and returns the byte offset in orig where each part ends.
func rejoin(t *testing.T, orig string, parts []string) []int {
	t.Helper()
	var ends []int
	pos := 0
	for i, p := range parts {
		if i > 0 {
			for pos < len(orig) && (orig[pos] == ' ' || orig[pos] == '\n') {
				pos++
			}
		}
		if !strings.HasPrefix(orig[pos:], p) {
			t.Fatalf("part %d of %d is not the text at byte %d:\npart %.80q…\ntext %.80q…", i+1, len(parts), pos, p, orig[pos:])
		}
		pos += len(p)
		ends = append(ends, pos)
	}
	if pos != len(orig) {
		t.Fatalf("the parts stop at byte %d of %d: lost %.80q", pos, len(orig), orig[pos:])
	}
	return ends
}

func TestSplitKeepsShortMessages(t *testing.T) {
	buttons := [][]azizayol.Button{{{Label: "Ha", Data: "3:yes"}}}
	for _, text := range []string{
		"",
		"salom",
		"<b>Bosh menyu.</b> Sizga nima kerak?",
		strings.Repeat("a", MaxMessage),
		strings.Repeat("ж", MaxMessage),
		strings.Repeat("😀", MaxMessage/2),
		strings.Repeat("x", MaxMessage-4) + "<b>",
	} {
		m := azizayol.Outbound{Text: text, Buttons: buttons, Ask: azizayol.AskContact, Edit: 12}
		out := Split(m, MaxMessage)
		if len(out) != 1 || !reflect.DeepEqual(out[0], m) {
			t.Errorf("Split(%d units) = %d parts, want the message as it is", units(text), len(out))
		}
	}
	ack := azizayol.Outbound{Ack: "cb1"}
	if out := Split(ack, MaxMessage); len(out) != 1 || !reflect.DeepEqual(out[0], ack) {
		t.Errorf("Split(ack) = %+v", out)
	}
}

func TestSplitLongCyrillic(t *testing.T) {
	for _, perLine := range []int{0, 7, 40} {
		t.Run(fmt.Sprintf("line every %d words", perLine), func(t *testing.T) {
			text := cyrillic(10000, perLine)
			if n := utf8.RuneCountInString(text); n != 10000 {
				t.Fatalf("%d characters", n)
			}
			parts := split(text)
			if len(parts) < 3 || len(parts) > 4 {
				t.Fatalf("%d parts for 10,000 characters", len(parts))
			}
			checkParts(t, parts, MaxMessage)
			ends := rejoin(t, text, parts)
			for i, end := range ends[:len(ends)-1] {
				if c := text[end]; c != ' ' && c != '\n' {
					t.Errorf("part %d is cut inside a word: %q|%q", i+1, parts[i][len(parts[i])-10:], text[end:end+10])
				}
				if units(parts[i]) < MaxMessage-200 {
					t.Errorf("part %d is only %d units: cut too early", i+1, units(parts[i]))
				}
			}
		})
	}
}

// TestSplitCutsAtLineBreaks: where the text has line breaks, the cut is at one of
// them, not at the last space before the limit, so no line is torn in two.
func TestSplitCutsAtLineBreaks(t *testing.T) {
	text := cyrillic(10000, 12) // a line of about 90 characters
	parts := split(text)
	checkParts(t, parts, MaxMessage)
	ends := rejoin(t, text, parts)
	for i, end := range ends[:len(ends)-1] {
		if text[end] != '\n' {
			line := text[strings.LastIndexByte(text[:end], '\n')+1 : end]
			t.Errorf("part %d ends in the middle of a line (after %q), not at a line break", i+1, line)
		}
	}
}

func TestSplitLongWord(t *testing.T) {
	for _, letter := range []string{"ж", "a", "😀"} {
		word := strings.Repeat(letter, 9000)
		parts := split(word)
		checkParts(t, parts, MaxMessage)
		if strings.Join(parts, "") != word {
			t.Errorf("%s: the parts of one word do not rejoin to it", letter)
		}
		if want := (units(word) + MaxMessage - 1) / MaxMessage; len(parts) != want {
			t.Errorf("%s: %d parts, want %d", letter, len(parts), want)
		}
	}
}

func TestSplitEmojiCountTwo(t *testing.T) {
	if n := utf16Len("😀a ж"); n != 5 {
		t.Errorf("utf16Len = %d, want 5", n)
	}
	if parts := split(strings.Repeat("😀", MaxMessage/2)); len(parts) != 1 {
		t.Errorf("%d emoji (%d units) split in %d", MaxMessage/2, MaxMessage, len(parts))
	}
	parts := split(strings.Repeat("😀", MaxMessage/2+1))
	if len(parts) != 2 || utf8.RuneCountInString(parts[0]) != MaxMessage/2 || parts[1] != "😀" {
		t.Errorf("%d emoji split in %d parts of %d and … characters", MaxMessage/2+1, len(parts), utf8.RuneCountInString(parts[0]))
	}
	// Counted in characters, 3000 emoji fit; in UTF-16 units they do not.
	parts = split(strings.Repeat("🆘 ", 1500) + "end")
	if len(parts) != 2 {
		t.Errorf("1500 emoji and spaces (4503 units) split in %d parts", len(parts))
	}
	checkParts(t, parts, MaxMessage)
}

func TestSplitNeverCutsInsideTagsOrEntities(t *testing.T) {
	for _, tc := range []struct{ name, unit string }{
		{"entities", "&amp;"},
		{"entities and letters", "a&lt;b&gt;"},
		{"tags", "<i>x</i>"},
		{"link", `<a href="https://aziz-ayol.uz/">ж</a>`},
		{"mixed", "жж&quot;<b>я</b>"},
	} {
		for _, max := range []int{MaxMessage, 97, 100, 333} {
			t.Run(fmt.Sprintf("%s/%d", tc.name, max), func(t *testing.T) {
				text := strings.Repeat(tc.unit, 3*MaxMessage/len(tc.unit))
				parts := partTexts(Split(azizayol.Outbound{Text: text}, max))
				if len(parts) < 2 {
					t.Fatalf("%d parts", len(parts))
				}
				// (The limit is TestSplitEdgeCases' business.)
				for i, p := range parts {
					checkMarkup(t, i, p)
				}
				if got := stripTags(strings.Join(parts, "")); got != stripTags(text) {
					t.Errorf("the parts do not rejoin to the text")
				}
				if !strings.Contains(tc.unit, "<") && strings.Join(parts, "") != text {
					t.Errorf("the parts do not rejoin to the text exactly")
				}
			})
		}
	}
}

// stripTags removes every tag, keeping the text and the entities.
func stripTags(s string) string {
	var b strings.Builder
	for _, tok := range tokens(s) {
		if !strings.HasPrefix(tok, "<") || !strings.HasSuffix(tok, ">") {
			b.WriteString(tok)
		}
	}
	return b.String()
}

// checkMarkup: every tag and entity in part is whole, and the tags are balanced.
func checkMarkup(t *testing.T, i int, part string) {
	t.Helper()
	var open []string
	for s := part; s != ""; {
		switch s[0] {
		case '<':
			end := strings.IndexByte(s, '>')
			if end < 0 || strings.ContainsAny(s[1:end], "<&") {
				t.Fatalf("part %d has a broken tag: %.40q", i+1, s)
			}
			tag := s[:end+1]
			name := strings.Fields(strings.Trim(tag, "<>/"))[0]
			if strings.HasPrefix(tag, "</") {
				if len(open) == 0 || open[len(open)-1] != name {
					t.Fatalf("part %d closes %s, open: %v", i+1, tag, open)
				}
				open = open[:len(open)-1]
			} else {
				open = append(open, name)
			}
			s = s[end+1:]
		case '&':
			end := strings.IndexByte(s, ';')
			if end < 2 || end > 6 {
				t.Fatalf("part %d has a broken entity: %.40q", i+1, s)
			}
			s = s[end+1:]
		case '>', ';':
			t.Fatalf("part %d has half of a tag or entity: %.40q", i+1, s)
		default:
			s = s[1:]
		}
	}
	if len(open) > 0 {
		t.Fatalf("part %d leaves %v open: %.60q…", i+1, open, part)
	}
}

func TestSplitClosesAndReopensTags(t *testing.T) {
	body := cyrillic(9000, 0)
	for _, tc := range []struct {
		name, open, close string
	}{
		{"bold", "<b>", "</b>"},
		{"nested", "<b><i>", "</i></b>"},
		{"link", `<a href="https://aziz-ayol.uz/uz/markazlar">`, "</a>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := "Diqqat: " + tc.open + body + tc.close + " tamom."
			parts := split(text)
			if len(parts) != 3 {
				t.Fatalf("%d parts", len(parts))
			}
			checkParts(t, parts, MaxMessage)
			var stripped []string
			for i, p := range parts {
				checkMarkup(t, i, p)
				if i < len(parts)-1 {
					if !strings.HasSuffix(p, tc.close) {
						t.Errorf("part %d does not close %s: …%q", i+1, tc.open, p[len(p)-20:])
					}
					p = strings.TrimSuffix(p, tc.close)
				}
				if i > 0 {
					if !strings.HasPrefix(p, tc.open) {
						t.Errorf("part %d does not reopen %s: %.40q…", i+1, tc.open, p)
					}
					p = strings.TrimPrefix(p, tc.open)
				}
				stripped = append(stripped, p)
			}
			rejoin(t, text, stripped)
		})
	}
	t.Run("closed before the cut", func(t *testing.T) {
		text := "<b>Sarlavha</b>\n" + cyrillic(6000, 10)
		parts := split(text)
		for i, p := range parts {
			checkMarkup(t, i, p)
		}
		if len(parts) != 2 || strings.Contains(parts[1], "<b>") || strings.Contains(parts[0][20:], "</b>") {
			t.Errorf("a tag closed before the cut is closed or reopened again: %d parts", len(parts))
		}
		rejoin(t, text, parts)
	})
}

func TestSplitButtonsEditAsk(t *testing.T) {
	buttons := [][]azizayol.Button{{{Label: "Markazlar", Data: "7:centres"}}, {{Label: "Menyu", Data: "*:menu"}}}
	m := azizayol.Outbound{Text: cyrillic(10000, 9), Buttons: buttons, Ask: azizayol.AskLocation, Edit: 345}
	out := Split(m, MaxMessage)
	if len(out) < 3 {
		t.Fatalf("%d parts", len(out))
	}
	for i, o := range out {
		last, first := i == len(out)-1, i == 0
		if last != (o.Buttons != nil) || (last && !reflect.DeepEqual(o.Buttons, buttons)) {
			t.Errorf("part %d of %d: buttons %v", i+1, len(out), o.Buttons)
		}
		if last != (o.Ask == azizayol.AskLocation) {
			t.Errorf("part %d of %d: ask %q", i+1, len(out), o.Ask)
		}
		if first != (o.Edit == 345) {
			t.Errorf("part %d of %d: edit %d", i+1, len(out), o.Edit)
		}
		if o.Ack != "" || o.Text == "" {
			t.Errorf("part %d: %+v", i+1, o)
		}
	}
}

// TestSplitEdgeCases: texts that bring a cut to the very start of a part or right
// after an opening tag. Every part must still be within the limit and have text
// (Telegram refuses an empty message, and "<b></b>" is empty after parsing).
func TestSplitEdgeCases(t *testing.T) {
	long := strings.Repeat("x", 5000)
	for _, tc := range []struct {
		name string
		text string
	}{
		{"leading space", " " + long},
		{"leading line break", "\n" + long},
		{"space after a bold tag", "<b> " + long + "</b>"},
		{"opening tag at the limit", strings.Repeat("x", MaxMessage-3) + "<b>" + strings.Repeat("y", 100) + "</b>"},
		{"nested tags at the limit", strings.Repeat("x", MaxMessage-6) + "<b><i>" + strings.Repeat("y", 100) + "</i></b>"},
		{"emoji after a leading word", " a" + strings.Repeat("😀", 2500)},
		{"a run of spaces", "a" + strings.Repeat(" ", 9000) + "b"},
		{"short tags everywhere", strings.Repeat("<i>ж</i>", 2000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parts := split(tc.text)
			checkParts(t, parts, MaxMessage)
			for i, p := range parts {
				checkMarkup(t, i, p)
			}
			for i, p := range parts {
				visible := strings.NewReplacer("<b>", "", "</b>", "", "<i>", "", "</i>", "").Replace(p)
				if strings.TrimSpace(visible) == "" {
					t.Errorf("part %d of %d has no visible text: %q", i+1, len(parts), p)
				}
			}
		})
	}
}

func TestTokens(t *testing.T) {
	got := tokens(`a<b>ж</b>&amp;😀 x;<a href="u">&#128512;`)
	want := []string{"a", "<b>", "ж", "</b>", "&amp;", "😀", " ", "x", ";", `<a href="u">`, "&#128512;"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tokens = %q\nwant %q", got, want)
	}
	if got := tokens("&verylongentityname;"); got[0] != "&" {
		t.Errorf("an & with a far ; is taken as an entity: %q", got[0])
	}
	if got := tagName(`<a href="x">`); got != "a" {
		t.Errorf("tagName = %q", got)
	}
}

// FuzzSplit: whatever the text (valid UTF-8, with tags and entities short enough to
// fit), the parts are valid UTF-8, each within the limit, none empty, and the
// buttons go on the last part only.
func FuzzSplit(f *testing.F) {
	f.Add("salom", 100)
	f.Add(cyrillic(10000, 0), MaxMessage)
	f.Add(cyrillic(3000, 5), 500)
	f.Add("<b>"+cyrillic(900, 0)+"</b> va <i>"+cyrillic(300, 3)+"</i>", 200)
	f.Add(strings.Repeat("&amp;", 300), 80)
	f.Add(strings.Repeat("😀 ", 400), 90)
	f.Add(strings.Repeat("ж", 9000), MaxMessage)
	f.Add("a\n\n\nb   c d", 70)
	f.Fuzz(func(t *testing.T, text string, max int) {
		if max < 0 {
			max = -max
		}
		max = 64 + max%MaxMessage
		if !utf8.ValidString(text) || strings.TrimSpace(text) == "" {
			return
		}
		depth := 0
		for _, tok := range tokens(text) {
			if len(tok) > 16 {
				return // a tag longer than a short one cannot be split anyway
			}
			switch {
			case strings.HasPrefix(tok, "</"):
				depth--
			case strings.HasPrefix(tok, "<"):
				depth++
				if depth > 3 {
					return
				}
			}
		}
		m := azizayol.Outbound{Text: text, Buttons: [][]azizayol.Button{{{Label: "x", Data: "1:x"}}}, Edit: 9}
		out := Split(m, max)
		if len(out) == 0 {
			t.Fatal("no parts")
		}
		for i, o := range out {
			if o.Text == "" {
				t.Fatalf("part %d of %d is empty", i+1, len(out))
			}
			if !utf8.ValidString(o.Text) {
				t.Fatalf("part %d is not valid UTF-8: %q", i+1, o.Text)
			}
			if n := units(o.Text); n > max {
				t.Fatalf("part %d of %d is %d units, over %d", i+1, len(out), n, max)
			}
			if (i == len(out)-1) != (o.Buttons != nil) || (i == 0) != (o.Edit == 9) {
				t.Fatalf("part %d of %d: buttons %v edit %d", i+1, len(out), o.Buttons, o.Edit)
			}
		}
	})
}
