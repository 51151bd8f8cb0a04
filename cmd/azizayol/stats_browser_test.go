package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/azizayol/azizayol/bot/telegram/telegramtest"
	"github.com/azizayol/azizayol/postgres"
)

// statsBrowserSeed files 600 appeals over the last 75 days in every region and topic
// (answered early and late, some still open, a few urgent) and 300 women, so that the
// dashboard has something to draw.
const statsBrowserSeed = `
WITH t AS (SELECT row_number() OVER (ORDER BY code) - 1 AS k, code, kind, agency_kind, urgent FROM topics),
d AS (SELECT row_number() OVER (ORDER BY code) - 1 AS k, code, region_code FROM districts),
r AS (SELECT i, (i * 7) % 11 AS tk, (i * 37) % (SELECT count(*) FROM d) AS dk, (i * 13) % 100 AS rs,
             now() - ((i * 7919) % 75) * interval '1 day' - (i % 24) * interval '1 hour' AS filed
      FROM generate_series(1, 600) i)
INSERT INTO appeals (number, kind, topic, channel, lang, agency_id, region_code, district_code, urgent, status,
                     filed_at, deadline_at, first_answer_at, status_at)
SELECT 'S-' || r.i, t.kind, t.code, CASE WHEN r.i % 5 = 0 THEN 'sms' ELSE 'telegram' END,
       (ARRAY['uz-Latn', 'uz-Cyrl', 'ru'])[1 + r.i % 3], g.id,
       CASE WHEN t.kind = 'appeal' THEN d.region_code END, CASE WHEN t.kind = 'appeal' THEN d.code END, t.urgent,
       CASE WHEN r.rs < 15 THEN 'received' WHEN r.rs < 30 THEN 'in_progress' WHEN r.rs < 60 THEN 'answered' ELSE 'closed' END,
       r.filed, r.filed + CASE WHEN t.urgent THEN interval '1 day' ELSE interval '5 days' END,
       CASE WHEN r.rs >= 30 THEN r.filed + (r.rs - 29) * interval '2 hours' END, r.filed
FROM r JOIN t ON t.k = r.tk JOIN d ON d.k = r.dk
JOIN agencies g ON g.kind = t.agency_kind
    AND coalesce(g.region_code, '') = CASE WHEN t.agency_kind = 'khokimiyat' THEN d.region_code ELSE '' END;
INSERT INTO users (channel, address, lang, region_code, last_seen_at, blocked_at)
SELECT CASE WHEN u % 4 = 0 THEN 'sms' ELSE 'telegram' END, 'stats-browser-' || u, (ARRAY['uz-Latn', 'uz-Cyrl', 'ru'])[1 + u % 3],
       (SELECT code FROM regions ORDER BY code OFFSET u % 14 LIMIT 1), now() - (u % 30) * interval '1 day',
       CASE WHEN u % 17 = 0 THEN now() END
FROM generate_series(1, 300) u;`

