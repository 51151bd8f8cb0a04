package listings_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/azizayol/azizayol/listings"
)

// fakeMehnat serves vacancies in the shape ishapi.mehnat.uz answers, with faults.
type fakeMehnat struct {
	mu       sync.Mutex
	records  []map[string]any
	perPage  int
	broken   map[int]int // page → how many more times it answers garbage
	slow     map[int]int // page → how many more times it hangs past the client's timeout
	empty    int         // a page that answers with no records, though it is not the last
	lastPage int         // a last page it says, when not 0 (a base that answers short)
	requests []string
}

func (f *fakeMehnat) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	f.requests = append(f.requests, r.URL.RawQuery)
	broken, slow := f.broken[page] > 0, f.slow[page] > 0
	if broken {
		f.broken[page]--
	}
	if slow {
		f.slow[page]--
	}
	records, empty, lastPage := f.records, f.empty, f.lastPage
	f.mu.Unlock()
	switch {
	case slow:
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
		return
	case broken:
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, `{"success":true,"data":{"current_page":`) // cut off
		return
	}
	last := (len(records) + per - 1) / per
	from, to := min((page-1)*per, len(records)), min(page*per, len(records))
	if lastPage > 0 {
		last = lastPage
	}
	if page == empty {
		to = from
	}
	next := ""
	if page < last {
		next = "https://ishapi.mehnat.uz/api/v1/vacancies?page=" + strconv.Itoa(page+1)
	}
	json.NewEncoder(w).Encode(map[string]any{"success": true, "data": map[string]any{
		"current_page": page, "last_page": last, "next_page_url": next, "total": len(records), "data": records[from:to],
	}})
}

// mehnatRecord is a vacancy as the base writes it: numbers as strings or numbers, the
// employer's profile as JSON inside a string.
func mehnatRecord(id int, title string, salary any, soato any) map[string]any {
	return map[string]any{
		"id": id, "position_name": title, "position_name_ru": nil, "company_name": "MChJ " + strconv.Itoa(id),
		"company_tin": "301234567", "position_salary": salary, "position_rate": "1.00", "structure_name": "Sex",
		"vacancy_soato_code": soato, "company_soato_code": 1703, "date_start": "2026-11-01",
		"created_at": "2026-11-0" + strconv.Itoa(1+id%9) + " 09:30:00",
		"company": map[string]any{
			"profile_data": `{"phone_vacancies":"+998 (90) 555-12-` + fmt.Sprintf("%02d", id%100) + `","actual_address":"Andijon, Bobur ko'chasi"}`,
			"phones":       `["998712000000"]`,
		},
	}
}

