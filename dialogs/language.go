package dialogs

import (
	"context"

	"github.com/looplab/fsm"

	"github.com/azizayol/azizayol"
)

// Language lets her choose the language of everything she reads; the choice is kept
// with her record, not only in the session.
type Language struct{}

func (Language) Name() string    { return LanguageDialog }
func (Language) Initial() string { return "choose" }

func (Language) Events() fsm.Events {
	return fsm.Events{
		{Name: "pick", Src: []string{"choose"}, Dst: "chosen"},
	}
}

func (Language) Callbacks(t *Turn) fsm.Callbacks {
	return fsm.Callbacks{
		"before_pick": func(_ context.Context, e *fsm.Event) {
			lang, _ := azizayol.ParseLang(t.Input().Choice)
			if err := t.Store().SetLanguage(t.Context(), t.User().ID, lang); err != nil {
				t.fail(err)
				e.Cancel(err)
				return
			}
			t.SetLang(lang)
		},
		"enter_chosen": func(context.Context, *fsm.Event) {
			t.Say("lang.saved", nil)
			t.Go(MenuDialog)
		},
	}
}

func (Language) Prompt(t *Turn, state string) Prompt {
	return Prompt{
		Text: t.T("lang.choose", nil),
		Choices: [][]Choice{
			{{Value: "uz-Latn", Label: t.T("lang.uz_latn", nil)}},
			{{Value: "uz-Cyrl", Label: t.T("lang.uz_cyrl", nil)}},
			{{Value: "ru", Label: t.T("lang.ru", nil)}},
		},
		Nav: Nav{Menu: t.User().Lang != ""},
	}
}

func (Language) Event(t *Turn, state string, in Input) (string, error) {
	if _, ok := azizayol.ParseLang(in.Choice); ok {
		return "pick", nil
	}
	return "", unexpected(in)
}
