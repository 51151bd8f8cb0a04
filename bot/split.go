package bot

import (
	"strings"
	"unicode/utf16"

	"github.com/azizayol/azizayol"
)

// MaxMessage is the longest text sent in one message, in UTF-16 code units of its
// HTML source: under Telegram's 4096 characters after entity parsing, with room left.
const MaxMessage = 4000

// Split cuts a long message into messages of at most max UTF-16 units, at a line
// break where it can, else at a space, never inside an HTML tag or entity. Tags open
// at a cut are closed and opened again in the next part. The buttons go with the last
// part, which is the one she answers.
func Split(m azizayol.Outbound, max int) []azizayol.Outbound {
	if m.Text == "" || utf16Len(m.Text) <= max {
		return []azizayol.Outbound{m}
	}
	var parts []string
	var (
		cur       strings.Builder
		curLen    int
		open      []string // names of open tags, outermost first
		breakAt   = -1     // byte offset in cur after the last good break
		breakOpen []string
	)
	reopen := func(tags []string) string {
		var b strings.Builder
		for _, t := range tags {
			b.WriteString(t)
		}
		return b.String()
	}
	closing := func(tags []string) string {
		var b strings.Builder
		for i := len(tags) - 1; i >= 0; i-- {
			b.WriteString("</" + tagName(tags[i]) + ">")
		}
		return b.String()
	}
	cut := func() {
		text, tags := cur.String(), open
		rest := ""
		if breakAt > 0 {
			text, rest, tags = cur.String()[:breakAt], cur.String()[breakAt:], breakOpen
		}
		parts = append(parts, strings.TrimRight(text, " \n")+closing(tags))
		cur.Reset()
		cur.WriteString(reopen(tags) + strings.TrimLeft(rest, " \n"))
		curLen = utf16Len(cur.String())
		breakAt = -1
	}
	for _, tok := range tokens(m.Text) {
		n := utf16Len(tok)
		if curLen+n+utf16Len(closing(open)) > max && cur.Len() > 0 {
			cut()
		}
		cur.WriteString(tok)
		curLen += n
		switch {
		case strings.HasPrefix(tok, "</"):
			if len(open) > 0 {
				open = open[:len(open)-1]
			}
		case strings.HasPrefix(tok, "<"):
			open = append(open, tok)
		case tok == "\n" || tok == " ":
			breakAt, breakOpen = cur.Len(), append([]string(nil), open...)
		}
	}
	parts = append(parts, cur.String())

	out := make([]azizayol.Outbound, len(parts))
	for i, p := range parts {
		out[i] = azizayol.Outbound{Text: p}
	}
	out[0].Edit = m.Edit
	out[len(out)-1].Buttons, out[len(out)-1].Ask = m.Buttons, m.Ask
	return out
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
		n += len(utf16.Encode([]rune{r}))
	}
	return n
}
