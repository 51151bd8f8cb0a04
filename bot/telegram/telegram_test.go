package telegram

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/bot/telegram/telegramtest"
)

const token = "123456:TEST-token"

func newChannel(t *testing.T) (*Telegram, *telegramtest.Server) {
	fake := telegramtest.New(t, token)
	tg, err := New(token, fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	return tg, fake
}

func TestSendMapsTelegramAnswers(t *testing.T) {
	tg, fake := newChannel(t)
	ctx := context.Background()
	msg := azizayol.Outbound{Text: "<b>Salom</b> &amp; xush kelibsiz", Buttons: [][]azizayol.Button{{{Label: "Menyu", Data: "*:menu"}}}}

	id, err := send(tg, ctx, "42", msg)
	if err != nil || id == "" {
		t.Fatalf("send: %q %v", id, err)
	}
	got := fake.Sent(42)[0]
	if got.PlainText != "Salom & xush kelibsiz" || got.Keyboard[0][0].Data != "*:menu" {
		t.Errorf("sent %+v", got)
	}

	cases := []struct {
		status, retryAfter int
		check              func(error) bool
		what               string
	}{
		{http.StatusTooManyRequests, 3, func(err error) bool {
			var th *azizayol.ThrottledError
			return errors.As(err, &th) && th.RetryAfter == 3*time.Second
		}, "throttled for retry_after"},
		{http.StatusForbidden, 0, func(err error) bool { return errors.Is(err, azizayol.ErrRecipientBlocked) }, "blocked"},
		{http.StatusInternalServerError, 0, func(err error) bool {
			return err != nil && !errors.Is(err, azizayol.ErrRejected) && !errors.Is(err, azizayol.ErrRecipientBlocked)
		}, "temporary"},
	}
	for _, c := range cases {
		fake.FailNext(43, c.status, c.retryAfter, 1)
		_, err := send(tg, ctx, "43", azizayol.Outbound{Text: "x"})
		if !c.check(err) {
			t.Errorf("HTTP %d: %v, want %s", c.status, err, c.what)
		}
	}
	if _, err := send(tg, ctx, "not-a-chat", msg); !errors.Is(err, azizayol.ErrRejected) {
		t.Errorf("bad chat id: %v, want rejected", err)
	}
}

// Markup Telegram refuses must not cost her the reply: it goes as plain text.
func TestSendFallsBackToPlainText(t *testing.T) {
	tg, fake := newChannel(t)
	// A stray "<" (a slip in a text) makes Telegram refuse the HTML; her reading
	// keeps every character but the tags.
	if _, err := send(tg, context.Background(), "44", azizayol.Outbound{Text: "<b>Oʻqing</b>: 1 < 2 &amp; 1146"}); err != nil {
		t.Fatal(err)
	}
	sent := fake.Sent(44)
	if len(sent) != 1 || sent[0].Text != "Oʻqing: 1 < 2 & 1146" || sent[0].ParseMode != "" {
		t.Fatalf("sent %+v", sent)
	}
}

// A pressed button is acknowledged with the first reply; a query too old to answer
// does not stop the reply.
func TestSendAcknowledgesButtons(t *testing.T) {
	tg, fake := newChannel(t)
	up := fake.PressButton(45, 1, "1:ru")
	cb := fake.CallbackID(up)
	if _, err := send(tg, context.Background(), "45", azizayol.Outbound{Ack: cb, Text: "Меню"}); err != nil {
		t.Fatal(err)
	}
	if !fake.Answered(cb) || len(fake.Sent(45)) != 1 {
		t.Errorf("answered %v, sent %d", fake.Answered(cb), len(fake.Sent(45)))
	}
	if _, err := send(tg, context.Background(), "45", azizayol.Outbound{Ack: cb, Text: "again"}); err != nil {
		t.Errorf("a second answer to the same query: %v, want the text sent anyway", err)
	}
	if len(fake.Sent(45)) != 2 {
		t.Errorf("sent %d", len(fake.Sent(45)))
	}
}

// A page turn edits the message in place; a message gone or past Telegram's 48-hour
// edit window gets the page as a new message instead of nothing.
func TestSendEditsOrSendsAnew(t *testing.T) {
	tg, fake := newChannel(t)
	ctx := context.Background()
	id, err := send(tg, ctx, "46", azizayol.Outbound{Text: "page 1", Buttons: [][]azizayol.Button{{{Label: "▶️", Data: "3:next"}}}})
	if err != nil {
		t.Fatal(err)
	}
	var msgID int
	fmt.Sscan(id, &msgID)
	if _, err := send(tg, ctx, "46", azizayol.Outbound{Text: "page 2", Edit: msgID}); err != nil {
		t.Fatal(err)
	}
	if m, _ := fake.Message(46, msgID); !m.Edited || m.PlainText != "page 2" || len(fake.Sent(46)) != 1 {
		t.Fatalf("edit in place: %+v, %d sent", m, len(fake.Sent(46)))
	}
	now := time.Now()
	fake.SetNow(func() time.Time { return now.Add(49 * time.Hour) })
	if _, err := send(tg, ctx, "46", azizayol.Outbound{Text: "page 3", Edit: msgID}); err != nil {
		t.Fatal(err)
	}
	if sent := fake.Sent(46); len(sent) != 2 || sent[1].PlainText != "page 3" {
		t.Fatalf("after 48 hours: %+v", sent)
	}
}

func TestParse(t *testing.T) {
	tg, _ := newChannel(t)
	cases := []struct {
		name, update string
		address      string
		want         azizayol.Inbound
	}{
		{"text", `{"update_id":1,"message":{"message_id":7,"from":{"id":5,"language_code":"ru"},"chat":{"id":5,"type":"private"},"text":"Salom"}}`,
			"5", azizayol.Inbound{Kind: azizayol.KindText, Text: "Salom", MessageID: 7, LangHint: "ru"}},
		{"command with bot name and payload", `{"update_id":2,"message":{"message_id":8,"from":{"id":5},"chat":{"id":5,"type":"private"},"text":"/Start@AzizAyolBot ru","entities":[{"type":"bot_command","offset":0,"length":18}]}}`,
			"5", azizayol.Inbound{Kind: azizayol.KindCommand, Command: "start", Text: "ru", MessageID: 8}},
		{"button", `{"update_id":3,"callback_query":{"id":"cb1","from":{"id":5},"message":{"message_id":9,"date":1,"chat":{"id":5,"type":"private"}},"data":"3:ru"}}`,
			"5", azizayol.Inbound{Kind: azizayol.KindButton, Data: "3:ru", Ack: "cb1", MessageID: 9}},
		{"sticker", `{"update_id":4,"message":{"message_id":10,"from":{"id":5},"chat":{"id":5,"type":"private"},"sticker":{"file_id":"F","file_unique_id":"U","type":"regular","width":1,"height":1,"is_animated":false,"is_video":false}}}`,
			"5", azizayol.Inbound{Kind: azizayol.KindMedia, Media: "sticker", FileID: "F", MessageID: 10}},
		{"photo with a caption", `{"update_id":5,"message":{"message_id":11,"from":{"id":5},"chat":{"id":5,"type":"private"},"photo":[{"file_id":"S","file_unique_id":"s","width":1,"height":1},{"file_id":"L","file_unique_id":"l","width":9,"height":9}],"caption":"yordam"}}`,
			"5", azizayol.Inbound{Kind: azizayol.KindMedia, Media: "photo", FileID: "L", Text: "yordam", MessageID: 11}},
		{"her own contact", `{"update_id":6,"message":{"message_id":12,"from":{"id":5},"chat":{"id":5,"type":"private"},"contact":{"phone_number":"998901234567","first_name":"A","user_id":5}}}`,
			"5", azizayol.Inbound{Kind: azizayol.KindContact, Phone: "998901234567", MessageID: 12}},
		{"someone else's contact", `{"update_id":7,"message":{"message_id":13,"from":{"id":5},"chat":{"id":5,"type":"private"},"contact":{"phone_number":"998901234567","first_name":"B","user_id":6}}}`,
			"5", azizayol.Inbound{Kind: azizayol.KindMedia, Media: "contact", Phone: "998901234567", MessageID: 13}},
		{"location", `{"update_id":8,"message":{"message_id":14,"from":{"id":5},"chat":{"id":5,"type":"private"},"location":{"latitude":41.3,"longitude":69.2}}}`,
			"5", azizayol.Inbound{Kind: azizayol.KindLocation, Lat: 41.3, Lon: 69.2, MessageID: 14}},
		{"blocked", `{"update_id":9,"my_chat_member":{"chat":{"id":5,"type":"private"},"from":{"id":5},"date":1,"old_chat_member":{"status":"member","user":{"id":1}},"new_chat_member":{"status":"kicked","user":{"id":1},"until_date":0}}}`,
			"5", azizayol.Inbound{Kind: azizayol.KindBlocked}},
		{"unblocked", `{"update_id":10,"my_chat_member":{"chat":{"id":5,"type":"private"},"from":{"id":5},"date":1,"old_chat_member":{"status":"kicked","user":{"id":1},"until_date":0},"new_chat_member":{"status":"member","user":{"id":1}}}}`,
			"5", azizayol.Inbound{Kind: azizayol.KindUnblocked}},
		{"a group message", `{"update_id":11,"message":{"message_id":15,"from":{"id":5},"chat":{"id":-100,"type":"group"},"text":"hi"}}`,
			"", azizayol.Inbound{Kind: azizayol.KindIgnored}},
		{"an edit", `{"update_id":12,"edited_message":{"message_id":16,"from":{"id":5},"chat":{"id":5,"type":"private"},"text":"yordam"}}`,
			"", azizayol.Inbound{Kind: azizayol.KindIgnored}},
	}
	for _, c := range cases {
		address, in, err := tg.Parse([]byte(c.update))
		if err != nil || address != c.address || in != c.want {
			t.Errorf("%s: %q %+v %v\nwant %q %+v", c.name, address, in, err, c.address, c.want)
		}
		e, err := entry([]byte(c.update))
		if err != nil || !strings.HasPrefix(e.UserKey, "telegram:") {
			t.Errorf("%s: entry %+v %v", c.name, e, err)
		}
	}
	if _, _, err := tg.Parse([]byte("{broken")); err == nil {
		t.Error("broken JSON parsed")
	}
}

// send hands msg to the channel as the outbox does.
func send(tg *Telegram, ctx context.Context, address string, msg azizayol.Outbound) (string, error) {
	return tg.Send(ctx, azizayol.OutboxMessage{ID: 1, UserID: 1, Channel: azizayol.Telegram, Address: address, Message: msg})
}
