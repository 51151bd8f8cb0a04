package azizayol

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ConsentAnswer is what she answered a consent question, or her withdrawal of it.
type ConsentAnswer string

const (
	ConsentGiven     ConsentAnswer = "given"
	ConsentRefused   ConsentAnswer = "refused"
	ConsentWithdrawn ConsentAnswer = "withdrawn"
)

// Consent is one answer of hers to a consent question (law ZRU-547: consent in a
// verifiable form; special data only with her explicit electronic consent), kept with
// the version of the text she read and the time. A withdrawal is one too. The records
// are the operator's proof and are not purged; they hold no words of hers.
type Consent struct {
	UserID  int64
	Purpose string // what the data is processed for: the appeal's kind ("appeal", "consultation")
	Version string // the consent text she read (dialogs.ConsentVersion…)
	Answer  ConsentAnswer
	At      time.Time
}

// Retention is how long each kind of data is kept before the nightly purge blanks or
// deletes it; zero keeps that kind. Dialog sessions are not here: they live in Redis
// and expire after the session idle time.
type Retention struct {
	// Inbox: the raw updates she sent. Processed entries older than this lose their
	// payload (the row stays, so a redelivered update is still recognised).
	Inbox time.Duration
	// Outbox: the texts sent to her. Sent (or failed) messages older than this lose
	// their text and buttons; what became of them stays.
	Outbox time.Duration
	// ClosedTexts: the words of appeals closed or withdrawn longer ago than this —
	// hers, the answers, the notes, the transfer reasons, the files' ids — her phone
	// number and the link to her. The appeal keeps its statistics.
	ClosedTexts time.Duration
	// Audit: audit log entries older than this are deleted.
	Audit time.Duration
	// Batch is how many rows one statement of the purge changes (0: 1000).
	Batch int
}

// Purged counts what one purge did, per kind.
type Purged struct {
	Inbox   int64 // inbox entries whose payload was blanked
	Outbox  int64 // outbox messages whose text was blanked
	Appeals int64 // closed appeals whose words were blanked
	Audit   int64 // audit entries deleted
}

// ParseRetention reads a retention period: a number of days ("30d"), a Go duration
// ("36h", "90m"), or "0" (keep).
func ParseRetention(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "0" {
		return 0, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 100*366 {
			return 0, fmt.Errorf("%q is not a number of days (30d)", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not a duration (30d, 36h)", s)
	}
	return d, nil
}
