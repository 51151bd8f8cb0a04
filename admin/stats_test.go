package admin_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/azizayol/azizayol"
)

// statsWorld files appeals through the store (so the triggers mark their days) and
// refreshes the figures: housing and the Women's notebook in Andijan (1703) and
// Tashkent city (1726), a legal consultation, and an appeal from the simulator.
//
//	            notebook_in  housing  legal
//	1726             9          7
//	1703             6          3
//	(no place)                           1
func statsWorld(t *testing.T) *console {
	t.Helper()
	c := newConsole(t)
	for _, p := range []struct {
		topic, region, district string
		n                       int
	}{
		{"notebook_in", "1726", "1726262", 9}, {"housing", "1726", "1726264", 7},
		{"notebook_in", "1703", "1703202", 6}, {"housing", "1703", "1703203", 3},
		{"legal", "", "", 1},
	} {
		for range p.n {
			c.appeal(p.topic, p.region, p.district, "Yordam bering.")
		}
	}
	a := c.appeal("housing", "1703", "1703202", "Sinov")
	if _, err := c.pool.Exec(context.Background(), `UPDATE appeals SET channel = 'simulator' WHERE id = $1`, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.db.RefreshStats(context.Background(), time.Now()); err != nil {
		t.Fatal(err)
	}
	return c
}

// statsCSV reads an export: UTF-8 with its byte-order mark.
func statsCSV(t *testing.T, body string) [][]string {
	t.Helper()
	if !strings.HasPrefix(body, "\uFEFF") {
		t.Fatalf("no byte-order mark: %.100q", body)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestStatsScope(t *testing.T) {
	c := statsWorld(t)
	root := c.staff(azizayol.SuperAdmin, "")
	kh := c.staff(azizayol.AgencyAdmin, "khokimiyat-1703")
	op := c.staff(azizayol.Operator, "khokimiyat-1703")
	justice := c.staff(azizayol.AgencyAdmin, "justice")

	// The super-admin: every agency (26 appeals; the simulator's left out), and the
	// women reached.
	resp, body := c.get(c.login(root), "/admin/stats?preset=7")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("super-admin: %d", resp.StatusCode)
	}
	for _, want := range []string{`<div class="value">26</div>`, "Toshkent shahar hokimligi", "Adliya vazirligi", "<svg", "Ayollar: kanallar"} {
		if !strings.Contains(body, want) {
			t.Errorf("super-admin's page lacks %q", want)
		}
	}
	if strings.Contains(body, `hidden">`) {
		t.Error("the super-admin's screen hides counts")
	}

	// An agency admin: her agency's appeals only, whatever the query asks, whole on
	// the screen (she reads each of them in the inbox anyway), no women-reached tables.
	cl := c.login(kh)
	_, body = c.get(cl, "/admin/stats?preset=7&agency="+itoa(justice.AgencyID))
	if strings.Contains(body, `hidden">`) {
		t.Error("the agency admin's screen hides counts")
	}
	for _, want := range []string{`<div class="value">9</div>`} {
		if !strings.Contains(body, want) {
			t.Errorf("agency admin's page lacks %q", want)
		}
	}
	for _, unwanted := range []string{"Adliya vazirligi</td>", "Toshkent shahar hokimligi</td>", "Ayollar: kanallar", `<select id="agency"`} {
		if strings.Contains(body, unwanted) {
			t.Errorf("agency admin's page shows %q", unwanted)
		}
	}
	_, body = c.get(cl, "/admin/stats/export?preset=7&table=agencies&format=csv&agency="+itoa(justice.AgencyID))
	rows := statsCSV(t, body)
	if len(rows) != 2 || rows[1][0] != "Andijon viloyati hokimligi" || rows[1][1] != "9" {
		t.Errorf("agency admin's agencies export: %q", rows)
	}
	// She cannot ask for the women reached.
	if resp, _ := c.get(cl, "/admin/stats/export?preset=7&table=users_channels&format=csv"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("agency admin's users export: %d, want 404", resp.StatusCode)
	}
	_, body = c.get(c.login(justice), "/admin/stats?preset=30")
	if !strings.Contains(body, `<div class="value">1</div>`) {
		t.Error("justice's admin does not see her one consultation")
	}

	// Operators see no statistics.
	if resp, _ := c.get(c.login(op), "/admin/stats"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("operator: %d, want 403", resp.StatusCode)
	}

	// A super-admin chooses an agency.
	_, body = c.get(c.login(root), "/admin/stats?preset=30&agency="+itoa(kh.AgencyID))
	if !strings.Contains(body, `<div class="value">9</div>`) {
		t.Error("the super-admin's choice of an agency is not applied")
	}

	// Views and exports are in the audit log.
	var views, exports int
	if err := c.pool.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE action = 'stats_view'),
		count(*) FILTER (WHERE action = 'stats_export' AND detail LIKE 'agencies csv %') FROM audit_log`).Scan(&views, &exports); err != nil {
		t.Fatal(err)
	}
	if views != 4 || exports != 1 {
		t.Errorf("audit: %d views, %d exports; want 4, 1", views, exports)
	}
}

// Every export hides the counts of 1 to 4 in a region and topic, and one more in
// each row and column that has only one, so no hidden count can be recomputed from
// the totals (the regions' and topics' totals printed in their own tables count); the
// super-admin's exports too. Every hidden figure reads "×".
func TestStatsExportSuppression(t *testing.T) {
	c := statsWorld(t)
	cl := c.login(c.staff(azizayol.SuperAdmin, ""))
	resp, body := c.get(cl, "/admin/stats/export?preset=30&table=region_topic&format=csv")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "attachment; filename=\"aziz-ayol-region_topic-") {
		t.Fatalf("export: %d %v", resp.StatusCode, resp.Header)
	}
	rows := statsCSV(t, body)
	// Header, 1726, 1703, no place, total; columns region, notebook_in, housing, legal, total.
	if len(rows) != 5 || len(rows[0]) != 5 {
		t.Fatalf("grid %q", rows)
	}
	if rows[0][1] != "Ayollar daftariga kiritish" && !strings.Contains(rows[0][1], "daftar") {
		t.Errorf("first topic column %q", rows[0][1])
	}
	want := [][]string{
		{"Toshkent shahri", "9", "7", "0", "16"},
		{"Andijon viloyati", "6", "×", "0", "×"},
		{"Hududsiz (maslahat)", "0", "0", "×", "×"},
		{"Jami", "15", "×", "×", "26"},
	}
	for i, w := range want {
		if strings.Join(rows[i+1], "|") != strings.Join(w, "|") {
			t.Errorf("row %d = %q, want %q", i+1, rows[i+1], w)
		}
	}
	// The rule, line by line: never exactly one hidden figure in a row or a column.
	for i := 1; i < len(rows); i++ {
		if n := strings.Count(strings.Join(rows[i][1:], "|"), "×"); n == 1 {
			t.Errorf("row %q has one hidden figure", rows[i])
		}
	}
	for j := 1; j < len(rows[0]); j++ {
		n := 0
		for i := 1; i < len(rows); i++ {
			if rows[i][j] == "×" {
				n++
			}
		}
		if n == 1 {
			t.Errorf("column %d has one hidden figure", j)
		}
	}

	// The same table in XLSX: figures as numbers, hidden ones as text.
	resp, body = c.get(cl, "/admin/stats/export?preset=30&table=region_topic&format=xlsx")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("xlsx: %d", resp.StatusCode)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetList()[0]
	for cell, want := range map[string]string{"E2": "16", "B5": "15", "C3": "×", "A2": "Toshkent shahri"} {
		got, _ := f.GetCellValue(sheet, cell)
		if got != want {
			t.Errorf("xlsx %s = %q, want %q", cell, got, want)
		}
	}
	if ct, _ := f.GetCellType(sheet, "E2"); ct != excelize.CellTypeUnset {
		t.Errorf("xlsx E2 is %v, not a number", ct)
	}

	// Unknown tables and formats are not found.
	for _, q := range []string{"table=nothing&format=csv", "table=regions&format=pdf"} {
		if resp, _ := c.get(cl, "/admin/stats/export?"+q); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", q, resp.StatusCode)
		}
	}
}

// Periods: presets, two dates, and dates that are no period (the last 30 days, and
// she is told).
func TestStatsPeriods(t *testing.T) {
	c := statsWorld(t)
	cl := c.login(c.staff(azizayol.SuperAdmin, ""))
	today := azizayol.Day(time.Now())
	_, body := c.get(cl, "/admin/stats?from="+today.AddDate(0, 0, -1).Format(time.DateOnly)+"&to="+today.Format(time.DateOnly))
	if !strings.Contains(body, "(2 kun)") || !strings.Contains(body, `<div class="value">26</div>`) {
		t.Error("a two-day period is not shown")
	}
	_, body = c.get(cl, "/admin/stats?from="+today.AddDate(0, 0, -20).Format(time.DateOnly)+"&to="+today.AddDate(0, 0, -10).Format(time.DateOnly))
	if !strings.Contains(body, `<div class="value">0</div>`) {
		t.Error("a period before the appeals counts them")
	}
	for _, q := range []string{"from=2026-13-01&to=2026-12-01", "from=2026-12-01&to=2026-11-01", "from=2000-01-01&to=2026-01-01"} {
		_, body = c.get(cl, "/admin/stats?"+q)
		if !strings.Contains(body, "Davr notoʻgʻri") || !strings.Contains(body, "(30 kun)") {
			t.Errorf("%s: no error, or not the last 30 days", q)
		}
	}
}

// statsExportCSV downloads one table's CSV export.
func statsExportCSV(t *testing.T, c *console, cl *http.Client, query string) [][]string {
	t.Helper()
	resp, body := c.get(cl, "/admin/stats/export?"+query)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("export %s: %d", query, resp.StatusCode)
	}
	return statsCSV(t, body)
}

// statsTableNames are the tables a super-admin can export.
var statsTableNames = []string{"summary", "agencies", "topics", "regions", "region_topic", "districts", "kinds", "channels",
	"langs", "statuses", "days", "answer_times", "users_channels", "users_langs", "users_regions"}

// Every table of every export hides its small counts, whatever the filter: one
// agency's topics are one region's row of the region × topic table.
func TestStatsExportSuppressesEveryTable(t *testing.T) {
	c := statsWorld(t)
	root := c.staff(azizayol.SuperAdmin, "")
	kh := c.staff(azizayol.AgencyAdmin, "khokimiyat-1703")
	cl := c.login(root)
	for _, agency := range []string{"", itoa(kh.AgencyID)} {
		for _, name := range statsTableNames {
			rows := statsExportCSV(t, c, cl, "preset=30&format=csv&table="+name+"&agency="+agency)
			for _, row := range rows[1:] {
				for _, cell := range row {
					if n, err := strconv.Atoi(cell); err == nil && n >= 1 && n <= azizayol.SmallCount {
						t.Errorf("agency %q, table %s: row %q shows %d", agency, name, row, n)
					}
					if strings.Contains(cell, "<5") {
						t.Errorf("agency %q, table %s: row %q tells a hidden count's range", agency, name, row)
					}
				}
			}
		}
	}
	// Andijan's topics: 6 and 3; 3 is small, and 6 goes with it (9 − 6 = 3).
	rows := statsExportCSV(t, c, cl, "preset=30&format=csv&table=topics&agency="+itoa(kh.AgencyID))
	if len(rows) != 3 || rows[1][1] != "×" || rows[2][1] != "×" {
		t.Errorf("Andijan's topics: %q", rows)
	}
}

// A region's districts add up to the region's figure in the regions table: a region
// with one hidden district would give it away, though the national column of
// districts has two (here 2 in Tashkent city and 3 in Andijan).
func TestStatsExportDistrictsByRegion(t *testing.T) {
	c := newConsole(t)
	for _, p := range []struct {
		district string
		n        int
	}{{"1726262", 12}, {"1726264", 2}, {"1703202", 10}, {"1703203", 3}} {
		for range p.n {
			c.appeal("housing", p.district[:4], p.district, "Yordam bering.")
		}
	}
	if _, err := c.db.RefreshStats(context.Background(), time.Now()); err != nil {
		t.Fatal(err)
	}
	cl := c.login(c.staff(azizayol.SuperAdmin, ""))
	regions := map[string]string{} // region → its received, as exported
	for _, row := range statsExportCSV(t, c, cl, "preset=30&format=csv&table=regions")[1:] {
		regions[row[0]] = row[1]
	}
	if regions["Toshkent shahri"] != "14" || regions["Andijon viloyati"] != "13" {
		t.Fatalf("regions %v: want their totals shown", regions)
	}
	hidden := map[string]int{}
	districts := statsExportCSV(t, c, cl, "preset=30&format=csv&table=districts")
	for _, row := range districts[1 : len(districts)-1] {
		if row[2] == "×" {
			hidden[row[0]]++
		}
	}
	for region, n := range hidden {
		if n == 1 && regions[region] != "×" {
			t.Errorf("%s has one hidden district and its total %s shown: %q", region, regions[region], districts)
		}
	}
	if hidden["Toshkent shahri"] != 2 || hidden["Andijon viloyati"] != 2 {
		t.Errorf("hidden districts %v, want both of each region: %q", hidden, districts)
	}
}

// Suppressed tables cover whole months: the export of a few days is of their month,
// and its file's name and the page say so; an agency admin's screen (suppressed) too.
func TestStatsExportWholeMonths(t *testing.T) {
	c := statsWorld(t)
	today := azizayol.Day(time.Now())
	first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, azizayol.Tashkent)
	last := first.AddDate(0, 1, -1)
	q := "from=" + today.Format(time.DateOnly) + "&to=" + today.Format(time.DateOnly)
	cl := c.login(c.staff(azizayol.SuperAdmin, ""))
	resp, _ := c.get(cl, "/admin/stats/export?table=regions&format=csv&"+q)
	want := "aziz-ayol-regions-" + first.Format("20060102") + "-" + last.Format("20060102") + ".csv"
	if !strings.Contains(resp.Header.Get("Content-Disposition"), want) {
		t.Errorf("export of %s: %q, want %s", q, resp.Header.Get("Content-Disposition"), want)
	}
	months := first.Format("02.01.2006") + " – " + last.Format("02.01.2006")
	_, body := c.get(cl, "/admin/stats?"+q)
	if !strings.Contains(body, months) || !strings.Contains(body, "(1 kun)") {
		t.Errorf("the super-admin's page of one day does not say its exports cover %s", months)
	}
	// A month shorter than the one before (November after October): the export of its
	// days lists every day of both, the previous month's last day too.
	m := first
	for m.AddDate(0, 1, -1).Day() >= m.AddDate(0, -1, 0).AddDate(0, 1, -1).Day() {
		m = m.AddDate(0, -1, 0)
	}
	prevDays := m.AddDate(0, 0, -1).Day()
	days := statsExportCSV(t, c, cl, "table=days&format=csv&from="+m.Format(time.DateOnly)+"&to="+m.Format(time.DateOnly))
	if len(days) != 1+prevDays || days[prevDays][3] != m.AddDate(0, 0, -1).Format("02.01.2006") {
		t.Errorf("days of %s: %d rows, want %d, ending with the previous month's last day: %q", m.Format("01.2006"), len(days), 1+prevDays, days[len(days)-1])
	}
	_, body = c.get(c.login(c.staff(azizayol.AgencyAdmin, "khokimiyat-1703")), "/admin/stats?"+q)
	if !strings.Contains(body, "(1 kun)") || !strings.Contains(body, months) {
		t.Errorf("the agency admin's screen of one day is not of that day, or does not say its exports cover %s", months)
	}
}
