package admin_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/admin"
	"github.com/azizayol/azizayol/locales"
)

// Authorisation over the matrix role × agency × region, for every route of the
// console: who may open which page, and which appeals each staff member may see and
// act on. An appeal outside her scope is a 404, as if it did not exist, and nothing
// of it changes; every view and every action is in the audit log.
//
// Everything here is named authz… so as not to collide with the other tests of the
// package.

// --- the cast ----------------------------------------------------------------------

// authzWho is a staff member of the matrix.
type authzWho struct {
	id      string // how the tables below name her
	role    azizayol.Role
	agency  string // the agency's code; "" for the super-admin
	regions []string
}

var authzCast = []authzWho{
	{"root", azizayol.SuperAdmin, "", nil},
	{"kh-admin", azizayol.AgencyAdmin, "khokimiyat-1703", nil},
	{"kh-op", azizayol.Operator, "khokimiyat-1703", nil},
	{"ju-admin", azizayol.AgencyAdmin, "justice", nil},
	{"ju-op-1703", azizayol.Operator, "justice", []string{"1703"}},
	{"ju-op", azizayol.Operator, "justice", nil},
}

// authzPlace is where an appeal goes: its topic routes it to an agency, its region
// (none for a consultation) places it.
type authzPlace struct {
	name                    string
	topic, region, district string
}

var authzPlaces = []authzPlace{
	{"housing 1703", "housing", "1703", "1703202"},   // → khokimiyat-1703
	{"housing 1726", "housing", "1726", "1726262"},   // → khokimiyat-1726
	{"legal", "legal", "", ""},                       // a consultation → justice
	{"legal 1703", "legal", "1703", "1703203"},       // → justice, in Andijan
	{"legal 1726", "legal", "1726", "1726264"},       // → justice, in Tashkent
	{"medical", "medical", "", ""},                   // a consultation → health
	{"violence 1703", "violence", "1703", "1703206"}, // urgent → rehab
}

// authzSees is what each of the cast has in her scope: written out, not computed
// with the rule under test.
var authzSees = map[string][]string{
	"root":       {"housing 1703", "housing 1726", "legal", "legal 1703", "legal 1726", "medical", "violence 1703"},
	"kh-admin":   {"housing 1703"},
	"kh-op":      {"housing 1703"},
	"ju-admin":   {"legal", "legal 1703", "legal 1726"},
	"ju-op-1703": {"legal 1703"},
	"ju-op":      {"legal", "legal 1703", "legal 1726"},
}

// --- the routes --------------------------------------------------------------------

type authzAccess int

const (
	authzAnyone authzAccess = iota // every logged-in staff member
	authzAdmins                    // super-admins and agency admins
	authzSuper                     // super-admins
)

func (a authzAccess) allows(r azizayol.Role) bool {
	switch a {
	case authzAdmins:
		return r == azizayol.SuperAdmin || r == azizayol.AgencyAdmin
	case authzSuper:
		return r == azizayol.SuperAdmin
	}
	return true
}

// authzEnds says which of her sessions a route ends.
type authzEnds int

const (
	authzEndsNone authzEnds = iota
	authzEndsThis           // this session (it is tried with a session of its own)
	authzEndsAll            // all of hers
)

// authzRoute is how these tests use one route of Console.Routes.
type authzRoute struct {
	route  string // as Console.Routes lists it
	access authzAccess
	ok     int // the status for one who may use it
	ends   authzEnds
	// target is the path and form she sends: an account, a canned answer she manages.
	target func(w *authzWorld, me string) (string, url.Values)
	// action is set on the routes of one appeal: they are tried on every appeal of
	// the matrix, in scope and out of it.
	action *authzAction
}

// authzAction is a route of one appeal.
type authzAction struct {
	audit  string // the action the audit log names
	target func(w *authzWorld, a authzAppeal) (string, url.Values)
	// done checks that what she asked for happened.
	done func(w *authzWorld, me azizayol.Staff, a authzAppeal, r authzResp) error
}

