package azizayol_test

import (
	"strings"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
)

// reportNational is a national monthly indicator: one line, 1700, a total.
var reportNational = azizayol.Indicator{ID: 1, Code: "orders", Periodicity: azizayol.PerMonth, DueDay: 10, Active: true,
	Starts: time.Date(2026, 1, 1, 0, 0, 0, 0, azizayol.Tashkent)}

// readAndCheck reads a CSV and checks it for 2026-11, as the console does.
func readAndCheck(t *testing.T, file string) ([]azizayol.ReportValue, []azizayol.ReportError) {
	t.Helper()
	lines, errs := azizayol.ReadReportCSV(strings.NewReader(file), reportNational)
	if len(errs) > 0 {
		return nil, errs
	}
	return azizayol.CheckReport(reportNational, "2026-11", lines, nil)
}

// A file over MaxReportFile is refused whole: never cut short and its last figure
// read as what remains of it.
func TestReadReportCSVTooLarge(t *testing.T) {
	file := func(size int) string {
		head, last := "indicator,period,region,total\n", "orders,2026-11,1700,12345\n"
		return head + strings.Repeat("\n", size-len(head)-len(last)) + last // blank lines, skipped
	}
	if f := file(1_048_579); len(f) != 1_048_579 {
		t.Fatalf("the file is %d bytes", len(f))
	}
	values, errs := readAndCheck(t, file(1_048_579))
	if len(errs) != 1 || errs[0].Code != azizayol.ErrCodeFileTooLarge || values != nil {
		t.Errorf("a file of 1,048,579 bytes: %v, %v", values, errs)
	}
	values, errs = readAndCheck(t, file(azizayol.MaxReportFile))
	if len(errs) != 0 || len(values) != 1 || values[0].Value != 12345 {
		t.Errorf("a file of exactly the limit: %v, %v", values, errs)
	}
}

// A file that is not UTF-8 (saved as Windows-1251) is not CSV to us.
func TestReadReportCSVBrokenUTF8(t *testing.T) {
	_, errs := readAndCheck(t, "indicator,period,region,total\norders,2026-11,1700,5 \xcf\xf0\xe8\n")
	if len(errs) != 1 || errs[0].Code != azizayol.ErrCodeCSV {
		t.Errorf("broken UTF-8: %v", errs)
	}
}

// Each line is numbered as the file's line it starts on, after blank lines and cells
// quoted over several lines.
func TestReadReportCSVLineNumbers(t *testing.T) {
	file := "indicator,period,region,total\n\n\norders,2026-11,1700,\"1\n2\"\n\norders,2026-11,1700,x\n"
	lines, errs := azizayol.ReadReportCSV(strings.NewReader(file), reportNational)
	if len(errs) != 0 || len(lines) != 2 || lines[0].Line != 4 || lines[1].Line != 7 {
		t.Fatalf("lines %+v, errors %v", lines, errs)
	}
	_, errs = azizayol.CheckReport(reportNational, "2026-11", lines, nil)
	var at []int
	for _, e := range errs {
		at = append(at, e.Line)
	}
	if len(at) != 2 || at[0] != 4 || at[1] != 7 { // "1\n2" is no number; 1700 comes twice
		t.Errorf("errors at lines %v: %v", at, errs)
	}
	_, errs = azizayol.ReadReportCSV(strings.NewReader("indicator,period,region,total\n\norders,\"2026-11,1700,5\n"), reportNational)
	if len(errs) != 1 || errs[0].Code != azizayol.ErrCodeCSV || errs[0].Line != 3 {
		t.Errorf("an open quote: %v", errs)
	}
}

// Files as Excel saves them: rows of empty cells (";;;") and separators after the
// last column are left out, and the month it turned into a date is the month chosen.
func TestReadReportCSVFromExcel(t *testing.T) {
	for _, period := range []string{"2026-11", "Nov-26", "nov-2026", "01.11.2026", "1.11.2026", "2026-11-01", "11.2026", "11/1/2026", "1/11/2026"} {
		file := "indicator;period;region;total;;\r\norders;" + period + ";1700;7;;\r\n;;;;;\r\n;;;\r\n"
		values, errs := readAndCheck(t, file)
		if len(errs) != 0 || len(values) != 1 || values[0].Value != 7 {
			t.Errorf("period %q: %v, %v", period, values, errs)
		}
	}
	for _, period := range []string{"2026-10", "Oct-26", "02.11.2026", "01.11.2025", "2026"} {
		_, errs := readAndCheck(t, "indicator,period,region,total\norders,"+period+",1700,7\n")
		if len(errs) != 1 || errs[0].Code != azizayol.ErrCodeLinePeriod || errs[0].Period != "2026-11" || errs[0].Value != period {
			t.Errorf("period %q: %v", period, errs)
		}
	}
	// A quarter's key is not a date: only itself.
	q, _ := azizayol.ParseReportPeriod(azizayol.PerQuarter, "2026-Q1")
	if !azizayol.SamePeriod(q, "2026-Q1") || azizayol.SamePeriod(q, "01.01.2026") {
		t.Error("a quarter's key")
	}
}

