package admin

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/chart"
	"github.com/azizayol/azizayol/export"
	"github.com/azizayol/azizayol/locales"
)

// The agencies' periodic reports (resolution No. 507, Appendix 2). Agency staff see
// what their agency owes and where each period stands, and submit a period's
// figures by a form or a CSV file; every submission is checked (SOATO codes, whole
// numbers, parts adding up to the total) and kept as a new version with its author,
// a period already submitted being replaced only when she says so. Super-admins see
// every agency and keep the list of indicators. Every submission and change is in
// the audit log.

// ReportStore is what the console reads and keeps for the agencies' periodic reports
// (postgres.DB).
type ReportStore interface {
	Indicators(ctx context.Context, agencyID int64) ([]azizayol.Indicator, error)
	Indicator(ctx context.Context, id int64) (azizayol.Indicator, error)
	SaveIndicator(ctx context.Context, ind azizayol.Indicator, by azizayol.Staff) (azizayol.Indicator, string, error)
	IndicatorHistory(ctx context.Context, id int64) ([]azizayol.IndicatorChange, error)
	SubmitReport(ctx context.Context, s azizayol.Submission, base int, by azizayol.Staff) (azizayol.Submission, error)
	ReportVersions(ctx context.Context, indicatorID int64, period string) ([]azizayol.Submission, error)
	ReportSubmission(ctx context.Context, indicatorID int64, period string, version int) (azizayol.Submission, error)
	LatestReports(ctx context.Context, agencyID int64) ([]azizayol.Submission, error)
	ReportSeries(ctx context.Context, indicatorID int64) ([]azizayol.Submission, error)
	ReportRemindersOf(ctx context.Context, agencyID int64) ([]azizayol.ReportReminder, error)
}

func (c *Console) reportsRoutes() {
	c.handle("GET /reports", anyStaff, c.reportsPage)
	c.handle("GET /reports/new", superOnly, c.indicatorNew)
	c.handle("POST /reports/new", superOnly, c.indicatorAdd)
	c.handle("GET /reports/{id}", anyStaff, c.indicatorPage)
	c.handle("GET /reports/{id}/edit", superOnly, c.indicatorEditPage)
	c.handle("POST /reports/{id}/edit", superOnly, c.indicatorUpdate)
	c.handle("GET /reports/{id}/export", anyStaff, c.reportExport)
	c.handle("GET /reports/{id}/periods/{period}", anyStaff, c.reportPeriodPage)
	c.handle("GET /reports/{id}/submit", anyStaff, c.reportFormPage)
	c.handle("POST /reports/{id}/submit", anyStaff, c.reportSubmitForm)
	c.handle("POST /reports/{id}/upload", anyStaff, c.reportUpload)
}

// recentReportPeriods is how many of the latest periods the reports page shows for each
// indicator; its own page shows them all.
const recentReportPeriods = 4

// reportPeriodLine is one period of an indicator with where it stands.
type reportPeriodLine struct {
	Period azizayol.ReportPeriod
	Key    string
	Due    time.Time
	Status azizayol.ReportStatus
	Latest azizayol.Submission // Version 0: none
}

type indicatorLine struct {
	Indicator azizayol.Indicator
	Periods   []reportPeriodLine // newest first, the upcoming one first of all
}

type reportsData struct {
	Agencies  []azizayol.Agency
	Agency    int64 // a super-admin's filter (0: all)
	Lines     []indicatorLine
	Reminders []azizayol.ReportReminder
}

// reportPeriodLines lists an indicator's periods, newest first, with the upcoming one, at
// most limit of them (0: all), with their latest versions (by indicator and period).
func reportPeriodLines(ind azizayol.Indicator, latest map[string]azizayol.Submission, now time.Time, limit int) []reportPeriodLine {
	periods := ind.Periods(now)
	if ind.Active {
		periods = append(periods, ind.Upcoming(now))
	}
	slices.Reverse(periods)
	if limit > 0 && len(periods) > limit {
		periods = periods[:limit]
	}
	lines := make([]reportPeriodLine, 0, len(periods))
	for _, p := range periods {
		key := p.String()
		s := latest[strconv.FormatInt(ind.ID, 10)+"/"+key]
		l := reportPeriodLine{Period: p, Key: key, Due: ind.Due(p), Latest: s, Status: ind.StatusOf(p, s.Version, now)}
		if !ind.Active && l.Status != azizayol.StatusSubmitted {
			continue // no longer owed
		}
		lines = append(lines, l)
	}
	return lines
}

// reportsByPeriod indexes latest versions by "indicator/period".
func reportsByPeriod(list []azizayol.Submission) map[string]azizayol.Submission {
	m := map[string]azizayol.Submission{}
	for _, s := range list {
		m[strconv.FormatInt(s.IndicatorID, 10)+"/"+s.Period] = s
	}
	return m
}