func authzRoutes() []authzRoute {
	at := func(path string, form url.Values) func(*authzWorld, string) (string, url.Values) {
		return func(*authzWorld, string) (string, url.Values) { return path, form }
	}
	appealPath := func(suffix string, form url.Values) func(*authzWorld, authzAppeal) (string, url.Values) {
		return func(_ *authzWorld, a authzAppeal) (string, url.Values) {
			return "/admin/appeals/" + itoa(a.ID) + suffix, form
		}
	}
	// An action goes back to the appeal with what was done, not with a refusal.
	redirected := func(r authzResp, a authzAppeal, done string) error {
		if want := "/admin/appeals/" + itoa(a.ID) + "?done=" + done; r.location != want {
			return fmt.Errorf("sent to %q, want %q", r.location, want)
		}
		return nil
	}
	routes := []authzRoute{
		{route: "POST /admin/logout", ok: 303, ends: authzEndsThis, target: at("/admin/logout", nil)},
		{route: "POST /admin/logout-everywhere", ok: 303, ends: authzEndsAll, target: at("/admin/logout-everywhere", nil)},
		{route: "POST /admin/lang", ok: 303, target: at("/admin/lang", url.Values{"lang": {"uz-Latn"}, "next": {"/admin/inbox"}})},
		{route: "GET /admin/inbox", ok: 200, target: at("/admin/inbox", nil)},
		{route: "GET /admin/events", ok: 200, target: at("/admin/events", nil)},
		{route: "POST /admin/alerts/seen", ok: 303, target: at("/admin/alerts/seen", url.Values{"next": {"/admin/inbox"}})},

		{route: "GET /admin/appeals/{id}", ok: 200, action: &authzAction{
			audit: "view", target: appealPath("", nil),
			done: func(w *authzWorld, me azizayol.Staff, a authzAppeal, r authzResp) error {
				if !strings.Contains(r.body, a.Number) || !strings.Contains(r.body, a.text) {
					return fmt.Errorf("the page lacks the appeal %s and her words", a.Number)
				}
				return nil
			}}},
		{route: "GET /admin/appeals/{id}/files/{msg}/{n}", ok: 200, action: &authzAction{
			audit: "view_file",
			target: func(_ *authzWorld, a authzAppeal) (string, url.Values) {
				return "/admin/appeals/" + itoa(a.ID) + "/files/" + itoa(a.msg) + "/0", nil
			},
			done: func(w *authzWorld, me azizayol.Staff, a authzAppeal, r authzResp) error {
				if r.body != "photo "+a.fileID || !w.files.opened(a.fileID) {
					return fmt.Errorf("served %q, want her photo %s", r.body, a.fileID)
				}
				return nil
			}}},
		{route: "POST /admin/appeals/{id}/take", ok: 303, action: &authzAction{
			audit: "take", target: appealPath("/take", nil),
			done: func(w *authzWorld, me azizayol.Staff, a authzAppeal, r authzResp) error {
				s := w.state(a.ID)
				if s.Assignee != me.ID || s.Status != "in_progress" || s.Outbox != 1 {
					return fmt.Errorf("after take: %+v", s)
				}
				return redirected(r, a, "console.done.taken")
			}}},
		{route: "POST /admin/appeals/{id}/answer", ok: 303, action: &authzAction{
			audit: "answer", target: appealPath("/answer", url.Values{"text": {"Hokimlikka keling."}}),
			done: func(w *authzWorld, me azizayol.Staff, a authzAppeal, r authzResp) error {
				s := w.state(a.ID)
				if s.Answers != 1 || s.Status != "answered" || s.Outbox != 1 {
					return fmt.Errorf("after answer: %+v", s)
				}
				return redirected(r, a, "console.done.answered")
			}}},
		{route: "POST /admin/appeals/{id}/note", ok: 303, action: &authzAction{
			audit: "note", target: appealPath("/note", url.Values{"text": {"Ichki eslatma."}}),
			done: func(w *authzWorld, me azizayol.Staff, a authzAppeal, r authzResp) error {
				s := w.state(a.ID)
				if s.Notes != 1 || s.Status != "received" || s.Outbox != 0 {
					return fmt.Errorf("after note: %+v", s)
				}
				return redirected(r, a, "console.done.noted")
			}}},
		{route: "POST /admin/appeals/{id}/transfer", ok: 303, action: &authzAction{
			audit: "transfer",
			target: func(w *authzWorld, a authzAppeal) (string, url.Values) {
				return "/admin/appeals/" + itoa(a.ID) + "/transfer",
					url.Values{"agency": {itoa(w.agency["mahalla"])}, "reason": {"Mahalla hal qiladi."}}
			},
			done: func(w *authzWorld, me azizayol.Staff, a authzAppeal, r authzResp) error {
				s := w.state(a.ID)
				if s.Agency != w.agency["mahalla"] || s.Transfers != 1 || s.Outbox != 1 {
					return fmt.Errorf("after transfer: %+v", s)
				}
				// A super-admin stays on the appeal; anyone else no longer sees it
				// there and goes back to the inbox.
				if me.Role == azizayol.SuperAdmin {
					return redirected(r, a, "console.done.transferred")
				}
				if want := "/admin/inbox?done=console.done.transferred"; r.location != want {
					return fmt.Errorf("sent to %q, want %q", r.location, want)
				}
				return nil
			}}},
		{route: "POST /admin/appeals/{id}/status", ok: 303, action: &authzAction{
			audit: "status", target: appealPath("/status", url.Values{"status": {"closed"}}),
			done: func(w *authzWorld, me azizayol.Staff, a authzAppeal, r authzResp) error {
				s := w.state(a.ID)
				if s.Status != "closed" || s.Outbox != 1 {
					return fmt.Errorf("after status: %+v", s)
				}
				return redirected(r, a, "console.done.status")
			}}},

		{route: "GET /admin/canned", access: authzAdmins, ok: 200, target: at("/admin/canned", nil)},
		{route: "POST /admin/canned", access: authzAdmins, ok: 303, target: at("/admin/canned",
			url.Values{"title": {"Yangi javob"}, "uz_latn": {"Keling."}, "ru": {"Приходите."}})},
		{route: "POST /admin/canned/{id}/delete", access: authzAdmins, ok: 303,
			target: func(w *authzWorld, me string) (string, url.Values) {
				return "/admin/canned/" + itoa(w.canned[w.who(me).agency]) + "/delete", nil
			}},
		{route: "GET /admin/staff", access: authzAdmins, ok: 200, target: at("/admin/staff", nil)},
		{route: "POST /admin/staff", access: authzAdmins, ok: 303,
			target: func(w *authzWorld, me string) (string, url.Values) {
				return "/admin/staff", url.Values{"email": {"new-" + me + "@example.uz"}, "name": {"Yangi xodim"},
					"role": {"operator"}, "agency": {itoa(w.agency["khokimiyat-1703"])}, "lang": {"uz-Latn"},
					"password": {"a long enough password"}}
			}},
		{route: "GET /admin/staff/{id}", access: authzAdmins, ok: 200,
			target: func(w *authzWorld, me string) (string, url.Values) {
				return "/admin/staff/" + itoa(w.victim(me).ID), nil
			}},
		{route: "POST /admin/staff/{id}", access: authzAdmins, ok: 303,
			target: func(w *authzWorld, me string) (string, url.Values) {
				v := w.victim(me)
				return "/admin/staff/" + itoa(v.ID), url.Values{"name": {v.Name}, "role": {string(v.Role)}, "lang": {"ru"}}
			}},
		{route: "POST /admin/staff/{id}/logout", access: authzAdmins, ok: 303,
			target: func(w *authzWorld, me string) (string, url.Values) {
				return "/admin/staff/" + itoa(w.victim(me).ID) + "/logout", nil
			}},
		{route: "GET /admin/audit", access: authzSuper, ok: 200, target: at("/admin/audit", nil)},
		{route: "GET /admin/crisis", access: authzSuper, ok: 200, target: at("/admin/crisis", nil)},
		{route: "POST /admin/crisis", access: authzSuper, ok: 303, target: func(w *authzWorld, me string) (string, url.Values) {
			return "/admin/crisis", url.Values{"entry": {"sinov ibora " + strings.ReplaceAll(me, "-", "")}, "kind": {"danger"}}
		}},
		{route: "GET /admin/crisis/{id}", access: authzSuper, ok: 200, target: func(w *authzWorld, me string) (string, url.Values) {
			return "/admin/crisis/" + itoa(w.crisisWordID()), nil
		}},
		{route: "POST /admin/crisis/{id}", access: authzSuper, ok: 303, target: func(w *authzWorld, me string) (string, url.Values) {
			return "/admin/crisis/" + itoa(w.crisisWordID()), url.Values{"entry": {"sinov soʻz"}, "kind": {"danger"}}
		}},
		{route: "POST /admin/crisis/{id}/active", access: authzSuper, ok: 303, target: func(w *authzWorld, me string) (string, url.Values) {
			return "/admin/crisis/" + itoa(w.crisisWordID()) + "/active", url.Values{"active": {"1"}}
		}},

		{route: "GET /admin/simulator", ok: 200, target: at("/admin/simulator", nil)},
		// Nothing said: back to the page at once (something said waits for the bot).
		{route: "POST /admin/simulator", ok: 303, target: at("/admin/simulator", url.Values{"text": {""}})},
		{route: "POST /admin/simulator/restart", ok: 303, target: at("/admin/simulator/restart", nil)},
		// After the restart she has a conversation to follow.
		{route: "GET /admin/simulator/events", ok: 200, target: at("/admin/simulator/events", nil)},
	}
	routes = append(routes, statsAuthzRoutes()...)
	routes = append(routes, reportsAuthzRoutes()...)
	routes = append(routes, articlesAuthzRoutes()...)
	return append(routes, broadcastsAuthzRoutes()...)
}

