package azizayol

import (
	"slices"
	"time"
)

// The platform's own figures (issue 8): what the statistics dashboard shows the
// Ministry and the agencies. The store keeps them as rollups (see
// migrations/00012_stats.sql); these are the shapes the console reads.

// StatsDims are the dimensions the appeal figures are broken down by, as the rollup
// names them. "region_topic" is the cross of region and topic, value "region|topic";
// region and district are "" for consultations, which have no place.
var StatsDims = []string{"kind", "region", "district", "topic", "channel", "lang", "status", "region_topic"}

// AnswerBuckets are the upper edges of the buckets of the time from filing to the
// first answer: bucket i holds the times in [AnswerBuckets[i-1], AnswerBuckets[i]),
// bucket 0 those under 15 minutes, the last one 30 days and more. The percentiles are
// read from these buckets (AnswerPercentile), not from the appeals: a view of a year
// would otherwise sort hundreds of thousands of times.
var AnswerBuckets = []time.Duration{
	15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour,
	12 * time.Hour, 24 * time.Hour, 48 * time.Hour, 72 * time.Hour, 5 * 24 * time.Hour, 7 * 24 * time.Hour,
	14 * 24 * time.Hour, 30 * 24 * time.Hour,
}

// AnswerHist counts appeals by the bucket of their time to first answer: one count per
// bucket, len(AnswerBuckets)+1 of them.
type AnswerHist []int

// NewAnswerHist is an empty histogram.
func NewAnswerHist() AnswerHist { return make(AnswerHist, len(AnswerBuckets)+1) }

// Add adds another histogram's counts to h.
func (h AnswerHist) Add(o AnswerHist) {
	for i := range min(len(h), len(o)) {
		h[i] += o[i]
	}
}

// Total is how many appeals the histogram counts.
func (h AnswerHist) Total() int {
	n := 0
	for _, c := range h {
		n += c
	}
	return n
}

// Percentile is the time by which a share q (0 < q ≤ 1) of the appeals were first
// answered, interpolated linearly inside its bucket: an estimate within the bucket's
// width (under 15 minutes up to an hour, under a day up to three days). In the last,
// open bucket it is the bucket's lower edge (30 days). ok is false without appeals.
func (h AnswerHist) Percentile(q float64) (d time.Duration, ok bool) {
	total := h.Total()
	if total == 0 {
		return 0, false
	}
	rank := q * float64(total)
	seen := 0.0
	for i, c := range h {
		if c == 0 {
			continue
		}
		if seen+float64(c) >= rank {
			lo := time.Duration(0)
			if i > 0 {
				lo = AnswerBuckets[i-1]
			}
			if i == len(AnswerBuckets) {
				return lo, true
			}
			hi := AnswerBuckets[i]
			frac := (rank - seen) / float64(c)
			return lo + time.Duration(frac*float64(hi-lo)), true
		}
		seen += float64(c)
	}
	return AnswerBuckets[len(AnswerBuckets)-1], true
}

// StatsPeriod is a span of whole days in Tashkent, From and To included (both at
// midnight, Tashkent).
type StatsPeriod struct {
	From, To time.Time
}

// Days is the number of days of the period.
func (p StatsPeriod) Days() int {
	return int(p.To.Sub(p.From).Hours()/24+0.5) + 1
}

// Previous is the period of the same length just before p: what it is compared with.
// The previous of whole months is as many whole months (of September, August, not the
// 30 days before): a period of whole months is what suppressed tables cover
// (MonthsAround), and a previous period a day longer or shorter than a month would
// give that one day's figures by subtraction from the month's.
func (p StatsPeriod) Previous() StatsPeriod {
	if m := MonthsAround(p); m.From.Equal(p.From) && m.To.Equal(p.To) {
		months := (p.To.Year()-p.From.Year())*12 + int(p.To.Month()-p.From.Month()) + 1
		return StatsPeriod{From: p.From.AddDate(0, -months, 0), To: p.From.AddDate(0, 0, -1)}
	}
	n := p.Days()
	return StatsPeriod{From: p.From.AddDate(0, 0, -n), To: p.From.AddDate(0, 0, -1)}
}

