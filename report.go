package azizayol

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The agencies' periodic reports (resolution No. 507, Appendix 2): the figures each
// agency owes the ministry — unemployed women by region every quarter, early births
// every month, protection orders issued every month … Which indicators there are, how
// often and by when they are due are data (the report_indicators table), kept by
// super-admins; agency staff submit each period's figures by a form or a CSV file.
// A period submitted again gets a new version: nothing is overwritten.

// Periodicity is how often an indicator is reported.
type Periodicity string

const (
	PerMonth    Periodicity = "monthly"
	PerQuarter  Periodicity = "quarterly"
	PerHalfYear Periodicity = "half_yearly"
	PerYear     Periodicity = "yearly" // once a year, in its report month (June for the Statistics committee)
)

// Periodicities lists the periodicities, most frequent first.
var Periodicities = []Periodicity{PerMonth, PerQuarter, PerHalfYear, PerYear}

// Valid tells whether p is a known periodicity.
func (p Periodicity) Valid() bool { return slices.Contains(Periodicities, p) }

// months is how many months one period lasts.
func (p Periodicity) months() int {
	switch p {
	case PerQuarter:
		return 3
	case PerHalfYear:
		return 6
	case PerYear:
		return 12
	}
	return 1
}

// ReportPart is one column of an indicator that, with the others, adds up to its
// total (women by age group: 0–2, 3–6, … make the number of women).
type ReportPart struct {
	Code  string `json:"code"` // the CSV column: [a-z0-9_], not "total"
	Names Names  `json:"names"`
}

// TotalColumn is the CSV column and the part code of an indicator's total.
const TotalColumn = "total"

// NationalCode is the SOATO code of the Republic of Uzbekistan: the one line of an
// indicator not broken down by region.
const NationalCode = "1700"

// MaxReportValue is the largest figure accepted: more than the country's population
// is a typing slip.
const MaxReportValue = 100_000_000

// Indicator is one statistic an agency owes, with its periodicity and due date rule.
type Indicator struct {
	ID          int64
	Code        string // the CSV's indicator column
	Row         string // Appendix 2's "row.item" it comes from (16.5); "" for one added since
	AgencyID    int64
	Agency      Names // the agency's name, for the pages
	Names       Names
	Periodicity Periodicity
	// DueDay is the day of the month after the period by which a monthly, quarterly or
	// half-yearly period is due (10: by 10 April for March, by 10 July for the first
	// half-year). A yearly indicator does not use it: see ReportMonth.
	DueDay int
	// ReportMonth is, for a yearly indicator, the month its figures are given in (6:
	// "in June every year"): the year opens on the 1st of that month and is due by its
	// last day (30 June).
	ReportMonth int
	ByRegion    bool         // a line per region (SOATO 17xx), else one national line
	Parts       []ReportPart // columns that add up to the total; none: the total alone
	Active      bool         // inactive: no longer owed; what was submitted stays
	// Starts is the day the platform starts collecting the indicator (by default the
	// day it is added): the periods owed are those that open on or after it, so none
	// is owed, nor late, for a time before it.
	Starts time.Time
}

// Errors of an indicator a super-admin edits, each named by its field.
var (
	ErrIndicatorCode        = errors.New("code: 2–40 of a-z 0-9 _, starting with a letter")
	ErrIndicatorName        = errors.New("names: every language needs one")
	ErrIndicatorAgency      = errors.New("agency: choose one")
	ErrIndicatorPeriodicity = errors.New("periodicity: not a known one")
	ErrIndicatorDueDay      = errors.New("due day: 1 to 28")
	ErrIndicatorReportMonth = errors.New("report month: 1 to 12")
	ErrIndicatorParts       = errors.New("parts: each a distinct code of a-z 0-9 _ (not total) with three names")
	ErrIndicatorCodeTaken   = errors.New("code: another indicator has it")
	// ErrIndicatorHasReports: the periodicity, the breakdown by region, the parts or
	// the agency of an indicator with submissions would change what its history means;
	// deactivate it and add a new one instead.
	ErrIndicatorHasReports = errors.New("periodicity, by region, parts, agency: fixed once figures are submitted")
)

