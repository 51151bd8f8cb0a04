package sms

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestGSM7Tables(t *testing.T) {
	// 128 codes less the escape; 9 extension characters and the form feed.
	if n := utf8.RuneCountInString(gsm7Basic); n != 127 {
		t.Errorf("basic table: %d characters, want 127", n)
	}
	if n := utf8.RuneCountInString(gsm7Extension); n != 10 {
		t.Errorf("extension table: %d characters, want 10", n)
	}
	if len(gsm7Septets) != 137 {
		t.Errorf("a character is in both tables: %d distinct", len(gsm7Septets))
	}
	for _, r := range "`‘’ʻʼ“”«»–—\t" {
		if gsm7Septets[r] != 0 {
			t.Errorf("%q is not GSM-7", r)
		}
	}
}

func TestSegments(t *testing.T) {
	a := func(n int) string { return strings.Repeat("a", n) }
	zh := func(n int) string { return strings.Repeat("ж", n) }
	cases := []struct {
		name     string
		text     string
		encoding string
		parts    int
		units    int
	}{
		{"empty", "", GSM7, 0, 0},
		{"one character", "a", GSM7, 1, 1},
		{"160 GSM-7 fit one SMS", a(160), GSM7, 1, 160},
		{"161 take two", a(161), GSM7, 2, 161},
		{"153×2 fill two parts", a(306), GSM7, 2, 306},
		{"153×2+1 take three", a(307), GSM7, 3, 307},
		{"extension characters count two", strings.Repeat("€", 80), GSM7, 1, 160},
		{"81 euros take two parts", strings.Repeat("€", 81), GSM7, 2, 162},
		{"158 and a brace fit", a(158) + "{", GSM7, 1, 160},
		{"159 and a brace do not", a(159) + "{", GSM7, 2, 161},
		// 152+2+152 = 306 = 153×2, but the euro cannot be split: 152 | 153 | 1.
		{"extension character at a part boundary", a(152) + "€" + a(152), GSM7, 3, 306},
		{"GSM-7 accents and Greek", "Ça déjà: ΔΦΓ @£$¥ §¿¡", GSM7, 1, 21},
		{"70 Cyrillic fit one SMS", zh(70), UCS2, 1, 70},
		{"71 Cyrillic take two", zh(71), UCS2, 2, 71},
		{"67×2 fill two parts", zh(134), UCS2, 2, 134},
		{"67×2+1 take three", zh(135), UCS2, 3, 135},
		{"one Cyrillic letter makes it all UCS-2", a(69) + "ж", UCS2, 1, 70},
		{"Uzbek Cyrillic", "Ўзбекча ёрдам", UCS2, 1, 13},
		{"a curly apostrophe makes it UCS-2", "Oʻzbekiston", UCS2, 1, 11},
		{"backtick is not GSM-7", "o`g`il", UCS2, 1, 6},
		{"an emoji is two UTF-16 units", "😀", UCS2, 1, 2},
		// 66+2+66 = 134 = 67×2, but the surrogate pair cannot be split: 66 | 67 | 1.
		{"surrogate pair at a part boundary", zh(66) + "😀" + zh(66), UCS2, 3, 134},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			enc, parts, units := Segments(c.text)
			if enc != c.encoding || parts != c.parts || units != c.units {
				t.Errorf("Segments = %s, %d parts, %d units; want %s, %d, %d", enc, parts, units, c.encoding, c.parts, c.units)
			}
		})
	}
}

func TestToGSM7Latin(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Oʻzbekiston", "O'zbekiston"},                             // U+02BB
		{"Maʼlumot", "Ma'lumot"},                                   // U+02BC
		{"O‘zbekiston, g’alaba", "O'zbekiston, g'alaba"},           // U+2018, U+2019
		{"o`g`il", "o'g'il"},                                       // backtick
		{"o'g'il", "o'g'il"},                                       // ASCII stays
		{"«Ishonch» telefoni — 1146", `"Ishonch" telefoni - 1146`}, // guillemets, em dash
		{"“Aziz–ayol”", `"Aziz-ayol"`},
		{"Ishonch\u00a0telefoni…", "Ishonch telefoni..."},
		{"📞 1146", "1146"},
		{"Salom 👋\nYordam", "Salom\nYordam"},
		{"Yordam ❤️ kerakmi?", "Yordam kerakmi?"},
		{"1️⃣ Maslahat", "1 Maslahat"}, // a keycap loses its decoration only
		{"👩🏽‍⚕️ Shifokor", "Shifokor"},
		{"Menyu → 1", "Menyu -> 1"},
		{"Tel: +998 71 200-00-00 {ish vaqti}", "Tel: +998 71 200-00-00 {ish vaqti}"},
		{"Ёрдам", "Ёрдам"}, // Cyrillic is kept: nothing she wrote is lost
	}
	for _, c := range cases {
		got := ToGSM7Latin(c.in)
		if got != c.want {
			t.Errorf("ToGSM7Latin(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// Every Uzbek Latin text, however its oʻ and gʻ are written, is GSM-7 once converted.
func TestUzbekLatinStaysGSM7(t *testing.T) {
	texts := []string{
		"Oʻzbekiston Respublikasi Xotin-qizlar qoʻmitasi. Tutuq belgisi: maʼlumot, taʼlim.",
		"O‘zbekiston, g‘alaba, ma’naviyat — «Aziz-ayol»",
		"Gʻamxoʻrlik: 1146 raqamiga qoʻngʻiroq qiling 📞",
	}
	for _, s := range texts {
		out := ToGSM7Latin(s)
		if enc, parts, _ := Segments(out); enc != GSM7 || parts != 1 {
			t.Errorf("%q → %q: %s in %d parts, want GSM-7 in 1", s, out, enc, parts)
		}
	}
	// What the conversion saves: 102 characters are 2 SMS in UCS-2, 1 in GSM-7.
	long := strings.Repeat("oʻ", 51)
	if _, parts, _ := Segments(long); parts != 2 {
		t.Errorf("before: %d parts", parts)
	}
	if enc, parts, _ := Segments(ToGSM7Latin(long)); enc != GSM7 || parts != 1 {
		t.Errorf("after: %s in %d parts", enc, parts)
	}
}
