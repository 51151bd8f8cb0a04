// Package azizayol holds the domain of the Aziz-ayol bot platform: the types every
// part shares (users, sessions, what a woman sends and what she receives) and the
// small interfaces the storage packages implement. It imports nothing of the project,
// so dialogs and the console never depend on PostgreSQL, Redis or a channel.
package azizayol

import (
	"context"
	"strings"
	"time"
)

// Lang is a user-facing language: a BCP 47 tag understood by the message files.
type Lang string

const (
	UzLatn Lang = "uz-Latn" // Uzbek, Latin script (the official alphabet; the default)
	UzCyrl Lang = "uz-Cyrl" // Uzbek, Cyrillic script
	Ru     Lang = "ru"      // Russian
)

// Langs lists the languages in the order they are offered.
var Langs = []Lang{UzLatn, UzCyrl, Ru}

// ParseLang maps what a client reports (Telegram's language_code "uz", "ru-RU", a
// deep-link payload "cyrl") to one of our languages.
func ParseLang(s string) (Lang, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "uz", "uz-latn", "uz-uz", "uz_latn", "latn", "lotin", "oz":
		return UzLatn, true
	case "uz-cyrl", "uz_cyrl", "cyrl", "kirill", "уз", "ўз":
		return UzCyrl, true
	case "ru", "ru-ru", "ru_ru", "rus", "ру":
		return Ru, true
	}
	return "", false
}

// Channel is the way a woman reaches the platform.
type Channel string

const (
	Telegram Channel = "telegram"
	SMS      Channel = "sms"
	Shell    Channel = "shell" // the terminal chat (azizayol shell)
	// Simulator: the console's page where staff talk to the bot as a woman would.
	Simulator Channel = "simulator"
)

// Numbered tells whether the channel has no buttons: it shows them as numbered
// options, and a message that is only a number is that option, in every step.
func (c Channel) Numbered() bool { return c == SMS || c == Shell }

// User is one woman on one channel. The platform keeps as little about her as it can:
// no name, only the address it needs to answer.
type User struct {
	ID      int64
	Channel Channel
	Address string // Telegram chat id, phone number, terminal name
	Lang    Lang   // empty until she has chosen or the channel has hinted one
	Blocked bool   // she blocked the bot: nothing is sent until she writes again
	// OptedOut: she sent STOP by SMS. Nothing is sent until she sends START, but
	// what she asks for then (Outbound.Always).
	OptedOut bool
	New      bool // first seen in this message
	Privacy  Privacy
}

// Privacy is what she chose to leave less trace on a phone someone else may read.
type Privacy struct {
	// SweepHours: every message of the conversation is deleted this long after it was
	// sent (Telegram); 0: kept until she clears the chat.
	SweepHours int
	// Discreet: notifications say only that there is a new message, never the topic
	// or the agency's words.
	Discreet bool
	// NotifyFrom, NotifyUntil: the hours of the day (Tashkent time, 0–23) in which a
	// message may make her phone ring; outside them it arrives silently. Equal: any time.
	NotifyFrom, NotifyUntil int
}

// MaxSweepHours is the longest automatic sweep: Telegram lets a bot delete messages
// of a private chat for 48 hours, and the sweep runs before that window closes.
const MaxSweepHours = 47

// Quiet tells whether at is outside her notification hours.
func (p Privacy) Quiet(at time.Time) bool {
	if p.NotifyFrom == p.NotifyUntil {
		return false
	}
	h := at.In(Tashkent).Hour()
	if p.NotifyFrom < p.NotifyUntil {
		return h < p.NotifyFrom || h >= p.NotifyUntil
	}
	return h < p.NotifyFrom && h >= p.NotifyUntil // hours across midnight, e.g. 20–8
}

// FirstLang is the language to speak to her in before she has chosen one: hers if
// known, else the one her channel hints (Telegram's client language, the script of an
// SMS), else Uzbek Latin.
func (u User) FirstLang(hint string) Lang {
	if u.Lang != "" {
		return u.Lang
	}
	if l, ok := ParseLang(hint); ok {
		return l
	}
	return UzLatn
}

// Session is one user's place in the conversation, kept in Redis with an idle TTL and
// restored on every message.
type Session struct {
	Dialog string            `json:"dialog"`
	State  string            `json:"state"`
	Data   map[string]string `json:"data,omitempty"`
	Step   int               `json:"step"` // grows at every move; stale buttons carry an older one
	Lang   Lang              `json:"lang"`
	Return *Place            `json:"return,omitempty"` // where an interruption (emergency) found her
}

// Place is a position inside a dialog, saved so she can go back to it.
type Place struct {
	Dialog string            `json:"dialog"`
	State  string            `json:"state"`
	Data   map[string]string `json:"data,omitempty"`
}

// SessionStore keeps sessions. Save records the inbox entry the new session follows
// from, and Load returns the session as it was before that entry if asked about it
// again, so a message processed twice (a crash between saving and committing) moves
// her only once.
type SessionStore interface {
	Load(ctx context.Context, userID, inboxID int64) (*Session, error)
	Save(ctx context.Context, userID, inboxID int64, before, after *Session) error
	Delete(ctx context.Context, userID int64) error
}

