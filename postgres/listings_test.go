package postgres_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/postgres"
)

// titles are job titles by field, in the three ways they are written.
var titles = map[string][]string{
	"sewing":      {"Tikuvchi", "Тикувчи", "Швея", "Bichuvchi", "Tikuvchi-bichuvchi"},
	"education":   {"Oʻqituvchi", "Ўқитувчи", "Учитель", "Tarbiyachi", "Воспитатель"},
	"health":      {"Hamshira", "Ҳамшира", "Медсестра", "Shifokor", "Фармацевт"},
	"it":          {"Dasturchi", "Программист", "Operator", "Kompyuter operatori"},
	"trade":       {"Sotuvchi", "Сотувчи", "Продавец", "Kassir", "Кассир"},
	"services":    {"Oshpaz", "Повар", "Farrosh", "Sartarosh", "Администратор"},
	"agriculture": {"Agronom", "Агроном", "Issiqxona ishchisi", "Chorvador"},
	"misc":        {"Buxgalter", "Бухгалтер", "Haydovchi", "Qorovul", "Omborchi"},
}

// loadListings fills a fresh database with vacancies and courses spread over every
// district, as COPY does it: the tables' indexes are dropped first and made again
// after (from their own definitions in the migration), as a bulk load is done.
func loadListings(tb testing.TB, raw *pgxpool.Pool, vacancies, courses int, now time.Time) {
	tb.Helper()
	ctx := context.Background()
	conn, err := raw.Acquire(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Release()
	must := func(sql string, args ...any) {
		if _, err := conn.Exec(ctx, sql, args...); err != nil {
			tb.Fatalf("%s: %v", sql, err)
		}
	}
	rows, err := conn.Query(ctx, `SELECT code, region_code FROM districts ORDER BY code`)
	if err != nil {
		tb.Fatal(err)
	}
	type place struct{ District, Region string }
	places, err := pgx.CollectRows(rows, pgx.RowToStructByPos[place])
	if err != nil {
		tb.Fatal(err)
	}
	rows, err = conn.Query(ctx, `SELECT indexdef FROM pg_indexes WHERE tablename IN ('vacancies', 'courses')
		AND indexname NOT LIKE '%pkey' AND indexname NOT LIKE '%key'`)
	if err != nil {
		tb.Fatal(err)
	}
	indexes, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		tb.Fatal(err)
	}
	for _, def := range indexes {
		name := strings.Fields(def)[2] // CREATE INDEX name ON …
		must(`DROP INDEX ` + name)
	}
	fields := []string{"sewing", "education", "health", "it", "trade", "services", "agriculture", "misc"}
	rnd := rand.New(rand.NewPCG(1, 2))
	start := time.Now()
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"vacancies"},
		[]string{"source", "source_id", "title", "employer", "salary_min", "salary_max", "schedule", "address",
			"contact", "field", "region_code", "district_code", "posted_at", "expires_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if vacancies == 0 {
				return nil, nil
			}
			vacancies--
			p := places[rnd.IntN(len(places))]
			f := fields[rnd.IntN(len(fields))]
			title := titles[f][rnd.IntN(len(titles[f]))]
			var expires any
			if rnd.IntN(4) == 0 {
				expires = now.Add(time.Duration(rnd.IntN(60*24)-24*10) * time.Hour) // some expired already
			}
			salary := int64(1_500_000 + rnd.IntN(80)*100_000)
			return []any{"ish.mehnat.uz", fmt.Sprint(vacancies), title, fmt.Sprintf("%s MChJ %d", p.District, rnd.IntN(5000)),
				salary, salary + 1_000_000, "5/2", "Markaziy ko'cha " + fmt.Sprint(rnd.IntN(200)), "+99890" + fmt.Sprintf("%07d", rnd.IntN(1e7)),
				f, p.Region, p.District, now.Add(-time.Duration(rnd.IntN(90*24*60)) * time.Minute), expires}, nil
		}))
	if err != nil {
		tb.Fatal(err)
	}
	m, err := conn.CopyFrom(ctx, pgx.Identifier{"courses"},
		[]string{"source", "source_id", "name", "field", "region_code", "district_code", "starts_on", "ends_on", "hours", "cost", "online"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if courses == 0 {
				return nil, nil
			}
			courses--
			p := places[rnd.IntN(len(places))]
			f := fields[rnd.IntN(len(fields))]
			starts := now.AddDate(0, 0, rnd.IntN(180)-90)
			online := rnd.IntN(50) == 0
			region, district := any(p.Region), any(p.District)
			if online {
				region, district = nil, nil
			}
			return []any{"monthly", fmt.Sprint(courses), titles[f][rnd.IntN(len(titles[f]))] + " kursi", f, region, district,
				starts, starts.AddDate(0, rnd.IntN(4)+1, 0), 72 * (1 + rnd.IntN(3)), int64(rnd.IntN(3)) * 300_000, online}, nil
		}))
	if err != nil {
		tb.Fatal(err)
	}
	copied := time.Since(start)
	must(`SET maintenance_work_mem = '256MB'`)
	for _, def := range indexes {
		must(def)
	}
	must(`ANALYZE vacancies`)
	must(`ANALYZE courses`)
	tb.Logf("loaded %d vacancies and %d courses: COPY %s, indexes and ANALYZE %s", n, m, copied.Round(time.Millisecond), (time.Since(start) - copied).Round(time.Millisecond))
}

