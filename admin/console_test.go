package admin_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/admin"
	"github.com/azizayol/azizayol/jobs"
	"github.com/azizayol/azizayol/locales"
)

// The console's own tests: logging in and its sessions, the login throttle, the
// security headers and cross-site protection, and the work on an appeal through the
// forms a browser submits.

// --- logging in -------------------------------------------------------------------

// Every failed login gets the same page: no telling a wrong password from an unknown
// email or a disabled account.
func TestLoginFailuresLookAlike(t *testing.T) {
	t.Parallel()
	c := newConsole(t)
	her := c.staff(azizayol.Operator, "khokimiyat-1703")
	gone := c.staff(azizayol.Operator, "khokimiyat-1703")
	c.sql(`UPDATE staff SET disabled_at = now() WHERE id = $1`, gone.ID)

	var first string
	for _, tc := range []struct{ name, email, password string }{
		{"wrong password", her.Email, "wrong horse battery staple"},
		{"unknown email", "nobody@example.uz", password},
		{"disabled account", gone.Email, password},
		{"empty form", "", ""},
	} {
		resp, body := c.send(c.client(), "/admin/login", url.Values{"email": {tc.email}, "password": {tc.password}}, sameOrigin...)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", tc.name, resp.StatusCode)
		}
		if len(resp.Cookies()) != 0 {
			t.Errorf("%s: cookies set: %v", tc.name, resp.Cookies())
		}
		if !strings.Contains(body, text(t, azizayol.UzLatn, "console.login.wrong", nil)) {
			t.Errorf("%s: the page does not say the email or password is wrong:\n%s", tc.name, body)
		}
		page := body
		if tc.email != "" {
			page = strings.ReplaceAll(body, tc.email, "EMAIL") // the form keeps what she typed
		} else {
			page = strings.Replace(body, `value=""`, `value="EMAIL"`, 1)
		}
		if first == "" {
			first = page
		} else if page != first {
			t.Errorf("%s: the page differs from the first refusal's:\n%s\n---\n%s", tc.name, page, first)
		}
	}

	// The right password logs her in, however she typed her email.
	resp, _ := c.send(c.client(), "/admin/login", url.Values{"email": {"  " + strings.ToUpper(her.Email) + " "}, "password": {password}}, sameOrigin...)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/inbox" {
		t.Errorf("right password: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// After login she goes where she was going, if that is in the console: the login
	// page carries it on, and the login goes there.
	for next, want := range map[string]string{
		"/admin/appeals/7?done=x": "/admin/appeals/7?done=x",
		"//evil.example/admin/":   "/admin/inbox",
		"https://evil.example/":   "/admin/inbox",
		"/admin/\\evil.example":   "/admin/inbox",
		"/admin/\r\nSet-Cookie:":  "/admin/inbox",
	} {
		_, body := c.get(c.client(), "/admin/login?next="+url.QueryEscape(next))
		if !strings.Contains(body, `name="next" value="`+strings.ReplaceAll(want, "&", "&amp;")+`"`) {
			t.Errorf("next=%q: the login page does not carry on %q", next, want)
		}
	}
	resp, _ = c.send(c.client(), "/admin/login", url.Values{"email": {her.Email}, "password": {password}, "next": {"/admin/appeals/7"}}, sameOrigin...)
	if got := resp.Header.Get("Location"); got != "/admin/appeals/7" {
		t.Errorf("login with next: sent to %q", got)
	}
	if n := c.countRows(`SELECT count(*) FROM audit_log WHERE action = 'login_failed' AND addr = '127.0.0.1'`); n != 4 {
		t.Errorf("%d failed logins in the audit log, want 4", n)
	}
	if n := c.countRows(`SELECT count(*) FROM audit_log WHERE action = 'login' AND staff_id = $1`, her.ID); n != 2 {
		t.Errorf("%d logins of hers in the audit log, want 2", n)
	}
}

// The session cookie cannot be read by scripts, is not sent from other sites, stays
// in the console, and is Secure when the console is served over HTTPS. The database
// keeps only the SHA-256 of its value.
func TestSessionCookie(t *testing.T) {
	t.Parallel()
	c := newConsole(t)
	her := c.staff(azizayol.AgencyAdmin, "justice")
	for _, secure := range []bool{false, true} {
		srv := c.srv // the harness's console: SecureCookies off
		if secure {
			cons, err := admin.New(admin.Config{
				TrustedProxies: testProxies,
				Store:          c.db, Desk: admin.NewDesk(c.db, func(int64) {}, time.Now), Counter: c.rdb, Events: admin.NewHub(),
				SecureCookies: true,
			})
			if err != nil {
				t.Fatal(err)
			}
			srv = httptest.NewServer(cons)
			defer srv.Close()
		}
		// A client without a jar: a jar would not keep a Secure cookie over HTTP.
		cl := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, _, err := postForm(cl, srv.URL+"/admin/login", url.Values{"email": {her.Email}, "password": {password}}, sameOrigin...)
		if err != nil {
			t.Fatal(err)
		}
		ck := cookieNamed(resp, "aa_session")
		if ck == nil {
			t.Fatalf("secure=%v: no session cookie in %q", secure, resp.Header.Values("Set-Cookie"))
		}
		if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/admin/" || ck.Secure != secure || ck.Domain != "" {
			t.Errorf("secure=%v: cookie %q", secure, resp.Header.Get("Set-Cookie"))
		}
		if ck.MaxAge != int((12 * time.Hour).Seconds()) {
			t.Errorf("secure=%v: cookie lives %ds, want the absolute expiry of 12h", secure, ck.MaxAge)
		}
		if len(ck.Value) < 43 {
			t.Errorf("secure=%v: a token of %d characters", secure, len(ck.Value))
		}
		hash := sha256.Sum256([]byte(ck.Value))
		if n := c.countRows(`SELECT count(*) FROM staff_sessions WHERE token_hash = $1 AND staff_id = $2`, hash[:], her.ID); n != 1 {
			t.Errorf("secure=%v: %d sessions stored by the token's hash", secure, n)
		}
		if n := c.countRows(`SELECT count(*) FROM staff_sessions WHERE token_hash = $1`, []byte(ck.Value)); n != 0 {
			t.Errorf("secure=%v: the token itself is stored", secure)
		}

		// Logging out clears the cookie with the same attributes.
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/admin/logout", nil)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.AddCookie(ck)
		resp, err = cl.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		gone := cookieNamed(resp, "aa_session")
		if gone == nil || gone.MaxAge >= 0 || gone.Value != "" || !gone.HttpOnly || gone.Secure != secure ||
			gone.SameSite != http.SameSiteStrictMode || gone.Path != "/admin/" {
			t.Errorf("secure=%v: logout's cookie %q", secure, resp.Header.Get("Set-Cookie"))
		}
	}
}

