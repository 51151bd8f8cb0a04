package azizayol

import (
	"errors"
	"fmt"
	"html"
	"regexp"
	"time"
)

// InboundKind says what a woman sent.
type InboundKind string

const (
	KindText      InboundKind = "text"      // typed text
	KindCommand   InboundKind = "command"   // /start, /help …: Command holds the name, Text the rest
	KindButton    InboundKind = "button"    // a pressed button: Data holds its data
	KindContact   InboundKind = "contact"   // a shared phone number
	KindLocation  InboundKind = "location"  // a shared location
	KindMedia     InboundKind = "media"     // a sticker, photo, voice …: Media holds the type, Text a caption
	KindBlocked   InboundKind = "blocked"   // she blocked the bot (Telegram my_chat_member "kicked")
	KindUnblocked InboundKind = "unblocked" // she unblocked it
	KindIgnored   InboundKind = "ignored"   // something that needs no answer (an edit, a service message)
	KindOptOut    InboundKind = "opt_out"   // STOP by SMS: send nothing more until START
	KindOptIn     InboundKind = "opt_in"    // START by SMS after a STOP
)

// Inbound is one thing a woman sent, in a form that knows no channel.
type Inbound struct {
	Kind      InboundKind `json:"kind"`
	Text      string      `json:"text,omitempty"`
	Command   string      `json:"command,omitempty"`
	Data      string      `json:"data,omitempty"`
	Phone     string      `json:"phone,omitempty"`
	Lat       float64     `json:"lat,omitempty"`
	Lon       float64     `json:"lon,omitempty"`
	Media     string      `json:"media,omitempty"`
	FileID    string      `json:"file_id,omitempty"`
	LangHint  string      `json:"lang_hint,omitempty"`  // the client's language, e.g. Telegram's language_code
	MessageID int         `json:"message_id,omitempty"` // the channel's id of her message, or of the message whose button she pressed
	Ack       string      `json:"ack,omitempty"`        // a token the channel wants acknowledged (Telegram's callback query id)
}

// Ask is a special reply keyboard a channel can offer.
type Ask string

const (
	AskContact  Ask = "contact"
	AskLocation Ask = "location"
)

// Button is one option under a message. Data is what comes back when it is pressed;
// channels without buttons show the options numbered.
type Button struct {
	Label string `json:"label"`
	Data  string `json:"data"`
}

// Outbound is one message to a woman, in a form every channel can render. Text is in
// Telegram's HTML subset (<b>, <i>, <a>); values from users are escaped before they get
// there. Ack, when set, acknowledges a pressed button first; a message may be an
// acknowledgement alone, with no Text.
type Outbound struct {
	Text    string     `json:"text,omitempty"`
	Buttons [][]Button `json:"buttons,omitempty"`
	Ask     Ask        `json:"ask,omitempty"`
	Edit    int        `json:"edit,omitempty"` // edit this earlier message instead of sending a new one
	// HideAsk takes away the keyboard an earlier Ask put up (a message without
	// buttons carries it).
	HideAsk bool   `json:"hide_ask,omitempty"`
	Ack     string `json:"ack,omitempty"` // acknowledge a pressed button (Telegram's callback query id)
	// Lang is the language it is written in (set when queued, from hers): channels
	// that must pick an alphabet or add a text of their own read it.
	Lang Lang `json:"lang,omitempty"`
	// Always: sent even when she has opted out — the confirmation of her STOP, and the
	// hotline numbers she asks for after it.
	Always bool `json:"always,omitempty"`
	// Notice: an agency's word on her appeal (an answer, a change of status). Held back
	// by her STOP, it is queued again when she sends START.
	Notice bool `json:"notice,omitempty"`
	// AppealMessage: the id of the agency's answer this message carries, so the
	// console shows what became of it.
	AppealMessage int64 `json:"appeal_message,omitempty"`
	// DeleteAfter: seconds after it is sent, the message deletes itself (the one line
	// that confirms a cleared chat).
	DeleteAfter int `json:"delete_after,omitempty"`
}

// SMSChars is how many characters a message by SMS may take: three segments, of 153
// GSM-7 characters in Uzbek Latin (bot/sms writes it in GSM-7) or of 67 UCS-2 ones in
// Cyrillic and Russian. The dialogs fit their prompts in it and the processor splits
// longer messages at it.
func SMSChars(lang Lang) int {
	if lang == UzLatn {
		return 3 * 153
	}
	return 3 * 67
}

// Errors a channel returns from Send, so the outbox reads like its policy.
var (
	// ErrRecipientBlocked: she blocked the bot or her account is gone. Stop sending.
	ErrRecipientBlocked = errors.New("recipient blocked the bot")
	// ErrRejected: the channel refused this message for good (bad request). Retrying
	// will not help.
	ErrRejected = errors.New("message rejected by the channel")
	// ErrUnreadable: a stored update cannot be read. It is kept, marked with the
	// reason, and not tried again.
	ErrUnreadable = errors.New("unreadable update")
	// ErrWithheld: the channel did not send this message on purpose (the day's cap of
	// SMS to her number) and it is not to be tried again.
	ErrWithheld = errors.New("message withheld")
)

// ThrottledError: the channel asks us to wait before sending again.
type ThrottledError struct {
	RetryAfter time.Duration
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("throttled: retry after %s", e.RetryAfter)
}

// markup matches the tags of Telegram's HTML subset, and nothing else: a stray "<" in
// a text is kept.
var markup = regexp.MustCompile(`</?(b|strong|i|em|u|ins|s|strike|del|a|code|pre|tg-spoiler|tg-emoji|span|blockquote)(\s[^<>]*)?>`)

// PlainText is the message's text without markup, as she reads it: for channels
// without formatting, and when a channel refuses the markup.
func (m Outbound) PlainText() string {
	return html.UnescapeString(markup.ReplaceAllString(m.Text, ""))
}
