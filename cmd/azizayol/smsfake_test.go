package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/azizayol/azizayol/internal/sensitive"
)

// fakeAggregator is an SMS aggregator in the test: it speaks Eskiz's, Play Mobile's
// and our plain HTTP provider's send APIs, records what each number was sent, and
// fails on request (5xx, an expired Eskiz token).
type fakeAggregator struct {
	t   *testing.T
	srv *httptest.Server

	mu      sync.Mutex
	sent    map[string][]fakeSMS // by number
	ids     map[string]bool      // Play Mobile message-ids and gateway ids seen: a repeat is dropped
	n       int
	token   string // Eskiz's current token
	logins  int
	refresh int
	expire  bool                    // the next Eskiz send finds its token expired
	fail5xx int                     // the next sends answer 500
	calls   int                     // send requests, failed ones too
	asked   map[string]map[int]bool // by number, the SMS she asked to read (see askedFor)
}

// fakeSMS is one SMS the aggregator took.
type fakeSMS struct {
	ID       string // the id the send answered: the outbox's external id
	OurID    string // the id we gave (Play Mobile, HTTP)
	Text     string
	Callback string // Eskiz's callback_url
}

const (
	fakeLogin    = "aziz@example.uz"
	fakePassword = "pa55word"
	fakeToken    = "gw-token"
)

func newFakeAggregator(t *testing.T) *fakeAggregator {
	f := &fakeAggregator{t: t, sent: map[string][]fakeSMS{}, ids: map[string]bool{}, asked: map[string]map[int]bool{}}
	t.Cleanup(f.checkNeutral)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/auth/login", f.eskizLogin)
	mux.HandleFunc("PATCH /api/auth/refresh", f.eskizRefresh)
	mux.HandleFunc("POST /api/message/sms/send", f.eskizSend)
	mux.HandleFunc("POST /broker-api/send", f.playMobileSend)
	mux.HandleFunc("POST /send", f.gatewaySend)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// env is the instance's SMS settings for provider, with this aggregator.
func (f *fakeAggregator) env(provider string) []string {
	switch provider {
	case "eskiz":
		return []string{"SMS_PROVIDER", "eskiz", "SMS_API_URL", f.srv.URL, "SMS_LOGIN", fakeLogin, "SMS_PASSWORD", fakePassword,
			"SMS_CALLBACK_URL", "https://bot.aziz-ayol.uz/sms/report"}
	case "playmobile":
		return []string{"SMS_PROVIDER", "playmobile", "SMS_API_URL", f.srv.URL, "SMS_LOGIN", fakeLogin, "SMS_PASSWORD", fakePassword,
			"SMS_SHORTCODE", "1146"}
	}
	return []string{"SMS_PROVIDER", "http", "SMS_API_URL", f.srv.URL + "/send", "SMS_TOKEN", fakeToken}
}

// fault answers 500 when a failure was asked for; it counts the call.
func (f *fakeAggregator) fault(w http.ResponseWriter) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.fail5xx > 0 {
		f.fail5xx--
		http.Error(w, `{"message":"internal error"}`, http.StatusInternalServerError)
		return true
	}
	return false
}

func (f *fakeAggregator) record(number string, m fakeSMS) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent[number] = append(f.sent[number], m)
}

func (f *fakeAggregator) eskizLogin(w http.ResponseWriter, r *http.Request) {
	if r.FormValue("email") != fakeLogin || r.FormValue("password") != fakePassword {
		http.Error(w, `{"message":"Invalid credentials"}`, http.StatusUnauthorized)
		return
	}
	f.mu.Lock()
	f.logins++
	f.token = fmt.Sprintf("jwt-%d-%d", f.logins, f.refresh)
	tok := f.token
	f.mu.Unlock()
	fmt.Fprintf(w, `{"message":"token_generated","data":{"token":%q},"token_type":"bearer"}`, tok)
}

func (f *fakeAggregator) eskizRefresh(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+f.token {
		http.Error(w, `{"status":"token-invalid","message":"Invalid token"}`, http.StatusUnauthorized)
		return
	}
	f.refresh++
	f.token = fmt.Sprintf("jwt-%d-%d", f.logins, f.refresh)
	fmt.Fprintf(w, `{"message":"token_generated","data":{"token":%q},"token_type":"bearer"}`, f.token)
}

