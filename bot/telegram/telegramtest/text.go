package telegramtest

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

// maxTextLength is the limit on message text, in UTF-16 code units, after
// entity parsing.
const maxTextLength = 4096

// formattedText is message text after parse_mode processing: what the user
// sees, plus the formatting entities.
type formattedText struct {
	plain    string
	entities []models.MessageEntity
}

// formatText applies parse_mode to text and checks the length rules.
// Markdown and MarkdownV2 are accepted but not parsed: their text is kept as is.
func formatText(text, parseMode string) (formattedText, *apiError) {
	if !utf8.ValidString(text) {
		return formattedText{}, badRequest("text must be encoded in UTF-8")
	}
	var ft formattedText
	switch strings.ToLower(parseMode) {
	case "":
		ft.plain = text
	case "html":
		var err error
		if ft, err = parseHTML(text); err != nil {
			return formattedText{}, badRequest("can't parse entities: %v", err)
		}
	case "markdown", "markdownv2":
		ft.plain = text
	default:
		return formattedText{}, badRequest("unsupported parse_mode")
	}

	// Telegram strips surrounding whitespace before checking the length.
	trimmed := strings.TrimSpace(ft.plain)
	if trimmed == "" {
		return formattedText{}, badRequest("message text is empty")
	}
	if utf16Len(trimmed) > maxTextLength {
		return formattedText{}, badRequest("message is too long")
	}
	return ft, nil
}

// utf16Len counts UTF-16 code units, the unit of Telegram's text limits and
// entity offsets.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += runeUTF16Len(r)
	}
	return n
}

