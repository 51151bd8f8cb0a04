package admin_test

import (
	"bytes"
	"context"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
)

// reportsWorld is a console on 5 December 2026 whose indicators are owed from
// January 2026, with staff of the Interior ministry and of Health.
type reportsWorld struct {
	*console
	orders, byAge int64 // protection orders (monthly, by region), women by age (yearly, parts)
}

func newReportsWorld(t testing.TB) *reportsWorld {
	t.Helper()
	c := newConsoleTB(t)
	c.now = time.Date(2026, 12, 5, 10, 0, 0, 0, azizayol.Tashkent)
	w := &reportsWorld{console: c}
	ctx := context.Background()
	if _, err := c.pool.Exec(ctx, `UPDATE report_indicators SET starts = '2026-01-01'`); err != nil {
		t.Fatal(err)
	}
	for code, id := range map[string]*int64{"protection_orders": &w.orders, "women_by_age": &w.byAge} {
		if err := c.pool.QueryRow(ctx, `SELECT id FROM report_indicators WHERE code = $1`, code).Scan(id); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// upload sends a CSV file for a period as the upload form does (the period in the
// body and in the URL), with more fields (name, value pairs); it returns the status
// and the page.
func (w *reportsWorld) upload(cl *http.Client, indicator int64, period, file string, more ...string) (int, string) {
	w.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("period", period)
	for i := 0; i+1 < len(more); i += 2 {
		mw.WriteField(more[i], more[i+1])
	}
	fw, _ := mw.CreateFormFile("file", "report.csv")
	io.WriteString(fw, file)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, w.srv.URL+"/admin/reports/"+itoa(indicator)+"/upload?period="+url.QueryEscape(period), &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := cl.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, html.UnescapeString(string(page))
}

// submit posts the form of figures and returns the status, where it leads and the page.
func (w *reportsWorld) submit(cl *http.Client, indicator int64, form url.Values) (int, string, string) {
	w.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, w.srv.URL+"/admin/reports/"+itoa(indicator)+"/submit", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := cl.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), html.UnescapeString(string(page))
}

func (w *reportsWorld) versions(indicator int64, period string) int {
	w.t.Helper()
	var n int
	if err := w.pool.QueryRow(context.Background(), `SELECT count(*) FROM report_submissions WHERE indicator_id = $1 AND period = $2`,
		indicator, period).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}

// reportRegionOrder are the 14 regions in the order of the form.
var reportRegionOrder = []string{"1735", "1703", "1706", "1708", "1710", "1712", "1714", "1718", "1722", "1724", "1727", "1730", "1733", "1726"}

// reportOrdersCSV is a valid file of protection orders for a period, one line per region,
// with lines changed by region (nil: dropped).
func reportOrdersCSV(period string, change map[string]*string) string {
	lines := []string{"indicator,period,region,total"}
	for i, code := range reportRegionOrder {
		line := "protection_orders," + period + "," + code + "," + itoa(int64(10+i))
		if c, ok := change[code]; ok {
			if c == nil {
				continue
			}
			line = *c
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n") + "\n"
}

func reportLine(s string) *string { return &s }

// reportAgeCSV is a valid yearly file of women by age group: parts 1+2+3+4+5 = 15.
func reportAgeCSV(change map[string]*string) string {
	lines := []string{"indicator;period;region;age_0_2;age_3_6;age_7_17;age_18_30;age_31_plus;total"}
	for _, code := range reportRegionOrder {
		line := "women_by_age;2026;" + code + ";1;2;3;4;5;15"
		if c, ok := change[code]; ok {
			if c == nil {
				continue
			}
			line = *c
		}
		lines = append(lines, line)
	}
	return "\uFEFF" + strings.Join(lines, "\r\n")
}

// Every kind of mistake in an upload is explained in her language, with its line and
// column, and nothing is kept; a correct file is kept as version 1.
func TestReportValidationErrors(t *testing.T) {
	t.Parallel()
	w := newReportsWorld(t)
	op := w.staff(azizayol.Operator, "interior")
	cl := w.login(op)
	statistician := w.login(w.staff(azizayol.Operator, "statistics"))

	for _, tc := range []struct {
		name      string
		indicator int64
		period    string
		file      string
		want      []string // in uz-Latn, as the page says it
	}{
		{"the header of another file", w.orders, "2026-11", "region,total\n1703,5\n",
			[]string{"1-qator: sarlavha qatori «region,total», kerak boʻlgani: «indicator,period,region,total»."}},
		{"not a whole number", w.orders, "2026-11", reportOrdersCSV("2026-11", map[string]*string{"1703": reportLine("protection_orders,2026-11,1703,12.5")}),
			[]string{"3-qator, Andijon viloyati (1703), «Jami (total)» ustuni: «12.5» — butun son emas."}},
		{"words for a number", w.orders, "2026-11", reportOrdersCSV("2026-11", map[string]*string{"1706": reportLine("protection_orders,2026-11,1706,oʻn")}),
			[]string{"4-qator, Buxoro viloyati (1706), «Jami (total)» ustuni: «oʻn» — butun son emas."}},
		{"negative", w.orders, "2026-11", reportOrdersCSV("2026-11", map[string]*string{"1735": reportLine("protection_orders,2026-11,1735,-3")}),
			[]string{"2-qator, Qoraqalpogʻiston Respublikasi (1735), «Jami (total)» ustuni: «-3» — manfiy son."}},
		{"too large", w.orders, "2026-11", reportOrdersCSV("2026-11", map[string]*string{"1726": reportLine("protection_orders,2026-11,1726,100000001")}),
			[]string{"15-qator, Toshkent shahri (1726), «Jami (total)» ustuni: «100000001» juda katta (koʻpi bilan 100000000)."}},
		{"empty", w.orders, "2026-11", reportOrdersCSV("2026-11", map[string]*string{"1708": reportLine("protection_orders,2026-11,1708,")}),
			[]string{"5-qator, Jizzax viloyati (1708), «Jami (total)» ustuni: katak boʻsh (nol boʻlsa, 0 yozing)."}},
		{"an unknown SOATO code", w.orders, "2026-11", reportOrdersCSV("2026-11", map[string]*string{"1703": reportLine("protection_orders,2026-11,1799,5")}),
			[]string{"3-qator, «region» ustuni: «1799» — SOATO boʻyicha hudud kodi emas.",
				"Andijon viloyati (1703), «region» ustuni: bu hudud uchun qator yoʻq."}},
		{"a district's code for a region", w.orders, "2026-11", reportOrdersCSV("2026-11", map[string]*string{"1703": reportLine("protection_orders,2026-11,1703202,5")}),
			[]string{"3-qator, «region» ustuni: «1703202» — SOATO boʻyicha hudud kodi emas.",
				"Andijon viloyati (1703), «region» ustuni: bu hudud uchun qator yoʻq."}},
		{"a missing region", w.orders, "2026-11", reportOrdersCSV("2026-11", map[string]*string{"1733": nil}),
			[]string{"Xorazm viloyati (1733), «region» ustuni: bu hudud uchun qator yoʻq."}},
		{"a duplicate region", w.orders, "2026-11", reportOrdersCSV("2026-11", map[string]*string{"1726": reportLine("protection_orders,2026-11,1703,9")}),
			[]string{"15-qator, Andijon viloyati (1703), «region» ustuni: bu hudud ikkinchi marta kelgan.",
				"Toshkent shahri (1726), «region» ustuni: bu hudud uchun qator yoʻq."}},
		{"parts that do not add up", w.byAge, "2026", reportAgeCSV(map[string]*string{"1710": reportLine("women_by_age;2026;1710;1;2;3;4;5;16")}),
			[]string{"6-qator, Qashqadaryo viloyati (1710), «Jami (total)» ustuni: qismlar yigʻindisi 15, jami esa 16."}},
		{"another indicator's line", w.orders, "2026-11", reportOrdersCSV("2026-11", map[string]*string{"1703": reportLine("early_births,2026-11,1703,5")}),
			[]string{"3-qator, «indicator» ustuni: «early_births» — boshqa koʻrsatkich kodi."}},
		{"another period's line", w.orders, "2026-11", reportOrdersCSV("2026-11", map[string]*string{"1703": reportLine("protection_orders,2026-10,1703,5")}),
			[]string{"3-qator, «period» ustuni: «2026-10» — tanlangan davr emas: bu ustunda «2026-11» boʻlsin (sana qilib saqlangan shu oyning 1-sanasi ham boʻladi)."}},
		{"a space inside a figure", w.orders, "2026-11", reportOrdersCSV("2026-11", map[string]*string{"1703": reportLine("protection_orders,2026-11,1703,12 34")}),
			[]string{"3-qator, Andijon viloyati (1703), «Jami (total)» ustuni: «12 34» — butun son emas."}},
		{"not UTF-8", w.orders, "2026-11", reportOrdersCSV("2026-11", map[string]*string{"1703": reportLine("protection_orders,2026-11,1703,5 \xcf\xf0\xe8")}),
			[]string{"fayl CSV sifatida oʻqilmadi"}},
		{"a file over the limit", w.orders, "2026-11", reportOrdersCSV("2026-11", nil) + strings.Repeat("\n", azizayol.MaxReportFile),
			[]string{"fayl juda katta (koʻpi bilan 1024 KB)"}},
		{"a period not open yet", w.orders, "2026-12", reportOrdersCSV("2026-12", nil),
			[]string{"«2026-12» — bu koʻrsatkichning topshiriladigan davri emas."}},
		{"a period of another periodicity", w.orders, "2026-Q3", reportOrdersCSV("2026-Q3", nil),
			[]string{"«2026-Q3» — bu koʻrsatkichning topshiriladigan davri emas."}},
		{"a line too short", w.orders, "2026-11", reportOrdersCSV("2026-11", map[string]*string{"1703": reportLine("protection_orders,2026-11,1703")}),
			[]string{"3-qator: qatorda 3 ta katak, sarlavhadagi kabi boʻlishi kerak."}},
		{"not CSV", w.orders, "2026-11", "indicator,period,region,total\nprotection_orders,\"2026-11,1703,5\n",
			[]string{"fayl CSV sifatida oʻqilmadi"}},
		{"too many lines", w.orders, "2026-11", "indicator,period,region,total\n" + strings.Repeat("protection_orders,2026-11,1703,1\n", 1001),
			[]string{"faylda juda koʻp qator (koʻpi bilan 1000)."}},
		{"nothing but the header", w.orders, "2026-11", "indicator,period,region,total\n",
			[]string{"raqamlar yoʻq: fayl boʻsh yoki tanlanmagan."}},
	} {
		who := cl
		if tc.indicator == w.byAge {
			who = statistician
		}
		status, page := w.upload(who, tc.indicator, tc.period, tc.file)
		if status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", tc.name, status)
		}
		for _, want := range tc.want {
			if !strings.Contains(page, want) {
				t.Errorf("%s: the page does not say %q:\n%s", tc.name, want, reportSection(page, `id="report-problems"`, "</div>"))
			}
		}
		if !strings.Contains(page, "Hisobot qabul qilinmadi: "+itoa(int64(len(tc.want)))+" ta xato.") {
			t.Errorf("%s: the count of problems is not %d:\n%s", tc.name, len(tc.want), reportSection(page, `id="report-problems"`, "</div>"))
		}
		if n := w.versions(tc.indicator, tc.period); n != 0 {
			t.Errorf("%s: %d versions kept", tc.name, n)
		}
	}

	// In Russian, for her colleague.
	ru := w.staff(azizayol.Operator, "interior")
	ru.Lang = azizayol.Ru
	if err := w.db.SetStaffLang(context.Background(), ru.ID, azizayol.Ru); err != nil {
		t.Fatal(err)
	}
	_, page := w.upload(w.login(ru), w.orders, "2026-11", reportOrdersCSV("2026-11", map[string]*string{"1735": reportLine("protection_orders,2026-11,1735,-3")}))
	if want := "Строка 2, Республика Каракалпакстан (1735), столбец «Всего (total)»: «-3» — отрицательное число."; !strings.Contains(page, want) {
		t.Errorf("in Russian, the page does not say %q:\n%s", want, reportSection(page, `id="report-problems"`, "</div>"))
	}

	// The form: the wrong cell is marked, her figures stay as she typed them.
	form := url.Values{"period": {"2026-11"}}
	for i, code := range reportRegionOrder {
		form.Set("v_"+code+"_total", itoa(int64(i)))
	}
	form.Set("v_1712_total", "1,5")
	status, _, page := w.submit(cl, w.orders, form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "Navoiy viloyati (1712), «Jami (total)» ustuni: «1,5» — butun son emas.") ||
		!strings.Contains(page, `name="v_1712_total" value="1,5" inputmode="numeric" size="9" aria-label="Navoiy viloyati: Jami" class="report-wrong" aria-invalid="true"`) {
		t.Errorf("the form with 1,5: %d\n%s", status, reportSection(page, `id="report-problems"`, "</form>"))
	}

	// Files as Excel saves them (semicolons, a byte-order mark, CRLF) and spaces reportSection
	// thousands are read.
	status, _ = w.upload(statistician, w.byAge, "2026", reportAgeCSV(map[string]*string{"1726": reportLine("women_by_age;2026;1726;1 000;2;3;4;5;1 014")}))
	if status != http.StatusSeeOther || w.versions(w.byAge, "2026") != 1 {
		t.Errorf("a correct file: %d, %d versions", status, w.versions(w.byAge, "2026"))
	}
	var tashkent int64
	if err := w.pool.QueryRow(context.Background(), `SELECT v.value FROM report_values v JOIN report_submissions s ON s.id = v.submission_id
		WHERE s.indicator_id = $1 AND v.region_code = '1726' AND v.part = 'total'`, w.byAge).Scan(&tashkent); err != nil || tashkent != 1014 {
		t.Errorf("Tashkent's total: %d %v", tashkent, err)
	}
	// As Excel saves a file it opened: the month made a date, rows of empty cells.
	excel := strings.ReplaceAll(reportOrdersCSV("Nov-26", map[string]*string{"1703": reportLine("protection_orders,01.11.2026,1703,5")}), ",", ";")
	excel = strings.ReplaceAll(excel, "\n", ";;\r\n") + ";;;;;;\r\n;;;;;;\r\n"
	if status, page := w.upload(cl, w.orders, "2026-11", excel); status != http.StatusSeeOther || w.versions(w.orders, "2026-11") != 1 {
		t.Errorf("a file saved by Excel: %d, %d versions\n%s", status, w.versions(w.orders, "2026-11"), reportSection(page, `id="report-problems"`, "</div>"))
	}
}

// A file larger than the upload takes is refused with its own reason, and the page
// keeps the period chosen and its forms; nothing is kept.
func TestReportUploadTooLarge(t *testing.T) {
	t.Parallel()
	w := newReportsWorld(t)
	cl := w.login(w.staff(azizayol.Operator, "interior"))
	status, page := w.upload(cl, w.orders, "2026-10", reportOrdersCSV("2026-10", nil)+strings.Repeat("\n", 2<<20))
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "fayl juda katta (koʻpi bilan 1024 KB)") {
		t.Errorf("a file of 2 MB: %d\n%s", status, reportSection(page, `id="report-problems"`, "</div>"))
	}
	if !strings.Contains(page, `<option value="2026-10" selected>`) || !strings.Contains(page, `name="period" value="2026-10"`) ||
		!strings.Contains(page, `/upload?period=2026-10"`) {
		t.Errorf("the period and the forms are not kept:\n%s", reportSection(page, "<main>", "</main>"))
	}
	if n := w.versions(w.orders, "2026-10"); n != 0 {
		t.Errorf("%d versions kept", n)
	}
}

// reportSection is the part of s from the first from to the next to after it.
func reportSection(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return "(no " + from + ")"
	}
	s = s[i:]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}

