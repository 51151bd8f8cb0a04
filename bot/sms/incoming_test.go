package sms

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
)

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// keywords lead texts on a shared short code, in both scripts.
var keywords = []string{"aziz", "азиз"}

func TestParsePlayMobile(t *testing.T) {
	long := string(fixture(t, "long_text.txt"))
	sent := time.Date(2024, 3, 8, 9, 15, 42, 0, time.UTC)
	cases := []struct {
		file string
		want []Incoming
	}{
		{"playmobile_incoming.xml", []Incoming{{ID: "1107962", From: "998901234567", Text: "Menga maslahat kerak, qoʻngʻiroq qila olmayman", Sent: sent}}},
		{"playmobile_keyword.xml", []Incoming{{ID: "1107963", From: "998901234567", Text: "2", Sent: sent}}},
		{"playmobile_keyword_cyrillic.xml", []Incoming{{ID: "1107964", From: "998935550011", Text: "Ёрдам керак", Sent: sent}}},
		{"playmobile_two.xml", []Incoming{
			{ID: "1107965", From: "998901234567", Text: "MENYU", Sent: sent},
			{ID: "1107966", From: "998971234567", Text: "1", Sent: sent},
		}},
		{"playmobile_escaped.xml", []Incoming{{ID: "1107967", From: "998901234567", Text: "Er & xotin <ajrim>", Sent: sent}}},
		{"playmobile_long.xml", []Incoming{{ID: "1107972", From: "998901234567", Text: strings.TrimSpace(long), Sent: sent}}},
		// One broken character must not cost her the message: it is replaced.
		{"playmobile_broken_utf8.xml", []Incoming{{ID: "1107973", From: "998901234567", Text: "Yo\uFFFDrdam \uFFFD", Sent: sent}}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			got, skipped, err := ParsePlayMobile(fixture(t, c.file), keywords)
			if err != nil || len(skipped) != 0 {
				t.Fatal(err, skipped)
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %d messages, want %d: %+v", len(got), len(c.want), got)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("message %d:\n got %+v\nwant %+v", i, got[i], c.want[i])
				}
			}
		})
	}
}

func TestParsePlayMobileRefuses(t *testing.T) {
	cases := map[string]string{
		"playmobile_malformed.xml":      "XML syntax error",
		"playmobile_wrong_root.xml":     "expected element type <sms-request>",
		"playmobile_empty.xml":          "no message",
		"playmobile_no_id.xml":          "no message id",
		"playmobile_no_msisdn.xml":      "no number",
		"playmobile_foreign_number.xml": `number "79161234567"`,
	}
	for file, reason := range cases {
		t.Run(file, func(t *testing.T) {
			got, _, err := ParsePlayMobile(fixture(t, file), keywords)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), reason) || !strings.HasPrefix(err.Error(), "sms: playmobile: ") {
				t.Errorf("%+v, %v; want ErrInvalid saying %q", got, err, reason)
			}
		})
	}
}

func TestParseHTTPGateway(t *testing.T) {
	long := string(fixture(t, "long_text.txt"))
	cases := []struct {
		file string
		want Incoming
	}{
		{"http_incoming.json", Incoming{ID: "gw-in-5521", From: "998901234567", Text: "Ёрдам керак"}},
		{"http_plus.json", Incoming{ID: "gw-in-5522", From: "998971234567", Text: "1"}},
		{"http_long.json", Incoming{ID: "gw-in-5525", From: "998901234567", Text: strings.TrimSpace(long)}},
		{"http_broken_utf8.json", Incoming{ID: "gw-in-5526", From: "998901234567", Text: "Yo\uFFFDrdam \uFFFD"}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			got, err := ParseHTTPGateway(fixture(t, c.file))
			if err != nil || got != c.want {
				t.Errorf("\n got %+v %v\nwant %+v", got, err, c.want)
			}
		})
	}
	refused := map[string]string{
		"http_no_id.json":          "no message id",
		"http_foreign_number.json": `number "4915112345678"`,
		"http_malformed.json":      "invalid",
	}
	for file, reason := range refused {
		t.Run(file, func(t *testing.T) {
			got, err := ParseHTTPGateway(fixture(t, file))
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), reason) || !strings.HasPrefix(err.Error(), "sms: http: ") {
				t.Errorf("%+v, %v; want ErrInvalid saying %q", got, err, reason)
			}
		})
	}
}

func TestIncomingTextIsBounded(t *testing.T) {
	in := Incoming{ID: "1", From: "998901234567", Text: strings.Repeat("ж", MaxText+10)}
	if err := in.check(); err != nil {
		t.Fatal(err)
	}
	if n := len([]rune(in.Text)); n != MaxText {
		t.Errorf("kept %d characters, want %d", n, MaxText)
	}
}

func TestStripKeyword(t *testing.T) {
	cases := []struct{ in, want string }{
		{"AZIZ yordam", "yordam"},
		{"Aziz: 1", "1"},
		{"aziz", ""},
		{"AZIZA opa", "AZIZA opa"}, // a name, not the keyword
		{"АЗИЗ Ёрдам", "Ёрдам"},
		{"Азизбек", "Азизбек"},
		{"yordam aziz", "yordam aziz"},
	}
	for _, c := range cases {
		if got := stripKeyword(c.in, keywords); got != c.want {
			t.Errorf("stripKeyword(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := stripKeyword("AZIZ 1", nil); got != "AZIZ 1" {
		t.Errorf("no keywords configured: %q", got)
	}
}

func TestIncomingInbound(t *testing.T) {
	in := Incoming{ID: "1", From: "998901234567", Text: "2"}.Inbound()
	if in != (azizayol.Inbound{Kind: azizayol.KindText, Text: "2"}) {
		t.Errorf("%+v", in)
	}
}

// One message that cannot be read does not cost the others of the request.
func TestParsePlayMobileSkipsOne(t *testing.T) {
	body := []byte(`<sms-request version="1.0">
  <message id="1" msisdn="79161234567"><content type="text/plain">roaming</content></message>
  <message id="2" msisdn="998901234567"><content type="text/plain">Salom</content></message>
</sms-request>`)
	got, skipped, err := ParsePlayMobile(body, nil)
	if err != nil || len(got) != 1 || got[0].ID != "2" || len(skipped) != 1 || !errors.Is(skipped[0], ErrInvalid) {
		t.Errorf("%+v, %v, %v; want message 2, and 1 skipped", got, skipped, err)
	}
}