// A session ends when unused for the idle time (30 minutes) or at the absolute expiry
// (12 hours after login) however busy; a session in use is kept alive.
func TestSessionExpiry(t *testing.T) {
	t.Parallel()
	c := newConsole(t)
	for _, tc := range []struct {
		name string
		age  string // what to set on her session
		live bool
	}{
		{"used 29 minutes ago", `seen_at = now() - interval '29 minutes'`, true},
		{"unused for 31 minutes", `seen_at = now() - interval '31 minutes'`, false},
		{"logged in 11h59m ago, used just now", `created_at = now() - interval '11 hours 59 minutes'`, true},
		{"logged in 12h01m ago, used just now", `created_at = now() - interval '12 hours 1 minute'`, false},
	} {
		her := c.staff(azizayol.Operator, "justice")
		cl := c.login(her)
		c.sql(`UPDATE staff_sessions SET `+tc.age+` WHERE staff_id = $1`, her.ID)
		if got := c.loggedIn(cl); got != tc.live {
			t.Errorf("%s: logged in %v, want %v", tc.name, got, tc.live)
		}
		if !tc.live {
			if resp := c.post(cl, "/admin/appeals/1/note", url.Values{"text": {"x"}}); resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s: a form posted with the ended session: %d, want 401", tc.name, resp.StatusCode)
			}
			continue
		}
		if n := c.countRows(`SELECT count(*) FROM staff_sessions WHERE staff_id = $1 AND seen_at > now() - interval '1 minute'`, her.ID); n != 1 {
			t.Errorf("%s: the session was not marked used", tc.name)
		}
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	c := newConsole(t)
	her := c.staff(azizayol.Operator, "justice")
	colleague := c.staff(azizayol.Operator, "justice")

	cl := c.login(her)
	token := c.sessionCookie(cl)
	resp := c.post(cl, "/admin/logout", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/login" {
		t.Errorf("logout: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if c.loggedIn(cl) {
		t.Error("still logged in after logout")
	}
	// The session ended on the server, not only in her browser: the old cookie opens nothing.
	if c.loggedIn(c.withCookie(token)) {
		t.Error("the cookie of the ended session still opens the console")
	}

	// Logging out everywhere ends her sessions on every device, and nobody else's.
	laptop, phone, other := c.login(her), c.login(her), c.login(colleague)
	if resp := c.post(phone, "/admin/logout-everywhere", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout everywhere: %d", resp.StatusCode)
	}
	if c.loggedIn(laptop) || c.loggedIn(phone) {
		t.Error("a session of hers outlived logging out everywhere")
	}
	if !c.loggedIn(other) {
		t.Error("her logging out everywhere ended a colleague's session")
	}
	if n := c.countRows(`SELECT count(*) FROM staff_sessions WHERE staff_id = $1`, her.ID); n != 0 {
		t.Errorf("%d sessions of hers left", n)
	}
	if n := c.countRows(`SELECT count(*) FROM audit_log WHERE staff_id = $1 AND action IN ('logout', 'logout_everywhere')`, her.ID); n != 2 {
		t.Errorf("%d logouts in the audit log, want 2", n)
	}
}

// Disabling an account, changing its password, or an admin's "log out" on it ends its
// sessions at once.
func TestAccountChangesEndSessions(t *testing.T) {
	t.Parallel()
	c := newConsole(t)
	boss := c.login(c.staff(azizayol.AgencyAdmin, "khokimiyat-1703"))
	const newPassword = "a brand new passphrase"
	for _, tc := range []struct {
		name   string
		path   string // after /admin/staff/{id}
		form   url.Values
		keeps  bool            // her session outlives the change
		logsIn map[string]bool // passwords tried afterwards, and whether they log her in
	}{
		{"disabled", "", url.Values{"disabled": {"1"}}, false, map[string]bool{password: false}},
		{"new password", "", url.Values{"password": {newPassword}}, false, map[string]bool{password: false, newPassword: true}},
		{"logged out by her admin", "/logout", nil, false, nil},
		{"renamed only", "", url.Values{}, true, nil},
	} {
		her := c.staff(azizayol.Operator, "khokimiyat-1703", "1703")
		cl := c.login(her)
		form := url.Values{"name": {her.Name + " (renamed)"}, "role": {"operator"}, "lang": {"uz-Latn"}, "regions": {"1703"}}
		for k, v := range tc.form {
			form[k] = v
		}
		if resp := c.post(boss, "/admin/staff/"+itoa(her.ID)+tc.path, form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d", tc.name, resp.StatusCode)
		}
		if got := c.loggedIn(cl); got != tc.keeps {
			t.Errorf("%s: her session live %v, want %v", tc.name, got, tc.keeps)
		}
		for p, want := range tc.logsIn {
			resp, _ := c.send(c.client(), "/admin/login", url.Values{"email": {her.Email}, "password": {p}}, sameOrigin...)
			if got := resp.StatusCode == http.StatusSeeOther; got != want {
				t.Errorf("%s: login with %q: %d", tc.name, p, resp.StatusCode)
			}
		}
	}
	if !c.loggedIn(boss) {
		t.Error("the admin's own session ended")
	}
}

// --- the login throttle -----------------------------------------------------------

// Five failures lock the account for the window, even against the right password and
// from another address; other accounts are not affected.
func TestLoginThrottlePerAccount(t *testing.T) {
	t.Parallel()
	c := newConsole(t)
	her := c.staff(azizayol.Operator, "justice")
	colleague := c.staff(azizayol.Operator, "justice")
	login := func(email, pass, from string) (int, string) {
		resp, body := c.send(c.client(), "/admin/login", url.Values{"email": {email}, "password": {pass}}, "Sec-Fetch-Site", "same-origin", "X-Real-IP", from)
		return resp.StatusCode, body
	}
	for i := range 5 {
		email := her.Email
		if i%2 == 1 {
			email = strings.ToUpper(email) // the same account however it is typed
		}
		if code, _ := login(email, fmt.Sprintf("guess number %d", i), "10.1.0.1"); code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, code)
		}
	}
	for _, from := range []string{"10.1.0.1", "10.1.0.2"} {
		code, body := login(her.Email, password, from)
		if code != http.StatusTooManyRequests || !strings.Contains(body, text(t, azizayol.UzLatn, "console.login.throttled", nil)) {
			t.Errorf("right password after 5 failures, from %s: %d", from, code)
		}
	}
	if code, _ := login(colleague.Email, password, "10.1.0.1"); code != http.StatusSeeOther {
		t.Errorf("a colleague from the same address: %d", code)
	}
	if n := c.countRows(`SELECT count(*) FROM audit_log WHERE action = 'login_throttled' AND email = $1`, her.Email); n != 2 {
		t.Errorf("%d throttled logins in the audit log, want 2", n)
	}
}

