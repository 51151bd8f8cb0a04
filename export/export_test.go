package export_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/azizayol/azizayol/export"
)

var table = export.Table{
	Name:   "Murojaatlar: viloyat/mavzu",
	Header: []string{"Viloyat", "Mavzu", "Soni"},
	Rows: [][]string{
		{"Toshkent shahri", "Uy-joy", "12"},
		{"Андижанская область", "=HYPERLINK(\"http://x\")", "<5"},
		{"+998", "@SUM(A1)", "-3"},
		{"Qoraqalpogʻiston", "-1+2", "2.5"},
	},
}

func TestCSV(t *testing.T) {
	var b bytes.Buffer
	if err := export.CSV(&b, table); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "\uFEFF") {
		t.Fatal("no byte-order mark")
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Viloyat", "Mavzu", "Soni"},
		{"Toshkent shahri", "Uy-joy", "12"},
		{"Андижанская область", "'=HYPERLINK(\"http://x\")", "<5"},
		{"'+998", "'@SUM(A1)", "'-3"},
		{"Qoraqalpogʻiston", "'-1+2", "2.5"},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows %q", rows)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q, want %q", i, rows[i], want[i])
		}
	}
}

func TestXLSX(t *testing.T) {
	var b bytes.Buffer
	if err := export.XLSX(&b, table); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	sheets := f.GetSheetList()
	if len(sheets) != 1 || sheets[0] != "Murojaatlar_ viloyat_mavzu" {
		t.Fatalf("sheets %q", sheets)
	}
	s := sheets[0]
	check := func(cell, want string, typ excelize.CellType) {
		t.Helper()
		got, err := f.GetCellValue(s, cell)
		if err != nil || got != want {
			t.Errorf("%s = %q (%v), want %q", cell, got, err, want)
		}
		ct, err := f.GetCellType(s, cell)
		if err != nil || ct != typ {
			t.Errorf("%s type %v (%v), want %v", cell, ct, err, typ)
		}
		if formula, _ := f.GetCellFormula(s, cell); formula != "" {
			t.Errorf("%s has formula %q", cell, formula)
		}
	}
	text := excelize.CellTypeInlineString
	check("A1", "Viloyat", text)
	check("C2", "12", excelize.CellTypeUnset) // a number: no type attribute
	check("A3", "Андижанская область", text)
	check("B3", "=HYPERLINK(\"http://x\")", text)
	check("C3", "<5", text)
	check("A4", "+998", text)
	check("B4", "@SUM(A1)", text)
	check("C4", "-3", excelize.CellTypeUnset)
	check("B5", "-1+2", text)
	check("C5", "2.5", excelize.CellTypeUnset)
}

func TestSheetName(t *testing.T) {
	for in, want := range map[string]string{
		"":                      "Sheet1",
		"a/b[c]":                "a_b_c_",
		strings.Repeat("ʻ", 40): strings.Repeat("ʻ", 31),
		"'quoted'":              "quoted",
	} {
		if got := export.SheetName(in); got != want {
			t.Errorf("SheetName(%q) = %q, want %q", in, got, want)
		}
	}
}
