package postgres_test

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
)

// Appendix 2's periodic statistics are seeded, each owed by its agency, valid, with
// its periodicity and the parts that add up to its total.
func TestReportIndicatorsSeeded(t *testing.T) {
	db, raw := open(t)
	all, err := db.Indicators(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 34 {
		t.Errorf("%d indicators seeded, want 34", len(all))
	}
	byCode := map[string]azizayol.Indicator{}
	for _, ind := range all {
		byCode[ind.Code] = ind
		if errs := ind.Validate(); len(errs) > 0 {
			t.Errorf("%s: %v", ind.Code, errs)
		}
		if !ind.Active || ind.DueDay != 10 || ind.Row == "" {
			t.Errorf("%s: active %v, due day %d, row %q", ind.Code, ind.Active, ind.DueDay, ind.Row)
		}
	}
	for _, want := range []struct {
		code, agency string
		periodicity  azizayol.Periodicity
		byRegion     bool
		parts        int
	}{
		{"unemployed_women", "employment", azizayol.PerQuarter, true, 0},
		{"early_births", "health", azizayol.PerMonth, true, 0},
		{"rehab_women", "rehab", azizayol.PerMonth, true, 0},
		{"phd_women", "attestation", azizayol.PerQuarter, false, 0},
		{"schoolgirls", "school", azizayol.PerHalfYear, true, 0},
		{"women_students", "higher_education", azizayol.PerHalfYear, true, 0},
		{"women_by_age", "statistics", azizayol.PerYear, true, 5},
		{"early_marriages", "public_services", azizayol.PerQuarter, true, 0},
		{"births", "public_services", azizayol.PerMonth, true, 0},
		{"protection_orders", "interior", azizayol.PerMonth, true, 0},
		{"women_credits", "xalqbank", azizayol.PerMonth, true, 2},
		{"leadership_reserve", "mahalla", azizayol.PerQuarter, true, 0},
	} {
		ind, ok := byCode[want.code]
		if !ok {
			t.Errorf("no indicator %s", want.code)
			continue
		}
		if ind.AgencyID != agencyByCode(t, raw, want.agency) || ind.Periodicity != want.periodicity ||
			ind.ByRegion != want.byRegion || len(ind.Parts) != want.parts {
			t.Errorf("%s: %+v, want %+v", want.code, ind, want)
		}
	}
	if y := byCode["women_by_age"]; y.ReportMonth != 6 || y.Parts[0].Code != "age_0_2" || y.Parts[0].Names.Ru != "0–2 года" {
		t.Errorf("women by age: report month %d, parts %+v", y.ReportMonth, y.Parts)
	}
	// An agency's own list holds only hers.
	interior, err := db.Indicators(t.Context(), agencyByCode(t, raw, "interior"))
	if err != nil {
		t.Fatal(err)
	}
	if len(interior) != 9 {
		t.Errorf("interior owes %d indicators, want 9", len(interior))
	}
	history, err := db.IndicatorHistory(t.Context(), byCode["women_by_age"].ID)
	if err != nil || len(history) != 1 || history[0].Action != "seed" || len(history[0].New.Parts) != 5 {
		t.Errorf("seed history: %+v, %v", history, err)
	}
	// Collected from the day of deployment: nothing owed from before it, nothing late.
	var today time.Time
	if err := raw.QueryRow(t.Context(), `SELECT (now() AT TIME ZONE 'Asia/Tashkent')::date`).Scan(&today); err != nil {
		t.Fatal(err)
	}
	for _, ind := range all {
		if y, m, d := ind.Starts.Date(); y != today.Year() || m != today.Month() || d != today.Day() {
			t.Errorf("%s starts %v, not the day of deployment %v", ind.Code, ind.Starts, today)
		}
	}
	for _, due := range azizayol.ReportReminders(all, time.Now()) {
		if due.Kind == azizayol.ReportLate {
			t.Errorf("late on the day of deployment: %+v", due)
		}
	}
}

// A super-admin's change of an indicator is kept with what it was; nothing changed
// records nothing; a code already taken is refused.
func TestSaveIndicator(t *testing.T) {
	db, raw := open(t)
	root := azizayol.Staff{ID: newStaff(t, db, azizayol.SuperAdmin, 0), Email: "root@example.uz"}
	ind := azizayol.Indicator{Code: "shelter_places", AgencyID: agencyByCode(t, raw, "rehab"),
		Names:       azizayol.Names{UzLatn: "Boshpana oʻrinlari", UzCyrl: "Бошпана ўринлари", Ru: "Места в приютах"},
		Periodicity: azizayol.PerQuarter, DueDay: 15, ReportMonth: 6, ByRegion: false, Active: true,
		Parts: []azizayol.ReportPart{{Code: "busy", Names: azizayol.Names{UzLatn: "Band", UzCyrl: "Банд", Ru: "Занято"}},
			{Code: "free", Names: azizayol.Names{UzLatn: "Boʻsh", UzCyrl: "Бўш", Ru: "Свободно"}}},
		Starts: time.Date(2026, 1, 1, 0, 0, 0, 0, azizayol.Tashkent)}
	saved, action, err := db.SaveIndicator(t.Context(), ind, root)
	if err != nil || action != "add" || saved.ID == 0 || saved.Agency.Ru == "" || len(saved.Parts) != 2 || !saved.Starts.Equal(ind.Starts) {
		t.Fatalf("add: %+v %q %v", saved, action, err)
	}
	if _, action, err := db.SaveIndicator(t.Context(), saved, root); err != nil || action != "" {
		t.Errorf("saved unchanged: %q %v", action, err)
	}
	next := saved
	next.DueDay, next.Active, next.Parts = 20, false, next.Parts[:1]
	if _, action, err := db.SaveIndicator(t.Context(), next, root); err != nil || action != "edit" {
		t.Fatalf("edit: %q %v", action, err)
	}
	history, err := db.IndicatorHistory(t.Context(), saved.ID)
	if err != nil || len(history) != 2 {
		t.Fatalf("history: %+v %v", history, err)
	}
	edit := history[0]
	if edit.Action != "edit" || edit.By != "root@example.uz" || edit.Old.DueDay != 15 || edit.New.DueDay != 20 ||
		!slices.Equal(edit.Changed(), []string{"due_day", "parts", "active"}) {
		t.Errorf("edit history: %+v, changed %v", edit, edit.Changed())
	}
	// Once figures are submitted, what they mean stays: the periodicity, the breakdown
	// by region, the parts and the agency; the rest may change.
	op := azizayol.Staff{ID: newStaff(t, db, azizayol.Operator, ind.AgencyID), Name: "Op", Email: "op@x.uz"}
	if _, err := db.SubmitReport(t.Context(), azizayol.Submission{IndicatorID: saved.ID, Period: "2026-Q1", Source: "form",
		Values: []azizayol.ReportValue{{Region: "1700", Part: "busy", Value: 1}, {Region: "1700", Part: "total", Value: 1}}}, 0, op); err != nil {
		t.Fatal(err)
	}
	for name, change := range map[string]func(*azizayol.Indicator){
		"periodicity": func(i *azizayol.Indicator) { i.Periodicity = azizayol.PerMonth },
		"by region":   func(i *azizayol.Indicator) { i.ByRegion = true },
		"parts":       func(i *azizayol.Indicator) { i.Parts = append(i.Parts, saved.Parts[1]) },
		"a part's code": func(i *azizayol.Indicator) {
			i.Parts = []azizayol.ReportPart{{Code: "taken", Names: i.Parts[0].Names}}
		},
		"agency": func(i *azizayol.Indicator) { i.AgencyID = agencyByCode(t, raw, "health") },
	} {
		edit := next
		edit.Parts = slices.Clone(next.Parts)
		change(&edit)
		if _, _, err := db.SaveIndicator(t.Context(), edit, root); !errors.Is(err, azizayol.ErrIndicatorHasReports) {
			t.Errorf("%s changed with figures submitted: %v", name, err)
		}
	}
	if n := count(t, raw, `SELECT count(*) FROM report_indicator_history WHERE indicator_id = $1`, saved.ID); n != 2 {
		t.Errorf("%d lines of history after refused changes, want 2", n)
	}
	named := next
	named.DueDay, named.Names.Ru, named.Active = 25, "Места в приютах (всего)", true
	named.Parts = []azizayol.ReportPart{{Code: "busy", Names: azizayol.Names{UzLatn: "Bandlar", UzCyrl: "Бандлар", Ru: "Занятые"}}}
	if _, action, err := db.SaveIndicator(t.Context(), named, root); err != nil || action != "edit" {
		t.Errorf("the due day, names and active with figures submitted: %q %v", action, err)
	}
	taken := next
	taken.Code = "protection_orders"
	if _, _, err := db.SaveIndicator(t.Context(), taken, root); !errors.Is(err, azizayol.ErrIndicatorCodeTaken) {
		t.Errorf("a code taken by an edit: %v", err)
	}
	taken.ID = 0
	if _, _, err := db.SaveIndicator(t.Context(), taken, root); !errors.Is(err, azizayol.ErrIndicatorCodeTaken) {
		t.Errorf("a code taken by a new one: %v", err)
	}
}

// Every submission is a new version, kept with who sent it; one based on a version
// that is no longer the latest is refused, and no version changes.
func TestSubmitReportVersions(t *testing.T) {
	db, raw := open(t)
	interior := agencyByCode(t, raw, "interior")
	inds, err := db.Indicators(t.Context(), interior)
	if err != nil {
		t.Fatal(err)
	}
	ind := inds[0]
	her := azizayol.Staff{ID: newStaff(t, db, azizayol.Operator, interior), Name: "Dilnoza", Email: "d@iiv.uz"}
	figures := func(n int64) []azizayol.ReportValue {
		return []azizayol.ReportValue{{Region: "1703", Part: "total", Value: n}, {Region: "1726", Part: "total", Value: n + 1}}
	}
	v1, err := db.SubmitReport(t.Context(), azizayol.Submission{IndicatorID: ind.ID, Period: "2026-10", Source: "form", Values: figures(5)}, 0, her)
	if err != nil || v1.Version != 1 {
		t.Fatalf("v1: %+v %v", v1, err)
	}
	if _, err := db.SubmitReport(t.Context(), azizayol.Submission{IndicatorID: ind.ID, Period: "2026-10", Source: "csv", Values: figures(7)}, 0, her); !errors.Is(err, azizayol.ErrReportStale) {
		t.Errorf("a second version 1: %v", err)
	}
	v2, err := db.SubmitReport(t.Context(), azizayol.Submission{IndicatorID: ind.ID, Period: "2026-10", Source: "csv", Values: figures(9)}, 1, her)
	if err != nil || v2.Version != 2 {
		t.Fatalf("v2: %+v %v", v2, err)
	}
	if _, err := db.SubmitReport(t.Context(), azizayol.Submission{IndicatorID: ind.ID, Period: "2026-11", Source: "form", Values: figures(1)}, 0, her); err != nil {
		t.Fatal(err)
	}
	if n := count(t, raw, `SELECT count(*) FROM report_submissions`); n != 3 {
		t.Errorf("%d submissions kept, want 3", n)
	}
	versions, err := db.ReportVersions(t.Context(), ind.ID, "2026-10")
	if err != nil || len(versions) != 2 || versions[0].Version != 2 || versions[1].Version != 1 ||
		versions[0].By != "Dilnoza <d@iiv.uz>" || versions[0].Source != "csv" || versions[0].StaffID != her.ID {
		t.Errorf("versions: %+v %v", versions, err)
	}
	old, err := db.ReportSubmission(t.Context(), ind.ID, "2026-10", 1)
	if err != nil || !slices.Equal(old.Values, figures(5)) {
		t.Errorf("version 1: %+v %v", old, err)
	}
	latest, err := db.ReportSubmission(t.Context(), ind.ID, "2026-10", 0)
	if err != nil || latest.Version != 2 || !slices.Equal(latest.Values, figures(9)) {
		t.Errorf("latest: %+v %v", latest, err)
	}
	if _, err := db.ReportSubmission(t.Context(), ind.ID, "2026-10", 3); !errors.Is(err, azizayol.ErrNotFound) {
		t.Errorf("version 3: %v", err)
	}
	series, err := db.ReportSeries(t.Context(), ind.ID)
	if err != nil || len(series) != 2 || series[0].Period != "2026-10" || series[0].Version != 2 ||
		!slices.Equal(series[0].Values, figures(9)) || !slices.Equal(series[1].Values, figures(1)) {
		t.Errorf("series: %+v %v", series, err)
	}
	mine, err := db.LatestReports(t.Context(), interior)
	if err != nil || len(mine) != 2 || mine[0].Version != 2 {
		t.Errorf("latest of the agency: %+v %v", mine, err)
	}
	if others, err := db.LatestReports(t.Context(), agencyByCode(t, raw, "health")); err != nil || len(others) != 0 {
		t.Errorf("latest of another agency: %+v %v", others, err)
	}
}

// Two staff submitting the same period over the same version at once: one is kept,
// the other told it is stale, and there is one version.
func TestSubmitReportConcurrently(t *testing.T) {
	db, raw := open(t)
	interior := agencyByCode(t, raw, "interior")
	inds, err := db.Indicators(t.Context(), interior)
	if err != nil {
		t.Fatal(err)
	}
	ind := inds[0]
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		her := azizayol.Staff{ID: newStaff(t, db, azizayol.Operator, interior), Name: "Op", Email: "op@iiv.uz"}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = db.SubmitReport(t.Context(), azizayol.Submission{IndicatorID: ind.ID, Period: "2026-10", Source: "form",
				Values: []azizayol.ReportValue{{Region: "1703", Part: "total", Value: int64(i)}}}, 0, her)
		}()
	}
	wg.Wait()
	var kept, stale int
	for _, err := range errs {
		switch {
		case err == nil:
			kept++
		case errors.Is(err, azizayol.ErrReportStale):
			stale++
		default:
			t.Errorf("submit: %v", err)
		}
	}
	if kept != 1 || stale != 1 {
		t.Errorf("%d kept, %d stale; want one of each", kept, stale)
	}
	if n := count(t, raw, `SELECT count(*) FROM report_submissions WHERE indicator_id = $1 AND period = '2026-10'`, ind.ID); n != 1 {
		t.Errorf("%d versions, want 1", n)
	}
}

