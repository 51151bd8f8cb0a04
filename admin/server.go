package admin

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/locales"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Store is what the console reads and keeps (postgres.DB).
type Store interface {
	DB
	Audit(ctx context.Context, e azizayol.AuditEntry) error
	AuditLog(ctx context.Context, f azizayol.AuditFilter) ([]azizayol.AuditEntry, error)

	CreateStaff(ctx context.Context, s azizayol.Staff, hash string) (int64, error)
	StaffByEmail(ctx context.Context, email string) (azizayol.Staff, string, error)
	StaffByID(ctx context.Context, id int64) (azizayol.Staff, error)
	ListStaff(ctx context.Context, agencyID int64) ([]azizayol.Staff, error)
	UpdateStaff(ctx context.Context, s azizayol.Staff) error
	SetStaffLang(ctx context.Context, id int64, lang azizayol.Lang) error
	SetPassword(ctx context.Context, id int64, hash string) error

	CreateSession(ctx context.Context, tokenHash []byte, staffID int64, addr string) error
	SessionStaff(ctx context.Context, tokenHash []byte, idle, absolute time.Duration) (azizayol.Staff, error)
	DeleteSession(ctx context.Context, tokenHash []byte) error
	DeleteSessions(ctx context.Context, staffID int64) error

	Inbox(ctx context.Context, who azizayol.Staff, f azizayol.Filter, now time.Time) ([]azizayol.InboxItem, int, error)
	DeskAppeal(ctx context.Context, who azizayol.Staff, id int64) (azizayol.InboxItem, []azizayol.ThreadEntry, error)
	AttachmentOf(ctx context.Context, who azizayol.Staff, appealID, messageID int64, n int) (azizayol.Attachment, azizayol.Channel, error)
	Agencies(ctx context.Context) ([]azizayol.Agency, error)
	TopicCodes(ctx context.Context) ([]string, error)
	AllRegions(ctx context.Context) ([]azizayol.Region, error)
	AllDistricts(ctx context.Context) ([]azizayol.District, error)

	CannedAnswers(ctx context.Context, agencyID int64) ([]azizayol.CannedAnswer, error)
	SaveCannedAnswer(ctx context.Context, c azizayol.CannedAnswer) (int64, error)
	DeleteCannedAnswer(ctx context.Context, id, agencyID int64) error

	Alerts(ctx context.Context, staffID int64) ([]azizayol.Alert, error)
	SeenAlerts(ctx context.Context, staffID, appealID int64) error

	CrisisStore
	StatsStore
	ReportStore
	ArticleStore
	BroadcastStore
}

// Counter counts failed logins in a window shared by every instance (redis.Client).
type Counter interface {
	Hit(ctx context.Context, key string, window time.Duration) (int64, error)
	Hits(ctx context.Context, key string) (int64, error)
	ForgetHits(ctx context.Context, key string) error
}

// Files opens a file a woman sent, by the channel's id of it (bot/telegram).
type Files interface {
	Open(ctx context.Context, fileID string) (body []byte, contentType string, err error)
}

// Config is what the console needs.
type Config struct {
	Store     Store
	Desk      *Desk
	Counter   Counter
	Events    *Hub
	Simulator *Simulator // nil: no simulator page
	Files     Files      // nil: attachments cannot be opened
	// CrisisChanged is told after a super-admin changed the crisis vocabulary: this
	// instance matches with the new list at once and tells the others (nil: they
	// find it at their next periodic reload).
	CrisisChanged func()
	// SecureCookies marks the session cookie Secure (served over HTTPS, as in
	// production); tests over plain HTTP on localhost turn it off.
	SecureCookies bool
	// TrustedProxies are the addresses of our own reverse proxies: from them, and only
	// from them, X-Real-IP names the client (for the audit log and the login
	// throttle). None: the direct peer is the client.
	TrustedProxies []netip.Prefix
	// BroadcastRates are the messages a second broadcasts go at, by channel (for
	// their ETA); SMSPrice is what one SMS segment costs, in so'm (their cost).
	BroadcastRates map[azizayol.Channel]float64
	SMSPrice       int
	Idle           time.Duration // a session unused this long ends
	Absolute       time.Duration // a session ends this long after login, used or not
	Now            azizayol.Clock
}

