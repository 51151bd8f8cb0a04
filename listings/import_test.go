package listings_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/internal/testenv"
	"github.com/azizayol/azizayol/listings"
	"github.com/azizayol/azizayol/postgres"
)

func TestMain(m *testing.M) { testenv.Main(m) }

var open = testenv.DBWithPool

func count(t *testing.T, raw *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := raw.QueryRow(t.Context(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func importFile(t *testing.T, db *postgres.DB, path string, opts listings.Options) (listings.Report, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return listings.Import(t.Context(), db, f, opts)
}

// A JSON file of centres, courses and vacancies goes in whole; the same file again
// changes no row (not even its updated_at); a changed row is updated, nothing else.
func TestImportJSONIsIdempotent(t *testing.T) {
	t.Parallel()
	db, raw := open(t)
	opts := listings.Options{Source: "mehnat-monthly", Format: listings.JSON}
	rep, err := importFile(t, db, "testdata/listings.json", opts)
	if err != nil {
		t.Fatalf("Import: %v (%+v)", err, rep.Errors)
	}
	want := map[listings.Kind]listings.Count{
		listings.Centres: {Inserted: 2}, listings.Courses: {Inserted: 3}, listings.Vacancies: {Inserted: 2},
	}
	for k, c := range want {
		if rep.Counts[k] != c {
			t.Errorf("first import, %s: %+v, want %+v", k, rep.Counts[k], c)
		}
	}
	var sewing string
	var centre int64
	if err := raw.QueryRow(t.Context(), `SELECT phone, centre_id FROM courses WHERE source_id = 'K-1'`).Scan(&sewing, &centre); err != nil {
		t.Fatal(err)
	}
	if sewing != "+998742234567" || centre == 0 {
		t.Errorf("course K-1: phone %q centre %d; want the phone normalised and the centre linked", sewing, centre)
	}
	stamp := func() string {
		var s string
		if err := raw.QueryRow(t.Context(), `SELECT string_agg(source_id || xmin::text || updated_at::text, ',' ORDER BY source_id)
			FROM (SELECT source_id, xmin, updated_at FROM training_centres UNION ALL SELECT source_id, xmin, updated_at FROM courses
			      UNION ALL SELECT source_id, xmin, updated_at FROM vacancies) r`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := stamp()

	rep, err = importFile(t, db, "testdata/listings.json", opts)
	if err != nil {
		t.Fatalf("second Import: %v", err)
	}
	for k := range want {
		if c := rep.Counts[k]; c.Inserted != 0 || c.Updated != 0 || c.Unchanged == 0 {
			t.Errorf("second import, %s: %+v, want all unchanged", k, c)
		}
	}
	if after := stamp(); after != before {
		t.Errorf("re-importing the same file rewrote rows:\n%s\n%s", before, after)
	}

	// One salary changed: one update.
	data, _ := os.ReadFile("testdata/listings.json")
	changed := strings.Replace(string(data), `"salary_min": 4000000`, `"salary_min": 4200000`, 1)
	rep, err = listings.Import(t.Context(), db, strings.NewReader(changed), opts)
	if err != nil {
		t.Fatal(err)
	}
	if c := rep.Counts[listings.Vacancies]; c.Updated != 1 || c.Unchanged != 1 {
		t.Errorf("after one change: %+v, want 1 updated, 1 unchanged", c)
	}
	if n := count(t, raw, `SELECT count(*) FROM vacancies WHERE salary_min = 4200000`); n != 1 {
		t.Errorf("%d vacancies with the new salary", n)
	}
	// Another source with the same ids is other rows.
	opts.Source = "other-agency"
	if _, err := importFile(t, db, "testdata/listings.json", opts); err != nil {
		t.Fatal(err)
	}
	if n := count(t, raw, `SELECT count(*) FROM vacancies`); n != 4 {
		t.Errorf("%d vacancies after a second source, want 4", n)
	}
}

// A CSV file with bad rows imports nothing and names every bad row by its line and
// reason; with SkipInvalid the good rows go in.
func TestImportCSVBadRows(t *testing.T) {
	t.Parallel()
	db, raw := open(t)
	opts := listings.Options{Source: "samarqand", Format: listings.CSV, Kind: listings.Vacancies}
	rep, err := importFile(t, db, "testdata/vacancies_bad.csv", opts)
	if !errors.Is(err, listings.ErrInvalidRows) {
		t.Fatalf("Import of a file with bad rows: %v, want ErrInvalidRows", err)
	}
	want := map[int]string{
		3:  "employer is missing",
		4:  `district "1703202" is not in region "1718"`,
		5:  "salary_max 4000000 is less than salary_min 5000000",
		6:  "expires 2026-11-01 is not after posted 2026-11-05",
		7:  `posted: "31.11.2026" is not a date`,
		8:  `id "V-10" is already on row 2`,
		10: "title is not UTF-8 text",
		11: "employer holds a control character",
	}
	if len(rep.Errors) != len(want) {
		t.Errorf("%d errors, want %d: %v", len(rep.Errors), len(want), rep.Errors)
	}
	for _, e := range rep.Errors {
		if !strings.Contains(e.Error(), want[e.Row]) || want[e.Row] == "" {
			t.Errorf("error %q; want on row %d: %q", e, e.Row, want[e.Row])
		}
	}
	if n := count(t, raw, `SELECT count(*) FROM vacancies`); n != 0 {
		t.Errorf("%d vacancies stored from a file with bad rows, want 0", n)
	}

	opts.SkipInvalid = true
	rep, err = importFile(t, db, "testdata/vacancies_bad.csv", opts)
	if err != nil {
		t.Fatal(err)
	}
	if c := rep.Counts[listings.Vacancies]; c.Inserted != 1 || c.Invalid != 8 {
		t.Errorf("with SkipInvalid: %+v (%v), want 1 inserted (V-16; both V-10 rows are doubtful), 8 invalid", c, rep.Errors)
	}
	if n := count(t, raw, `SELECT count(*) FROM vacancies WHERE source_id = 'V-16' AND district_code = '1718236'`); n != 1 {
		t.Errorf("V-16 not stored")
	}
}

// Whole-file mistakes and a course naming a centre nobody imported.
func TestImportFileErrors(t *testing.T) {
	t.Parallel()
	db, raw := open(t)
	cases := []struct {
		name, file string
		opts       listings.Options
		want       string
	}{
		{"unknown column", "id,title,employer,regoin,posted\n", listings.Options{Format: listings.CSV, Kind: listings.Vacancies}, `row 1: unknown column "regoin"`},
		{"missing column", "id,title,employer,region\n", listings.Options{Format: listings.CSV, Kind: listings.Vacancies}, `row 1: required column "posted" is missing`},
		{"short row", "id,name,region\nC-1,Markaz\n", listings.Options{Format: listings.CSV, Kind: listings.Centres}, `centres row 2: 2 cells, the header has 3`},
		{"not JSON", "[1,2]", listings.Options{Format: listings.JSON}, "not a JSON object"},
		{"unknown key", `{"centres":[{"id":"C","name":"M","region":"1703","phone_number":"1"}]}`, listings.Options{Format: listings.JSON}, `centres row 1: unknown key "phone_number"`},
		{"unknown centre", `{"courses":[{"id":"K","name":"Kurs","centre":"nowhere","region":"1703"}]}`, listings.Options{Format: listings.JSON}, `courses row 1: centre "nowhere" is neither in the file nor imported before`},
		{"not a place", "id,name,region,lat,lon\nC-1,Markaz,1703,NaN,72.3\n", listings.Options{Format: listings.CSV, Kind: listings.Centres}, `centres row 2: lat and lon: "NaN", "72.3" is not a place`},
		{"too long", `{"centres":[{"id":"C","name":"` + strings.Repeat("M", 301) + `","region":"1703"}]}`, listings.Options{Format: listings.JSON}, `name is longer than 300 characters`},
		{"online without region", `{"courses":[{"id":"K","name":"Kurs","online":"ha"},{"id":"L","name":"Kurs"}]}`, listings.Options{Format: listings.JSON}, `courses row 2: region is missing`},
	}
	for _, c := range cases {
		c.opts.Source = "test"
		rep, err := listings.Import(t.Context(), db, strings.NewReader(c.file), c.opts)
		if !errors.Is(err, listings.ErrInvalidRows) {
			t.Errorf("%s: %v, want ErrInvalidRows", c.name, err)
			continue
		}
		var all []string
		for _, e := range rep.Errors {
			all = append(all, e.Error())
		}
		if !strings.Contains(strings.Join(all, "; "), c.want) {
			t.Errorf("%s: errors %q, want %q", c.name, all, c.want)
		}
	}
	if n := count(t, raw, `SELECT (SELECT count(*) FROM courses) + (SELECT count(*) FROM training_centres)`); n != 0 {
		t.Errorf("%d rows stored from bad files", n)
	}
	// A centre imported before from the same source is found.
	if _, err := listings.Import(t.Context(), db, strings.NewReader(`{"centres":[{"id":"C-9","name":"M","region":"1703"}]}`),
		listings.Options{Source: "test", Format: listings.JSON}); err != nil {
		t.Fatal(err)
	}
	if _, err := listings.Import(t.Context(), db, strings.NewReader("id,name,centre,region,ends\nK-9,Kurs,C-9,1703,2027-01-01\n"),
		listings.Options{Source: "test", Format: listings.CSV, Kind: listings.Courses}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, raw, `SELECT count(*) FROM courses c JOIN training_centres t ON t.id = c.centre_id WHERE t.source_id = 'C-9'`); n != 1 {
		t.Errorf("course of an earlier centre not linked")
	}
}

// What was imported is found by the searches; ended courses and expired vacancies are not.
func TestImportedListingsAreSearched(t *testing.T) {
	t.Parallel()
	db, _ := open(t)
	if _, err := importFile(t, db, "testdata/listings.json", listings.Options{Source: "s", Format: listings.JSON}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 10, 12, 0, 0, 0, azizayol.Tashkent)
	courses, err := db.SearchCourses(t.Context(), azizayol.ListingFilter{RegionCode: "1703", Now: now, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(courses) != 2 || courses[0].SourceID != "K-1" || courses[0].Centre != "Ishga marhamat mono-markazi" || courses[1].SourceID != "K-3" || !courses[1].Online {
		t.Errorf("courses in Andijan: %+v; want K-1 with its centre, then the online K-3", courses)
	}
	// A course that names no district is found in its centre's.
	if _, err := listings.Import(t.Context(), db, strings.NewReader("id,name,centre,region,starts\nK-4,Pazandachilik,C-1,1703,2026-12-05\n"),
		listings.Options{Source: "s", Format: listings.CSV, Kind: listings.Courses}); err != nil {
		t.Fatal(err)
	}
	courses, err = db.SearchCourses(t.Context(), azizayol.ListingFilter{RegionCode: "1703", DistrictCode: "1703202", Now: now, Limit: 10})
	if err != nil || len(courses) != 3 || courses[1].SourceID != "K-4" {
		t.Errorf("courses in Andijan district: %+v, %v; want K-1, K-4 (its centre's district), K-3", courses, err)
	}
	courses, _ = db.SearchCourses(t.Context(), azizayol.ListingFilter{RegionCode: "1703", Now: time.Date(2027, 3, 1, 0, 0, 0, 0, azizayol.Tashkent), Limit: 10})
	if len(courses) != 2 || courses[0].SourceID != "K-4" || courses[1].SourceID != "K-3" {
		t.Errorf("after K-1 ended: %+v; want K-4 (no end) and the online course", courses)
	}
	vs, err := db.SearchVacancies(t.Context(), azizayol.ListingFilter{Keyword: "hamshira", Now: now, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || vs[0].SourceID != "V-2" {
		t.Errorf("hamshira (Latin) finds %+v; want the Cyrillic Ҳамшира", vs)
	}
	vs, _ = db.SearchVacancies(t.Context(), azizayol.ListingFilter{Field: "sewing", Now: time.Date(2027, 1, 2, 0, 0, 0, 0, azizayol.Tashkent), Limit: 10})
	if len(vs) != 0 {
		t.Errorf("an expired vacancy is listed: %+v", vs)
	}
}