// Reminders are the agency's, once each, shown to its staff whoever they are (an
// agency with no admin too), and stop showing once the period is submitted.
func TestRemindReports(t *testing.T) {
	db, raw := open(t)
	health := agencyByCode(t, raw, "health")
	op := newStaff(t, db, azizayol.Operator, health) // health has no admin
	inds, err := db.Indicators(t.Context(), health)
	if err != nil || len(inds) != 1 {
		t.Fatalf("health's indicators: %+v %v", inds, err)
	}
	births := inds[0]
	due := time.Date(2026, 12, 10, 0, 0, 0, 0, azizayol.Tashkent)
	now := time.Date(2026, 12, 5, 9, 0, 0, 0, azizayol.Tashkent)
	list := []azizayol.ReportDue{
		{IndicatorID: births.ID, Period: "2026-11", Kind: azizayol.ReportDueSoon, Due: due},
		{IndicatorID: births.ID, Period: "2026-10", Kind: azizayol.ReportLate, Due: due.AddDate(0, -1, 0)},
	}
	if n, err := db.RemindReports(t.Context(), list, now); err != nil || n != 2 {
		t.Fatalf("reminded %d, %v; want 2 (both periods)", n, err)
	}
	if n, err := db.RemindReports(t.Context(), list, now.Add(time.Hour)); err != nil || n != 0 {
		t.Errorf("run again: %d, %v", n, err)
	}
	if others, err := db.ReportRemindersOf(t.Context(), agencyByCode(t, raw, "interior")); err != nil || len(others) != 0 {
		t.Errorf("another agency's reminders: %+v %v", others, err)
	}
	hers, err := db.ReportRemindersOf(t.Context(), health)
	slices.SortFunc(hers, func(a, b azizayol.ReportReminder) int { return strings.Compare(a.Period, b.Period) })
	if err != nil || len(hers) != 2 || hers[0].Period != "2026-10" || hers[0].Kind != "late" || !hers[1].Due.Equal(due) ||
		hers[1].Indicator != births.Names {
		t.Fatalf("her reminders: %+v %v", hers, err)
	}
	if _, err := db.SubmitReport(t.Context(), azizayol.Submission{IndicatorID: births.ID, Period: "2026-10", Source: "form",
		Values: []azizayol.ReportValue{{Region: "1703", Part: "total", Value: 3}}}, 0, azizayol.Staff{ID: op, Name: "Op", Email: "op@x.uz"}); err != nil {
		t.Fatal(err)
	}
	hers, err = db.ReportRemindersOf(t.Context(), health)
	if err != nil || len(hers) != 1 || hers[0].Period != "2026-11" {
		t.Errorf("after October was submitted: %+v %v", hers, err)
	}
	// A submitted period is not reminded of again.
	if n, err := db.RemindReports(t.Context(), []azizayol.ReportDue{{IndicatorID: births.ID, Period: "2026-10", Kind: azizayol.ReportDueSoon, Due: due}}, now); err != nil || n != 0 {
		t.Errorf("a submitted period reminded: %d %v", n, err)
	}
}
