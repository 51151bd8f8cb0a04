package azizayol

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Fields are the kinds of work and training a woman can pick from (the field of a
// vacancy or a course). A listing may have no field ("").
var Fields = []string{
	"sewing", "education", "health", "it", "trade", "services", "agriculture",
	"industry", "construction", "transport", "finance", "crafts", "misc",
}

// KnownField tells whether f is one of Fields or "".
func KnownField(f string) bool {
	if f == "" {
		return true
	}
	for _, k := range Fields {
		if k == f {
			return true
		}
	}
	return false
}

// Point is a place on the map (WGS 84), as Telegram shares a location.
type Point struct {
	Lat, Lon float64
}

// TrainingCentre is an "Ishga marhamat" mono-centre or a vocational training centre.
type TrainingCentre struct {
	ID           int64
	Source       string // who keeps the record: the import's source name
	SourceID     string // the source's own id of the centre
	Name         string
	RegionCode   string
	DistrictCode string // "" when not known
	Address      string
	Phone        string
	Location     *Point // nil when not known
}

// Course is a course of a training centre, or an online course or training circle.
type Course struct {
	ID           int64
	Source       string
	SourceID     string
	CentreID     int64  // 0 for a course without a centre (online)
	Centre       string // the centre's name, filled by searches
	Name         string
	Field        string
	RegionCode   string // "" for an online course open to every region
	DistrictCode string
	Address      string
	Starts, Ends time.Time // dates (midnight, Tashkent); zero when not set
	Hours        int       // length in academic hours; 0 when not known
	Cost         int64     // so'm; 0 is free
	Phone        string
	Enrol        string // how to enrol, as the centre says it
	Online       bool
	Location     *Point
}

// Free tells whether the course costs nothing.
func (c Course) Free() bool { return c.Cost == 0 }

// VacancyStatus is whether a vacancy can still be applied for.
type VacancyStatus string

const (
	VacancyOpen   VacancyStatus = "open"
	VacancyClosed VacancyStatus = "closed" // gone from its source, or closed by the agency
)

// Vacancy is a job offer from the national vacancy base or an agency's list.
type Vacancy struct {
	ID                   int64
	Source               string // ish.mehnat.uz, or the import's source name
	SourceID             string // the source's id: a pull or import upserts by it
	Title                string
	Employer             string
	SalaryMin, SalaryMax int64 // so'm a month; 0 when not said (Max 0: "from Min")
	Schedule             string
	Address              string
	Contact              string // a phone number, as +998XXXXXXXXX when it reads as one
	Field                string
	RegionCode           string
	DistrictCode         string
	Location             *Point
	Posted               time.Time
	Expires              time.Time // zero: open until its source drops it
	Status               VacancyStatus
}

// ListingFilter is what a woman searches courses or vacancies by. Searches list only
// what is still open at Now: vacancies not expired nor closed, courses not ended.
type ListingFilter struct {
	RegionCode   string // "" for every region
	DistrictCode string // "" for the whole region
	Field        string // one of Fields; "" for any
	// Keyword: every word of it (of three letters or more) must appear in the title,
	// employer or field, in any script: Uzbek Latin and Cyrillic and Russian are
	// folded to one spelling.
	Keyword string
	Now     time.Time
	Near    *Point    // courses: nearest first (those without a location last)
	Since   time.Time // only listings added after this (a digest); zero for all
	Offset  int       // listings to skip: the pages before this one
	Limit   int       // listings on this page
}

// Places are the codes listings may name: every region, and every district with its
// region.
type Places struct {
	Regions   map[string]bool
	Districts map[string]string // district code → region code
}

// Check tells whether region and district (which may be "") name a real place, the
// district inside the region.
func (p Places) Check(region, district string) error {
	if region != "" && !p.Regions[region] {
		return fmt.Errorf("unknown region %q", region)
	}
	if district == "" {
		return nil
	}
	r, ok := p.Districts[district]
	if !ok {
		return fmt.Errorf("unknown district %q", district)
	}
	if region != "" && r != region {
		return fmt.Errorf("district %q is not in region %q", district, region)
	}
	return nil
}

// Change says what an upsert did to a listing.
type Change int

const (
	Unchanged Change = iota // the same record was there already
	Inserted
	Updated
)

// ListingTx is what an import or a pull changes in one transaction.
type ListingTx interface {
	// UpsertCentre stores a centre by (Source, SourceID) and returns its id.
	UpsertCentre(ctx context.Context, c TrainingCentre) (int64, Change, error)
	// UpsertCourse stores a course by (Source, SourceID).
	UpsertCourse(ctx context.Context, c Course) (Change, error)
	// UpsertVacancy stores a vacancy by (Source, SourceID) and opens it again if it
	// was closed.
	UpsertVacancy(ctx context.Context, v Vacancy) (Change, error)
	// CentreID finds a centre by its source's id (0 when there is none).
	CentreID(ctx context.Context, source, sourceID string) (int64, error)
	// CloseVacanciesExcept closes the open vacancies of a source whose source ids are
	// not in keep, and returns how many it closed.
	CloseVacanciesExcept(ctx context.Context, source string, keep []string, now time.Time) (int, error)
}

// ListingKind is what a subscription is about.
type ListingKind string

const (
	CoursesKind   ListingKind = "courses"
	VacanciesKind ListingKind = "vacancies"
)

// Subscription is a woman's wish to hear of new courses or vacancies in a place (and
// field): at most one digest a day.
type Subscription struct {
	ID           int64
	User         User
	Kind         ListingKind
	RegionCode   string
	DistrictCode string // "" for the whole region
	Field        string // "" for any (vacancies only)
	Created      time.Time
	LastDigest   time.Time // when the last digest was made (sent or found empty); zero before
}

// ListingStore is what dialogs may do with listings, inside the message's transaction.
type ListingStore interface {
	SearchVacancies(ctx context.Context, f ListingFilter) ([]Vacancy, error)
	SearchCourses(ctx context.Context, f ListingFilter) ([]Course, error)
	// Subscribe records her wish (once: the same place and field again is no change);
	// ErrTooManySubscriptions when she has MaxSubscriptions already.
	Subscribe(ctx context.Context, s Subscription) error
	// Unsubscribe ends one of her subscriptions; ErrNotFound if it is not hers.
	Unsubscribe(ctx context.Context, userID, subscriptionID int64) error
}

// Keywords splits what she typed into the words a search must find: letters and
// digits (an apostrophe stays inside a word: the search key drops it), three letters or
// more, since a trigram index cannot narrow a shorter word down. None at all means the
// words cannot be searched.
func Keywords(s string) []string {
	var words []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("'ʻʼ‘’`", r)
	}) {
		if utf8.RuneCountInString(strings.Trim(w, "'ʻʼ‘’`")) >= 3 {
			words = append(words, w)
		}
	}
	return words
}

// MaxSubscriptions is how many subscriptions one woman may have: a digest each a day
// is already many messages.
const MaxSubscriptions = 10

// ErrTooManySubscriptions refuses one more subscription past MaxSubscriptions.
var ErrTooManySubscriptions = errors.New("too many subscriptions")