// reportsPage lists the indicators her agency owes (a super-admin: every agency's,
// or one's) with where their latest periods stand, and the reminders of what they
// owe: her agency's, admin or operator, as they submit.
func (c *Console) reportsPage(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	ctx := r.Context()
	d := reportsData{Agency: me.AgencyID}
	if me.Role == azizayol.SuperAdmin {
		d.Agency, _ = strconv.ParseInt(r.URL.Query().Get("agency"), 10, 64)
		var err error
		if d.Agencies, err = c.cfg.Store.Agencies(ctx); err != nil {
			c.failed(w, r, me, err)
			return
		}
	}
	inds, err := c.cfg.Store.Indicators(ctx, d.Agency)
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	latest, err := c.cfg.Store.LatestReports(ctx, d.Agency)
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	byPeriod, now := reportsByPeriod(latest), c.cfg.Now()
	for _, ind := range inds {
		d.Lines = append(d.Lines, indicatorLine{Indicator: ind, Periods: reportPeriodLines(ind, byPeriod, now, recentReportPeriods)})
	}
	if d.Reminders, err = c.cfg.Store.ReportRemindersOf(ctx, d.Agency); err != nil {
		c.failed(w, r, me, err)
		return
	}
	c.page(w, r, me, "reports", http.StatusOK, d)
}

// indicatorOf returns the indicator of the URL if it is in her scope — her agency's,
// or any for a super-admin — or answers 404, as if it did not exist.
func (c *Console) indicatorOf(w http.ResponseWriter, r *http.Request, me azizayol.Staff) (azizayol.Indicator, bool) {
	id, ok := pathID(r, "id")
	if !ok {
		c.fail(w, r, me, http.StatusNotFound)
		return azizayol.Indicator{}, false
	}
	ind, err := c.cfg.Store.Indicator(r.Context(), id)
	if err != nil {
		c.failed(w, r, me, err)
		return ind, false
	}
	if !me.WorksFor(ind.AgencyID) {
		c.fail(w, r, me, http.StatusNotFound)
		return ind, false
	}
	return ind, true
}

type indicatorData struct {
	Indicator azizayol.Indicator
	Periods   []reportPeriodLine
	Chart     template.HTML
	Regions   []azizayol.Region // the table's lines (by region), and the chart's choice
	Region    string            // the region charted beside the total
	Columns   []string          // the table's periods, oldest first
	Table     []reportRow
}

// reportRow is one line of figures: a region (or the total) and a figure per column.
type reportRow struct {
	Code   string
	Name   string
	Values []string // "" where nothing was given
	Total  bool     // the sum of the regions
}

// reportTablePeriods is how many periods the indicator page's table shows (the chart has
// them all).
const reportTablePeriods = 12

// indicatorPage shows an indicator: its periods with where they stand, and its total
// figures over time by region, as a chart and a table.
func (c *Console) indicatorPage(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	ind, ok := c.indicatorOf(w, r, me)
	if !ok {
		return
	}
	series, regions, err := c.indicatorFigures(r.Context(), ind)
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	d := indicatorData{Indicator: ind, Periods: reportPeriodLines(ind, reportsByPeriod(series), c.cfg.Now(), 0)}
	if ind.ByRegion {
		d.Regions = regions
	}
	v := view{Lang: langOf(r, me)}
	total := chart.Series{Name: v.T("reports.total_country")}
	var one chart.Series
	if code := r.URL.Query().Get("region"); ind.ByRegion && slices.ContainsFunc(regions, func(x azizayol.Region) bool { return x.Code == code }) {
		d.Region = code
	}
	for _, s := range series {
		label := v.ReportPeriodName(ind.Periodicity, s.Period)
		sum := int64(0)
		for _, x := range s.Values {
			if x.Part == azizayol.TotalColumn {
				sum += x.Value
				if x.Region == d.Region {
					one.Points = append(one.Points, chart.Point{Label: label, Value: float64(x.Value)})
				}
			}
		}
		total.Points = append(total.Points, chart.Point{Label: label, Value: float64(sum)})
	}
	lines := []chart.Series{total}
	if d.Region != "" {
		for _, x := range regions {
			if x.Code == d.Region {
				one.Name = x.Names.In(v.Lang)
			}
		}
		lines = append(lines, one)
	}
	d.Chart = chart.Lines(v.Name(ind.Names), lines...)
	d.Columns, d.Table = reportTotals(v, ind, series, regions)
	c.page(w, r, me, "report", http.StatusOK, d)
}