// Guesses sent at once are throttled like guesses one after the other: no more than
// five passwords are tried against an account in the window.
func TestLoginThrottleHoldsUnderConcurrency(t *testing.T) {
	t.Parallel()
	c := newConsole(t)
	her := c.staff(azizayol.Operator, "justice")
	codes := c.concurrentLogins(12, func(i int) (string, string, string) {
		return her.Email, fmt.Sprintf("parallel guess %d", i), "10.2.0.1"
	})
	if n := c.countRows(`SELECT count(*) FROM audit_log WHERE action = 'login_failed' AND email = $1`, her.Email); n > 5 {
		t.Errorf("%d passwords tried at once against one account (answers %v), want at most 5", n, codes)
	}
	if resp, _ := c.send(c.client(), "/admin/login", url.Values{"email": {her.Email}, "password": {password}}, sameOrigin...); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("right password after the burst: %d", resp.StatusCode)
	}
}

// Thirty failures from one address lock the address, whatever accounts they tried;
// other addresses are not affected. The address is X-Real-IP only from our proxy (a
// loopback or private peer, as the test server is).
func TestLoginThrottlePerAddress(t *testing.T) {
	t.Parallel()
	c := newConsole(t)
	her := c.staff(azizayol.AgencyAdmin, "justice")
	codes := c.concurrentLogins(30, func(i int) (string, string, string) {
		return fmt.Sprintf("guess%d@example.uz", i), "some password", "10.3.0.7"
	})
	for i, code := range codes {
		if code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, code)
		}
	}
	for from, want := range map[string]int{"10.3.0.7": http.StatusTooManyRequests, "10.3.0.8": http.StatusSeeOther} {
		resp, _ := c.send(c.client(), "/admin/login", url.Values{"email": {her.Email}, "password": {password}},
			"Sec-Fetch-Site", "same-origin", "X-Real-IP", from)
		if resp.StatusCode != want {
			t.Errorf("her right password from %s: %d, want %d", from, resp.StatusCode, want)
		}
	}

	// A peer from the internet cannot pick its address with the header.
	form := url.Values{"email": {"someone@example.uz"}, "password": {"x"}}
	req := httptest.NewRequest(http.MethodPost, "/admin/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Real-IP", "10.3.0.9")
	req.RemoteAddr = "203.0.113.5:40000"
	rec := httptest.NewRecorder()
	c.console.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("a login from the internet: %d", rec.Code)
	}
	if n := c.countRows(`SELECT count(*) FROM audit_log WHERE email = 'someone@example.uz' AND addr = '203.0.113.5'`); n != 1 {
		t.Error("a login from the internet was recorded under the address it claimed")
	}
}

// concurrentLogins sends n failing logins at once; who(i) gives the email, password
// and address of the i-th. It returns their status codes.
func (c *console) concurrentLogins(n int, who func(i int) (email, password, from string)) []int {
	c.t.Helper()
	codes := make([]int, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			email, pass, from := who(i)
			resp, _, err := postForm(c.client(), c.srv.URL+"/admin/login", url.Values{"email": {email}, "password": {pass}},
				"Sec-Fetch-Site", "same-origin", "X-Real-IP", from)
			if err != nil {
				errs[i] = err
				return
			}
			codes[i] = resp.StatusCode
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			c.t.Fatal(err)
		}
	}
	return codes
}

// --- headers and cross-site requests ----------------------------------------------

// The policy lets the pages load only what comes from the console itself: no
// third-party origin, no inline script or style, no framing.
func TestContentSecurityPolicy(t *testing.T) {
	directives := map[string][]string{}
	for _, d := range strings.Split(admin.CSP, ";") {
		f := strings.Fields(d)
		if len(f) == 0 {
			continue
		}
		directives[f[0]] = f[1:]
	}
	for name, sources := range directives {
		for _, s := range sources {
			if s != "'self'" && s != "'none'" && !(name == "img-src" && s == "data:") {
				t.Errorf("%s allows %s", name, s)
			}
		}
	}
	for name, want := range map[string]string{
		"default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "object-src": "'none'",
		"base-uri": "'none'", "form-action": "'self'", "frame-ancestors": "'none'",
	} {
		if !slices.Equal(directives[name], []string{want}) {
			t.Errorf("%s is %v, want %s", name, directives[name], want)
		}
	}
}

