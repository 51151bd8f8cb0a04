package dialogs

import (
	"github.com/looplab/fsm"
)

// Emergency is the guidance for a woman in danger: what to do now, the 1146 trust
// hotline and the emergency numbers, where the centres and shelters are, and how a
// protection order is issued. It interrupts any dialog (a button in every menu,
// /help, and words of danger) and takes her back to where she was if she wants.
type Emergency struct{}

func (Emergency) Name() string    { return EmergencyDialog }
func (Emergency) Initial() string { return "now" }

func (Emergency) Events() fsm.Events {
	return fsm.Events{
		{Name: "centres", Src: []string{"now", "order"}, Dst: "centres"},
		{Name: "order", Src: []string{"now", "centres"}, Dst: "order"},
		{Name: "back", Src: []string{"centres", "order"}, Dst: "now"},
	}
}

func (Emergency) Callbacks(t *Turn) fsm.Callbacks { return nil }

func (Emergency) Prompt(t *Turn, state string) Prompt {
	centres := Choice{Value: "centres", Label: t.T("emergency.centres_button", nil)}
	order := Choice{Value: "order", Label: t.T("emergency.order_button", nil)}
	var p Prompt
	switch state {
	case "now":
		p = Prompt{Text: t.T("emergency.now", nil), Choices: [][]Choice{{centres}, {order}}, Nav: Nav{Menu: true, Clear: true}}
	case "centres":
		p = Prompt{Text: t.T("emergency.centres", nil), Choices: [][]Choice{{order}}, Nav: Nav{Back: true, Menu: true, Clear: true}}
	case "order":
		p = Prompt{Text: t.T("emergency.order", nil), Choices: [][]Choice{{centres}}, Nav: Nav{Back: true, Menu: true, Clear: true}}
	}
	if t.CanResume() {
		p.Choices = append(p.Choices, []Choice{{Value: choiceResume, Label: t.T("emergency.resume_button", nil)}})
	}
	return p
}

func (Emergency) Event(t *Turn, state string, in Input) (string, error) {
	switch in.Choice {
	case "centres", "order":
		return in.Choice, nil
	case choiceResume:
		t.Resume()
		return "", nil
	}
	return "", unexpected(in)
}
