package admin_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/admin"
	"github.com/azizayol/azizayol/internal/testenv"
	"github.com/azizayol/azizayol/postgres"
	"github.com/azizayol/azizayol/redis"
)

// console is the staff console on a test server, over a fresh database and Redis
// prefix.
type console struct {
	t       testing.TB
	db      *postgres.DB
	pool    *pgxpool.Pool // for looking at rows and poking them
	rdb     *redis.Client
	hub     *admin.Hub
	console *admin.Console
	srv     *httptest.Server
	now     time.Time // the console's clock; zero: the real time

	mu     sync.Mutex
	queued []int64 // users whose replies the desk queued
	n      int
}

// password is every test account's password.
const password = "correct horse battery staple"

func newConsole(t *testing.T) *console {
	t.Helper()
	return newConsoleTB(t)
}

// newConsoleTB is newConsole for a test or a benchmark.
func newConsoleTB(t testing.TB) *console {
	t.Helper()
	db, pool := testenv.DBWithPool(t)
	c := &console{t: t, db: db, pool: pool, rdb: testenv.Redis(t), hub: admin.NewHub()}
	clock := func() time.Time {
		if c.now.IsZero() {
			return time.Now()
		}
		return c.now
	}
	desk := admin.NewDesk(db, func(id int64) {
		c.mu.Lock()
		c.queued = append(c.queued, id)
		c.mu.Unlock()
	}, clock)
	var err error
	c.console, err = admin.New(admin.Config{
		TrustedProxies: testProxies,
		Store:          db, Desk: desk, Counter: c.rdb, Events: c.hub,
		Simulator: admin.NewSimulator(c.rdb, db, func(...string) {}),
		Now:       clock,
		// Broadcasts go at Telegram's 30 a second and the provider's 10 SMS.
		BroadcastRates: map[azizayol.Channel]float64{azizayol.Telegram: 30, azizayol.SMS: 10}, SMSPrice: 80,
	})
	if err != nil {
		t.Fatal(err)
	}
	c.srv = httptest.NewServer(c.console)
	t.Cleanup(c.srv.Close)
	return c
}

// staff creates an account; agency is an agency's code ("" for a super-admin).
func (c *console) staff(role azizayol.Role, agency string, regions ...string) azizayol.Staff {
	c.t.Helper()
	c.mu.Lock()
	c.n++
	n := c.n
	c.mu.Unlock()
	s := azizayol.Staff{
		Email: fmt.Sprintf("%s%d@%s.example.uz", role, n, strings.ReplaceAll(agency+"x", "-", "")),
		Name:  fmt.Sprintf("%s %d", role, n), Role: role, Regions: regions, Lang: azizayol.UzLatn,
	}
	if agency != "" {
		if err := c.pool.QueryRow(context.Background(), `SELECT id FROM agencies WHERE code = $1`, agency).Scan(&s.AgencyID); err != nil {
			c.t.Fatalf("agency %s: %v", agency, err)
		}
	}
	hash, err := admin.HashPassword(password)
	if err != nil {
		c.t.Fatal(err)
	}
	if s.ID, err = c.db.CreateStaff(context.Background(), s, hash); err != nil {
		c.t.Fatal(err)
	}
	return s
}

// client is a browser of the console: it keeps cookies and does not follow redirects.
func (c *console) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// login logs s in and returns her browser.
func (c *console) login(s azizayol.Staff) *http.Client {
	c.t.Helper()
	cl := c.client()
	resp := c.post(cl, "/admin/login", url.Values{"email": {s.Email}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("login %s: %d", s.Email, resp.StatusCode)
	}
	return cl
}

// get fetches a console path and returns the response with its body read.
func (c *console) get(cl *http.Client, path string) (*http.Response, string) {
	c.t.Helper()
	resp, err := cl.Get(c.srv.URL + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// post submits a form to a console path, as a same-origin browser does.
func (c *console) post(cl *http.Client, path string, form url.Values) *http.Response {
	c.t.Helper()
	resp, _ := c.postPage(cl, path, form)
	return resp
}

// postPage submits a form and returns the page it answers with.
func (c *console) postPage(cl *http.Client, path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := cl.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func (c *console) getWith(cl *http.Client, path string, header ...string) (*http.Response, string) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.srv.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := cl.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// appeal files an appeal of a new woman on Telegram: topic routes it, region (a SOATO
// code, "" for a consultation) places it.
func (c *console) appeal(topic, region, district, text string) azizayol.Appeal {
	c.t.Helper()
	c.mu.Lock()
	c.n++
	address := fmt.Sprint(700000 + c.n)
	c.mu.Unlock()
	kind := azizayol.KindAppeal
	if region == "" {
		kind = azizayol.KindConsultation
	}
	var a azizayol.Appeal
	err := c.db.Do(context.Background(), func(tx azizayol.Tx) error {
		u, err := tx.User(context.Background(), azizayol.Telegram, address)
		if err != nil {
			return err
		}
		if err := tx.SetLanguage(context.Background(), u.ID, azizayol.Ru); err != nil {
			return err
		}
		a, err = tx.File(context.Background(), azizayol.Draft{
			UserID: u.ID, Kind: kind, Topic: topic, RegionCode: region, DistrictCode: district, Text: text,
			Phone: fmt.Sprintf("+99890%07d", c.n), Lang: azizayol.Ru, Consent: "v", Filed: time.Now(),
		})
		return err
	})
	if err != nil {
		c.t.Fatal(err)
	}
	return a
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// testProxies: the tests stand for our reverse proxy, on loopback, and name the client
// with X-Real-IP.
var testProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
