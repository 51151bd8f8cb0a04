package sms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
)

func TestHTTPGatewaySends(t *testing.T) {
	var got httpGatewaySend
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer gw-token" || r.Header.Get("Content-Type") != "application/json; charset=utf-8" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		fmt.Fprint(w, `{"id":"gw-7781"}`)
	}))
	defer srv.Close()
	g := NewHTTPGateway(HTTPGatewayConfig{URL: srv.URL + "/sms/send", Token: "gw-token"})
	id, err := g.Send(context.Background(), "998901234567", "Ҳурматли фойдаланувчи", "outbox-9")
	if err != nil || id != "gw-7781" {
		t.Fatalf("%q %v", id, err)
	}
	if got != (httpGatewaySend{To: "998901234567", Text: "Ҳурматли фойдаланувчи", ID: "outbox-9"}) {
		t.Errorf("sent %+v", got)
	}
}

func TestHTTPGatewayFailures(t *testing.T) {
	cases := []struct {
		name   string
		status int
		header map[string]string
		body   string
		want   string
	}{
		{"server error", 500, nil, `{"error":"db down"}`, "retry"},
		{"bad gateway", 502, nil, ``, "retry"},
		{"refused", 422, nil, `{"error":"number not served"}`, "rejected"},
		{"bad request", 400, nil, `{"error":"text too long"}`, "rejected"},
		{"wrong token", 401, nil, ``, "retry"},
		{"throttled", 429, map[string]string{"Retry-After": "7"}, ``, "throttled"},
		{"accepted without an id", 200, nil, `{}`, "retry"},
		{"accepted, not JSON", 200, nil, `OK`, "retry"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range c.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(c.status)
				fmt.Fprint(w, c.body)
			}))
			defer srv.Close()
			_, err := NewHTTPGateway(HTTPGatewayConfig{URL: srv.URL}).Send(context.Background(), "998901234567", "x", "1")
			if got := kind(err); got != c.want {
				t.Errorf("%v: %s, want %s", err, got, c.want)
			}
			var th *azizayol.ThrottledError
			if errors.As(err, &th) && th.RetryAfter != 7*time.Second {
				t.Errorf("retry after %s, want 7s", th.RetryAfter)
			}
		})
	}
}
