package sms

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
)

// kind names what the outbox does with a Send error.
func kind(err error) string {
	var throttled *azizayol.ThrottledError
	switch {
	case err == nil:
		return "sent"
	case errors.Is(err, azizayol.ErrRejected):
		return "rejected"
	case errors.As(err, &throttled):
		return "throttled"
	case errors.Is(err, azizayol.ErrRecipientBlocked):
		return "blocked"
	}
	return "retry"
}

func TestFailureKinds(t *testing.T) {
	cases := []struct {
		status int
		want   string
	}{
		{http.StatusBadRequest, "rejected"},
		{http.StatusNotFound, "rejected"},
		{http.StatusUnprocessableEntity, "rejected"},
		{http.StatusUnauthorized, "retry"}, // our credentials, not her message
		{http.StatusTooManyRequests, "throttled"},
		{http.StatusInternalServerError, "retry"},
		{http.StatusBadGateway, "retry"},
		{http.StatusFound, "retry"},
	}
	for _, c := range cases {
		if got := kind(failure("test", "send", reply{status: c.status, header: http.Header{}}, "")); got != c.want {
			t.Errorf("HTTP %d: %s, want %s", c.status, got, c.want)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	h := http.Header{}
	if d := retryAfter(h); d != defaultRetryAfter {
		t.Errorf("none: %s", d)
	}
	h.Set("Retry-After", "12")
	if d := retryAfter(h); d != 12*time.Second {
		t.Errorf("seconds: %s", d)
	}
	h.Set("Retry-After", time.Now().Add(time.Minute).UTC().Format(http.TimeFormat))
	if d := retryAfter(h); d < 58*time.Second || d > 61*time.Second {
		t.Errorf("date: %s", d)
	}
}

func TestValidNumber(t *testing.T) {
	for s, want := range map[string]bool{
		"998901234567":  true,
		"+998901234567": false, // providers take it without "+"
		"99890123456":   false,
		"9989012345678": false,
		"79161234567":   false,
		"998 90 123 45": false,
		"":              false,
	} {
		if ValidNumber(s) != want {
			t.Errorf("ValidNumber(%q) != %v", s, want)
		}
	}
}