// ChangesMeaning tells whether next differs from ind in what its submitted figures
// mean: its periodicity, its breakdown by region, its parts (their codes, in order:
// the columns) or its agency. Names, a part's too, may be corrected.
func (ind Indicator) ChangesMeaning(next Indicator) bool {
	return ind.Periodicity != next.Periodicity || ind.ByRegion != next.ByRegion ||
		!slices.Equal(ind.Columns(), next.Columns()) || ind.AgencyID != next.AgencyID
}

var indicatorCode = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// Validate checks an indicator before it is saved and returns every problem.
func (ind Indicator) Validate() []error {
	var errs []error
	if !indicatorCode.MatchString(ind.Code) {
		errs = append(errs, ErrIndicatorCode)
	}
	if blankNames(ind.Names) {
		errs = append(errs, ErrIndicatorName)
	}
	if ind.AgencyID == 0 {
		errs = append(errs, ErrIndicatorAgency)
	}
	if !ind.Periodicity.Valid() {
		errs = append(errs, ErrIndicatorPeriodicity)
	}
	if ind.DueDay < 1 || ind.DueDay > 28 {
		errs = append(errs, ErrIndicatorDueDay)
	}
	if ind.Periodicity == PerYear && (ind.ReportMonth < 1 || ind.ReportMonth > 12) {
		errs = append(errs, ErrIndicatorReportMonth)
	}
	seen := map[string]bool{}
	for _, p := range ind.Parts {
		if !indicatorCode.MatchString(p.Code) || p.Code == TotalColumn || seen[p.Code] || blankNames(p.Names) {
			errs = append(errs, ErrIndicatorParts)
			break
		}
		seen[p.Code] = true
	}
	return errs
}

func blankNames(n Names) bool {
	return strings.TrimSpace(n.UzLatn) == "" || strings.TrimSpace(n.UzCyrl) == "" || strings.TrimSpace(n.Ru) == ""
}

// Columns are the figure columns of a line: the parts, then the total.
func (ind Indicator) Columns() []string {
	cols := make([]string, 0, len(ind.Parts)+1)
	for _, p := range ind.Parts {
		cols = append(cols, p.Code)
	}
	return append(cols, TotalColumn)
}

// CSVHeader is the header line a CSV upload must start with.
func (ind Indicator) CSVHeader() []string {
	return append([]string{"indicator", "period", "region"}, ind.Columns()...)
}

// ReportPeriod is one reporting period of a periodicity: a month, quarter, half-year or year.
type ReportPeriod struct {
	Periodicity Periodicity
	Year        int
	N           int // the month (1–12), quarter (1–4) or half (1–2); 0 for a year
}

// String is the period's key: 2026-03, 2026-Q1, 2026-H1, 2026.
func (p ReportPeriod) String() string {
	switch p.Periodicity {
	case PerMonth:
		return fmt.Sprintf("%04d-%02d", p.Year, p.N)
	case PerQuarter:
		return fmt.Sprintf("%04d-Q%d", p.Year, p.N)
	case PerHalfYear:
		return fmt.Sprintf("%04d-H%d", p.Year, p.N)
	}
	return fmt.Sprintf("%04d", p.Year)
}

// ParseReportPeriod reads a period's key of periodicity p.
func ParseReportPeriod(p Periodicity, s string) (ReportPeriod, bool) {
	var year, n int
	var ok bool
	switch p {
	case PerMonth:
		ok = scanPeriod(s, "%04d-%02d", &year, &n) && n >= 1 && n <= 12
	case PerQuarter:
		ok = scanPeriod(s, "%04d-Q%d", &year, &n) && n >= 1 && n <= 4
	case PerHalfYear:
		ok = scanPeriod(s, "%04d-H%d", &year, &n) && n >= 1 && n <= 2
	case PerYear:
		ok = scanPeriod(s, "%04d", &year)
	}
	if !ok || year < 2000 || year > 2200 {
		return ReportPeriod{}, false
	}
	period := ReportPeriod{Periodicity: p, Year: year, N: n}
	return period, period.String() == s // no leading signs, spaces or missing zeros
}

