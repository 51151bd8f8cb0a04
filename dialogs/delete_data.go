package dialogs

import (
	"context"

	"github.com/looplab/fsm"
)

// DeleteData erases what the platform keeps about her, after she confirms: her
// profile, her session, her words, files and phone in every appeal, and the texts of
// the messages exchanged. Open appeals are withdrawn. What the agencies must keep — that
// an appeal of a topic was received in a region and how it went — stays, without
// anything that leads to her. It is also how she withdraws her consent (the menu item
// says so; Erase records the withdrawal). She is told all this before and after.
type DeleteData struct{}

func (DeleteData) Name() string    { return "delete_data" }
func (DeleteData) Initial() string { return "confirm" }

func (DeleteData) Events() fsm.Events {
	return fsm.Events{
		{Name: "erase", Src: []string{"confirm"}, Dst: "erased"},
	}
}

func (DeleteData) Callbacks(t *Turn) fsm.Callbacks {
	return fsm.Callbacks{
		"enter_erased": func(context.Context, *fsm.Event) {
			e, err := t.Store().Erase(t.Context(), t.User().ID)
			if err != nil {
				t.fail(err)
				return
			}
			t.Say("delete.done", map[string]any{"Withdrawn": e.Withdrawn})
			t.End()
		},
	}
}

func (DeleteData) Prompt(t *Turn, state string) Prompt {
	open := 0
	list, err := t.Store().Appeals(t.Context(), t.User().ID, 1000)
	if err != nil {
		t.fail(err)
	}
	for _, a := range list {
		if a.Status.Open() {
			open++
		}
	}
	p := Prompt{
		Text: t.T("delete.confirm", map[string]any{"Open": open}),
		Choices: [][]Choice{
			{{Value: "erase", Label: t.T("delete.yes", nil)}},
			{{Value: "keep", Label: t.T("delete.no", nil)}},
		},
	}
	if t.sms() {
		// What goes and what stays, then the question: in one SMS reply it would be
		// over three SMS in Cyrillic.
		p.Notice = t.T("delete.terms", map[string]any{"Open": open})
	}
	return p
}

func (DeleteData) Event(t *Turn, state string, in Input) (string, error) {
	switch in.Choice {
	case "erase":
		return "erase", nil
	case "keep":
		t.Say("delete.kept", nil)
		t.Go(MenuDialog)
		return "", nil
	}
	return "", unexpected(in)
}