// A figure is plain digits or digits grouped by thousands; a space anywhere else is
// a slip.
func TestReportFigures(t *testing.T) {
	for raw, want := range map[string]int64{"1234": 1234, " 1 234 ": 1234, "1\u00A0234": 1234, "12\u202F345\u202F678": 12345678,
		"0": 0, "-0": 0, "+5": 5, "100 000 000": 100_000_000} {
		values, errs := readAndCheck(t, "indicator,period,region,total\norders,2026-11,1700,\""+raw+"\"\n")
		if len(errs) != 0 || values[0].Value != want {
			t.Errorf("%q: %v, %v", raw, values, errs)
		}
	}
	for raw, want := range map[string]azizayol.ReportErrorCode{"12 34": azizayol.ErrCodeNotInteger, "1  234": azizayol.ErrCodeNotInteger,
		"1 2345": azizayol.ErrCodeNotInteger, " 1234 567": azizayol.ErrCodeNotInteger, "1,234": azizayol.ErrCodeNotInteger,
		"-3": azizayol.ErrCodeNegative, "- 3": azizayol.ErrCodeNotInteger, "100 000 001": azizayol.ErrCodeTooLarge} {
		_, errs := readAndCheck(t, "indicator,period,region,total\norders,2026-11,1700,\""+raw+"\"\n")
		if len(errs) != 1 || errs[0].Code != want {
			t.Errorf("%q: %v, want %s", raw, errs, want)
		}
	}
}

// The keys of half-years and years, as CSV files and URLs give them.
func TestParseReportPeriodHalfAndYear(t *testing.T) {
	for _, tc := range []struct {
		p    azizayol.Periodicity
		key  string
		ok   bool
		year int
		n    int
	}{
		{azizayol.PerHalfYear, "2026-H1", true, 2026, 1},
		{azizayol.PerHalfYear, "2026-H2", true, 2026, 2},
		{azizayol.PerHalfYear, "2026-H3", false, 0, 0},
		{azizayol.PerHalfYear, "2026-H0", false, 0, 0},
		{azizayol.PerHalfYear, "2026-h1", false, 0, 0},
		{azizayol.PerHalfYear, "2026-H01", false, 0, 0},
		{azizayol.PerHalfYear, "2026", false, 0, 0},
		{azizayol.PerYear, "2026", true, 2026, 0},
		{azizayol.PerYear, "1999", false, 0, 0},
		{azizayol.PerYear, "02026", false, 0, 0},
		{azizayol.PerYear, "2026-01", false, 0, 0},
		{azizayol.PerYear, " 2026", false, 0, 0},
		{azizayol.PerYear, "2026-H1", false, 0, 0},
	} {
		p, ok := azizayol.ParseReportPeriod(tc.p, tc.key)
		if ok != tc.ok || (ok && (p.Year != tc.year || p.N != tc.n || p.String() != tc.key)) {
			t.Errorf("%s %q: %+v %v", tc.p, tc.key, p, ok)
		}
	}
	h2, _ := azizayol.ParseReportPeriod(azizayol.PerHalfYear, "2026-H2")
	if !h2.Start().Equal(time.Date(2026, 7, 1, 0, 0, 0, 0, azizayol.Tashkent)) || h2.Next().String() != "2027-H1" {
		t.Errorf("the second half of 2026: %v, then %v", h2.Start(), h2.Next())
	}
}

// An indicator collected from the day it is deployed is late for nothing that day,
// nor owes a period that opened before it.
func TestReportNothingLateOnTheFirstDay(t *testing.T) {
	deployed := time.Date(2026, 5, 20, 0, 0, 0, 0, azizayol.Tashkent)
	for _, p := range azizayol.Periodicities {
		ind := azizayol.Indicator{ID: 1, Periodicity: p, DueDay: 10, ReportMonth: 6, Active: true, Starts: deployed}
		for _, day := range []time.Time{deployed, deployed.Add(23 * time.Hour)} {
			if owed := ind.Periods(day); len(owed) != 0 {
				t.Errorf("%s on deployment day owes %v", p, owed)
			}
		}
		if before := azizayol.ReportPeriodOf(p, deployed.AddDate(0, -6, 0)); ind.Owes(before, deployed.AddDate(1, 0, 0)) {
			t.Errorf("%s owes %s, which opened before it was deployed", p, before)
		}
	}
}