// reportTotals is the indicator's totals by region (lines) over its latest periods
// (columns), with the country's total last.
func reportTotals(v view, ind azizayol.Indicator, series []azizayol.Submission, regions []azizayol.Region) ([]string, []reportRow) {
	if len(series) > reportTablePeriods {
		series = series[len(series)-reportTablePeriods:]
	}
	var columns []string
	for _, s := range series {
		columns = append(columns, v.ReportPeriodName(ind.Periodicity, s.Period))
	}
	var rows []reportRow
	sum := reportRow{Name: v.T("reports.total_country"), Total: true}
	for _, reg := range regions {
		row := reportRow{Code: reg.Code, Name: reg.Names.In(v.Lang)}
		for _, s := range series {
			row.Values = append(row.Values, reportFigure(s.Values, reg.Code, azizayol.TotalColumn))
		}
		rows = append(rows, row)
	}
	for _, s := range series {
		var n int64
		for _, x := range s.Values {
			if x.Part == azizayol.TotalColumn {
				n += x.Value
			}
		}
		sum.Values = append(sum.Values, strconv.FormatInt(n, 10))
	}
	if !ind.ByRegion {
		return columns, []reportRow{sum}
	}
	return columns, append(rows, sum)
}

// reportFigure is one figure of a submission as text ("" when it has none).
func reportFigure(values []azizayol.ReportValue, region, part string) string {
	for _, x := range values {
		if x.Region == region && x.Part == part {
			return strconv.FormatInt(x.Value, 10)
		}
	}
	return ""
}

// reportRegions are the lines an indicator's submission has: the regions in their order,
// or the country alone.
// indicatorFigures are an indicator's submissions over time and the regions they are
// given by.
func (c *Console) indicatorFigures(ctx context.Context, ind azizayol.Indicator) ([]azizayol.Submission, []azizayol.Region, error) {
	series, err := c.cfg.Store.ReportSeries(ctx, ind.ID)
	if err != nil {
		return nil, nil, err
	}
	regions, err := c.reportRegions(ctx, ind)
	return series, regions, err
}

func (c *Console) reportRegions(ctx context.Context, ind azizayol.Indicator) ([]azizayol.Region, error) {
	if !ind.ByRegion {
		return []azizayol.Region{{Code: azizayol.NationalCode}}, nil
	}
	return c.cfg.Store.AllRegions(ctx)
}

// reportRegionCodes are the regions' SOATO codes, for CheckReport.
func reportRegionCodes(regions []azizayol.Region) []string {
	codes := make([]string, len(regions))
	for i, r := range regions {
		codes[i] = r.Code
	}
	return codes
}

// reportExport sends an indicator's latest figures of every period, by region and
// part, as CSV (the default) or XLSX (?format=xlsx).
func (c *Console) reportExport(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	ind, ok := c.indicatorOf(w, r, me)
	if !ok {
		return
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "csv"
	}
	if format != "csv" && format != "xlsx" {
		c.fail(w, r, me, http.StatusNotFound)
		return
	}
	series, regions, err := c.indicatorFigures(r.Context(), ind)
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	v := view{Lang: langOf(r, me)}
	t := export.Table{Name: ind.Code, Header: []string{"period", "region", v.T("reports.region")}}
	t.Header = append(append(t.Header, ind.Columns()...), v.T("reports.version"), v.T("reports.by"), v.T("reports.at"))
	for _, s := range series {
		for _, reg := range regions {
			name := reg.Names.In(v.Lang)
			if reg.Code == azizayol.NationalCode {
				name = v.T("reports.total_country")
			}
			row := []string{s.Period, reg.Code, name}
			for _, col := range ind.Columns() {
				row = append(row, reportFigure(s.Values, reg.Code, col))
			}
			t.Rows = append(t.Rows, append(row, strconv.Itoa(s.Version), s.By, v.When(s.At)))
		}
	}
	c.audit(r, me, "report_export", 0, ind.Code+" "+format)
	w.Header().Set("Content-Disposition", `attachment; filename="`+ind.Code+"."+format+`"`)
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		err = export.CSV(w, t)
	} else {
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		err = export.XLSX(w, t)
	}
	if err != nil {
		c.failed(w, r, me, err)
	}
}

// reportPeriodOf reads the period of the request (form or query) for the indicator; ok is
// false when it is not a period of its periodicity.
func reportPeriodOf(ind azizayol.Indicator, s string) (azizayol.ReportPeriod, bool) {
	return azizayol.ParseReportPeriod(ind.Periodicity, strings.TrimSpace(s))
}

type reportPeriodData struct {
	Indicator azizayol.Indicator
	Period    string
	Versions  []azizayol.Submission
	Shown     azizayol.Submission
	Lines     []reportFormLine
	Due       time.Time
	Status    azizayol.ReportStatus
	CanSubmit bool
}