// Every response carries the security headers: pages, redirects, errors, files, and
// the refusals.
func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	t.Parallel()
	c := newConsole(t)
	op := c.staff(azizayol.Operator, "khokimiyat-1703")
	cl := c.login(op)
	a := c.appeal("housing", "1703", "", "uy kerak")
	type request struct {
		name, method, path string
		cl                 *http.Client
		header             []string
		status             int
	}
	anon := c.client()
	for _, r := range []request{
		{"login page", "GET", "/admin/login", anon, nil, 200},
		{"page without a session", "GET", "/admin/inbox", anon, nil, 303},
		{"form without a session", "POST", "/admin/appeals/1/note", anon, sameOrigin, 401},
		{"failed login", "POST", "/admin/login", anon, sameOrigin, 401},
		{"inbox", "GET", "/admin/inbox", cl, nil, 200},
		{"appeal", "GET", "/admin/appeals/" + itoa(a.ID), cl, nil, 200},
		{"no such appeal", "GET", "/admin/appeals/999999", cl, nil, 404},
		{"no such page", "GET", "/admin/nowhere", cl, nil, 404},
		{"forbidden page", "GET", "/admin/audit", cl, nil, 403},
		{"stylesheet", "GET", "/admin/static/console.css", anon, nil, 200},
		{"script", "GET", "/admin/static/console.js", anon, nil, 200},
		{"cross-site form", "POST", "/admin/appeals/" + itoa(a.ID) + "/note", cl, []string{"Sec-Fetch-Site", "cross-site"}, 403},
	} {
		var resp *http.Response
		if r.method == "GET" {
			resp, _ = c.get(r.cl, r.path)
		} else {
			resp, _ = c.send(r.cl, r.path, url.Values{"text": {"x"}}, r.header...)
		}
		if resp.StatusCode != r.status {
			t.Errorf("%s: %d, want %d", r.name, resp.StatusCode, r.status)
		}
		for name, want := range map[string]string{
			"Content-Security-Policy": admin.CSP,
			"X-Frame-Options":         "DENY",
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "no-referrer",
			"Cache-Control":           "no-store",
		} {
			if got := resp.Header.Get(name); got != want {
				t.Errorf("%s: %s is %q, want %q", r.name, name, got, want)
			}
		}
		if !strings.Contains(resp.Header.Get("Permissions-Policy"), "camera=()") {
			t.Errorf("%s: Permissions-Policy %q", r.name, resp.Header.Get("Permissions-Policy"))
		}
	}

	// The pages themselves reach no other origin, and have nothing inline the policy
	// would block.
	external := regexp.MustCompile(`(?i)(src|href|action)="(https?:)?//`)
	inline := regexp.MustCompile(`(?i)<script>|<script [^>]*>[^<]|<style|\sstyle="|\son[a-z]+="|javascript:`)
	for _, path := range []string{"/admin/inbox", "/admin/appeals/" + itoa(a.ID)} {
		_, body := c.get(cl, path)
		if m := external.FindString(body); m != "" {
			t.Errorf("%s reaches another origin: %s", path, m)
		}
		if m := inline.FindString(body); m != "" {
			t.Errorf("%s has inline code the policy blocks: %s", path, m)
		}
	}
	_, body := c.get(anon, "/admin/login")
	if m := inline.FindString(body); m != "" {
		t.Errorf("the login page has inline code the policy blocks: %s", m)
	}
}

// A state change from another site is refused before it reaches the handler: a
// login, a logout, an action on an appeal. Navigation from elsewhere still works.
func TestCrossSiteRequestsRefused(t *testing.T) {
	t.Parallel()
	c := newConsole(t)
	op := c.staff(azizayol.Operator, "khokimiyat-1703")
	cl := c.login(op)
	a := c.appeal("housing", "1703", "", "uy kerak")
	note := "/admin/appeals/" + itoa(a.ID) + "/note"
	for _, tc := range []struct {
		name   string
		path   string
		header []string
		want   int
	}{
		{"note from another site", note, []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{"note from a sibling site", note, []string{"Sec-Fetch-Site", "same-site"}, 403},
		{"note with a foreign Origin", note, []string{"Origin", "https://evil.example"}, 403},
		{"login from another site", "/admin/login", []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{"logout from another site", "/admin/logout", []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{"logout everywhere from another site", "/admin/logout-everywhere", []string{"Origin", "https://evil.example"}, 403},
		{"note from the console", note, sameOrigin, 303},
		{"note with the console's Origin", note, []string{"Origin", c.srv.URL}, 303},
	} {
		form := url.Values{"text": {tc.name}, "email": {op.Email}, "password": {password}}
		if resp, _ := c.send(cl, tc.path, form, tc.header...); resp.StatusCode != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, resp.StatusCode, tc.want)
		}
	}
	if n := c.countRows(`SELECT count(*) FROM appeal_messages WHERE appeal_id = $1 AND author = 'note'`, a.ID); n != 2 {
		t.Errorf("%d notes stored, want the 2 from the console", n)
	}
	if !c.loggedIn(cl) {
		t.Error("a cross-site logout ended her session")
	}
	req, _ := http.NewRequest(http.MethodGet, c.srv.URL+"/admin/appeals/"+itoa(a.ID), nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site") // a link from elsewhere
	resp, err := cl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("following a link from another site: %d", resp.StatusCode)
	}
}

// --- an appeal --------------------------------------------------------------------

// What she wrote is shown as text, in the inbox and on the appeal's page.
func TestHerHTMLIsShownAsText(t *testing.T) {
	t.Parallel()
	c := newConsole(t)
	cl := c.login(c.staff(azizayol.Operator, "khokimiyat-1703"))
	a := c.appeal("housing", "1703", "", `<script>alert(1)</script><img src=x onerror="alert(2)"> & <b>uy</b>`)
	for _, path := range []string{"/admin/inbox", "/admin/appeals/" + itoa(a.ID)} {
		_, body := c.get(cl, path)
		for _, bad := range []string{"<script>alert", "<img src=x", "<b>uy</b>"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s has her %q as HTML", path, bad)
			}
		}
		for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;", "&amp; &lt;b&gt;uy&lt;/b&gt;"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s lacks %q", path, want)
			}
		}
	}
}

