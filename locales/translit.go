// Uzbek Latin ↔ Cyrillic transliteration, after the 1995 Latin alphabet.
//
// Most letters map one to one. The rest depend on the neighbours, so each word is
// converted letter by letter with a look at the letters around it:
//
//   - Latin e is э at the start of a word and after a vowel, е elsewhere; Latin ye is
//     е there. Going back, е is ye at the start, after a vowel and after ъ/ь.
//   - ts is ц only between vowels in the common loanword endings (-tsiya, -tsey,
//     -tsent …), because native words are full of t+s (ketsa, oʻtsa). Going back, ц is
//     ts between vowels and s elsewhere (цирк → sirk), so s → ц cannot be undone.
//   - yo, yu, ya, ye are one Cyrillic letter, except y + oʻ (yoʻl → йўл).
//   - The apostrophe after o and g makes oʻ/gʻ; anywhere else it is the tutuq belgisi
//     (ъ), and between s and h it only keeps them apart (Isʼhoq → Исҳоқ).
//
// Words the rules get wrong go in the exception lists below. Template actions,
// HTML, URLs, e-mail addresses, @handles and /commands are never touched (see
// protectedLen), so a message file can be converted as a whole.

package locales

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The official apostrophes: oʻ and gʻ take the turned comma, the tutuq belgisi takes
// the modifier apostrophe.
const (
	okinaMark = "ʻ" // U+02BB MODIFIER LETTER TURNED COMMA
	tutuqMark = "ʼ" // U+02BC MODIFIER LETTER APOSTROPHE
)

// ToCyrillic converts Uzbek Latin text to Uzbek Cyrillic. Any apostrophe people
// type (ʻ ʼ ‘ ’ ' ` ´) is read as the one of oʻ/gʻ or as the tutuq belgisi.
func ToCyrillic(s string) string { return transliterate(s, latinTextToCyrillic) }

// ToLatin converts Uzbek Cyrillic text to Uzbek Latin with the official letters:
// oʻ and gʻ with U+02BB, the tutuq belgisi as U+02BC.
func ToLatin(s string) string { return transliterate(s, cyrillicTextToLatin) }