func runeUTF16Len(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// htmlTags lists the tags Telegram accepts and the entity each produces.
var htmlTags = map[string]models.MessageEntityType{
	"b":          models.MessageEntityTypeBold,
	"strong":     models.MessageEntityTypeBold,
	"i":          models.MessageEntityTypeItalic,
	"em":         models.MessageEntityTypeItalic,
	"u":          models.MessageEntityTypeUnderline,
	"ins":        models.MessageEntityTypeUnderline,
	"s":          models.MessageEntityTypeStrikethrough,
	"strike":     models.MessageEntityTypeStrikethrough,
	"del":        models.MessageEntityTypeStrikethrough,
	"a":          models.MessageEntityTypeTextLink,
	"code":       models.MessageEntityTypeCode,
	"pre":        models.MessageEntityTypePre,
	"tg-spoiler": models.MessageEntityTypeSpoiler,
	"span":       models.MessageEntityTypeSpoiler, // only with class="tg-spoiler"
	"blockquote": models.MessageEntityTypeBlockquote,
	"tg-emoji":   models.MessageEntityTypeCustomEmoji,
}

// openTag is a start tag waiting for its end tag.
type openTag struct {
	name   string
	entity models.MessageEntity // Offset is set; Length is set on close
	// merged is set for <code class="language-x"> inside <pre>: it only
	// gives the language to the enclosing pre entity.
	merged bool
}

// parseHTML parses Telegram's HTML subset, returning the plain text and its
// entities. Errors are worded like Telegram's "can't parse entities" details.
//
// Unlike Telegram, which keeps an unknown "&..." sequence literally, the fake
// rejects every '&' that does not start a valid entity: a bot that forgets to
// escape user input must fail in tests rather than by chance in production.
func parseHTML(text string) (formattedText, error) {
	var (
		out      strings.Builder
		offset   int // UTF-16 units written to out
		stack    []openTag
		entities []models.MessageEntity
	)
	for i := 0; i < len(text); {
		switch {
		case text[i] == '&':
			r, n, ok := decodeHTMLEntity(text[i:])
			if !ok {
				return formattedText{}, fmt.Errorf(`unescaped "&" at byte offset %d, use "&amp;"`, i)
			}
			out.WriteRune(r)
			offset += runeUTF16Len(r)
			i += n

		case text[i] == '<' && strings.HasPrefix(text[i:], "</"):
			name, next, err := parseEndTag(text, i)
			if err != nil {
				return formattedText{}, err
			}
			if len(stack) == 0 {
				return formattedText{}, fmt.Errorf("Unexpected end tag at byte offset %d", i)
			}
			top := stack[len(stack)-1]
			if top.name != name {
				return formattedText{}, fmt.Errorf(`Unmatched end tag at byte offset %d, expected "</%s>", found "</%s>"`, i, top.name, name)
			}
			stack = stack[:len(stack)-1]
			top.entity.Length = offset - top.entity.Offset
			if !top.merged && top.entity.Length > 0 && top.entity.Type != "" {
				entities = append(entities, top.entity)
			}
			i = next

		case text[i] == '<':
			tag, next, err := parseStartTag(text, i)
			if err != nil {
				return formattedText{}, err
			}
			tag.entity.Offset = offset
			if tag.name == "code" && len(stack) > 0 && stack[len(stack)-1].name == "pre" {
				if lang, ok := strings.CutPrefix(tag.entity.Language, "language-"); ok {
					stack[len(stack)-1].entity.Language = lang
					tag.merged = true
				}
			}
			tag.entity.Language = strings.TrimPrefix(tag.entity.Language, "language-")
			if tag.entity.Type != models.MessageEntityTypePre {
				tag.entity.Language = ""
			}
			stack = append(stack, tag)
			i = next

		default:
			r, n := utf8.DecodeRuneInString(text[i:])
			out.WriteRune(r)
			offset += runeUTF16Len(r)
			i += n
		}
	}
	if len(stack) > 0 {
		return formattedText{}, fmt.Errorf(`Can't find end tag corresponding to start tag "%s"`, stack[len(stack)-1].name)
	}
	sort.SliceStable(entities, func(a, b int) bool {
		if entities[a].Offset != entities[b].Offset {
			return entities[a].Offset < entities[b].Offset
		}
		return entities[a].Length > entities[b].Length
	})
	return formattedText{plain: out.String(), entities: entities}, nil
}

func isTagNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

// parseStartTag parses the tag starting with '<' at text[begin].
func parseStartTag(text string, begin int) (openTag, int, error) {
	i := begin + 1
	for i < len(text) && isTagNameByte(text[i]) {
		i++
	}
	name := strings.ToLower(text[begin+1 : i])
	entityType, supported := htmlTags[name]
	if !supported {
		return openTag{}, 0, fmt.Errorf(`Unsupported start tag "%s" at byte offset %d`, name, begin)
	}

	attrs := map[string]string{}
	for {
		for i < len(text) && isHTMLSpace(text[i]) {
			i++
		}
		if i >= len(text) {
			return openTag{}, 0, fmt.Errorf("Unclosed start tag at byte offset %d", begin)
		}
		if text[i] == '>' {
			i++
			break
		}
		nameStart := i
		for i < len(text) && isTagNameByte(text[i]) {
			i++
		}
		attr := strings.ToLower(text[nameStart:i])
		if attr == "" {
			return openTag{}, 0, fmt.Errorf(`Empty attribute name in the tag "%s" at byte offset %d`, name, begin)
		}
		for i < len(text) && isHTMLSpace(text[i]) {
			i++
		}
		if i >= len(text) || text[i] != '=' {
			attrs[attr] = "" // valueless attribute, e.g. <blockquote expandable>
			continue
		}
		i++
		for i < len(text) && isHTMLSpace(text[i]) {
			i++
		}
		if i >= len(text) {
			return openTag{}, 0, fmt.Errorf("Unclosed start tag at byte offset %d", begin)
		}
		var value string
		if q := text[i]; q == '"' || q == '\'' {
			end := strings.IndexByte(text[i+1:], q)
			if end < 0 {
				return openTag{}, 0, fmt.Errorf("Unclosed start tag at byte offset %d", begin)
			}
			value = unescapeAttribute(text[i+1 : i+1+end])
			i += end + 2
		} else {
			valueStart := i
			for i < len(text) && !isHTMLSpace(text[i]) && text[i] != '>' {
				i++
			}
			value = unescapeAttribute(text[valueStart:i])
		}
		attrs[attr] = value
	}

	tag := openTag{name: name, entity: models.MessageEntity{Type: entityType}}
	switch name {
	case "span":
		if attrs["class"] != "tg-spoiler" {
			return openTag{}, 0, fmt.Errorf(`Unsupported start tag "%s" at byte offset %d`, name, begin)
		}
	case "a":
		tag.entity.URL = attrs["href"]
		if tag.entity.URL == "" {
			tag.entity.Type = "" // a link without href is plain text
		}
	case "code", "pre":
		tag.entity.Language = attrs["class"]
	case "blockquote":
		if _, ok := attrs["expandable"]; ok {
			tag.entity.Type = models.MessageEntityTypeExpandableBlockquote
		}
	case "tg-emoji":
		tag.entity.CustomEmojiID = attrs["emoji-id"]
	}
	return tag, i, nil
}

// parseEndTag parses the tag starting with "</" at text[begin].
func parseEndTag(text string, begin int) (string, int, error) {
	i := begin + 2
	for i < len(text) && isTagNameByte(text[i]) {
		i++
	}
	name := strings.ToLower(text[begin+2 : i])
	for i < len(text) && isHTMLSpace(text[i]) {
		i++
	}
	if i >= len(text) || text[i] != '>' {
		return "", 0, fmt.Errorf("Unclosed end tag at byte offset %d", begin)
	}
	return name, i + 1, nil
}

// decodeHTMLEntity decodes the entity at the start of s ("&lt;", "&#1078;",
// "&#x44;"...). Telegram supports all numeric entities and only the named
// entities lt, gt, amp and quot.
func decodeHTMLEntity(s string) (r rune, n int, ok bool) {
	semi := strings.IndexByte(s, ';')
	if semi < 2 || semi > 12 {
		return 0, 0, false
	}
	name := s[1:semi]
	switch name {
	case "lt":
		return '<', semi + 1, true
	case "gt":
		return '>', semi + 1, true
	case "amp":
		return '&', semi + 1, true
	case "quot":
		return '"', semi + 1, true
	}
	digits, ok := strings.CutPrefix(name, "#")
	if !ok || digits == "" {
		return 0, 0, false
	}
	base := 10
	if hex, isHex := strings.CutPrefix(strings.ToLower(digits), "x"); isHex {
		digits, base = hex, 16
	}
	v, err := strconv.ParseUint(digits, base, 32)
	if err != nil || v == 0 || v > utf8.MaxRune || v >= 0xD800 && v <= 0xDFFF {
		return 0, 0, false
	}
	return rune(v), semi + 1, true
}

// unescapeAttribute decodes entities in an attribute value, keeping
// anything that does not decode.
func unescapeAttribute(v string) string {
	if !strings.Contains(v, "&") {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); {
		if v[i] == '&' {
			if r, n, ok := decodeHTMLEntity(v[i:]); ok {
				b.WriteRune(r)
				i += n
				continue
			}
		}
		b.WriteByte(v[i])
		i++
	}
	return b.String()
}
