package admin

import (
	"context"
	"fmt"
	"html/template"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/chart"
	"github.com/azizayol/azizayol/export"
	"github.com/azizayol/azizayol/locales"
)

// The statistics dashboard (issue 8): the platform's own figures for the Ministry and
// the agencies, read from the rollups the stats job keeps current (never from the
// appeals themselves), with pictures and an export of every table.
//
// Who sees what: a super-admin every agency (and may choose one) and the women
// reached; an agency admin her agency's appeals only (the women reached are the whole
// platform's, not hers: not shown); operators answer appeals and see no statistics.
// Small counts that could name a woman (1–4) are hidden in every export, in every
// table, whatever the filter (an agency's figures are often one region's), with the
// figures that would give them away, all tables at once (statsSuppress). Those tables cover whole calendar months
// (azizayol.MonthsAround): two periods a day apart would otherwise give one day's
// figures by subtraction.

// StatsStore is what the console reads and keeps for the platform's own figures (issue 8).
type StatsStore interface {
	AppealStats(ctx context.Context, f azizayol.StatsFilter) (azizayol.AppealStats, error)
	UserStats(ctx context.Context) (azizayol.UserStats, error)
}

func (c *Console) statsRoutes() {
	c.handle("GET /stats", admins, c.statsPage)
	c.handle("GET /stats/export", admins, c.statsExport)
}

// statsQuery is the dashboard's filter as the page's links and forms carry it.
type statsQuery struct {
	Preset   string // "7", "30", "90", "year"; "" for From..To
	From, To string // 2006-01-02
	Agency   int64  // a super-admin's choice; 0: every agency
}