// request is what she sends on route r; an action on an appeal goes to a.
func (r authzRoute) request(w *authzWorld, me string, a authzAppeal) (method, path string, form url.Values) {
	method, _, _ = strings.Cut(r.route, " ")
	if r.action != nil {
		path, form = r.action.target(w, a)
	} else {
		path, form = r.target(w, me)
	}
	return method, path, form
}

// --- the world ---------------------------------------------------------------------

// authzWorld is one console with the cast logged in and an untouched appeal at
// every place.
type authzWorld struct {
	t         *testing.T
	c         *console
	files     *authzFiles
	agency    map[string]int64          // by code
	staff     map[string]azizayol.Staff // the cast, by id
	browsers  map[string]*http.Client   // the cast's, logged in
	victims   map[string]azizayol.Staff // an operator nobody logs in as, by agency code
	canned    map[string]int64          // a canned answer, by agency code ("" for all agencies)
	untouched map[string]authzAppeal    // by place: what nobody may change
}

// authzAppeal is an appeal of the matrix, with a photo she sent.
type authzAppeal struct {
	azizayol.Appeal
	text   string
	msg    int64 // her message with the photo
	fileID string
}

func newAuthzWorld(t *testing.T) *authzWorld {
	t.Helper()
	c := newConsole(t)
	w := &authzWorld{t: t, c: c, files: &authzFiles{}, agency: map[string]int64{}, staff: map[string]azizayol.Staff{},
		browsers: map[string]*http.Client{}, victims: map[string]azizayol.Staff{}, canned: map[string]int64{},
		untouched: map[string]authzAppeal{}}
	w.serveFiles()
	rows, err := c.pool.Query(context.Background(), `SELECT code, id FROM agencies`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var code string
		var id int64
		if err := rows.Scan(&code, &id); err != nil {
			t.Fatal(err)
		}
		w.agency[code] = id
	}
	rows.Close()
	for _, who := range authzCast {
		s := c.staff(who.role, who.agency, who.regions...)
		w.staff[who.id] = s
		w.browsers[who.id] = c.login(s)
	}
	for _, code := range []string{"khokimiyat-1703", "justice"} {
		v := azizayol.Staff{Email: "victim@" + code + ".example.uz", Name: "Victim " + code, Role: azizayol.Operator,
			AgencyID: w.agency[code], Lang: azizayol.UzLatn}
		// Nobody logs in as her: her hash need not be one.
		if v.ID, err = c.db.CreateStaff(context.Background(), v, "-"); err != nil {
			t.Fatal(err)
		}
		w.victims[code] = v
	}
	for _, code := range []string{"", "khokimiyat-1703", "justice"} {
		w.canned[code] = w.cannedAnswer(code, "Tayyor javob "+code)
	}
	for _, p := range authzPlaces {
		w.untouched[p.name] = w.file(p)
	}
	return w
}

// serveFiles serves the console anew, as newConsole does but with her files opened
// through a fake store: newConsole's console opens none, so its file route is a 404
// for everyone. Call it before the first request.
func (w *authzWorld) serveFiles() {
	c := w.c
	clock := func() time.Time {
		if c.now.IsZero() {
			return time.Now()
		}
		return c.now
	}
	desk := admin.NewDesk(c.db, func(id int64) {
		c.mu.Lock()
		c.queued = append(c.queued, id)
		c.mu.Unlock()
	}, clock)
	console, err := admin.New(admin.Config{
		TrustedProxies: testProxies,
		Store:          c.db, Desk: desk, Counter: c.rdb, Events: c.hub,
		Simulator: admin.NewSimulator(c.rdb, c.db, func(...string) {}),
		Files:     w.files, Now: clock,
		BroadcastRates: map[azizayol.Channel]float64{azizayol.Telegram: 30},
	})
	if err != nil {
		w.t.Fatal(err)
	}
	c.srv.Close()
	c.console, c.srv = console, httptest.NewServer(console)
	w.t.Cleanup(c.srv.Close)
}

// authzFiles is the channel's file store: every file is a photo.
type authzFiles struct {
	mu   sync.Mutex
	seen []string
}

func (f *authzFiles) Open(_ context.Context, fileID string) ([]byte, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seen = append(f.seen, fileID)
	return []byte("photo " + fileID), "image/jpeg", nil
}

func (f *authzFiles) opened(fileID string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Contains(f.seen, fileID)
}

func (w *authzWorld) who(id string) authzWho {
	for _, who := range authzCast {
		if who.id == id {
			return who
		}
	}
	w.t.Fatalf("no %s in the cast", id)
	return authzWho{}
}

// victim is an account that she manages (if she manages any): of her agency.
func (w *authzWorld) victim(me string) azizayol.Staff {
	if code := w.who(me).agency; code != "" {
		return w.victims[code]
	}
	return w.victims["khokimiyat-1703"]
}

