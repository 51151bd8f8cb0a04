package sms

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The GSM 03.38 alphabet (3GPP TS 23.038, 6.2.1): the 127 characters of the basic
// table (its 128th code, 0x1B, is the escape into the extension table), and the
// characters of the extension table, each sent as escape + code: two septets.
const (
	gsm7Basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
		"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsm7Extension = "\f^{}\\[]~|€"
)

// Encodings a text is sent in.
const (
	GSM7 = "GSM-7"
	UCS2 = "UCS-2"
)

// Sizes of one SMS and of each part of a concatenated one: the user data header that
// joins the parts takes 7 septets (GSM-7) or 3 code units (UCS-2) of every part.
const (
	gsm7Single = 160
	gsm7Part   = 153
	ucs2Single = 70
	ucs2Part   = 67
)

var gsm7Septets = func() map[rune]int {
	m := make(map[rune]int, 140)
	for _, r := range gsm7Basic {
		m[r] = 1
	}
	for _, r := range gsm7Extension {
		m[r] = 2
	}
	return m
}()

// IsGSM7 reports whether every character of s is in the GSM 03.38 alphabet.
func IsGSM7(s string) bool {
	for _, r := range s {
		if gsm7Septets[r] == 0 {
			return false
		}
	}
	return true
}

// Segments says how s is sent: its encoding, how many SMS it takes, and its length in
// that encoding's units (septets for GSM-7, extension characters counting two; UTF-16
// code units for UCS-2). A character is never split between two parts: an extension
// character or a surrogate pair that does not fit goes whole to the next part, so a
// long text can take one part more than its length divided by 153 or 67. An empty
// text takes no SMS.
func Segments(s string) (encoding string, parts int, units int) {
	encoding, single, part := GSM7, gsm7Single, gsm7Part
	width := func(r rune) int { return gsm7Septets[r] }
	if !IsGSM7(s) {
		encoding, single, part = UCS2, ucs2Single, ucs2Part
		width = func(r rune) int { return max(utf16.RuneLen(r), 1) } // invalid UTF-8 is sent as U+FFFD
	}
	fill := 0 // units in the current part
	for _, r := range s {
		w := width(r)
		units += w
		if parts == 0 || fill+w > part {
			parts++
			fill = 0
		}
		fill += w
	}
	if units <= single {
		return encoding, min(parts, 1), units
	}
	return encoding, parts, units
}

// gsm7Substitutes are characters common in Uzbek and Russian texts (typed on phones,
// copied from government sites) that GSM-7 lacks, with what stands for them.
var gsm7Substitutes = map[rune]string{
	// Uzbek Latin oʻ gʻ and the tutuq belgisi, in every form they are written.
	'\u02BB': "'", // ʻ modifier letter turned comma (the official oʻ gʻ)
	'\u02BC': "'", // ʼ modifier letter apostrophe (the official tutuq belgisi)
	'\u2018': "'", // ‘
	'\u2019': "'", // ’
	'`':      "'",
	'\u00B4': "'", // ´
	'\u02B9': "'", // ʹ
	'\u2032': "'", // ′
	'\u201B': "'", // ‛
	// Quotes.
	'\u201C': `"`, // “
	'\u201D': `"`, // ”
	'\u201E': `"`, // „
	'\u00AB': `"`, // «
	'\u00BB': `"`, // »
	'\u2033': `"`, // ″
	// Dashes and minus.
	'\u2010': "-",
	'\u2011': "-",
	'\u2012': "-",
	'\u2013': "-", // –
	'\u2014': "-", // —
	'\u2015': "-",
	'\u2212': "-", // −
	// Spaces.
	'\t':     " ",
	'\u00A0': " ", // no-break space
	'\u2007': " ",
	'\u2009': " ",
	'\u202F': " ",
	// Others.
	'\u2026': "...", // …
	'\u2022': "-",   // • a list bullet
	'\u2116': "No",  // №
	'\u00B0': "o",   // °
	'\u00D7': "x",   // ×
	'\u2192': "->",  // → (other arrows are dropped as pictographs)
	'\u2190': "<-",  // ←
	'\u2028': "\n",  // line separator
}

// ToGSM7Latin writes an Uzbek Latin text in the GSM-7 alphabet so that it is sent at
// 160 characters an SMS rather than 70: oʻ, gʻ and the tutuq belgisi become the
// ASCII apostrophe, curly quotes and guillemets straight ones, dashes a hyphen, odd
// spaces a space; emoji and invisible characters are dropped (with the space they
// leave behind). Other characters (a Cyrillic name a woman typed) are kept: they send
// the text as UCS-2, but nothing she wrote is lost.
func ToGSM7Latin(s string) string {
	return clean(s, gsm7Substitutes)
}

// clean replaces the characters in subst and drops pictographs and invisible
// characters, with a space they would leave doubled.
func clean(s string, subst map[rune]string) string {
	var b strings.Builder
	b.Grow(len(s))
	dropped := false // a character was just dropped: a space after it may be one too many
	last := '\n'     // the last character written; at the start, as after a line
	for _, r := range s {
		switch {
		case subst[r] != "":
			b.WriteString(subst[r])
			last, _ = utf8.DecodeLastRuneInString(subst[r])
		case pictograph(r):
			dropped = true
			continue
		case r == ' ' && dropped && (last == ' ' || last == '\n'):
			// "📞 1146" → "1146", "a 📞 b" → "a b"
		default:
			b.WriteRune(r)
			last = r
		}
		dropped = false
	}
	out := b.String()
	// A pictograph at the end of a line ("Salom 👋\n") leaves a space before it.
	out = strings.ReplaceAll(out, " \n", "\n")
	return strings.TrimRight(out, " ")
}

// pictograph reports whether r is an emoji, a symbol of the kind or a character that
// only shapes one (variation selectors, joiners, skin tones, keycaps).
func pictograph(r rune) bool {
	switch {
	case r == '\u200B' || r == '\u200C' || r == '\u200D' || r == '\u2060' || r == '\uFEFF': // zero-width
		return true
	case r >= '\uFE00' && r <= '\uFE0F': // variation selectors
		return true
	case r == '\u20E3': // combining keycap
		return true
	case r >= 0x1F000 && r <= 0x1FAFF: // emoji blocks, regional indicators, skin tones
		return true
	case r >= 0xE0000 && r <= 0xE007F: // tags (flag sequences)
		return true
	case r >= '\u2600' && r <= '\u27BF': // miscellaneous symbols, dingbats (☎ ✅ ❗)
		return true
	case r >= '\u2B00' && r <= '\u2BFF': // arrows and symbols (⭐ ⬅)
		return true
	case r >= '\u2190' && r <= '\u21FF': // arrows
		return true
	}
	return false
}
