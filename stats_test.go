package azizayol

import (
	"slices"
	"testing"
	"time"
)

// The suppression rule on a region × topic table with its totals:
//
//	         t1   t2   t3 | total
//	r1       20    3    8 |  31
//	r2       12    9    0 |  21
//	r3        0    0    2 |   2
//	total    32   12   10 |  54
//
// 3 and 2 are hidden (1–4), and the total 2 of r3. Row r1 then has one hidden figure
// (31 − 20 − 8 = 3): its smallest other cell, 8, goes too. Column t2 has one (12 − 9
// = 3): 9 goes. The column of totals has r3's 2 alone (54 − 31 − 21): 21 goes. Row
// r2 now has 9 and 21: fine. Nothing is left with exactly one, and the equations of
// the lines leave the hidden figures a range, not a value (3 could be 2 to 5).
func TestSuppress(t *testing.T) {
	grid := [][]int{
		{20, 3, 8, 31},
		{12, 9, 0, 21},
		{0, 0, 2, 2},
		{32, 12, 10, 54},
	}
	var counts []int
	for _, row := range grid {
		counts = append(counts, row...)
	}
	idx := func(i, j int) int { return i*4 + j }
	var lines [][]int
	for i := range 4 {
		lines = append(lines, []int{idx(i, 0), idx(i, 1), idx(i, 2), idx(i, 3)})
		lines = append(lines, []int{idx(0, i), idx(1, i), idx(2, i), idx(3, i)})
	}
	hidden := Suppress(counts, lines)
	var got [][]bool
	for i := range 4 {
		got = append(got, hidden[i*4:i*4+4])
	}
	want := [][]bool{
		{false, true, true, false},
		{false, true, false, true},
		{false, false, true, true},
		{false, false, false, false},
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("row %d hidden %v, want %v", i, got[i], want[i])
		}
	}
	for _, line := range lines {
		n := 0
		for _, i := range line {
			if hidden[i] {
				n++
			}
		}
		if n == 1 {
			t.Errorf("line %v has one hidden figure", line)
		}
	}
	// Nothing small: nothing hidden. Zeros are never hidden.
	if h := Suppress([]int{0, 10, 10}, [][]int{{0, 1, 2}}); slices.Contains(h, true) {
		t.Errorf("hid %v", h)
	}
	// A single column with its total: 3 hidden, and the smallest other (7), not 40.
	if h := Suppress([]int{3, 7, 30, 40}, [][]int{{0, 1, 2, 3}}); !slices.Equal(h, []bool{true, true, false, false}) {
		t.Errorf("column: %v", h)
	}
	// Two small counts in a line are two hidden figures, but each would be known to be
	// 1–4 and their sum 5 (42 − 7 − 30): one above 4 is hidden with them.
	if h := Suppress([]int{2, 3, 7, 30, 42}, [][]int{{0, 1, 2, 3, 4}}); !slices.Equal(h, []bool{true, true, true, false, false}) {
		t.Errorf("two small ones: %v", h)
	}
	// A figure shared by two lines (a region's total, the parts of the national one):
	// the region's two districts 6 and 3 make its 9; the regions 9 and 20 make 29.
	// Hiding 3 hides 6 (the region's line); the national line then has nothing hidden.
	if h := Suppress([]int{6, 3, 9, 20, 29}, [][]int{{0, 1, 2}, {2, 3, 4}}); !slices.Equal(h, []bool{true, true, false, false, false}) {
		t.Errorf("shared figure: %v", h)
	}
	// A line whose one hidden figure has no partner but its total: the total goes. 9
	// is hidden for 3 (3 + 9 = 12), and is the only non-zero part of another line.
	if h := Suppress([]int{9, 0, 9, 3, 12}, [][]int{{3, 0, 4}, {0, 1, 2}}); !slices.Equal(h, []bool{true, false, true, true, false}) {
		t.Errorf("total as partner: %v", h)
	}
}