// reportPeriodPage shows a period of an indicator: its versions, newest first, with
// who sent each and when, and the figures of one of them (?v=, the latest by default).
func (c *Console) reportPeriodPage(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	ind, ok := c.indicatorOf(w, r, me)
	if !ok {
		return
	}
	p, ok := reportPeriodOf(ind, r.PathValue("period"))
	if !ok {
		c.fail(w, r, me, http.StatusNotFound)
		return
	}
	ctx := r.Context()
	d := reportPeriodData{Indicator: ind, Period: p.String(), Due: ind.Due(p), CanSubmit: ind.Active && ind.Owes(p, c.cfg.Now())}
	var err error
	if d.Versions, err = c.cfg.Store.ReportVersions(ctx, ind.ID, d.Period); err != nil {
		c.failed(w, r, me, err)
		return
	}
	d.Status = ind.StatusOf(p, len(d.Versions), c.cfg.Now())
	if len(d.Versions) > 0 {
		version, _ := strconv.Atoi(r.URL.Query().Get("v"))
		if d.Shown, err = c.cfg.Store.ReportSubmission(ctx, ind.ID, d.Period, version); err != nil {
			c.failed(w, r, me, err)
			return
		}
		regions, err := c.reportRegions(ctx, ind)
		if err != nil {
			c.failed(w, r, me, err)
			return
		}
		d.Lines = reportFormLines(view{Lang: langOf(r, me)}, ind, regions, func(region, col string) string {
			return reportFigure(d.Shown.Values, region, col)
		}, nil)
	}
	c.page(w, r, me, "report_period", http.StatusOK, d)
}

// reportFormLine is one line of the submission form: a region and a cell per column.
type reportFormLine struct {
	Region string
	Name   string
	Cells  []reportCell
}

type reportCell struct {
	Name   string // the input's name: v_<region>_<column>
	Column string
	Value  string
	Wrong  bool
}

// reportCellName is the form's input of a region's column.
func reportCellName(region, col string) string { return "v_" + region + "_" + col }

// reportFormLines lays out the figures of a submission (value gives each cell's text; wrong
// tells which cells have a problem).
func reportFormLines(v view, ind azizayol.Indicator, regions []azizayol.Region, value func(region, col string) string, wrong map[string]bool) []reportFormLine {
	var lines []reportFormLine
	for _, reg := range regions {
		l := reportFormLine{Region: reg.Code, Name: reg.Names.In(v.Lang)}
		if reg.Code == azizayol.NationalCode {
			l.Name = v.T("reports.total_country")
		}
		for _, col := range ind.Columns() {
			l.Cells = append(l.Cells, reportCell{Name: reportCellName(reg.Code, col), Column: col, Value: value(reg.Code, col),
				Wrong: wrong[reg.Code+"/"+col]})
		}
		lines = append(lines, l)
	}
	return lines
}

type reportFormData struct {
	Indicator azizayol.Indicator
	Period    string
	Periods   []reportPeriodLine // the periods she may submit, for the choice
	Latest    azizayol.Submission
	Lines     []reportFormLine
	Problems  []string // what is wrong, in her language
	Header    string   // the CSV header the upload needs
	Example   string   // a line of it
	Confirm   bool     // she must confirm replacing the latest version
	Max       int      // the largest figure accepted
}

// reportFormPage shows the form to submit a period's figures (the latest version's
// figures filled in, when there is one) and the CSV upload.
func (c *Console) reportFormPage(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	ind, ok := c.indicatorOf(w, r, me)
	if !ok {
		return
	}
	p, ok := reportPeriodOf(ind, r.URL.Query().Get("period"))
	if !ok {
		periods := ind.Periods(c.cfg.Now())
		if len(periods) == 0 {
			c.fail(w, r, me, http.StatusNotFound)
			return
		}
		p = periods[len(periods)-1]
	}
	ctx := r.Context()
	latest, err := c.cfg.Store.ReportSubmission(ctx, ind.ID, p.String(), 0)
	if err != nil && !errors.Is(err, azizayol.ErrNotFound) {
		c.failed(w, r, me, err)
		return
	}
	c.reportForm(w, r, me, ind, p.String(), latest, func(region, col string) string {
		return reportFigure(latest.Values, region, col)
	}, nil, "", http.StatusOK)
}