func (f *fakeAggregator) eskizSend(w http.ResponseWriter, r *http.Request) {
	if f.fault(w) {
		return
	}
	f.mu.Lock()
	ok := r.Header.Get("Authorization") == "Bearer "+f.token
	expired := f.expire // the token has lived its 30 days: a refresh gives a new one
	f.expire = false
	f.n++
	id := fmt.Sprintf("6b1c9a6e-%04d-4c2b-9d4e-0000000000%02d", f.n, f.n%100)
	f.mu.Unlock()
	if !ok || expired {
		http.Error(w, `{"status":"token-invalid","message":"Expired token"}`, http.StatusUnauthorized)
		return
	}
	f.record(r.FormValue("mobile_phone"), fakeSMS{ID: id, Text: r.FormValue("message"), Callback: r.FormValue("callback_url")})
	fmt.Fprintf(w, `{"id":%q,"message":"Waiting for SMS provider","status":"waiting"}`, id)
}

func (f *fakeAggregator) playMobileSend(w http.ResponseWriter, r *http.Request) {
	if user, pass, ok := r.BasicAuth(); !ok || user != fakeLogin || pass != fakePassword {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	if f.fault(w) {
		return
	}
	var req struct {
		Messages []struct {
			Recipient string `json:"recipient"`
			MessageID string `json:"message-id"`
			SMS       struct {
				Originator string `json:"originator"`
				Content    struct {
					Text string `json:"text"`
				} `json:"content"`
			} `json:"sms"`
		} `json:"messages"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Messages) != 1 || req.Messages[0].SMS.Originator != "1146" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"error-code":101,"error-description":"Syntax error"}`)
		return
	}
	m := req.Messages[0]
	if f.seen(m.MessageID) {
		fmt.Fprint(w, "Request is received")
		return
	}
	f.record(m.Recipient, fakeSMS{ID: m.MessageID, OurID: m.MessageID, Text: m.SMS.Content.Text})
	fmt.Fprint(w, "Request is received")
}

func (f *fakeAggregator) gatewaySend(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+fakeToken {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	if f.fault(w) {
		return
	}
	var m struct{ To, Text, ID string }
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	gw := "gw-" + m.ID
	if !f.seen(m.ID) {
		f.record(m.To, fakeSMS{ID: gw, OurID: m.ID, Text: m.Text})
	}
	fmt.Fprintf(w, `{"id":%q}`, gw)
}

// seen reports a send id taken before (the provider drops the repeat).
func (f *fakeAggregator) seen(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ids[id] {
		return true
	}
	f.ids[id] = true
	return false
}

// Sent is what number was sent so far.
func (f *fakeAggregator) Sent(number string) []fakeSMS {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeSMS(nil), f.sent[number]...)
}

// askedFor marks the SMS to number from the from-th on (counted from 0) as what she
// asked to read — her appeal opened, its answer read whole — which may quote the
// agency's words. Every other SMS is checked at the end of the test.
func (f *fakeAggregator) askedFor(number string, from int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.asked[number] == nil {
		f.asked[number] = map[int]bool{}
	}
	for i := from; i < len(f.sent[number]); i++ {
		f.asked[number][i] = true
	}
}

var sensitiveWords = sync.OnceValues(func() (*sensitive.List, error) { return sensitive.Load("../../" + sensitive.File) })

// checkNeutral fails the test on an SMS that carries a sensitive word (issue 9: an
// SMS cannot be recalled): every SMS the aggregator took, but those she asked to read.
func (f *fakeAggregator) checkNeutral() {
	words, err := sensitiveWords()
	if err != nil {
		f.t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for number, msgs := range f.sent {
		for i, m := range msgs {
			if found := words.Find(m.Text); len(found) > 0 && !f.asked[number][i] {
				f.t.Errorf("an SMS to %s with sensitive words %q: %q", number, found, m.Text)
			}
		}
	}
}

// set changes the aggregator's state under its lock.
func (f *fakeAggregator) set(fn func(f *fakeAggregator)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

// waitSent waits until number was sent at least n SMS, and then until no more come
// for a moment (a turn's replies come together).
func (f *fakeAggregator) waitSent(t *testing.T, number string, n int) []fakeSMS {
	t.Helper()
	deadline := time.Now().Add(wait)
	for len(f.Sent(number)) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%s was sent %d SMS, want %d: %q", number, len(f.Sent(number)), n, smsTexts(f.Sent(number)))
		}
		time.Sleep(10 * time.Millisecond)
	}
	for {
		before := len(f.Sent(number))
		time.Sleep(150 * time.Millisecond)
		if len(f.Sent(number)) == before {
			return f.Sent(number)
		}
	}
}

func smsTexts(ms []fakeSMS) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Text)
	}
	return out
}

// options reads the numbered options of an SMS: its last line, "1 Maslahat 2 Murojaat …".
func options(text string) map[int]string {
	lines := strings.Split(text, "\n")
	words := strings.Fields(lines[len(lines)-1])
	opts := map[int]string{}
	next := 1
	for _, w := range words {
		if w == fmt.Sprint(next) {
			next++
			continue
		}
		if next > 1 {
			opts[next-1] = strings.TrimSpace(opts[next-1] + " " + w)
		}
	}
	return opts
}