func scanPeriod(s, format string, args ...any) bool {
	n, err := fmt.Sscanf(s, format, args...)
	return err == nil && n == len(args)
}

// ReportPeriodOf is the period of periodicity p that holds t (Tashkent time).
func ReportPeriodOf(p Periodicity, t time.Time) ReportPeriod {
	t = t.In(Tashkent)
	m := int(t.Month())
	switch p {
	case PerMonth:
		return ReportPeriod{p, t.Year(), m}
	case PerQuarter:
		return ReportPeriod{p, t.Year(), (m-1)/3 + 1}
	case PerHalfYear:
		return ReportPeriod{p, t.Year(), (m-1)/6 + 1}
	}
	return ReportPeriod{p, t.Year(), 0}
}

// Start is the period's first moment, Tashkent time.
func (p ReportPeriod) Start() time.Time {
	month := 1
	if p.N > 0 {
		month = (p.N-1)*p.Periodicity.months() + 1
	}
	return time.Date(p.Year, time.Month(month), 1, 0, 0, 0, 0, Tashkent)
}

// End is the first moment after the period.
func (p ReportPeriod) End() time.Time { return p.Start().AddDate(0, p.Periodicity.months(), 0) }

// Next is the period after p.
func (p ReportPeriod) Next() ReportPeriod { return ReportPeriodOf(p.Periodicity, p.End()) }

// reportMonth is the first moment of the month in which the period's figures are given.
func (ind Indicator) reportMonth(p ReportPeriod) time.Time {
	if p.Periodicity == PerYear {
		return time.Date(p.Year, time.Month(ind.ReportMonth), 1, 0, 0, 0, 0, Tashkent)
	}
	return p.End().AddDate(0, -1, 0)
}

// Opens is when a period may be submitted: once it has ended (a yearly one: at the
// start of its report month).
func (ind Indicator) Opens(p ReportPeriod) time.Time {
	if p.Periodicity == PerYear {
		return ind.reportMonth(p)
	}
	return p.End()
}

// Due is the day a period is due (its first moment, Tashkent time): the DueDay of the
// month after the period; a yearly one, the last day of its report month (30 June),
// as Appendix 2 has the figures given within that month. It is late from the day after.
func (ind Indicator) Due(p ReportPeriod) time.Time {
	if p.Periodicity == PerYear {
		return ind.reportMonth(p).AddDate(0, 1, -1)
	}
	return ind.reportMonth(p).AddDate(0, 1, ind.DueDay-1)
}

// Late tells whether a period not submitted is late at now.
func (ind Indicator) Late(p ReportPeriod, now time.Time) bool {
	return !now.Before(ind.Due(p).AddDate(0, 0, 1))
}

// first is the first period owed: the first that opens on or after Starts.
func (ind Indicator) first() ReportPeriod {
	p := ReportPeriodOf(ind.Periodicity, ind.Starts.AddDate(0, -2*ind.Periodicity.months(), 0))
	for ind.Opens(p).Before(ind.Starts) {
		p = p.Next()
	}
	return p
}

// Periods lists the periods owed that have opened by now, oldest first.
func (ind Indicator) Periods(now time.Time) []ReportPeriod {
	var list []ReportPeriod
	for p := ind.first(); !now.Before(ind.Opens(p)); p = p.Next() {
		list = append(list, p)
	}
	return list
}

// Upcoming is the first period owed that has not opened by now.
func (ind Indicator) Upcoming(now time.Time) ReportPeriod {
	p := ind.first()
	for !now.Before(ind.Opens(p)) {
		p = p.Next()
	}
	return p
}

