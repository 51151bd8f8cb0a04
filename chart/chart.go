// Package chart draws the console's pictures as server-rendered SVG: no script, no
// third-party library, nothing the console's strict Content-Security-Policy refuses
// (colours are presentation attributes, never style= attributes). Every chart has a
// viewBox and width 100%, so it scales to the page and stays readable on a phone:
// the coordinate space is narrow (360 units) so that its 12–14-unit text is still
// 11–13 px on a phone. Every label is escaped.
package chart

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Bar is one bar: Label names it, Note is shown after the value (a share, …).
type Bar struct {
	Label string
	Value float64
	Note  string
}

// Point is one point of a time series; Label is its place on the x axis (a day).
type Point struct {
	Label string
	Value float64
}

// Series is one line.
type Series struct {
	Name   string
	Points []Point
}

const (
	width    = 360.0
	fontSize = 14.0
	ink      = "#1f2933"
	muted    = "#616e7c"
	grid     = "#d9e2ec"
)

// palette tells the lines apart; the first is the console's accent.
var palette = []string{"#7b2d8e", "#d9822b", "#2680c2", "#3f9142", "#c23934"}

// esc escapes text for SVG inside HTML.
func esc(s string) string { return template.HTMLEscapeString(s) }

// num prints a value as people read it: whole numbers without decimals, others with one.
func num(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// f prints a coordinate.
func f(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// open starts an SVG of the given height with its accessible title.
func open(b *strings.Builder, kind, title string, height float64) {
	fmt.Fprintf(b, `<svg class="chart chart-%s" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" width="100%%" role="img" aria-label="%s" font-family="sans-serif" font-size="%s">`,
		kind, f(width), f(height), esc(title), f(fontSize))
	fmt.Fprintf(b, `<title>%s</title>`, esc(title))
}

// Bars is a ranked list of horizontal bars, largest first as given: each label on its
// own line above its bar, so long region names need no truncation on a phone.
func Bars(title string, bars []Bar) template.HTML {
	const row, barH, top = 38.0, 14.0, 6.0
	height := top + row*float64(max(len(bars), 1))
	var b strings.Builder
	open(&b, "bars", title, height)
	if len(bars) == 0 {
		fmt.Fprintf(&b, `<text x="0" y="%s" fill="%s">—</text>`, f(top+fontSize), muted)
	}
	top1 := maxValue(bars)
	for i, bar := range bars {
		y := top + row*float64(i)
		value := num(bar.Value)
		if bar.Note != "" {
			value += " · " + bar.Note
		}
		// Room on the right for the value beside the longest bar.
		w := 0.0
		if top1 > 0 && bar.Value > 0 {
			w = math.Max(1, (width-90)*bar.Value/top1)
		}
		fmt.Fprintf(&b, `<g><title>%s: %s</title>`, esc(bar.Label), esc(value))
		fmt.Fprintf(&b, `<text x="0" y="%s" fill="%s">%s</text>`, f(y+fontSize), ink, esc(bar.Label))
		fmt.Fprintf(&b, `<rect x="0" y="%s" width="%s" height="%s" rx="2" fill="%s"></rect>`, f(y+fontSize+4), f(w), f(barH), palette[0])
		fmt.Fprintf(&b, `<text x="%s" y="%s" fill="%s">%s</text></g>`, f(w+6), f(y+fontSize+4+barH-2), muted, esc(value))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// plot is the frame of the vertical charts: the area of the data and its y scale.
type plot struct {
	left, top, right, bottom float64
	max                      float64 // the top of the y axis, a round number
}

func newPlot(height, maxV float64) plot {
	return plot{left: 40, top: 14, right: width - 8, bottom: height - 40, max: niceMax(maxV)}
}

func (p plot) y(v float64) float64 { return p.bottom - (p.bottom-p.top)*v/p.max }

// axes draws the horizontal grid lines with their values.
func (p plot) axes(b *strings.Builder) {
	for i := 0; i <= 4; i++ {
		v := p.max * float64(i) / 4
		y := p.y(v)
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"></line>`, f(p.left), f(y), f(p.right), f(y), grid)
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="end" fill="%s" font-size="12">%s</text>`, f(p.left-4), f(y+4), muted, num(v))
	}
}

// xLabel writes a label under the x axis.
func (p plot) xLabel(b *strings.Builder, x float64, label string) { p.xLabelAt(b, x, label, false) }

// xLabelAt writes a label under the x axis, on the second line when lower.
func (p plot) xLabelAt(b *strings.Builder, x float64, label string, lower bool) {
	y := p.bottom + 16
	if lower {
		y += 15
	}
	fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" fill="%s" font-size="12">%s</text>`, f(x), f(y), muted, esc(label))
}

// Lines is a time series of one or more lines over the same x labels (the first
// series' labels), with a legend under the axis when there is more than one line.
// Only a few x labels are written, evenly spread, so they do not overlap on a phone.
func Lines(title string, series ...Series) template.HTML {
	height := 220.0
	legend := len(series) > 1
	if legend {
		height += 20
	}
	n, top := 0, 0.0
	for _, s := range series {
		n = max(n, len(s.Points))
		for _, pt := range s.Points {
			top = math.Max(top, pt.Value)
		}
	}
	p := newPlot(height-map[bool]float64{true: 20, false: 0}[legend], top)
	var b strings.Builder
	open(&b, "lines", title, height)
	p.axes(&b)
	x := func(i int) float64 {
		if n <= 1 {
			return (p.left + p.right) / 2
		}
		return p.left + 6 + (p.right-p.left-12)*float64(i)/float64(n-1)
	}
	if len(series) > 0 {
		for _, i := range labelEvery(n, 5) {
			if i < len(series[0].Points) {
				p.xLabel(&b, x(i), series[0].Points[i].Label)
			}
		}
	}
	// The first series is drawn last, on top: it is the one she reads.
	for si := len(series) - 1; si >= 0; si-- {
		s := series[si]
		colour := palette[si%len(palette)]
		if len(s.Points) == 0 {
			continue
		}
		pts := make([]string, len(s.Points))
		for i, pt := range s.Points {
			pts[i] = f(x(i)) + "," + f(p.y(math.Max(pt.Value, 0)))
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2" stroke-linejoin="round"></polyline>`, strings.Join(pts, " "), colour)
		// Points with their value on hover/tap; dots only when they are few enough to see.
		r := 3.0
		if len(s.Points) > 45 {
			r = 1.5
		}
		for i, pt := range s.Points {
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="%s" fill="%s"><title>%s %s: %s</title></circle>`,
				f(x(i)), f(p.y(math.Max(pt.Value, 0))), f(r), colour, esc(s.Name), esc(pt.Label), num(pt.Value))
		}
	}
	if legend {
		lx := p.left
		for si, s := range series {
			colour := palette[si%len(palette)]
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="14" height="4" fill="%s"></rect>`, f(lx), f(height-12), colour)
			fmt.Fprintf(&b, `<text x="%s" y="%s" fill="%s" font-size="12">%s</text>`, f(lx+18), f(height-7), ink, esc(s.Name))
			lx += 26 + 7*float64(len([]rune(s.Name)))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// Histogram is a distribution as vertical bars in the order given (the buckets of a
// range, left to right), each with its value above and its label below.
func Histogram(title string, bars []Bar) template.HTML {
	const height = 220.0
	p := newPlot(height, maxValue(bars))
	var b strings.Builder
	open(&b, "histogram", title, height)
	p.axes(&b)
	n := max(len(bars), 1)
	slot := (p.right - p.left) / float64(n)
	for i, bar := range bars {
		x := p.left + slot*float64(i)
		y := p.y(math.Max(bar.Value, 0))
		value := num(bar.Value)
		if bar.Note != "" {
			value += " " + bar.Note
		}
		fmt.Fprintf(&b, `<g><title>%s: %s</title>`, esc(bar.Label), esc(value))
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"></rect>`, f(x+slot*0.1), f(y), f(slot*0.8), f(p.bottom-y), palette[0])
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" fill="%s" font-size="12">%s</text>`, f(x+slot/2), f(y-3), ink, num(bar.Value))
		b.WriteString(`</g>`)
		// Many bars: every other label one line lower, so neighbours do not overlap.
		p.xLabelAt(&b, x+slot/2, bar.Label, len(bars) > 5 && i%2 == 1)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func maxValue(bars []Bar) float64 {
	m := 0.0
	for _, b := range bars {
		m = math.Max(m, b.Value)
	}
	return m
}

// niceMax is the top of a y axis: four grid steps of a round size (1, 2, 2.5, 3, 4,
// 5, 6 or 8 × 10ⁿ, whole numbers for small counts), so that the grid lines fall on
// round numbers and the largest value fits.
func niceMax(v float64) float64 {
	if v <= 0 {
		return 4
	}
	step := v / 4
	exp := math.Pow(10, math.Floor(math.Log10(step)))
	for _, m := range []float64{1, 2, 2.5, 3, 4, 5, 6, 8, 10} {
		s := m * exp
		if s < 1 || (s < 10 && s != math.Trunc(s)) {
			continue // counts: whole-number steps
		}
		if s >= step {
			return 4 * s
		}
	}
	return 4 * 10 * exp
}

// labelEvery picks at most k indexes of n, evenly spread, always the first and last.
func labelEvery(n, k int) []int {
	if n <= 0 {
		return nil
	}
	if n <= k {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	}
	out := make([]int, 0, k)
	for j := 0; j < k; j++ {
		out = append(out, int(math.Round(float64(j)*float64(n-1)/float64(k-1))))
	}
	return out
}