// encode is the query string of the filter, with extra pairs.
func (q statsQuery) encode(extra ...string) string {
	v := url.Values{}
	if q.Preset != "" {
		v.Set("preset", q.Preset)
	} else {
		v.Set("from", q.From)
		v.Set("to", q.To)
	}
	if q.Agency != 0 {
		v.Set("agency", strconv.FormatInt(q.Agency, 10))
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v.Encode()
}

// statsFilter reads the filter: a preset, or two dates; the last 30 days when neither
// is given or the dates are not a period (bad is then true). An agency admin's
// figures are her agency's whatever the query says.
func statsFilter(r *http.Request, me azizayol.Staff, now time.Time) (f azizayol.StatsFilter, q statsQuery, bad bool) {
	v := r.URL.Query()
	q.Preset = v.Get("preset")
	if q.Preset == "" && (v.Get("from") != "" || v.Get("to") != "") {
		if p, ok := azizayol.ParseStatsPeriod(v.Get("from"), v.Get("to")); ok {
			f.Period = p
		} else {
			bad = true
		}
	}
	if f.Period.From.IsZero() {
		p, ok := azizayol.PresetPeriod(q.Preset, now)
		if !ok {
			q.Preset = "30"
			p, _ = azizayol.PresetPeriod(q.Preset, now)
		}
		f.Period = p
	} else {
		q.Preset = ""
	}
	q.From, q.To = f.Period.From.Format(time.DateOnly), f.Period.To.Format(time.DateOnly)
	if me.Role == azizayol.SuperAdmin {
		q.Agency, _ = strconv.ParseInt(v.Get("agency"), 10, 64)
		q.Agency = max(q.Agency, 0)
	} else {
		q.Agency = me.AgencyID
	}
	f.AgencyID = q.Agency
	return f, q, bad
}

// statsData is what the dashboard's template gets.
type statsData struct {
	Query      statsQuery
	Presets    []string
	Super      bool
	Suppressed bool // small counts are hidden on this screen
	Agencies   []azizayol.Agency
	Period     azizayol.StatsPeriod
	Previous   azizayol.StatsPeriod
	Months     azizayol.StatsPeriod // what the exports (suppressed) cover: whole months
	Refreshed  time.Time
	Cards      []statsCard
	Days       template.HTML // appeals a day, this period and the previous
	Regions    template.HTML // regions ranked
	Answers    template.HTML // time to first answer
	Tables     []statsTable
	Export     func(table, format string) string
	Links      []statsLink // the presets
	BadPeriod  bool        // the dates asked for were no period: the last 30 days instead
}

// statsLink is a preset period, one click away.
type statsLink struct {
	Preset, URL string
	On          bool
}

// statsCard is one headline figure with the previous period's.
type statsCard struct {
	Label, Value, Previous, Change string
}

// statsTable is one table of the dashboard, as shown and as exported.
type statsTable struct {
	Name   string // in the export's URL and file name
	Title  string
	Header []string
	Rows   [][]statsCell
	Total  []statsCell // the last row, nil without
	Long   bool        // shown folded on the page
	// Lines are the figures that add up, each by their keys (statsCell.Key): its
	// parts, then its total, which may be printed in another table (a region's
	// districts add up to the region's figure in the regions table).
	Lines [][]string
}

// statsCell is one cell: a count (Count >= 0, for suppression) or text.
type statsCell struct {
	Text  string
	Count int // -1: not a count
	// Key names the figure wherever it is printed ("received/region/1703" in the
	// regions table and as the total of the region's row of the region × topic table):
	// one figure is hidden everywhere or nowhere.
	Key    string
	Deps   []string // a figure worked out from counts (a share, a median): hidden with any of them
	Num    bool
	Hidden bool
}

func statsText(s string) statsCell { return statsCell{Text: s, Count: -1} }

// statsCount is a count and the key of the figure it is.
func statsCount(n int, key string) statsCell {
	return statsCell{Text: strconv.Itoa(n), Count: n, Key: key, Num: true}
}

// statsFigure is a figure worked out from the counts named by deps.
func statsFigure(s string, deps ...string) statsCell {
	return statsCell{Text: s, Count: -1, Num: true, Deps: deps}
}

// statsKey names a figure: a measure ("received") of a value of a dimension.
func statsKey(measure, dim, value string) string { return measure + "/" + dim + "/" + value }

// statsAll is the key of a measure's figure over everything the filter chose.
func statsAll(measure string) string { return statsKey(measure, "all", "") }

// statsHidden is what a hidden figure shows: the same sign for the small counts and
// for those hidden to protect them, so that none can be told from another.
const statsHidden = "×"

// hide marks a cell hidden.
func (cell *statsCell) hide() {
	cell.Hidden, cell.Text = true, statsHidden
}

// rows are the table's rows with its total row.
func (t *statsTable) rows() [][]statsCell {
	if t.Total == nil {
		return t.Rows
	}
	return append(slices.Clone(t.Rows), t.Total)
}

// statsSuppress hides the small counts of every table, and the figures that would
// give them away, all tables at once (azizayol.Suppress): a figure printed in two
// tables is one figure, and every table's lines count, so that no table's totals
// recover another's hidden cells. A figure worked out from hidden counts (a share, a
// percentile, a change) is hidden too. A line naming a figure that no table prints
// constrains nothing and is left out.
func statsSuppress(tables []statsTable) {
	index := map[string]int{}
	var counts []int
	for ti := range tables {
		for ri, row := range tables[ti].rows() {
			for ci := range row {
				cell := &row[ci]
				if cell.Count < 0 {
					continue
				}
				if cell.Key == "" {
					cell.Key = fmt.Sprintf("%s#%d#%d", tables[ti].Name, ri, ci)
				}
				if _, ok := index[cell.Key]; !ok {
					index[cell.Key] = len(counts)
					counts = append(counts, cell.Count)
				}
			}
		}
	}
	var lines [][]int
	for _, t := range tables {
	next:
		for _, keys := range t.Lines {
			line := make([]int, len(keys))
			for i, k := range keys {
				j, ok := index[k]
				if !ok {
					continue next
				}
				line[i] = j
			}
			lines = append(lines, line)
		}
	}
	hidden := azizayol.Suppress(counts, lines)
	for _, t := range tables {
		for _, row := range t.rows() {
			for ci := range row {
				cell := &row[ci]
				if cell.Count >= 0 && hidden[index[cell.Key]] {
					cell.hide()
				}
				for _, k := range cell.Deps {
					if j, ok := index[k]; ok && hidden[j] {
						cell.hide()
					}
				}
			}
		}
	}
}

// statsColumnLines are the lines of a table whose rows are the parts of what the
// filter chose: for each measure, the rows' figures and then the measure's total.
func statsColumnLines(dim string, values []string, measures ...string) [][]string {
	var lines [][]string
	for _, m := range measures {
		line := make([]string, 0, len(values)+1)
		for _, v := range values {
			line = append(line, statsKey(m, dim, v))
		}
		lines = append(lines, append(line, statsAll(m)))
	}
	return lines
}

// exportTable is the table as a file has it.
func (t statsTable) exportTable() export.Table {
	out := export.Table{Name: t.Title, Header: t.Header}
	for _, row := range t.rows() {
		line := make([]string, len(row))
		for i, cell := range row {
			line[i] = cell.Text
		}
		out.Rows = append(out.Rows, line)
	}
	return out
}

func (c *Console) statsPage(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	v := view{Lang: langOf(r, me), Me: me} // the labels' language (c.page makes the page's view)
	f, q, bad := statsFilter(r, me, c.cfg.Now())
	// On the screen the figures are whole: an agency admin already reads every appeal
	// of her agency in the inbox, and a week's view needs days. What leaves the
	// console — the exports — is suppressed, for whole months.
	months := azizayol.MonthsAround(f.Period)
	d, tables, err := c.stats(r, v, me, f, false)
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	d.Query, d.Tables, d.Months = q, tables, months
	for _, p := range azizayol.StatsPresets {
		link := statsQuery{Preset: p, Agency: q.Agency}
		if me.Role != azizayol.SuperAdmin {
			link.Agency = 0 // hers anyway: the link need not say it
		}
		d.Links = append(d.Links, statsLink{Preset: p, URL: Prefix + "/stats?" + link.encode(), On: p == q.Preset})
	}
	d.Export = func(table, format string) string {
		return Prefix + "/stats/export?" + q.encode("table", table, "format", format)
	}
	c.audit(r, me, "stats_view", 0, statsDetail(f))
	d.BadPeriod = bad
	c.page(w, r, me, "stats", http.StatusOK, d)
}

// statsDetail is what the audit log keeps of a filter.
func statsDetail(f azizayol.StatsFilter) string {
	s := f.Period.From.Format(time.DateOnly) + ".." + f.Period.To.Format(time.DateOnly)
	if f.AgencyID != 0 {
		s += " agency " + strconv.FormatInt(f.AgencyID, 10)
	}
	return s
}

func (c *Console) statsExport(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	v := view{Lang: langOf(r, me), Me: me}
	f, _, _ := statsFilter(r, me, c.cfg.Now())
	f.Period = azizayol.MonthsAround(f.Period) // as the page says; the file's name says so too
	name, format := r.URL.Query().Get("table"), r.URL.Query().Get("format")
	if format != "csv" && format != "xlsx" {
		c.fail(w, r, me, http.StatusNotFound)
		return
	}
	// Every export hides small counts, whoever asks.
	_, tables, err := c.stats(r, v, me, f, true)
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	i := slices.IndexFunc(tables, func(t statsTable) bool { return t.Name == name })
	if i < 0 {
		c.fail(w, r, me, http.StatusNotFound)
		return
	}
	c.audit(r, me, "stats_export", 0, name+" "+format+" "+statsDetail(f))
	file := fmt.Sprintf("aziz-ayol-%s-%s-%s.%s", name, f.Period.From.Format("20060102"), f.Period.To.Format("20060102"), format)
	w.Header().Set("Content-Disposition", `attachment; filename="`+file+`"`)
	t := tables[i].exportTable()
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		err = export.CSV(w, t)
	} else {
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		err = export.XLSX(w, t)
	}
	if err != nil {
		statsLogFailed(r, me, err)
	}
}

