package sms

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/azizayol/azizayol"
)

// Inbox stores what arrives (postgres.DB).
type Inbox interface {
	StoreInbox(ctx context.Context, entries ...azizayol.InboxEntry) (int, error)
}

// Reports records delivery reports (postgres.DB).
type Reports interface {
	RecordReport(ctx context.Context, channel azizayol.Channel, externalID string, r azizayol.DeliveryReport, at time.Time) (bool, error)
}

// Webhook receives what a provider POSTs: incoming SMS (Incoming) and delivery reports
// (Report). Both are authenticated by the shared secret — in the X-Webhook-Secret
// header, or as ?secret= in the URL given to providers that cannot set a header; reports
// also by ReportToken — and, when an allow-list is set, by the sender's address (the
// direct peer: behind a proxy, the proxy must enforce it). An incoming SMS is answered 2xx
// only after it is stored; the same provider message id stored twice is one entry.
type Webhook struct {
	cfg WebhookConfig
}

// WebhookConfig holds the webhook's settings.
type WebhookConfig struct {
	Provider string         // eskiz, playmobile or http: the formats it reads
	Secret   string         // SMS_WEBHOOK_SECRET
	Allow    []netip.Prefix // SMS_ALLOW_FROM; empty: any address with the secret
	Keywords []string       // prefixes that lead texts on a shared short code, stripped
	Inbox    Inbox
	Reports  Reports
	Stored   func(userKeys ...string) // called after SMS were stored
	Now      func() time.Time
}

// NewWebhook returns the webhook.
func NewWebhook(cfg WebhookConfig) *Webhook {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Webhook{cfg: cfg}
}

// maxRequest bounds a webhook's body: an SMS or a report is small.
const maxRequest = 256 << 10

// read checks the sender's address and the secret, and reads the body; on false it
// has answered the refusal itself. The address is checked first, so an address not
// allowed learns nothing of the secret.
func (h *Webhook) read(w http.ResponseWriter, r *http.Request, what string) ([]byte, bool) {
	if len(h.cfg.Allow) > 0 && !h.fromAllowed(r.RemoteAddr) {
		slog.Warn("sms: webhook request from an address not allowed", "what", what, "remote", r.RemoteAddr)
		http.Error(w, "forbidden", http.StatusForbidden)
		return nil, false
	}
	if !h.authentic(r, what) {
		slog.Warn("sms: webhook request with a wrong secret refused", "what", what, "remote", r.RemoteAddr)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequest))
	if err != nil {
		http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
		return nil, false
	}
	return body, true
}

// authentic checks the request's secret: the webhook secret, in the X-Webhook-Secret
// header or as ?secret=; for delivery reports also the report token as ?token=, which
// is all a callback URL that others may see (Eskiz's dashboard, a proxy's log) carries:
// it can forge a report, never an SMS from her.
func (h *Webhook) authentic(r *http.Request, what string) bool {
	if h.cfg.Secret == "" {
		return false
	}
	same := func(got, want string) bool { return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1 }
	got := r.Header.Get("X-Webhook-Secret")
	if got == "" {
		got = r.URL.Query().Get("secret")
	}
	if same(got, h.cfg.Secret) {
		return true
	}
	return what == "report" && same(r.URL.Query().Get("token"), ReportToken(h.cfg.Secret))
}

// ReportToken is the token that authenticates delivery reports only: derived from the
// webhook secret, so it needs no setting of its own.
func ReportToken(secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("aziz-ayol sms delivery reports"))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

func (h *Webhook) fromAllowed(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	for _, p := range h.cfg.Allow {
		if p.Contains(addr.Unmap()) {
			return true
		}
	}
	return false
}

