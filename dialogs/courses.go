package dialogs

import (
	"context"
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"

	"github.com/looplab/fsm"

	"github.com/azizayol/azizayol"
)

// Courses lists the training centres' courses that have not ended, and the online
// courses and circles every region has: by region and district, or nearest first
// from a location she shares. Pages turn in the same message; she can ask to hear of
// new courses there.
type Courses struct{}

func (Courses) Name() string    { return "courses" }
func (Courses) Initial() string { return "place" }

func (Courses) Events() fsm.Events {
	return fsm.Events{
		{Name: "locate", Src: []string{"place"}, Dst: "locate"},
		{Name: "district", Src: []string{"place"}, Dst: "district"},
		{Name: "list", Src: []string{"locate", "district"}, Dst: "list"},
		{Name: choiceBack, Src: []string{"locate", "district"}, Dst: "place"},
		{Name: choiceBack, Src: []string{"list"}, Dst: "place"},
	}
}

func (Courses) Callbacks(t *Turn) fsm.Callbacks {
	return fsm.Callbacks{
		"enter_place": func(context.Context, *fsm.Event) { clearSearch(t) },
	}
}

func (Courses) Prompt(t *Turn, state string) Prompt {
	switch state {
	case "locate":
		return Prompt{
			Text:    t.T("courses.locate", nil),
			Choices: [][]Choice{{{Value: "location", Label: t.T("courses.send_location", nil)}}},
			Ask:     azizayol.AskLocation, Nav: Nav{Back: true},
		}
	case "district":
		return placeDistricts(t)
	case "list":
		return coursesPage(t)
	}
	p := regionPrompt(t)
	p.Text = t.T("courses.place", nil)
	if !t.numbered() { // a channel without buttons cannot share a location
		p.Choices = append([][]Choice{{{Value: "near", Label: t.T("courses.near", nil)}}}, p.Choices...)
	}
	p.Nav = Nav{Menu: true}
	return p
}

func (Courses) Event(t *Turn, state string, in Input) (string, error) {
	switch state {
	case "place":
		if in.Choice == "near" {
			return "locate", nil
		}
		if in.Kind == azizayol.KindLocation {
			return located(t, in)
		}
		if err := pickPlaceRegion(t, in); err != nil {
			return "", err
		}
		return "district", nil
	case "locate":
		if in.Kind != azizayol.KindLocation {
			return "", Refuse("courses.location_needed", nil)
		}
		return located(t, in)
	case "district":
		if err := pickPlaceDistrict(t, in); err != nil {
			return "", err
		}
		return "list", nil
	case "list":
		if ok, err := turnPage(t, azizayol.CoursesKind, in); ok || err != nil {
			return "", err
		}
	}
	return "", unexpected(in)
}

// located takes the place she shared: courses nearest first, anywhere.
func located(t *Turn, in Input) (string, error) {
	if in.Lat < -90 || in.Lat > 90 || in.Lon < -180 || in.Lon > 180 {
		return "", Refuse("courses.location_needed", nil)
	}
	d := t.Data()
	d[keyLat], d[keyLon], d[keyPage] = fmt.Sprint(in.Lat), fmt.Sprint(in.Lon), "0"
	delete(d, keyRegion)
	delete(d, keyDistrict)
	t.SayHidingAsk("courses.located", nil)
	return "list", nil
}

func coursesPage(t *Turn) Prompt {
	f := filter(t)
	list, err := t.Store().SearchCourses(t.Context(), f)
	if err != nil {
		t.fail(err)
	}
	more := len(list) > pageSize(t)
	list = list[:min(len(list), pageSize(t))]
	if len(list) == 0 {
		return noneHere(t, "courses.none")
	}
	parts := []string{pageTitle(t, "courses.title", len(list))}
	for _, c := range list {
		parts = append(parts, courseText(t, c, f.Near))
	}
	return Prompt{Text: strings.Join(parts, "\n\n"), Choices: pager(t, more), Nav: Nav{Back: true, Menu: true}}
}

// courseText is one course of a page. By SMS it is the name, the centre, the dates,
// the cost and the phone: the centre says the rest when she calls.
func courseText(t *Turn, c azizayol.Course, near *azizayol.Point) string {
	line := func(id string, data map[string]any) string { return t.T(id, data) }
	full := !t.sms()
	lines := []string{"<b>" + html.EscapeString(clip(t, c.Name)) + "</b>"}
	switch {
	case c.Online:
		lines = append(lines, line("courses.online", nil))
	case c.Centre != "":
		lines = append(lines, line("courses.centre", map[string]any{"Centre": clip(t, c.Centre)}))
	}
	if c.Address != "" && full {
		lines = append(lines, line("courses.address", map[string]any{"Address": clip(t, c.Address)}))
	}
	if near != nil && c.Location != nil {
		if k := km(*near, *c.Location); !math.IsNaN(k) {
			// Uzbek and Russian write a decimal comma: 2,5 km.
			d := strings.Replace(strconv.FormatFloat(k, 'f', 1, 64), ".", ",", 1)
			lines = append(lines, line("courses.distance", map[string]any{"Km": d}))
		}
	}
	if !c.Starts.IsZero() || !c.Ends.IsZero() {
		from, until := "…", "…"
		if !c.Starts.IsZero() {
			from = date(c.Starts)
		}
		if !c.Ends.IsZero() {
			until = date(c.Ends)
		}
		lines = append(lines, line("courses.dates", map[string]any{"From": from, "Until": until}))
	}
	if c.Hours > 0 && full {
		lines = append(lines, line("courses.hours", map[string]any{"Hours": c.Hours}))
	}
	if c.Free() {
		lines = append(lines, line("courses.free", nil))
	} else {
		lines = append(lines, line("courses.cost", map[string]any{"Cost": money(c.Cost)}))
	}
	if c.Phone != "" {
		lines = append(lines, line("courses.phone", map[string]any{"Phone": clip(t, azizayol.FormatPhone(c.Phone))}))
	}
	if c.Enrol != "" && full {
		lines = append(lines, line("courses.enrol", map[string]any{"Enrol": clip(t, c.Enrol)}))
	}
	return strings.Join(lines, "\n")
}

// clearSearch forgets the search, when she picks a place anew.
func clearSearch(t *Turn) {
	for _, k := range []string{keyRegion, keyDistrict, keyField, keyKeyword, keyLat, keyLon, keyPage} {
		delete(t.Data(), k)
	}
}
