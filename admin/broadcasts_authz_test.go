package admin_test

import (
	"context"
	"net/url"
)

// broadcastsAuthzRoutes are the routes of broadcasts for the authorisation tests: each
// admin works on a broadcast of her own agency (a super-admin on the ministry's), in
// the state the route needs.
func broadcastsAuthzRoutes() []authzRoute {
	form := url.Values{"text_uz-Latn": {"Emlash kuni"}, "text_uz-Cyrl": {"Эмлаш куни"}, "text_ru": {"День прививок"},
		"topic": {"health"}, "channel": {"telegram"}}
	mine := func(status string, form url.Values) func(w *authzWorld, me string) (string, url.Values) {
		return func(w *authzWorld, me string) (string, url.Values) {
			f := url.Values{"agency": {itoa(w.broadcastAgency(me))}}
			for k, v := range form {
				f[k] = v
			}
			if form == nil {
				f = nil
			}
			return "/admin/broadcasts/" + itoa(w.broadcast(me, status)), f
		}
	}
	suffixed := func(status, suffix string) func(w *authzWorld, me string) (string, url.Values) {
		return func(w *authzWorld, me string) (string, url.Values) {
			return "/admin/broadcasts/" + itoa(w.broadcast(me, status)) + suffix, url.Values{"when": {"now"}}
		}
	}
	at := func(path string, form url.Values) func(*authzWorld, string) (string, url.Values) {
		return func(*authzWorld, string) (string, url.Values) { return path, form }
	}
	return []authzRoute{
		{route: "GET /admin/broadcasts", access: authzAdmins, ok: 200, target: at("/admin/broadcasts", nil)},
		{route: "GET /admin/broadcasts/new", access: authzAdmins, ok: 200, target: at("/admin/broadcasts/new", nil)},
		{route: "POST /admin/broadcasts", access: authzAdmins, ok: 303, target: func(w *authzWorld, me string) (string, url.Values) {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			f.Set("agency", itoa(w.broadcastAgency(me)))
			return "/admin/broadcasts", f
		}},
		{route: "GET /admin/broadcasts/{id}", access: authzAdmins, ok: 200, target: mine("draft", nil)},
		{route: "POST /admin/broadcasts/{id}", access: authzAdmins, ok: 303, target: mine("draft", form)},
		{route: "POST /admin/broadcasts/{id}/send", access: authzAdmins, ok: 303, target: suffixed("draft", "/send")},
		{route: "POST /admin/broadcasts/{id}/pause", access: authzAdmins, ok: 303, target: suffixed("running", "/pause")},
		{route: "POST /admin/broadcasts/{id}/resume", access: authzAdmins, ok: 303, target: suffixed("paused", "/resume")},
		{route: "POST /admin/broadcasts/{id}/cancel", access: authzAdmins, ok: 303, target: suffixed("running", "/cancel")},
	}
}

// broadcastAgency is the agency whose broadcasts she works on.
func (w *authzWorld) broadcastAgency(me string) int64 {
	code := w.who(me).agency
	if code == "" {
		code = "mahalla"
	}
	var id int64
	if err := w.c.pool.QueryRow(context.Background(), `SELECT id FROM agencies WHERE code = $1`, code).Scan(&id); err != nil {
		w.t.Fatal(err)
	}
	return id
}

// broadcast makes a broadcast of her agency in this status.
func (w *authzWorld) broadcast(me, status string) int64 {
	var id int64
	err := w.c.pool.QueryRow(context.Background(), `INSERT INTO broadcasts (agency_id, texts, topics, status)
		VALUES ($1, '{"uz-Latn": "a", "uz-Cyrl": "а", "ru": "а"}', '{health}', $2) RETURNING id`,
		w.broadcastAgency(me), status).Scan(&id)
	if err != nil {
		w.t.Fatal(err)
	}
	return id
}
