// Package sms is the channel of women with a feature phone: they text the platform's
// short code and get numbered menus back. Outgoing SMS go through a Provider (Eskiz,
// Play Mobile, or any aggregator speaking our plain HTTP format); incoming SMS arrive
// as the provider's webhook and are read into an Incoming. Texts are rendered to fit
// as few segments as they can: Uzbek Latin in the GSM-7 alphabet.
package sms

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/azizayol/azizayol"
)

// Provider sends one SMS through an aggregator. to is the number as 998XXXXXXXXX,
// id our unique id for the message (the outbox's), which providers that take one use
// to drop a repeated send. Its errors mean what the bot.Channel's do:
// azizayol.ErrRejected (give up: a bad number, a text refused), *azizayol.ThrottledError
// (wait), anything else (a 5xx, the network, our credentials) is retried.
type Provider interface {
	Send(ctx context.Context, to, text, id string) (providerID string, err error)
}

// msisdn is an Uzbek mobile number as the aggregators write it: no "+".
var msisdn = regexp.MustCompile(`^998\d{9}$`)

// ValidNumber reports whether s is a number the aggregators accept (998XXXXXXXXX).
func ValidNumber(s string) bool { return msisdn.MatchString(s) }

// defaultRetryAfter is the wait on a 429 that does not say how long.
const defaultRetryAfter = 5 * time.Second

// maxBody is the most of a provider's answer read: answers are small JSON.
const maxBody = 64 << 10

// checkRecipient refuses a number no provider would deliver to, before any request.
func checkRecipient(provider, to string) error {
	if !ValidNumber(to) {
		return fmt.Errorf("sms: %s: recipient %q is not 998XXXXXXXXX: %w", provider, to, azizayol.ErrRejected)
	}
	return nil
}

// reply is a provider's answer, read whole.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// do sends req and reads the answer. An error is the network's: retry.
func do(client *http.Client, req *http.Request) (reply, error) {
	resp, err := client.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return reply{}, fmt.Errorf("read answer: %w", err)
	}
	return reply{resp.StatusCode, resp.Header, body}, nil
}

// ok reports a 2xx.
func (r reply) ok() bool { return r.status/100 == 2 }

// failure maps an answer that is not a 2xx to the outbox's kinds of error. A 429 asks
// us to wait; 401 means our credentials (not the message) are wrong, and other 4xx
// the message itself is refused, for good; 5xx and anything odd are worth a retry.
// what says what was being done ("send"), detail what the provider said, if known.
func failure(provider, what string, r reply, detail string) error {
	if detail == "" {
		detail = snippet(r.body)
	}
	prefix := fmt.Sprintf("sms: %s: %s: HTTP %d", provider, what, r.status)
	if detail != "" {
		prefix += " " + detail
	}
	switch {
	case r.status == http.StatusTooManyRequests:
		return fmt.Errorf("%s: %w", prefix, &azizayol.ThrottledError{RetryAfter: retryAfter(r.header)})
	case r.status == http.StatusUnauthorized:
		return errors.New(prefix)
	case r.status/100 == 4:
		return fmt.Errorf("%s: %w", prefix, azizayol.ErrRejected)
	}
	return errors.New(prefix)
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(h http.Header) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if secs, err := strconv.Atoi(v); err == nil && secs > 0 {
		return time.Duration(secs) * time.Second
	}
	if at, err := http.ParseTime(v); err == nil {
		if d := time.Until(at); d > 0 {
			return d.Round(time.Second)
		}
	}
	return defaultRetryAfter
}

// snippet is the start of an answer's body, for an error message.
func snippet(body []byte) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "") + "…"
	}
	return s
}

// httpClient is the client used when a provider is given none.
var httpClient = &http.Client{Timeout: 30 * time.Second}