// Day is t's date in Tashkent, at midnight there.
func Day(t time.Time) time.Time {
	t = t.In(Tashkent)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, Tashkent)
}

// StatsPresets are the periods the dashboard offers in one click: the last 7, 30 and
// 90 days (today included) and this year.
var StatsPresets = []string{"7", "30", "90", "year"}

// PresetPeriod is the period a preset names, as of now; ok is false for an unknown one.
func PresetPeriod(preset string, now time.Time) (StatsPeriod, bool) {
	today := Day(now)
	switch preset {
	case "7", "30", "90":
		n := map[string]int{"7": 7, "30": 30, "90": 90}[preset]
		return StatsPeriod{From: today.AddDate(0, 0, 1-n), To: today}, true
	case "year":
		return StatsPeriod{From: time.Date(today.Year(), 1, 1, 0, 0, 0, 0, Tashkent), To: today}, true
	}
	return StatsPeriod{}, false
}

// MaxStatsDays is the longest period the dashboard shows: ten years of days.
const MaxStatsDays = 3660

// ParseStatsPeriod reads a period typed as two dates (2006-01-02); ok is false when a
// date is not one, the end comes before the start, or it is longer than MaxStatsDays.
func ParseStatsPeriod(from, to string) (StatsPeriod, bool) {
	f, err1 := time.ParseInLocation(time.DateOnly, from, Tashkent)
	t, err2 := time.ParseInLocation(time.DateOnly, to, Tashkent)
	if err1 != nil || err2 != nil || t.Before(f) {
		return StatsPeriod{}, false
	}
	p := StatsPeriod{From: f, To: t}
	if p.Days() > MaxStatsDays {
		return StatsPeriod{}, false
	}
	return p, true
}

// StatsFilter chooses the appeal figures: a period, and an agency (0: every agency,
// for a super-admin only).
type StatsFilter struct {
	Period   StatsPeriod
	AgencyID int64
}

// StatsCount is the figures of a set of appeals filed in a period.
type StatsCount struct {
	Received  int // filed
	Answered  int // with a first answer
	Overdue   int // first answered, closed or withdrawn unanswered, or still open, after the deadline
	Urgent    int
	UrgentDue int // urgent and answered, or filed 24 hours or more ago: the share's denominator
	Urgent24h int // urgent and first answered within 24 hours
	RatedUp   int // answers she rated +1
	RatedDown int // answers she rated -1
}

// Add adds o to c.
func (c *StatsCount) Add(o StatsCount) {
	c.Received += o.Received
	c.Answered += o.Answered
	c.Overdue += o.Overdue
	c.Urgent += o.Urgent
	c.UrgentDue += o.UrgentDue
	c.Urgent24h += o.Urgent24h
	c.RatedUp += o.RatedUp
	c.RatedDown += o.RatedDown
}

// StatsRow is the figures of one value of a dimension (a region's code, a topic…).
type StatsRow struct {
	Value string
	StatsCount
}

// StatsDay is the appeals filed on one day.
type StatsDay struct {
	Day      time.Time
	Received int
	Answered int
}

// AppealStats is the appeal figures of a period, with the previous period of the same
// length to compare with.
type AppealStats struct {
	Filter    StatsFilter
	Total     StatsCount
	Previous  StatsCount
	By        map[string][]StatsRow // by dimension (StatsDims), most received first
	Agencies  []StatsRow            // Value: the agency's id
	Days      []StatsDay            // every day of the period, in order
	PrevDays  []StatsDay            // every day of the previous period, in order
	Answers   AnswerHist            // time to first answer, all
	PrevAns   AnswerHist            // … in the previous period
	ByAgency  map[int64]AnswerHist  // … per agency
	ByTopic   map[string]AnswerHist // … per topic
	Refreshed time.Time             // the figures are as of this time
}