// logFailed logs an error once the answer has begun (its headers are gone).
func statsLogFailed(r *http.Request, me azizayol.Staff, err error) {
	if r.Context().Err() == nil {
		slog.Error("console export failed", "path", r.URL.Path, "staff", me.Email, "err", err)
	}
}

// statsNames are the names the tables show for codes and ids.
type statsNames struct {
	agencies  map[int64]azizayol.Agency
	regions   map[string]azizayol.Names
	districts map[string]azizayol.District
}

func (c *Console) statsNames(ctx context.Context) (statsNames, []azizayol.Agency, error) {
	n := statsNames{agencies: map[int64]azizayol.Agency{}, regions: map[string]azizayol.Names{}, districts: map[string]azizayol.District{}}
	agencies, err := c.cfg.Store.Agencies(ctx)
	if err != nil {
		return n, nil, err
	}
	for _, g := range agencies {
		n.agencies[g.ID] = g
	}
	regions, err := c.cfg.Store.AllRegions(ctx)
	if err != nil {
		return n, nil, err
	}
	for _, g := range regions {
		n.regions[g.Code] = g.Names
	}
	districts, err := c.cfg.Store.AllDistricts(ctx)
	if err != nil {
		return n, nil, err
	}
	for _, d := range districts {
		n.districts[d.Code] = d
	}
	return n, agencies, nil
}