// Take, note, answer, transfer and status through the forms: each changes the appeal,
// is in the audit log, and tells her what she should hear — in her language — and
// nothing she should not.
func TestDeskThroughTheForms(t *testing.T) {
	t.Parallel()
	c := newConsole(t)
	op := c.staff(azizayol.Operator, "khokimiyat-1703", "1703")
	root := c.staff(azizayol.SuperAdmin, "")
	cl := c.login(op)
	a := c.appeal("housing", "1703", "1703202", "Uy-joy masalasi")
	page := "/admin/appeals/" + itoa(a.ID)
	act := func(who *http.Client, what string, form url.Values) string {
		t.Helper()
		resp := c.post(who, page+"/"+what, form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d", what, resp.StatusCode)
		}
		return resp.Header.Get("Location")
	}

	// Take: hers, in progress, and she hears of the new status.
	if to := act(cl, "take", nil); to != page+"?done=console.done.taken" {
		t.Errorf("take sent to %q", to)
	}
	if got := c.appealRow(a.ID); got.status != "in_progress" || got.assignee != op.ID {
		t.Errorf("after take: %+v", got)
	}
	// notice is what she should read, in Russian, of the appeal now with agency.
	notice := func(id, agency string, data map[string]any) string {
		fill := map[string]any{"Number": a.Number, "Agency": agency}
		maps.Copy(fill, data)
		return text(t, azizayol.Ru, id, fill)
	}
	khokimiyat := "Хокимият Андижанской области"
	inProgress := notice("notice.status", khokimiyat, map[string]any{"Status": text(t, azizayol.Ru, "status.in_progress", nil)})
	if out := c.outbox(a.UserID); len(out) != 1 || out[0].msg.Text != inProgress {
		t.Errorf("after take, her outbox: %+v, want %q", out, inProgress)
	}

	// A note: in the console's thread, never in hers, and she is not told.
	act(cl, "note", url.Values{"text": {"Ichki: uyiga qoʻngʻiroq qilindi"}})
	if _, body := c.get(cl, page); !strings.Contains(body, "Ichki: uyiga qoʻngʻiroq qilindi") {
		t.Error("the note is not in the console's thread")
	}
	if len(c.outbox(a.UserID)) != 1 {
		t.Error("she was told of an internal note")
	}

	// The answer: answered, queued for her in Russian with the answer's id, the
	// senders woken.
	act(cl, "answer", url.Values{"text": {"Приходите в хокимият <b>завтра</b> & возьмите паспорт."}})
	var msgID int64
	if err := c.pool.QueryRow(context.Background(), `SELECT id FROM appeal_messages WHERE appeal_id = $1 AND author = 'agency'`, a.ID).Scan(&msgID); err != nil {
		t.Fatal(err)
	}
	if got := c.appealRow(a.ID); got.status != "answered" {
		t.Errorf("after the answer: %+v", got)
	}
	out := c.outbox(a.UserID)
	if len(out) != 2 {
		t.Fatalf("after the answer, her outbox has %d messages", len(out))
	}
	answer := out[1]
	if want := notice("notice.answer", khokimiyat, map[string]any{"Text": "Приходите в хокимият &lt;b&gt;завтра&lt;/b&gt; &amp; возьмите паспорт."}); answer.msg.Text != want {
		t.Errorf("the answer %q, want %q", answer.msg.Text, want)
	}
	if answer.appealMessage != msgID || answer.msg.AppealMessage != msgID || answer.msg.Lang != azizayol.Ru || !answer.msg.Notice {
		t.Errorf("the answer's outbox row: message %d, %+v; want appeal message %d in ru", answer.appealMessage, answer.msg, msgID)
	}
	c.mu.Lock()
	woken := slices.Clone(c.queued)
	c.mu.Unlock()
	if !slices.Contains(woken, a.UserID) {
		t.Errorf("the senders were not woken for her: %v", woken)
	}

	// Her own view of the thread: her words and the answer, not the note.
	var thread []azizayol.AppealMessage
	err := c.db.Do(context.Background(), func(tx azizayol.Tx) (err error) {
		_, thread, err = tx.Appeal(context.Background(), a.UserID, a.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var authors []azizayol.Author
	for _, m := range thread {
		authors = append(authors, m.Author)
		if strings.Contains(m.Text, "Ichki") {
			t.Errorf("she sees the note: %+v", m)
		}
	}
	if !slices.Equal(authors, []azizayol.Author{azizayol.ByHer, azizayol.ByAgency}) {
		t.Errorf("her thread: %v", authors)
	}

	// Refusals she can fix come back to the page, named, and change nothing.
	justice := c.agencyID("justice")
	for _, tc := range []struct {
		what string
		form url.Values
		err  string
	}{
		{"answer", url.Values{"text": {"   "}}, "console.err.empty"},
		{"note", url.Values{"text": {""}}, "console.err.empty"},
		{"answer", url.Values{"text": {strings.Repeat("я", admin.MaxAnswer+1)}}, "console.err.too_long"},
		{"transfer", url.Values{"agency": {itoa(justice)}, "reason": {" "}}, "console.err.no_reason"},
		{"transfer", url.Values{"agency": {itoa(c.agencyID("khokimiyat-1703"))}, "reason": {"x"}}, "console.err.same_agency"},
	} {
		if to := act(cl, tc.what, tc.form); to != page+"?err="+tc.err {
			t.Errorf("%s %v: sent to %q, want the error %s", tc.what, tc.form, to, tc.err)
		}
	}
	for _, tc := range []struct {
		what string
		form url.Values
	}{
		{"transfer", url.Values{"agency": {"999999"}, "reason": {"x"}}},
		{"status", url.Values{"status": {"withdrawn"}}},
		{"status", url.Values{"status": {"received"}}},
	} {
		if resp := c.post(cl, page+"/"+tc.what, tc.form); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s %v: %d, want 404", tc.what, tc.form, resp.StatusCode)
		}
	}
	if len(c.outbox(a.UserID)) != 2 || c.appealRow(a.ID).status != "answered" {
		t.Error("a refused action changed the appeal or told her")
	}

	// Transfer: to the other agency, unassigned, she hears who answers now, and it
	// leaves the operator's scope.
	act(cl, "transfer", url.Values{"agency": {itoa(justice)}, "reason": {"Bu huquqiy masala"}})
	if got := c.appealRow(a.ID); got.agency != justice || got.assignee != 0 {
		t.Errorf("after the transfer: %+v", got)
	}
	out = c.outbox(a.UserID)
	if want := notice("notice.transfer", "Министерство юстиции", nil); len(out) != 3 || out[2].msg.Text != want {
		t.Errorf("the transfer's notice: %q, want %q", out[len(out)-1].msg.Text, want)
	}
	if resp, _ := c.get(cl, page); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the operator still opens the transferred appeal: %d", resp.StatusCode)
	}
	rootCl := c.login(root)
	if _, body := c.get(rootCl, page); !strings.Contains(body, "Bu huquqiy masala") || !strings.Contains(body, "Adliya vazirligi") {
		t.Error("the transfer and its reason are not in the thread")
	}

	// Status: closed; she is told; the page offers no more answers, and an answer is refused.
	act(rootCl, "status", url.Values{"status": {"closed"}})
	if got := c.appealRow(a.ID); got.status != "closed" {
		t.Errorf("after closing: %+v", got)
	}
	out = c.outbox(a.UserID)
	closed := notice("notice.status", "Министерство юстиции", map[string]any{"Status": text(t, azizayol.Ru, "status.closed", nil)})
	if len(out) != 4 || out[3].msg.Text != closed {
		t.Errorf("the closing notice: %q, want %q", out[len(out)-1].msg.Text, closed)
	}
	if _, body := c.get(rootCl, page); strings.Contains(body, `id="answer-form"`) {
		t.Error("a closed appeal offers the answer form")
	}
	if to := act(rootCl, "answer", url.Values{"text": {"kech"}}); to != page+"?err=console.err.closed" {
		t.Errorf("an answer to a closed appeal: sent to %q", to)
	}

	// Every action and view is in the audit log, with who and from where.
	rows, err := c.pool.Query(context.Background(), `SELECT DISTINCT action FROM audit_log
		WHERE appeal_id = $1 AND addr = '127.0.0.1' AND email IN ($2, $3)`, a.ID, op.Email, root.Email)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		actions = append(actions, s)
	}
	for _, want := range []string{"view", "take", "note", "answer", "transfer", "status"} {
		if !slices.Contains(actions, want) {
			t.Errorf("no %q in the audit log (has %v)", want, actions)
		}
	}
}