// UserStats is the women reached, as of the last refresh: a snapshot.
type UserStats struct {
	Total     StatsUsers
	ByChannel []StatsUserRow
	ByLang    []StatsUserRow
	ByRegion  []StatsUserRow // Value: the region's code, "" when she chose none
	Refreshed time.Time
}

// StatsUsers counts women.
type StatsUsers struct {
	Users      int
	ActiveWeek int // wrote in the last 7 days
	Blocked    int // blocked the bot
	OptedOut   int // sent STOP by SMS
}

// StatsUserRow is the women of one channel, language or region.
type StatsUserRow struct {
	Value string
	StatsUsers
}

// SmallCount is the largest count that is never shown in an export (nor to an agency
// admin): a cell of 1 to SmallCount women of one region and topic could name her.
const SmallCount = 4

// Suppress decides which of a set of figures are hidden: every count from 1 to
// SmallCount (the primary ones), and then, so that no hidden figure can be recomputed
// or narrowed down from a line's total, more (the complementary ones). lines lists the
// figures (by index in counts) that add up: its parts, then its total (the last index).
// The figures may come from several tables (a region's districts with the region's
// figure in another table): a figure printed in two places is one index.
//
// A line whose hidden figures are exactly one would give it away (total minus the
// others); a line whose hidden figures are all under SmallCount+1 would give each a
// known range (1–4). So, while a line has hidden figures and either only one or none
// of SmallCount+1 or more, its smallest other non-zero part is hidden too (its total
// when no part is left), and the lines are checked again. Every figure not hidden is 0
// or more than SmallCount, so the figure added is always one above SmallCount. Zeros
// stay shown: an empty cell names nobody.
func Suppress(counts []int, lines [][]int) []bool {
	hidden := make([]bool, len(counts))
	for i, c := range counts {
		hidden[i] = c >= 1 && c <= SmallCount
	}
	for changed := true; changed; {
		changed = false
		for _, line := range lines {
			if pick := suppressPartner(counts, hidden, line); pick >= 0 {
				hidden[pick], changed = true, true
			}
		}
	}
	return hidden
}

// suppressPartner is the figure of line to hide next, -1 when the line is safe: it
// has no hidden figure, or two or more of which one is above SmallCount, or nothing
// left to hide.
func suppressPartner(counts []int, hidden []bool, line []int) int {
	n, big := 0, false
	for _, i := range line {
		if hidden[i] {
			n++
			big = big || counts[i] > SmallCount
		}
	}
	if n == 0 || (n > 1 && big) {
		return -1
	}
	pick := -1
	parts := line
	if len(line) > 1 {
		parts = line[:len(line)-1]
	}
	for _, i := range parts {
		if !hidden[i] && counts[i] > 0 && (pick < 0 || counts[i] < counts[pick]) {
			pick = i
		}
	}
	if total := line[len(line)-1]; pick < 0 && len(line) > 1 && !hidden[total] && counts[total] > 0 {
		pick = total
	}
	return pick
}

// MonthsAround is p widened to whole calendar months: from the first day of its first
// month to the last day of its last. Exports of suppressed tables cover whole months,
// so that two periods a day apart cannot be subtracted to give one day's hidden figures.
func MonthsAround(p StatsPeriod) StatsPeriod {
	from := time.Date(p.From.Year(), p.From.Month(), 1, 0, 0, 0, 0, Tashkent)
	to := time.Date(p.To.Year(), p.To.Month(), 1, 0, 0, 0, 0, Tashkent).AddDate(0, 1, -1)
	return StatsPeriod{From: from, To: to}
}

// SortStatsRows orders rows most received first, then by value, so that tables and
// bars are ranked and stable.
func SortStatsRows(rows []StatsRow) {
	slices.SortFunc(rows, func(a, b StatsRow) int {
		if a.Received != b.Received {
			return b.Received - a.Received
		}
		if a.Value < b.Value {
			return -1
		}
		if a.Value > b.Value {
			return 1
		}
		return 0
	})
}
