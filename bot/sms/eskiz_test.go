package sms

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
)

// fakeEskiz answers as notify.eskiz.uz does, from its documentation.
type fakeEskiz struct {
	*httptest.Server
	mu            sync.Mutex
	token         string // the one valid token
	n             int    // tokens issued
	logins        int
	refreshes     int
	refuseRefresh bool
	fail          []int // statuses for the next sends
	sent          []map[string]string
}

func newFakeEskiz(t *testing.T) *fakeEskiz {
	f := &fakeEskiz{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/auth/login", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.logins++
		if r.FormValue("email") != "bot@aziz-ayol.uz" || r.FormValue("password") != "secret" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"message":"Incorrect email or password"}`)
			return
		}
		f.issue(w)
	})
	mux.HandleFunc("PATCH /api/auth/refresh", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.refreshes++
		if f.refuseRefresh || !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer token-") {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"status":"token-invalid","message":"Expired token"}`)
			return
		}
		f.issue(w)
	})
	mux.HandleFunc("POST /api/message/sms/send", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer "+f.token || f.token == "" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"status":"token-invalid","message":"Expired token"}`)
			return
		}
		if len(f.fail) > 0 {
			status := f.fail[0]
			f.fail = f.fail[1:]
			if status == http.StatusTooManyRequests {
				w.Header().Set("Retry-After", "30")
			}
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"status":"error","message":"HTTP %d from the fake"}`, status)
			return
		}
		f.sent = append(f.sent, map[string]string{
			"mobile_phone": r.FormValue("mobile_phone"), "message": r.FormValue("message"),
			"from": r.FormValue("from"), "callback_url": r.FormValue("callback_url"),
		})
		fmt.Fprintf(w, `{"id":"4a1f7c3e-0000-4000-8000-%012d","message":"Waiting for SMS provider","status":"waiting"}`, len(f.sent))
	})
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

// issue gives a new token and makes it the only valid one (f.mu held).
func (f *fakeEskiz) issue(w http.ResponseWriter) {
	f.n++
	f.token = fmt.Sprintf("token-%d", f.n)
	fmt.Fprintf(w, `{"message":"token_generated","data":{"token":%q},"token_type":"bearer"}`, f.token)
}

// expire makes the current token refused, as after 30 days.
func (f *fakeEskiz) expire() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.token = "expired"
}

func (f *fakeEskiz) counts() (logins, refreshes, sent int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.logins, f.refreshes, len(f.sent)
}

func newEskiz(f *fakeEskiz) *Eskiz {
	return NewEskiz(EskizConfig{
		BaseURL: f.URL, Email: "bot@aziz-ayol.uz", Password: "secret",
		CallbackURL: "https://bot.aziz-ayol.uz/sms/eskiz/status?secret=s3",
	})
}

func TestEskizSendsWithOneLogin(t *testing.T) {
	f := newFakeEskiz(t)
	e := newEskiz(f)
	ctx := context.Background()
	for i := range 2 {
		id, err := e.Send(ctx, "998901234567", "Murojaatingiz qabul qilindi", fmt.Sprint(i))
		if err != nil || !strings.HasPrefix(id, "4a1f7c3e-") {
			t.Fatalf("send %d: %q %v", i, id, err)
		}
	}
	logins, refreshes, sent := f.counts()
	if logins != 1 || refreshes != 0 || sent != 2 {
		t.Errorf("%d logins, %d refreshes, %d sent; want 1, 0, 2", logins, refreshes, sent)
	}
	want := map[string]string{
		"mobile_phone": "998901234567", "message": "Murojaatingiz qabul qilindi", "from": "4546",
		"callback_url": "https://bot.aziz-ayol.uz/sms/eskiz/status?secret=s3",
	}
	for k, v := range want {
		if f.sent[0][k] != v {
			t.Errorf("%s = %q, want %q", k, f.sent[0][k], v)
		}
	}
}

func TestEskizRenewsAnExpiredToken(t *testing.T) {
	ctx := context.Background()
	t.Run("refresh, then send again", func(t *testing.T) {
		f := newFakeEskiz(t)
		e := newEskiz(f)
		if _, err := e.Send(ctx, "998901234567", "1", "1"); err != nil {
			t.Fatal(err)
		}
		// The fake's refresh takes any token it issued, like Eskiz's within its window.
		f.expire()
		if _, err := e.Send(ctx, "998901234567", "2", "2"); err != nil {
			t.Fatal(err)
		}
		if logins, refreshes, sent := f.counts(); logins != 1 || refreshes != 1 || sent != 2 {
			t.Errorf("%d logins, %d refreshes, %d sent; want 1, 1, 2", logins, refreshes, sent)
		}
	})
	t.Run("refresh refused: log in again", func(t *testing.T) {
		f := newFakeEskiz(t)
		e := newEskiz(f)
		if _, err := e.Send(ctx, "998901234567", "1", "1"); err != nil {
			t.Fatal(err)
		}
		f.expire()
		f.refuseRefresh = true
		if _, err := e.Send(ctx, "998901234567", "2", "2"); err != nil {
			t.Fatal(err)
		}
		if logins, refreshes, sent := f.counts(); logins != 2 || refreshes != 1 || sent != 2 {
			t.Errorf("%d logins, %d refreshes, %d sent; want 2, 1, 2", logins, refreshes, sent)
		}
	})
	t.Run("senders at once renew once", func(t *testing.T) {
		f := newFakeEskiz(t)
		e := newEskiz(f)
		send := func(n int) {
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					if _, err := e.Send(ctx, "998901234567", "x", fmt.Sprint(i)); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
		}
		send(20)
		f.expire()
		f.refuseRefresh = true
		send(20)
		if logins, refreshes, sent := f.counts(); logins != 2 || refreshes != 1 || sent != 40 {
			t.Errorf("%d logins, %d refreshes, %d sent; want 2, 1, 40", logins, refreshes, sent)
		}
	})
}

func TestEskizFailures(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		fail []int
		want string
	}{
		{"5xx is retried", []int{http.StatusInternalServerError}, "retry"},
		{"429 waits", []int{http.StatusTooManyRequests}, "throttled"},
		{"400 refuses the message", []int{http.StatusBadRequest}, "rejected"},
		{"401 twice is our credentials: retried", []int{http.StatusUnauthorized, http.StatusUnauthorized}, "retry"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFakeEskiz(t)
			e := newEskiz(f)
			f.fail = c.fail
			_, err := e.Send(ctx, "998901234567", "x", "1")
			if got := kind(err); got != c.want {
				t.Errorf("%v: %s, want %s", err, got, c.want)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "sms: eskiz: ") {
				t.Errorf("error without context: %v", err)
			}
		})
	}
	t.Run("429 says how long", func(t *testing.T) {
		f := newFakeEskiz(t)
		f.fail = []int{http.StatusTooManyRequests}
		_, err := newEskiz(f).Send(ctx, "998901234567", "x", "1")
		var th *azizayol.ThrottledError
		if !errors.As(err, &th) || th.RetryAfter != 30*time.Second {
			t.Errorf("%v", err)
		}
	})
	t.Run("a bad number is refused before any request", func(t *testing.T) {
		f := newFakeEskiz(t)
		_, err := newEskiz(f).Send(ctx, "+998901234567", "x", "1")
		if logins, _, _ := f.counts(); kind(err) != "rejected" || logins != 0 {
			t.Errorf("%v, %d logins", err, logins)
		}
	})
	t.Run("wrong password is retried, not the message's fault", func(t *testing.T) {
		f := newFakeEskiz(t)
		e := NewEskiz(EskizConfig{BaseURL: f.URL, Email: "bot@aziz-ayol.uz", Password: "wrong"})
		_, err := e.Send(ctx, "998901234567", "x", "1")
		if kind(err) != "retry" || !strings.Contains(err.Error(), "login") {
			t.Errorf("%v", err)
		}
	})
	t.Run("the network is retried", func(t *testing.T) {
		f := newFakeEskiz(t)
		e := newEskiz(f)
		f.Close()
		if _, err := e.Send(ctx, "998901234567", "x", "1"); kind(err) != "retry" {
			t.Errorf("%v", err)
		}
	})
}