// Console is the staff's web console, served under /admin/.
type Console struct {
	cfg   Config
	pages map[string]*template.Template
	mux   *http.ServeMux
	// streams ends the event streams when the server shuts down: they would
	// otherwise hold a graceful shutdown until its timeout.
	streams     context.Context
	stopStreams context.CancelFunc
	routeList   []string // what Routes returns
}

// CloseStreams ends every open event stream (http.Server.RegisterOnShutdown).
func (c *Console) CloseStreams() { c.stopStreams() }

// Prefix is where the console is served.
const Prefix = "/admin"

// New returns the console.
func New(cfg Config) (*Console, error) {
	if cfg.Idle == 0 {
		cfg.Idle = 30 * time.Minute
	}
	if cfg.Absolute == 0 {
		cfg.Absolute = 12 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	c := &Console{cfg: cfg, pages: map[string]*template.Template{}, mux: http.NewServeMux()}
	c.streams, c.stopStreams = context.WithCancel(context.Background())
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("admin: templates: %w", err)
	}
	for _, name := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")
		if base == "layout" || base == "parts" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/parts.html", name)
		if err != nil {
			return nil, fmt.Errorf("admin: template %s: %w", name, err)
		}
		c.pages[base] = t
	}
	c.routes()
	return c, nil
}

// access says who may use a route.
type access int

const (
	anyStaff access = iota
	admins          // super-admins and agency admins
	superOnly
)

func (c *Console) routes() {
	static, _ := fs.Sub(staticFS, "static")
	c.mux.Handle("GET "+Prefix+"/static/", http.StripPrefix(Prefix+"/static/", http.FileServerFS(static)))
	c.mux.HandleFunc("GET "+Prefix+"/login", c.loginPage)
	c.mux.HandleFunc("POST "+Prefix+"/login", c.login)
	c.mux.HandleFunc("GET "+Prefix+"/{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, Prefix+"/inbox", http.StatusSeeOther)
	})

	c.handle("POST /logout", anyStaff, c.logout)
	c.handle("POST /logout-everywhere", anyStaff, c.logoutEverywhere)
	c.handle("POST /lang", anyStaff, c.setLang)
	c.handle("GET /inbox", anyStaff, c.inbox)
	c.handle("GET /events", anyStaff, c.events)
	c.handle("POST /alerts/seen", anyStaff, c.alertsSeen)
	c.handle("GET /appeals/{id}", anyStaff, c.appeal)
	c.handle("GET /appeals/{id}/files/{msg}/{n}", anyStaff, c.file)
	c.handle("POST /appeals/{id}/take", anyStaff, c.take)
	c.handle("POST /appeals/{id}/answer", anyStaff, c.answer)
	c.handle("POST /appeals/{id}/note", anyStaff, c.note)
	c.handle("POST /appeals/{id}/transfer", anyStaff, c.transfer)
	c.handle("POST /appeals/{id}/status", anyStaff, c.status)
	c.handle("GET /canned", admins, c.cannedPage)
	c.handle("POST /canned", admins, c.cannedSave)
	c.handle("POST /canned/{id}/delete", admins, c.cannedDelete)
	c.handle("GET /staff", admins, c.staffPage)
	c.handle("POST /staff", admins, c.staffCreate)
	c.handle("GET /staff/{id}", admins, c.staffEdit)
	c.handle("POST /staff/{id}", admins, c.staffUpdate)
	c.handle("POST /staff/{id}/logout", admins, c.staffLogout)
	c.handle("GET /audit", superOnly, c.auditPage)
	c.crisisRoutes()
	c.statsRoutes()
	c.reportsRoutes()
	c.articlesRoutes()
	c.broadcastsRoutes()
	if c.cfg.Simulator != nil {
		c.handle("GET /simulator", anyStaff, c.simulatorPage)
		c.handle("POST /simulator", anyStaff, c.simulatorSay)
		c.handle("POST /simulator/restart", anyStaff, c.simulatorRestart)
		c.handle("GET /simulator/events", anyStaff, c.simulatorEvents)
	}
}

// Routes lists every route that needs a login, for the authorisation tests.
func (c *Console) Routes() []string { return c.routeList }

type staffHandler func(w http.ResponseWriter, r *http.Request, me azizayol.Staff)

