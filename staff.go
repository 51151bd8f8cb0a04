package azizayol

import (
	"errors"
	"slices"
	"strings"
	"time"
)

// Role is what a staff member of the console may do.
type Role string

const (
	// SuperAdmin: the Ministry of Mahalla and Family Support — every agency, every
	// staff account, the audit log.
	SuperAdmin Role = "super_admin"
	// AgencyAdmin: her agency's staff, queue and canned answers.
	AgencyAdmin Role = "agency_admin"
	// Operator: answers her agency's queue, in her regions when she has some.
	Operator Role = "operator"
)

// Roles lists the roles, most powerful first.
var Roles = []Role{SuperAdmin, AgencyAdmin, Operator}

// Valid tells whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Staff is one person who works in the console. A super-admin belongs to no agency;
// everyone else to exactly one.
type Staff struct {
	ID       int64
	Email    string
	Name     string
	Role     Role
	AgencyID int64    // 0 for a super-admin
	Agency   string   // the agency's name, for the pages
	Regions  []string // an operator's regions (SOATO codes); none: all her agency's
	Lang     Lang     // the console's language for her: uz-Latn or ru
	Disabled bool
}

// Admin tells whether she manages staff and canned answers (of her agency, or all).
func (s Staff) Admin() bool { return s.Role == SuperAdmin || s.Role == AgencyAdmin }

// Sees tells whether an appeal routed to agencyID in regionCode is in her scope. The
// store applies the same rule in SQL (postgres.scope); this one is for events.
func (s Staff) Sees(agencyID int64, regionCode string) bool {
	switch {
	case s.Disabled:
		return false
	case s.Role == SuperAdmin:
		return true
	case agencyID != s.AgencyID:
		return false
	case s.Role == Operator && len(s.Regions) > 0:
		return slices.Contains(s.Regions, regionCode)
	}
	return true
}

// Scope is the agency whose articles, broadcasts, reports and figures she works with:
// her own, or 0 — every agency — for a super-admin.
func (s Staff) Scope() int64 {
	if s.Role == SuperAdmin {
		return 0
	}
	return s.AgencyID
}

// WorksFor tells whether what belongs to agencyID is hers to work with (Scope).
func (s Staff) WorksFor(agencyID int64) bool { return s.Scope() == 0 || s.Scope() == agencyID }

// Manages tells whether she may manage the account other: a super-admin every
// account, an agency admin her agency's operators and admins, never a super-admin.
func (s Staff) Manages(other Staff) bool {
	switch s.Role {
	case SuperAdmin:
		return true
	case AgencyAdmin:
		return other.Role != SuperAdmin && other.AgencyID == s.AgencyID
	}
	return false
}

// NormalizeEmail is the form an email is kept and looked up in.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Validate checks an account before it is stored.
func (s Staff) Validate() error {
	var errs []error
	if at := strings.IndexByte(s.Email, '@'); at < 1 || at == len(s.Email)-1 || strings.ContainsAny(s.Email, " \t\r\n<>") {
		errs = append(errs, ErrBadEmail)
	}
	if strings.TrimSpace(s.Name) == "" {
		errs = append(errs, ErrNoName)
	}
	if !s.Role.Valid() {
		errs = append(errs, ErrBadRole)
	}
	if (s.Role == SuperAdmin) != (s.AgencyID == 0) {
		errs = append(errs, ErrAgencyForRole)
	}
	if s.Role != Operator && len(s.Regions) > 0 {
		errs = append(errs, ErrRegionsForRole)
	}
	return errors.Join(errs...)
}

// Errors of staff accounts, for the console and `azizayol user add` to explain.
var (
	ErrBadEmail       = errors.New("the email address is not valid")
	ErrNoName         = errors.New("the name is empty")
	ErrBadRole        = errors.New("the role is not one of super_admin, agency_admin, operator")
	ErrAgencyForRole  = errors.New("a super-admin has no agency; every other role has one")
	ErrRegionsForRole = errors.New("only an operator is limited to regions")
	ErrEmailTaken     = errors.New("an account with this email exists")
	ErrWeakPassword   = errors.New("the password is shorter than 12 characters")
)

// MinPassword is the shortest password a staff account may have.
const MinPassword = 12

// Filter chooses appeals in the console's inbox. Zero values choose everything.
type Filter struct {
	Status     AppealStatus // "" = the open ones (received, in progress, answered); with a Query, any
	Topic      string
	Region     string
	District   string
	Urgent     bool
	Overdue    bool
	Mine       bool // assigned to the staff member who asks
	Unassigned bool
	Query      string // an appeal number, or a phone number in any common form
	Page       int    // from 0
}

// InboxPage is how many appeals the inbox shows at once.
const InboxPage = 50

// InboxItem is one line of the inbox.
type InboxItem struct {
	Appeal
	Assignee  string // her name; "" when nobody took it
	Escalated bool
	Preview   string // the beginning of her words
	Region    Names  // her region's name (empty for a consultation)
	District  Names
}

// Overdue tells whether the appeal waits past its deadline at now.
func (a Appeal) Overdue(now time.Time) bool {
	return (a.Status == Received || a.Status == InProgress) && now.After(a.Deadline)
}

// ThreadEntry is one line of an appeal's thread in the console: her message, an
// answer (with what became of its delivery), an internal note, a transfer.
type ThreadEntry struct {
	AppealMessage
	Kind     string // citizen, agency, note, transfer
	Delivery string // of an answer: pending, sent, delivered, failed, blocked, withheld
	From, To string // of a transfer: the agencies' names
}

// CannedAnswer is a prepared answer of an agency (or of every agency when AgencyID is
// 0), in the three languages.
type CannedAnswer struct {
	ID       int64
	AgencyID int64
	Title    string
	Texts    Names
}

// AuditEntry is one thing a staff member saw or did.
type AuditEntry struct {
	ID       int64
	At       time.Time
	StaffID  int64
	Email    string
	Action   string // login, view, answer, note, take, transfer, status, …
	AppealID int64
	Detail   string
	Addr     string
}

// AuditFilter chooses audit entries.
type AuditFilter struct {
	Email    string
	Action   string
	AppealID int64
	Page     int
}

// Alert is a deadline warning or an escalation shown to one staff member.
type Alert struct {
	ID       int64
	AppealID int64
	Number   string
	Kind     string // due_soon, overdue, urgent_unanswered
	Deadline time.Time
	Created  time.Time
}

// AppealEvent says that an appeal was filed or changed; the console's live inbox
// hears of it after the change commits.
type AppealEvent struct {
	AppealID   int64  `json:"appeal"`
	AgencyID   int64  `json:"agency"`
	RegionCode string `json:"region,omitempty"`
	What       string `json:"what"` // filed, message, answered, status, transfer, take
}
