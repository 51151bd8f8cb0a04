package telegram

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/azizayol/azizayol"
)

// Inbox stores updates (postgres.DB).
type Inbox interface {
	StoreInbox(ctx context.Context, entries ...azizayol.InboxEntry) (int, error)
}

// Lease lets one instance at a time poll: Telegram answers a second poller with 409.
type Lease func(ctx context.Context) (bool, error)

// Poller receives updates with getUpdates. It asks for the next offset, which is what
// confirms updates to Telegram, only after the batch is committed to the inbox; an
// update stored twice (a crash after storing, before confirming) is stored once.
type Poller struct {
	url     string
	client  *http.Client
	inbox   Inbox
	lease   Lease
	stored  func(userKeys ...string) // called after updates are stored
	timeout time.Duration
}

// NewPoller returns a poller for the channel's bot. stored is called with the users'
// keys after each batch is stored; lease may be nil when only one instance runs.
func (t *Telegram) NewPoller(inbox Inbox, lease Lease, stored func(userKeys ...string)) *Poller {
	return &Poller{
		url:    t.apiURL + "/bot" + t.token + "/getUpdates",
		client: &http.Client{Timeout: 60 * time.Second},
		inbox:  inbox, lease: lease, stored: stored,
		timeout: 25 * time.Second,
	}
}

// Run polls until ctx ends.
func (p *Poller) Run(ctx context.Context) {
	var offset int64
	backoff := time.Duration(0)
	for ctx.Err() == nil {
		if backoff > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
		}
		if p.lease != nil {
			mine, err := p.lease(ctx)
			if err != nil || !mine {
				if err != nil && ctx.Err() == nil {
					slog.Warn("telegram: poller lease", "err", err)
				}
				offset, backoff = 0, 5*time.Second // another instance polls
				continue
			}
		}
		next, err := p.poll(ctx, offset)
		if err != nil {
			if ctx.Err() == nil {
				slog.Warn("telegram: getUpdates failed", "err", err)
			}
			backoff = min(max(2*backoff, 500*time.Millisecond), 30*time.Second)
			continue
		}
		offset, backoff = next, 0
	}
}

// poll asks for updates after offset, stores them, and returns the next offset.
func (p *Poller) poll(ctx context.Context, offset int64) (int64, error) {
	body, _ := json.Marshal(map[string]any{
		"offset": offset, "limit": 100, "timeout": int(p.timeout.Seconds()), "allowed_updates": AllowedUpdates,
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(body))
	if err != nil {
		return offset, fmt.Errorf("build getUpdates: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		var uerr interface{ Unwrap() error }
		if errors.As(err, &uerr) {
			err = uerr.Unwrap() // the URL holds the token: keep it out of the logs
		}
		return offset, fmt.Errorf("getUpdates: %w", err)
	}
	defer resp.Body.Close()
	var r struct {
		OK          bool              `json:"ok"`
		Result      []json.RawMessage `json:"result"`
		ErrorCode   int               `json:"error_code"`
		Description string            `json:"description"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&r); err != nil {
		return offset, fmt.Errorf("getUpdates: HTTP %d: decode: %w", resp.StatusCode, err)
	}
	if !r.OK {
		return offset, fmt.Errorf("getUpdates: %d %s", r.ErrorCode, r.Description)
	}
	if len(r.Result) == 0 {
		return offset, nil
	}
	entries := make([]azizayol.InboxEntry, 0, len(r.Result))
	keys := make([]string, 0, len(r.Result))
	next := offset
	for _, raw := range r.Result {
		e, err := entry(raw)
		if err != nil {
			// Not even an update_id: nothing to store or to confirm it by.
			slog.Error("telegram: skipping an update without update_id", "err", err)
			continue
		}
		entries, keys = append(entries, e), append(keys, e.UserKey)
		id, _ := strconv.ParseInt(e.ExternalID, 10, 64)
		next = max(next, id+1)
	}
	if _, err := p.inbox.StoreInbox(ctx, entries...); err != nil {
		// Not stored, so not confirmed: the same updates come again.
		return offset, err
	}
	p.stored(keys...)
	return next, nil
}

// Webhook receives updates that Telegram POSTs. It answers 2xx only after the update
// is stored; anything else makes Telegram deliver it again. A request without the
// right secret is refused and stores nothing.
type Webhook struct {
	secret []byte
	inbox  Inbox
	stored func(userKeys ...string)
}

// NewWebhook returns the webhook handler. secret is what setWebhook was given; stored
// is called with the user's key after an update is stored.
func NewWebhook(secret string, inbox Inbox, stored func(userKeys ...string)) *Webhook {
	return &Webhook{secret: []byte(secret), inbox: inbox, stored: stored}
}

// maxUpdate bounds the request body: Telegram's updates are far smaller.
const maxUpdate = 1 << 20

func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	got := []byte(r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
	if len(h.secret) == 0 || subtle.ConstantTimeCompare(got, h.secret) != 1 {
		slog.Warn("telegram: webhook request with a wrong secret refused", "remote", r.RemoteAddr)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxUpdate))
	if err != nil {
		http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
		return
	}
	e, err := entry(raw)
	if err != nil {
		http.Error(w, "not an update", http.StatusBadRequest)
		return
	}
	if _, err := h.inbox.StoreInbox(r.Context(), e); err != nil {
		slog.Error("telegram: storing a webhook update failed; Telegram will retry", "update", e.ExternalID, "err", err)
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	h.stored(e.UserKey)
	w.WriteHeader(http.StatusOK)
}