// file files an appeal at place p, with a photo in her message.
func (w *authzWorld) file(p authzPlace) authzAppeal {
	a := authzAppeal{text: "Murojaat: " + p.name}
	a.Appeal = w.c.appeal(p.topic, p.region, p.district, a.text)
	a.fileID = "photo-of-" + itoa(a.ID)
	err := w.c.pool.QueryRow(context.Background(), `UPDATE appeal_messages
		SET attachments = jsonb_build_array(jsonb_build_object('kind', 'photo', 'file_id', $2::text))
		WHERE appeal_id = $1 RETURNING id`, a.ID, a.fileID).Scan(&a.msg)
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

func (w *authzWorld) cannedAnswer(agency, title string) int64 {
	var id int64
	err := w.c.pool.QueryRow(context.Background(), `INSERT INTO canned_answers (agency_id, title, text_uz_latn, text_uz_cyrl, text_ru)
		VALUES (nullif($1, 0)::bigint, $2, 'Keling.', 'Келинг.', 'Приходите.') RETURNING id`, w.agency[agency], title).Scan(&id)
	if err != nil {
		w.t.Fatal(err)
	}
	return id
}

// browser is a new browser with a session of s, made without the cost of a login.
func (w *authzWorld) browser(s azizayol.Staff) *http.Client {
	token := rand.Text()
	sum := sha256.Sum256([]byte(token))
	if err := w.c.db.CreateSession(context.Background(), sum[:], s.ID, "127.0.0.1"); err != nil {
		w.t.Fatal(err)
	}
	return w.browserWith(token)
}

// browserWith is a new browser holding the session cookie token.
func (w *authzWorld) browserWith(token string) *http.Client {
	cl := w.c.client()
	u, _ := url.Parse(w.c.srv.URL + "/admin/")
	cl.Jar.SetCookies(u, []*http.Cookie{{Name: "aa_session", Value: token, Path: "/admin/"}})
	return cl
}

// loggedIn tells whether cl's session is live.
func (w *authzWorld) loggedIn(cl *http.Client) bool {
	return w.send(cl, "GET", "/admin/inbox", nil).status == http.StatusOK
}

type authzResp struct {
	status   int
	location string
	ctype    string
	body     string // "" for an event stream
}

// send sends a request as a browser of the console does: a form is posted from the
// console itself (Sec-Fetch-Site: same-origin) unless header says otherwise (name,
// value pairs; an empty value removes the header). An event stream is left once it
// has begun.
func (w *authzWorld) send(cl *http.Client, method, path string, form url.Values, header ...string) authzResp {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(form.Encode())
	} else if len(form) > 0 {
		path += "?" + form.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, w.c.srv.URL+path, body)
	if err != nil {
		w.t.Fatal(err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			req.Header.Del(header[i])
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	resp, err := cl.Do(req)
	if err != nil {
		w.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	r := authzResp{status: resp.StatusCode, location: resp.Header.Get("Location"), ctype: resp.Header.Get("Content-Type")}
	if !strings.HasPrefix(r.ctype, "text/event-stream") {
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			w.t.Fatalf("%s %s: %v", method, path, err)
		}
		r.body = string(b)
	}
	return r
}

// authzAppealState is what the matrix looks at of one appeal.
type authzAppealState struct {
	Status    string
	Agency    int64
	Assignee  int64
	Answers   int
	Notes     int
	Transfers int
	Outbox    int    // messages queued for her
	Digest    string // of the appeal's row, its thread, transfers and her outbox: any change
}

func (w *authzWorld) state(id int64) authzAppealState {
	w.t.Helper()
	var s authzAppealState
	err := w.c.pool.QueryRow(context.Background(), `
		SELECT a.status, a.agency_id, coalesce(a.assigned_to, 0),
		       (SELECT count(*) FROM appeal_messages m WHERE m.appeal_id = a.id AND m.author = 'agency'),
		       (SELECT count(*) FROM appeal_messages m WHERE m.appeal_id = a.id AND m.author = 'note'),
		       (SELECT count(*) FROM appeal_transfers t WHERE t.appeal_id = a.id),
		       (SELECT count(*) FROM outbox o WHERE o.user_id = a.user_id),
		       md5(a::text
		           || coalesce((SELECT string_agg(m::text, '|' ORDER BY m.id) FROM appeal_messages m WHERE m.appeal_id = a.id), '')
		           || coalesce((SELECT string_agg(t::text, '|' ORDER BY t.id) FROM appeal_transfers t WHERE t.appeal_id = a.id), '')
		           || coalesce((SELECT string_agg(o::text, '|' ORDER BY o.id) FROM outbox o WHERE o.user_id = a.user_id), ''))
		FROM appeals a WHERE a.id = $1`, id).
		Scan(&s.Status, &s.Agency, &s.Assignee, &s.Answers, &s.Notes, &s.Transfers, &s.Outbox, &s.Digest)
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

// snapshot is a digest of every table the console may change (sessions by who holds
// them, not when they were last used; the audit log apart), by table.
func (w *authzWorld) snapshot() map[string]string {
	w.t.Helper()
	tables := map[string]string{
		"appeals": "appeals", "appeal_messages": "appeal_messages", "appeal_transfers": "appeal_transfers",
		"outbox": "outbox", "inbox": "inbox", "users": "users", "staff": "staff", "canned_answers": "canned_answers",
		"staff_alerts": "staff_alerts", "agencies": "agencies",
		"staff_sessions": "(SELECT token_hash, staff_id FROM staff_sessions)",
	}
	var parts []string
	for _, name := range slices.Sorted(maps.Keys(tables)) {
		parts = append(parts, fmt.Sprintf(`SELECT '%s', md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM %s x`, name, tables[name]))
	}
	rows, err := w.c.pool.Query(context.Background(), strings.Join(parts, " UNION ALL "))
	if err != nil {
		w.t.Fatal(err)
	}
	defer rows.Close()
	snap := map[string]string{}
	for rows.Next() {
		var name, digest string
		if err := rows.Scan(&name, &digest); err != nil {
			w.t.Fatal(err)
		}
		snap[name] = digest
	}
	if err := rows.Err(); err != nil {
		w.t.Fatal(err)
	}
	return snap
}

// changed names the tables that differ between two snapshots.
func authzChanged(before, after map[string]string) []string {
	var changed []string
	for _, name := range slices.Sorted(maps.Keys(before)) {
		if before[name] != after[name] {
			changed = append(changed, name)
		}
	}
	return changed
}

// audited tells whether the audit log has her action on the appeal, from the test's
// address.
func (w *authzWorld) audited(me azizayol.Staff, action string, appealID int64, addr string) bool {
	w.t.Helper()
	var n int
	err := w.c.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log
		WHERE staff_id = $1 AND email = $2 AND action = $3 AND appeal_id = $4 AND addr = $5 AND at > now() - interval '1 minute'`,
		me.ID, me.Email, action, appealID, addr).Scan(&n)
	if err != nil {
		w.t.Fatal(err)
	}
	return n > 0
}

func (w *authzWorld) auditCount() int {
	var n int
	if err := w.c.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log`).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}

func (w *authzWorld) exec(sql string, args ...any) {
	w.t.Helper()
	if _, err := w.c.pool.Exec(context.Background(), sql, args...); err != nil {
		w.t.Fatalf("%s: %v", sql, err)
	}
}

// --- the tests ---------------------------------------------------------------------

func TestAuthz(t *testing.T) {
	t.Parallel()
	w := newAuthzWorld(t)
	routes := authzRoutes()

	t.Run("every route is in the table", func(t *testing.T) {
		var listed []string
		for _, r := range routes {
			listed = append(listed, r.route)
		}
		for _, r := range w.c.console.Routes() {
			if !slices.Contains(listed, r) {
				t.Errorf("route %q is not in the authorisation table: add it to authzRoutes", r)
			}
		}
		for _, r := range listed {
			if !slices.Contains(w.c.console.Routes(), r) {
				t.Errorf("the authorisation table has %q, which the console does not serve", r)
			}
		}
	})

	t.Run("without a live session", func(t *testing.T) {
		ended := w.browser(w.staff["kh-op"])
		if r := w.send(ended, "POST", "/admin/logout", nil); r.status != http.StatusSeeOther {
			t.Fatalf("logout: %d", r.status)
		}
		disabled := w.c.staff(azizayol.Operator, "khokimiyat-1703")
		disabledBrowser := w.browser(disabled)
		w.exec(`UPDATE staff SET disabled_at = now() WHERE id = $1`, disabled.ID) // her session stays in the table
		strangers := []struct {
			name string
			cl   *http.Client
		}{
			{"no cookie", w.c.client()},
			{"an unknown session", w.browserWith(rand.Text())},
			{"a session logged out", ended},
			{"a disabled account", disabledBrowser},
		}
		before, audits := w.snapshot(), w.auditCount()
		for _, s := range strangers {
			for _, r := range routes {
				method, path, form := r.request(w, "root", w.untouched["housing 1703"])
				got := w.send(s.cl, method, path, form)
				switch {
				case method == "GET" && strings.HasSuffix(path, "/events"):
					// An event stream cannot follow a redirect to a page.
					if got.status != http.StatusUnauthorized {
						t.Errorf("%s: %s: %d, want 401", s.name, r.route, got.status)
					}
				case method == "GET":
					if want := "/admin/login?next=" + url.QueryEscape(path); got.status != http.StatusSeeOther || got.location != want {
						t.Errorf("%s: %s: %d to %q, want 303 to %q", s.name, r.route, got.status, got.location, want)
					}
				default:
					if got.status != http.StatusUnauthorized {
						t.Errorf("%s: %s: %d, want 401", s.name, r.route, got.status)
					}
				}
			}
		}
		if changed := authzChanged(before, w.snapshot()); len(changed) > 0 {
			t.Errorf("requests without a session changed %v", changed)
		}
		if n := w.auditCount(); n != audits {
			t.Errorf("requests without a session wrote %d audit entries", n-audits)
		}
	})

	t.Run("cross-site state changes are refused", func(t *testing.T) {
		root := w.browsers["root"] // she may do everything
		before := w.snapshot()
		for _, r := range routes {
			method, path, form := r.request(w, "root", w.untouched["housing 1703"])
			if method != "POST" {
				continue
			}
			for _, header := range [][]string{
				{"Sec-Fetch-Site", "cross-site"},
				{"Sec-Fetch-Site", "same-site"},
				{"Sec-Fetch-Site", "", "Origin", "https://evil.example"},
			} {
				if got := w.send(root, method, path, form, header...); got.status != http.StatusForbidden {
					t.Errorf("%s with %v: %d, want 403", r.route, header, got.status)
				}
			}
		}
		if changed := authzChanged(before, w.snapshot()); len(changed) > 0 {
			t.Errorf("cross-site requests changed %v", changed)
		}
		if !w.loggedIn(root) {
			t.Error("a cross-site logout ended her session")
		}
	})

	t.Run("the inbox lists only her scope", func(t *testing.T) { testAuthzInbox(t, w) })

	t.Run("appeal routes by scope", func(t *testing.T) {
		// An appeal outside her scope looks as one that does not exist.
		ghost := authzAppeal{Appeal: azizayol.Appeal{ID: 999999999}, msg: 999999999}
		asked := func(r authzResp, path string) string { return strings.ReplaceAll(r.body, path, "PATH") }
		for _, who := range authzCast {
			me, cl := w.staff[who.id], w.browsers[who.id]
			nothing := map[string]string{}
			for _, r := range routes {
				if r.action != nil {
					method, path, form := r.request(w, who.id, ghost)
					got := w.send(cl, method, path, form)
					if got.status != http.StatusNotFound {
						t.Errorf("%s %s on no appeal: %d, want 404", who.id, r.route, got.status)
					}
					nothing[r.route] = asked(got, path)
				}
			}
			for _, p := range authzPlaces {
				inScope := slices.Contains(authzSees[who.id], p.name)
				for _, r := range routes {
					if r.action == nil {
						continue
					}
					name := fmt.Sprintf("%s %s on %s", who.id, r.route, p.name)
					if inScope {
						a := w.file(p) // each action on an appeal of its own
						method, path, form := r.request(w, who.id, a)
						got := w.send(cl, method, path, form)
						if got.status != r.ok {
							t.Errorf("%s (in her scope): %d, want %d", name, got.status, r.ok)
							continue
						}
						if err := r.action.done(w, me, a, got); err != nil {
							t.Errorf("%s: %v", name, err)
						}
						if !w.audited(me, r.action.audit, a.ID, "127.0.0.1") {
							t.Errorf("%s: no %q of hers on appeal %d in the audit log", name, r.action.audit, a.ID)
						}
						continue
					}
					a := w.untouched[p.name]
					before := w.state(a.ID)
					method, path, form := r.request(w, who.id, a)
					got := w.send(cl, method, path, form)
					if got.status != http.StatusNotFound {
						t.Errorf("%s (outside her scope): %d, want 404", name, got.status)
					}
					if asked(got, path) != nothing[r.route] {
						t.Errorf("%s: the refusal differs from that of an appeal that does not exist:\n%s\n---\n%s", name, got.body, nothing[r.route])
					}
					if after := w.state(a.ID); after != before {
						t.Errorf("%s changed the appeal: %+v, was %+v", name, after, before)
					}
					if w.files.opened(a.fileID) {
						t.Errorf("%s: her photo was fetched", name)
					}
				}
			}
		}
	})

	t.Run("a file only through its own appeal", func(t *testing.T) {
		// Her own appeal in the URL, another appeal's message after it.
		other := w.untouched["housing 1726"]
		for _, who := range authzCast {
			var mine authzAppeal
			for _, p := range authzPlaces {
				if p.name == authzSees[who.id][0] {
					mine = w.file(p)
				}
			}
			got := w.send(w.browsers[who.id], "GET", "/admin/appeals/"+itoa(mine.ID)+"/files/"+itoa(other.msg)+"/0", nil)
			if got.status != http.StatusNotFound || w.files.opened(other.fileID) {
				t.Errorf("%s: a file of appeal %d through her appeal %d: %d", who.id, other.ID, mine.ID, got.status)
			}
		}
	})

	t.Run("alerts name only appeals in her scope", func(t *testing.T) { testAuthzAlerts(t, w) })

	t.Run("pages by role", func(t *testing.T) {
		for _, who := range authzCast {
			me := w.staff[who.id]
			for _, r := range routes {
				if r.action != nil {
					continue // the scope matrix tries them
				}
				name := who.id + " " + r.route
				cl := w.browsers[who.id]
				if r.ends != authzEndsNone {
					cl = w.browser(me) // a session of its own
				}
				method, path, form := r.request(w, who.id, authzAppeal{})
				if !r.access.allows(who.role) {
					before := w.snapshot()
					got := w.send(cl, method, path, form)
					if got.status != http.StatusForbidden {
						t.Errorf("%s: %d, want 403", name, got.status)
					}
					if changed := authzChanged(before, w.snapshot()); len(changed) > 0 {
						t.Errorf("%s: refused, yet changed %v", name, changed)
					}
					continue
				}
				got := w.send(cl, method, path, form)
				if got.status != r.ok {
					t.Errorf("%s: %d, want %d (%s)", name, got.status, r.ok, got.location)
				}
				switch r.ends {
				case authzEndsThis:
					if w.loggedIn(cl) || !w.loggedIn(w.browsers[who.id]) {
						t.Errorf("%s: not this session alone ended", name)
					}
				case authzEndsAll:
					if w.loggedIn(cl) || w.loggedIn(w.browsers[who.id]) {
						t.Errorf("%s: a session of hers lives on", name)
					}
					w.browsers[who.id] = w.browser(me)
				}
			}
		}
	})

	t.Run("staff accounts", func(t *testing.T) { testAuthzStaff(t, w) })
	t.Run("canned answers", func(t *testing.T) { testAuthzCanned(t, w) })
	t.Run("audit log", func(t *testing.T) { testAuthzAudit(t, w) })
}

// inbox filters, with what the super-admin gets; everyone else gets that within her
// scope (and, with "mine", what is hers).
var authzInboxFilters = []struct {
	query string
	root  []string
	mine  bool // what is hers alone
	page  bool // the whole page asked for too, not the list alone
}{
	{query: "", page: true, root: []string{"housing 1703", "housing 1726", "legal", "legal 1703", "legal 1726", "violence 1703"}},
	{query: "status=received", root: []string{"housing 1703", "legal", "legal 1726", "violence 1703"}},
	{query: "status=in_progress", root: []string{"housing 1726"}},
	{query: "status=answered", root: []string{"legal 1703"}},
	{query: "status=closed", page: true, root: []string{"medical"}},
	{query: "status=withdrawn", root: nil},
	{query: "topic=housing", root: []string{"housing 1703", "housing 1726"}},
	{query: "topic=legal", root: []string{"legal", "legal 1703", "legal 1726"}},
	{query: "topic=medical&status=closed", root: []string{"medical"}},
	{query: "region=1703", root: []string{"housing 1703", "legal 1703", "violence 1703"}},
	{query: "region=1726", page: true, root: []string{"housing 1726", "legal 1726"}},
	{query: "region=1726&status=in_progress", root: []string{"housing 1726"}},
	{query: "district=1703202", root: []string{"housing 1703"}},
	{query: "district=1726264", root: []string{"legal 1726"}},
	{query: "urgent=1", root: []string{"violence 1703"}},
	{query: "overdue=1", root: []string{"legal 1726", "violence 1703"}},
	{query: "unassigned=1", root: []string{"legal", "violence 1703"}},
	{query: "mine=1", mine: true, page: true, root: []string{"housing 1703", "housing 1726", "legal 1703", "legal 1726"}},
	{query: "mine=1&region=1726", mine: true, root: []string{"housing 1726", "legal 1726"}},
	{query: "page=1", page: true, root: nil},
}

// authzAssigned: who works on each appeal of the inbox, some of them outside her scope
// (she took it before it was transferred, before her regions changed).
var authzAssigned = map[string]string{
	"housing 1703": "kh-op", "housing 1726": "kh-op",
	"legal 1703": "ju-op-1703", "legal 1726": "ju-op-1703",
}

var authzListed = regexp.MustCompile(`<td><a href="/admin/appeals/(\d+)">`)

func testAuthzInbox(t *testing.T, w *authzWorld) {
	byID := map[int64]string{}
	for name, a := range w.untouched {
		byID[a.ID] = name
	}
	for place, who := range authzAssigned {
		w.exec(`UPDATE appeals SET assigned_to = $2 WHERE id = $1`, w.untouched[place].ID, w.staff[who].ID)
	}
	w.exec(`UPDATE appeals SET status = 'in_progress' WHERE id = $1`, w.untouched["housing 1726"].ID)
	w.exec(`UPDATE appeals SET status = 'answered' WHERE id = $1`, w.untouched["legal 1703"].ID)
	w.exec(`UPDATE appeals SET status = 'closed' WHERE id = $1`, w.untouched["medical"].ID)
	w.exec(`UPDATE appeals SET deadline_at = now() - interval '1 hour' WHERE id = ANY($1)`,
		[]int64{w.untouched["legal 1726"].ID, w.untouched["violence 1703"].ID})
	defer func() { // back as they were filed, for the matrix
		for _, a := range w.untouched {
			w.exec(`UPDATE appeals SET assigned_to = NULL, status = 'received', deadline_at = $2 WHERE id = $1`, a.ID, a.Deadline)
		}
	}()

	// listed is what the inbox lists; total is how many it says there are in all.
	listed := func(t *testing.T, who, query string, total int, header ...string) []string {
		t.Helper()
		got := w.send(w.browsers[who], "GET", "/admin/inbox?"+query, nil, header...)
		if got.status != http.StatusOK {
			t.Fatalf("%s: inbox?%s: %d", who, query, got.status)
		}
		var names []string
		for _, m := range authzListed.FindAllStringSubmatch(got.body, -1) {
			id, _ := strconv.ParseInt(m[1], 10, 64)
			name, ok := byID[id]
			if !ok {
				name = "appeal " + m[1]
			}
			names = append(names, name)
		}
		slices.Sort(names)
		if total < 0 {
			total = len(names)
		}
		says, err := locales.Text(azizayol.UzLatn, "console.inbox.total", map[string]any{"Count": total})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got.body, says) {
			t.Errorf("%s: inbox?%s does not say %q", who, query, says)
		}
		return names
	}
	want := func(who string, root []string, mine bool) []string {
		var names []string
		for _, name := range root {
			if slices.Contains(authzSees[who], name) && (!mine || authzAssigned[name] == who) {
				names = append(names, name)
			}
		}
		slices.Sort(names)
		return names
	}

	for _, who := range authzCast {
		for _, f := range authzInboxFilters {
			expect, total := want(who.id, f.root, f.mine), -1
			if f.query == "page=1" { // a page past the open ones she has
				total = len(want(who.id, authzInboxFilters[0].root, false))
			}
			// The live update asks for the list alone, as the page shows it: the
			// page itself (its filters and alerts around that list) is slow under
			// -race, so it is asked for a few filters only.
			if got := listed(t, who.id, f.query, total, "X-Partial", "inbox"); !slices.Equal(got, expect) {
				t.Errorf("%s: the list of inbox?%s has %q, want %q", who.id, f.query, got, expect)
			}
			if f.page {
				if got := listed(t, who.id, f.query, total); !slices.Equal(got, expect) {
					t.Errorf("%s: inbox?%s lists %q, want %q", who.id, f.query, got, expect)
				}
			}
		}
		// Search by number, by phone as filed and as she would say it.
		for _, p := range authzPlaces {
			a := w.untouched[p.name]
			status := ""
			if p.name == "medical" {
				status = "&status=closed"
			}
			var wanted []string
			if slices.Contains(authzSees[who.id], p.name) {
				wanted = []string{p.name}
			}
			for _, q := range []string{a.Number, strings.ToLower(a.Number), a.Phone, a.Phone[4:6] + " " + a.Phone[6:9] + "-" + a.Phone[9:]} {
				if got := listed(t, who.id, "q="+url.QueryEscape(q)+status, -1, "X-Partial", "inbox"); !slices.Equal(got, wanted) {
					t.Errorf("%s: inbox?q=%s (%s) lists %q, want %q", who.id, q, p.name, got, wanted)
				}
			}
		}
	}
}

// An alert raised while an appeal was hers stays in her list: once it is transferred
// away, it must not show her the appeal.
func testAuthzAlerts(t *testing.T, w *authzWorld) {
	var housing authzPlace
	for _, p := range authzPlaces {
		if p.name == "housing 1703" {
			housing = p
		}
	}
	a := w.file(housing)
	op := w.browsers["kh-op"]
	if got := w.send(op, "POST", "/admin/appeals/"+itoa(a.ID)+"/take", nil); got.status != http.StatusSeeOther {
		t.Fatalf("take: %d", got.status)
	}
	if _, err := w.c.db.Deadlines(context.Background(), a.Deadline.Add(-time.Hour), 24*time.Hour, 2*time.Hour, 2*time.Hour); err != nil {
		t.Fatal(err)
	}
	link := `href="/admin/appeals/` + itoa(a.ID) + `"`
	if got := w.send(op, "GET", "/admin/inbox", url.Values{"status": {"withdrawn"}}); !strings.Contains(got.body, link) {
		t.Fatalf("the warning of the deadline is not on her page:\n%s", got.body)
	}
	form := url.Values{"agency": {itoa(w.agency["justice"])}, "reason": {"Huquqiy masala."}}
	if got := w.send(w.browsers["root"], "POST", "/admin/appeals/"+itoa(a.ID)+"/transfer", form); got.status != http.StatusSeeOther {
		t.Fatalf("transfer: %d", got.status)
	}
	for _, path := range []string{"/admin/inbox", "/admin/simulator", "/admin/appeals/" + itoa(w.untouched["housing 1703"].ID)} {
		got := w.send(op, "GET", path, nil)
		if strings.Contains(got.body, link) || strings.Contains(got.body, a.Number) {
			t.Errorf("%s: the alert of appeal %s, now with the Ministry of Justice, is still shown to the khokimiyat's operator", path, a.Number)
		}
	}
}

func testAuthzStaff(t *testing.T, w *authzWorld) {
	kh, ju, root := w.staff["kh-admin"], w.staff["ju-admin"], w.staff["root"]
	juOp, khOp := w.staff["ju-op"], w.staff["kh-op"]
	justice, khokimiyat := w.agency["justice"], w.agency["khokimiyat-1703"]
	edit := func(s azizayol.Staff, change ...string) url.Values {
		f := url.Values{"name": {s.Name}, "role": {string(s.Role)}, "lang": {string(s.Lang)}, "regions": s.Regions}
		for i := 0; i+1 < len(change); i += 2 {
			f.Set(change[i], change[i+1])
		}
		return f
	}
	for _, tc := range []struct {
		name   string
		who    string
		method string
		path   string
		form   url.Values
		want   int
	}{
		{"another agency's account", "kh-admin", "GET", "/admin/staff/" + itoa(juOp.ID), nil, 404},
		{"a super-admin's account", "kh-admin", "GET", "/admin/staff/" + itoa(root.ID), nil, 404},
		{"edit another agency's account", "kh-admin", "POST", "/admin/staff/" + itoa(juOp.ID), edit(juOp, "disabled", "1", "password", "a long enough password"), 404},
		{"promote another agency's account", "kh-admin", "POST", "/admin/staff/" + itoa(juOp.ID), edit(juOp, "role", "agency_admin"), 404},
		{"demote a super-admin", "kh-admin", "POST", "/admin/staff/" + itoa(root.ID), edit(root, "role", "operator", "agency", itoa(khokimiyat)), 404},
		{"log out another agency's account", "kh-admin", "POST", "/admin/staff/" + itoa(juOp.ID) + "/logout", nil, 404},
		{"log out a super-admin", "kh-admin", "POST", "/admin/staff/" + itoa(root.ID) + "/logout", nil, 404},
		{"the khokimiyat's account", "ju-admin", "GET", "/admin/staff/" + itoa(khOp.ID), nil, 404},
		{"edit the khokimiyat's admin", "ju-admin", "POST", "/admin/staff/" + itoa(kh.ID), edit(kh, "disabled", "1"), 404},
		{"create a super-admin", "kh-admin", "POST", "/admin/staff", url.Values{"email": {"boss@example.uz"}, "name": {"Boss"},
			"role": {"super_admin"}, "lang": {"uz-Latn"}, "password": {"a long enough password"}}, 403},
		{"promote her operator to super-admin", "kh-admin", "POST", "/admin/staff/" + itoa(khOp.ID), edit(khOp, "role", "super_admin"), 422},
		{"demote herself", "kh-admin", "POST", "/admin/staff/" + itoa(kh.ID), edit(kh, "role", "operator"), 422},
		{"disable herself", "kh-admin", "POST", "/admin/staff/" + itoa(kh.ID), edit(kh, "disabled", "1"), 422},
		{"demote herself (super-admin)", "root", "POST", "/admin/staff/" + itoa(root.ID), edit(root, "role", "agency_admin", "agency", itoa(justice)), 422},
		{"disable herself (super-admin)", "root", "POST", "/admin/staff/" + itoa(root.ID), edit(root, "disabled", "1"), 422},
		{"an operator opens her own account", "kh-op", "GET", "/admin/staff/" + itoa(khOp.ID), nil, 403},
		{"an operator promotes herself", "ju-op-1703", "POST", "/admin/staff/" + itoa(w.staff["ju-op-1703"].ID), edit(w.staff["ju-op-1703"], "role", "agency_admin", "regions", ""), 403},
	} {
		before := w.snapshot()
		if got := w.send(w.browsers[tc.who], tc.method, tc.path, tc.form); got.status != tc.want {
			t.Errorf("%s: %s %s: %d, want %d", tc.who, tc.name, tc.path, got.status, tc.want)
		}
		if changed := authzChanged(before, w.snapshot()); len(changed) > 0 {
			t.Errorf("%s: %s changed %v", tc.who, tc.name, changed)
		}
	}
	for _, id := range []string{"kh-admin", "ju-op", "root", "kh-op"} {
		if !w.loggedIn(w.browsers[id]) {
			t.Errorf("%s was logged out", id)
		}
	}

	// An account she creates is of her agency, whatever the form says.
	form := url.Values{"email": {"moved@example.uz"}, "name": {"Moved"}, "role": {"agency_admin"},
		"agency": {itoa(justice)}, "lang": {"uz-Latn"}, "password": {"a long enough password"}}
	if got := w.send(w.browsers["kh-admin"], "POST", "/admin/staff", form); got.status != http.StatusSeeOther {
		t.Errorf("create an admin: %d", got.status)
	}
	var agency int64
	if err := w.c.pool.QueryRow(context.Background(), `SELECT coalesce(agency_id, 0) FROM staff WHERE email = 'moved@example.uz'`).Scan(&agency); err != nil {
		t.Fatal(err)
	}
	if agency != khokimiyat {
		t.Errorf("the khokimiyat's admin created an account of agency %d, want her own %d", agency, khokimiyat)
	}

	// Her list has her agency's accounts alone.
	_, body := w.c.get(w.browsers["kh-admin"], "/admin/staff")
	for _, s := range []azizayol.Staff{kh, khOp, w.victims["khokimiyat-1703"]} {
		if !strings.Contains(body, s.Email) {
			t.Errorf("her staff page lacks %s", s.Email)
		}
	}
	for _, s := range []azizayol.Staff{root, ju, juOp, w.victims["justice"]} {
		if strings.Contains(body, s.Email) {
			t.Errorf("the khokimiyat's staff page shows %s", s.Email)
		}
	}
	_, body = w.c.get(w.browsers["root"], "/admin/staff")
	for _, s := range []azizayol.Staff{root, kh, ju, juOp} {
		if !strings.Contains(body, s.Email) {
			t.Errorf("the super-admin's staff page lacks %s", s.Email)
		}
	}
}

func testAuthzCanned(t *testing.T, w *authzWorld) {
	kh, ju, root := w.browsers["kh-admin"], w.browsers["ju-admin"], w.browsers["root"]
	mine := w.cannedAnswer("khokimiyat-1703", "Hokimlik javobi")
	theirs := w.cannedAnswer("justice", "Adliya javobi")
	everyone := w.cannedAnswer("", "Umumiy javob")
	form := func(id int64, title string) url.Values {
		return url.Values{"id": {itoa(id)}, "title": {title}, "uz_latn": {"Keling."}, "uz_cyrl": {"Келинг."}, "ru": {"Приходите."}}
	}
	titles := func() map[int64]string {
		rows, err := w.c.pool.Query(context.Background(), `SELECT id, title FROM canned_answers`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		m := map[int64]string{}
		for rows.Next() {
			var id int64
			var title string
			if err := rows.Scan(&id, &title); err != nil {
				t.Fatal(err)
			}
			m[id] = title
		}
		return m
	}

	_, body := w.c.get(kh, "/admin/canned")
	if !strings.Contains(body, "Hokimlik javobi") || strings.Contains(body, "Adliya javobi") || strings.Contains(body, "Umumiy javob") {
		t.Errorf("the khokimiyat's canned answers page shows what is not hers:\n%s", body)
	}
	for _, tc := range []struct {
		name string
		cl   *http.Client
		path string
		form url.Values
		want int
	}{
		{"the khokimiyat edits the Ministry's", kh, "/admin/canned", form(theirs, "Changed"), 404},
		{"the khokimiyat deletes the Ministry's", kh, "/admin/canned/" + itoa(theirs) + "/delete", nil, 404},
		{"the khokimiyat edits the one for all", kh, "/admin/canned", form(everyone, "Changed"), 404},
		{"the khokimiyat deletes the one for all", kh, "/admin/canned/" + itoa(everyone) + "/delete", nil, 404},
		{"the Ministry edits the khokimiyat's", ju, "/admin/canned", form(mine, "Changed"), 404},
		{"the Ministry deletes the khokimiyat's", ju, "/admin/canned/" + itoa(mine) + "/delete", nil, 404},
	} {
		before := titles()
		if got := w.send(tc.cl, "POST", tc.path, tc.form); got.status != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got.status, tc.want)
		}
		if after := titles(); !maps.Equal(before, after) {
			t.Errorf("%s: canned answers changed: %v, were %v", tc.name, after, before)
		}
	}
	// Her own she edits; the super-admin edits every agency's, and they stay theirs.
	for _, tc := range []struct {
		name string
		cl   *http.Client
		id   int64
	}{
		{"the khokimiyat edits hers", kh, mine},
		{"the super-admin edits the Ministry's", root, theirs},
		{"the super-admin edits the one for all", root, everyone},
	} {
		if got := w.send(tc.cl, "POST", "/admin/canned", form(tc.id, tc.name)); got.status != http.StatusSeeOther || got.location != "/admin/canned?done=console.done.saved" {
			t.Errorf("%s: %d to %q", tc.name, got.status, got.location)
		}
		if titles()[tc.id] != tc.name {
			t.Errorf("%s: not saved", tc.name)
		}
	}
	var agency int64
	if err := w.c.pool.QueryRow(context.Background(), `SELECT coalesce(agency_id, 0) FROM canned_answers WHERE id = $1`, theirs).Scan(&agency); err != nil {
		t.Fatal(err)
	}
	if agency != w.agency["justice"] {
		t.Errorf("the Ministry's canned answer moved to agency %d", agency)
	}
	if got := w.send(root, "POST", "/admin/canned/"+itoa(theirs)+"/delete", nil); got.status != http.StatusSeeOther {
		t.Errorf("the super-admin deletes the Ministry's: %d", got.status)
	}
	if _, ok := titles()[theirs]; ok {
		t.Error("the super-admin deleted the Ministry's canned answer, yet it is there")
	}
}

// Every view and action is in the audit log, with where it came from; the super-admin
// reads it.
func testAuthzAudit(t *testing.T, w *authzWorld) {
	a := w.untouched["housing 1703"]
	op := w.staff["kh-op"]
	// Behind our proxy the address is the one it names.
	got := w.send(w.browsers["kh-op"], "GET", "/admin/appeals/"+itoa(a.ID), nil, "X-Real-IP", "203.0.113.7")
	if got.status != http.StatusOK {
		t.Fatalf("view: %d", got.status)
	}
	if !w.audited(op, "view", a.ID, "203.0.113.7") {
		t.Error("the view is not in the audit log with the address the proxy names")
	}
	got = w.send(w.browsers["root"], "GET", "/admin/audit", url.Values{"appeal": {itoa(a.ID)}})
	if got.status != http.StatusOK || !strings.Contains(got.body, op.Email) || !strings.Contains(got.body, "203.0.113.7") {
		t.Errorf("the super-admin's audit page for appeal %d: %d\n%s", a.ID, got.status, got.body)
	}
}
