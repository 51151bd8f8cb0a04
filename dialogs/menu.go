package dialogs

import (
	"context"

	"github.com/looplab/fsm"

	"github.com/azizayol/azizayol"
)

// Menu is the main menu: every service of the platform is one tap away.
type Menu struct{}

// menuItems are the menu's entries in the order shown; each opens the dialog of the
// same name. Those not built yet say honestly that they open soon.
var menuItems = []struct {
	value, label string
	ready        bool
	telegramOnly bool // privacy, clearing the chat: SMS cannot be recalled nor silenced
}{
	{"consultation", "menu.consultation", true, false},
	{"appeal", "menu.appeal", true, false},
	{"courses", "menu.courses", true, false},
	{"vacancies", "menu.vacancies", true, false},
	{choiceSOS, "menu.emergency", true, false},
	{InfoDialog, "menu.information", true, false},
	{MyAppealsDialog, "menu.my_appeals", true, false},
	{LanguageDialog, "menu.language", true, false},
	{PrivacyDialog, "menu.privacy", true, true},
	{"delete_data", "menu.delete_data", true, false},
	{choiceClear, "clear.button", true, true},
}

func (Menu) Name() string    { return MenuDialog }
func (Menu) Initial() string { return "main" }

func (Menu) Events() fsm.Events {
	return fsm.Events{
		// An item not open yet: say so and stay.
		{Name: "soon", Src: []string{"main"}, Dst: "main"},
	}
}

func (Menu) Callbacks(t *Turn) fsm.Callbacks {
	return fsm.Callbacks{
		"after_soon": func(context.Context, *fsm.Event) {
			for _, item := range menuItems {
				if item.value == t.Input().Choice {
					t.Say("menu.soon", map[string]any{"Item": t.T(item.label, nil)})
				}
			}
		},
	}
}

// Prompt shows emergency help alone on the first row, where nobody can miss it, and
// the other items two to a row.
func (Menu) Prompt(t *Turn, state string) Prompt {
	var rows [][]Choice
	var row []Choice
	for _, item := range menuItems {
		if item.telegramOnly && t.user.Channel != azizayol.Telegram {
			continue
		}
		c := Choice{Value: item.value, Label: t.T(item.label, nil)}
		if item.value == choiceSOS {
			rows = append([][]Choice{{c}}, rows...)
			continue
		}
		if row = append(row, c); len(row) == 2 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return Prompt{Text: t.T("menu.title", nil), Choices: rows}
}

func (Menu) Event(t *Turn, state string, in Input) (string, error) {
	for _, item := range menuItems {
		if item.value != in.Choice || (item.telegramOnly && t.user.Channel != azizayol.Telegram) {
			continue
		}
		if !item.ready {
			return "soon", nil
		}
		t.Go(item.value)
		return "", nil
	}
	return "", unexpected(in)
}