// Owes tells whether the period is one the indicator owes and may be submitted at now.
func (ind Indicator) Owes(p ReportPeriod, now time.Time) bool {
	opens := ind.Opens(p)
	return p.Periodicity == ind.Periodicity && !opens.Before(ind.Starts) && !now.Before(opens)
}

// ReportValue is one figure of a submission: a part (or TotalColumn) of a region (or
// of NationalCode).
type ReportValue struct {
	Region string
	Part   string
	Value  int64
}

// Submission is one version of an indicator's figures for a period, with who sent
// it. Versions count from 1; a new one never changes an earlier one.
type Submission struct {
	ID          int64
	IndicatorID int64
	Period      string
	Version     int
	StaffID     int64
	By          string // her name and email as they were
	At          time.Time
	Source      string // form, csv
	Values      []ReportValue
}

// ErrReportStale: another version was submitted since she opened the form.
var ErrReportStale = errors.New("a newer version was submitted meanwhile")

// ReportLine is one line of figures as typed: in the form (Line 0) or a CSV file.
type ReportLine struct {
	Line      int               // the CSV line, from 1 for the header; 0 in the form
	Indicator string            // the CSV's indicator column ("" in the form)
	Period    string            // the CSV's period column ("" in the form)
	Region    string            // the SOATO code as given
	Raw       map[string]string // column → text
}

// ReportErrorCode names what is wrong with a report's figures.
type ReportErrorCode string

const (
	ErrCodeHeader         ReportErrorCode = "header"          // the CSV header is not the indicator's
	ErrCodeCSV            ReportErrorCode = "csv"             // the file is not CSV (quotes, encoding)
	ErrCodeNoLines        ReportErrorCode = "no_lines"        // no figures at all
	ErrCodeColumns        ReportErrorCode = "columns"         // a line with too few or too many cells
	ErrCodeWrongIndicator ReportErrorCode = "wrong_indicator" // a line of another indicator
	ErrCodeWrongPeriod    ReportErrorCode = "wrong_period"    // a period not owed
	ErrCodeLinePeriod     ReportErrorCode = "line_period"     // a line of another period than the one chosen
	ErrCodeUnknownRegion  ReportErrorCode = "unknown_region"  // not a region's SOATO code
	ErrCodeMissingRegion  ReportErrorCode = "missing_region"  // a region without a line
	ErrCodeDuplicate      ReportErrorCode = "duplicate_region"
	ErrCodeEmpty          ReportErrorCode = "empty"       // a cell left empty
	ErrCodeNotInteger     ReportErrorCode = "not_integer" // 12.5, abc
	ErrCodeNegative       ReportErrorCode = "negative"
	ErrCodeTooLarge       ReportErrorCode = "too_large" // above MaxReportValue
	ErrCodeSum            ReportErrorCode = "sum"       // the parts do not add up to the total
	ErrCodeTooManyLines   ReportErrorCode = "too_many_lines"
	ErrCodeFileTooLarge   ReportErrorCode = "file_too_large" // above MaxReportFile
)

// ReportError is one problem of a report's figures, with where it is, for the
// console to explain in the staff's language.
type ReportError struct {
	Code   ReportErrorCode
	Line   int    // the CSV line (0: the form, or the file as a whole)
	Column string // the column ("" for the whole line)
	Region string // the region's code, when the line has one
	Value  string // what was given
	Period string // ErrCodeLinePeriod: the period chosen
	Sum    int64  // ErrCodeSum: what the parts add up to
	Total  int64  // ErrCodeSum: the total given
}

func (e ReportError) Error() string {
	return fmt.Sprintf("line %d, column %q, region %q: %s %q", e.Line, e.Column, e.Region, e.Code, e.Value)
}

// MaxReportLines is the most lines a CSV upload may have: 14 regions, and room.
const MaxReportLines = 1000

