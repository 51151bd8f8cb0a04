package telegramtest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/go-telegram/bot/models"
)

// webhookState is the webhook configuration and delivery bookkeeping.
type webhookState struct {
	url    string
	secret string

	retryDelay  time.Duration
	maxAttempts int

	headID      int64 // update being delivered
	headTries   int   // failed attempts for headID
	failures    int
	dropped     []int64
	lastErrDate int
	lastErrMsg  string
}

// SetWebhookRetry changes how the webhook deliverer retries a failed update:
// it waits delay between attempts and drops the update after maxAttempts
// failed attempts (defaults: 50 ms, 200 attempts).
func (s *Server) SetWebhookRetry(delay time.Duration, maxAttempts int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook.retryDelay = delay
	s.webhook.maxAttempts = max(maxAttempts, 1)
}

// WebhookFailures returns how many webhook delivery attempts failed: non-2xx
// answers and network errors.
func (s *Server) WebhookFailures() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook.failures
}

// WebhookDropped returns the update_ids the deliverer gave up on after the
// maximum number of attempts.
func (s *Server) WebhookDropped() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int64(nil), s.webhook.dropped...)
}

// setWebhook implements https://core.telegram.org/bots/api#setwebhook. Plain
// http URLs are accepted (Telegram requires https) so that httptest servers
// can receive updates. An empty url removes the webhook.
func (s *Server) setWebhook(c *call) (any, *apiError) {
	secret := c.params.str("secret_token")
	if len(secret) > 256 {
		return nil, badRequest("secret token is too long")
	}
	for _, r := range secret {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return nil, badRequest("secret token contains unallowed characters")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.params.bool("drop_pending_updates") {
		s.queue = nil
	}
	s.webhook.url = c.params.str("url")
	s.webhook.secret = secret
	s.notifyLocked()
	return true, nil
}

// deleteWebhook implements https://core.telegram.org/bots/api#deletewebhook.
func (s *Server) deleteWebhook(c *call) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.params.bool("drop_pending_updates") {
		s.queue = nil
	}
	s.webhook.url = ""
	s.webhook.secret = ""
	s.notifyLocked()
	return true, nil
}

// getWebhookInfo implements https://core.telegram.org/bots/api#getwebhookinfo.
func (s *Server) getWebhookInfo(*call) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	info := models.WebhookInfo{
		URL:                s.webhook.url,
		PendingUpdateCount: len(s.queue),
	}
	if info.URL != "" {
		info.MaxConnections = 40
		info.LastErrorDate = s.webhook.lastErrDate
		info.LastErrorMessage = s.webhook.lastErrMsg
	}
	return info, nil
}

// deliverWebhooks runs for the life of the server. While a webhook is set,
// it POSTs queued updates to it one at a time in update_id order, retrying
// the head update until the receiver answers 2xx or attempts run out.
func (s *Server) deliverWebhooks() {
	defer close(s.delivererDone)
	client := &http.Client{Timeout: 10 * time.Second}
	for {
		s.mu.Lock()
		url, secret := s.webhook.url, s.webhook.secret
		var next *queuedUpdate
		if url != "" && len(s.queue) > 0 {
			head := s.queue[0]
			next = &head
		}
		changed := s.changed
		s.mu.Unlock()

		if next == nil {
			select {
			case <-changed:
				continue
			case <-s.ctx.Done():
				return
			}
		}

		failure := s.postUpdate(client, url, secret, next.raw)
		if s.ctx.Err() != nil {
			return
		}
		s.mu.Lock()
		retry := s.finishDeliveryLocked(next.id, failure)
		delay := s.webhook.retryDelay
		s.mu.Unlock()
		if retry {
			select {
			case <-time.After(delay):
			case <-s.ctx.Done():
				return
			}
		}
	}
}

// postUpdate delivers one update and describes the failure, "" on success.
func (s *Server) postUpdate(client *http.Client, url, secret string, body []byte) string {
	req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := client.Do(req)
	if err != nil {
		return "Connection failed: " + err.Error()
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Sprintf("Wrong response from the webhook: %s", resp.Status)
	}
	return ""
}

// finishDeliveryLocked records the outcome of delivering update id and
// reports whether it must be retried.
func (s *Server) finishDeliveryLocked(id int64, failure string) (retry bool) {
	wh := &s.webhook
	if wh.headID != id {
		wh.headID, wh.headTries = id, 0
	}
	if failure != "" {
		wh.failures++
		wh.headTries++
		wh.lastErrDate = int(s.now().Unix())
		wh.lastErrMsg = failure
		if wh.headTries < wh.maxAttempts {
			return true
		}
		wh.dropped = append(wh.dropped, id)
	}
	// Delivered or given up: remove it, unless drop_pending_updates already did.
	if len(s.queue) > 0 && s.queue[0].id == id {
		s.queue = s.queue[1:]
	}
	wh.headTries = 0
	s.notifyLocked()
	return false
}