// Store is what dialogs may change while handling one message. It runs inside the
// transaction that records the message as processed and queues the replies, so all of
// it happens once or not at all.
type Store interface {
	SetLanguage(ctx context.Context, userID int64, lang Lang) error
	// SetPrivacy keeps her privacy choices; a sweep chosen now applies to the
	// messages of the last 48 hours too.
	SetPrivacy(ctx context.Context, userID int64, p Privacy) error
	// ClearChat marks every message of her conversation that can still be deleted
	// (younger than 48 hours) for deletion now, forgets the older ones, and returns
	// how many will be deleted.
	ClearChat(ctx context.Context, userID int64, now time.Time) (int, error)
	AppealStore
	ListingStore
	InfoStore       // "Useful information": articles, her topics and place for news (article.go)
	BroadcastReader // a broadcast she was told of discreetly (broadcast.go)
}

// Clock tells the time; tests pass a fake one.
type Clock func() time.Time

// InboxEntry is one update as a channel delivered it, stored before it was confirmed.
type InboxEntry struct {
	ID         int64
	Channel    Channel
	ExternalID string // unique per channel: Telegram's update_id, the SMS provider's message id
	UserKey    string // entries with the same key are processed one at a time, in order
	Payload    []byte // exactly as received
	Attempts   int    // earlier attempts that failed
}

// Tx is the unit of work of processing one inbox entry: everything it changes commits
// together with the entry being marked processed.
type Tx interface {
	Store
	DeskTx
	ListingTx
	// User finds or creates the user at this address and marks her seen.
	User(ctx context.Context, channel Channel, address string) (User, error)
	SetBlocked(ctx context.Context, userID int64, blocked bool) error
	// SetOptedOut records her STOP (true) or START (false) on SMS.
	SetOptedOut(ctx context.Context, userID int64, out bool) error
	// RequeueNotices queues again the notices (Outbound.Notice) withheld from her in
	// the last 30 days, after her START; it returns how many.
	RequeueNotices(ctx context.Context, userID int64) (int, error)
	// LastSent is the newest message queued to her that was not held back (sent, or
	// about to be), the zero Outbound when none: on SMS a number she answers may be
	// meant for its options.
	LastSent(ctx context.Context, userID int64) (Outbound, error)
	// SetPhone records a phone number the channel vouches for (her own contact shared
	// on Telegram): she is one woman with her SMS number, if she has one.
	SetPhone(ctx context.Context, userID int64, phone string) error
	// Try runs fn so that, when it fails, nothing it changed is kept and the
	// transaction can go on.
	Try(ctx context.Context, fn func(Tx) error) error
	// TrackMessages records the ids of messages of her conversation (hers, on a
	// channel that can delete them), so that clearing the chat and the sweep can.
	TrackMessages(ctx context.Context, userID int64, ids []int, at time.Time) error
}

// OutboxMessage is one queued message, as the outbox workers see it.
type OutboxMessage struct {
	ID       int64
	UserID   int64
	Channel  Channel
	Address  string
	Message  Outbound
	Attempts int // earlier attempts that failed
	Queued   time.Time
	// Silent: it arrives without a sound (outside her notification hours).
	Silent bool
	// Ref is the id the channel's provider is given for the message ("" for an outbox
	// message: derived from ID); a broadcast's messages have their own.
	Ref string
	// Paid: sent as a Telegram paid broadcast (allow_paid_broadcast: up to 1,000
	// messages a second, paid in Stars beyond the free 30).
	Paid bool
}

// Deletion is a batch of messages of one conversation due for deletion.
type Deletion struct {
	UserID  int64
	Channel Channel
	Address string
	IDs     []int
}

// DeliveryStatus is what became of one attempt to send an outbox message.
type DeliveryStatus string

const (
	Sent        DeliveryStatus = "sent"
	RetryLater  DeliveryStatus = "pending" // try again at Delivery.RetryAt
	Failed      DeliveryStatus = "failed"  // given up: Delivery.Error says why
	UserBlocked DeliveryStatus = "blocked" // she blocked us: this and her other queued messages stop
	// Withheld: not sent on purpose and not to be tried again — she opted out, or the
	// day's cap of SMS to her number is reached (Delivery.Error says which).
	Withheld DeliveryStatus = "withheld"
	// Unknown: a sender that died had started sending it; whether it went out is not
	// known, and it is not tried again (a broadcast reaches her at most once).
	Unknown DeliveryStatus = "unknown"
)

// DeliveryReport is what a channel's provider reports of a message after taking it.
type DeliveryReport string

const (
	Delivered     DeliveryReport = "delivered"
	NotDelivered  DeliveryReport = "failed"
	ReportExpired DeliveryReport = "expired" // the network gave up: her phone was off for days
)

// Delivery is the outcome of one attempt.
type Delivery struct {
	Status     DeliveryStatus
	ExternalID string    // the channel's id of the sent message
	RetryAt    time.Time // with RetryLater
	Error      string    // with RetryLater and Failed: what went wrong, for the log and the console
}
