package dialogs

import (
	"testing"

	"github.com/azizayol/azizayol"
)

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"\t\n", ""},
		{"orqaga", "orqaga"},
		{"ORQAGA!", "orqaga"},
		{"⬅️ Orqaga", "orqaga"},
		{"  ⬅️   Orqaga  ", "orqaga"},
		{"🏠 Bosh menyu", "bosh menyu"},
		{"Bosh\tmenyu\n", "bosh menyu"},
		{"Bosh  ,  menyu", "bosh menyu"},
		{"🆘", ""},
		{"↩️ Avvalgi joyga qaytish", "avvalgi joyga qaytish"},
		{"✖️ Бекор қилиш", "бекор қилиш"},
		{"ГЛАВНОЕ МЕНЮ", "главное меню"},
		{"Ёлка", "елка"},
		{"Til · Язык", "til язык"},
		{"Oʻzbekcha (lotin)", "ozbekcha lotin"}, // U+02BB, the official letter
		{"Oʼzbekcha (lotin)", "ozbekcha lotin"}, // U+02BC
		{"O'zbekcha (lotin)", "ozbekcha lotin"},
		{"O`zbekcha (lotin)", "ozbekcha lotin"},
		{"O’zbekcha (lotin)", "ozbekcha lotin"}, // U+2019
		{"O‘zbekcha (lotin)", "ozbekcha lotin"}, // U+2018
		{"Ozbekcha lotin", "ozbekcha lotin"},
		{"gʻisht", "gisht"},
		{"3", "3"},
		{" 12 ", "12"},
		{"3.", "3"},
		{"1️⃣", "1"}, // the keycap emoji is the digit and two marks
		{"a1b2", "a1b2"},
	} {
		if got := normalize(tc.in); got != tc.want {
			t.Errorf("normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNormalizeIsIdempotent(t *testing.T) {
	for _, s := range []string{"⬅️ Orqaga", "Oʻzbekcha (lotin)", "  Главное   меню!", "Til · Язык", "1️⃣"} {
		once := normalize(s)
		if twice := normalize(once); twice != once {
			t.Errorf("normalize(normalize(%q)) = %q, want %q", s, twice, once)
		}
	}
}

func TestNavWords(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"orqaga", choiceBack}, {"Orqaga", choiceBack}, {"⬅️ Orqaga", choiceBack}, {"назад", choiceBack},
		{"⬅️ Назад", choiceBack}, {"орқага", choiceBack}, {"⬅️ Орқага", choiceBack}, {"оркага", choiceBack},
		{"menyu", choiceMenu}, {"меню", choiceMenu}, {"🏠 Bosh menyu", choiceMenu}, {"🏠 Бош меню", choiceMenu},
		{"🏠 Главное меню", choiceMenu}, {"MENU", choiceMenu},
		{"отмена", choiceCancel}, {"bekor qilish", choiceCancel}, {"✖️ Bekor qilish", choiceCancel},
		{"✖️ Бекор қилиш", choiceCancel}, {"✖️ Отмена", choiceCancel}, {"bekor", choiceCancel},
		{"sos", choiceSOS}, {"SOS!", choiceSOS},
		{"", ""}, {"orqaga qaytish", ""}, {"menyu kerak", ""}, {"1", ""},
	} {
		if got := navWord(tc.in); got != tc.want {
			t.Errorf("navWord(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestNavLabelsAreNavWords: the navigation buttons, typed as shown (on SMS), are the
// navigation words in every language.
func TestNavLabelsAreNavWords(t *testing.T) {
	for _, lang := range azizayol.Langs {
		for id, want := range map[string]string{"nav.back": choiceBack, "nav.cancel": choiceCancel, "nav.menu": choiceMenu} {
			label := tr(t, lang, id, nil)
			if got := navWord(label); got != want {
				t.Errorf("%s %s: navWord(%q) = %q, want %q", lang, id, label, got, want)
			}
		}
	}
}

func TestMatchTyped(t *testing.T) {
	rows := [][]azizayol.Button{
		{{Label: "Oʻzbekcha (lotin)", Data: "4:uz-Latn"}},
		{{Label: "Ўзбекча (кирилл)", Data: "4:uz-Cyrl"}},
		{{Label: "Русский", Data: "4:ru"}},
		{{Label: "⬅️ Orqaga", Data: "4:back"}, {Label: "🏠 Bosh menyu", Data: "*:menu"}},
		{{Label: "🆘", Data: "*:sos"}},
	}
	for _, tc := range []struct{ typed, want string }{
		// Labels, whatever the case, emoji, punctuation and apostrophe.
		{"Русский", "ru"},
		{"русский", "ru"},
		{"РУССКИЙ.", "ru"},
		{"Oʻzbekcha (lotin)", "uz-Latn"},
		{"O'zbekcha (lotin)", "uz-Latn"},
		{"o`zbekcha lotin", "uz-Latn"},
		{"O’ZBEKCHA (LOTIN)", "uz-Latn"},
		{"ozbekcha lotin", "uz-Latn"},
		{"ўзбекча (кирилл)", "uz-Cyrl"},
		{"orqaga", "back"},
		{"⬅️ Orqaga", "back"},
		{"bosh menyu", "menu"},
		// Numbers count the buttons row by row from 1.
		{"1", "uz-Latn"},
		{"2", "uz-Cyrl"},
		{"3", "ru"},
		{"4", "back"},
		{"5", "menu"},
		{"6", "sos"},
		{" 3 ", "ru"},
		{"03", "ru"},
		// Nothing.
		{"0", ""},
		{"7", ""},
		{"100", ""},
		{"99999999999999999999999", ""},
		{"", ""},
		{"   ", ""},
		{"🆘", ""}, // an emoji-only label cannot be typed: empty never matches
		{"ozbekcha", ""},
		{"русский язык", ""},
		{"ru", ""},
		{"4:ru", ""},
		{"1 2", ""},
	} {
		if got := matchTyped(tc.typed, rows, true); got != tc.want {
			t.Errorf("matchTyped(%q) = %q, want %q", tc.typed, got, tc.want)
		}
	}
	if got := matchTyped("3", rows, false); got != "" {
		t.Errorf("a number matched a button where numbers are words: %q", got)
	}
	if got := matchTyped("Русский", rows, false); got != "ru" {
		t.Errorf("a label where numbers are words: %q", got)
	}
	if got := matchTyped("1", nil, true); got != "" {
		t.Errorf("matchTyped with no buttons = %q", got)
	}
}

func TestUnexpected(t *testing.T) {
	for kind, want := range map[azizayol.InboundKind]string{
		azizayol.KindText:     "input.use_buttons",
		azizayol.KindButton:   "input.use_buttons",
		azizayol.KindMedia:    "input.media",
		azizayol.KindContact:  "input.media",
		azizayol.KindLocation: "input.media",
	} {
		err := unexpected(Input{Inbound: azizayol.Inbound{Kind: kind}})
		ie, ok := err.(*InputError)
		if !ok || ie.ID != want {
			t.Errorf("unexpected(%s) = %v, want %s", kind, err, want)
		}
	}
}
