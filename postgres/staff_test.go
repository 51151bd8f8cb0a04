package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/jobs"
	"github.com/azizayol/azizayol/postgres"
)

// The deadline job over two weeks of a fake clock: who hears of which appeal, when,
// and only once.
func TestDeadlineAlerts(t *testing.T) {
	db, raw := open(t)
	khokimiyat, rehab, justice := agencyByCode(t, raw, "khokimiyat-1703"), agencyByCode(t, raw, "rehab"), agencyByCode(t, raw, "justice")
	var (
		admin1    = newStaff(t, db, azizayol.AgencyAdmin, khokimiyat)
		admin2    = newStaff(t, db, azizayol.AgencyAdmin, khokimiyat)
		gone      = newStaff(t, db, azizayol.AgencyAdmin, khokimiyat) // disabled: hears nothing
		assignee  = newStaff(t, db, azizayol.Operator, khokimiyat)
		colleague = newStaff(t, db, azizayol.Operator, khokimiyat) // not assigned: hears nothing
		rehabHead = newStaff(t, db, azizayol.AgencyAdmin, rehab)
		rehabOp   = newStaff(t, db, azizayol.Operator, rehab)
		lawyer    = newStaff(t, db, azizayol.AgencyAdmin, justice) // another agency: hears nothing
		root      = newStaff(t, db, azizayol.SuperAdmin, 0)        // no agency: hears nothing
	)
	exec(t, raw, `UPDATE staff SET disabled_at = now() WHERE id = $1`, gone)

	u := user(t, db, azizayol.Telegram, "801")
	filed := time.Date(2026, 11, 30, 10, 0, 0, 0, azizayol.Tashkent) // a Monday
	appeal := func(topic, region, district, text string, assignee int64) azizayol.Appeal {
		d := draft(u, topic, region, district)
		d.Text, d.Filed = text, filed
		a := file(t, db, d)
		if assignee != 0 {
			exec(t, raw, `UPDATE appeals SET assigned_to = $2 WHERE id = $1`, a.ID, assignee)
		}
		return a
	}
	var (
		housing    = appeal("housing", "1703", "1703202", "assigned", assignee)   // due 7 December 10:00
		unassigned = appeal("housing", "1703", "1703202", "unassigned", 0)        // due 7 December 10:00
		violence   = appeal("violence", "1726", "1726294", "urgent", rehabOp)     // urgent: due in 24 hours
		followedUp = appeal("violence", "1726", "1726294", "urgent, answered", 0) // answered in the first hour, then she wrote again
		answered   = appeal("housing", "1703", "1703202", "answered", assignee)
		closed     = appeal("housing", "1703", "1703202", "closed", assignee)
	)
	do(t, db, func(ctx context.Context, tx azizayol.Tx) error {
		_, err := tx.AddAppealMessage(ctx, azizayol.AppealMessage{AppealID: followedUp.ID, Author: azizayol.ByAgency, Text: "javob", Created: filed.Add(time.Hour)})
		return err
	})
	exec(t, raw, `UPDATE appeals SET status = 'in_progress' WHERE id = $1`, followedUp.ID)
	exec(t, raw, `UPDATE appeals SET status = 'answered' WHERE id = $1`, answered.ID)
	exec(t, raw, `UPDATE appeals SET status = 'closed' WHERE id = $1`, closed.ID)
	if !violence.Urgent || !violence.Deadline.Equal(filed.Add(24*time.Hour)) || violence.Agency.ID != rehab {
		t.Fatalf("the urgent appeal: %+v", violence)
	}
	due := time.Date(2026, 12, 7, 10, 0, 0, 0, azizayol.Tashkent)
	if !housing.Deadline.Equal(due) {
		t.Fatalf("the housing appeal is due %s, want %s", housing.Deadline, due)
	}

	type alert struct {
		staff, appeal int64
		kind          string
	}
	steps := []struct {
		at   time.Time
		want []alert // raised by this run
	}{
		{filed.Add(time.Hour + 59*time.Minute), nil},
		{filed.Add(2 * time.Hour), []alert{{rehabHead, violence.ID, "urgent_unanswered"}}},
		{filed.Add(3 * time.Hour), nil},
		{filed.Add(18*time.Hour - time.Minute), nil},
		{filed.Add(18 * time.Hour), []alert{{rehabOp, violence.ID, "due_soon"}}},
		{filed.Add(24 * time.Hour), []alert{{rehabHead, violence.ID, "overdue"}, {rehabHead, followedUp.ID, "overdue"}}},
		{due.Add(-24*time.Hour - time.Minute), nil},
		{due.Add(-24 * time.Hour), []alert{{assignee, housing.ID, "due_soon"}}},
		{due, []alert{{admin1, housing.ID, "overdue"}, {admin2, housing.ID, "overdue"}, {admin1, unassigned.ID, "overdue"}, {admin2, unassigned.ID, "overdue"}}},
		{due.Add(7 * 24 * time.Hour), nil},
	}
	for _, s := range steps {
		n, err := db.Deadlines(t.Context(), s.at, jobs.WarnBefore, jobs.WarnBeforeUrgent, jobs.UrgentUnanswered)
		if err != nil {
			t.Fatal(err)
		}
		var got []alert
		rows, err := raw.Query(t.Context(), `SELECT staff_id, appeal_id, kind FROM staff_alerts WHERE created_at = $1`, s.at)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var a alert
			if err := rows.Scan(&a.staff, &a.appeal, &a.kind); err != nil {
				t.Fatal(err)
			}
			got = append(got, a)
		}
		less := func(a, b alert) int { return cmpAlerts(a.staff, a.appeal, a.kind, b.staff, b.appeal, b.kind) }
		slices.SortFunc(got, less)
		slices.SortFunc(s.want, less)
		if n != len(s.want) || !slices.Equal(got, s.want) {
			t.Errorf("at %s: raised %d: %v, want %v", s.at.Format("Jan 2 15:04"), n, got, s.want)
		}
	}
	// The job runs every few minutes, on several instances: nothing is raised twice.
	total := count(t, raw, `SELECT count(*) FROM staff_alerts`)
	for _, s := range steps {
		if n, err := db.Deadlines(t.Context(), s.at, jobs.WarnBefore, jobs.WarnBeforeUrgent, jobs.UrgentUnanswered); err != nil || n != 0 {
			t.Errorf("again at %s: %d raised, %v", s.at.Format("Jan 2 15:04"), n, err)
		}
	}
	if n := count(t, raw, `SELECT count(*) FROM staff_alerts`); n != total || total != 9 {
		t.Errorf("%d alerts after running again, %d before, want 9", n, total)
	}

	// The appeal remembers when its assignee was warned and when it was escalated.
	for _, tc := range []struct {
		name              string
		a                 azizayol.Appeal
		warned, escalated time.Time
	}{
		{"housing", housing, due.Add(-24 * time.Hour), due},
		{"unassigned", unassigned, time.Time{}, due},
		{"violence", violence, filed.Add(18 * time.Hour), filed.Add(2 * time.Hour)},
		{"followed up", followedUp, time.Time{}, filed.Add(24 * time.Hour)},
		{"answered", answered, time.Time{}, time.Time{}},
		{"closed", closed, time.Time{}, time.Time{}},
	} {
		var warned, escalated *time.Time
		if err := raw.QueryRow(t.Context(), `SELECT warned_at, escalated_at FROM appeals WHERE id = $1`, tc.a.ID).Scan(&warned, &escalated); err != nil {
			t.Fatal(err)
		}
		if !sameTime(warned, tc.warned) || !sameTime(escalated, tc.escalated) {
			t.Errorf("%s: warned %v, escalated %v; want %v, %v", tc.name, warned, escalated, tc.warned, tc.escalated)
		}
	}

	// Each sees her unseen alerts, newest first, until she has seen them.
	for _, tc := range []struct {
		name  string
		staff int64
		want  []string // appeal number: kind
	}{
		{"assignee", assignee, []string{housing.Number + ": due_soon"}},
		{"admin", admin1, []string{housing.Number + ": overdue", unassigned.Number + ": overdue"}},
		{"rehab's head", rehabHead, []string{followedUp.Number + ": overdue", violence.Number + ": overdue", violence.Number + ": urgent_unanswered"}},
		{"disabled admin", gone, nil},
		{"colleague", colleague, nil},
		{"another agency's admin", lawyer, nil},
		{"super-admin", root, nil},
	} {
		list, err := db.Alerts(t.Context(), tc.staff)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range list {
			got = append(got, a.Number+": "+a.Kind)
		}
		slices.Sort(got)
		slices.Sort(tc.want)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s's alerts: %v, want %v", tc.name, got, tc.want)
		}
		for i := 1; i < len(list); i++ {
			if list[i].ID > list[i-1].ID {
				t.Errorf("%s's alerts are not newest first", tc.name)
			}
		}
	}
	if list, _ := db.Alerts(t.Context(), assignee); len(list) == 1 && (!list[0].Deadline.Equal(due) || list[0].AppealID != housing.ID) {
		t.Errorf("the assignee's alert: %+v", list[0])
	}
	if err := db.SeenAlerts(t.Context(), admin1, housing.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := db.Alerts(t.Context(), admin1); len(list) != 1 || list[0].AppealID != unassigned.ID {
		t.Errorf("after seeing the housing appeal's: %+v", list)
	}
	if list, _ := db.Alerts(t.Context(), admin2); len(list) != 2 {
		t.Errorf("her seeing them took %d of 2 alerts from another admin", 2-len(list))
	}
	if err := db.SeenAlerts(t.Context(), admin1, 0); err != nil {
		t.Fatal(err)
	}
	if list, _ := db.Alerts(t.Context(), admin1); len(list) != 0 {
		t.Errorf("after seeing all: %+v", list)
	}
	if n, _ := db.Deadlines(t.Context(), due.Add(time.Hour), jobs.WarnBefore, jobs.WarnBeforeUrgent, jobs.UrgentUnanswered); n != 0 {
		t.Errorf("alerts seen were raised again: %d", n)
	}
}