// MaxReportFile is the largest CSV upload read, in bytes: a thousand lines, and room.
// A larger file is refused as a whole, never cut short.
const MaxReportFile = 1 << 20

// ReadReportCSV reads a CSV upload (comma or semicolon separated, as Excel saves it
// in either locale, with or without a byte-order mark) into lines; a problem with the
// file as a whole is the one error returned. Lines whose cells are all blank (Excel's
// ";;;") are skipped; each line keeps the number of the file's line it starts on.
func ReadReportCSV(r io.Reader, ind Indicator) ([]ReportLine, []ReportError) {
	data, err := io.ReadAll(io.LimitReader(r, MaxReportFile+1)) // one byte more tells a file too large
	if err != nil {
		return nil, []ReportError{{Code: ErrCodeCSV}}
	}
	if len(data) > MaxReportFile {
		return nil, []ReportError{{Code: ErrCodeFileTooLarge}}
	}
	if !utf8.Valid(data) {
		return nil, []ReportError{{Code: ErrCodeCSV}}
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	cr := csv.NewReader(bytes.NewReader(data))
	first, _, _ := bytes.Cut(data, []byte("\n"))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, []ReportError{{Code: ErrCodeNoLines}}
	}
	if err != nil {
		return nil, []ReportError{{Code: ErrCodeCSV, Line: csvErrorLine(err)}}
	}
	want := ind.CSVHeader()
	header = trimBlankTail(header, len(want))
	for i := range header {
		header[i] = strings.ToLower(strings.TrimSpace(header[i]))
	}
	if !slices.Equal(header, want) {
		line, _ := cr.FieldPos(0)
		return nil, []ReportError{{Code: ErrCodeHeader, Line: line, Value: strings.Join(header, ",")}}
	}
	var lines []ReportLine
	var errs []ReportError
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, []ReportError{{Code: ErrCodeCSV, Line: csvErrorLine(err)}}
		}
		if blankRecord(rec) {
			continue // an empty line, or Excel's ";;;"
		}
		if len(lines)+len(errs) >= MaxReportLines {
			return nil, []ReportError{{Code: ErrCodeTooManyLines}}
		}
		n, _ := cr.FieldPos(0)
		rec = trimBlankTail(rec, len(want))
		if len(rec) != len(want) {
			errs = append(errs, ReportError{Code: ErrCodeColumns, Line: n, Value: strconv.Itoa(len(rec))})
			continue
		}
		l := ReportLine{Line: n, Indicator: strings.TrimSpace(rec[0]), Period: strings.TrimSpace(rec[1]),
			Region: strings.TrimSpace(rec[2]), Raw: map[string]string{}}
		for i, col := range ind.Columns() {
			l.Raw[col] = rec[3+i]
		}
		lines = append(lines, l)
	}
	if len(lines) == 0 && len(errs) == 0 {
		errs = append(errs, ReportError{Code: ErrCodeNoLines})
	}
	return lines, errs
}

// csvErrorLine is the file's line a CSV error is on (0 when it does not say).
func csvErrorLine(err error) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Line
	}
	return 0
}

// blankRecord tells whether every cell of a CSV line is blank.
func blankRecord(rec []string) bool {
	for _, cell := range rec {
		if strings.TrimSpace(cell) != "" {
			return false
		}
	}
	return true
}

// trimBlankTail drops blank cells after the first want of a line: Excel writes a
// separator for every column it has seen used, so a line may end in ";;".
func trimBlankTail(rec []string, want int) []string {
	for len(rec) > want && strings.TrimSpace(rec[len(rec)-1]) == "" {
		rec = rec[:len(rec)-1]
	}
	return rec
}