// reportForm renders the submission form with her figures and what is wrong with
// them.
func (c *Console) reportForm(w http.ResponseWriter, r *http.Request, me azizayol.Staff, ind azizayol.Indicator, period string,
	latest azizayol.Submission, value func(region, col string) string, problems []azizayol.ReportError, message string, status int) {
	regions, err := c.reportRegions(r.Context(), ind)
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	v := view{Lang: langOf(r, me)}
	wrong := map[string]bool{}
	d := reportFormData{Indicator: ind, Period: period, Latest: latest, Confirm: latest.Version > 0,
		Header: strings.Join(ind.CSVHeader(), ","), Max: azizayol.MaxReportValue}
	if message != "" {
		d.Problems = append(d.Problems, message)
	}
	for _, e := range problems {
		wrong[e.Region+"/"+e.Column] = true
		d.Problems = append(d.Problems, explainReport(v, ind, regions, e))
	}
	example := []string{ind.Code, period, regions[0].Code}
	for range ind.Parts {
		example = append(example, "1")
	}
	d.Example = strings.Join(append(example, strconv.Itoa(max(len(ind.Parts), 1))), ",")
	d.Lines = reportFormLines(v, ind, regions, value, wrong)
	latestOf, err := c.cfg.Store.LatestReports(r.Context(), ind.AgencyID)
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	for _, pl := range reportPeriodLines(ind, reportsByPeriod(latestOf), c.cfg.Now(), 0) {
		if pl.Status != azizayol.StatusUpcoming {
			d.Periods = append(d.Periods, pl)
		}
	}
	c.page(w, r, me, "report_form", status, d)
}

// explainReport is a problem of her figures in her language: where it is, then what.
func explainReport(v view, ind azizayol.Indicator, regions []azizayol.Region, e azizayol.ReportError) string {
	var where []string
	if e.Line > 0 {
		where = append(where, v.T("reports.where.line", "Line", e.Line))
	}
	if e.Region != "" {
		name := e.Region
		if e.Region == azizayol.NationalCode {
			name = v.T("reports.total_country") + " (" + azizayol.NationalCode + ")"
		}
		for _, reg := range regions {
			if reg.Code == e.Region && reg.Code != azizayol.NationalCode {
				name = reg.Names.In(v.Lang) + " (" + reg.Code + ")"
			}
		}
		where = append(where, name)
	}
	if e.Column != "" {
		col := e.Column
		for _, p := range ind.Parts {
			if p.Code == e.Column {
				col = p.Names.In(v.Lang) + " (" + p.Code + ")"
			}
		}
		if e.Column == azizayol.TotalColumn {
			col = v.T("reports.total") + " (" + azizayol.TotalColumn + ")"
		}
		where = append(where, v.T("reports.where.column", "Column", col))
	}
	limit := azizayol.MaxReportValue
	switch e.Code {
	case azizayol.ErrCodeTooManyLines:
		limit = azizayol.MaxReportLines
	case azizayol.ErrCodeFileTooLarge:
		limit = azizayol.MaxReportFile >> 10 // KB
	}
	text := v.T("reports.err."+string(e.Code), "Value", e.Value, "Sum", e.Sum, "Total", e.Total, "Max", limit,
		"Header", strings.Join(ind.CSVHeader(), ","), "Period", e.Period)
	if len(where) == 0 {
		return text
	}
	return strings.Join(where, ", ") + ": " + text
}

// reportSent is what she sent with her figures: the period, the version she saw, and
// whether she confirmed replacing it.
type reportSent struct {
	period  string
	base    int
	replace bool
}

// readReportSent reads what she sent from the form's body; the period, when the body
// could not be read (a file too large), from the URL the upload form also gives it in.
func readReportSent(r *http.Request) reportSent {
	base, _ := strconv.Atoi(r.PostFormValue("base"))
	period := r.PostFormValue("period")
	if period == "" {
		period = r.URL.Query().Get("period")
	}
	return reportSent{period: strings.TrimSpace(period), base: base, replace: r.PostFormValue("replace") == "1"}
}

// indicatorToSubmit is the indicator of the URL, if it is hers, with the regions its
// figures are given by.
func (c *Console) indicatorToSubmit(w http.ResponseWriter, r *http.Request, me azizayol.Staff) (azizayol.Indicator, []azizayol.Region, bool) {
	ind, ok := c.indicatorOf(w, r, me)
	if !ok {
		return ind, nil, false
	}
	regions, err := c.reportRegions(r.Context(), ind)
	if err != nil {
		c.failed(w, r, me, err)
		return ind, nil, false
	}
	return ind, regions, true
}

// reportSubmitForm takes a period's figures from the form.
func (c *Console) reportSubmitForm(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	ind, regions, ok := c.indicatorToSubmit(w, r, me)
	if !ok {
		return
	}
	sub := readReportSent(r)
	var lines []azizayol.ReportLine
	for _, reg := range regions {
		l := azizayol.ReportLine{Region: reg.Code, Raw: map[string]string{}}
		for _, col := range ind.Columns() {
			l.Raw[col] = r.FormValue(reportCellName(reg.Code, col))
		}
		lines = append(lines, l)
	}
	c.submitReport(w, r, me, ind, sub, "form", lines, nil, regions)
}