// handle serves pattern ("METHOD /path") to logged-in staff with the access it needs;
// anyone else is sent to the login page (a page) or refused (anything else).
func (c *Console) handle(pattern string, need access, h staffHandler) {
	method, path, _ := strings.Cut(pattern, " ")
	c.routeList = appendOnce(c.routeList, method+" "+Prefix+path)
	c.mux.HandleFunc(method+" "+Prefix+path, func(w http.ResponseWriter, r *http.Request) {
		me, ok := c.session(r)
		if !ok {
			if r.Method == http.MethodGet && !strings.HasSuffix(r.URL.Path, "/events") {
				http.Redirect(w, r, Prefix+"/login?next="+urlQuery(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			http.Error(w, http.StatusText(http.StatusUnauthorized), http.StatusUnauthorized)
			return
		}
		if (need == admins && !me.Admin()) || (need == superOnly && me.Role != azizayol.SuperAdmin) {
			c.fail(w, r, me, http.StatusForbidden)
			return
		}
		h(w, r, me)
	})
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// ServeHTTP serves the console with its security headers, and refuses state changes
// that come from another site (Go's cross-origin protection reads Sec-Fetch-Site and
// Origin: no token to forget in a form).
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// Everything comes from our own origin: no third-party scripts, fonts or trackers.
	h.Set("Content-Security-Policy", CSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
	h.Set("Cache-Control", "no-store")
	if err := crossOrigin.Check(r); err != nil {
		http.Error(w, "cross-origin request refused", http.StatusForbidden)
		return
	}
	c.mux.ServeHTTP(w, r)
}

// CSP is the console's Content-Security-Policy.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

var crossOrigin = http.NewCrossOriginProtection()

// view is what every page template gets.
type view struct {
	Lang   azizayol.Lang
	Me     azizayol.Staff
	Title  string
	Path   string
	Alerts []azizayol.Alert
	// Reminders: her agency's publications and reports due within days or late.
	Reminders reminderCount
	Notice    string // a message id: what just happened
	Error     string // a message id: what went wrong
	Now       time.Time
	Data      any
}

// T is a console text in the page's language; args are name, value pairs.
func (v view) T(id string, args ...any) string {
	data := map[string]any{}
	for i := 0; i+1 < len(args); i += 2 {
		data[fmt.Sprint(args[i])] = args[i+1]
	}
	s, err := locales.Text(v.Lang, id, data)
	if err != nil {
		slog.Error("console text missing", "id", id, "lang", v.Lang, "err", err)
		return id
	}
	return s
}

// LangName is the name of one of the women's languages, in the page's language.
func (v view) LangName(l azizayol.Lang) string { return v.T("console.lang." + langField(l)) }

// langField names a language in form fields and message ids: uz_latn, uz_cyrl, ru.
func langField(l azizayol.Lang) string {
	return strings.ReplaceAll(strings.ToLower(string(l)), "-", "_")
}

// Name is a name in the page's language (Uzbek Cyrillic pages read Latin names).
func (v view) Name(n azizayol.Names) string { return n.In(v.Lang) }

// AgencyName is her agency's name as kept on the account ("latin|russian").
func (v view) AgencyName(s string) string {
	latn, ru, _ := strings.Cut(s, "|")
	if v.Lang == azizayol.Ru {
		return ru
	}
	return latn
}

// When is a time in Tashkent.
func (v view) When(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(azizayol.Tashkent).Format("02.01.2006 15:04")
}

// Left is the time left to a deadline, or how long it is overdue.
func (v view) Left(deadline time.Time) string {
	d := deadline.Sub(v.Now)
	id := "console.left"
	if d < 0 {
		id, d = "console.overdue_by", -d
	}
	hours := int(d.Hours())
	return v.T(id, "Days", hours/24, "Hours", hours%24, "Minutes", int(d.Minutes())%60)
}

// Overdue tells whether an appeal waits past its deadline.
func (v view) Overdue(a azizayol.Appeal) bool { return a.Overdue(v.Now) }

var funcs = template.FuncMap{
	"add": func(a, b int) int { return a + b },
	"eq2": func(a, b any) bool { return fmt.Sprint(a) == fmt.Sprint(b) },
}

// page renders a page of the console.
func (c *Console) page(w http.ResponseWriter, r *http.Request, me azizayol.Staff, name string, status int, data any) {
	v := c.view(r, me)
	v.Data = data
	t, ok := c.pages[name]
	if !ok {
		slog.Error("console page missing", "page", name)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, "layout", v); err != nil {
		slog.Error("console page failed", "page", name, "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprint(w, b.String())
}

func (c *Console) view(r *http.Request, me azizayol.Staff) view {
	v := view{Lang: langOf(r, me), Me: me, Path: r.URL.Path, Now: c.cfg.Now(),
		Notice: knownText(r.URL.Query().Get("done")), Error: knownText(r.URL.Query().Get("err"))}
	if me.ID != 0 {
		alerts, err := c.cfg.Store.Alerts(r.Context(), me.ID)
		if err != nil {
			slog.Error("console alerts", "err", err)
		}
		v.Alerts = alerts
		v.Reminders = c.reminders(r.Context(), me)
	}
	return v
}

// reminderCount is how many of her agency's publications and reports are due within
// days or late: every page says so until they are done.
type reminderCount struct{ Publications, Reports int }

func (c *Console) reminders(ctx context.Context, me azizayol.Staff) reminderCount {
	var n reminderCount
	if me.AgencyID == 0 {
		return n // a super-admin sees every agency's on their pages
	}
	dues, err := c.cfg.Store.Dues(ctx, me.AgencyID)
	if err != nil {
		slog.Error("console reminders", "err", err)
	}
	for _, d := range dues {
		if _, ok := d.Reminder(c.cfg.Now()); ok {
			n.Publications++
		}
	}
	reports, err := c.cfg.Store.ReportRemindersOf(ctx, me.AgencyID)
	if err != nil {
		slog.Error("console reminders", "err", err)
	}
	n.Reports = len(reports)
	return n
}

// knownText lets a redirect name a notice by its message id, and nothing else.
func knownText(id string) string {
	if (strings.HasPrefix(id, "console.") || strings.HasPrefix(id, "broadcasts.")) && locales.Has(azizayol.UzLatn, id) {
		return id
	}
	return ""
}

// langOf is the console's language for this request: hers once logged in, else the
// one chosen on the login page, else the browser's.
func langOf(r *http.Request, me azizayol.Staff) azizayol.Lang {
	if me.Lang != "" {
		return me.Lang
	}
	if l, ok := azizayol.ParseLang(r.URL.Query().Get("lang")); ok {
		return l
	}
	if strings.HasPrefix(r.Header.Get("Accept-Language"), "ru") {
		return azizayol.Ru
	}
	return azizayol.UzLatn
}

// fail answers with an error page: 404 for what is outside her scope, as if it did
// not exist.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, me azizayol.Staff, status int) {
	c.page(w, r, me, "error", status, map[string]any{"Status": status})
}

// failed logs an unexpected error once and answers with a page that does not show it.
func (c *Console) failed(w http.ResponseWriter, r *http.Request, me azizayol.Staff, err error) {
	if errors.Is(err, azizayol.ErrNotFound) {
		c.fail(w, r, me, http.StatusNotFound)
		return
	}
	if errors.Is(err, context.Canceled) {
		return
	}
	slog.Error("console request failed", "path", r.URL.Path, "staff", me.Email, "err", err)
	c.fail(w, r, me, http.StatusInternalServerError)
}

// back redirects after a change to where it came from, with a notice or an error.
func back(w http.ResponseWriter, r *http.Request, to, key, id string) {
	sep := "?"
	if strings.Contains(to, "?") {
		sep = "&"
	}
	if id != "" {
		to += sep + key + "=" + id
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// addr is where a request comes from, for the audit log and the login throttle: the
// direct peer, or, when the peer is one of our proxies, the X-Real-IP it sets.
func (c *Console) addr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	real := r.Header.Get("X-Real-IP")
	if real == "" {
		return host
	}
	for _, p := range c.cfg.TrustedProxies {
		if p.Contains(peer.Unmap()) {
			if ip, err := netip.ParseAddr(strings.TrimSpace(real)); err == nil {
				return ip.String()
			}
			return host
		}
	}
	return host
}

func pathID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil && id > 0
}

func urlQuery(s string) string { return template.URLQueryEscaper(s) }
