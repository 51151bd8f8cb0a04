package chart_test

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/azizayol/azizayol/chart"
)

// wellFormed parses the SVG as XML and counts its elements by name.
func wellFormed(t *testing.T, svg string) map[string]int {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	count := map[string]int{}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return count
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok {
			count[se.Name.Local]++
			for _, a := range se.Attr {
				if a.Name.Local == "style" {
					t.Fatalf("style attribute in %s: the CSP refuses it", se.Name.Local)
				}
			}
		}
	}
}

func common(t *testing.T, svg string) {
	t.Helper()
	if !strings.HasPrefix(svg, "<svg ") || !strings.Contains(svg, `viewBox="0 0 360 `) || !strings.Contains(svg, `width="100%"`) {
		t.Errorf("not a scalable svg: %.200s", svg)
	}
	if strings.Contains(svg, "<script") || strings.Contains(svg, "style=") {
		t.Error("script or style attribute")
	}
}

const evil = `<script>alert("x")</script> & "Qoraqalpogʻiston"`

func TestBars(t *testing.T) {
	svg := string(chart.Bars("Viloyatlar "+evil, []chart.Bar{
		{Label: "Toshkent shahri", Value: 120},
		{Label: evil, Value: 60, Note: "<5"},
		{Label: "Xorazm", Value: 0},
	}))
	common(t, svg)
	n := wellFormed(t, svg)
	if n["rect"] != 3 {
		t.Errorf("%d bars, want 3", n["rect"])
	}
	if strings.Contains(svg, "<script>") || !strings.Contains(svg, "&lt;script&gt;") || !strings.Contains(svg, "60 · &lt;5") {
		t.Error("labels not escaped")
	}
	// The longest bar is the largest value; half the value, half the width; zero, none.
	if !strings.Contains(svg, `width="270"`) || !strings.Contains(svg, `width="135"`) || !strings.Contains(svg, `width="0"`) {
		t.Errorf("bar widths not proportional:\n%s", svg)
	}
	empty := string(chart.Bars("—", nil))
	common(t, empty)
	wellFormed(t, empty)
}

func TestLines(t *testing.T) {
	var days []chart.Point
	for i := range 30 {
		days = append(days, chart.Point{Label: "01.12", Value: float64(i)})
	}
	svg := string(chart.Lines("Kunlar", chart.Series{Name: "Bu davr", Points: days}, chart.Series{Name: evil, Points: days[:10]}))
	common(t, svg)
	n := wellFormed(t, svg)
	if n["polyline"] != 2 || n["circle"] != 40 {
		t.Errorf("lines %d, points %d", n["polyline"], n["circle"])
	}
	// Five x labels for 30 days, not thirty; five y grid lines.
	if got := strings.Count(svg, ">01.12</text>"); got != 5 {
		t.Errorf("%d x labels, want 5", got)
	}
	if n["line"] != 5 {
		t.Errorf("%d grid lines", n["line"])
	}
	if strings.Contains(svg, "<script>") {
		t.Error("series name not escaped")
	}
	one := string(chart.Lines("Bir", chart.Series{Name: "a", Points: days[:1]}))
	wellFormed(t, one)
	if strings.Contains(one, "NaN") || strings.Contains(one, "Inf") {
		t.Error("one point gives NaN")
	}
	wellFormed(t, string(chart.Lines("Hech narsa")))
}

func TestHistogram(t *testing.T) {
	svg := string(chart.Histogram("Javob vaqti", []chart.Bar{
		{Label: "<1 soat", Value: 7}, {Label: "1–4 soat", Value: 3}, {Label: "1–3 kun", Value: 0},
	}))
	common(t, svg)
	n := wellFormed(t, svg)
	if n["rect"] != 3 {
		t.Errorf("%d bars", n["rect"])
	}
	if !strings.Contains(svg, "&lt;1 soat") {
		t.Error("label not escaped")
	}
	// The axis tops at a round number above the largest value, in four whole steps
	// for counts: 8 for 7 (0, 2, 4, 6, 8), not 10 in steps of 2.5.
	for _, want := range []string{">2</text>", ">8</text>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("axis lacks %s:\n%s", want, svg)
		}
	}
	if strings.Contains(svg, ".5</text>") {
		t.Error("a grid line at a fraction of an appeal")
	}
	// Many bars: every other label a line lower, so that they do not overlap.
	var many []chart.Bar
	for range 8 {
		many = append(many, chart.Bar{Label: "12–24 soat", Value: 237})
	}
	svg = string(chart.Histogram("8", many))
	if !strings.Contains(svg, `y="196"`) || !strings.Contains(svg, `y="211"`) || !strings.Contains(svg, ">240</text>") {
		t.Errorf("staggered labels or axis of 237:\n%s", svg)
	}
	if strings.Contains(string(chart.Histogram("0", nil)), "NaN") {
		t.Error("empty histogram has NaN")
	}
}
