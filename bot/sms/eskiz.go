package sms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/azizayol/azizayol"
)

// Eskiz sends through notify.eskiz.uz. It logs in with the account's email and
// password for a bearer token (valid about 30 days) and keeps it; when a send is
// refused with a 401 it refreshes the token, or logs in again if the refresh is
// refused too, and sends once more. Eskiz delivers no incoming SMS: it only sends.
//
//	POST /api/auth/login           form email, password → {"data":{"token":"…"}}
//	PATCH /api/auth/refresh        bearer (the old token) → {"data":{"token":"…"}}
//	POST /api/message/sms/send     bearer; form mobile_phone, message, from, callback_url
//	                               → {"id":"<uuid>","status":"waiting"}
//
// Eskiz takes no id of ours on a single send: a send retried after a lost answer may
// reach her twice. Delivery reports name the send by the id it returned.
type Eskiz struct {
	cfg EskizConfig

	mu    sync.Mutex // held while a token is fetched, so one login serves every sender
	token string
}

// EskizConfig holds an Eskiz account's settings.
type EskizConfig struct {
	BaseURL     string // https://notify.eskiz.uz
	Email       string
	Password    string
	From        string       // sender: an approved nick, or "4546" (Eskiz's default) when empty
	CallbackURL string       // where delivery reports go (with a secret in it: they are not signed)
	Client      *http.Client // nil: a client with a 30 s timeout
}

// NewEskiz returns the provider; it logs in at the first send.
func NewEskiz(cfg EskizConfig) *Eskiz {
	if cfg.BaseURL == "" {
		cfg.BaseURL = "https://notify.eskiz.uz"
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.From == "" {
		cfg.From = "4546"
	}
	if cfg.Client == nil {
		cfg.Client = httpClient
	}
	return &Eskiz{cfg: cfg}
}

// eskizAnswer is what Eskiz answers: a token, a send's id, or an error's message.
type eskizAnswer struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Message any    `json:"message"` // a string, or on validation errors an object
	Data    struct {
		Token string `json:"token"`
	} `json:"data"`
}

// Send sends text to the number to.
func (e *Eskiz) Send(ctx context.Context, to, text, id string) (string, error) {
	if err := checkRecipient("eskiz", to); err != nil {
		return "", err
	}
	token, err := e.currentToken(ctx)
	if err != nil {
		return "", err
	}
	r, err := e.send(ctx, token, to, text)
	if err != nil {
		return "", err
	}
	if r.status == http.StatusUnauthorized {
		// The token expired (or was revoked): renew it and try once more.
		if token, err = e.renew(ctx, token); err != nil {
			return "", err
		}
		if r, err = e.send(ctx, token, to, text); err != nil {
			return "", err
		}
	}
	var a eskizAnswer
	_ = json.Unmarshal(r.body, &a) // an error answer may not be JSON: failure shows the body
	if !r.ok() {
		return "", failure("eskiz", "send", r, a.message())
	}
	if a.ID == "" {
		// Taken, but without the id its reports name: sending it again would reach her
		// twice, so it counts as sent, without reports.
		slog.Warn("sms: eskiz: send answered without an id", "answer", snippet(r.body))
	}
	return a.ID, nil
}

func (e *Eskiz) send(ctx context.Context, token, to, text string) (reply, error) {
	form := url.Values{"mobile_phone": {to}, "message": {text}, "from": {e.cfg.From}}
	if e.cfg.CallbackURL != "" {
		form.Set("callback_url", e.cfg.CallbackURL)
	}
	req, err := e.request(ctx, http.MethodPost, "/api/message/sms/send", token, form)
	if err != nil {
		return reply{}, err
	}
	r, err := do(e.cfg.Client, req)
	if err != nil {
		return reply{}, fmt.Errorf("sms: eskiz: send: %w", err)
	}
	return r, nil
}

// currentToken returns the kept token, logging in first if there is none.
func (e *Eskiz) currentToken(ctx context.Context) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.token != "" {
		return e.token, nil
	}
	token, err := e.login(ctx)
	if err != nil {
		return "", err
	}
	e.token = token
	return token, nil
}

// renew replaces the refused token: by a refresh, or a login when the refresh is
// refused. If another sender renewed it meanwhile, its token is taken as it is.
func (e *Eskiz) renew(ctx context.Context, refused string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.token != refused && e.token != "" {
		return e.token, nil
	}
	e.token = ""
	token, err := e.refresh(ctx, refused)
	if err != nil {
		if token, err = e.login(ctx); err != nil {
			return "", err
		}
	}
	e.token = token
	return token, nil
}

func (e *Eskiz) login(ctx context.Context) (string, error) {
	form := url.Values{"email": {e.cfg.Email}, "password": {e.cfg.Password}}
	req, err := e.request(ctx, http.MethodPost, "/api/auth/login", "", form)
	if err != nil {
		return "", err
	}
	return e.tokenFrom(req, "login")
}

func (e *Eskiz) refresh(ctx context.Context, token string) (string, error) {
	req, err := e.request(ctx, http.MethodPatch, "/api/auth/refresh", token, nil)
	if err != nil {
		return "", err
	}
	return e.tokenFrom(req, "refresh")
}

// tokenFrom makes a login or refresh request and reads the token it gives. Its
// failures are never ErrRejected: wrong credentials are ours to fix, not the
// message's fault, so the message waits for the fix.
func (e *Eskiz) tokenFrom(req *http.Request, what string) (string, error) {
	r, err := do(e.cfg.Client, req)
	if err != nil {
		return "", fmt.Errorf("sms: eskiz: %s: %w", what, err)
	}
	var a eskizAnswer
	_ = json.Unmarshal(r.body, &a)
	if !r.ok() {
		err := failure("eskiz", what, r, a.message())
		if errors.Is(err, azizayol.ErrRejected) {
			err = fmt.Errorf("sms: eskiz: %s: HTTP %d %s", what, r.status, a.message())
		}
		return "", err
	}
	if a.Data.Token == "" {
		return "", fmt.Errorf("sms: eskiz: %s: no token in answer %q", what, snippet(r.body))
	}
	return a.Data.Token, nil
}

func (e *Eskiz) request(ctx context.Context, method, path, token string, form url.Values) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, e.cfg.BaseURL+path, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("sms: eskiz: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req, nil
}

// message is what Eskiz said went wrong.
func (a eskizAnswer) message() string {
	switch m := a.Message.(type) {
	case string:
		return m
	case nil:
		return ""
	default:
		b, _ := json.Marshal(m)
		return string(b)
	}
}