// SamePeriod tells whether s, a CSV's period cell, names the period chosen: its key
// (2026-04), or — for a month, which Excel turns into a date when the file is opened
// and saved — a rendering of its first day: Apr-26, Apr-2026, 01.04.2026, 1.4.2026,
// 2026-04-01, 04.2026, 4/1/2026 or 1/4/2026.
func SamePeriod(p ReportPeriod, s string) bool {
	s = strings.TrimSpace(s)
	if s == p.String() {
		return true
	}
	if p.Periodicity != PerMonth {
		return false
	}
	for _, layout := range []string{"Jan-06", "Jan-2006", "02.01.2006", "2.1.2006", "2006-01-02", "01.2006", "1.2006", "1/2/2006", "2/1/2006"} {
		t, err := time.Parse(layout, s)
		if err == nil && t.Day() == 1 && t.Year() == p.Year && int(t.Month()) == p.N {
			return true
		}
	}
	return false
}

// CheckReport checks the figures of a period against the indicator: every region of
// regions (SOATO codes) once when it is broken down by region (else one national
// line), every cell a whole number from 0 to MaxReportValue, the parts adding up to
// the total, and each CSV line of this indicator and period. It returns the figures
// when nothing is wrong, else every problem found, in line order.
func CheckReport(ind Indicator, period string, lines []ReportLine, regions []string) ([]ReportValue, []ReportError) {
	chosen, _ := ParseReportPeriod(ind.Periodicity, period)
	var values []ReportValue
	var errs []ReportError
	seen := map[string]bool{}
	if len(lines) == 0 {
		return nil, []ReportError{{Code: ErrCodeNoLines}}
	}
	for _, l := range lines {
		if l.Line > 0 && l.Indicator != ind.Code {
			errs = append(errs, ReportError{Code: ErrCodeWrongIndicator, Line: l.Line, Column: "indicator", Value: l.Indicator})
		}
		if l.Line > 0 && !SamePeriod(chosen, l.Period) {
			errs = append(errs, ReportError{Code: ErrCodeLinePeriod, Line: l.Line, Column: "period", Value: l.Period, Period: period})
		}
		region := l.Region
		switch {
		case !ind.ByRegion && region == "":
			region = NationalCode
		case (ind.ByRegion && !slices.Contains(regions, region)) || (!ind.ByRegion && region != NationalCode):
			errs = append(errs, ReportError{Code: ErrCodeUnknownRegion, Line: l.Line, Column: "region", Value: l.Region})
			continue
		}
		if seen[region] {
			errs = append(errs, ReportError{Code: ErrCodeDuplicate, Line: l.Line, Column: "region", Region: region, Value: l.Region})
			continue
		}
		seen[region] = true
		var sum int64
		whole := true // every cell of the line read
		line := map[string]int64{}
		for _, col := range ind.Columns() {
			v, code := parseFigure(l.Raw[col])
			if code != "" {
				errs = append(errs, ReportError{Code: code, Line: l.Line, Column: col, Region: region, Value: strings.TrimSpace(l.Raw[col])})
				whole = false
				continue
			}
			line[col] = v
			if col != TotalColumn {
				sum += v
			}
			values = append(values, ReportValue{Region: region, Part: col, Value: v})
		}
		if whole && len(ind.Parts) > 0 && sum != line[TotalColumn] {
			errs = append(errs, ReportError{Code: ErrCodeSum, Line: l.Line, Column: TotalColumn, Region: region,
				Sum: sum, Total: line[TotalColumn]})
		}
	}
	want := regions
	if !ind.ByRegion {
		want = []string{NationalCode}
	}
	for _, code := range want {
		if !seen[code] {
			errs = append(errs, ReportError{Code: ErrCodeMissingRegion, Column: "region", Region: code})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return values, nil
}

// figureDigits is a figure as staff type it: plain digits, or digits grouped by
// thousands with a space (1 234 567; the no-break spaces Excel and Word put there
// too). A space anywhere else ("12 34") is a slip, not a number.
var figureDigits = regexp.MustCompile(`^(\d+|\d{1,3}([ \x{00A0}\x{202F}]\d{3})+)$`)

// parseFigure reads a figure as staff type it (figureDigits), a minus sign telling a
// negative one.
func parseFigure(s string) (int64, ReportErrorCode) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, ErrCodeEmpty
	}
	negative := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	if !figureDigits.MatchString(s) {
		return 0, ErrCodeNotInteger
	}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
	if negative && strings.Trim(digits, "0") != "" {
		return 0, ErrCodeNegative
	}
	v, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || v > MaxReportValue {
		return 0, ErrCodeTooLarge
	}
	return v, ""
}