// stats reads the figures of a filter and lays them out: the headline cards, the
// pictures and the tables, small counts hidden when suppress is set.
func (c *Console) stats(r *http.Request, v view, me azizayol.Staff, f azizayol.StatsFilter, suppress bool) (statsData, []statsTable, error) {
	ctx := r.Context()
	s, err := c.cfg.Store.AppealStats(ctx, f)
	if err != nil {
		return statsData{}, nil, err
	}
	names, agencies, err := c.statsNames(ctx)
	if err != nil {
		return statsData{}, nil, err
	}
	d := statsData{Presets: azizayol.StatsPresets, Super: me.Role == azizayol.SuperAdmin, Suppressed: suppress,
		Agencies: agencies, Period: f.Period, Previous: f.Period.Previous(), Refreshed: s.Refreshed}
	l := statsLabels{v: v, names: names}
	d.Cards = l.cards(s)
	tables := []statsTable{l.summary(s), l.agencies(s), l.topics(s), l.regions(s), l.regionTopics(s),
		l.districts(s), l.plain(s, "kinds", "kind"), l.plain(s, "channels", "channel"), l.plain(s, "langs", "lang"),
		l.plain(s, "statuses", "status"), l.days(s), l.answerTimes(s)}
	if d.Super {
		u, err := c.cfg.Store.UserStats(ctx)
		if err != nil {
			return statsData{}, nil, err
		}
		tables = append(tables, l.users(u)...)
	}
	if suppress {
		statsSuppress(tables)
	}
	regions := tables[3] // l.regions: its hidden counts are not drawn

	// The pictures.
	var cur, prev []chart.Point
	for i, day := range s.Days {
		label := day.Day.Format("02.01")
		cur = append(cur, chart.Point{Label: label, Value: float64(day.Received)})
		if i < len(s.PrevDays) {
			prev = append(prev, chart.Point{Label: label, Value: float64(s.PrevDays[i].Received)})
		}
	}
	d.Days = chart.Lines(v.T("stats.chart.days"),
		chart.Series{Name: v.T("stats.this_period"), Points: cur}, chart.Series{Name: v.T("stats.previous_period"), Points: prev})
	var bars []chart.Bar
	for i, row := range s.By["region"] {
		if row.Value == "" || regions.Rows[i][1].Hidden {
			continue // consultations have no place; a hidden count is not drawn
		}
		bars = append(bars, chart.Bar{Label: l.region(row.Value), Value: float64(row.Received), Note: statsShare(row.Received, s.Total.Received)})
	}
	d.Regions = chart.Bars(v.T("stats.chart.regions"), bars)
	var hist []chart.Bar
	for i, g := range statsAnswerGroups {
		n := 0
		for b := g.from; b <= g.to; b++ {
			n += s.Answers[b]
		}
		hist = append(hist, chart.Bar{Label: v.T("stats.bucket." + strconv.Itoa(i)), Value: float64(n)})
	}
	d.Answers = chart.Histogram(v.T("stats.chart.answers"), hist)
	return d, tables, nil
}

// statsAnswerGroups merge the answer-time buckets for the picture: eight bars stay
// readable on a phone.
var statsAnswerGroups = []struct{ from, to int }{{0, 2}, {3, 4}, {5, 6}, {7, 7}, {8, 8}, {9, 9}, {10, 11}, {12, 14}}

// statsLabels lays out tables in the page's language.
type statsLabels struct {
	v     view
	names statsNames
}

func (l statsLabels) region(code string) string {
	if code == "" {
		return l.v.T("stats.no_place")
	}
	if n, ok := l.names.regions[code]; ok {
		return l.v.Name(n)
	}
	return code
}

func (l statsLabels) district(code string) (region, district string) {
	if code == "" {
		return l.v.T("stats.no_place"), ""
	}
	if d, ok := l.names.districts[code]; ok {
		return l.region(d.RegionCode), l.v.Name(d.Names)
	}
	return "", code
}

func (l statsLabels) agency(id string) string {
	n, _ := strconv.ParseInt(id, 10, 64)
	if g, ok := l.names.agencies[n]; ok {
		return l.v.Name(g.Names)
	}
	return id
}

// value names a value of a dimension.
func (l statsLabels) value(dim, v string) string {
	switch dim {
	case "topic":
		return l.v.T("topic." + v)
	case "status":
		return l.v.T("console.status." + v)
	case "lang":
		if lang, ok := azizayol.ParseLang(v); ok {
			return l.v.LangName(lang)
		}
		if v == "" {
			return l.v.T("stats.unknown")
		}
		return v
	case "kind", "channel":
		id := "stats." + dim + "." + strings.ToLower(strings.ReplaceAll(v, "-", "_"))
		if v != "" && locales.Has(azizayol.UzLatn, id) {
			return l.v.T(id)
		}
		if v == "" {
			return l.v.T("stats.unknown")
		}
		return v
	case "region":
		return l.region(v)
	}
	return v
}