// Two hours after an urgent appeal was filed its agency's admins hear of it only if
// it is still open (received or in progress): not once answered, closed or withdrawn.
func TestUrgentUnansweredOnlyWhileUnanswered(t *testing.T) {
	db, raw := open(t)
	rehab := agencyByCode(t, raw, "rehab")
	head := newStaff(t, db, azizayol.AgencyAdmin, rehab)
	u := user(t, db, azizayol.Telegram, "802")
	filed := time.Date(2026, 11, 30, 10, 0, 0, 0, azizayol.Tashkent)
	var ids []int64
	for _, status := range []string{"received", "in_progress", "answered", "closed", "withdrawn"} {
		d := draft(u, "violence", "1726", "1726294")
		d.Text, d.Filed = status, filed
		a := file(t, db, d)
		exec(t, raw, `UPDATE appeals SET status = $2 WHERE id = $1`, a.ID, status)
		ids = append(ids, a.ID)
	}
	if n, err := db.Deadlines(t.Context(), filed.Add(2*time.Hour), jobs.WarnBefore, jobs.WarnBeforeUrgent, jobs.UrgentUnanswered); err != nil || n != 2 {
		t.Errorf("%d raised (%v), want the received and the in-progress appeal's", n, err)
	}
	if n := count(t, raw, `SELECT count(*) FROM staff_alerts WHERE staff_id = $1 AND appeal_id = ANY($2) AND kind = 'urgent_unanswered'`, head, ids[:2]); n != 2 {
		t.Errorf("%d alerts of the two open appeals", n)
	}
}

