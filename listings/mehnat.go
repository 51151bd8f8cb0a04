package listings

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/azizayol/azizayol"
)

// MehnatURL is where the national vacancy base (ish.mehnat.uz) lists vacancies. It
// publishes no API: this is the address its own web site and public clients call;
// official access is to be arranged, so the URL is configurable.
const MehnatURL = "https://ishapi.mehnat.uz/api/v1/vacancies"

// MehnatSource is the name stored with the vacancies from ish.mehnat.uz.
const MehnatSource = "ish.mehnat.uz"

// Mehnat reads vacancies from ish.mehnat.uz, page by page.
type Mehnat struct {
	URL     string       // MehnatURL, or a test's fake; its own query (isVisible=true …) is kept
	PerPage int          // vacancies a page (100 when 0)
	Client  *http.Client // with a timeout: a page that hangs must fail, to be tried again
}

// Source names the vacancies' source.
func (m *Mehnat) Source() string { return MehnatSource }

// Page fetches page n (from 1).
func (m *Mehnat) Page(ctx context.Context, n int) (VacancyPage, error) {
	u, err := url.Parse(m.URL)
	if err != nil {
		return VacancyPage{}, fmt.Errorf("mehnat: url: %w", err)
	}
	q := u.Query()
	q.Set("per_page", strconv.Itoa(cmp(m.PerPage, 100)))
	q.Set("page", strconv.Itoa(n))
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return VacancyPage{}, fmt.Errorf("mehnat: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	client := m.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return VacancyPage{}, fmt.Errorf("mehnat: page %d: %w", n, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return VacancyPage{}, fmt.Errorf("mehnat: page %d: read: %w", n, err)
	}
	if resp.StatusCode != http.StatusOK {
		return VacancyPage{}, fmt.Errorf("mehnat: page %d: HTTP %d: %.200s", n, resp.StatusCode, body)
	}
	var env mehnatPage
	if err := json.Unmarshal(body, &env); err != nil {
		return VacancyPage{}, fmt.Errorf("mehnat: page %d: %w", n, err)
	}
	if !env.Success || env.Data == nil {
		return VacancyPage{}, fmt.Errorf("mehnat: page %d: the answer is not a page of vacancies: %.200s", n, body)
	}
	d := env.Data
	page := VacancyPage{Total: d.Total}
	switch {
	case d.LastPage > 0:
		// A paginator that counts its pages: an empty page before the last is a
		// broken answer, not the end of the base.
		page.Last = d.CurrentPage >= d.LastPage
		if !page.Last && len(d.Data) == 0 {
			return VacancyPage{}, fmt.Errorf("mehnat: page %d of %d is empty", n, d.LastPage)
		}
	case d.NextPageURL != "":
		if len(d.Data) == 0 {
			return VacancyPage{}, fmt.Errorf("mehnat: page %d is empty but names a next page", n)
		}
	default:
		page.Last = true // a simple paginator: no next page
	}
	for i, raw := range d.Data {
		// One record at a time: a record of an unexpected shape is reported, and the
		// others are read.
		var rec mehnatVacancy
		if err := json.Unmarshal(raw, &rec); err != nil {
			var id struct {
				ID flexString `json:"id"`
			}
			_ = json.Unmarshal(raw, &id)
			page.Invalid = append(page.Invalid, RowError{Kind: Vacancies, Row: i + 1, ID: clean(string(id.ID)), Reason: fmt.Sprintf("not a vacancy: %v", err)})
			continue
		}
		v, err := rec.vacancy()
		if err != nil {
			page.Invalid = append(page.Invalid, RowError{Kind: Vacancies, Row: i + 1, ID: clean(string(rec.ID)), Reason: err.Error()})
			continue
		}
		page.Vacancies = append(page.Vacancies, v)
	}
	return page, nil
}

func cmp(n, otherwise int) int {
	if n > 0 {
		return n
	}
	return otherwise
}

// mehnatPage is a page as ishapi.mehnat.uz answers: a Laravel paginator inside a
// success envelope. ASSUMPTION (no published API): the shape and the names below are
// those that public clients of the endpoint read (ish.mehnat.uz's own site, bots and
// scrapers on GitHub, 2023–2025): {"success": true, "data": {"current_page": 1,
// "last_page": 9, "next_page_url": "…", "total": 812, "data": [vacancy…]}}.
type mehnatPage struct {
	Success bool `json:"success"`
	Data    *struct {
		CurrentPage int               `json:"current_page"`
		LastPage    int               `json:"last_page"`
		NextPageURL string            `json:"next_page_url"`
		Total       int               `json:"total"`
		Data        []json.RawMessage `json:"data"`
	} `json:"data"`
}

