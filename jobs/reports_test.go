package jobs_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/internal/testenv"
	"github.com/azizayol/azizayol/jobs"
)

// The daily round of the periodic reports over six weeks of a fake clock: the
// Interior ministry is reminded of protection orders five days before each month is
// due (the 10th of the next month), told the day after that it is late, each once;
// a month submitted is not reminded of, and no other agency hears of it.
func TestReportRemindersOverAFakeClock(t *testing.T) {
	db, raw := testenv.DBWithPool(t)
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := raw.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`UPDATE report_indicators SET active = (code = 'protection_orders'), starts = '2026-10-01'`)
	var interior, orders int64
	if err := raw.QueryRow(ctx, `SELECT agency_id, id FROM report_indicators WHERE code = 'protection_orders'`).Scan(&interior, &orders); err != nil {
		t.Fatal(err)
	}
	staff := func(role azizayol.Role) azizayol.Staff {
		s := azizayol.Staff{Email: fmt.Sprintf("%s@iiv.example.uz", role), Name: string(role), Role: role, AgencyID: interior, Lang: azizayol.UzLatn}
		var err error
		if s.ID, err = db.CreateStaff(ctx, s, "-"); err != nil {
			t.Fatal(err)
		}
		return s
	}
	op := staff(azizayol.Operator)

	clock := &fakeClock{}
	job := &jobs.Reports{DB: db, Now: clock.Now}
	type reminder struct{ period, kind, on string }
	var got []reminder
	for day := time.Date(2026, 11, 1, 8, 0, 0, 0, azizayol.Tashkent); day.Before(time.Date(2026, 12, 13, 0, 0, 0, 0, azizayol.Tashkent)); day = day.AddDate(0, 0, 1) {
		clock.now = day
		if day.Day() == 3 && day.Month() == time.December { // November is submitted early
			if _, err := db.SubmitReport(ctx, azizayol.Submission{IndicatorID: orders, Period: "2026-11", Source: "form",
				Values: []azizayol.ReportValue{{Region: "1703", Part: "total", Value: 4}}}, 0, op); err != nil {
				t.Fatal(err)
			}
		}
		if err := job.Run(ctx); err != nil {
			t.Fatal(err)
		}
		if day.Day() == 20 { // run twice: nothing doubles
			if err := job.Run(ctx); err != nil {
				t.Fatal(err)
			}
		}
		rows, err := raw.Query(ctx, `SELECT period, kind FROM report_reminders WHERE indicator_id = $1 AND created_at = $2 ORDER BY period, kind`, orders, day)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var r reminder
			if err := rows.Scan(&r.period, &r.kind); err != nil {
				t.Fatal(err)
			}
			r.on = day.Format("01-02")
			got = append(got, r)
		}
		rows.Close()
	}
	want := []reminder{
		{"2026-09", "late", "11-01"},     // September opened on 1 October (the first day owed) and is late
		{"2026-10", "due_soon", "11-05"}, // five days before 10 November
		{"2026-10", "late", "11-11"},     // the day after
		// November: submitted on 3 December, before its reminder was due.
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("reminders:\n got %v\nwant %v", got, want)
	}
	var others int
	if err := raw.QueryRow(ctx, `SELECT count(*) FROM report_reminders WHERE indicator_id <> $1`, orders).Scan(&others); err != nil {
		t.Fatal(err)
	}
	if others != 0 {
		t.Errorf("%d reminders of other indicators", others)
	}
	// Her agency's, shown to its operator who submits.
	shown, err := db.ReportRemindersOf(ctx, interior)
	if err != nil || len(shown) != 2 {
		t.Errorf("the interior's reminders: %+v %v", shown, err)
	}
}

// When each kind of period opens, is due and is late, and which reminder the round
// raises on a given day: the rules of Appendix 2's periodicities.
func TestReportDueDates(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, azizayol.Tashkent) }
	for _, tc := range []struct {
		periodicity  azizayol.Periodicity
		period       string
		opens, due   time.Time
		remind, late time.Time // the first day of each reminder
	}{
		{azizayol.PerMonth, "2026-02", day(2026, 3, 1), day(2026, 3, 10), day(2026, 3, 5), day(2026, 3, 11)},
		{azizayol.PerMonth, "2026-12", day(2027, 1, 1), day(2027, 1, 10), day(2027, 1, 5), day(2027, 1, 11)},
		{azizayol.PerQuarter, "2026-Q3", day(2026, 10, 1), day(2026, 10, 10), day(2026, 10, 5), day(2026, 10, 11)},
		{azizayol.PerHalfYear, "2026-H1", day(2026, 7, 1), day(2026, 7, 10), day(2026, 7, 5), day(2026, 7, 11)},
		// "In June every year": open from 1 June, due by its last day.
		{azizayol.PerYear, "2026", day(2026, 6, 1), day(2026, 6, 30), day(2026, 6, 25), day(2026, 7, 1)},
	} {
		ind := azizayol.Indicator{ID: 1, Periodicity: tc.periodicity, DueDay: 10, ReportMonth: 6, Active: true, Starts: day(2026, 1, 1)}
		p, ok := azizayol.ParseReportPeriod(tc.periodicity, tc.period)
		if !ok {
			t.Fatalf("%s: not a period", tc.period)
		}
		if got := ind.Opens(p); !got.Equal(tc.opens) {
			t.Errorf("%s opens %v, want %v", tc.period, got, tc.opens)
		}
		if got := ind.Due(p); !got.Equal(tc.due) {
			t.Errorf("%s is due %v, want %v", tc.period, got, tc.due)
		}
		kind := func(now time.Time) string {
			for _, d := range azizayol.ReportReminders([]azizayol.Indicator{ind}, now) {
				if d.Period == tc.period {
					return d.Kind
				}
			}
			return ""
		}
		for _, at := range []struct {
			now  time.Time
			want string
		}{
			{tc.remind.Add(-time.Minute), ""},
			{tc.remind, azizayol.ReportDueSoon},
			{tc.due.Add(24*time.Hour - time.Minute), azizayol.ReportDueSoon}, // the due day itself
			{tc.late, azizayol.ReportLate},
		} {
			if got := kind(at.now); got != at.want {
				t.Errorf("%s at %v: %q, want %q", tc.period, at.now, got, at.want)
			}
		}
		if !ind.Owes(p, tc.opens) || ind.Owes(p, tc.opens.Add(-time.Minute)) {
			t.Errorf("%s is not owed from the moment it opens", tc.period)
		}
	}
	// Not a key of its periodicity.
	for _, bad := range []string{"2026-13", "2026-3", "2026-Q5", " 2026-Q1", "2026-H3", "26", "2026-01x", "+2026-01"} {
		if _, ok := azizayol.ParseReportPeriod(azizayol.PerMonth, bad); ok {
			t.Errorf("%q read as a month", bad)
		}
		if _, ok := azizayol.ParseReportPeriod(azizayol.PerQuarter, bad); ok {
			t.Errorf("%q read as a quarter", bad)
		}
	}
}