// duration is a time to first answer as people say it: minutes, hours, days.
func (l statsLabels) duration(d time.Duration, ok bool) string {
	if !ok {
		return "—"
	}
	switch {
	case d < time.Hour:
		return l.v.T("stats.unit.minutes", "N", int(math.Round(d.Minutes())))
	case d < 48*time.Hour:
		return l.v.T("stats.unit.hours", "N", strconv.FormatFloat(math.Round(d.Hours()*10)/10, 'f', -1, 64))
	}
	return l.v.T("stats.unit.days", "N", strconv.FormatFloat(math.Round(d.Hours()/24*10)/10, 'f', -1, 64))
}

// share is n of total as a whole percentage, "—" of nothing.
func statsShare(n, total int) string {
	if total <= 0 {
		return "—"
	}
	return strconv.Itoa(int(math.Round(100*float64(n)/float64(total)))) + "%"
}

// change is how much a figure moved from the previous period, in per cent.
func statsChange(cur, prev int) string {
	if prev == 0 {
		return "—"
	}
	p := int(math.Round(100 * float64(cur-prev) / float64(prev)))
	switch {
	case p > 0:
		return "+" + strconv.Itoa(p) + "%"
	case p < 0:
		return "−" + strconv.Itoa(-p) + "%"
	}
	return "0%"
}

func (l statsLabels) cards(s azizayol.AppealStats) []statsCard {
	t, p := s.Total, s.Previous
	med, okM := s.Answers.Percentile(0.5)
	pmed, okP := s.PrevAns.Percentile(0.5)
	return []statsCard{
		{l.v.T("stats.received"), strconv.Itoa(t.Received), strconv.Itoa(p.Received), statsChange(t.Received, p.Received)},
		{l.v.T("stats.answered"), strconv.Itoa(t.Answered), strconv.Itoa(p.Answered), statsChange(t.Answered, p.Answered)},
		{l.v.T("stats.overdue"), strconv.Itoa(t.Overdue), strconv.Itoa(p.Overdue), statsChange(t.Overdue, p.Overdue)},
		{l.v.T("stats.urgent_24h"), statsShare(t.Urgent24h, t.Urgent), statsShare(p.Urgent24h, p.Urgent), ""},
		{l.v.T("stats.median"), l.duration(med, okM), l.duration(pmed, okP), ""},
		{l.v.T("stats.rated_good"), statsShare(t.RatedUp, t.RatedUp+t.RatedDown), statsShare(p.RatedUp, p.RatedUp+p.RatedDown), ""},
	}
}

func (l statsLabels) summary(s azizayol.AppealStats) statsTable {
	t, p := s.Total, s.Previous
	row := func(label, measure string, cur, prev int) []statsCell {
		k, pk := statsAll(measure), statsAll("prev."+measure)
		return []statsCell{statsText(label), statsCount(cur, k), statsCount(prev, pk), statsFigure(statsChange(cur, prev), k, pk)}
	}
	pct := func(label string, cur, prev statsCell) []statsCell {
		return []statsCell{statsText(label), cur, prev, statsText("")}
	}
	med, okM := s.Answers.Percentile(0.5)
	pmed, okPM := s.PrevAns.Percentile(0.5)
	p90, ok9 := s.Answers.Percentile(0.9)
	pp90, okP9 := s.PrevAns.Percentile(0.9)
	answered, prevAnswered := statsAll("answered"), statsAll("prev.answered")
	return statsTable{Name: "summary", Title: l.v.T("stats.table.summary"),
		Header: []string{l.v.T("stats.col.figure"), l.v.T("stats.this_period"), l.v.T("stats.previous_period"), l.v.T("stats.col.change")},
		Rows: [][]statsCell{
			row(l.v.T("stats.received"), "received", t.Received, p.Received),
			row(l.v.T("stats.answered"), "answered", t.Answered, p.Answered),
			row(l.v.T("stats.overdue"), "overdue", t.Overdue, p.Overdue),
			row(l.v.T("stats.urgent"), "urgent", t.Urgent, p.Urgent),
			pct(l.v.T("stats.urgent_24h"), statsFigure(statsShare(t.Urgent24h, t.UrgentDue), statsAll("urgent")),
				statsFigure(statsShare(p.Urgent24h, p.UrgentDue), statsAll("prev.urgent"))),
			pct(l.v.T("stats.median"), statsFigure(l.duration(med, okM), answered), statsFigure(l.duration(pmed, okPM), prevAnswered)),
			pct(l.v.T("stats.p90"), statsFigure(l.duration(p90, ok9), answered), statsFigure(l.duration(pp90, okP9), prevAnswered)),
			row(l.v.T("stats.rated_up"), "rated_up", t.RatedUp, p.RatedUp),
			row(l.v.T("stats.rated_down"), "rated_down", t.RatedDown, p.RatedDown),
		}}
}