// Incoming stores the SMS a provider pushes: Play Mobile's XML, or our plain JSON
// (the HTTP provider's, and with Eskiz, which has no incoming SMS, the short-code
// operator's forwarder).
func (h *Webhook) Incoming(w http.ResponseWriter, r *http.Request) {
	body, ok := h.read(w, r, "incoming")
	if !ok {
		return
	}
	var msgs []Incoming
	var err error
	if h.cfg.Provider == "playmobile" {
		var skipped []error
		msgs, skipped, err = ParsePlayMobile(body, h.cfg.Keywords)
		for _, e := range skipped {
			slog.Warn("sms: an incoming SMS could not be read and is skipped", "err", e)
		}
	} else {
		var m Incoming
		m, err = ParseHTTPGateway(body)
		m.Text = stripKeyword(m.Text, h.cfg.Keywords)
		msgs = []Incoming{m}
	}
	if err != nil {
		slog.Warn("sms: an incoming webhook could not be read", "err", err)
		http.Error(w, "not an SMS", http.StatusBadRequest)
		return
	}
	var entries []azizayol.InboxEntry
	var keys []string
	for _, m := range msgs {
		payload, err := json.Marshal(m)
		if err != nil {
			http.Error(w, "not an SMS", http.StatusBadRequest)
			return
		}
		e := azizayol.InboxEntry{Channel: azizayol.SMS, ExternalID: h.cfg.Provider + ":" + m.ID, UserKey: "sms:" + m.From, Payload: payload}
		entries, keys = append(entries, e), append(keys, e.UserKey)
	}
	if _, err := h.cfg.Inbox.StoreInbox(r.Context(), entries...); err != nil {
		slog.Error("sms: storing incoming SMS failed; the provider will retry", "err", err)
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	h.cfg.Stored(keys...)
	w.WriteHeader(http.StatusOK)
}

// report is one delivery report, as any provider writes it.
type report struct {
	id     string // the id the provider's send answered (external_id)
	status string
}

// Report records a provider's delivery reports. A report of a message we do not
// know is answered 200 too: there is nothing to try again.
func (h *Webhook) Report(w http.ResponseWriter, r *http.Request) {
	body, ok := h.read(w, r, "report")
	if !ok {
		return
	}
	reports, err := parseReports(h.cfg.Provider, r.Header.Get("Content-Type"), body)
	if err != nil {
		slog.Warn("sms: a delivery report could not be read", "err", err)
		http.Error(w, "not a delivery report", http.StatusBadRequest)
		return
	}
	for _, rep := range reports {
		status, final := reportStatus(rep.status)
		if !final {
			continue // accepted, en route: the final word comes later
		}
		found, err := h.cfg.Reports.RecordReport(r.Context(), azizayol.SMS, rep.id, status, h.cfg.Now())
		if err != nil {
			slog.Error("sms: recording a delivery report failed; the provider will retry", "id", rep.id, "err", err)
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
		if !found {
			slog.Info("sms: a delivery report of a message not known", "id", rep.id, "status", rep.status)
		}
	}
	w.WriteHeader(http.StatusOK)
}

// parseReports reads the reports of one request:
//
//	eskiz       form or JSON: request_id (the send's id), status (DELIVRD, UNDELIV, EXPIRED …)
//	playmobile  JSON {"messages":[{"message-id":"…","status":"…"}]} or one such object
//	            (ASSUMPTION: Play Mobile's report format is set by contract, not public)
//	http        JSON {"id":"<the gateway's id>","status":"delivered|failed|expired"}
func parseReports(provider, contentType string, body []byte) ([]report, error) {
	body = repairUTF8(body)
	if provider == "eskiz" {
		if mt, _, _ := mime.ParseMediaType(contentType); mt == "application/x-www-form-urlencoded" {
			form, err := url.ParseQuery(string(body))
			if err != nil {
				return nil, fmt.Errorf("eskiz report: %w", err)
			}
			return checkReports(report{id: form.Get("request_id"), status: form.Get("status")})
		}
		var rep struct {
			RequestID json.RawMessage `json:"request_id"`
			Status    string          `json:"status"`
		}
		if err := json.Unmarshal(body, &rep); err != nil {
			return nil, fmt.Errorf("eskiz report: %w", err)
		}
		return checkReports(report{id: strings.Trim(string(rep.RequestID), `"`), status: rep.Status})
	}
	type one struct {
		ID        string `json:"id"`
		MessageID string `json:"message-id"`
		Status    string `json:"status"`
	}
	var many struct {
		Messages []one `json:"messages"`
	}
	if err := json.Unmarshal(body, &many); err != nil {
		return nil, fmt.Errorf("%s report: %w", provider, err)
	}
	if len(many.Messages) == 0 {
		var o one
		if err := json.Unmarshal(body, &o); err != nil {
			return nil, fmt.Errorf("%s report: %w", provider, err)
		}
		many.Messages = []one{o}
	}
	var out []report
	for _, o := range many.Messages {
		id := o.ID
		if provider == "playmobile" {
			id = o.MessageID
		}
		out = append(out, report{id: id, status: o.Status})
	}
	return checkReports(out...)
}

func checkReports(rs ...report) ([]report, error) {
	for _, r := range rs {
		if strings.TrimSpace(r.id) == "" || strings.TrimSpace(r.status) == "" {
			return nil, errors.New("a report without an id or a status")
		}
	}
	return rs, nil
}

// reportStatus maps a provider's status to ours; final is false for the statuses on
// the way (accepted, en route, waiting) and for ones we do not know.
func reportStatus(s string) (azizayol.DeliveryReport, bool) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "DELIVRD", "DELIVERED", "PARTDELIVERED":
		return azizayol.Delivered, true
	case "UNDELIV", "UNDELIVERED", "REJECTD", "REJECTED", "FAILED", "NOT_DELIVERED", "UNDELIVERABLE":
		return azizayol.NotDelivered, true
	case "EXPIRED":
		return azizayol.ReportExpired, true
	}
	return "", false
}
