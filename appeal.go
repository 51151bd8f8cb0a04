package azizayol

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode"
)

// Tashkent is the time of Uzbekistan: UTC+5 all year (no daylight saving since 1992).
// Deadlines, windows and dates shown to women are in Tashkent time.
var Tashkent = time.FixedZone("Asia/Tashkent", 5*60*60)

// AppealKind tells a consultation (a question to a specialist) from an appeal (a
// matter an agency must act on). Both are filed, routed and answered alike.
type AppealKind string

const (
	KindConsultation AppealKind = "consultation"
	KindAppeal       AppealKind = "appeal"
)

// AppealStatus is where an appeal stands.
type AppealStatus string

const (
	Received   AppealStatus = "received"    // filed, nobody has taken it yet
	InProgress AppealStatus = "in_progress" // an agency works on it
	Answered   AppealStatus = "answered"    // the agency has answered her
	Closed     AppealStatus = "closed"      // done
	Withdrawn  AppealStatus = "withdrawn"   // she deleted her data while it was open
)

// Open tells whether the appeal still waits for the agency or for her.
func (s AppealStatus) Open() bool { return s == Received || s == InProgress || s == Answered }

// Names is a name in each of the languages.
type Names struct {
	UzLatn, UzCyrl, Ru string
}

// In returns the name in lang (Uzbek Latin for an unknown language).
func (n Names) In(lang Lang) string {
	switch lang {
	case UzCyrl:
		return n.UzCyrl
	case Ru:
		return n.Ru
	}
	return n.UzLatn
}

// Region is a region of Uzbekistan (viloyat, the Republic of Karakalpakstan, Tashkent
// city) with its 4-digit SOATO code.
type Region struct {
	Code  string
	Names Names
}

// District is a district (tuman) or a city of regional subordination, with its 7-digit
// SOATO code.
type District struct {
	Code       string
	RegionCode string
	Names      Names
}

// Agency is a ministry, khokimiyat or centre that answers appeals. A regional agency
// (a khokimiyat) answers the appeals of its region only.
type Agency struct {
	ID         int64
	Code       string
	RegionCode string // "" for a national agency
	Names      Names
}

// Topic is what an appeal or consultation is about; it decides the agency, the
// deadline and whether it is urgent. Topics are data (the topics table).
type Topic struct {
	Code           string
	Kind           AppealKind
	Urgent         bool // always urgent: answered within 24 hours
	UrgentIfDanger bool // urgent when she wrote words of danger
	DeadlineDays   int  // working days to answer when not urgent
	// Window, when set, is the only part of each year in which the topic is
	// accepted, as month-day pairs inclusive, in Tashkent time (e.g. 05-30 to 06-08).
	WindowFrom, WindowUntil MonthDay
}

// MonthDay is a day of any year.
type MonthDay struct {
	Month time.Month
	Day   int
}

// IsZero tells whether no day is set.
func (d MonthDay) IsZero() bool { return d.Month == 0 }

// TopicCrisis is the topic of the urgent case words of harm open (AppealStore.CrisisCase).
const TopicCrisis = "crisis"

// UrgentDeadline is how long an urgent appeal may wait for its answer (resolution No.
// 507, para 5: the trust hotline's appeals are answered within 24 hours).
const UrgentDeadline = 24 * time.Hour

// Accepting tells whether the topic accepts appeals at now, and if not, when it opens
// next (the start of its window's first day, Tashkent time).
func (tp Topic) Accepting(now time.Time) (open bool, next time.Time) {
	if tp.WindowFrom.IsZero() {
		return true, time.Time{}
	}
	now = now.In(Tashkent)
	// The windows that start last year, this year and next year; one that crosses
	// New Year ends in the year after it starts.
	for year := now.Year() - 1; ; year++ {
		from := time.Date(year, tp.WindowFrom.Month, tp.WindowFrom.Day, 0, 0, 0, 0, Tashkent)
		until := time.Date(year, tp.WindowUntil.Month, tp.WindowUntil.Day+1, 0, 0, 0, 0, Tashkent)
		if !until.After(from) {
			until = until.AddDate(1, 0, 0)
		}
		switch {
		case now.Before(from):
			return false, from
		case now.Before(until):
			return true, time.Time{}
		}
	}
}

