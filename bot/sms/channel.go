package sms

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/locales"
)

// Counter counts, once per member, what a key has seen, for ttl (redis.Client).
type Counter interface {
	CountOnce(ctx context.Context, key, member string, ttl time.Duration) (int64, error)
}

// Channel is the SMS channel: it reads the SMS the webhook stored and sends the
// outbox through a Provider, as few segments as it can.
type Channel struct {
	provider Provider
	counter  Counter
	cap      int // SMS a day to one number, at most; 0: no cap
	now      func() time.Time
}

// NewChannel returns the channel sending through p, at most dailyCap SMS a day to
// one number (counted in counter; 0: no cap).
func NewChannel(p Provider, counter Counter, dailyCap int) *Channel {
	return &Channel{provider: p, counter: counter, cap: dailyCap, now: time.Now}
}

// Name is the channel's name.
func (c *Channel) Name() azizayol.Channel { return azizayol.SMS }

// Keywords that work in any step, in the three languages, whatever the case. STOP
// and START change what may be sent to her; MENU and HELP are the dialogs' (the menu
// word and the crisis words).
var (
	stopWords  = map[string]bool{"stop": true, "toxtat": true, "to'xtat": true, "стоп": true, "тўхтат": true, "тухтат": true}
	startWords = map[string]bool{"start": true, "boshlash": true, "старт": true, "бошлаш": true}
)

// keyword reads a message that is only a keyword: lower case, its apostrophes as "'",
// without the punctuation around it.
func keyword(text string) string {
	k := strings.ToLower(strings.TrimFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }))
	return strings.NewReplacer("ʻ", "'", "ʼ", "'", "’", "'", "‘", "'", "`", "'").Replace(k)
}

// Parse reads a stored SMS (an Incoming, as the webhook stored it): her number is
// her address. The script she writes in is the hint of her language at first contact.
func (c *Channel) Parse(payload []byte) (string, azizayol.Inbound, error) {
	var m Incoming
	if err := json.Unmarshal(payload, &m); err != nil {
		return "", azizayol.Inbound{}, fmt.Errorf("sms: decode stored SMS: %w", err)
	}
	if !ValidNumber(m.From) {
		return "", azizayol.Inbound{}, fmt.Errorf("sms: stored SMS from %q: not 998XXXXXXXXX", m.From)
	}
	in := m.Inbound()
	switch k := keyword(m.Text); {
	case stopWords[k]:
		in.Kind = azizayol.KindOptOut
	case startWords[k]:
		in.Kind = azizayol.KindOptIn
	}
	in.LangHint = string(Script(m.Text))
	return m.From, in, nil
}

// Script guesses the language of a text by its letters and words: Cyrillic with a
// letter only Uzbek has (ў қ ғ ҳ) or a common Uzbek word is Uzbek Cyrillic; with one
// only Russian has (ы щ), or neither, Russian; Latin is Uzbek Latin; "" when it has no
// letters. Phones often lack ў қ ғ ҳ, and "Салом" is Uzbek.
func Script(text string) azizayol.Lang {
	var latin, cyrillic, uzbek, russian int
	for _, r := range strings.ToLower(text) {
		switch {
		case strings.ContainsRune("ўқғҳ", r):
			uzbek++
			cyrillic++
		case strings.ContainsRune("ыщ", r):
			russian++
			cyrillic++
		case unicode.Is(unicode.Cyrillic, r):
			cyrillic++
		case unicode.Is(unicode.Latin, r):
			latin++
		}
	}
	switch {
	case cyrillic > latin && uzbek > 0:
		return azizayol.UzCyrl
	case cyrillic > latin && russian == 0 && hasUzbekWord(text):
		return azizayol.UzCyrl
	case cyrillic > latin:
		return azizayol.Ru
	case latin > 0:
		return azizayol.UzLatn
	}
	return ""
}

// uzbekWords are common words of Uzbek written in Cyrillic without ў қ ғ ҳ, that
// Russian does not have.
var uzbekWords = map[string]bool{
	"салом": true, "ассалому": true, "алайкум": true, "рахмат": true, "керак": true, "менга": true,
	"ёрдам": true, "йордам": true, "мурожаат": true, "маслахат": true, "иш": true, "ха": true, "йук": true,
	"мен": true, "сиз": true, "бор": true, "йок": true, "ва": true, "учун": true, "билан": true, "эмас": true,
	"аёл": true, "болам": true, "эрим": true, "уй": true, "жой": true,
}

func hasUzbekWord(text string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if uzbekWords[w] {
			return true
		}
	}
	return false
}

// Send sends one outbox message as one SMS text. The day's cap of SMS to her number
// is counted here, once per outbox message however often it is tried: the message that
// reaches the cap is replaced by a note saying when answers come again, and later ones
// that day are withheld (azizayol.ErrWithheld).
func (c *Channel) Send(ctx context.Context, m azizayol.OutboxMessage) (string, error) {
	text := Render(m.Message, m.Message.Lang)
	if text == "" {
		return "", nil // an acknowledgement alone: nothing to send on SMS
	}
	id := m.Ref
	if id == "" {
		id = "aa" + strconv.FormatInt(m.ID, 10)
	}
	if c.cap > 0 && !m.Message.Always {
		day := c.now().In(azizayol.Tashkent)
		// Keyed by her user, not her number: Redis keeps no phone numbers.
		n, err := c.counter.CountOnce(ctx, fmt.Sprintf("sms-cap:%d:%s", m.UserID, day.Format(time.DateOnly)), id, 48*time.Hour)
		if err != nil {
			return "", fmt.Errorf("sms: count today's SMS to user %d: %w", m.UserID, err)
		}
		switch {
		case n > int64(c.cap):
			return "", fmt.Errorf("sms: the day's cap of %d SMS is reached: %w", c.cap, azizayol.ErrWithheld)
		case n == int64(c.cap):
			if err := c.sendCapNote(ctx, m, id, day); err != nil {
				return "", err
			}
			return "", fmt.Errorf("sms: the day's cap of %d SMS reached, the note sent instead: %w", c.cap, azizayol.ErrWithheld)
		}
	}
	return c.provider.Send(ctx, m.Address, text, id)
}

// sendCapNote tells her that no more SMS come today, and from when they come again.
func (c *Channel) sendCapNote(ctx context.Context, m azizayol.OutboxMessage, id string, day time.Time) error {
	lang := m.Message.Lang
	if lang == "" {
		lang = azizayol.UzLatn
	}
	tomorrow := time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, azizayol.Tashkent)
	note, err := locales.Text(lang, "sms.cap", map[string]any{"Time": tomorrow.Format("02.01.2006 15:04")})
	if err != nil {
		return fmt.Errorf("sms: cap note: %w", err)
	}
	if _, err := c.provider.Send(ctx, m.Address, Render(azizayol.Outbound{Text: note}, lang), id+"c"); err != nil {
		// Not sent: the message stays to be tried again, and counted once.
		return err
	}
	return nil
}
