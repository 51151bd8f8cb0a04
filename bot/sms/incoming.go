package sms

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/azizayol/azizayol"
)

// Incoming is one SMS a woman sent, as any provider delivers it.
type Incoming struct {
	ID   string    `json:"id"`            // the provider's message id: unique per provider, the inbox's ExternalID
	From string    `json:"from"`          // her number, 998XXXXXXXXX: her address on the channel
	Text string    `json:"text"`          // what she wrote, keyword stripped
	Sent time.Time `json:"sent,omitzero"` // when the provider says she sent it (UTC), if it says
}

// Inbound is what she sent, for the dialogs: on SMS everything is typed text; a
// number answering a menu is matched to its option later, by who knows the menu.
func (m Incoming) Inbound() azizayol.Inbound {
	return azizayol.Inbound{Kind: azizayol.KindText, Text: m.Text}
}

// ErrInvalid marks an incoming webhook that cannot be taken: the webhook answers it
// with a 400 and stores nothing.
var ErrInvalid = errors.New("invalid incoming SMS")

// MaxText is the longest incoming text kept, in characters; the rest is cut. A
// concatenated SMS is rarely over a thousand; this only bounds what a forged or
// broken request can make us store.
const MaxText = 4096

// playMobileRequest is Play Mobile's incoming SMS:
//
//	<sms-request version="1.0">
//	  <message id="1107962" msisdn="998XXXXXXXXX" submit-date="2016-11-22 15:10:32">
//	    <content type="text/plain">TEXT</content>
//	  </message>
//	</sms-request>
type playMobileRequest struct {
	XMLName  xml.Name `xml:"sms-request"`
	Messages []struct {
		ID         string `xml:"id,attr"`
		MSISDN     string `xml:"msisdn,attr"`
		SubmitDate string `xml:"submit-date,attr"`
		Content    struct {
			Text string `xml:",chardata"`
		} `xml:"content"`
	} `xml:"message"`
}

// ParsePlayMobile reads the SMS of a Play Mobile webhook (usually one). keywords are
// the prefixes that lead texts on a shared short code ("AZIZ yordam"): the first one
// found is stripped, in any case. A message without its id or a valid number is
// skipped, with the reason in skipped, and the others are read: aggregators do not
// send a refused request again, so one bad message must not cost the rest. err is set
// when the request is not Play Mobile's or holds no message that can be read.
func ParsePlayMobile(body []byte, keywords []string) (msgs []Incoming, skipped []error, err error) {
	var req playMobileRequest
	if err := xml.Unmarshal(repairUTF8(body), &req); err != nil {
		return nil, nil, fmt.Errorf("sms: playmobile: %w: %v", ErrInvalid, err)
	}
	if len(req.Messages) == 0 {
		return nil, nil, fmt.Errorf("sms: playmobile: %w: no message", ErrInvalid)
	}
	for _, m := range req.Messages {
		in := Incoming{ID: strings.TrimSpace(m.ID), From: number(m.MSISDN), Text: m.Content.Text}
		if err := in.check(); err != nil {
			skipped = append(skipped, fmt.Errorf("sms: playmobile: %w", err))
			continue
		}
		in.Text = stripKeyword(in.Text, keywords)
		// Play Mobile gives times in UTC.
		if t, err := time.Parse(time.DateTime, strings.TrimSpace(m.SubmitDate)); err == nil {
			in.Sent = t
		}
		msgs = append(msgs, in)
	}
	if len(msgs) == 0 {
		return nil, skipped, skipped[0]
	}
	return msgs, skipped, nil
}

// ParseHTTPGateway reads the SMS of our plain HTTP gateway's webhook:
// {"id":"…","from":"998XXXXXXXXX","text":"…"}.
func ParseHTTPGateway(body []byte) (Incoming, error) {
	var m struct {
		ID   string `json:"id"`
		From string `json:"from"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal(repairUTF8(body), &m); err != nil {
		return Incoming{}, fmt.Errorf("sms: http: %w: %v", ErrInvalid, err)
	}
	in := Incoming{ID: strings.TrimSpace(m.ID), From: number(m.From), Text: m.Text}
	if err := in.check(); err != nil {
		return Incoming{}, fmt.Errorf("sms: http: %w", err)
	}
	return in, nil
}

// check refuses a message without an id or with a number not Uzbek, and makes its
// text what is kept: trimmed, and at most MaxText characters.
func (m *Incoming) check() error {
	switch {
	case m.ID == "":
		return fmt.Errorf("%w: no message id", ErrInvalid)
	case m.From == "":
		return fmt.Errorf("%w: message %s: no number", ErrInvalid, m.ID)
	case !ValidNumber(m.From):
		return fmt.Errorf("%w: message %s: number %q is not 998XXXXXXXXX", ErrInvalid, m.ID, m.From)
	}
	m.Text = strings.TrimSpace(m.Text)
	if utf8.RuneCountInString(m.Text) > MaxText {
		m.Text = string([]rune(m.Text)[:MaxText])
	}
	return nil
}

// number trims what aggregators put around a number: spaces and a "+".
func number(s string) string {
	return strings.TrimPrefix(strings.TrimSpace(s), "+")
}

// repairUTF8 replaces bytes that are not UTF-8 (a phone or a gateway that mangled a
// character) with U+FFFD: one broken character must not cost her the whole message.
func repairUTF8(body []byte) []byte {
	if utf8.Valid(body) {
		return body
	}
	return bytes.ToValidUTF8(body, []byte("\uFFFD"))
}

// stripKeyword removes the first of keywords that leads text as a word of its own
// ("AZIZ yordam", "aziz: yordam", "Aziz"), ignoring case; "AZIZA" keeps its A.
func stripKeyword(text string, keywords []string) string {
	for _, k := range keywords {
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		rest, ok := cutPrefixFold(text, k)
		if !ok {
			continue
		}
		if r, _ := utf8.DecodeRuneInString(rest); rest != "" && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			continue // the keyword is only the start of a longer word
		}
		return strings.TrimLeftFunc(rest, func(r rune) bool {
			return unicode.IsSpace(r) || strings.ContainsRune(":,.-", r)
		})
	}
	return text
}

// cutPrefixFold is strings.CutPrefix ignoring case, rune by rune: a lower-cased
// Cyrillic prefix need not be as long in bytes as the text it matches.
func cutPrefixFold(s, prefix string) (string, bool) {
	for _, p := range prefix {
		r, size := utf8.DecodeRuneInString(s)
		if size == 0 || !(r == p || unicode.ToLower(r) == unicode.ToLower(p)) {
			return s, false
		}
		s = s[size:]
	}
	return s, true
}