// A period submitted again becomes its next version, only when she confirms it and
// only over the version she saw; every version stays, with its author, and the latest
// is what the indicator shows.
func TestReportVersioning(t *testing.T) {
	t.Parallel()
	w := newReportsWorld(t)
	dilnoza := w.staff(azizayol.Operator, "interior")
	head := w.staff(azizayol.AgencyAdmin, "interior")
	cl, headCl := w.login(dilnoza), w.login(head)
	figures := func(n int64, more ...string) url.Values {
		form := url.Values{"period": {"2026-11"}}
		for _, code := range reportRegionOrder {
			form.Set("v_"+code+"_total", itoa(n))
		}
		for i := 0; i+1 < len(more); i += 2 {
			form.Set(more[i], more[i+1])
		}
		return form
	}
	status, to, _ := w.submit(cl, w.orders, figures(4))
	if want := "/admin/reports/" + itoa(w.orders) + "/periods/2026-11?done=console.done.saved"; status != http.StatusSeeOther || to != want {
		t.Fatalf("version 1: %d to %q", status, to)
	}
	// The form now says so, and asks for the confirmation; its choice of periods says
	// November is submitted, October late.
	_, page := w.get(headCl, "/admin/reports/"+itoa(w.orders)+"/submit?period=2026-11")
	if choice := html.UnescapeString(reportSection(page, `id="period"`, "</select>")); !strings.Contains(choice, "2026-yil noyabr — Topshirilgan") ||
		!strings.Contains(choice, "2026-yil oktabr — Muddati oʻtgan") {
		t.Errorf("the choice of periods:\n%s", choice)
	}
	if !strings.Contains(html.UnescapeString(page), "Bu davr uchun 1-versiya allaqachon bor: "+dilnoza.Name+" <"+dilnoza.Email+">") ||
		!strings.Contains(page, `name="base" value="1"`) || !strings.Contains(page, `name="replace" value="1" required`) ||
		!strings.Contains(page, `name="v_1703_total" value="4"`) {
		t.Errorf("the form after version 1:\n%s", reportSection(page, "<main>", "</main>"))
	}
	// Not without her confirmation.
	status, _, page = w.submit(headCl, w.orders, figures(5, "base", "1"))
	if status != http.StatusConflict || !strings.Contains(page, "Bu davr uchun 1-versiya bor. Uni yangi versiya bilan almashtirish uchun belgini qoʻying") ||
		w.versions(w.orders, "2026-11") != 1 || !strings.Contains(page, `name="v_1703_total" value="5"`) {
		t.Errorf("replaced without confirming: %d, %d versions", status, w.versions(w.orders, "2026-11"))
	}
	status, _, _ = w.submit(headCl, w.orders, figures(5, "base", "1", "replace", "1"))
	if status != http.StatusSeeOther || w.versions(w.orders, "2026-11") != 2 {
		t.Fatalf("version 2: %d, %d versions", status, w.versions(w.orders, "2026-11"))
	}
	// Dilnoza's form still shows version 1: hers would replace figures she has not seen.
	status, _, page = w.submit(cl, w.orders, figures(6, "base", "1", "replace", "1"))
	if status != http.StatusConflict || !strings.Contains(page, "boshqa xodim 2-versiyani yubordi") || w.versions(w.orders, "2026-11") != 2 {
		t.Errorf("over a stale version: %d, %d versions", status, w.versions(w.orders, "2026-11"))
	}
	// A file replaces too, confirmed.
	status, _ = w.upload(cl, w.orders, "2026-11", reportOrdersCSV("2026-11", nil), "base", "2")
	if status != http.StatusConflict || w.versions(w.orders, "2026-11") != 2 {
		t.Errorf("a file without confirming: %d", status)
	}
	status, _ = w.upload(cl, w.orders, "2026-11", reportOrdersCSV("2026-11", nil), "base", "2", "replace", "1")
	if status != http.StatusSeeOther || w.versions(w.orders, "2026-11") != 3 {
		t.Fatalf("version 3 by file: %d", status)
	}

	// Every version, newest first, with its author; the first still as it was.
	_, page = w.get(cl, "/admin/reports/"+itoa(w.orders)+"/periods/2026-11")
	page = html.UnescapeString(page)
	versions := reportSection(page, `id="report-versions"`, "</table>")
	for _, want := range []string{">v3<", ">v2<", ">v1<", head.Name + " <" + head.Email + ">", "CSV fayl bilan", "shakl orqali"} {
		if !strings.Contains(versions, want) {
			t.Errorf("the versions lack %q:\n%s", want, versions)
		}
	}
	if strings.Index(versions, ">v3<") > strings.Index(versions, ">v1<") {
		t.Error("the versions are not newest first")
	}
	_, page = w.get(cl, "/admin/reports/"+itoa(w.orders)+"/periods/2026-11?v=1")
	if shown := reportSection(page, `id="report-values"`, "</table>"); !strings.Contains(shown, `<td class="num">4</td>`) || strings.Contains(shown, `<td class="num">5</td>`) {
		t.Errorf("version 1 is not as she sent it:\n%s", shown)
	}
	if !strings.Contains(html.UnescapeString(page), "1-versiya") || !strings.Contains(html.UnescapeString(page), dilnoza.Name) {
		t.Error("version 1's page does not name its version and author")
	}
	// The indicator shows the latest: the file's figures, 10 for Karakalpakstan.
	_, page = w.get(cl, "/admin/reports/"+itoa(w.orders)+"?region=1735")
	totals := reportSection(page, `id="report-totals"`, "</table>")
	if !strings.Contains(totals, "<th>2026-yil noyabr</th>") || !strings.Contains(totals, `Qoraqalpogʻiston Respublikasi</th><td class="num">10</td>`) ||
		!strings.Contains(page, "<svg") || !strings.Contains(page, "<polyline") {
		t.Errorf("the indicator's page:\n%s", totals)
	}
	var audited int
	if err := w.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'report_submit'`).Scan(&audited); err != nil || audited != 3 {
		t.Errorf("%d submissions audited, want 3 (%v)", audited, err)
	}
}

// Staff see and submit their own agency's reports only; another agency's indicator
// is a 404 and nothing of it changes. A super-admin sees every agency's, keeps the
// list of indicators (with its history), and anyone in scope exports.
func TestReportScope(t *testing.T) {
	t.Parallel()
	w := newReportsWorld(t)
	health := w.login(w.staff(azizayol.Operator, "health"))
	interiorHead := w.staff(azizayol.AgencyAdmin, "interior")
	interior := w.login(interiorHead)
	root := w.login(w.staff(azizayol.SuperAdmin, ""))

	_, page := w.get(health, "/admin/reports")
	if !strings.Contains(page, "Erta tugʻruqlar soni") || strings.Contains(page, "Himoya orderi") {
		t.Errorf("health's list:\n%s", reportSection(page, `id="report-list"`, "</table>"))
	}
	for _, path := range []string{"", "/submit?period=2026-11", "/periods/2026-11", "/export", "/export?format=xlsx"} {
		if resp, _ := w.get(health, "/admin/reports/"+itoa(w.orders)+path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("health GET %s of the interior's: %d, want 404", path, resp.StatusCode)
		}
	}
	form := url.Values{"period": {"2026-11"}}
	for _, code := range reportRegionOrder {
		form.Set("v_"+code+"_total", "1")
	}
	if status, _, _ := w.submit(health, w.orders, form); status != http.StatusNotFound {
		t.Errorf("health submits the interior's: %d, want 404", status)
	}
	if status, _ := w.upload(health, w.orders, "2026-11", reportOrdersCSV("2026-11", nil)); status != http.StatusNotFound || w.versions(w.orders, "2026-11") != 0 {
		t.Errorf("health uploads the interior's: %d", status)
	}
	for _, path := range []string{"/admin/reports/new", "/admin/reports/" + itoa(w.orders) + "/edit"} {
		if resp, _ := w.get(interior, path); resp.StatusCode != http.StatusForbidden {
			t.Errorf("an agency admin GET %s: %d, want 403", path, resp.StatusCode)
		}
	}

	// Her own: the periods owed with where they stand on 5 December.
	if status, _, _ := w.submit(interior, w.orders, form); status != http.StatusSeeOther {
		t.Fatalf("the interior submits: %d", status)
	}
	_, page = w.get(interior, "/admin/reports")
	page = html.UnescapeString(page)
	row := reportSection(page, "Himoya orderi berilgan xotin-qizlar soni", "</tr>")
	for _, want := range []string{"2026-yil dekabr", "Hali ochilmagan", "2026-yil noyabr", "Topshirilgan", "v1", "2026-yil oktabr", "Muddati oʻtgan"} {
		if !strings.Contains(row, want) {
			t.Errorf("the interior's list lacks %q:\n%s", want, row)
		}
	}
	// Her reminders, from the daily job.
	if _, err := w.db.RemindReports(context.Background(), []azizayol.ReportDue{
		{IndicatorID: w.orders, Period: "2026-10", Kind: azizayol.ReportLate, Due: time.Date(2026, 11, 10, 0, 0, 0, 0, azizayol.Tashkent)}}, w.now); err != nil {
		t.Fatal(err)
	}
	for who, cl := range map[string]*http.Client{"the admin": interior, "an operator": w.login(w.staff(azizayol.Operator, "interior"))} {
		_, page = w.get(cl, "/admin/reports")
		if !strings.Contains(page, "muddati oʻtdi (10.11.2026), hisobot yuborilmagan") {
			t.Errorf("the interior's reminder is not shown to %s:\n%s", who, reportSection(page, "<main>", "</table>"))
		}
	}
	// Health has no admin: its operator is reminded all the same, and of its own only.
	var births int64
	if err := w.pool.QueryRow(context.Background(), `SELECT id FROM report_indicators WHERE code = 'early_births'`).Scan(&births); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.RemindReports(context.Background(), []azizayol.ReportDue{
		{IndicatorID: births, Period: "2026-11", Kind: azizayol.ReportDueSoon, Due: time.Date(2026, 12, 10, 0, 0, 0, 0, azizayol.Tashkent)}}, w.now); err != nil {
		t.Fatal(err)
	}
	_, page = w.get(health, "/admin/reports")
	if reminders := reportSection(page, "report-reminders", "</div>"); !strings.Contains(reminders, "muddati yaqinlashmoqda: 10.12.2026 gacha") ||
		strings.Contains(reminders, "Himoya orderi") {
		t.Errorf("health's reminders:\n%s", reminders)
	}

	// What the interior's figures mean stays once submitted: the super-admin may not
	// make protection orders quarterly.
	edit := url.Values{"code": {"protection_orders"}, "row": {"16.5"}, "agency": {itoa(interiorHead.AgencyID)},
		"uz_latn": {"Himoya orderi berilgan xotin-qizlar soni"}, "uz_cyrl": {"Ҳимоя ордери берилган хотин-қизлар сони"},
		"ru": {"Число женщин, которым выдан охранный ордер"}, "periodicity": {"quarterly"}, "due_day": {"10"},
		"starts": {"2026-01-01"}, "by_region": {"1"}, "active": {"1"}}
	resp, page := w.postPage(root, "/admin/reports/"+itoa(w.orders)+"/edit", edit)
	if resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(html.UnescapeString(page), "Bu koʻrsatkich boʻyicha hisobot yuborilgan: uning davriyligi") {
		t.Errorf("made quarterly with figures submitted: %d\n%s", resp.StatusCode, reportSection(html.UnescapeString(page), `id="indicator-problems"`, "</div>"))
	}
	edit.Set("periodicity", "monthly")
	edit.Set("due_day", "12")
	if resp := w.post(root, "/admin/reports/"+itoa(w.orders)+"/edit", edit); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the due day changed: %d", resp.StatusCode)
	}

	// Exports, in scope.
	resp, body := w.get(interior, "/admin/reports/"+itoa(w.orders)+"/export")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(body, "period,region,Hudud,total,Versiya") || !strings.Contains(body, "2026-11,1703,Andijon viloyati,1,1,") {
		t.Errorf("the CSV export: %d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	resp, body = w.get(root, "/admin/reports/"+itoa(w.orders)+"/export?format=xlsx")
	if resp.StatusCode != 200 || !strings.HasPrefix(body, "PK") || !strings.Contains(resp.Header.Get("Content-Disposition"), "protection_orders.xlsx") {
		t.Errorf("the XLSX export: %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}

	// Every page in every language, with no text missing.
	pages := []string{"/admin/reports", "/admin/reports/" + itoa(w.orders) + "?region=1703", "/admin/reports/" + itoa(w.orders) + "/periods/2026-11",
		"/admin/reports/" + itoa(w.orders) + "/submit?period=2026-11", "/admin/reports/" + itoa(w.byAge) + "/submit?period=2026",
		"/admin/reports/" + itoa(w.byAge) + "/edit", "/admin/reports/new", "/admin/reports/" + itoa(w.byAge) + "/periods/2025"}
	for _, lang := range azizayol.Langs {
		boss := w.staff(azizayol.SuperAdmin, "")
		if err := w.db.SetStaffLang(context.Background(), boss.ID, lang); err != nil {
			t.Fatal(err)
		}
		cl := w.login(boss)
		for _, path := range pages {
			resp, page := w.get(cl, path)
			if resp.StatusCode != http.StatusOK && !strings.HasSuffix(path, "/2025") {
				t.Errorf("%s %s: %d", lang, path, resp.StatusCode)
			}
			if i := strings.Index(page, "reports."); i >= 0 {
				t.Errorf("%s %s: a text is missing: %s", lang, path, page[i:min(len(page), i+60)])
			}
		}
	}

	// The super-admin: every agency's, or one's.
	_, page = w.get(root, "/admin/reports")
	if !strings.Contains(page, "Erta tugʻruqlar soni") || !strings.Contains(page, "Himoya orderi") {
		t.Error("the super-admin does not see every agency's indicators")
	}
	var healthID int64
	if err := w.pool.QueryRow(context.Background(), `SELECT id FROM agencies WHERE code = 'health'`).Scan(&healthID); err != nil {
		t.Fatal(err)
	}
	_, page = w.get(root, "/admin/reports?agency="+itoa(healthID))
	if !strings.Contains(page, "Erta tugʻruqlar soni") || strings.Contains(page, "Himoya orderi") {
		t.Error("the super-admin's filter by agency")
	}
}

// A super-admin adds and edits indicators: what is wrong is explained, every change
// is kept in the indicator's history and in the audit log.
func TestIndicatorEditing(t *testing.T) {
	t.Parallel()
	w := newReportsWorld(t)
	root := w.login(w.staff(azizayol.SuperAdmin, ""))
	var rehab int64
	if err := w.pool.QueryRow(context.Background(), `SELECT id FROM agencies WHERE code = 'rehab'`).Scan(&rehab); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"code": {"Shelter places"}, "agency": {itoa(rehab)}, "uz_latn": {"Boshpana oʻrinlari"}, "ru": {""},
		"periodicity": {"quarterly"}, "due_day": {"31"}, "starts": {"2026-01-01"}, "by_region": {"1"}, "active": {"1"},
		"parts": {"busy | Band | Занято\ntotal | Jami | Всего"}}
	req := func(path string, form url.Values) (int, string, string) {
		r, _ := http.NewRequest(http.MethodPost, w.srv.URL+path, strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, err := root.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Location"), html.UnescapeString(string(b))
	}
	status, _, page := req("/admin/reports/new", form)
	problems := reportSection(page, `id="indicator-problems"`, "</div>")
	for _, want := range []string{"Kod 2–40 belgidan", "Nomni uchala tilda yozing.", "Muddat kuni 1 dan 28 gacha", "Har bir qism alohida kodga (total emas)"} {
		if !strings.Contains(problems, want) {
			t.Errorf("the form does not say %q:\n%s", want, problems)
		}
	}
	if status != http.StatusUnprocessableEntity {
		t.Errorf("an invalid indicator: %d", status)
	}
	form.Set("code", "shelter_places")
	form.Set("ru", "Места в приютах")
	form.Set("due_day", "15")
	form.Set("parts", "busy | Band | Занято\nfree | Boʻsh | Свободно")
	status, to, _ := req("/admin/reports/new", form)
	if status != http.StatusSeeOther || !strings.HasSuffix(to, "/edit?done=console.done.saved") {
		t.Fatalf("adding: %d to %q", status, to)
	}
	id := strings.TrimSuffix(strings.TrimPrefix(to, "/admin/reports/"), "/edit?done=console.done.saved")
	var cyrl, parts string
	if err := w.pool.QueryRow(context.Background(), `SELECT name_uz_cyrl, parts::text FROM report_indicators WHERE id = $1`, id).Scan(&cyrl, &parts); err != nil {
		t.Fatal(err)
	}
	if cyrl != "Бошпана ўринлари" || !strings.Contains(parts, `"UzCyrl": "Бўш"`) {
		t.Errorf("the Cyrillic from the Latin: %q, parts %s", cyrl, parts)
	}
	form.Set("due_day", "20")
	form.Del("active")
	if status, _, _ := req("/admin/reports/"+id+"/edit", form); status != http.StatusSeeOther {
		t.Fatalf("editing: %d", status)
	}
	form.Set("code", "protection_orders")
	if status, _, page := req("/admin/reports/"+id+"/edit", form); status != http.StatusUnprocessableEntity || !strings.Contains(page, "Bu kod boshqa koʻrsatkichda bor.") {
		t.Errorf("a code taken: %d", status)
	}
	_, page = w.get(root, "/admin/reports/"+id+"/edit")
	history := html.UnescapeString(reportSection(page, `id="indicator-history"`, "</table>"))
	if !strings.Contains(history, "Oʻzgartirildi") || !strings.Contains(history, "Muddat kuni (keyingi oyning nechanchi sanasigacha), Faol (topshirilishi kerak)") ||
		!strings.Contains(history, "Qoʻshildi") {
		t.Errorf("the history:\n%s", history)
	}
	var audited int
	if err := w.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action IN ('report_indicator_add', 'report_indicator_edit')
		AND detail LIKE '%shelter_places%'`).Scan(&audited); err != nil || audited != 2 {
		t.Errorf("%d changes audited, want 2 (%v)", audited, err)
	}
	// An inactive indicator is owed no more: not even its past periods, a correct file.
	file := "indicator,period,region,busy,free,total\n"
	for _, code := range reportRegionOrder {
		file += "shelter_places,2026-Q1," + code + ",1,2,3\n"
	}
	status, page = w.upload(w.login(w.staff(azizayol.Operator, "rehab")), reportID(t, id), "2026-Q1", file)
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "«2026-Q1» — bu koʻrsatkichning topshiriladigan davri emas.") ||
		w.versions(reportID(t, id), "2026-Q1") != 0 {
		t.Errorf("an upload to an inactive indicator: %d, %d versions\n%s", status, w.versions(reportID(t, id), "2026-Q1"),
			reportSection(page, `id="report-problems"`, "</div>"))
	}
	// Active again, the same file is kept: it was refused for being inactive alone.
	form.Set("code", "shelter_places")
	form.Set("active", "1")
	if status, _, _ := req("/admin/reports/"+id+"/edit", form); status != http.StatusSeeOther {
		t.Fatalf("made active: %d", status)
	}
	if status, _ = w.upload(w.login(w.staff(azizayol.Operator, "rehab")), reportID(t, id), "2026-Q1", file); status != http.StatusSeeOther {
		t.Errorf("the file to the active indicator: %d", status)
	}
	// A new indicator is owed from today on (5 December 2026), not from the month's first.
	_, page = w.get(root, "/admin/reports/new")
	if !strings.Contains(page, `name="starts" type="date" required value="2026-12-05"`) {
		t.Errorf("a new indicator's first day:\n%s", reportSection(page, `id="starts"`, ">"))
	}
}

func reportID(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// BenchmarkReportUpload is one agency's CSV of 14 regions, checked and kept as the
// period's next version, through the console.
func BenchmarkReportUpload(b *testing.B) {
	w := newReportsWorld(b)
	cl := w.login(w.staff(azizayol.Operator, "interior"))
	file := reportOrdersCSV("2026-11", nil)
	base := 0
	for b.Loop() {
		if status, _ := w.upload(cl, w.orders, "2026-11", file, "base", strconv.Itoa(base), "replace", "1"); status != http.StatusSeeOther {
			b.Fatalf("upload: %d", status)
		}
		base++
	}
}