// statsMeasures are the counts of a row of appeals, in the tables' order.
var statsMeasures = []string{"received", "answered", "overdue"}

// countCells are a row's figures of received, answered, overdue, keyed by dimension
// and value.
func statsCountCells(c azizayol.StatsCount, dim, value string) []statsCell {
	return []statsCell{statsCount(c.Received, statsKey("received", dim, value)),
		statsCount(c.Answered, statsKey("answered", dim, value)), statsCount(c.Overdue, statsKey("overdue", dim, value))}
}

func (l statsLabels) countHeader(first ...string) []string {
	return append(first, l.v.T("stats.received"), l.v.T("stats.answered"), l.v.T("stats.overdue"))
}

// values are the values of rows.
func statsValues(rows []azizayol.StatsRow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Value
	}
	return out
}

func (l statsLabels) agencies(s azizayol.AppealStats) statsTable {
	t := statsTable{Name: "agencies", Title: l.v.T("stats.table.agencies"),
		Header: append(l.countHeader(l.v.T("stats.col.agency")), l.v.T("stats.urgent_24h"), l.v.T("stats.median"),
			l.v.T("stats.p90"), l.v.T("stats.rated_up"), l.v.T("stats.rated_down")),
		Lines: statsColumnLines("agency", statsValues(s.Agencies), "received", "answered", "overdue", "rated_up", "rated_down")}
	for _, row := range s.Agencies {
		id, _ := strconv.ParseInt(row.Value, 10, 64)
		h := s.ByAgency[id]
		med, okM := h.Percentile(0.5)
		p90, ok9 := h.Percentile(0.9)
		received, answered := statsKey("received", "agency", row.Value), statsKey("answered", "agency", row.Value)
		t.Rows = append(t.Rows, append(append([]statsCell{statsText(l.agency(row.Value))}, statsCountCells(row.StatsCount, "agency", row.Value)...),
			statsFigure(statsShare(row.Urgent24h, row.UrgentDue), received), statsFigure(l.duration(med, okM), answered),
			statsFigure(l.duration(p90, ok9), answered),
			statsCount(row.RatedUp, statsKey("rated_up", "agency", row.Value)), statsCount(row.RatedDown, statsKey("rated_down", "agency", row.Value))))
	}
	return t
}

func (l statsLabels) topics(s azizayol.AppealStats) statsTable {
	t := statsTable{Name: "topics", Title: l.v.T("stats.table.topics"),
		Header: append(l.countHeader(l.v.T("stats.col.topic")), l.v.T("stats.median"), l.v.T("stats.p90")),
		Lines:  statsColumnLines("topic", statsValues(s.By["topic"]), statsMeasures...)}
	for _, row := range s.By["topic"] {
		h := s.ByTopic[row.Value]
		med, okM := h.Percentile(0.5)
		p90, ok9 := h.Percentile(0.9)
		answered := statsKey("answered", "topic", row.Value)
		t.Rows = append(t.Rows, append(append([]statsCell{statsText(l.value("topic", row.Value))}, statsCountCells(row.StatsCount, "topic", row.Value)...),
			statsFigure(l.duration(med, okM), answered), statsFigure(l.duration(p90, ok9), answered)))
	}
	return t
}

func (l statsLabels) total(first int, c azizayol.StatsCount) []statsCell {
	cells := []statsCell{statsText(l.v.T("stats.total"))}
	for range first - 1 {
		cells = append(cells, statsText(""))
	}
	return append(cells, statsCountCells(c, "all", "")...)
}

func (l statsLabels) regions(s azizayol.AppealStats) statsTable {
	t := statsTable{Name: "regions", Title: l.v.T("stats.table.regions"), Header: l.countHeader(l.v.T("stats.col.region")),
		Lines: statsColumnLines("region", statsValues(s.By["region"]), statsMeasures...)}
	for _, row := range s.By["region"] {
		t.Rows = append(t.Rows, append([]statsCell{statsText(l.region(row.Value))}, statsCountCells(row.StatsCount, "region", row.Value)...))
	}
	t.Total = l.total(1, s.Total)
	return t
}