func TestMehnatSync(t *testing.T) {
	t.Parallel()
	db, raw := open(t)
	fake := &fakeMehnat{broken: map[int]int{}, slow: map[int]int{}}
	for i := 1; i <= 25; i++ {
		fake.records = append(fake.records, mehnatRecord(i, "Tikuvchi "+strconv.Itoa(i), "3500000.00", "1703202"))
	}
	fake.records[3]["vacancy_soato_code"] = nil                                          // the employer's region is used
	fake.records[4]["position_salary"] = 4100000                                         // a number
	fake.records[5]["vacancy_soato_code"] = "1703999000"                                 // a district we do not list: the region stays
	fake.records[6]["position_name"] = ""                                                // unreadable: reported, not stored
	fake.records[7]["company"] = map[string]any{"phones": []string{"+998 93 000 00 07"}} // plain JSON, not in a string
	fake.records[12] = fake.records[2]                                                   // a duplicate (pages shifted while read)
	srv := httptest.NewServer(fake)
	defer srv.Close()

	src := &listings.Mehnat{URL: srv.URL + "/api/v1/vacancies?isVisible=true", PerPage: 10, Client: &http.Client{Timeout: 200 * time.Millisecond}}
	opts := listings.SyncOptions{Attempts: 3, Backoff: 10 * time.Millisecond}
	fake.broken[2] = 1 // page 2 answers garbage once
	fake.slow[3] = 1   // page 3 hangs once
	rep, err := listings.Sync(t.Context(), db, src, opts)
	if err != nil {
		t.Fatalf("Sync: %v", err)
	}
	if rep.Pages != 3 || rep.Inserted != 23 || rep.Duplicates != 1 || len(rep.Invalid) != 1 || rep.Closed != 0 {
		t.Errorf("first sync: %+v; want 3 pages, 23 inserted, 1 duplicate, 1 invalid, 0 closed", rep)
	}
	if len(fake.requests) != 5 || fake.requests[0] != "isVisible=true&page=1&per_page=10" {
		t.Errorf("requests %q; want 5 (pages 2 and 3 twice), keeping the URL's query", fake.requests)
	}
	check := func(id, want string) {
		t.Helper()
		var got string
		err := raw.QueryRow(t.Context(), `SELECT concat_ws('|', title, employer, salary_min, region_code, coalesce(district_code, '-'),
			contact, address, to_char(posted_at AT TIME ZONE 'Asia/Tashkent', 'YYYY-MM-DD HH24:MI'), status)
			FROM vacancies WHERE source = 'ish.mehnat.uz' AND source_id = $1`, id).Scan(&got)
		if err != nil {
			t.Fatalf("vacancy %s: %v", id, err)
		}
		if got != want {
			t.Errorf("vacancy %s:\n got %s\nwant %s", id, got, want)
		}
	}
	check("1", "Tikuvchi 1|MChJ 1|3500000|1703|1703202|+998905551201|Andijon, Bobur ko'chasi|2026-11-02 09:30|open")
	check("4", "Tikuvchi 4|MChJ 4|3500000|1703|-|+998905551204|Andijon, Bobur ko'chasi|2026-11-05 09:30|open")
	check("5", "Tikuvchi 5|MChJ 5|4100000|1703|1703202|+998905551205|Andijon, Bobur ko'chasi|2026-11-06 09:30|open")
	check("6", "Tikuvchi 6|MChJ 6|3500000|1703|-|+998905551206|Andijon, Bobur ko'chasi|2026-11-07 09:30|open")
	check("8", "Tikuvchi 8|MChJ 8|3500000|1703|1703202|+998930000007||2026-11-09 09:30|open")

	// The same pull again changes nothing.
	rep, err = listings.Sync(t.Context(), db, src, opts)
	if err != nil || rep.Inserted != 0 || rep.Updated != 0 || rep.Unchanged != 23 || rep.Closed != 0 {
		t.Errorf("second sync: %+v, %v; want all 23 unchanged", rep, err)
	}

	// A record changed and two are gone: one update, two closed. The unreadable one
	// is still listed by the base, so it is not closed either.
	fake.mu.Lock()
	fake.records[0]["position_salary"] = "3900000"
	fake.records = append(fake.records[:20], fake.records[22:]...) // ids 21, 22 gone
	fake.mu.Unlock()
	rep, err = listings.Sync(t.Context(), db, src, opts)
	if err != nil || rep.Updated != 1 || rep.Closed != 2 {
		t.Errorf("third sync: %+v, %v; want 1 updated, 2 closed", rep, err)
	}
	if n := count(t, raw, `SELECT count(*) FROM vacancies WHERE status = 'closed' AND source_id IN ('21', '22') AND closed_at IS NOT NULL`); n != 2 {
		t.Errorf("%d of the gone vacancies closed, want 2", n)
	}
	check("1", "Tikuvchi 1|MChJ 1|3900000|1703|1703202|+998905551201|Andijon, Bobur ko'chasi|2026-11-02 09:30|open")

	// A page that stays broken ends the pull: what was read is kept, nothing is closed.
	fake.mu.Lock()
	fake.records = fake.records[:5]
	fake.records[0]["position_salary"] = "4000000"
	fake.slow[1] = 3
	fake.mu.Unlock()
	rep, err = listings.Sync(t.Context(), db, src, opts)
	if err == nil {
		t.Fatalf("sync with a page that always times out: %+v, no error", rep)
	}
	t.Logf("the error: %v", err)
	if n := count(t, raw, `SELECT count(*) FROM vacancies WHERE status = 'open'`); n != 21 {
		t.Errorf("%d open vacancies after a failed pull, want the 21 still open", n)
	}
	// A vacancy back in the base opens again.
	fake.mu.Lock()
	fake.records = append(fake.records, mehnatRecord(21, "Tikuvchi 21", "3500000.00", "1703202"))
	fake.mu.Unlock()
	// Most of the base gone in a night: kept open until someone says it is true.
	rep, err = listings.Sync(t.Context(), db, src, opts)
	if !errors.Is(err, listings.ErrTooManyGone) || rep.Closed != 0 {
		t.Errorf("sync closing 16 of 22: %+v, %v; want ErrTooManyGone", rep, err)
	}
	if n := count(t, raw, `SELECT count(*) FROM vacancies WHERE status = 'open'`); n != 22 {
		t.Errorf("%d open vacancies after a refused pull, want 22", n)
	}
	all := opts
	all.MaxGone = 1
	rep, err = listings.Sync(t.Context(), db, src, all)
	if err != nil || rep.Closed != 16 || rep.Updated != 0 {
		t.Errorf("sync after the outage: %+v, %v; want 16 closed (22 open - 1..5, 21)", rep, err)
	}
	check("21", "Tikuvchi 21|MChJ 21|3500000|1703|1703202|+998905551221|Andijon, Bobur ko'chasi|2026-11-04 09:30|open")

	// An empty base closes nothing.
	fake.mu.Lock()
	fake.records = nil
	fake.mu.Unlock()
	if _, err := listings.Sync(t.Context(), db, src, opts); err != listings.ErrEmptySource {
		t.Errorf("sync of an empty base: %v, want ErrEmptySource", err)
	}
}

