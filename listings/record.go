package listings

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/azizayol/azizayol"
)

// Kind is the kind of record a file row holds.
type Kind string

const (
	Centres   Kind = "centres"
	Courses   Kind = "courses"
	Vacancies Kind = "vacancies"
)

// columns lists each kind's columns; the required ones end in "*".
var columns = map[Kind][]string{
	Centres: {"id*", "name*", "region*", "district", "address", "phone", "lat", "lon"},
	Courses: {"id*", "name*", "centre", "field", "region", "district", "address", "starts", "ends",
		"hours", "cost", "phone", "enrol", "online", "lat", "lon"},
	Vacancies: {"id*", "title*", "employer*", "region*", "district", "salary_min", "salary_max", "schedule",
		"address", "contact", "field", "posted*", "expires", "lat", "lon"},
}

// known tells whether kind has a column named name, and whether it is required.
func known(kind Kind, name string) (ok, required bool) {
	for _, c := range columns[kind] {
		if strings.TrimSuffix(c, "*") == name {
			return true, strings.HasSuffix(c, "*")
		}
	}
	return false, false
}

// RowError is a row that cannot be imported, and why.
type RowError struct {
	Kind   Kind
	Row    int    // the CSV line (the header is 1), or the position in the JSON array from 1; 0: the whole file
	ID     string // the row's id, when it has one
	Reason string
}

func (e RowError) Error() string {
	if e.Row == 0 {
		return fmt.Sprintf("%s: %s", e.Kind, e.Reason)
	}
	return fmt.Sprintf("%s row %d: %s", e.Kind, e.Row, e.Reason)
}

// row is one record as read from a file: every value a string, "" when missing.
type row struct {
	kind    Kind
	n       int
	fields  map[string]string
	problem string // what is wrong with the row as a whole (too few cells, an unknown key)
}

// reader reads a row's values and remembers the first problem.
type reader struct {
	r   row
	err string
}

func (rd *reader) fail(format string, args ...any) {
	if rd.err == "" {
		rd.err = fmt.Sprintf(format, args...)
	}
}

func (rd *reader) text(name string) string {
	v := strings.TrimSpace(rd.r.fields[name])
	if _, required := known(rd.r.kind, name); required && v == "" {
		rd.fail("%s is missing", name)
	}
	switch {
	case !utf8.ValidString(v):
		rd.fail("%s is not UTF-8 text (save the file as UTF-8)", name)
		return ""
	case strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f }):
		rd.fail("%s holds a control character", name)
		return ""
	case utf8.RuneCountInString(v) > maxCell:
		rd.fail("%s is longer than %d characters", name, maxCell)
		return ""
	}
	return v
}

// maxCell is the longest value a cell may hold: a page of five listings must fit in
// one Telegram message.
const maxCell = 300

func (rd *reader) number(name string) int64 {
	v := strings.NewReplacer(" ", "", "\u00a0", "", "_", "").Replace(rd.text(name))
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		// 3000000.00 is a whole number too.
		f, ferr := strconv.ParseFloat(v, 64)
		if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1e15 {
			rd.fail("%s: %q is not a whole number", name, v)
			return 0
		}
		n = int64(f)
	}
	if n < 0 {
		rd.fail("%s: %d is negative", name, n)
	}
	return n
}

func (rd *reader) flag(name string) bool {
	switch strings.ToLower(rd.text(name)) {
	case "", "false", "0", "no", "yo'q", "yoʻq", "нет", "йўқ":
		return false
	case "true", "1", "yes", "ha", "да", "ҳа":
		return true
	}
	rd.fail("%s: %q is neither true nor false", name, rd.r.fields[name])
	return false
}

// date reads 2026-12-01 or 01.12.2026 as midnight in Tashkent.
func (rd *reader) date(name string) time.Time {
	v := rd.text(name)
	if v == "" {
		return time.Time{}
	}
	for _, layout := range []string{"2006-01-02", "02.01.2006"} {
		if t, err := time.ParseInLocation(layout, v, azizayol.Tashkent); err == nil {
			return t
		}
	}
	rd.fail("%s: %q is not a date (2026-12-01 or 01.12.2026)", name, v)
	return time.Time{}
}

