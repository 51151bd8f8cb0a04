package sms

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// fakePlayMobile answers the broker API's send: with 200, or with the status and
// body it is told.
func fakePlayMobile(t *testing.T, status int, body string) (*httptest.Server, *[]playMobileSend) {
	var got []playMobileSend
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/broker-api/send" {
			http.NotFound(w, r)
			return
		}
		if user, pass, ok := r.BasicAuth(); !ok || user != "azizayol" || pass != "secret" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var req playMobileSend
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &req); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error-code":101,"error-description":"Syntax error"}`)
			return
		}
		got = append(got, req)
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, &got
}

func newPlayMobile(url string) *PlayMobile {
	return NewPlayMobile(PlayMobileConfig{BaseURL: url + "/", Login: "azizayol", Password: "secret", Originator: "3700"})
}

func TestPlayMobileSends(t *testing.T) {
	srv, got := fakePlayMobile(t, http.StatusOK, "Request is received")
	id, err := newPlayMobile(srv.URL).Send(context.Background(), "998901234567", "Salom, o'zbekcha matn", "outbox-42")
	if err != nil || id != "outbox-42" {
		t.Fatalf("%q %v", id, err)
	}
	if len(*got) != 1 || len((*got)[0].Messages) != 1 {
		t.Fatalf("sent %+v", *got)
	}
	m := (*got)[0].Messages[0]
	if m.Recipient != "998901234567" || m.MessageID != "outbox-42" || m.SMS.Originator != "3700" || m.SMS.Content.Text != "Salom, o'zbekcha matn" {
		t.Errorf("sent %+v", m)
	}
}

func TestPlayMobileFailures(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		want   string
		detail string
	}{
		{"no recipient", 400, `{"error-code":202,"error-description":"Empty recipient"}`, "rejected", "error-code 202 Empty recipient"},
		{"syntax", 400, `{"error-code":101,"error-description":"Syntax error"}`, "rejected", "error-code 101"},
		{"no message-id", 400, `{"error-code":205,"error-description":"Empty message-id"}`, "rejected", "error-code 205"},
		{"account locked: wait for the fix", 400, `{"error-code":102,"error-description":"Account is locked"}`, "retry", "error-code 102"},
		{"no originator: our settings", 400, `{"error-code":401,"error-description":"Empty originator"}`, "retry", "error-code 401"},
		{"400 without a code", 400, `Bad Request`, "rejected", "Bad Request"},
		{"server error", 500, `Internal Server Error`, "retry", "HTTP 500"},
		{"unavailable", 503, ``, "retry", "HTTP 503"},
		{"throttled", 429, ``, "throttled", "HTTP 429"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv, _ := fakePlayMobile(t, c.status, c.body)
			_, err := newPlayMobile(srv.URL).Send(context.Background(), "998901234567", "x", "1")
			if got := kind(err); got != c.want {
				t.Errorf("%v: %s, want %s", err, got, c.want)
			}
			if err == nil || !strings.HasPrefix(err.Error(), "sms: playmobile: send: ") || !strings.Contains(err.Error(), c.detail) {
				t.Errorf("error %v, want it to say %q", err, c.detail)
			}
		})
	}
	t.Run("wrong password is retried", func(t *testing.T) {
		srv, _ := fakePlayMobile(t, http.StatusOK, "")
		p := NewPlayMobile(PlayMobileConfig{BaseURL: srv.URL, Login: "azizayol", Password: "wrong", Originator: "3700"})
		if _, err := p.Send(context.Background(), "998901234567", "x", "1"); kind(err) != "retry" {
			t.Errorf("%v", err)
		}
	})
	t.Run("a bad number is refused before any request", func(t *testing.T) {
		srv, got := fakePlayMobile(t, http.StatusOK, "")
		_, err := newPlayMobile(srv.URL).Send(context.Background(), "7916123456", "x", "1")
		if kind(err) != "rejected" || len(*got) != 0 {
			t.Errorf("%v, %d sent", err, len(*got))
		}
	})
}