// The badge of an answer says what became of its messages.
func TestDeliveryBadge(t *testing.T) {
	t.Parallel()
	c := newConsole(t)
	cl := c.login(c.staff(azizayol.Operator, "khokimiyat-1703"))
	a := c.appeal("housing", "1703", "", "uy kerak")
	page := "/admin/appeals/" + itoa(a.ID)
	if resp := c.post(cl, page+"/answer", url.Values{"text": {"Javob"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("answer: %d", resp.StatusCode)
	}
	var msgID int64
	if err := c.pool.QueryRow(context.Background(), `SELECT appeal_message_id FROM outbox WHERE user_id = $1 AND appeal_message_id IS NOT NULL`, a.UserID).Scan(&msgID); err != nil {
		t.Fatal(err)
	}
	badges := regexp.MustCompile(`class="badge ([a-z_]+)">([^<]*)<`)
	badge := func() string {
		t.Helper()
		_, body := c.get(cl, page)
		var got []string
		for _, m := range badges.FindAllStringSubmatch(body, -1) {
			got = append(got, m[1]+": "+m[2])
		}
		if len(got) != 1 {
			t.Fatalf("badges %v, want the answer's\n%s", got, body)
		}
		return got[0]
	}
	// labelled is a badge as the page shows it: its class and its text.
	labelled := func(class string) string {
		return class + ": " + text(t, azizayol.UzLatn, "console.delivery."+class, nil)
	}
	for _, tc := range []struct{ status, delivery, want string }{
		{"pending", "", "pending"},
		{"sent", "", "sent"},
		{"sent", "delivered", "delivered"},
		{"sent", "failed", "failed"},
		{"sent", "expired", "failed"},
		{"failed", "", "failed"},
		{"blocked", "", "blocked"},
		{"withheld", "", "withheld"},
	} {
		c.sql(`UPDATE outbox SET status = $2, delivery = nullif($3, '') WHERE appeal_message_id = $1`, msgID, tc.status, tc.delivery)
		if got := badge(); got != labelled(tc.want) {
			t.Errorf("outbox %s/%q: badge %q, want %q", tc.status, tc.delivery, got, labelled(tc.want))
		}
	}
	// An answer in two messages is delivered when both are; one still unreported
	// leaves it sent.
	c.sql(`UPDATE outbox SET status = 'sent', delivery = 'delivered' WHERE appeal_message_id = $1`, msgID)
	c.sql(`INSERT INTO outbox (user_id, channel, address, message, appeal_message_id, status)
		SELECT user_id, channel, address, message, appeal_message_id, 'sent' FROM outbox WHERE appeal_message_id = $1`, msgID)
	if got := badge(); got != labelled("sent") {
		t.Errorf("one part delivered, one unreported: badge %q", got)
	}
	c.sql(`UPDATE outbox SET delivery = 'delivered' WHERE appeal_message_id = $1`, msgID)
	if got := badge(); got != labelled("delivered") {
		t.Errorf("both parts delivered: badge %q", got)
	}
}

// Canned answers: an agency admin writes one, the Cyrillic filled in from the Latin
// when left empty; it is offered on her agency's appeals in the woman's language.
func TestCannedAnswers(t *testing.T) {
	t.Parallel()
	c := newConsole(t)
	boss := c.login(c.staff(azizayol.AgencyAdmin, "khokimiyat-1703"))
	op := c.login(c.staff(azizayol.Operator, "khokimiyat-1703"))
	const latin = "Hujjatlaringiz bilan tuman hokimligiga keling, oʻzingiz bilan pasport oling."
	form := url.Values{"title": {"Hokimlikka keling"}, "uz_latn": {latin}, "uz_cyrl": {""}, "ru": {"Приходите в хокимият района с документами."}}
	resp := c.post(boss, "/admin/canned", form)
	if to := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || to != "/admin/canned?done=console.done.saved" {
		t.Fatalf("save: %d to %q", resp.StatusCode, to)
	}
	var agency int64
	var cyrl string
	if err := c.pool.QueryRow(context.Background(), `SELECT agency_id, text_uz_cyrl FROM canned_answers WHERE title = 'Hokimlikka keling'`).Scan(&agency, &cyrl); err != nil {
		t.Fatal(err)
	}
	if want := locales.ToCyrillic(latin); cyrl != want || agency != c.agencyID("khokimiyat-1703") {
		t.Errorf("stored %q of agency %d, want %q of khokimiyat-1703", cyrl, agency, want)
	}
	if !strings.HasPrefix(cyrl, "Ҳужжатларингиз") {
		t.Errorf("transliteration %q", cyrl)
	}

	// An incomplete one is refused; operators do not manage them.
	form.Set("ru", "")
	if to := c.post(boss, "/admin/canned", form).Header.Get("Location"); to != "/admin/canned?err=console.err.canned_incomplete" {
		t.Errorf("an answer without Russian: sent to %q", to)
	}
	if n := c.countRows(`SELECT count(*) FROM canned_answers`); n != 1 {
		t.Errorf("%d canned answers stored", n)
	}
	if resp, _ := c.get(op, "/admin/canned"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("an operator opened the canned answers: %d", resp.StatusCode)
	}

	// On her agency's appeal (a woman writing Russian): offered, Russian preselected.
	a := c.appeal("housing", "1703", "", "uy kerak")
	_, body := c.get(op, "/admin/appeals/"+itoa(a.ID))
	for _, want := range []string{">Hokimlikka keling</option>", `data-uzcyrl="` + cyrl + `"`, `data-ru="Приходите в хокимият района с документами."`,
		`<option value="ru" selected>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the appeal page lacks %q", want)
		}
	}
	// Not on another agency's appeal.
	other := c.appeal("legal", "", "", "huquqiy savol")
	_, body = c.get(c.login(c.staff(azizayol.SuperAdmin, "")), "/admin/appeals/"+itoa(other.ID))
	if strings.Contains(body, "Hokimlikka keling") {
		t.Error("the khokimiyat's canned answer is offered on the Ministry of Justice's appeal")
	}
}

// A deadline alert is shown on every page until she opens its appeal, or marks them
// all seen.
func TestAlertsShownUntilSeen(t *testing.T) {
	t.Parallel()
	c := newConsole(t)
	cl := c.login(c.staff(azizayol.Operator, "khokimiyat-1703"))
	a, b := c.appeal("housing", "1703", "", "birinchi"), c.appeal("housing", "1703", "", "ikkinchi")
	for _, x := range []azizayol.Appeal{a, b} {
		if resp := c.post(cl, "/admin/appeals/"+itoa(x.ID)+"/take", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("take: %d", resp.StatusCode)
		}
	}
	if n, err := c.db.Deadlines(context.Background(), a.Deadline.Add(-time.Hour), jobs.WarnBefore, jobs.WarnBeforeUrgent, jobs.UrgentUnanswered); err != nil || n != 2 {
		t.Fatalf("deadlines: %d, %v", n, err)
	}
	dueSoon := text(t, azizayol.UzLatn, "console.alert.due_soon", nil)
	shown := func(x azizayol.Appeal) bool {
		_, body := c.get(cl, "/admin/inbox")
		return strings.Contains(body, `<li><a href="/admin/appeals/`+itoa(x.ID)+`">`+x.Number+`</a> — `+dueSoon)
	}
	if !shown(a) || !shown(b) {
		t.Fatal("the alerts are not shown")
	}
	c.get(cl, "/admin/appeals/"+itoa(a.ID))
	if shown(a) || !shown(b) {
		t.Errorf("after opening the first appeal: its alert shown %v, the other's %v", shown(a), shown(b))
	}
	resp := c.post(cl, "/admin/alerts/seen", url.Values{"next": {"/admin/inbox"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/inbox" || shown(b) {
		t.Errorf("marking all seen: %d to %q, still shown %v", resp.StatusCode, resp.Header.Get("Location"), shown(b))
	}
}

// --- live events ------------------------------------------------------------------

// The event stream hands her the events of appeals in her scope, and no others.
func TestLiveEventsInScope(t *testing.T) {
	t.Parallel()
	c := newConsole(t)
	khokimiyat, justice := c.agencyID("khokimiyat-1703"), c.agencyID("justice")
	op := c.login(c.staff(azizayol.Operator, "khokimiyat-1703", "1703"))
	root := c.login(c.staff(azizayol.SuperAdmin, ""))

	if resp, _ := c.get(c.client(), "/admin/events"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the stream without a session: %d, want 401", resp.StatusCode)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	opEvents, rootEvents := c.events(ctx, op), c.events(ctx, root)
	for _, e := range []azizayol.AppealEvent{
		{AppealID: 1, AgencyID: justice, What: "filed"},                           // another agency
		{AppealID: 2, AgencyID: khokimiyat, RegionCode: "1706", What: "filed"},    // her agency, not her region
		{AppealID: 3, AgencyID: khokimiyat, RegionCode: "1703", What: "answered"}, // hers
		{AppealID: 4, AgencyID: justice, RegionCode: "1703", What: "transfer"},    // not hers
		{AppealID: 5, AgencyID: khokimiyat, RegionCode: "1703", What: "status"},   // hers
	} {
		c.hub.Publish(e)
	}
	if got := receive(t, opEvents, 2); !slices.Equal(got, []int64{3, 5}) {
		t.Errorf("the operator heard of appeals %v, want 3 and 5", got)
	}
	if got := receive(t, rootEvents, 5); !slices.Equal(got, []int64{1, 2, 3, 4, 5}) {
		t.Errorf("the super-admin heard of appeals %v, want all", got)
	}
}

// events opens the event stream of cl until ctx ends, and returns the events it
// hears. It returns once the stream is open, so that what is published next reaches it.
func (c *console) events(ctx context.Context, cl *http.Client) <-chan azizayol.AppealEvent {
	c.t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.srv.URL+"/admin/events", nil)
	resp, err := cl.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" || resp.Header.Get("Content-Security-Policy") != admin.CSP {
		c.t.Fatalf("event stream: %d %v", resp.StatusCode, resp.Header)
	}
	lines := bufio.NewScanner(resp.Body)
	if !lines.Scan() || lines.Text() != "retry: 5000" {
		c.t.Fatalf("the stream begins %q", lines.Text())
	}
	ch := make(chan azizayol.AppealEvent, 16)
	go func() {
		defer resp.Body.Close()
		defer close(ch)
		for lines.Scan() {
			data, ok := strings.CutPrefix(lines.Text(), "data: ")
			if !ok {
				continue
			}
			var e azizayol.AppealEvent
			if json.Unmarshal([]byte(data), &e) == nil {
				ch <- e
			}
		}
	}()
	return ch
}

// receive reads n events and then waits a little for any that should not come; it
// returns the appeals they are of.
func receive(t *testing.T, ch <-chan azizayol.AppealEvent, n int) []int64 {
	t.Helper()
	var got []int64
	timeout := time.After(3 * time.Second)
	for len(got) < n {
		select {
		case e, ok := <-ch:
			if !ok {
				return got
			}
			got = append(got, e.AppealID)
		case <-timeout:
			return got
		}
	}
	select {
	case e, ok := <-ch:
		if ok {
			got = append(got, e.AppealID)
		}
	case <-time.After(200 * time.Millisecond):
	}
	return got
}

// --- helpers ----------------------------------------------------------------------

// text is a message of the locales, as the console or the bot says it.
func text(t *testing.T, lang azizayol.Lang, id string, data map[string]any) string {
	t.Helper()
	s, err := locales.Text(lang, id, data)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sameOrigin is what a browser sends with a form of the console itself.
var sameOrigin = []string{"Sec-Fetch-Site", "same-origin"}

// postForm posts form to url with the headers given (name, value pairs) and returns
// the response with its body read.
func postForm(cl *http.Client, url string, form url.Values, header ...string) (*http.Response, string, error) {
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := cl.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, string(body), err
}

// send posts a form to a console path with exactly the headers given (unlike c.post,
// which adds Sec-Fetch-Site) and returns the response with its body read.
func (c *console) send(cl *http.Client, path string, form url.Values, header ...string) (*http.Response, string) {
	c.t.Helper()
	resp, body, err := postForm(cl, c.srv.URL+path, form, header...)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp, body
}

// loggedIn tells whether cl's session is live: the inbox opens rather than sending
// her to log in.
func (c *console) loggedIn(cl *http.Client) bool {
	c.t.Helper()
	resp, _ := c.get(cl, "/admin/inbox")
	switch {
	case resp.StatusCode == http.StatusOK:
		return true
	case resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/admin/login?next="):
		return false
	}
	c.t.Fatalf("inbox: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	return false
}

// sessionCookie is the value of cl's session cookie ("" when it has none).
func (c *console) sessionCookie(cl *http.Client) string {
	u, _ := url.Parse(c.srv.URL + "/admin/")
	for _, ck := range cl.Jar.Cookies(u) {
		if ck.Name == "aa_session" {
			return ck.Value
		}
	}
	return ""
}

// withCookie is a new browser holding the session cookie value token.
func (c *console) withCookie(token string) *http.Client {
	cl := c.client()
	u, _ := url.Parse(c.srv.URL + "/admin/")
	cl.Jar.SetCookies(u, []*http.Cookie{{Name: "aa_session", Value: token, Path: "/admin/"}})
	return cl
}

func cookieNamed(resp *http.Response, name string) *http.Cookie {
	for _, ck := range resp.Cookies() {
		if ck.Name == name {
			return ck
		}
	}
	return nil
}

// sql runs a statement on the test's database.
func (c *console) sql(sql string, args ...any) {
	c.t.Helper()
	if _, err := c.pool.Exec(context.Background(), sql, args...); err != nil {
		c.t.Fatalf("%s: %v", sql, err)
	}
}

// countRows runs a query of one number.
func (c *console) countRows(sql string, args ...any) int {
	c.t.Helper()
	var n int
	if err := c.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		c.t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func (c *console) agencyID(code string) int64 {
	c.t.Helper()
	var id int64
	if err := c.pool.QueryRow(context.Background(), `SELECT id FROM agencies WHERE code = $1`, code).Scan(&id); err != nil {
		c.t.Fatalf("agency %s: %v", code, err)
	}
	return id
}

type appealState struct {
	status   string
	agency   int64
	assignee int64
}

func (c *console) appealRow(id int64) appealState {
	c.t.Helper()
	var s appealState
	err := c.pool.QueryRow(context.Background(), `SELECT status, agency_id, coalesce(assigned_to, 0) FROM appeals WHERE id = $1`, id).
		Scan(&s.status, &s.agency, &s.assignee)
	if err != nil {
		c.t.Fatal(err)
	}
	return s
}

type queuedMsg struct {
	msg           azizayol.Outbound
	appealMessage int64
}

// outbox lists what is queued for a user, in order.
func (c *console) outbox(userID int64) []queuedMsg {
	c.t.Helper()
	rows, err := c.pool.Query(context.Background(), `SELECT message, coalesce(appeal_message_id, 0) FROM outbox WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		c.t.Fatal(err)
	}
	defer rows.Close()
	var out []queuedMsg
	for rows.Next() {
		var q queuedMsg
		if err := rows.Scan(&q.msg, &q.appealMessage); err != nil {
			c.t.Fatal(err)
		}
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		c.t.Fatal(err)
	}
	return out
}
