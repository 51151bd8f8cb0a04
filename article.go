package azizayol

import (
	"context"
	"html"
	"math"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// ArticleStatus is where an article is in its life: a draft only its agency sees, or
// published in "Useful information".
type ArticleStatus string

const (
	ArticleDraft     ArticleStatus = "draft"
	ArticlePublished ArticleStatus = "published"
)

// MediaKind is what an article's link leads to.
type MediaKind string

const (
	NoMedia       MediaKind = ""
	MediaPhoto    MediaKind = "photo"
	MediaVideo    MediaKind = "video"
	MediaDocument MediaKind = "document"
)

// MediaKinds lists the kinds of link an article may carry, in the order offered.
var MediaKinds = []MediaKind{MediaPhoto, MediaVideo, MediaDocument}

// Article is what an agency publishes in one topic: a title and a text per language,
// the languages it is published in, and an optional link to a photo, a video or a
// document.
type Article struct {
	ID         int64
	AgencyID   int64
	Agency     Names // the agency's name, for the pages
	Topic      InfoTopic
	ScheduleID int64 // the schedule item it fulfils; 0: every item of its agency in its topic
	Title      Names
	Text       Names
	Langs      []Lang // the languages published; a draft may have others half written
	MediaKind  MediaKind
	MediaURL   string
	Status     ArticleStatus
	AuthorID   int64
	Author     string // the author's name, for the pages
	Created    time.Time
	Updated    time.Time
	Published  time.Time // zero for a draft
}

// Limits of an article. A title is a line and a button; a text with its title and
// link must be one Telegram message (4096 characters), counted as sent: HTML-escaped.
const (
	MaxArticleTitle   = 120
	MaxArticleMessage = 4096
	MaxMediaURL       = 1000
	// mediaLabelReserve is the room kept for the label before the link ("🎬 Video: "),
	// which the bot writes in her language.
	mediaLabelReserve = 40
)

// In tells whether the article is published in lang.
func (a Article) In(lang Lang) bool { return slices.Contains(a.Langs, lang) }

// ArticleMessage is an article as the bot sends it: the title in bold, the text, and
// the link line (already written in her language, "" for none). Title and text are
// escaped here: they are the agency's plain text.
func ArticleMessage(title, text, link string) string {
	s := "<b>" + html.EscapeString(title) + "</b>\n\n" + html.EscapeString(text)
	if link != "" {
		s += "\n\n" + link
	}
	return s
}

// ArticleProblem is one thing wrong with an article, for the console to explain in
// the staff member's language: Code names the message, Lang the language it is about.
type ArticleProblem struct {
	Code string // topic, no_langs, title_missing, title_long, text_missing, text_long, media_kind, media_url
	Lang Lang
}

// Normalize trims what staff typed and keeps one kind of line end.
func (a *Article) Normalize() {
	clean := func(s string) string {
		return strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"))
	}
	a.Title = Names{UzLatn: clean(a.Title.UzLatn), UzCyrl: clean(a.Title.UzCyrl), Ru: clean(a.Title.Ru)}
	a.Text = Names{UzLatn: clean(a.Text.UzLatn), UzCyrl: clean(a.Text.UzCyrl), Ru: clean(a.Text.Ru)}
	a.MediaURL = strings.TrimSpace(a.MediaURL)
	var langs []Lang
	for _, l := range Langs { // in the usual order, each once
		if slices.Contains(a.Langs, l) {
			langs = append(langs, l)
		}
	}
	a.Langs = langs
}

// Problems lists what keeps the article from being kept: a known topic, at least one
// language, and in each language published a title of at most MaxArticleTitle
// characters and a text that fits one message with it; a link is https.
func (a Article) Problems() []ArticleProblem {
	var ps []ArticleProblem
	if _, ok := ParseInfoTopic(string(a.Topic)); !ok {
		ps = append(ps, ArticleProblem{Code: "topic"})
	}
	if len(a.Langs) == 0 {
		ps = append(ps, ArticleProblem{Code: "no_langs"})
	}
	link := ""
	if a.MediaKind != NoMedia || a.MediaURL != "" {
		if !slices.Contains(MediaKinds, a.MediaKind) {
			ps = append(ps, ArticleProblem{Code: "media_kind"})
		}
		if !ValidMediaURL(a.MediaURL) {
			ps = append(ps, ArticleProblem{Code: "media_url"})
		}
		link = strings.Repeat("x", mediaLabelReserve) + html.EscapeString(a.MediaURL)
	}
	for _, l := range a.Langs {
		title, text := a.Title.In(l), a.Text.In(l)
		switch n := utf8.RuneCountInString(title); {
		case n == 0:
			ps = append(ps, ArticleProblem{Code: "title_missing", Lang: l})
		case n > MaxArticleTitle:
			ps = append(ps, ArticleProblem{Code: "title_long", Lang: l})
		}
		if text == "" {
			ps = append(ps, ArticleProblem{Code: "text_missing", Lang: l})
		} else if utf8.RuneCountInString(ArticleMessage(title, text, link)) > MaxArticleMessage {
			ps = append(ps, ArticleProblem{Code: "text_long", Lang: l})
		}
	}
	return ps
}

// ValidMediaURL tells whether s is a link an article may carry: https, to a named host,
// without credentials or spaces, at most MaxMediaURL long.
func ValidMediaURL(s string) bool {
	if s == "" || len(s) > MaxMediaURL || strings.ContainsAny(s, " \t\r\n\"'<>") {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.User != nil || u.Opaque != "" {
		return false
	}
	host := u.Hostname()
	return host != "" && strings.Contains(host, ".") && !strings.HasPrefix(host, ".") && !strings.HasSuffix(host, ".")
}

// ArticleFilter chooses articles in the console. Zero values choose everything.
type ArticleFilter struct {
	AgencyID int64 // 0: every agency (a super-admin)
	Topic    InfoTopic
	Status   ArticleStatus
	Limit    int
}

// Cadence is how often a schedule item is published (Appendix 2).
type Cadence string

const (
	EveryWeek   Cadence = "weekly"      // "Ҳар ҳафтада"
	Every15Days Cadence = "fortnightly" // "Ҳар ўн беш кунда": every 15 days
	EveryMonth  Cadence = "monthly"     // "Ҳар ойда"
)

// After is the day the next publication is due after one on day (a Tashkent date).
// A month after 31 January is the last day of February.
func (p Cadence) After(day time.Time) time.Time {
	switch p {
	case EveryWeek:
		return day.AddDate(0, 0, 7)
	case Every15Days:
		return day.AddDate(0, 0, 15)
	}
	y, m, d := day.Date()
	last := time.Date(y, m+2, 0, 0, 0, 0, 0, day.Location()).Day() // the next month's last day
	return time.Date(y, m+1, min(d, last), 0, 0, 0, 0, day.Location())
}

// ScheduleItem is one item of Appendix 2 an agency publishes on a schedule, and the
// topic it feeds.
type ScheduleItem struct {
	ID       int64
	AgencyID int64
	Agency   Names
	Row      string // the appendix's "row.item": 1.3, 6.7
	Topic    InfoTopic
	Cadence  Cadence
	What     Names
	Starts   time.Time // the first publication is due one period after this day
}

// PublicationDue is what a schedule item asks for now: the day of its last publication (zero:
// none yet) and the day the next one is due.
type PublicationDue struct {
	Item  ScheduleItem
	Last  time.Time
	DueOn time.Time // a Tashkent date (midnight)
}

// Day is the Tashkent date of t, at midnight.
func TashkentDay(t time.Time) time.Time {
	y, m, d := t.In(Tashkent).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Tashkent)
}

// NewPublicationDue is the item's due day after its last publication (zero: after its start).
func NewPublicationDue(item ScheduleItem, last time.Time) PublicationDue {
	from := item.Starts
	if !last.IsZero() {
		from = last
	}
	return PublicationDue{Item: item, Last: last, DueOn: item.Cadence.After(TashkentDay(from))}
}

// Late tells whether the publication is late on the day of now: the due day has
// passed with nothing published.
func (d PublicationDue) Late(now time.Time) bool { return TashkentDay(now).After(d.DueOn) }

// DaysLeft is how many days are left to the due day (negative: how late).
func (d PublicationDue) DaysLeft(now time.Time) int {
	return int(math.Round(d.DueOn.Sub(TashkentDay(now)).Hours() / 24))
}

// PublicationReminderKind is which reminder an agency's admins get of a due publication.
type PublicationReminderKind string

const (
	PublicationSoon PublicationReminderKind = "soon" // from three days before the due day
	PublicationLate PublicationReminderKind = "late" // from the day after it
)

// PublicationRemindDays is how many days before the due day the admins are reminded.
const PublicationRemindDays = 3

// Reminder is the reminder due on the day of now, if any. The store makes each
// (item, due day, kind) once, so a day the job did not run is made up the next.
func (d PublicationDue) Reminder(now time.Time) (PublicationReminderKind, bool) {
	left := d.DaysLeft(now)
	switch {
	case left < 0:
		return PublicationLate, true
	case left <= PublicationRemindDays:
		return PublicationSoon, true
	}
	return "", false
}

// PublicationReminder is one reminder made, for the console's page.
type PublicationReminder struct {
	ScheduleID int64
	DueOn      time.Time
	Kind       PublicationReminderKind
	Created    time.Time
}

// InfoStore is what "Useful information" reads and changes in the bot: the published
// articles and her topics and place for news (azizayol.InfoTopics).
type InfoStore interface {
	// InfoArticles are the articles of a topic published in lang, newest first.
	InfoArticles(ctx context.Context, topic InfoTopic, lang Lang, offset, limit int) ([]Article, error)
	// InfoArticle is one article published in lang; ErrNotFound if it is not (any more).
	InfoArticle(ctx context.Context, id int64, lang Lang) (Article, error)
	// InfoTopicsOf are the topics she gets broadcasts on.
	InfoTopicsOf(ctx context.Context, userID int64) ([]InfoTopic, error)
	// SetInfoTopic turns her broadcasts on a topic on or off.
	SetInfoTopic(ctx context.Context, userID int64, topic InfoTopic, on bool) error
	// NewsPlace is the region and district she chose for local news ("": none).
	NewsPlace(ctx context.Context, userID int64) (region, district string, err error)
	// SetNewsPlace keeps her place for local news ("" for the whole country).
	SetNewsPlace(ctx context.Context, userID int64, region, district string) error
}