// search is a typical search a woman makes.
type search struct {
	name    string
	courses bool
	f       azizayol.ListingFilter
}

func typicalSearches(now time.Time) []search {
	return []search{
		{"vacancies: region", false, azizayol.ListingFilter{RegionCode: "1718", Limit: 5}},
		{"vacancies: district", false, azizayol.ListingFilter{RegionCode: "1703", DistrictCode: "1703202", Limit: 5}},
		{"vacancies: region + field", false, azizayol.ListingFilter{RegionCode: "1726", Field: "health", Limit: 5}},
		{"vacancies: keyword, country", false, azizayol.ListingFilter{Keyword: "tikuvchi", Limit: 5}},
		{"vacancies: Cyrillic keyword + region", false, azizayol.ListingFilter{RegionCode: "1730", Keyword: "ҳамшира", Limit: 5}},
		{"vacancies: rare keyword", false, azizayol.ListingFilter{Keyword: "chorvador", Limit: 5}},
		{"vacancies: page 5 of a district", false, azizayol.ListingFilter{DistrictCode: "1726294", Offset: 20, Limit: 5}},
		{"courses: region", true, azizayol.ListingFilter{RegionCode: "1718", Limit: 5}},
		{"courses: district + keyword", true, azizayol.ListingFilter{RegionCode: "1703", DistrictCode: "1703202", Keyword: "швея", Limit: 5}},
	}
}

func run(ctx context.Context, db *postgres.DB, s search, now time.Time) (int, error) {
	s.f.Now = now
	if s.courses {
		list, err := db.SearchCourses(ctx, s.f)
		return len(list), err
	}
	list, err := db.SearchVacancies(ctx, s.f)
	return len(list), err
}

func percentile(d []time.Duration, p float64) time.Duration {
	slices.Sort(d)
	return d[min(len(d)-1, int(float64(len(d))*p))]
}

const keywordSearchPlan = `EXPLAIN (ANALYZE, BUFFERS)
SELECT id, title, employer FROM vacancies
WHERE status = 'open' AND (expires_at IS NULL OR expires_at > $1)
  AND search LIKE '%' || listing_search_key($2) || '%'
ORDER BY posted_at DESC, id DESC LIMIT 5`

// At the size of the country (200,000 open vacancies, 20,000 courses) every typical
// search answers from an index, in milliseconds.
func TestSearchListingsAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 220,000 listings")
	}
	t.Parallel()
	db, raw := open(t)
	now := time.Now()
	loadListings(t, raw, 200_000, 20_000, now)

	rows, err := raw.Query(t.Context(), keywordSearchPlan, now, "tikuvchi")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("keyword search plan:\n%s", strings.Join(plan, "\n"))
	joined := strings.Join(plan, "\n")
	if strings.Contains(joined, "Seq Scan on vacancies") || !strings.Contains(joined, "vacancies_open_search") {
		t.Errorf("the keyword search does not use the trigram index")
	}

	for _, s := range typicalSearches(now) {
		var took []time.Duration
		found := 0
		for range 50 {
			begin := time.Now()
			n, err := run(t.Context(), db, s, now)
			if err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			took = append(took, time.Since(begin))
			found = n
		}
		if found == 0 {
			t.Errorf("%s: found nothing", s.name)
		}
		t.Logf("%-40s p50 %7s  p99 %7s", s.name, percentile(took, 0.50).Round(10*time.Microsecond), percentile(took, 0.99).Round(10*time.Microsecond))
	}
	// Expired and closed vacancies are never listed.
	list, err := db.SearchVacancies(t.Context(), azizayol.ListingFilter{RegionCode: "1718", Now: now, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range list {
		if !v.Expires.IsZero() && !v.Expires.After(now) {
			t.Fatalf("an expired vacancy is listed: %+v", v)
		}
	}
}

// BenchmarkSearch runs the typical searches over the full-size data set and reports
// their latency: go test ./postgres -run '^$' -bench BenchmarkSearch -benchtime 2000x
func BenchmarkSearch(b *testing.B) {
	db, raw := open(b)
	now := time.Now()
	loadListings(b, raw, 200_000, 20_000, now)
	searches := typicalSearches(now)
	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		begin := time.Now()
		if _, err := run(b.Context(), db, searches[i%len(searches)], now); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(begin))
	}
	b.ReportMetric(float64(percentile(took, 0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(took, 0.99).Microseconds())/1000, "p99-ms")
}