// Deadline is when an appeal filed at filed must be answered: 24 hours when urgent,
// else the topic's number of working days (Saturdays and Sundays are not counted).
// Public holidays are not known here and count as working days.
func (tp Topic) Deadline(filed time.Time, urgent bool) time.Time {
	if urgent {
		return filed.Add(UrgentDeadline)
	}
	d := filed.In(Tashkent)
	for n := max(tp.DeadlineDays, 1); n > 0; {
		d = d.AddDate(0, 0, 1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return d
}

// Attachment is a file she sent with her words, kept as the channel's id of it (a
// Telegram file_id): the platform does not copy the file.
type Attachment struct {
	Kind   string `json:"kind"` // photo, document
	FileID string `json:"file_id"`
}

// Draft is an appeal or consultation as she confirmed it, ready to be filed.
type Draft struct {
	UserID       int64
	Key          string // the same Key is filed once: a double tap files one appeal
	Kind         AppealKind
	Topic        string
	RegionCode   string // "" for consultations
	DistrictCode string
	Text         string
	Attachments  []Attachment
	Phone        string // "" when she stays anonymous
	Danger       bool   // she wrote words of danger
	Lang         Lang
	Consent      string // the version of the consent text she agreed to
	Filed        time.Time
}

// Appeal is a filed appeal or consultation.
type Appeal struct {
	ID           int64
	Number       string // AA-2026-000123: what she and the staff call it
	Kind         AppealKind
	Topic        string
	UserID       int64 // 0 once she deleted her data
	Lang         Lang
	Channel      Channel
	Agency       Agency
	RegionCode   string
	DistrictCode string
	Phone        string
	Urgent       bool
	Status       AppealStatus
	Filed        time.Time
	Deadline     time.Time
}

// Author says who wrote a message of an appeal's thread.
type Author string

const (
	ByHer    Author = "citizen" // her words and follow-ups
	ByAgency Author = "agency"  // the agency's answers
	// ByStaffNote: an internal note of the staff, never shown to her.
	ByStaffNote Author = "note"
)

// AppealMessage is one message of an appeal's thread: her words, her follow-ups and
// the agency's answers.
type AppealMessage struct {
	ID          int64
	AppealID    int64
	Author      Author
	Staff       string // who answered, for the console; never shown to her
	Text        string
	Attachments []Attachment
	Rating      int // of an answer: 1 helpful, -1 not helpful, 0 not rated
	Created     time.Time
}

// Erasure is what deleting a woman's data did.
type Erasure struct {
	Withdrawn  int // open appeals withdrawn
	Anonymised int // appeals kept for the agencies' records, without her
}

// Errors of the appeal records.
var (
	ErrNotFound     = errors.New("not found")
	ErrAppealClosed = errors.New("the appeal is no longer open")
)

// AppealStore is what dialogs may do with appeals, inside the message's transaction.
type AppealStore interface {
	Topic(ctx context.Context, code string) (Topic, error)
	Regions(ctx context.Context) ([]Region, error)
	Districts(ctx context.Context, regionCode string) ([]District, error)
	// FindDistrict finds a district by its name in any language.
	FindDistrict(ctx context.Context, name string) (District, error)
	// Route names the agency that answers a topic for a region ("" for none).
	Route(ctx context.Context, topic, regionCode string) (Agency, error)
	// File routes, numbers and stores an appeal. A draft whose Key was filed before
	// returns that appeal again.
	File(ctx context.Context, d Draft) (Appeal, error)
	// Appeals lists her appeals, newest first.
	Appeals(ctx context.Context, userID int64, limit int) ([]Appeal, error)
	// Appeal returns one of her appeals with its thread; ErrNotFound if it is not hers.
	Appeal(ctx context.Context, userID, appealID int64) (Appeal, []AppealMessage, error)
	// FollowUp adds her message to one of her open appeals; danger marks words of
	// harm in it, which make an appeal of an urgent-if-danger topic urgent.
	FollowUp(ctx context.Context, userID, appealID int64, m AppealMessage, danger bool) error
	// CrisisCase opens an urgent case (topic TopicCrisis, answered within 24 hours)
	// for her when she wrote words of harm, so that staff can reach her even if she
	// leaves the dialog: they answer in the console and the answer goes to her chat.
	// It keeps none of her words — what she writes of violence or health is special
	// personal data, which needs her consent — only a fixed, neutral line saying that
	// crisis words were detected, when and on which channel. While a case of hers is
	// open, it opens none: it adds such a line to the open one (at most one an hour)
	// and puts an answered case back to work. It reports whether the case is new.
	// A failure changes nothing and leaves the transaction usable: the emergency
	// guidance is never held back.
	CrisisCase(ctx context.Context, userID int64, lang Lang, at time.Time) (Appeal, bool, error)
	// RateAnswer rates the agency's last answer to one of her appeals.
	RateAnswer(ctx context.Context, userID, appealID int64, helpful bool) error
	// Erase deletes what the platform keeps about her: see the delete dialog. It
	// records the withdrawal of every consent she has in force.
	Erase(ctx context.Context, userID int64) (Erasure, error)
	// RecordConsent keeps her answer to a consent question, with the text's version.
	RecordConsent(ctx context.Context, c Consent) error
}

// DeskTx is what the agencies' staff change in one transaction: an appeal locked
// while they work on it, its thread and status, and the message that tells her.
type DeskTx interface {
	// AppealForUpdate locks an appeal and returns it with the woman who filed it
	// (a zero User once she deleted her data).
	AppealForUpdate(ctx context.Context, appealID int64) (Appeal, User, error)
	// AddAppealMessage adds a message to the thread and returns its id.
	AddAppealMessage(ctx context.Context, m AppealMessage) (int64, error)
	SetAppealStatus(ctx context.Context, appealID int64, s AppealStatus) error
	// Assign makes a staff member (0: nobody) the one who works on an appeal.
	Assign(ctx context.Context, appealID, staffID int64) error
	// Transfer routes an appeal to another agency, with the reason, and leaves it
	// unassigned there.
	Transfer(ctx context.Context, appealID, toAgency int64, reason, staff string) error
	// Audit records what a staff member saw or did, with the change it describes.
	Audit(ctx context.Context, e AuditEntry) error
	// Enqueue writes messages to the outbox, to be sent after commit.
	Enqueue(ctx context.Context, u User, msgs ...Outbound) error
}

// NormalizePhone reads an Uzbek phone number as women type it (+998 90 123-45-67,
// 998901234567, 90 123 45 67, (90) 1234567) and returns it as +998XXXXXXXXX.
func NormalizePhone(s string) (string, bool) {
	var digits strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r == '+' && i == 0, r == ' ', r == '-', r == '(', r == ')', r == '.', r == '\u00a0':
		default:
			if !unicode.IsSpace(r) {
				return "", false
			}
		}
	}
	d := digits.String()
	switch {
	case len(d) == 12 && strings.HasPrefix(d, "998"):
		d = d[3:]
	case len(d) == 9:
	default:
		return "", false
	}
	if d[0] == '0' {
		return "", false
	}
	return "+998" + d, true
}

// FormatPhone writes a +998XXXXXXXXX number as people read it: +998 90 123 45 67.
func FormatPhone(p string) string {
	if len(p) != 13 || !strings.HasPrefix(p, "+998") {
		return p
	}
	return p[:4] + " " + p[4:6] + " " + p[6:9] + " " + p[9:11] + " " + p[11:]
}
