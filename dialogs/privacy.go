package dialogs

import (
	"context"
	"strconv"
	"strings"

	"github.com/looplab/fsm"

	"github.com/azizayol/azizayol"
)

// PrivacyDialog is where she chooses how much her phone keeps of the conversation.
const PrivacyDialog = "privacy"

// Privacy lets her turn on the automatic sweep (the conversation deleted a few hours
// after each message), discreet notifications (no topic, no agency's words in what
// her lock screen shows) and the hours in which a message may make a sound. It is on
// Telegram only: SMS cannot be recalled nor silenced.
type Privacy struct{}

// sweepChoices and hourChoices are what she can pick from.
var (
	sweepChoices = []int{0, 1, 8, 24}
	hourChoices  = [][2]int{{0, 0}, {9, 18}, {8, 21}, {10, 20}}
)

func (Privacy) Name() string    { return PrivacyDialog }
func (Privacy) Initial() string { return "main" }

func (Privacy) Events() fsm.Events {
	return fsm.Events{
		{Name: "sweep", Src: []string{"main"}, Dst: "sweep"},
		{Name: "hours", Src: []string{"main"}, Dst: "hours"},
		{Name: "set", Src: []string{"main", "sweep", "hours"}, Dst: "main"},
		{Name: "back", Src: []string{"sweep", "hours"}, Dst: "main"},
	}
}

func (Privacy) Callbacks(t *Turn) fsm.Callbacks {
	return fsm.Callbacks{
		"before_set": func(_ context.Context, e *fsm.Event) {
			p := t.user.Privacy
			kind, value, _ := strings.Cut(t.Input().Choice, ":")
			switch kind {
			case "sweep":
				p.SweepHours, _ = strconv.Atoi(value)
			case "discreet":
				p.Discreet = value == "on"
			case "hours":
				from, until, _ := strings.Cut(value, "-")
				p.NotifyFrom, _ = strconv.Atoi(from)
				p.NotifyUntil, _ = strconv.Atoi(until)
			}
			if err := t.Store().SetPrivacy(t.Context(), t.user.ID, p); err != nil {
				t.fail(err)
				e.Cancel(err)
				return
			}
			t.user.Privacy = p
			t.Say("privacy.saved", nil)
		},
	}
}

func (Privacy) Prompt(t *Turn, state string) Prompt {
	back := Choice{Value: "back", Label: t.T("nav.back", nil)}
	switch state {
	case "sweep":
		var rows [][]Choice
		for _, h := range sweepChoices {
			rows = append(rows, []Choice{{Value: "sweep:" + strconv.Itoa(h), Label: sweepLabel(t, h)}})
		}
		return Prompt{Text: t.T("privacy.sweep_choose", nil), Choices: append(rows, []Choice{back}), Nav: Nav{Menu: true}}
	case "hours":
		var rows [][]Choice
		for _, h := range hourChoices {
			rows = append(rows, []Choice{{Value: "hours:" + strconv.Itoa(h[0]) + "-" + strconv.Itoa(h[1]), Label: hoursLabel(t, h[0], h[1])}})
		}
		return Prompt{Text: t.T("privacy.hours_choose", nil), Choices: append(rows, []Choice{back}), Nav: Nav{Menu: true}}
	}
	p := t.user.Privacy
	discreet, toggle := t.T("privacy.off", nil), Choice{Value: "discreet:on", Label: t.T("privacy.discreet_on", nil)}
	if p.Discreet {
		discreet, toggle = t.T("privacy.on", nil), Choice{Value: "discreet:off", Label: t.T("privacy.discreet_off", nil)}
	}
	return Prompt{
		Text: t.T("privacy.title", map[string]any{
			"Sweep": sweepLabel(t, p.SweepHours), "Discreet": discreet, "Hours": hoursLabel(t, p.NotifyFrom, p.NotifyUntil),
		}),
		Choices: [][]Choice{
			{{Value: "sweep", Label: t.T("privacy.sweep", nil)}},
			{toggle},
			{{Value: "hours", Label: t.T("privacy.hours", nil)}},
		},
		Nav: Nav{Menu: true},
	}
}

func sweepLabel(t *Turn, hours int) string {
	if hours == 0 {
		return t.T("privacy.sweep_off", nil)
	}
	return t.T("privacy.sweep_hours", map[string]any{"Hours": hours})
}

func hoursLabel(t *Turn, from, until int) string {
	if from == until {
		return t.T("privacy.hours_any", nil)
	}
	return t.T("privacy.hours_range", map[string]any{"From": strconv.Itoa(from), "Until": strconv.Itoa(until)})
}

func (Privacy) Event(t *Turn, state string, in Input) (string, error) {
	kind, value, _ := strings.Cut(in.Choice, ":")
	switch {
	case state == "main" && (in.Choice == "sweep" || in.Choice == "hours"):
		return in.Choice, nil
	case state == "main" && kind == "discreet" && (value == "on" || value == "off"):
		return "set", nil
	case state != "main" && in.Choice == "back":
		return "back", nil
	case state == "sweep" && kind == "sweep" && validSweep(value):
		return "set", nil
	case state == "hours" && kind == "hours" && validHours(value):
		return "set", nil
	}
	return "", unexpected(in)
}

func validSweep(v string) bool {
	h, err := strconv.Atoi(v)
	return err == nil && h >= 0 && h <= azizayol.MaxSweepHours
}

func validHours(v string) bool {
	from, until, ok := strings.Cut(v, "-")
	f, err1 := strconv.Atoi(from)
	u, err2 := strconv.Atoi(until)
	return ok && err1 == nil && err2 == nil && f >= 0 && f < 24 && u >= 0 && u < 24
}
