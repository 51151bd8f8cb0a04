package sms

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// HTTPGateway sends through any aggregator that speaks our plain JSON format; a
// small adapter on the aggregator's side is all another provider needs.
//
// Outgoing: POST {URL} with "Authorization: Bearer {Token}" (when a token is set) and
//
//	{"to":"998XXXXXXXXX","text":"…","id":"<our id>"}
//
// answered with a 2xx and {"id":"<the gateway's id>"}. The gateway must treat a
// repeated id as the same message. A 429 (with Retry-After in seconds) asks us to
// wait; other 4xx refuse the message for good; 5xx are retried.
//
// Incoming: the gateway POSTs {"id":"<its message id>","from":"998XXXXXXXXX","text":"…"}
// to our webhook (ParseHTTPGateway).
type HTTPGateway struct {
	cfg HTTPGatewayConfig
}

// HTTPGatewayConfig holds the gateway's settings.
type HTTPGatewayConfig struct {
	URL    string // the full send URL
	Token  string // sent as a bearer token; empty: none
	Client *http.Client
}

// NewHTTPGateway returns the provider.
func NewHTTPGateway(cfg HTTPGatewayConfig) *HTTPGateway {
	if cfg.Client == nil {
		cfg.Client = httpClient
	}
	return &HTTPGateway{cfg: cfg}
}

type httpGatewaySend struct {
	To   string `json:"to"`
	Text string `json:"text"`
	ID   string `json:"id"`
}

// Send sends text to the number to, under our id.
func (g *HTTPGateway) Send(ctx context.Context, to, text, id string) (string, error) {
	if err := checkRecipient("http", to); err != nil {
		return "", err
	}
	body, err := json.Marshal(httpGatewaySend{To: to, Text: text, ID: id})
	if err != nil {
		return "", fmt.Errorf("sms: http: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("sms: http: %w", err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Accept", "application/json")
	if g.cfg.Token != "" {
		req.Header.Set("Authorization", "Bearer "+g.cfg.Token)
	}
	r, err := do(g.cfg.Client, req)
	if err != nil {
		return "", fmt.Errorf("sms: http: send: %w", err)
	}
	if !r.ok() {
		return "", failure("http", "send", r, "")
	}
	var answer struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(r.body, &answer); err != nil || answer.ID == "" {
		return "", fmt.Errorf("sms: http: send: no id in answer %q", snippet(r.body))
	}
	return answer.ID, nil
}
