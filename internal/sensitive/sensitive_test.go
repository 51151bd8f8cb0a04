package sensitive

import (
	"slices"
	"strings"
	"testing"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/bot/sms"
)

func list(t *testing.T) *List {
	t.Helper()
	l, err := Load("../../" + File)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// Each planted word is found, however it is written and whatever suffix it takes, also
// after the SMS renders it (GSM-7: the Uzbek apostrophes become "'"); the neutral words
// of the platform's SMS are not.
func TestPlantedWordsAreFound(t *testing.T) {
	l := list(t)
	must := map[string]string{
		"Zoʻravonlikdan himoya":                    "zoʻravon",
		"ZO‘RAVONLIK":                              "zoʻravon",
		"zoravonlik qurboni":                       "zoʻravon",
		"Зўравонликдан ҳимоя":                      "зўравон",
		"защита от насилия":                        "насил",
		"Насилие в семье":                          "насил",
		"изнасилование":                            "изнасил",
		"Erim meni urdi":                           "urdi",
		"kaltaklandi":                              "kaltak",
		"избиение":                                 "избиен",
		"Tazyiq":                                   "tazyiq",
		"Politsiya 102":                            "politsi",
		"militsiyaga boring":                       "militsi",
		"Милиция":                                  "милиц",
		"полицию":                                  "полиц",
		"IIB inspektori":                           "iib$",
		"ИИВ":                                      "иив$",
		"органы внутренних дел":                    "внутренн дел",
		"zoʻrlash":                                 "zoʻrla",
		"oʻz joniga qasd qilish":                   "oʻz jon qasd",
		"Oʻz joningizga qasd qilish haqida oʻylar": "oʻz jon qasd",
		"oʻzimni oʻldiraman":                       "oʻzi oʻldir",
		"мысли о суициде":                          "суицид",
		"самоубийство":                             "самоубийств",
		"himoya orderi":                            "himoya",
		"Охранный ордер":                           "ордер",
		"psixologik yordam":                        "psixolog",
		"Психолог":                                 "психолог",
		"психологическая помощь":                   "психолог",
		"Ayollarni reabilitatsiya qilish markazi":  "reabilitats",
		"Центр реабилитации и адаптации женщин": "реабилит",
		"vaqtincha boshpana": "boshpana",
		"приют":              "приют",
		"ajrashish":          "ajrash",
		"развод":             "развод",
		"domestic abuse":     "abus",
		"violence":           "violen",
		"police":             "police",
		"suicide":            "suicid",
		"Жабрланувчи":        "жабрлан",
		"himoyaga muhtoj":    "himoya",
		"do‘pposlash":        "do'ppos",
		"Зўрлаш":             "зўрла",
	}
	for text, entry := range must {
		for _, lang := range azizayol.Langs {
			as := sms.Render(azizayol.Outbound{Text: "Aziz-ayol.uz: " + text + "."}, lang)
			if got := l.Find(as); !slices.Contains(got, entry) {
				t.Errorf("%q (as SMS in %s: %q): found %q, want %q", text, lang, as, got, entry)
			}
		}
	}
	mustNot := []string{
		"Aziz-ayol.uz: maslahat, murojaat, kurslar va ish oʻrinlari — bepul.",
		"Zoʻr! Urinib koʻring, yordam beramiz.",
		"Ishonch telefoni 1146: bepul, kecha-kunduz. Shoshilinch raqamlar: 102, 103, 112.",
		"«Ayollar daftari»ga kirish", "Imtiyozli uy-joy", "Grant tavsiyanomasi", "Huquqiy maslahat", "Tibbiy maslahat",
		"Xavf boʻlsa: 102 yoki 1146.", "Murojaatingizga javob keldi. 1 Oʻqish",
		"Помощь, опасность, обращение, курсы, вакансии, овощи, вдова, юрист",
		"Ўзбекча, ёрдам, мурожаат, иш ўринлари, ташкилот",
		"Sirdaryo viloyati, Urgut tumani, Urganch shahri, Oʻrta Chirchiq",
	}
	for _, text := range mustNot {
		if got := l.Find(text); len(got) > 0 {
			t.Errorf("%q: found %q in a neutral text", text, got)
		}
	}
}

// Every entry finds itself: a line the matching cannot find would pass silently.
func TestEveryEntryFindsItself(t *testing.T) {
	l := list(t)
	for _, line := range l.Entries() {
		text := strings.ReplaceAll(line, "$", "")
		if got := l.Find("— " + text + "ning —"); !slices.Contains(got, line) && !strings.Contains(line, "$") {
			t.Errorf("%q is not found in a text that has it: %q", line, got)
		}
		if got := l.Find("— " + text + " —"); !slices.Contains(got, line) {
			t.Errorf("%q is not found in a text that has it: %q", line, got)
		}
	}
	if l.Len() < len(l.Entries()) {
		t.Errorf("%d entries with their Cyrillic forms, %d lines", l.Len(), len(l.Entries()))
	}
}
