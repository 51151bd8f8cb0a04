package locales

import (
	"bufio"
	"os"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

const translitPairsFile = "testdata/translit_pairs.tsv"

// translitPair is one line of the fixture.
type translitPair struct {
	line            int
	cyrillic, latin string
	dir             string // "" both ways, "->" Cyrillic to Latin only, "<-" Latin to Cyrillic only
}

func readTranslitPairs(t testing.TB) []translitPair {
	t.Helper()
	f, err := os.Open(translitPairsFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var pairs []translitPair
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) < 2 || len(fields) > 3 || fields[0] == "" || fields[1] == "" {
			t.Fatalf("%s:%d: want cyrillic<TAB>latin[<TAB>-> or <-], got %q", translitPairsFile, n, line)
		}
		p := translitPair{line: n, cyrillic: fields[0], latin: fields[1]}
		if len(fields) == 3 {
			p.dir = fields[2]
			if p.dir != "->" && p.dir != "<-" {
				t.Fatalf("%s:%d: direction must be -> or <-, got %q", translitPairsFile, n, p.dir)
			}
		}
		pairs = append(pairs, p)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return pairs
}

func TestTranslitPairs(t *testing.T) {
	pairs := readTranslitPairs(t)
	if len(pairs) < 150 {
		t.Errorf("%s has %d pairs, want at least 150", translitPairsFile, len(pairs))
	}
	for _, p := range pairs {
		if p.dir != "<-" {
			if got := ToLatin(p.cyrillic); got != p.latin {
				t.Errorf("%s:%d: ToLatin(%q) = %q, want %q", translitPairsFile, p.line, p.cyrillic, got, p.latin)
			}
		}
		if p.dir != "->" {
			if got := ToCyrillic(p.latin); got != p.cyrillic {
				t.Errorf("%s:%d: ToCyrillic(%q) = %q, want %q", translitPairsFile, p.line, p.latin, got, p.cyrillic)
			}
		}
	}
	t.Logf("%d pairs", len(pairs))
}

// Text already in the target script comes back as it was, so converting twice is safe.
func TestTranslitLeavesTargetScriptAlone(t *testing.T) {
	for _, p := range readTranslitPairs(t) {
		if got := ToCyrillic(p.cyrillic); got != p.cyrillic {
			t.Errorf("ToCyrillic(%q) = %q, want it unchanged", p.cyrillic, got)
		}
		if got := ToLatin(p.latin); got != p.latin {
			t.Errorf("ToLatin(%q) = %q, want it unchanged", p.latin, got)
		}
	}
}

func TestToCyrillicRules(t *testing.T) {
	tests := []struct{ rule, in, want string }{
		{"e at the start of a word is э", "elektr", "электр"},
		{"e after a vowel is э", "poeziya", "поэзия"},
		{"e after a consonant is е", "kecha", "кеча"},
		{"a hyphen starts a new word", "3-etaj", "3-этаж"},
		{"ye at the start of a word is е", "yengil", "енгил"},
		{"ye after a vowel is е", "qayerda", "қаерда"},
		{"ye after a consonant is ье", "pyesa", "пьеса"},
		{"yo is ё", "yomgʻir", "ёмғир"},
		{"y before oʻ is й, not ё + ъ", "yo'l", "йўл"},
		{"y before a consonant is й", "tayyor", "тайёр"},
		{"ts between vowels before -iya is ц", "militsiya", "милиция"},
		{"ts in litsey is ц", "litsey", "лицей"},
		{"native t + s stays тс", "ketsa", "кетса"},
		{"s is never guessed to be ц", "sirk", "сирк"},
		{"sʼh is сҳ", "Is'hoq", "Исҳоқ"},
		{"sh + h is шҳ", "Mashhad", "Машҳад"},
		{"the tutuq belgisi is ъ", "ma'no", "маъно"},
		{"oʻ followed by the tutuq belgisi", "mo'’jiza", "мўъжиза"},
		{"ng stays нг", "tong", "тонг"},
		{"gʻ at the end of a word", "tog'", "тоғ"},
		{"quotation marks around a word stay", "'Salom'", "'Салом'"},
		{"a closing quote after o is not oʻ", "‘kino’", "‘кино’"},
		{"all caps", "CHIQISH", "ЧИҚИШ"},
		{"all caps with oʻ", "O'ZBEKISTON", "ЎЗБЕКИСТОН"},
		{"all caps keeps ъ capital", "MA'NO", "МАЪНО"},
		{"Sh at the start of a capitalised word", "Shahar", "Шаҳар"},
		{"exception: mer", "Mer", "Мэр"},
		{"exceptions are whole words", "meros", "мерос"},
		{"stem exceptions take suffixes", "obyektlar", "объектлар"},
		{"a month before a suffix drops ь", "oktabrdan", "октябрдан"},
		{"Cyrillic in the input stays", "Salom, дўстим", "Салом, дўстим"},
		{"letters outside Uzbek are mapped too", "WhatsApp", "ВҳатсАпп"},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			if got := ToCyrillic(tt.in); got != tt.want {
				t.Errorf("ToCyrillic(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestToLatinRules(t *testing.T) {
	tests := []struct{ rule, in, want string }{
		{"е at the start of a word is ye", "енгил", "yengil"},
		{"е after a vowel is ye", "қаерда", "qayerda"},
		{"е after ъ is ye and ъ is dropped", "подъезд", "podyezd"},
		{"е after ь is ye", "пьеса", "pyesa"},
		{"е after a consonant is e", "кеча", "kecha"},
		{"э is e", "экран", "ekran"},
		{"ц at the start is s", "цирк", "sirk"},
		{"ц after a consonant is s", "концерт", "konsert"},
		{"ц at the end is s", "кварц", "kvars"},
		{"ц between vowels is ts", "лицей", "litsey"},
		{"ь is dropped", "июнь", "iyun"},
		{"ьо is yo", "батальон", "batalyon"},
		{"exception: сентябрь", "сентябрь", "sentabr"},
		{"exception: октябрь", "Октябрь", "Oktabr"},
		{"ъ is U+02BC", "маъно", "ma\u02bcno"},
		{"ў and ғ take U+02BB", "ўғил", "o\u02bbg\u02bbil"},
		{"сҳ is sʼh with U+02BC", "Исҳоқ", "Is\u02bchoq"},
		{"щ is sh", "ящик", "yashik"},
		{"ы is i", "Крым", "Krim"},
		{"all caps", "ЧИҚИШ", "CHIQISH"},
		{"capitalised", "Шаҳар", "Shahar"},
		{"a capital on its own is capitalised", "Ш", "Sh"},
		{"all caps stem with a suffix", "ЧИҚИШга", "CHIQISHga"},
		{"Latin in the input stays", "SMS орқали", "SMS orqali"},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			if got := ToLatin(tt.in); got != tt.want {
				t.Errorf("ToLatin(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// Markup and addresses go through both directions unchanged.
func TestTranslitPassthrough(t *testing.T) {
	tests := []struct{ name, latin, cyrillic string }{
		{"template, HTML, URL and command",
			"Raqamingiz: <b>{{.Number}}</b>, batafsil: https://aziz-ayol.uz/help /start",
			"Рақамингиз: <b>{{.Number}}</b>, батафсил: https://aziz-ayol.uz/help /start"},
		{"template actions with spaces",
			"{{ if .Anonymous }}Anonim{{ else }}{{ .Name }}{{ end }}",
			"{{ if .Anonymous }}Аноним{{ else }}{{ .Name }}{{ end }}"},
		{"link with attributes",
			`<a href="https://t.me/aziz_ayol">Kanal</a>`,
			`<a href="https://t.me/aziz_ayol">Канал</a>`},
		{"HTML entities",
			"Ota &amp; ona &#39;yordam&#39; &lt;3",
			"Ота &amp; она &#39;ёрдам&#39; &lt;3"},
		{"bare domains",
			"Sayt: aziz-ayol.uz, kanal: t.me/aziz_ayol. www.gov.uz saytida",
			"Сайт: aziz-ayol.uz, канал: t.me/aziz_ayol. www.gov.uz сайтида"},
		{"URL in brackets",
			"Batafsil (https://aziz-ayol.uz/help).",
			"Батафсил (https://aziz-ayol.uz/help)."},
		{"URL in capitals",
			"SAYT: HTTPS://AZIZ-AYOL.UZ",
			"САЙТ: HTTPS://AZIZ-AYOL.UZ"},
		{"e-mail and @handle",
			"Yozing: info@aziz-ayol.uz yoki @aziz_ayol_bot",
			"Ёзинг: info@aziz-ayol.uz ёки @aziz_ayol_bot"},
		{"commands",
			"/help yoki /start@aziz_ayol_bot bosing. <b>/cancel</b>",
			"/help ёки /start@aziz_ayol_bot босинг. <b>/cancel</b>"},
		{"a slash inside a word is not a command",
			"kecha/kunduz",
			"кеча/кундуз"},
		{"a missing space after a full stop is not a domain",
			"Qiling.Rahmat",
			"Қилинг.Раҳмат"},
		{"digits",
			"1146, 102 va 112 — 24/7",
			"1146, 102 ва 112 — 24/7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ToCyrillic(tt.latin); got != tt.cyrillic {
				t.Errorf("ToCyrillic(%q)\n got %q\nwant %q", tt.latin, got, tt.cyrillic)
			}
			if got := ToLatin(tt.cyrillic); got != tt.latin {
				t.Errorf("ToLatin(%q)\n got %q\nwant %q", tt.cyrillic, got, tt.latin)
			}
		})
	}

	// Cyrillic inside a template action stays Cyrillic.
	in := `{{if eq .Lang "уз"}}Ҳа{{end}}`
	if got, want := ToLatin(in), `{{if eq .Lang "уз"}}Ha{{end}}`; got != want {
		t.Errorf("ToLatin(%q) = %q, want %q", in, got, want)
	}
}

// Every apostrophe people type for oʻ, gʻ and the tutuq belgisi is understood.
func TestToCyrillicApostropheVariants(t *testing.T) {
	variants := []string{"\u02bb", "\u02bc", "\u2018", "\u2019", "'", "`", "\u00b4"}
	for _, a := range variants {
		tests := []struct{ in, want string }{
			{"O" + a + "zbekiston", "Ўзбекистон"},
			{"qo" + a + "ng" + a + "iroq", "қўнғироқ"},
			{"yo" + a + "l", "йўл"},
			{"tog" + a, "тоғ"},
			{"ma" + a + "no", "маъно"},
			{"mo" + a + a + "jiza", "мўъжиза"},
			{"Is" + a + "hoq", "Исҳоқ"},
		}
		for _, tt := range tests {
			if got := ToCyrillic(tt.in); got != tt.want {
				t.Errorf("apostrophe %U: ToCyrillic(%q) = %q, want %q", []rune(a)[0], tt.in, got, tt.want)
			}
		}
	}
}

// onlyDigitsAndPunct reports text without letters: it must come back unchanged.
func onlyDigitsAndPunct(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsDigit(r) && !unicode.IsPunct(r) && !unicode.IsSpace(r) && !unicode.IsSymbol(r) {
			return false
		}
	}
	return true
}

func translitFuzzSeeds(f *testing.F) {
	for _, s := range []string{
		"", "1146", "24/7 — 102, 112!", "Ishonch telefoni 1146 — kecha-kunduz, bepul.",
		"Ишонч телефони 1146 — кеча-кундуз, бепул.", "Oʻzbekcha", "qo'ng'iroq", "mo'’jiza",
		"Is'hoq", "yo'", "'", "g'", "s'", "O'ZBEKISTON", "ЧИҚИШга", "{{", "{{.X}", "<", "<b",
		"&", "&amp", "@", "/", "a@b", "t.me/", "http://", "x.uz:", "\xff\xfe", "ye", "yo'l'",
	} {
		f.Add(s)
	}
}

func FuzzToCyrillic(f *testing.F) {
	translitFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		got := ToCyrillic(s)
		if !utf8.ValidString(got) {
			t.Fatalf("ToCyrillic(%q) = %q, not valid UTF-8", s, got)
		}
		if onlyDigitsAndPunct(s) && got != s {
			t.Fatalf("ToCyrillic(%q) = %q, want it unchanged", s, got)
		}
	})
}

func FuzzToLatin(f *testing.F) {
	translitFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		got := ToLatin(s)
		if !utf8.ValidString(got) {
			t.Fatalf("ToLatin(%q) = %q, not valid UTF-8", s, got)
		}
		if onlyDigitsAndPunct(s) && got != s {
			t.Fatalf("ToLatin(%q) = %q, want it unchanged", s, got)
		}
	})
}

const translitBenchText = "Yordam kerak boʻlsa, qoʻngʻiroq qiling: <b>{{.Number}}</b>. " +
	"Ishonch telefoni 1146 — kecha-kunduz, bepul. Batafsil: https://aziz-ayol.uz/help /start " +
	"Siz yolgʻiz emassiz. Maʼlumotlaringiz sir saqlanadi. Eng yaqin markaz qayerda?"

func BenchmarkToCyrillic(b *testing.B) {
	b.SetBytes(int64(len(translitBenchText)))
	for b.Loop() {
		ToCyrillic(translitBenchText)
	}
}

func BenchmarkToLatin(b *testing.B) {
	text := ToCyrillic(translitBenchText)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		ToLatin(text)
	}
}