// reportUpload takes a period's figures from a CSV file.
func (c *Console) reportUpload(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	ind, regions, ok := c.indicatorToSubmit(w, r, me)
	if !ok {
		return
	}
	// The file, up to azizayol.MaxReportFile, and room for the form's other fields and
	// the multipart framing; a file between the two is refused by ReadReportCSV.
	r.Body = http.MaxBytesReader(w, r.Body, azizayol.MaxReportFile+64<<10)
	var lines []azizayol.ReportLine
	var problems []azizayol.ReportError
	var tooLarge *http.MaxBytesError
	if err := r.ParseMultipartForm(azizayol.MaxReportFile); errors.As(err, &tooLarge) {
		problems = []azizayol.ReportError{{Code: azizayol.ErrCodeFileTooLarge}}
	} else if err != nil {
		problems = []azizayol.ReportError{{Code: azizayol.ErrCodeCSV}}
	} else if f, _, err := r.FormFile("file"); err != nil {
		problems = []azizayol.ReportError{{Code: azizayol.ErrCodeNoLines}}
	} else {
		lines, problems = azizayol.ReadReportCSV(f, ind)
		f.Close()
	}
	c.submitReport(w, r, me, ind, readReportSent(r), "csv", lines, problems, regions)
}

// submitReport checks her figures and keeps them as the period's next version, or
// shows her the form again with what is wrong.
func (c *Console) submitReport(w http.ResponseWriter, r *http.Request, me azizayol.Staff, ind azizayol.Indicator,
	sub reportSent, source string, lines []azizayol.ReportLine, problems []azizayol.ReportError, regions []azizayol.Region) {
	ctx := r.Context()
	// Her figures as she gave them, to show again.
	value := func(region, col string) string {
		for _, l := range lines {
			if l.Region == region {
				return l.Raw[col]
			}
		}
		return ""
	}
	p, ok := reportPeriodOf(ind, sub.period)
	if !ok || !ind.Active || !ind.Owes(p, c.cfg.Now()) {
		c.reportRefused(w, r, me, ind, sub.period, azizayol.Submission{}, value,
			[]azizayol.ReportError{{Code: azizayol.ErrCodeWrongPeriod, Value: sub.period}}, source)
		return
	}
	latest, err := c.cfg.Store.ReportSubmission(ctx, ind.ID, p.String(), 0)
	if err != nil && !errors.Is(err, azizayol.ErrNotFound) {
		c.failed(w, r, me, err)
		return
	}
	var values []azizayol.ReportValue
	if len(problems) == 0 {
		values, problems = azizayol.CheckReport(ind, p.String(), lines, reportRegionCodes(regions))
	}
	if len(problems) > 0 {
		c.reportRefused(w, r, me, ind, p.String(), latest, value, problems, source)
		return
	}
	// A period already submitted is replaced only over the version she saw, and only
	// when she said so.
	v := view{Lang: langOf(r, me)}
	if sub.base != latest.Version {
		c.reportForm(w, r, me, ind, p.String(), latest, value, nil, v.T("reports.stale", "Version", latest.Version), http.StatusConflict)
		return
	}
	if latest.Version > 0 && !sub.replace {
		c.reportForm(w, r, me, ind, p.String(), latest, value, nil, v.T("reports.confirm_needed", "Version", latest.Version), http.StatusConflict)
		return
	}
	saved, err := c.cfg.Store.SubmitReport(ctx, azizayol.Submission{IndicatorID: ind.ID, Period: p.String(), Source: source,
		Values: values}, latest.Version, me)
	if errors.Is(err, azizayol.ErrReportStale) { // between the two reads
		if latest, err = c.cfg.Store.ReportSubmission(ctx, ind.ID, p.String(), 0); err != nil {
			c.failed(w, r, me, err)
			return
		}
		c.reportForm(w, r, me, ind, p.String(), latest, value, nil, v.T("reports.stale", "Version", latest.Version), http.StatusConflict)
		return
	}
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	c.audit(r, me, "report_submit", 0, fmt.Sprintf("%s %s v%d %s", ind.Code, saved.Period, saved.Version, source))
	back(w, r, Prefix+"/reports/"+strconv.FormatInt(ind.ID, 10)+"/periods/"+saved.Period, "done", "console.done.saved")
}

// reportRefused shows the form again with what is wrong, and notes the refusal in
// the audit log.
func (c *Console) reportRefused(w http.ResponseWriter, r *http.Request, me azizayol.Staff, ind azizayol.Indicator, period string,
	latest azizayol.Submission, value func(region, col string) string, problems []azizayol.ReportError, source string) {
	c.audit(r, me, "report_refused", 0, fmt.Sprintf("%s %s %s: %d problems", ind.Code, period, source, len(problems)))
	if _, ok := reportPeriodOf(ind, period); !ok {
		period = ""
	}
	c.reportForm(w, r, me, ind, period, latest, value, problems, "", http.StatusUnprocessableEntity)
}