// districts is the table of districts. Its lines are each region's districts with
// the region's figure (printed in the regions table), and all the districts with the
// total: suppressed as one national column, a region's one hidden district would be
// its region's figure less its other districts.
func (l statsLabels) districts(s azizayol.AppealStats) statsTable {
	t := statsTable{Name: "districts", Title: l.v.T("stats.table.districts"), Long: true,
		Header: l.countHeader(l.v.T("stats.col.region"), l.v.T("stats.col.district")),
		Lines:  statsColumnLines("district", statsValues(s.By["district"]), statsMeasures...)}
	byRegion := map[string][]string{}
	var regions []string
	for _, row := range s.By["district"] {
		region, district := l.district(row.Value)
		t.Rows = append(t.Rows, append([]statsCell{statsText(region), statsText(district)}, statsCountCells(row.StatsCount, "district", row.Value)...))
		if d, ok := l.names.districts[row.Value]; ok && row.Value != "" {
			if byRegion[d.RegionCode] == nil {
				regions = append(regions, d.RegionCode)
			}
			byRegion[d.RegionCode] = append(byRegion[d.RegionCode], row.Value)
		}
	}
	for _, region := range regions {
		for _, m := range statsMeasures {
			var line []string
			for _, d := range byRegion[region] {
				line = append(line, statsKey(m, "district", d))
			}
			t.Lines = append(t.Lines, append(line, statsKey(m, "region", region)))
		}
	}
	t.Total = l.total(2, s.Total)
	return t
}

// regionTopics is the cross table of regions and topics (appeals received): the one
// most likely to hold a cell small enough to name a woman. A region's row adds up to
// its figure in the regions table, a topic's column to its figure in the topics table.
func (l statsLabels) regionTopics(s azizayol.AppealStats) statsTable {
	cells := map[[2]string]int{}
	var regions, topics []string
	for _, row := range s.By["region_topic"] {
		region, topic, _ := strings.Cut(row.Value, "|")
		cells[[2]string{region, topic}] = row.Received
		if !slices.Contains(regions, region) {
			regions = append(regions, region)
		}
		if !slices.Contains(topics, topic) {
			topics = append(topics, topic)
		}
	}
	// Rows and columns in the order of their totals (the rollup's rows come most first).
	byRegion, byTopic := map[string]int{}, map[string]int{}
	for k, n := range cells {
		byRegion[k[0]] += n
		byTopic[k[1]] += n
	}
	rank := func(list []string, total map[string]int) {
		slices.SortStableFunc(list, func(a, b string) int { return total[b] - total[a] })
	}
	rank(regions, byRegion)
	rank(topics, byTopic)
	t := statsTable{Name: "region_topic", Title: l.v.T("stats.table.region_topic"), Long: true,
		Header: []string{l.v.T("stats.col.region")}}
	for _, topic := range topics {
		t.Header = append(t.Header, l.value("topic", topic))
	}
	t.Header = append(t.Header, l.v.T("stats.total"))
	cell := func(region, topic string) string { return statsKey("received", "region_topic", region+"|"+topic) }
	for _, region := range regions {
		row := []statsCell{statsText(l.region(region))}
		var line []string
		for _, topic := range topics {
			row = append(row, statsCount(cells[[2]string{region, topic}], cell(region, topic)))
			line = append(line, cell(region, topic))
		}
		t.Rows = append(t.Rows, append(row, statsCount(byRegion[region], statsKey("received", "region", region))))
		t.Lines = append(t.Lines, append(line, statsKey("received", "region", region)))
	}
	t.Total = []statsCell{statsText(l.v.T("stats.total"))}
	grand := 0
	var totals []string
	for _, topic := range topics {
		t.Total = append(t.Total, statsCount(byTopic[topic], statsKey("received", "topic", topic)))
		grand += byTopic[topic]
		totals = append(totals, statsKey("received", "topic", topic))
		var line []string
		for _, region := range regions {
			line = append(line, cell(region, topic))
		}
		t.Lines = append(t.Lines, append(line, statsKey("received", "topic", topic)))
	}
	t.Total = append(t.Total, statsCount(grand, statsAll("received")))
	t.Lines = append(t.Lines, append(totals, statsAll("received")))
	return t
}

// plain is a table of one small dimension: kind, channel, language, status.
func (l statsLabels) plain(s azizayol.AppealStats, name, dim string) statsTable {
	t := statsTable{Name: name, Title: l.v.T("stats.table." + name), Header: l.countHeader(l.v.T("stats.col." + dim)),
		Lines: statsColumnLines(dim, statsValues(s.By[dim]), statsMeasures...)}
	for _, row := range s.By[dim] {
		t.Rows = append(t.Rows, append([]statsCell{statsText(l.value(dim, row.Value))}, statsCountCells(row.StatsCount, dim, row.Value)...))
	}
	return t
}

