package azizayol

import (
	"context"
	"errors"
	"time"
)

// BroadcastStatus is where a broadcast is in its life.
type BroadcastStatus string

const (
	BroadcastDraft     BroadcastStatus = "draft"     // being written; nothing is sent
	BroadcastScheduled BroadcastStatus = "scheduled" // starts at ScheduledAt
	BroadcastRunning   BroadcastStatus = "running"   // recipients being found and sent to
	BroadcastPaused    BroadcastStatus = "paused"    // nothing more is sent until resumed
	BroadcastCancelled BroadcastStatus = "cancelled" // what was not sent will not be
	BroadcastDone      BroadcastStatus = "done"      // every recipient has her outcome
)

// Audience is who a broadcast reaches: the women subscribed to any of Topics (a
// broadcast never reaches a woman who did not ask for its topic), narrowed by her
// language, the place she chose for local news and the channel. Empty Langs or
// Channels: all of them; an empty region: the whole country.
type Audience struct {
	Topics       []InfoTopic
	Langs        []Lang
	RegionCode   string
	DistrictCode string
	Channels     []Channel // Telegram, SMS
}

// BroadcastChannels are the channels a broadcast can go by.
var BroadcastChannels = []Channel{Telegram, SMS}

// Broadcast is one message an agency sends to the women who subscribed to its topic,
// written in every language.
type Broadcast struct {
	ID       int64
	AgencyID int64 // whose it is; the console shows it to that agency (and super-admins)
	Texts    map[Lang]string
	Audience Audience
	Status   BroadcastStatus
	// ScheduledAt: when a scheduled broadcast starts.
	ScheduledAt time.Time
	// SMSBudget is the most SMS segments it may cost; women by SMS beyond it are
	// skipped (counted as over budget). 0: none may go by SMS.
	SMSBudget int
	// SMSSegments: the segments one SMS of it takes in each language (the console
	// counts them when it is saved).
	SMSSegments map[Lang]int
	CreatedBy   int64
	Author      string // the name of who created it
	Created     time.Time
	Started     time.Time // first started (zero before)
	Finished    time.Time
	Progress    BroadcastProgress
}

// BroadcastProgress counts a broadcast's recipients by outcome.
type BroadcastProgress struct {
	Total      int  // recipients found so far
	Planned    bool // every recipient has been found: Total is final
	Sent       int  // taken by the channel
	Delivered  int  // of those, reported delivered (SMS)
	Failed     int
	Blocked    int     // she blocked the bot: skipped next time too
	Skipped    int     // she unsubscribed, sent STOP, or the SMS budget ran out
	Unknown    int     // the sending instance stopped mid-send: not sent again
	Cancelled  int     // not sent because it was cancelled
	SMSUsed    int     // SMS segments spent or reserved
	ActiveTime float64 // seconds it has been running (paused time not counted)
}

// Finished counts the recipients with an outcome.
func (p BroadcastProgress) Finished() int {
	return p.Sent + p.Failed + p.Blocked + p.Skipped + p.Unknown + p.Cancelled
}

// Queued counts those still to send.
func (p BroadcastProgress) Queued() int { return max(0, p.Total-p.Finished()) }

// Percent is how far it is, 0–100.
func (p BroadcastProgress) Percent() int {
	if p.Total == 0 {
		if p.Planned {
			return 100
		}
		return 0
	}
	return p.Finished() * 100 / p.Total
}

// Rate is the messages a second it has achieved while running.
func (p BroadcastProgress) Rate() float64 {
	if p.ActiveTime < 1 {
		return 0
	}
	return float64(p.Finished()) / p.ActiveTime
}

// ETA is how long the rest will take at rate messages a second (the configured
// limit, or the achieved rate when lower).
func (p BroadcastProgress) ETA(rate float64) time.Duration {
	if achieved := p.Rate(); achieved > 0 && achieved < rate {
		rate = achieved
	}
	if rate <= 0 {
		return 0
	}
	return time.Duration(float64(p.Queued()) / rate * float64(time.Second))
}

// BroadcastSend is one message of a broadcast, taken by a sender.
type BroadcastSend struct {
	BroadcastID int64
	UserID      int64
	Channel     Channel
	Address     string
	Lang        Lang
	Text        string
	Paid        bool
	Privacy     Privacy
	// Skip says why she must not get it after all ("" : send): she unsubscribed,
	// sent STOP or blocked the bot after the recipients were found.
	Skip string
	// Until: the claim's end; past it the sender leaves the rest unsent.
	Until time.Time
	// Claim tells this claim from an earlier or later one of the same message: only
	// its own claim's outcome is recorded.
	Claim    int
	Failures int // earlier tries that failed for a temporary reason
}

// BroadcastResult is what became of one BroadcastSend.
type BroadcastResult struct {
	BroadcastID int64
	UserID      int64
	Delivery    Delivery
	Started     time.Time // when its sender took it up (for a chat she clears meanwhile)
	At          time.Time
	// Marked: this sender marked it as on its way (and must forget the mark once
	// the outcome is recorded).
	Marked bool
	Claim  int // BroadcastSend.Claim
}

// BroadcastKey names one recipient of one broadcast.
type BroadcastKey struct {
	BroadcastID int64
	UserID      int64
}

// BroadcastStore is what the console does with broadcasts (postgres.DB).
type BroadcastStore interface {
	// CountAudience counts the women an audience reaches now, by channel and language.
	CountAudience(ctx context.Context, a Audience) (map[Channel]map[Lang]int, error)
	// SaveBroadcast creates (ID 0) or changes a draft.
	SaveBroadcast(ctx context.Context, b Broadcast) (int64, error)
	// Broadcast finds one broadcast; ErrNotFound when missing or not agencyID's
	// (0: any).
	Broadcast(ctx context.Context, agencyID, id int64) (Broadcast, error)
	// Broadcasts lists the newest broadcasts of an agency (0: all).
	Broadcasts(ctx context.Context, agencyID int64, limit int) ([]Broadcast, error)
	// SetBroadcastStatus moves a broadcast of agencyID (0: any) from one of from to
	// to; ErrBroadcastState when it is in none of them. at is the schedule for
	// BroadcastScheduled.
	SetBroadcastStatus(ctx context.Context, agencyID, id int64, from []BroadcastStatus, to BroadcastStatus, at time.Time) error
}

// BroadcastReader lets a dialog show a broadcast she was told of discreetly.
type BroadcastReader interface {
	// BroadcastText is broadcast id's text in lang, if she was one of its
	// recipients; ErrNotFound otherwise.
	BroadcastText(ctx context.Context, userID, broadcastID int64, lang Lang) (string, error)
}

// ErrBroadcastState: the broadcast is not in a state that allows the change (it
// finished, or someone else changed it first).
var ErrBroadcastState = errors.New("the broadcast cannot change that way now")
