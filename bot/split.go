package bot

import (
	"strings"
	"unicode/utf16"

	"github.com/azizayol/azizayol"
)

// MaxMessage is the longest text sent in one message, in UTF-16 code units of its
// HTML source: under Telegram's 4096 characters after entity parsing, with room left.
const MaxMessage = 4000

// MaxFor is the longest text (in UTF-16 units) of a message to her on her channel:
// MaxMessage on Telegram; by SMS azizayol.SMSChars less what the message's numbered
// options take after the text. A longer SMS is refused by some aggregators
// and costs her patience.
func MaxFor(u azizayol.User, m azizayol.Outbound) int {
	if u.Channel != azizayol.SMS {
		return MaxMessage
	}
	lang := m.Lang
	if lang == "" {
		lang = u.FirstLang("")
	}
	budget := azizayol.SMSChars(lang)
	for _, row := range m.Buttons {
		for _, b := range row {
			budget -= utf16Len(b.Label) + 4 // " 12 " and the label
		}
	}
	return max(budget, 67)
}

// SplitFor splits every message for her channel (see MaxFor).
func SplitFor(u azizayol.User, msgs ...azizayol.Outbound) []azizayol.Outbound {
	var out []azizayol.Outbound
	for _, m := range msgs {
		out = append(out, Split(m, MaxFor(u, m))...)
	}
	return out
}

// Split cuts a long message into messages of at most max UTF-16 units: at a line
// break in the second half of a part, else at a space, else anywhere between
// characters, never inside an HTML tag or entity. Tags open at a cut are closed there
// and opened again in the next part. The buttons go with the last part, which is the
// one she answers; an edit applies to the first.
func Split(m azizayol.Outbound, max int) []azizayol.Outbound {
	if m.Text == "" || utf16Len(m.Text) <= max {
		return []azizayol.Outbound{m}
	}
	toks := tokens(m.Text)
	var parts []string
	var reopen []string // tags open where this part starts
	for pos := 0; pos < len(toks); {
		open := reopen
		size := utf16Len(strings.Join(reopen, ""))
		type cut struct {
			at   int
			open []string
		}
		var line, space cut
		i := pos
		for ; i < len(toks); i++ {
			next := withTag(open, toks[i])
			if size+utf16Len(toks[i])+utf16Len(closing(next)) > max {
				break
			}
			size += utf16Len(toks[i])
			open = next
			switch toks[i] {
			case "\n":
				line = cut{i + 1, open}
			case " ":
				space = cut{i + 1, open}
			}
		}
		end := cut{i, open}
		switch {
		case i == len(toks):
		case line.at > pos+(i-pos)/2:
			end = line
		case space.at > pos:
			end = space
		case line.at > pos:
			end = line
		case i == pos: // one token longer than max: cannot happen with a sane max
			end = cut{pos + 1, withTag(open, toks[pos])}
		}
		text := strings.Join(reopen, "") + strings.Join(toks[pos:end.at], "")
		text = strings.TrimRight(text, " \n") + closing(end.open)
		if visible(text) {
			parts = append(parts, text)
		}
		pos, reopen = end.at, end.open
		for pos < len(toks) && (toks[pos] == " " || toks[pos] == "\n") {
			pos++
		}
	}

	// Every part keeps what the message is (its language, Always, Notice, the answer
	// it belongs to); what is done once goes with the first part or the last.
	out := make([]azizayol.Outbound, len(parts))
	for i, p := range parts {
		part := m
		part.Text, part.Buttons, part.Ask, part.Edit, part.HideAsk, part.Ack = p, nil, "", 0, false, ""
		out[i] = part
	}
	out[0].Edit, out[0].HideAsk, out[0].Ack = m.Edit, m.HideAsk, m.Ack
	out[len(out)-1].Buttons, out[len(out)-1].Ask = m.Buttons, m.Ask
	return out
}

// withTag returns the open tags after tok: a new slice, so saved cuts keep theirs.
func withTag(open []string, tok string) []string {
	switch {
	case strings.HasPrefix(tok, "</"):
		if len(open) > 0 {
			return open[: len(open)-1 : len(open)-1]
		}
	case strings.HasPrefix(tok, "<"):
		return append(open[:len(open):len(open)], tok)
	}
	return open
}

// closing closes the open tags, innermost first.
func closing(open []string) string {
	var b strings.Builder
	for i := len(open) - 1; i >= 0; i-- {
		b.WriteString("</" + tagName(open[i]) + ">")
	}
	return b.String()
}

// visible tells whether text shows anything once its tags are gone.
func visible(text string) bool {
	for _, tok := range tokens(text) {
		if !strings.HasPrefix(tok, "<") && strings.TrimSpace(tok) != "" {
			return true
		}
	}
	return false
}

// tokens splits HTML text into tags, entities and single characters.
func tokens(s string) []string {
	var toks []string
	for len(s) > 0 {
		end := 0
		switch s[0] {
		case '<':
			end = strings.IndexByte(s, '>') + 1
		case '&':
			if i := strings.IndexByte(s, ';'); i > 0 && i < 10 {
				end = i + 1
			}
		}
		if end <= 0 {
			for end = 1; end < len(s) && s[end]&0xC0 == 0x80; end++ {
			}
		}
		toks = append(toks, s[:end])
		s = s[end:]
	}
	return toks
}

func tagName(tag string) string {
	name := strings.TrimPrefix(strings.TrimSuffix(tag, ">"), "<")
	if i := strings.IndexAny(name, " \t"); i >= 0 {
		name = name[:i]
	}
	return name
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