// --- the list of indicators, kept by super-admins -----------------------------------

type indicatorEditData struct {
	Edit     azizayol.Indicator
	Parts    string // one part a line: code | uz-Latn | uz-Cyrl | ru
	Agencies []azizayol.Agency
	Problems []string
	History  []azizayol.IndicatorChange
	Kinds    []azizayol.Periodicity
}

// indicatorErrors names each of Indicator.Validate's errors by a message id.
var indicatorErrors = map[error]string{
	azizayol.ErrIndicatorCode:        "reports.ind_err.code",
	azizayol.ErrIndicatorName:        "reports.ind_err.names",
	azizayol.ErrIndicatorAgency:      "reports.ind_err.agency",
	azizayol.ErrIndicatorPeriodicity: "reports.ind_err.periodicity",
	azizayol.ErrIndicatorDueDay:      "reports.ind_err.due_day",
	azizayol.ErrIndicatorReportMonth: "reports.ind_err.report_month",
	azizayol.ErrIndicatorParts:       "reports.ind_err.parts",
	azizayol.ErrIndicatorCodeTaken:   "reports.ind_err.code_taken",
	errIndicatorStarts:               "reports.ind_err.starts",
	azizayol.ErrIndicatorHasReports:  "reports.ind_err.has_reports",
}

func (c *Console) indicatorEdit(w http.ResponseWriter, r *http.Request, me azizayol.Staff, ind azizayol.Indicator, parts string, errs []error, status int) {
	ctx := r.Context()
	d := indicatorEditData{Edit: ind, Parts: parts, Kinds: azizayol.Periodicities}
	var err error
	if d.Agencies, err = c.cfg.Store.Agencies(ctx); err != nil {
		c.failed(w, r, me, err)
		return
	}
	if ind.ID != 0 {
		if d.History, err = c.cfg.Store.IndicatorHistory(ctx, ind.ID); err != nil {
			c.failed(w, r, me, err)
			return
		}
	}
	v := view{Lang: langOf(r, me)}
	for _, e := range errs {
		d.Problems = append(d.Problems, v.T(indicatorErrors[e]))
	}
	c.page(w, r, me, "report_edit", status, d)
}

// indicatorPartsText is an indicator's parts as the form shows them.
func indicatorPartsText(parts []azizayol.ReportPart) string {
	var b strings.Builder
	for _, p := range parts {
		fmt.Fprintf(&b, "%s | %s | %s | %s\n", p.Code, p.Names.UzLatn, p.Names.UzCyrl, p.Names.Ru)
	}
	return b.String()
}

// indicatorForm reads an indicator from the form; a name or part left without its
// Uzbek Cyrillic gets the Latin's transliteration.
func indicatorForm(r *http.Request, ind azizayol.Indicator) (azizayol.Indicator, string, []error) {
	var errs []error
	ind.Code = strings.TrimSpace(r.FormValue("code"))
	ind.Row = strings.TrimSpace(r.FormValue("row"))
	ind.AgencyID, _ = strconv.ParseInt(r.FormValue("agency"), 10, 64)
	ind.Names = indicatorNames(r.FormValue("uz_latn"), r.FormValue("uz_cyrl"), r.FormValue("ru"))
	ind.Periodicity = azizayol.Periodicity(r.FormValue("periodicity"))
	ind.DueDay, _ = strconv.Atoi(r.FormValue("due_day"))
	ind.ReportMonth, _ = strconv.Atoi(r.FormValue("report_month"))
	if ind.ReportMonth == 0 {
		ind.ReportMonth = 6
	}
	ind.ByRegion = r.FormValue("by_region") == "1"
	ind.Active = r.FormValue("active") == "1"
	starts, err := time.ParseInLocation(time.DateOnly, r.FormValue("starts"), azizayol.Tashkent)
	if err != nil {
		errs = append(errs, errIndicatorStarts)
	}
	ind.Starts = starts
	text := r.FormValue("parts")
	ind.Parts = nil
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r", ""), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, "|")
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		switch len(f) {
		case 3: // code | uz-Latn | ru
			ind.Parts = append(ind.Parts, azizayol.ReportPart{Code: f[0], Names: indicatorNames(f[1], "", f[2])})
		case 4:
			ind.Parts = append(ind.Parts, azizayol.ReportPart{Code: f[0], Names: indicatorNames(f[1], f[2], f[3])})
		default:
			ind.Parts = append(ind.Parts, azizayol.ReportPart{Code: line}) // invalid: Validate says so
		}
	}
	return ind, text, append(errs, ind.Validate()...)
}