// transliterate runs conv over the text between protected spans.
func transliterate(s string, conv func(string) string) string {
	// Invalid bytes become U+FFFD so the result is always valid UTF-8.
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	plain := 0 // start of the text not yet written
	for i := 0; i < len(s); {
		if n := protectedLen(s, i); n > 0 {
			b.WriteString(conv(s[plain:i]))
			b.WriteString(s[i : i+n])
			i += n
			plain = i
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	b.WriteString(conv(s[plain:]))
	return b.String()
}

// ---------------------------------------------------------------------------
// Latin → Cyrillic

// latinLetters maps the Latin letters that always give the same Cyrillic letter.
// c and w are not in the Uzbek alphabet but turn up in names (Telegram, WhatsApp).
var latinLetters = map[rune]string{
	'a': "а", 'b': "б", 'c': "ц", 'd': "д", 'f': "ф", 'g': "г", 'h': "ҳ", 'i': "и",
	'j': "ж", 'k': "к", 'l': "л", 'm': "м", 'n': "н", 'o': "о", 'p': "п", 'q': "қ",
	'r': "р", 's': "с", 't': "т", 'u': "у", 'v': "в", 'w': "в", 'x': "х", 'y': "й",
	'z': "з",
}

// latinIotated maps the vowel after y in yo, yu, ya, ye.
var latinIotated = map[rune]string{'o': "ё", 'u': "ю", 'a': "я", 'e': "е"}

// latinWords are whole words the rules get wrong (keys lower case, apostrophe as ').
var latinWords = map[string]string{
	"mer":  "мэр", // э after a consonant cannot be told from е
	"nyu":  "нью", // Nyu-York
	"york": "йорк",
	"yoga": "йога",
	// Month names keep the Russian soft sign.
	"yanvar": "январь", "fevral": "февраль", "aprel": "апрель", "iyun": "июнь",
	"iyul": "июль", "sentabr": "сентябрь", "oktabr": "октябрь", "noyabr": "ноябрь",
	"dekabr": "декабрь",
}

// latinStems are word beginnings the rules get wrong; suffixes after them are
// converted as usual (obyektlar → объектлар). Keep them long enough not to catch
// other words: "mer" would turn meros into мэрос.
var latinStems = []struct{ latin, cyrillic string }{
	{"meriya", "мэрия"},
	// ъ before е in Russian loans (ye after a consonant is ье otherwise: pyesa → пьеса).
	{"obyekt", "объект"}, {"subyekt", "субъект"}, {"podyezd", "подъезд"},
	{"inyeksiya", "инъекция"},
	// ь before ю, я, о (y + vowel after a consonant is plain ю, я, ё: menyu → меню).
	{"kompyuter", "компьютер"}, {"intervyu", "интервью"}, {"sudya", "судья"},
	{"batalyon", "батальон"}, {"pavilyon", "павильон"}, {"bulyon", "бульон"},
	{"medalyon", "медальон"}, {"pochtalyon", "почтальон"},
	// ь before a consonant, which Latin drops.
	{"konsulta", "консульта"},
	// йо, not ё, in Russian loans.
	{"rayon", "район"}, {"mayor", "майор"}, {"yogurt", "йогурт"},
	// Months in front of a suffix (sentabrda → сентябрда).
	{"sentabr", "сентябр"}, {"oktabr", "октябр"},
}

// tseEndings are what follows ts in loanwords where it stands for ц (militsiya,
// patsiyent, revolyutsion, litsey, protsent, retsept). Native words never have
// these after t+s; they have ketsa, ketsin, oʻtsak.
var tseEndings = []string{"iy", "io", "ey", "ent", "ept"}

func isLatinLetter(r rune) bool { return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' }

// isApostrophe reports the characters people type for ʻ and ʼ.
func isApostrophe(r rune) bool {
	switch r {
	case 'ʻ', 'ʼ', '‘', '’', '\'', '`', '´':
		return true
	}
	return false
}

// latinTextToCyrillic converts the words in text and copies everything else.
func latinTextToCyrillic(text string) string {
	rs := []rune(text)
	var b strings.Builder
	for i := 0; i < len(rs); {
		if !isLatinLetter(rs[i]) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		end := i
		for end < len(rs) && (isLatinLetter(rs[end]) || isApostrophe(rs[end])) {
			end++
		}
		// Apostrophes at the end close a quotation, except the one of a final gʻ (togʻ).
		k := end
		for isApostrophe(rs[k-1]) {
			k--
		}
		if k < end && (rs[k-1] == 'g' || rs[k-1] == 'G') {
			k++
		}
		b.WriteString(latinWordToCyrillic(rs[i:k]))
		i = k
	}
	return b.String()
}

// Where a letter stands, as far as e, ye and ts care.
const (
	posStart     = iota // first letter of the word
	posVowel            // after a vowel
	posConsonant        // after a consonant
	posSign             // after the tutuq belgisi
)

// latinWordToCyrillic converts one word: letters with apostrophes inside.
func latinWordToCyrillic(word []rune) string {
	w := make([]rune, len(word)) // lower case, every apostrophe as '
	for i, r := range word {
		if isApostrophe(r) {
			w[i] = '\''
		} else {
			w[i] = unicode.ToLower(r)
		}
	}
	lower := string(w)
	if c, ok := latinWords[lower]; ok {
		return matchCase(c, word)
	}
	var b strings.Builder
	i := 0
	for _, st := range latinStems {
		if strings.HasPrefix(lower, st.latin) {
			i = len(st.latin) // stems are ASCII, so bytes = runes
			b.WriteString(matchCase(st.cyrillic, word[:i]))
			break
		}
	}
	allCaps := isAllCaps(word)
	for i < len(w) {
		c, n := latinUnit(w, i)
		switch {
		case allCaps:
			c = strings.ToUpper(c) // SH → Ш, and МАЪНО takes a capital Ъ too
		case unicode.IsUpper(firstLetter(word[i : i+n])):
			c = titleCase(c) // Sh → Ш, Ye → Е
		}
		b.WriteString(c)
		i += n
	}
	return b.String()
}

// latinUnit returns the Cyrillic for the letter(s) at w[i] (lower case, apostrophe
// as ') and how many runes of w it used.
func latinUnit(w []rune, i int) (string, int) {
	at := func(k int) rune {
		if k < len(w) {
			return w[k]
		}
		return 0
	}
	r, next := w[i], at(i+1)
	switch {
	case r == '\'':
		if i > 0 && w[i-1] == 's' && next == 'h' {
			return "", 1 // sʼh: the sign only keeps s and h from reading as sh (Исҳоқ)
		}
		return "ъ", 1 // tutuq belgisi: maʼno → маъно
	case r == 'o' && next == '\'':
		return "ў", 2
	case r == 'g' && next == '\'':
		return "ғ", 2
	case r == 's' && next == 'h':
		return "ш", 2
	case r == 'c' && next == 'h':
		return "ч", 2
	case r == 'y' && latinIotated[next] != "" && !(next == 'o' && at(i+2) == '\''):
		// yoʻ is й + ў (yoʻl → йўл), never ё + ъ.
		if next == 'e' && latinPos(w, i) == posConsonant {
			return "ье", 2 // pyesa → пьеса, premyera → премьера
		}
		return latinIotated[next], 2
	case r == 'e':
		if latinPos(w, i) == posConsonant {
			return "е", 1
		}
		return "э", 1 // ekran → экран, poeziya → поэзия
	case r == 't' && next == 's' && latinPos(w, i) == posVowel && hasAnyPrefix(w[i+2:], tseEndings):
		return "ц", 2
	}
	if c, ok := latinLetters[r]; ok {
		return c, 1
	}
	return string(r), 1
}

// latinPos tells what comes before w[i].
func latinPos(w []rune, i int) int {
	if i == 0 {
		return posStart
	}
	switch p := w[i-1]; {
	case p == '\'' && i >= 2 && w[i-2] == 'o':
		return posVowel // oʻ
	case p == '\'' && i >= 2 && w[i-2] == 'g':
		return posConsonant // gʻ
	case p == '\'':
		return posSign
	case strings.ContainsRune("aeiou", p):
		return posVowel
	}
	return posConsonant
}

func hasAnyPrefix(w []rune, prefixes []string) bool {
	s := string(w[:min(len(w), 3)]) // the prefixes are short; a long word costs no more
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// ---------------------------------------------------------------------------
// Cyrillic → Latin

// cyrillicLetters maps the Cyrillic letters that always give the same Latin.
// Russian щ and ы have no Uzbek letter: they become sh and i.
var cyrillicLetters = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'ё': "yo", 'ж': "j", 'з': "z",
	'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p",
	'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "x", 'ч': "ch", 'ш': "sh",
	'щ': "sh", 'ы': "i", 'э': "e", 'ю': "yu", 'я': "ya", 'ў': "o" + okinaMark,
	'қ': "q", 'ғ': "g" + okinaMark, 'ҳ': "h",
}

// cyrillicStems are word beginnings the rules get wrong (lower case).
var cyrillicStems = []struct{ cyrillic, latin string }{
	{"сентябр", "sentabr"}, {"октябр", "oktabr"},
}

const cyrillicVowels = "аеёиоуыэюяў"

func isCyrillicLetter(r rune) bool { return unicode.Is(unicode.Cyrillic, r) && unicode.IsLetter(r) }

// cyrillicTextToLatin converts the words in text and copies everything else.
func cyrillicTextToLatin(text string) string {
	rs := []rune(text)
	var b strings.Builder
	for i := 0; i < len(rs); {
		if !isCyrillicLetter(rs[i]) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		end := i
		for end < len(rs) && isCyrillicLetter(rs[end]) {
			end++
		}
		b.WriteString(cyrillicWordToLatin(rs[i:end]))
		i = end
	}
	return b.String()
}

// cyrillicWordToLatin converts one word.
func cyrillicWordToLatin(word []rune) string {
	w := make([]rune, len(word))
	for i, r := range word {
		w[i] = unicode.ToLower(r)
	}
	lower := string(w)
	var b strings.Builder
	i := 0
	for _, st := range cyrillicStems {
		if strings.HasPrefix(lower, st.cyrillic) {
			i = utf8.RuneCountInString(st.cyrillic)
			b.WriteString(matchCase(st.latin, word[:i]))
			break
		}
	}
	for ; i < len(w); i++ {
		c := cyrillicUnit(w, i)
		if unicode.IsUpper(word[i]) {
			// Ш is SH in ЧИҚИШ but Sh in Шаҳар: a capital next to a capital is all caps.
			prevUp := i > 0 && unicode.IsUpper(word[i-1])
			nextUp := i+1 < len(word) && unicode.IsUpper(word[i+1])
			if prevUp || nextUp {
				c = strings.ToUpper(c)
			} else {
				c = titleCase(c)
			}
		}
		b.WriteString(c)
	}
	return b.String()
}

// cyrillicUnit returns the Latin for w[i] (lower case).
func cyrillicUnit(w []rune, i int) string {
	var prev, next rune // 0 at the ends of the word
	if i > 0 {
		prev = w[i-1]
	}
	if i+1 < len(w) {
		next = w[i+1]
	}
	switch w[i] {
	case 'е':
		if i == 0 || prev == 'ъ' || prev == 'ь' || strings.ContainsRune(cyrillicVowels, prev) {
			return "ye" // енгил → yengil, қаерда → qayerda, подъезд → podyezd
		}
		return "e"
	case 'ц':
		if strings.ContainsRune(cyrillicVowels, prev) && strings.ContainsRune(cyrillicVowels, next) {
			return "ts" // милиция → militsiya
		}
		return "s" // цирк → sirk, концерт → konsert, кварц → kvars
	case 'ъ':
		if next == 'е' {
			return "" // подъезд → podyezd: the y of ye already marks the break
		}
		return tutuqMark // маъно → maʼno
	case 'ь':
		if next == 'о' {
			return "y" // батальон → batalyon
		}
		return "" // июнь → iyun
	case 'с':
		if next == 'ҳ' {
			return "s" + tutuqMark // Исҳоқ → Isʼhoq, not Ishoq
		}
	}
	if c, ok := cyrillicLetters[w[i]]; ok {
		return c
	}
	return string(w[i])
}

// ---------------------------------------------------------------------------
// Letter case

// matchCase gives s the case pattern of src: all caps, capitalised or as is.
func matchCase(s string, src []rune) string {
	switch {
	case isAllCaps(src):
		return strings.ToUpper(s)
	case unicode.IsUpper(firstLetter(src)):
		return titleCase(s)
	}
	return s
}

// isAllCaps reports a word of two or more letters written in capitals (CHIQISH, SH).
func isAllCaps(src []rune) bool {
	letters := 0
	for _, r := range src {
		if unicode.IsLetter(r) && !isApostrophe(r) {
			if !unicode.IsUpper(r) {
				return false
			}
			letters++
		}
	}
	return letters >= 2
}

// firstLetter returns the first letter of src that is not an apostrophe, or 0.
func firstLetter(src []rune) rune {
	for _, r := range src {
		if unicode.IsLetter(r) && !isApostrophe(r) {
			return r
		}
	}
	return 0
}

// titleCase upper-cases the first letter: ш → Ш, sh → Sh, ье → Ье.
func titleCase(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}

// ---------------------------------------------------------------------------
// Text left alone

// tlds are the top-level domains that make a bare word.word a domain name
// (aziz-ayol.uz, t.me). A short list, so that a missing space after a full stop
// (qiling.Rahmat) is not taken for one.
var tlds = map[string]bool{
	"uz": true, "com": true, "org": true, "net": true, "me": true, "ru": true,
	"io": true, "info": true, "gov": true, "edu": true, "int": true, "app": true,
	"dev": true, "co": true, "kz": true, "kg": true, "tj": true, "tm": true,
	"biz": true, "su": true, "eu": true, "online": true, "site": true, "pro": true,
	"link": true, "ly": true, "gl": true, "be": true,
}

// protectedLen returns the length of the span at s[i] that must be copied as is,
// or 0: a template action {{…}}, an HTML tag or entity, a URL or bare domain, an
// e-mail address, an @handle or a /command.
func protectedLen(s string, i int) int {
	rest := s[i:]
	switch c := rest[0]; {
	case strings.HasPrefix(rest, "{{"):
		if end := strings.Index(rest[2:], "}}"); end >= 0 {
			return end + 4
		}
		return len(rest) // an unclosed action: better untouched than half converted
	case c == '<':
		if len(rest) > 1 && (isASCIILetter(rest[1]) || rest[1] == '/' || rest[1] == '!') {
			// A tag ends at the first >; a < before it means this was no tag (and
			// stopping there keeps a run of <<<< from being scanned over and over).
			if end := strings.IndexAny(rest[1:], "<>"); end >= 0 && rest[1+end] == '>' {
				return end + 2
			}
		}
		return 0
	case c == '&':
		return entityLen(rest)
	}
	if !atWordStart(s, i) {
		return 0
	}
	switch c := rest[0]; {
	case c == '@':
		return 1 + nameLen(rest[1:]) // @aziz_ayol_bot; a lone @ gives 1
	case c == '/':
		if n := commandLen(rest); n > 0 {
			return n
		}
		return 0
	case isASCIILetter(c) || isASCIIDigit(c):
		if hasPrefixFold(rest, "http://") || hasPrefixFold(rest, "https://") {
			return urlLen(rest)
		}
		return hostLen(rest)
	}
	return 0
}

// atWordStart reports that s[i] does not continue a word, number or address.
func atWordStart(s string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	if unicode.IsLetter(r) || unicode.IsDigit(r) || isApostrophe(r) {
		return false
	}
	return !strings.ContainsRune("_.-/@:%+", r) // inside an address
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isASCIIDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isNameByte(c byte) bool    { return isASCIILetter(c) || isASCIIDigit(c) || c == '_' }

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// nameLen is the length of the run of [A-Za-z0-9_] that s starts with.
func nameLen(s string) int {
	n := 0
	for n < len(s) && isNameByte(s[n]) {
		n++
	}
	return n
}

// entityLen is the length of an HTML entity (&amp; &#39; &#x27;) at s, or 0.
func entityLen(s string) int {
	n := 1
	if n < len(s) && s[n] == '#' {
		n++
	}
	start := n
	for n < len(s) && n < 40 && (isASCIILetter(s[n]) || isASCIIDigit(s[n])) {
		n++
	}
	if n > start && n < len(s) && s[n] == ';' {
		return n + 1
	}
	return 0
}

// commandLen is the length of a bot command (/start, /help@aziz_ayol_bot) at s, or 0.
func commandLen(s string) int {
	if len(s) < 2 || !isASCIILetter(s[1]) {
		return 0
	}
	n := 1 + nameLen(s[1:])
	if n < len(s) && s[n] == '@' {
		if m := nameLen(s[n+1:]); m > 0 {
			n += 1 + m
		}
	}
	return n
}

// urlLen is the length of the URL at s: up to white space, a quote or an angle
// bracket, without punctuation that ends the sentence around it.
func urlLen(s string) int {
	n := strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '<' || r == '>' || r == '"'
	})
	if n < 0 {
		n = len(s)
	}
	for n > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:n])
		if !strings.ContainsRune(".,;:!?)]}»", r) && !isApostrophe(r) {
			break
		}
		n -= size
	}
	return n
}

