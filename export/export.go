// Package export writes the console's tables as files staff open in Excel: CSV
// (UTF-8 with a byte-order mark, so Excel reads Cyrillic and the Uzbek ʻ right) and
// XLSX (numbers kept as numbers, so they can be summed).
//
// Both guard against formula injection: a cell that starts with = + - @ (or a tab or
// carriage return, which some spreadsheets skip before such a character) would run as
// a formula when the file is opened. In a CSV, which has no types, such a cell is
// written with a leading ' so it stays text. In an XLSX every text is a typed string
// cell, which is never run as a formula: it is written as it is, with no visible '.
// A woman's words or an agency's name can never become a formula.
package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Table is one exported table: Name names the sheet (and, to the caller, the file).
type Table struct {
	Name   string
	Header []string
	Rows   [][]string
}

// bom makes Excel read the CSV as UTF-8.
const bom = "\uFEFF"

// CSV writes t as comma-separated values, UTF-8 with a byte-order mark, CRLF lines.
func CSV(w io.Writer, t Table) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return fmt.Errorf("export: csv: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if len(t.Header) > 0 {
		if err := cw.Write(safeRow(t.Header)); err != nil {
			return fmt.Errorf("export: csv: %w", err)
		}
	}
	for _, row := range t.Rows {
		if err := cw.Write(safeRow(row)); err != nil {
			return fmt.Errorf("export: csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export: csv: %w", err)
	}
	return nil
}

// XLSX writes t as a one-sheet workbook: the header in bold, a cell that reads as a
// number stored as a number, every other cell as text.
func XLSX(w io.Writer, t Table) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := SheetName(t.Name)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("export: xlsx: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("export: xlsx: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("export: xlsx: %w", err)
	}
	line := 1
	if len(t.Header) > 0 {
		cells := make([]any, len(t.Header))
		for i, h := range t.Header {
			cells[i] = cell(h, bold, true)
		}
		if err := sw.SetRow("A1", cells); err != nil {
			return fmt.Errorf("export: xlsx: %w", err)
		}
		line++
	}
	for _, row := range t.Rows {
		cells := make([]any, len(row))
		for i, s := range row {
			cells[i] = cell(s, 0, false)
		}
		axis, _ := excelize.CoordinatesToCellName(1, line)
		if err := sw.SetRow(axis, cells); err != nil {
			return fmt.Errorf("export: xlsx: %w", err)
		}
		line++
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("export: xlsx: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("export: xlsx: %w", err)
	}
	return nil
}

// cell is s as XLSX keeps it: a plain decimal number (including a negative one, which
// is not a formula in a typed numeric cell) as a number, else a string cell as typed
// (a string cell is never run as a formula, so no ' is added: it would show).
func cell(s string, style int, header bool) excelize.Cell {
	if !header && isNumber(s) {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return excelize.Cell{StyleID: style, Value: n}
		}
		if x, err := strconv.ParseFloat(s, 64); err == nil {
			return excelize.Cell{StyleID: style, Value: x}
		}
	}
	return excelize.Cell{StyleID: style, Value: s}
}

// isNumber accepts what a person writes as a number: digits, one optional leading
// minus, one optional decimal point. Not "1e9", "0x10", "Inf" or "NaN", which
// ParseFloat would take but are text here.
func isNumber(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" || len(s) > 18 {
		return false
	}
	dot := false
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
		case r == '.' && !dot && i > 0 && i < len(s)-1:
			dot = true
		default:
			return false
		}
	}
	return true
}

// Safe is a cell that no spreadsheet will run as a formula: one starting with
// = + - @, a tab or a carriage return gets a leading '.
func Safe(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

func safeRow(row []string) []string {
	out := make([]string, len(row))
	for i, s := range row {
		out[i] = Safe(s)
	}
	return out
}

// SheetName is name as Excel accepts a sheet's name: at most 31 characters, none of
// : \ / ? * [ ], not empty.
func SheetName(name string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '_'
		}
		return r
	}, name)
	if r := []rune(name); len(r) > 31 {
		name = string(r[:31])
	}
	name = strings.Trim(name, "'")
	if name == "" {
		return "Sheet1"
	}
	return name
}