// errIndicatorStarts: the first period's day is not a date.
var errIndicatorStarts = errors.New("starts: not a date")

// indicatorNames are names as typed; the Uzbek Cyrillic, left out, is the Latin's
// transliteration.
func indicatorNames(latn, cyrl, ru string) azizayol.Names {
	n := azizayol.Names{UzLatn: strings.TrimSpace(latn), UzCyrl: strings.TrimSpace(cyrl), Ru: strings.TrimSpace(ru)}
	if n.UzCyrl == "" && n.UzLatn != "" {
		n.UzCyrl = locales.ToCyrillic(n.UzLatn)
	}
	return n
}

// indicatorNew shows the form to add an indicator.
func (c *Console) indicatorNew(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	// Owed from today: the periods that open from today on, none late on its first day.
	t := c.cfg.Now().In(azizayol.Tashkent)
	ind := azizayol.Indicator{Periodicity: azizayol.PerMonth, DueDay: 10, ReportMonth: 6, ByRegion: true, Active: true,
		Starts: time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, azizayol.Tashkent)}
	c.indicatorEdit(w, r, me, ind, "", nil, http.StatusOK)
}

func (c *Console) indicatorAdd(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	ind, parts, errs := indicatorForm(r, azizayol.Indicator{})
	c.saveIndicator(w, r, me, azizayol.Indicator{}, ind, parts, errs)
}

// indicatorEditPage shows an indicator's form with its history.
func (c *Console) indicatorEditPage(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	ind, ok := c.indicatorOf(w, r, me)
	if !ok {
		return
	}
	c.indicatorEdit(w, r, me, ind, indicatorPartsText(ind.Parts), nil, http.StatusOK)
}

func (c *Console) indicatorUpdate(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	old, ok := c.indicatorOf(w, r, me)
	if !ok {
		return
	}
	ind, parts, errs := indicatorForm(r, old)
	c.saveIndicator(w, r, me, old, ind, parts, errs)
}

func (c *Console) saveIndicator(w http.ResponseWriter, r *http.Request, me azizayol.Staff, old, ind azizayol.Indicator, parts string, errs []error) {
	if len(errs) > 0 {
		c.indicatorEdit(w, r, me, ind, parts, errs, http.StatusUnprocessableEntity)
		return
	}
	saved, action, err := c.cfg.Store.SaveIndicator(r.Context(), ind, me)
	if errors.Is(err, azizayol.ErrIndicatorCodeTaken) || errors.Is(err, azizayol.ErrIndicatorHasReports) {
		c.indicatorEdit(w, r, me, ind, parts, []error{err}, http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	to := Prefix + "/reports/" + strconv.FormatInt(saved.ID, 10) + "/edit"
	if action == "" {
		back(w, r, to, "", "")
		return
	}
	changed := azizayol.IndicatorChange{Old: old, New: saved}.Changed()
	c.audit(r, me, "report_indicator_"+action, 0, fmt.Sprintf("#%d %s: %s", saved.ID, saved.Code, strings.Join(changed, ", ")))
	back(w, r, to, "done", "console.done.saved")
}

// --- for the templates --------------------------------------------------------------

// ReportPeriodName is a period's key (2026-03, 2026-Q1 …) as words in the page's language.
func (v view) ReportPeriodName(p azizayol.Periodicity, key string) string {
	period, ok := azizayol.ParseReportPeriod(p, key)
	if !ok {
		return key
	}
	switch p {
	case azizayol.PerMonth:
		return v.T("reports.period.month", "Month", v.T(fmt.Sprintf("reports.month.%d", period.N)), "Year", period.Year)
	case azizayol.PerQuarter:
		return v.T("reports.period.quarter", "N", period.N, "Year", period.Year)
	case azizayol.PerHalfYear:
		return v.T("reports.period.half", "N", period.N, "Year", period.Year)
	}
	return v.T("reports.period.year", "Year", period.Year)
}

// ReportDay is a date in Tashkent.
func (v view) ReportDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(azizayol.Tashkent).Format("02.01.2006")
}

// ReportDueRule says by when an indicator's periods are due, in the page's language.
func (v view) ReportDueRule(ind azizayol.Indicator) string {
	if ind.Periodicity == azizayol.PerYear {
		return v.T("reports.due_rule_yearly", "Month", v.T(fmt.Sprintf("reports.month.%d", ind.ReportMonth)))
	}
	return v.T("reports.due_rule", "Day", ind.DueDay)
}

// ReportPartName is a column's name: a part's, or the total's.
func (v view) ReportPartName(ind azizayol.Indicator, col string) string {
	for _, p := range ind.Parts {
		if p.Code == col {
			return p.Names.In(v.Lang)
		}
	}
	return v.T("reports.total")
}