// ReportStatus is where one period of an indicator stands.
type ReportStatus string

const (
	StatusUpcoming  ReportStatus = "upcoming"  // not open yet
	StatusDue       ReportStatus = "due"       // open, not submitted, not late
	StatusLate      ReportStatus = "late"      // past its due day, not submitted
	StatusSubmitted ReportStatus = "submitted" // a version is in
)

// StatusOf is where period p stands at now, given its latest version (0: none).
func (ind Indicator) StatusOf(p ReportPeriod, latest int, now time.Time) ReportStatus {
	switch {
	case latest > 0:
		return StatusSubmitted
	case now.Before(ind.Opens(p)):
		return StatusUpcoming
	case ind.Late(p, now):
		return StatusLate
	}
	return StatusDue
}

// ReportReminder kinds: a period due soon, and a period late.
const (
	ReportDueSoon = "due_soon"
	ReportLate    = "late"
)

// ReportRemindBefore is how long before its due day a period not submitted is reminded of.
const ReportRemindBefore = 5 * 24 * time.Hour

// ReportDue is a reminder the daily job raises for an indicator's period; the store
// keeps it for the indicator's agency unless the period has been submitted.
type ReportDue struct {
	IndicatorID int64
	Period      string
	Kind        string // ReportDueSoon, ReportLate
	Due         time.Time
}

// ReportReminders are the reminders due at now for the active indicators: due_soon from
// ReportRemindBefore before a period's due day to the day itself, late from the day after.
// The store records each once, so the whole history is listed every day.
func ReportReminders(inds []Indicator, now time.Time) []ReportDue {
	var list []ReportDue
	for _, ind := range inds {
		if !ind.Active {
			continue
		}
		for _, p := range ind.Periods(now) {
			due := ind.Due(p)
			kind := ReportLate
			if !ind.Late(p, now) {
				if now.Before(due.Add(-ReportRemindBefore)) {
					continue
				}
				kind = ReportDueSoon
			}
			list = append(list, ReportDue{IndicatorID: ind.ID, Period: p.String(), Kind: kind, Due: due})
		}
	}
	return list
}

// ReportReminder is a reminder shown on the reports page to the staff of the
// indicator's agency, admins and operators alike.
type ReportReminder struct {
	IndicatorID int64
	Indicator   Names
	Period      string
	Kind        string
	Due         time.Time
	Created     time.Time
}

// IndicatorChange is one line of an indicator's history: who added or changed it,
// and what it was before and after.
type IndicatorChange struct {
	ID       int64
	At       time.Time
	By       string
	Action   string // add, edit
	Old, New Indicator
}

// Changed names the fields that differ between two versions of an indicator.
func (c IndicatorChange) Changed() []string {
	o, n := c.Old, c.New
	var f []string
	add := func(name string, differ bool) {
		if differ {
			f = append(f, name)
		}
	}
	add("code", o.Code != n.Code)
	add("row", o.Row != n.Row)
	add("names", o.Names != n.Names)
	add("agency", o.AgencyID != n.AgencyID)
	add("periodicity", o.Periodicity != n.Periodicity)
	add("due_day", o.DueDay != n.DueDay)
	add("report_month", o.ReportMonth != n.ReportMonth)
	add("by_region", o.ByRegion != n.ByRegion)
	add("parts", !slices.Equal(o.Parts, n.Parts))
	add("active", o.Active != n.Active)
	add("starts", !o.Starts.Equal(n.Starts))
	return f
}
