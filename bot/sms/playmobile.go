package sms

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// PlayMobile sends through Play Mobile's broker API (send.smsxabar.uz and others),
// with basic auth:
//
//	POST {base}/broker-api/send
//	{"messages":[{"recipient":"998XXXXXXXXX","message-id":"<our id>",
//	  "sms":{"originator":"3700","content":{"text":"…"}}}]}
//
// A 2xx means accepted; a refusal is a 400 with {"error-code":N,"error-description":"…"}.
// Play Mobile returns no id of its own: our message-id, which it must find unique and
// so drops a repeated send, names the message in delivery reports. Incoming SMS to
// the short code arrive as XML at our webhook (ParsePlayMobile).
type PlayMobile struct {
	cfg PlayMobileConfig
}

// PlayMobileConfig holds a Play Mobile account's settings.
type PlayMobileConfig struct {
	BaseURL    string // e.g. https://send.smsxabar.uz
	Login      string
	Password   string
	Originator string       // the short code or nick the SMS come from
	Client     *http.Client // nil: a client with a 30 s timeout
}

// NewPlayMobile returns the provider.
func NewPlayMobile(cfg PlayMobileConfig) *PlayMobile {
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.Client == nil {
		cfg.Client = httpClient
	}
	return &PlayMobile{cfg: cfg}
}

type playMobileSend struct {
	Messages []playMobileMessage `json:"messages"`
}

type playMobileMessage struct {
	Recipient string `json:"recipient"`
	MessageID string `json:"message-id"`
	SMS       struct {
		Originator string `json:"originator"`
		Content    struct {
			Text string `json:"text"`
		} `json:"content"`
	} `json:"sms"`
}

type playMobileError struct {
	Code        int    `json:"error-code"`
	Description string `json:"error-description"`
}

// playMobileAccountErrors are the error codes that blame our account or settings,
// not the message: the message waits (is retried) until they are fixed, rather than
// being given up like one with a bad number.
var playMobileAccountErrors = map[int]bool{
	102: true, // account locked
	401: true, // no originator (SMS_SHORTCODE unset or not allowed)
}

// Send sends text to the number to, under our id.
func (p *PlayMobile) Send(ctx context.Context, to, text, id string) (string, error) {
	if err := checkRecipient("playmobile", to); err != nil {
		return "", err
	}
	msg := playMobileMessage{Recipient: to, MessageID: id}
	msg.SMS.Originator = p.cfg.Originator
	msg.SMS.Content.Text = text
	body, err := json.Marshal(playMobileSend{Messages: []playMobileMessage{msg}})
	if err != nil {
		return "", fmt.Errorf("sms: playmobile: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.cfg.BaseURL+"/broker-api/send", bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("sms: playmobile: %w", err)
	}
	req.SetBasicAuth(p.cfg.Login, p.cfg.Password)
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Accept", "application/json")
	r, err := do(p.cfg.Client, req)
	if err != nil {
		return "", fmt.Errorf("sms: playmobile: send: %w", err)
	}
	if r.ok() {
		return id, nil
	}
	var perr playMobileError
	if json.Unmarshal(r.body, &perr) != nil || perr.Code == 0 {
		return "", failure("playmobile", "send", r, "")
	}
	detail := fmt.Sprintf("error-code %d %s", perr.Code, perr.Description)
	if playMobileAccountErrors[perr.Code] {
		return "", fmt.Errorf("sms: playmobile: send: HTTP %d %s", r.status, detail)
	}
	return "", failure("playmobile", "send", r, detail)
}