// Expired sessions are removed by the cleanup job; live ones stay.
func TestDeleteExpiredSessions(t *testing.T) {
	db, raw := open(t)
	her := newStaff(t, db, azizayol.Operator, agencyByCode(t, raw, "justice"))
	sessions := []struct {
		name string
		age  string
		live bool
	}{
		{"fresh", "", true},
		{"used 29 minutes ago", `seen_at = now() - interval '29 minutes'`, true},
		{"unused for 31 minutes", `seen_at = now() - interval '31 minutes'`, false},
		{"logged in 11h59m ago", `created_at = now() - interval '11 hours 59 minutes'`, true},
		{"logged in 12h01m ago", `created_at = now() - interval '12 hours 1 minute'`, false},
	}
	for i, s := range sessions {
		token := []byte(fmt.Sprintf("token-%d-%s", i, strings.Repeat("x", 20)))
		if err := db.CreateSession(t.Context(), token, her, "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
		if s.age != "" {
			exec(t, raw, `UPDATE staff_sessions SET `+s.age+` WHERE token_hash = $1`, token)
		}
	}
	n, err := db.DeleteExpiredSessions(t.Context(), 30*time.Minute, 12*time.Hour)
	if err != nil || n != 2 {
		t.Fatalf("deleted %d (%v), want 2", n, err)
	}
	for i, s := range sessions {
		token := []byte(fmt.Sprintf("token-%d-%s", i, strings.Repeat("x", 20)))
		_, err := db.SessionStaff(t.Context(), token, 30*time.Minute, 12*time.Hour)
		if live := err == nil; live != s.live {
			t.Errorf("%s: live %v (%v), want %v", s.name, live, err, s.live)
		}
		if err != nil && !errors.Is(err, azizayol.ErrNotFound) {
			t.Errorf("%s: %v", s.name, err)
		}
	}
	// A disabled account's sessions open nothing, and disabling deletes them.
	exec(t, raw, `UPDATE staff SET disabled_at = now() WHERE id = $1`, her)
	if _, err := db.SessionStaff(t.Context(), []byte("token-0-"+strings.Repeat("x", 20)), 30*time.Minute, 12*time.Hour); !errors.Is(err, azizayol.ErrNotFound) {
		t.Errorf("a disabled account's session: %v", err)
	}
	if n, err := db.DeleteExpiredSessions(t.Context(), 30*time.Minute, 12*time.Hour); err != nil || n != 0 {
		t.Errorf("deleted again: %d, %v", n, err)
	}
}

// newStaff creates an account of an agency (0 for a super-admin) and returns its id.
func newStaff(t *testing.T, db *postgres.DB, role azizayol.Role, agency int64) int64 {
	t.Helper()
	n := staffN.Add(1)
	id, err := db.CreateStaff(t.Context(), azizayol.Staff{
		Email: fmt.Sprintf("staff%d@example.uz", n), Name: fmt.Sprintf("Staff %d", n), Role: role, AgencyID: agency, Lang: azizayol.UzLatn,
	}, "$argon2id$not-a-real-hash")
	if err != nil {
		t.Fatal(err)
	}
	return id
}

var staffN atomic.Int64

func agencyByCode(t *testing.T, raw *pgxpool.Pool, code string) int64 {
	t.Helper()
	var id int64
	if err := raw.QueryRow(t.Context(), `SELECT id FROM agencies WHERE code = $1`, code).Scan(&id); err != nil {
		t.Fatalf("agency %s: %v", code, err)
	}
	return id
}

func cmpAlerts(s1, a1 int64, k1 string, s2, a2 int64, k2 string) int {
	switch {
	case s1 != s2:
		return int(s1 - s2)
	case a1 != a2:
		return int(a1 - a2)
	}
	return strings.Compare(k1, k2)
}

func sameTime(got *time.Time, want time.Time) bool {
	if got == nil {
		return want.IsZero()
	}
	return got.Equal(want)
}
