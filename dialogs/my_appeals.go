package dialogs

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/looplab/fsm"

	"github.com/azizayol/azizayol"
)

// MyAppeals shows her appeals and consultations with their status and the answers
// given; she can add a message to an open one and rate an answer.
type MyAppeals struct{}

// listed is how many of her appeals the list shows, newest first.
const listed = 10

func (MyAppeals) Name() string    { return MyAppealsDialog }
func (MyAppeals) Initial() string { return "list" }

func (MyAppeals) Events() fsm.Events {
	return fsm.Events{
		{Name: "view", Src: []string{"list", "view", "followup"}, Dst: "view"},
		{Name: "followup", Src: []string{"view"}, Dst: "followup"},
		{Name: choiceBack, Src: []string{"view"}, Dst: "list"},
		{Name: choiceBack, Src: []string{"followup"}, Dst: "view"},
	}
}

func (MyAppeals) Callbacks(t *Turn) fsm.Callbacks {
	return fsm.Callbacks{
		"enter_list": func(context.Context, *fsm.Event) { delete(t.Data(), "id") },
	}
}

// TakesWords: what she adds to an appeal.
func (MyAppeals) TakesWords(state string) bool { return state == "followup" }

func (MyAppeals) Prompt(t *Turn, state string) Prompt {
	switch state {
	case "view":
		return viewPrompt(t)
	case "followup":
		return Prompt{Text: t.T("my_appeals.followup", nil), Nav: Nav{Back: true, Cancel: true}}
	}
	list, err := t.Store().Appeals(t.Context(), t.User().ID, listed)
	if err != nil {
		t.fail(err)
	}
	if len(list) == 0 {
		return Prompt{
			Text: t.T("my_appeals.none", nil),
			Choices: [][]Choice{{
				{Value: "consultation", Label: t.T("menu.consultation", nil)},
				{Value: "appeal", Label: t.T("menu.appeal", nil)},
			}},
			Nav: Nav{Menu: true},
		}
	}
	var rows [][]Choice
	for _, a := range list {
		label := t.T("my_appeals.item", map[string]any{"Number": a.Number, "Status": t.T("status."+string(a.Status), nil)})
		rows = append(rows, []Choice{{Value: "a" + strconv.FormatInt(a.ID, 10), Label: label}})
	}
	return Prompt{Text: t.T("my_appeals.list", nil), Choices: rows, Nav: Nav{Menu: true}}
}

// shown is the appeal the view is about and its thread; found is false when it is not
// hers (or no longer exists).
func shown(t *Turn) (a azizayol.Appeal, thread []azizayol.AppealMessage, found bool) {
	id, err := strconv.ParseInt(t.Data()["id"], 10, 64)
	if err != nil {
		return a, nil, false
	}
	a, thread, err = t.Store().Appeal(t.Context(), t.User().ID, id)
	if errors.Is(err, azizayol.ErrNotFound) {
		return a, nil, false
	}
	if err != nil {
		t.fail(err)
		return a, nil, false
	}
	return a, thread, true
}

