package admin_test

import (
	"context"
	"net/url"
	"strings"
	"sync/atomic"
)

// reportsAuthzRoutes are the routes of the agencies' periodic reports (issue 8) for the authorisation tests.
// Each of the cast works on an indicator of her own agency (the super-admin on the
// khokimiyat's): one is made for the test, monthly and national, collected from
// 1 January 2026 — so owed from December 2025, the first month to open on or after it.
func reportsAuthzRoutes() []authzRoute {
	mine := func(w *authzWorld, me string) string {
		return "/admin/reports/" + itoa(w.reportIndicator(w.who(me).agency))
	}
	at := func(suffix string, form url.Values) func(*authzWorld, string) (string, url.Values) {
		return func(w *authzWorld, me string) (string, url.Values) { return mine(w, me) + suffix, form }
	}
	var added atomic.Int64
	indicator := func(code string) url.Values {
		return url.Values{"code": {code}, "agency": {"0"}, "uz_latn": {"Sinov koʻrsatkichi"}, "ru": {"Тестовый показатель"},
			"periodicity": {"monthly"}, "due_day": {"12"}, "starts": {"2026-01-01"}, "active": {"1"}}
	}
	return []authzRoute{
		{route: "GET /admin/reports", ok: 200, target: func(*authzWorld, string) (string, url.Values) { return "/admin/reports", nil }},
		{route: "GET /admin/reports/new", access: authzSuper, ok: 200,
			target: func(*authzWorld, string) (string, url.Values) { return "/admin/reports/new", nil }},
		{route: "POST /admin/reports/new", access: authzSuper, ok: 303, target: func(w *authzWorld, me string) (string, url.Values) {
			form := indicator("authz_added_" + itoa(added.Add(1)))
			form.Set("agency", itoa(w.agency["justice"]))
			return "/admin/reports/new", form
		}},
		{route: "GET /admin/reports/{id}", ok: 200, target: at("", nil)},
		{route: "GET /admin/reports/{id}/edit", access: authzSuper, ok: 200, target: at("/edit", nil)},
		{route: "POST /admin/reports/{id}/edit", access: authzSuper, ok: 303, target: func(w *authzWorld, me string) (string, url.Values) {
			code := w.who(me).agency
			form := indicator(reportCode(code))
			form.Set("agency", itoa(w.agency[reportAgency(code)]))
			form.Set("due_day", itoa(10+added.Add(1)%15)) // a change each time
			return mine(w, me) + "/edit", form
		}},
		{route: "GET /admin/reports/{id}/export", ok: 200 /* CSV */, target: at("/export", nil)},
		{route: "GET /admin/reports/{id}/periods/{period}", ok: 200, target: at("/periods/2026-01", nil)},
		{route: "GET /admin/reports/{id}/submit", ok: 200, target: at("/submit", nil)}, // the latest period
		// A new version each time: the latest one she saw, replaced.
		{route: "POST /admin/reports/{id}/submit", ok: 303, target: func(w *authzWorld, me string) (string, url.Values) {
			id := w.reportIndicator(w.who(me).agency)
			var latest int64
			if err := w.c.pool.QueryRow(context.Background(), `SELECT coalesce(max(version), 0) FROM report_submissions
				WHERE indicator_id = $1 AND period = '2026-01'`, id).Scan(&latest); err != nil {
				w.t.Fatal(err)
			}
			return "/admin/reports/" + itoa(id) + "/submit", url.Values{"period": {"2026-01"}, "v_1700_total": {"3"},
				"base": {itoa(latest)}, "replace": {"1"}}
		}},
		// Sent as a plain form, without the file: she is shown the form with the problem.
		{route: "POST /admin/reports/{id}/upload", ok: 422, target: at("/upload", url.Values{"period": {"2026-01"}})},
	}
}

// reportAgency is the agency whose indicator she works on: hers, or the khokimiyat's
// for the super-admin.
func reportAgency(code string) string {
	if code == "" {
		return "khokimiyat-1703"
	}
	return code
}

func reportCode(agency string) string {
	return "authz_" + strings.NewReplacer("-", "_").Replace(reportAgency(agency))
}

// reportIndicator is the test's indicator of an agency, made the first time.
func (w *authzWorld) reportIndicator(agency string) int64 {
	w.t.Helper()
	var id int64
	err := w.c.pool.QueryRow(context.Background(), `
		WITH added AS (
		    INSERT INTO report_indicators (code, agency_id, name_uz_latn, name_uz_cyrl, name_ru, periodicity, by_region, starts)
		    VALUES ($1, $2, 'Sinov koʻrsatkichi', 'Синов кўрсаткичи', 'Тестовый показатель', 'monthly', false, '2026-01-01')
		    ON CONFLICT (code) DO NOTHING RETURNING id)
		SELECT id FROM added UNION ALL SELECT id FROM report_indicators WHERE code = $1`,
		reportCode(agency), w.agency[reportAgency(agency)]).Scan(&id)
	if err != nil {
		w.t.Fatal(err)
	}
	return id
}