func (rd *reader) location() *azizayol.Point {
	lat, lon := rd.text("lat"), rd.text("lon")
	if lat == "" && lon == "" {
		return nil
	}
	la, err1 := strconv.ParseFloat(strings.Replace(lat, ",", ".", 1), 64)
	lo, err2 := strconv.ParseFloat(strings.Replace(lon, ",", ".", 1), 64)
	// Written so that NaN fails too.
	if err1 != nil || err2 != nil || !(la >= -90 && la <= 90) || !(lo >= -180 && lo <= 180) {
		rd.fail("lat and lon: %q, %q is not a place (both are needed, in degrees)", lat, lon)
		return nil
	}
	return &azizayol.Point{Lat: la, Lon: lo}
}

func (rd *reader) field() string {
	f := strings.ToLower(rd.text("field"))
	if !azizayol.KnownField(f) {
		rd.fail("field: %q is not one of %s", f, strings.Join(azizayol.Fields, ", "))
	}
	return f
}

func (rd *reader) place(places azizayol.Places, regionRequired bool) (region, district string) {
	region, district = rd.text("region"), rd.text("district")
	if region == "" && district != "" {
		region = places.Districts[district]
	}
	if region == "" && regionRequired {
		rd.fail("region is missing")
	}
	if err := places.Check(region, district); err != nil {
		rd.fail("%v", err)
	}
	return region, district
}

// phone stores a number that reads as an Uzbek one as +998XXXXXXXXX, and anything
// else as written (a landline with a city code, two numbers, a Telegram name).
func phone(s string) string {
	if p, ok := azizayol.NormalizePhone(s); ok {
		return p
	}
	return strings.TrimSpace(s)
}

func (rd *reader) centre(source string, places azizayol.Places) azizayol.TrainingCentre {
	c := azizayol.TrainingCentre{Source: source, SourceID: rd.text("id"), Name: rd.text("name"),
		Address: rd.text("address"), Phone: phone(rd.text("phone")), Location: rd.location()}
	c.RegionCode, c.DistrictCode = rd.place(places, true)
	return c
}

func (rd *reader) course(source string, places azizayol.Places) (azizayol.Course, string) {
	c := azizayol.Course{Source: source, SourceID: rd.text("id"), Name: rd.text("name"), Field: rd.field(),
		Address: rd.text("address"), Starts: rd.date("starts"), Ends: rd.date("ends"), Hours: int(rd.number("hours")),
		Cost: rd.number("cost"), Phone: phone(rd.text("phone")), Enrol: rd.text("enrol"), Online: rd.flag("online"),
		Location: rd.location()}
	c.RegionCode, c.DistrictCode = rd.place(places, !c.Online)
	if !c.Starts.IsZero() && !c.Ends.IsZero() && c.Ends.Before(c.Starts) {
		rd.fail("ends %s before it starts %s", c.Ends.Format(time.DateOnly), c.Starts.Format(time.DateOnly))
	}
	if c.Hours > 10000 {
		rd.fail("hours: %d is more than a course lasts", c.Hours)
	}
	return c, rd.text("centre")
}

func (rd *reader) vacancy(source string, places azizayol.Places) azizayol.Vacancy {
	v := azizayol.Vacancy{Source: source, SourceID: rd.text("id"), Title: rd.text("title"), Employer: rd.text("employer"),
		SalaryMin: rd.number("salary_min"), SalaryMax: rd.number("salary_max"), Schedule: rd.text("schedule"),
		Address: rd.text("address"), Contact: phone(rd.text("contact")), Field: rd.field(),
		Posted: rd.date("posted"), Expires: rd.date("expires"), Location: rd.location(), Status: azizayol.VacancyOpen}
	v.RegionCode, v.DistrictCode = rd.place(places, true)
	if v.SalaryMax != 0 && v.SalaryMax < v.SalaryMin {
		rd.fail("salary_max %d is less than salary_min %d", v.SalaryMax, v.SalaryMin)
	}
	if !v.Expires.IsZero() && !v.Expires.After(v.Posted) {
		rd.fail("expires %s is not after posted %s", v.Expires.Format(time.DateOnly), v.Posted.Format(time.DateOnly))
	}
	return v
}
