package dialogs

import (
	"context"
	"html"
	"strings"

	"github.com/looplab/fsm"

	"github.com/azizayol/azizayol"
)

// Vacancies lists the open vacancies of the national vacancy base and the agencies'
// lists: by region and district, then a field or words she types (tikuvchi,
// oʻqituvchi, швея). Expired ones are never shown. Pages turn in the same message;
// she can ask to hear of new vacancies there.
type Vacancies struct{}

func (Vacancies) Name() string    { return "vacancies" }
func (Vacancies) Initial() string { return "region" }

func (Vacancies) Events() fsm.Events {
	return fsm.Events{
		{Name: "district", Src: []string{"region"}, Dst: "district"},
		{Name: "field", Src: []string{"district"}, Dst: "field"},
		{Name: "list", Src: []string{"field"}, Dst: "list"},
		{Name: choiceBack, Src: []string{"district"}, Dst: "region"},
		{Name: choiceBack, Src: []string{"field"}, Dst: "district"},
		{Name: choiceBack, Src: []string{"list"}, Dst: "field"},
	}
}

func (Vacancies) Callbacks(t *Turn) fsm.Callbacks {
	return fsm.Callbacks{
		"enter_region": func(context.Context, *fsm.Event) { clearSearch(t) },
		"enter_field": func(context.Context, *fsm.Event) {
			delete(t.Data(), keyField)
			delete(t.Data(), keyKeyword)
		},
	}
}

func (Vacancies) Prompt(t *Turn, state string) Prompt {
	switch state {
	case "district":
		return placeDistricts(t)
	case "field":
		cs := []Choice{{Value: "any", Label: t.T("vacancies.any_field", nil)}}
		for _, f := range azizayol.Fields {
			cs = append(cs, Choice{Value: f, Label: t.T("field."+f, nil)})
		}
		return Prompt{Text: t.T("vacancies.field", nil), Choices: twoPerRow(cs), Nav: Nav{Back: true, Menu: true}}
	case "list":
		return vacanciesPage(t)
	}
	p := regionPrompt(t)
	p.Text, p.Nav = t.T("vacancies.region", nil), Nav{Menu: true}
	return p
}

func (Vacancies) Event(t *Turn, state string, in Input) (string, error) {
	switch state {
	case "region":
		if err := pickPlaceRegion(t, in); err != nil {
			return "", err
		}
		return "district", nil
	case "district":
		if err := pickPlaceDistrict(t, in); err != nil {
			return "", err
		}
		return "field", nil
	case "field":
		d := t.Data()
		switch {
		case in.Choice == "any":
		case azizayol.KnownField(in.Choice) && in.Choice != "":
			d[keyField] = in.Choice
		case in.Kind == azizayol.KindText && hasLetters(in.Text):
			if len(azizayol.Keywords(in.Text)) == 0 {
				return "", Refuse("vacancies.keyword_short", nil)
			}
			d[keyKeyword] = excerpt(strings.TrimSpace(in.Text), 100)
		default:
			return "", unexpected(in)
		}
		d[keyPage] = "0"
		return "list", nil
	case "list":
		if ok, err := turnPage(t, azizayol.VacanciesKind, in); ok || err != nil {
			return "", err
		}
	}
	return "", unexpected(in)
}

func vacanciesPage(t *Turn) Prompt {
	list, err := t.Store().SearchVacancies(t.Context(), filter(t))
	if err != nil {
		t.fail(err)
	}
	more := len(list) > pageSize(t)
	list = list[:min(len(list), pageSize(t))]
	if len(list) == 0 {
		return noneHere(t, "vacancies.none")
	}
	parts := []string{pageTitle(t, "vacancies.title", len(list))}
	if kw := t.Data()[keyKeyword]; kw != "" {
		parts[0] += "\n" + t.T("vacancies.keyword", map[string]any{"Keyword": kw})
	}
	for _, v := range list {
		parts = append(parts, vacancyText(t, v))
	}
	return Prompt{Text: strings.Join(parts, "\n\n"), Choices: pager(t, more), Nav: Nav{Back: true, Menu: true}}
}

// vacancyText is one vacancy of a page. By SMS it is the title, the employer, the
// salary and the phone: the employer says the rest when she calls.
func vacancyText(t *Turn, v azizayol.Vacancy) string {
	full := !t.sms()
	lines := []string{"<b>" + html.EscapeString(clip(t, v.Title)) + "</b>", t.T("vacancies.employer", map[string]any{"Employer": clip(t, v.Employer)})}
	switch {
	case v.SalaryMin > 0 && v.SalaryMax > v.SalaryMin:
		lines = append(lines, t.T("vacancies.salary", map[string]any{"Min": money(v.SalaryMin), "Max": money(v.SalaryMax)}))
	case v.SalaryMin > 0:
		lines = append(lines, t.T("vacancies.salary_from", map[string]any{"Min": money(v.SalaryMin)}))
	case v.SalaryMax > 0:
		lines = append(lines, t.T("vacancies.salary_upto", map[string]any{"Max": money(v.SalaryMax)}))
	}
	if v.Schedule != "" && full {
		lines = append(lines, t.T("vacancies.schedule", map[string]any{"Schedule": clip(t, v.Schedule)}))
	}
	if v.Address != "" && full {
		lines = append(lines, t.T("courses.address", map[string]any{"Address": clip(t, v.Address)}))
	}
	if v.Contact != "" {
		lines = append(lines, t.T("courses.phone", map[string]any{"Phone": clip(t, azizayol.FormatPhone(v.Contact))}))
	}
	if full {
		lines = append(lines, t.T("vacancies.posted", map[string]any{"Date": date(v.Posted)}))
	}
	return strings.Join(lines, "\n")
}