func TestMonthsAround(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, Tashkent) }
	for _, c := range []struct{ in, want StatsPeriod }{
		{StatsPeriod{d(2026, 6, 1), d(2026, 6, 29)}, StatsPeriod{d(2026, 6, 1), d(2026, 6, 30)}},
		{StatsPeriod{d(2026, 6, 10), d(2026, 6, 10)}, StatsPeriod{d(2026, 6, 1), d(2026, 6, 30)}},
		{StatsPeriod{d(2025, 12, 31), d(2026, 2, 3)}, StatsPeriod{d(2025, 12, 1), d(2026, 2, 28)}},
	} {
		if got := MonthsAround(c.in); !got.From.Equal(c.want.From) || !got.To.Equal(c.want.To) {
			t.Errorf("MonthsAround(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestAnswerPercentile(t *testing.T) {
	h := NewAnswerHist()
	if _, ok := h.Percentile(0.5); ok {
		t.Error("a percentile of nothing")
	}
	// 10 answers within 15 minutes, 10 between 1 and 2 days.
	h[0], h[8] = 10, 10
	if d, _ := h.Percentile(0.5); d != 15*time.Minute {
		t.Errorf("median %v, want the top of the first bucket", d)
	}
	if d, _ := h.Percentile(0.9); d != 24*time.Hour+time.Duration(0.8*float64(24*time.Hour)) {
		t.Errorf("p90 %v, want 4/5 into 1–2 days", d)
	}
	h[14] = 100 // most past 30 days: the open bucket's lower edge
	if d, _ := h.Percentile(0.9); d != 30*24*time.Hour {
		t.Errorf("p90 %v, want 30 days", d)
	}
}

func TestStatsPeriods(t *testing.T) {
	now := time.Date(2026, 3, 1, 1, 0, 0, 0, Tashkent) // 20:00 UTC the day before
	p, _ := PresetPeriod("7", now)
	if p.From != time.Date(2026, 2, 23, 0, 0, 0, 0, Tashkent) || p.To != time.Date(2026, 3, 1, 0, 0, 0, 0, Tashkent) || p.Days() != 7 {
		t.Errorf("7 days: %v", p)
	}
	prev := p.Previous()
	if prev.To != time.Date(2026, 2, 22, 0, 0, 0, 0, Tashkent) || prev.Days() != 7 {
		t.Errorf("previous: %v", prev)
	}
	y, _ := PresetPeriod("year", now)
	if y.From != time.Date(2026, 1, 1, 0, 0, 0, 0, Tashkent) || y.Days() != 60 {
		t.Errorf("year: %v (%d days)", y, y.Days())
	}
	// Whole months are compared with as many whole months before.
	nov := StatsPeriod{From: time.Date(2026, 11, 1, 0, 0, 0, 0, Tashkent), To: time.Date(2026, 11, 30, 0, 0, 0, 0, Tashkent)}
	if prev := nov.Previous(); prev.From != time.Date(2026, 10, 1, 0, 0, 0, 0, Tashkent) || prev.To != time.Date(2026, 10, 31, 0, 0, 0, 0, Tashkent) {
		t.Errorf("previous of November: %v", prev)
	}
	q1 := StatsPeriod{From: time.Date(2026, 1, 1, 0, 0, 0, 0, Tashkent), To: time.Date(2026, 3, 31, 0, 0, 0, 0, Tashkent)}
	if prev := q1.Previous(); prev.From != time.Date(2025, 10, 1, 0, 0, 0, 0, Tashkent) || prev.To != time.Date(2025, 12, 31, 0, 0, 0, 0, Tashkent) {
		t.Errorf("previous of a quarter: %v", prev)
	}
	if _, ok := PresetPeriod("365", now); ok {
		t.Error("an unknown preset")
	}
	if _, ok := ParseStatsPeriod("2026-02-10", "2026-02-09"); ok {
		t.Error("an end before the start")
	}
	if p, ok := ParseStatsPeriod("2026-02-10", "2026-02-10"); !ok || p.Days() != 1 {
		t.Error("one day")
	}
}
