package dialogs

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/azizayol/azizayol"
)

// navWords are what she may type instead of pressing a navigation button, in every
// language and script (on SMS there are no buttons at all).
var navWords = map[string]string{
	"menu": choiceMenu, "menyu": choiceMenu, "меню": choiceMenu, "bosh menyu": choiceMenu,
	"бош меню": choiceMenu, "главное меню": choiceMenu,
	"back": choiceBack, "orqaga": choiceBack, "орқага": choiceBack, "оркага": choiceBack, "назад": choiceBack,
	"cancel": choiceCancel, "bekor": choiceCancel, "bekor qilish": choiceCancel, "бекор": choiceCancel,
	"бекор қилиш": choiceCancel, "отмена": choiceCancel, "отменить": choiceCancel,
	"sos":      choiceSOS,
	"tozalash": choiceClear, "chatni tozalash": choiceClear, "тозалаш": choiceClear, "чатни тозалаш": choiceClear,
	"очистить": choiceClear, "очистить чат": choiceClear, "clear": choiceClear, "clear chat": choiceClear,
}

func navWord(text string) string {
	return navWords[normalize(text)]
}

// matchTyped finds the button whose label or number (counting row by row from 1, as
// channels without buttons show them) she typed, and returns its value. numbers false
// matches labels only.
func matchTyped(text string, rows [][]azizayol.Button, numbers bool) string {
	typed := normalize(text)
	if typed == "" {
		return ""
	}
	n, numErr := strconv.Atoi(typed)
	if !numbers {
		numErr = strconv.ErrSyntax
	}
	i := 0
	for _, row := range rows {
		for _, b := range row {
			i++
			if (numErr == nil && n == i) || normalize(b.Label) == typed {
				_, value, _ := strings.Cut(b.Data, ":")
				return value
			}
		}
	}
	return ""
}

// normalize lowercases and keeps only letters, digits and single spaces, so "⬅️ Orqaga",
// "orqaga" and "ORQAGA!" compare equal, and oʻ, o' and o` too, and ё and е.
func normalize(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if r == 'ё' {
			r = 'е' // phones often lack ё: "еще" is «Ещё»
		}
		switch {
		case unicode.IsLetter(r) && r != 'ʻ' && r != 'ʼ' || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		case unicode.IsSpace(r):
			space = true
		}
	}
	return b.String()
}

// unexpected refuses input a step did not ask for, saying what the step wants.
func unexpected(in Input) error {
	if in.Kind == azizayol.KindMedia || in.Kind == azizayol.KindContact || in.Kind == azizayol.KindLocation {
		return Refuse("input.media", nil)
	}
	return Refuse("input.use_buttons", nil)
}
