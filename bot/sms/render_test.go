package sms

import (
	"testing"

	"github.com/azizayol/azizayol"
)

func TestRender(t *testing.T) {
	menu := [][]azizayol.Button{
		{{Label: "💬 Maslahat", Data: "advice"}, {Label: "📝 Murojaat", Data: "appeal"}},
		{{Label: "🆘 Favqulodda", Data: "emergency"}},
	}
	cases := []struct {
		name string
		m    azizayol.Outbound
		lang azizayol.Lang
		want string
	}{
		{
			"Uzbek Latin menu in GSM-7",
			azizayol.Outbound{Text: "<b>Assalomu alaykum!</b>\n\nQanday yordam kerak? Raqamini yozing.", Buttons: menu},
			azizayol.UzLatn,
			"Assalomu alaykum!\nQanday yordam kerak? Raqamini yozing.\n1 Maslahat 2 Murojaat 3 Favqulodda",
		},
		{
			"oʻ and the tutuq belgisi become apostrophes, entities are unescaped",
			azizayol.Outbound{Text: "Murojaatingiz qabul qilindi &amp; koʻrib chiqiladi. Maʼlumot: <i>1146</i>"},
			azizayol.UzLatn,
			"Murojaatingiz qabul qilindi & ko'rib chiqiladi. Ma'lumot: 1146",
		},
		{
			"no language yet: Latin, the default",
			azizayol.Outbound{Text: "Tilni tanlang — Выберите язык", Buttons: [][]azizayol.Button{{{Label: "Oʻzbekcha"}, {Label: "Ўзбекча"}, {Label: "Русский"}}}},
			"",
			"Tilni tanlang - Выберите язык\n1 O'zbekcha 2 Ўзбекча 3 Русский",
		},
		{
			"Uzbek Cyrillic keeps its letters, loses emoji",
			azizayol.Outbound{Text: "Қандай  ёрдам керак? 👇", Buttons: [][]azizayol.Button{{{Label: "💬 Маслаҳат"}, {Label: "📝 Мурожаат"}}}},
			azizayol.UzCyrl,
			"Қандай ёрдам керак?\n1 Маслаҳат 2 Мурожаат",
		},
		{
			"Russian keeps its typography",
			azizayol.Outbound{Text: "«Телефон доверия» — 1146"},
			azizayol.Ru,
			"«Телефон доверия» — 1146",
		},
		{
			"an acknowledgement alone renders as nothing",
			azizayol.Outbound{Ack: "q1"},
			azizayol.UzLatn,
			"",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Render(c.m, c.lang); got != c.want {
				t.Errorf("Render =\n%q\nwant\n%q", got, c.want)
			}
		})
	}
}

// The numbered menu of the issue, in Uzbek Latin, is one GSM-7 SMS.
func TestRenderedMenuIsOneGSM7SMS(t *testing.T) {
	m := azizayol.Outbound{
		Text: "Aziz-ayol: ayollarni qoʻllab-quvvatlash xizmati. Tanlang:",
		Buttons: [][]azizayol.Button{
			{{Label: "Maslahat"}, {Label: "Murojaat"}, {Label: "Tashkilotlar"}},
			{{Label: "Yordam"}, {Label: "Til"}},
		},
	}
	text := Render(m, azizayol.UzLatn)
	if enc, parts, units := Segments(text); enc != GSM7 || parts != 1 {
		t.Errorf("%q: %s, %d parts, %d units", text, enc, parts, units)
	}
}