// mehnatVacancy is one vacancy of the national base: the only place that knows its
// field names. ASSUMPTION, from the same public clients:
//
//	id                       the base's id: our source id
//	position_name(_ru)       the post, in Uzbek (Russian when Uzbek is missing): Title
//	company_name             Employer
//	position_salary          one monthly salary in so'm, a string or a number ("3500000.00"): SalaryMin
//	vacancy_soato_code,      the SOATO code of the workplace, else of the employer; 7 or
//	company_soato_code       more digits name a district, 4 a region
//	vacancy_address          Address, else the employer's profile's actual_address or address
//	company.profile_data     a JSON object in a string: phone_vacancies is the contact
//	company.phones           a JSON array in a string: the first is the contact otherwise
//	created_at, date_start   when it was posted ("2025-03-01 10:20:30" or RFC 3339)
//	date_end                 not seen in public clients: read as the expiry when present
//
// The base's occupations (the nskz classifier) are not mapped to our fields yet, and
// it publishes no schedule or location: those stay empty.
type mehnatVacancy struct {
	ID             flexString      `json:"id"`
	PositionName   string          `json:"position_name"`
	PositionNameRu string          `json:"position_name_ru"`
	CompanyName    string          `json:"company_name"`
	Salary         flexString      `json:"position_salary"`
	VacancySoato   flexString      `json:"vacancy_soato_code"`
	CompanySoato   flexString      `json:"company_soato_code"`
	Address        string          `json:"vacancy_address"`
	CreatedAt      string          `json:"created_at"`
	DateStart      string          `json:"date_start"`
	DateEnd        string          `json:"date_end"`
	Company        json.RawMessage `json:"company"`
}

func (r mehnatVacancy) vacancy() (azizayol.Vacancy, error) {
	v := azizayol.Vacancy{Source: MehnatSource, SourceID: clean(string(r.ID)), Status: azizayol.VacancyOpen,
		Title: clean(r.PositionName), Employer: clean(r.CompanyName), Address: clean(r.Address)}
	if v.Title == "" {
		v.Title = clean(r.PositionNameRu)
	}
	switch {
	case v.SourceID == "":
		return v, fmt.Errorf("no id")
	case v.Title == "":
		return v, fmt.Errorf("no position_name")
	case v.Employer == "":
		return v, fmt.Errorf("no company_name")
	}
	if s := strings.TrimSpace(string(r.Salary)); s != "" {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || !(f >= 0 && f <= maxSalary) { // NaN fails too
			return v, fmt.Errorf("position_salary %q is not an amount", s)
		}
		v.SalaryMin = int64(f)
	}
	soato := digits(string(r.VacancySoato))
	if len(soato) < 4 {
		soato = digits(string(r.CompanySoato))
	}
	if len(soato) < 4 {
		return v, fmt.Errorf("no SOATO code of a region")
	}
	v.RegionCode = soato[:4]
	if len(soato) >= 7 {
		v.DistrictCode = soato[:7]
	}
	var posted time.Time
	for _, s := range []string{r.CreatedAt, r.DateStart} {
		if t, ok := mehnatTime(s); ok {
			posted = t
			break
		}
	}
	if posted.IsZero() {
		return v, fmt.Errorf("no date posted (created_at %q, date_start %q)", r.CreatedAt, r.DateStart)
	}
	v.Posted = posted
	if t, ok := mehnatTime(r.DateEnd); ok && t.After(posted) {
		v.Expires = t
	}
	var company struct {
		ProfileData json.RawMessage `json:"profile_data"`
		Phones      json.RawMessage `json:"phones"`
	}
	var profile struct {
		Phone         string `json:"phone_vacancies"`
		ActualAddress string `json:"actual_address"`
		Address       string `json:"address"`
	}
	var phones []flexString
	if len(r.Company) > 0 && json.Unmarshal(r.Company, &company) == nil {
		// Both come as JSON inside a string; take them as plain JSON too.
		_ = json.Unmarshal(unquote(company.ProfileData), &profile)
		_ = json.Unmarshal(unquote(company.Phones), &phones)
	}
	if v.Address == "" {
		v.Address = clean(cmpString(profile.ActualAddress, profile.Address))
	}
	contact := clean(profile.Phone)
	if contact == "" && len(phones) > 0 {
		contact = clean(string(phones[0]))
	}
	if p, ok := azizayol.NormalizePhone(contact); ok {
		v.Contact = p
	} else if d := digits(contact); len(d) >= 9 {
		v.Contact = "+" + d
	}
	return v, nil
}

// maxSalary is more than any monthly salary in so'm: a larger one is a broken record.
const maxSalary = 1e12

// clean makes a value of the base fit to store and show: valid UTF-8, no control
// characters (a NUL cannot be stored at all), no spaces around.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			if r == '\n' || r == '\t' {
				return ' '
			}
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

func cmpString(s, otherwise string) string {
	if s != "" {
		return s
	}
	return otherwise
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mehnatTime reads the base's times, which are Tashkent time when they carry no zone.
func mehnatTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	for _, layout := range []string{time.DateTime, "2006-01-02T15:04:05", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, s, azizayol.Tashkent); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// unquote turns a JSON string holding JSON into that JSON; other JSON stays as is.
func unquote(raw json.RawMessage) []byte {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []byte(s)
	}
	return raw
}

// flexString reads a JSON string, number or null as text: the base writes ids,
// salaries and codes either way.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("not a string or a number: %s", b)
	}
	*f = flexString(n.String())
	return nil
}