// TestMehnatShortAnswers: a base that answers short (an empty page before the last, a
// last page too soon) or with records of a strange shape closes nothing it still lists.
func TestMehnatShortAnswers(t *testing.T) {
	t.Parallel()
	db, raw := open(t)
	fake := &fakeMehnat{broken: map[int]int{}, slow: map[int]int{}}
	for i := 1; i <= 30; i++ {
		fake.records = append(fake.records, mehnatRecord(i, "Oshpaz "+strconv.Itoa(i), "3000000", "1703202"))
	}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	src := &listings.Mehnat{URL: srv.URL, PerPage: 10, Client: &http.Client{Timeout: time.Second}}
	opts := listings.SyncOptions{Attempts: 2, Backoff: time.Millisecond}
	if _, err := listings.Sync(t.Context(), db, src, opts); err != nil {
		t.Fatalf("first sync: %v", err)
	}
	open := func() int {
		return count(t, raw, `SELECT count(*) FROM vacancies WHERE status = 'open'`)
	}

	fake.mu.Lock()
	fake.empty = 2
	fake.mu.Unlock()
	if rep, err := listings.Sync(t.Context(), db, src, opts); err == nil || open() != 30 {
		t.Errorf("an empty page 2 of 3: %+v, %v, %d open; want an error and 30 open", rep, err, open())
	}

	fake.mu.Lock()
	fake.empty, fake.lastPage = 0, 1
	fake.mu.Unlock()
	if rep, err := listings.Sync(t.Context(), db, src, opts); err == nil || open() != 30 {
		t.Errorf("a last page too soon: %+v, %v, %d open; want an error and 30 open", rep, err, open())
	} else {
		t.Logf("the error: %v", err)
	}

	// Records of a strange shape are reported one by one; the rest are read.
	fake.mu.Lock()
	fake.lastPage = 0
	fake.records[0]["position_salary"] = 1e20                    // not a salary
	fake.records[1]["position_salary"] = "NaN"                   // nor this
	fake.records[2]["position_name"] = 42                        // not a string
	fake.records[3]["position_name"] = "Tikuvchi\x00 \xff(ayol)" // a NUL and a broken byte
	fake.records[4]["company"] = "[1, 2"                         // garbage inside
	fake.mu.Unlock()
	rep, err := listings.Sync(t.Context(), db, src, opts)
	if err != nil || len(rep.Invalid) != 3 || rep.Updated != 2 || rep.Closed != 0 {
		t.Errorf("sync with strange records: %+v, %v; want 3 invalid, 2 updated, none closed", rep, err)
	}
	for _, e := range rep.Invalid {
		t.Logf("reported: %v (id %s)", e, e.ID)
	}
	var title string
	if err := raw.QueryRow(t.Context(), `SELECT title FROM vacancies WHERE source_id = '4'`).Scan(&title); err != nil || title != "Tikuvchi (ayol)" {
		t.Errorf("title of a record with a NUL: %q, %v", title, err)
	}
}