// days is the table of days: each period's days add up to its totals.
func (l statsLabels) days(s azizayol.AppealStats) statsTable {
	t := statsTable{Name: "days", Title: l.v.T("stats.table.days"), Long: true,
		Header: []string{l.v.T("stats.col.day"), l.v.T("stats.received"), l.v.T("stats.answered"), l.v.T("stats.col.previous_day"), l.v.T("stats.received")}}
	key := func(measure string, d time.Time) string { return statsKey(measure, "day", d.Format(time.DateOnly)) }
	var received, answered, previous []string
	// Every day of both periods (whole months of different lengths have different
	// numbers of days): a day left out would be its period's total less the others.
	for i := range max(len(s.Days), len(s.PrevDays)) {
		row := []statsCell{statsText(""), statsText(""), statsText("")}
		if i < len(s.Days) {
			day := s.Days[i]
			row = []statsCell{statsText(day.Day.Format("02.01.2006")), statsCount(day.Received, key("received", day.Day)),
				statsCount(day.Answered, key("answered", day.Day))}
			received, answered = append(received, key("received", day.Day)), append(answered, key("answered", day.Day))
		}
		if i < len(s.PrevDays) {
			p := s.PrevDays[i]
			row = append(row, statsText(p.Day.Format("02.01.2006")), statsCount(p.Received, key("received", p.Day)))
			previous = append(previous, key("received", p.Day))
		} else {
			row = append(row, statsText(""), statsText(""))
		}
		t.Rows = append(t.Rows, row)
	}
	t.Lines = [][]string{append(received, statsAll("received")), append(answered, statsAll("answered")),
		append(previous, statsAll("prev.received"))}
	return t
}

// answerTimes is the histogram of times to first answer: its counts add up to the
// appeals answered.
func (l statsLabels) answerTimes(s azizayol.AppealStats) statsTable {
	t := statsTable{Name: "answer_times", Title: l.v.T("stats.table.answer_times"),
		Header: []string{l.v.T("stats.col.from"), l.v.T("stats.col.to"), l.v.T("stats.answered"), l.v.T("stats.col.share")}}
	total := s.Answers.Total()
	var line []string
	for i, n := range s.Answers {
		from, to := "0", "—"
		if i > 0 {
			from = l.duration(azizayol.AnswerBuckets[i-1], true)
		}
		if i < len(azizayol.AnswerBuckets) {
			to = l.duration(azizayol.AnswerBuckets[i], true)
		}
		k := statsKey("answered", "bucket", strconv.Itoa(i))
		t.Rows = append(t.Rows, []statsCell{statsText(from), statsText(to), statsCount(n, k), statsFigure(statsShare(n, total), k)})
		line = append(line, k)
	}
	t.Lines = [][]string{append(line, statsAll("answered"))}
	return t
}

// users are the tables of the women reached (a super-admin's only).
func (l statsLabels) users(u azizayol.UserStats) []statsTable {
	measures := []string{"users", "active_week", "blocked", "opted_out"}
	header := func(first string) []string {
		return []string{first, l.v.T("stats.users"), l.v.T("stats.active_week"), l.v.T("stats.blocked"), l.v.T("stats.opted_out")}
	}
	cells := func(first, dim, value string, s azizayol.StatsUsers) []statsCell {
		return []statsCell{statsText(first), statsCount(s.Users, statsKey("users", dim, value)),
			statsCount(s.ActiveWeek, statsKey("active_week", dim, value)), statsCount(s.Blocked, statsKey("blocked", dim, value)),
			statsCount(s.OptedOut, statsKey("opted_out", dim, value))}
	}
	var out []statsTable
	for _, by := range []struct {
		name, dim string
		rows      []azizayol.StatsUserRow
	}{{"users_channels", "channel", u.ByChannel}, {"users_langs", "lang", u.ByLang}, {"users_regions", "region", u.ByRegion}} {
		t := statsTable{Name: by.name, Title: l.v.T("stats.table." + by.name), Header: header(l.v.T("stats.col." + by.dim))}
		var values []string
		for _, row := range by.rows {
			name := l.value(by.dim, row.Value)
			if row.Value == "" {
				name = l.v.T("stats.unknown") // she chose no region, no language yet
			}
			t.Rows = append(t.Rows, cells(name, "users_"+by.dim, row.Value, row.StatsUsers))
			values = append(values, row.Value)
		}
		t.Total = cells(l.v.T("stats.total"), "all", "", u.Total)
		t.Lines = statsColumnLines("users_"+by.dim, values, measures...)
		out = append(out, t)
	}
	return out
}
