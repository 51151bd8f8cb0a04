package azizayol

import (
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, Tashkent)
	if err != nil {
		panic(err)
	}
	return t
}

// The grant recommendation is accepted from 30 May to 8 June inclusive, Tashkent
// time; outside, the next opening is the next 30 May.
func TestGrantWindowEdges(t *testing.T) {
	grant := Topic{Code: "grant", WindowFrom: MonthDay{time.May, 30}, WindowUntil: MonthDay{time.June, 8}}
	cases := []struct {
		now  time.Time
		open bool
		next string
	}{
		{at("2026-05-29 23:59:59"), false, "2026-05-30"},
		{at("2026-05-30 00:00:00"), true, ""},
		{at("2026-06-03 12:00:00"), true, ""},
		{at("2026-06-08 23:59:59"), true, ""},
		{at("2026-06-09 00:00:00"), false, "2027-05-30"},
		{at("2026-11-30 10:00:00"), false, "2027-05-30"},
		{at("2027-01-01 00:00:00"), false, "2027-05-30"},
		// 29 May 19:00 UTC is already 30 May in Tashkent.
		{time.Date(2026, 5, 29, 19, 0, 0, 0, time.UTC), true, ""},
		{time.Date(2026, 5, 29, 18, 59, 59, 0, time.UTC), false, "2026-05-30"},
		{time.Date(2026, 6, 8, 19, 0, 0, 0, time.UTC), false, "2027-05-30"},
	}
	for _, c := range cases {
		open, next := grant.Accepting(c.now)
		got := ""
		if !next.IsZero() {
			got = next.In(Tashkent).Format("2006-01-02")
			if next.In(Tashkent).Hour() != 0 {
				t.Errorf("%s: opens at %s, want midnight", c.now, next)
			}
		}
		if open != c.open || got != c.next {
			t.Errorf("Accepting(%s) = %v, %q; want %v, %q", c.now, open, got, c.open, c.next)
		}
	}
	if open, _ := (Topic{Code: "housing"}).Accepting(at("2026-01-01 00:00:00")); !open {
		t.Error("a topic without a window is always open")
	}
}

func TestDeadlineCountsWorkingDays(t *testing.T) {
	five := Topic{DeadlineDays: 5}
	cases := []struct{ filed, want string }{
		{"2026-11-30 10:00:00", "2026-12-07 10:00:00"}, // Monday → next Monday
		{"2026-12-04 16:30:00", "2026-12-11 16:30:00"}, // Friday → next Friday
		{"2026-12-05 09:00:00", "2026-12-11 09:00:00"}, // Saturday → Friday
		{"2026-12-06 09:00:00", "2026-12-11 09:00:00"}, // Sunday → Friday
		{"2026-12-02 23:59:00", "2026-12-09 23:59:00"}, // Wednesday → next Wednesday
	}
	for _, c := range cases {
		if got := five.Deadline(at(c.filed), false); !got.Equal(at(c.want)) {
			t.Errorf("5 working days from %s: %s, want %s", c.filed, got.In(Tashkent), c.want)
		}
	}
	if got := five.Deadline(at("2026-12-05 09:00:00"), true); !got.Equal(at("2026-12-06 09:00:00")) {
		t.Errorf("urgent: %s, want 24 hours later even on a weekend", got)
	}
	if got := (Topic{}).Deadline(at("2026-11-30 10:00:00"), false); !got.Equal(at("2026-12-01 10:00:00")) {
		t.Errorf("a topic without days gets one working day: %s", got)
	}
}

func TestNormalizePhone(t *testing.T) {
	good := map[string]string{
		"+998901234567":      "+998901234567",
		"998901234567":       "+998901234567",
		"+998 90 123-45-67":  "+998901234567",
		"90 123 45 67":       "+998901234567",
		"(90) 123-45-67":     "+998901234567",
		" +998 (71) 2001234": "+998712001234",
		"901234567":          "+998901234567",
	}
	for in, want := range good {
		if got, ok := NormalizePhone(in); !ok || got != want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "12345", "+7 916 123 45 67", "+99890123456", "+9989012345678",
		"090 123 45 67", "phone: 901234567", "90123456a", "+998 90 123 45 67 ext 2", "998-090-123-45-6"} {
		if got, ok := NormalizePhone(in); ok {
			t.Errorf("NormalizePhone(%q) = %q, accepted", in, got)
		}
	}
	if got := FormatPhone("+998901234567"); got != "+998 90 123 45 67" {
		t.Errorf("FormatPhone: %q", got)
	}
}