// hostLen is the length of a bare domain (aziz-ayol.uz, t.me/aziz_ayol, with any
// path) or an e-mail address at s, or 0.
func hostLen(s string) int {
	n := 0
	for n < len(s) && (isNameByte(s[n]) || strings.IndexByte(".-%+@", s[n]) >= 0) {
		n++
	}
	word := strings.TrimRight(s[:n], ".-")
	if local, domain, ok := strings.Cut(word, "@"); ok {
		if local != "" && isDomain(domain, false) {
			return len(word)
		}
		return 0
	}
	if !isDomain(word, true) {
		return 0
	}
	if len(word) < len(s) && (s[len(word)] == '/' || s[len(word)] == ':') {
		return len(word) + urlLen(s[len(word):])
	}
	return len(word)
}

// isDomain reports dot-separated labels of letters, digits and hyphens. With
// knownTLD the last one must be in tlds and not capitalised like a sentence (Uz).
func isDomain(s string, knownTLD bool) bool {
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for j := 0; j < len(l); j++ {
			if !isASCIILetter(l[j]) && !isASCIIDigit(l[j]) && l[j] != '-' {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	if !knownTLD {
		return len(tld) >= 2 && strings.IndexFunc(tld, func(r rune) bool { return !unicode.IsLetter(r) }) < 0
	}
	if len(tld) > 1 && unicode.IsUpper(rune(tld[0])) && strings.ToLower(tld[1:]) == tld[1:] {
		return false
	}
	return tlds[strings.ToLower(tld)]
}
