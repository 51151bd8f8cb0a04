package admin_test

import "net/url"

// statsAuthzRoutes are the routes of the platform's own figures (issue 8) for the authorisation tests.
// Admins only: a super-admin sees every agency, an agency admin hers (the scope of
// the figures themselves is tested in stats_test.go); operators see no statistics.
func statsAuthzRoutes() []authzRoute {
	at := func(path string) func(*authzWorld, string) (string, url.Values) {
		return func(*authzWorld, string) (string, url.Values) { return path, nil }
	}
	return []authzRoute{
		{route: "GET /admin/stats", access: authzAdmins, ok: 200, target: at("/admin/stats?preset=7")},
		{route: "GET /admin/stats/export", access: authzAdmins, ok: 200, target: at("/admin/stats/export?preset=7&table=regions&format=csv")},
	}
}
