package sms

import (
	"strconv"
	"strings"

	"github.com/azizayol/azizayol"
)

// Render writes a message as one SMS text: its text without markup, then its buttons
// numbered on one line ("1 Maslahat 2 Murojaat 3 Menyu"), for she answers with the
// number or the word. Every character costs, so blank lines and runs of spaces go.
// Uzbek Latin is written in the GSM-7 alphabet (160 characters an SMS, not 70);
// Cyrillic and Russian are sent as UCS-2 anyway, and lose only emoji (two units each).
func Render(m azizayol.Outbound, lang azizayol.Lang) string {
	text := m.PlainText()
	var options []string
	n := 0
	for _, row := range m.Buttons {
		for _, b := range row {
			n++
			options = append(options, strconv.Itoa(n)+" "+b.Label)
		}
	}
	if len(options) > 0 {
		text += "\n" + strings.Join(options, " ")
	}
	if lang == azizayol.UzLatn || lang == "" { // Latin is the default language
		text = ToGSM7Latin(text)
	} else {
		text = clean(text, nil)
	}
	return tidy(text)
}

// tidy trims every line, collapses runs of spaces and drops empty lines.
func tidy(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var lines []string
	for line := range strings.SplitSeq(s, "\n") {
		if line = strings.Join(strings.Fields(line), " "); line != "" {
			lines = append(lines, line)
		}
	}
	return strings.Join(lines, "\n")
}