func viewPrompt(t *Turn) Prompt {
	a, thread, found := shown(t)
	if !found {
		return Prompt{Text: t.T("my_appeals.not_found", nil), Nav: Nav{Back: true, Menu: true}}
	}
	lines := []string{t.T("my_appeals.view", map[string]any{
		"Number": a.Number, "Topic": t.T("topic."+a.Topic, nil), "Date": date(a.Filed),
		"Agency": agencyName(t, a.Agency), "Status": t.T("status."+string(a.Status), nil), "Due": due(t, a),
	})}
	var last *azizayol.AppealMessage
	for i, m := range thread {
		if m.Author == azizayol.ByAgency {
			last = &thread[i]
		}
		if t.sms() && i < len(thread)-1 {
			// By SMS only the newest message, quoted: each answer came in full as an SMS
			// of its own, and the view must fit three SMS.
			continue
		}
		data := map[string]any{"Date": date(m.Created), "Text": m.Text, "Agency": agencyName(t, a.Agency)}
		switch m.Author {
		case azizayol.ByAgency:
			if t.sms() {
				data["Text"] = excerpt(m.Text, smsQuote)
			}
			lines = append(lines, "", t.T("my_appeals.from_agency", data))
		default:
			data["Text"] = excerpt(m.Text, quoted(t, 500))
			lines = append(lines, "", t.T("my_appeals.from_her", data))
		}
		if n := len(m.Attachments); n > 0 {
			lines = append(lines, t.T("filing.review_files", map[string]any{"Count": n}))
		}
	}
	var rows [][]Choice
	if a.Status.Open() {
		rows = append(rows, []Choice{{Value: "add", Label: t.T("my_appeals.add", nil)}})
	}
	if t.sms() && last != nil {
		// The view quotes the answer: its whole text, in as many SMS as it takes, on
		// request (an answer withheld by the day's cap is read here).
		rows = append(rows, []Choice{{Value: "read", Label: t.T("my_appeals.read", nil)}})
	}
	if last != nil && last.Rating == 0 {
		rows = append(rows, []Choice{
			{Value: "helpful", Label: t.T("my_appeals.helpful", nil)},
			{Value: "unhelpful", Label: t.T("my_appeals.unhelpful", nil)},
		})
	}
	if t.CanResume() {
		// Opened from the answer's button while she was writing something else.
		rows = append(rows, []Choice{{Value: choiceResume, Label: t.T("emergency.resume_button", nil)}})
	}
	return Prompt{Text: strings.Join(lines, "\n"), Choices: rows, Nav: Nav{Back: true, Menu: true, Clear: true}}
}

func (MyAppeals) Event(t *Turn, state string, in Input) (string, error) {
	switch state {
	case "list":
		if id, ok := strings.CutPrefix(in.Choice, "a"); ok {
			t.Data()["id"] = id
			return "view", nil
		}
		if in.Choice == "consultation" || in.Choice == "appeal" {
			t.Go(in.Choice)
			return "", nil
		}
	case "view":
		if in.Choice == choiceResume && t.CanResume() {
			t.Resume()
			return "", nil
		}
		a, thread, found := shown(t)
		if !found {
			break
		}
		switch in.Choice {
		case "read":
			for i := len(thread) - 1; i >= 0; i-- {
				if m := thread[i]; m.Author == azizayol.ByAgency {
					t.Say("my_appeals.from_agency", map[string]any{"Date": date(m.Created), "Text": m.Text, "Agency": agencyName(t, a.Agency)})
					return "", nil
				}
			}
		case "add":
			if !a.Status.Open() {
				return "", Refuse("my_appeals.closed", nil)
			}
			return "followup", nil
		case "helpful", "unhelpful":
			err := t.Store().RateAnswer(t.Context(), t.User().ID, a.ID, in.Choice == "helpful")
			if errors.Is(err, azizayol.ErrNotFound) {
				return "", Refuse("input.use_buttons", nil)
			}
			if err != nil {
				return "", err
			}
			t.Say("my_appeals.rated", nil)
			return "", nil
		}
	case "followup":
		return followUp(t, in)
	}
	return "", unexpected(in)
}

// followUp adds what she wrote (text, or a photo or document) to her open appeal.
func followUp(t *Turn, in Input) (string, error) {
	a, _, found := shown(t)
	if !found {
		return "", Refuse("my_appeals.not_found", nil)
	}
	m := azizayol.AppealMessage{Text: strings.TrimSpace(in.Text), Created: t.Now()}
	switch {
	case in.Kind == azizayol.KindText && hasLetters(m.Text):
	case in.Kind == azizayol.KindText:
		return "", Refuse("filing.empty", nil)
	case in.Kind == azizayol.KindMedia && (in.Media == "photo" || in.Media == "document") && in.FileID != "":
		m.Attachments = []azizayol.Attachment{{Kind: in.Media, FileID: in.FileID}}
	default:
		return "", Refuse("filing.media_kind", nil)
	}
	err := t.Store().FollowUp(t.Context(), t.User().ID, a.ID, m, t.Danger())
	if errors.Is(err, azizayol.ErrAppealClosed) {
		t.Say("my_appeals.closed", nil)
		return "view", nil
	}
	if err != nil {
		return "", err
	}
	t.Say("my_appeals.followup_sent", map[string]any{"Number": a.Number})
	return "view", nil
}
