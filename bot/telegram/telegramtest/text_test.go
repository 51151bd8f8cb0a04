package telegramtest

import (
	"reflect"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"
)

func TestParseHTML(t *testing.T) {
	tests := []struct {
		in       string
		plain    string
		entities []models.MessageEntity
	}{
		{in: "plain > text", plain: "plain > text"},
		{in: "&lt;b&gt; &amp; &quot;x&quot; &#1078;&#x436;", plain: `<b> & "x" жж`},
		{
			in:    "<b>bold <i>both</i></b> <a href=\"https://t.me/x?a=1&amp;b=2\">link</a>",
			plain: "bold both link",
			entities: []models.MessageEntity{
				{Type: "bold", Offset: 0, Length: 9},
				{Type: "italic", Offset: 5, Length: 4},
				{Type: "text_link", Offset: 10, Length: 4, URL: "https://t.me/x?a=1&b=2"},
			},
		},
		{
			in:       "😀<u>x</u>", // the emoji takes two UTF-16 units
			plain:    "😀x",
			entities: []models.MessageEntity{{Type: "underline", Offset: 2, Length: 1}},
		},
		{
			in:       `<pre><code class="language-go">x := 1</code></pre>`,
			plain:    "x := 1",
			entities: []models.MessageEntity{{Type: "pre", Offset: 0, Length: 6, Language: "go"}},
		},
		{
			in:    `<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler><blockquote expandable>q</blockquote>`,
			plain: "stq",
			entities: []models.MessageEntity{
				{Type: "spoiler", Offset: 0, Length: 1},
				{Type: "spoiler", Offset: 1, Length: 1},
				{Type: "expandable_blockquote", Offset: 2, Length: 1},
			},
		},
		{
			in:    "<STRONG>a</strong><em>b</em><ins>c</ins><s>d</s><strike>e</strike><del>f</del><code>g</code>",
			plain: "abcdefg",
			entities: []models.MessageEntity{
				{Type: "bold", Offset: 0, Length: 1}, {Type: "italic", Offset: 1, Length: 1},
				{Type: "underline", Offset: 2, Length: 1}, {Type: "strikethrough", Offset: 3, Length: 1},
				{Type: "strikethrough", Offset: 4, Length: 1}, {Type: "strikethrough", Offset: 5, Length: 1},
				{Type: "code", Offset: 6, Length: 1},
			},
		},
	}
	for _, tt := range tests {
		got, err := parseHTML(tt.in)
		if err != nil {
			t.Errorf("parseHTML(%q): %v", tt.in, err)
			continue
		}
		if got.plain != tt.plain || !reflect.DeepEqual(got.entities, tt.entities) {
			t.Errorf("parseHTML(%q) = %q %+v, want %q %+v", tt.in, got.plain, got.entities, tt.plain, tt.entities)
		}
	}
}

func TestParseHTMLErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1 < 2", `Unsupported start tag "" at byte offset 2`},
		{"<br>", `Unsupported start tag "br" at byte offset 0`},
		{`<span class="x">a</span>`, `Unsupported start tag "span"`},
		{"<b>a", `Can't find end tag corresponding to start tag "b"`},
		{"<b>a</i>", `Unmatched end tag at byte offset 4, expected "</b>", found "</i>"`},
		{"a</b>", "Unexpected end tag at byte offset 1"},
		{"<b", "Unclosed start tag at byte offset 0"},
		{"<b>a</b", "Unclosed end tag at byte offset 4"},
		{`<a href="x>y</a>`, "Unclosed start tag at byte offset 0"},
		{"Tom & Jerry", `unescaped "&" at byte offset 4`},
		{"&nbsp;", `unescaped "&" at byte offset 0`},
		{"&#0;", `unescaped "&"`},
		{"&lt", `unescaped "&"`},
	}
	for _, tt := range tests {
		_, err := parseHTML(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parseHTML(%q) error = %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestFormatTextLength(t *testing.T) {
	if _, err := formatText(" "+strings.Repeat("ж", 4096)+"\n", ""); err != nil {
		t.Errorf("surrounding whitespace must not count: %v", err.description)
	}
	if _, err := formatText(strings.Repeat("&amp;", 4096), "HTML"); err != nil {
		t.Errorf("entities count once: %v", err.description)
	}
	if _, err := formatText(strings.Repeat("&amp;", 4097), "html"); err == nil || err.description != "Bad Request: message is too long" {
		t.Errorf("4097 entities: %v", err)
	}
	if _, err := formatText("x", "XML"); err == nil || err.description != "Bad Request: unsupported parse_mode" {
		t.Errorf("unknown parse mode: %v", err)
	}
	if _, err := formatText("*not parsed*", "MarkdownV2"); err != nil {
		t.Errorf("markdown: %v", err.description)
	}
}