// The statistics dashboard in a browser: the super-admin sees every agency's figures
// with their pictures, picks a preset and a period of her own, and downloads a table
// as CSV; an agency admin sees her agency's, on a phone's screen.
func TestBrowserStats(t *testing.T) {
	t.Parallel()
	needChromium(t)
	fake := telegramtest.New(t, token)
	e, base := consoleEnv(t, fake)
	serveInProcess(t, e)
	raw := pool(t, e)
	staffFromCLI(t, e, staffPassword, "-email", "stats@mahalla.uz", "-name", "Malika Statistika", "-role", "super_admin")
	staffFromCLI(t, e, staffPassword, "-email", "stats@andijan.uz", "-name", "Nodira Admin", "-role", "agency_admin",
		"-agency", "khokimiyat-1703")
	ctx := context.Background()
	for _, stmt := range strings.Split(statsBrowserSeed, ";\n") {
		if _, err := raw.Exec(ctx, stmt); err != nil {
			t.Fatalf("seed: %v", err)
		}
	}
	// The job runs every minute in the instance; the test does not wait for it.
	db, err := postgres.Open(ctx, e["DATABASE_URL"], 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	if _, err := db.RefreshStats(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	var total int
	if err := raw.QueryRow(ctx, `SELECT count(*) FROM appeals WHERE stats_day(filed_at) > stats_day(now()) - 30`).Scan(&total); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t)
	root := browserSession(t, b, base)
	root.login(t, "stats@mahalla.uz", staffPassword)
	clickAndWait(t, root, chromedp.CSS(`a[href="/admin/stats"]`))
	if got := root.text(t, ".stat-cards .stat .value"); got != strconv.Itoa(total) {
		t.Errorf("appeals received in the last 30 days: %q, want %d", got, total)
	}
	// Three pictures, drawn on the server: a time series with two lines, ranked
	// regions, the time to first answer.
	if n := evalJS[int](t, root, `document.querySelectorAll(".charts svg").length`); n != 3 {
		t.Errorf("%d charts, want 3", n)
	}
	if n := evalJS[int](t, root, `document.querySelectorAll("svg.chart-lines polyline").length`); n != 2 {
		t.Errorf("%d lines in the time series, want this period and the previous", n)
	}
	if n := evalJS[int](t, root, `document.querySelectorAll("svg.chart-bars rect").length`); n != 14 {
		t.Errorf("%d regions ranked, want 14", n)
	}
	for _, table := range []string{"summary", "agencies", "topics", "regions", "region_topic", "users_channels"} {
		if n := evalJS[int](t, root, `document.querySelectorAll("#t-`+table+` tbody tr").length`); n == 0 {
			t.Errorf("table %s is empty", table)
		}
	}
	root.shot(t, "stats.png")
	root.viewShot(t, "stats-top.png")

	// A preset, then two dates of her own.
	clickAndWait(t, root, chromedp.CSS(`a.preset[href*="preset=90"]`))
	if p := root.path(); p != "/admin/stats?preset=90" || !strings.Contains(root.text(t, ".stats-period"), "(90 kun)") {
		t.Errorf("after the 90 days preset: %s, %q", p, root.text(t, ".stats-period"))
	}
	from := time.Now().AddDate(0, 0, -9).Format(time.DateOnly)
	to := time.Now().Format(time.DateOnly)
	root.do(t, chromedp.SetValue(chromedp.ID("from"), from), chromedp.SetValue(chromedp.ID("to"), to))
	clickAndWait(t, root, chromedp.CSS(`.stats-filter button[type="submit"]`))
	if got := root.text(t, ".stats-period"); !strings.Contains(got, "(10 kun)") {
		t.Errorf("a period of her own: %q", got)
	}

	// The regions as CSV, downloaded as she would.
	dir := t.TempDir()
	if _, err := chromedp.CallBrowser(root.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
		BrowserContextID: chromedp.FromContext(root.ctx).BrowserContextID,
	}); err != nil {
		t.Fatal(err)
	}
	root.do(t, chromedp.Click(chromedp.CSS(`#t-regions .exports a[href*="format=csv"]`)))
	var csvFile string
	pollUntil(t, browserTimeout, "the CSV download", func() bool {
		files, _ := filepath.Glob(filepath.Join(dir, "aziz-ayol-regions-*.csv"))
		if len(files) == 1 {
			csvFile = files[0]
		}
		return csvFile != ""
	})
	body, err := os.ReadFile(csvFile)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(body)), "\r\n")
	if !strings.HasPrefix(lines[0], "\uFEFFHudud,Kelib tushgan,Javob berilgan,Muddati oʻtgan") || len(lines) < 10 ||
		!strings.HasPrefix(lines[len(lines)-1], "Jami,") {
		t.Errorf("the downloaded CSV:\n%s", body)
	}

	// An agency admin on a phone: her agency only, whole figures (she reads each of
	// its appeals in the inbox; what she exports is suppressed), no choice of agency,
	// no figures of the women reached.
	admin := browserSession(t, b, base)
	admin.login(t, "stats@andijan.uz", staffPassword)
	admin.do(t, chromedp.EmulateViewport(390, 844))
	admin.open(t, "/admin/stats?preset=90")
	if n := evalJS[int](t, admin, `document.querySelectorAll("#agency, #t-users_channels").length`); n != 0 {
		t.Error("the agency admin may choose an agency or sees the women reached")
	}
	if rows := admin.text(t, "#t-agencies tbody"); strings.Count(rows, "\n") > 0 || !strings.Contains(rows, "Andijon") {
		t.Errorf("the agency admin's agencies: %q", rows)
	}
	if n := evalJS[int](t, admin, `document.querySelectorAll("td.hidden").length`); n != 0 {
		t.Errorf("%d counts hidden on the agency admin's screen", n)
	}
	// Nothing wider than the phone: the wide tables scroll inside their box.
	if w := evalJS[int](t, admin, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the page is %d px wide on a 390 px phone", w)
	}
	admin.shot(t, "stats-phone.png")
	admin.viewShot(t, "stats-phone-top.png")
	admin.do(t, chromedp.ScrollIntoView(chromedp.CSS(".charts")))
	admin.viewShot(t, "stats-phone-charts.png")
}

// viewShot saves what the screen shows (not the whole page) as name in
// $AZIZAYOL_SCREENSHOTS, when it is set: the dashboard's first screen, as she sees it.
func (b *browserTab) viewShot(t *testing.T, name string) {
	t.Helper()
	dir := os.Getenv("AZIZAYOL_SCREENSHOTS")
	if dir == "" {
		return
	}
	ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
