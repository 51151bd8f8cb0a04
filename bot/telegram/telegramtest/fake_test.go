package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

const testToken = "123456:TEST-token"

// newBot returns a go-telegram/bot client talking to srv.
func newBot(t *testing.T, srv *Server) *bot.Bot {
	t.Helper()
	b, err := bot.New(testToken, bot.WithServerURL(srv.URL()), bot.WithSkipGetMe())
	if err != nil {
		t.Fatalf("bot.New: %v", err)
	}
	return b
}

// rawResponse is a Bot API answer decoded by hand.
type rawResponse struct {
	Status      int             `json:"-"`
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// postJSON calls a method with a JSON body, as the project's poller does.
func postJSON(t *testing.T, ctx context.Context, url string, body any) rawResponse {
	t.Helper()
	r, err := doJSON(ctx, url, body)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// doJSON is postJSON for goroutines, where t.Fatal must not be called.
func doJSON(ctx context.Context, url string, body any) (rawResponse, error) {
	var r rawResponse
	data, err := json.Marshal(body)
	if err != nil {
		return r, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(data))
	if err != nil {
		return r, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return r, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &r); err != nil {
		return r, fmt.Errorf("POST %s: undecodable answer %q: %w", url, raw, err)
	}
	r.Status = resp.StatusCode
	return r, nil
}

func methodURL(srv *Server, method string) string {
	return srv.URL() + "/bot" + testToken + "/" + method
}

// getUpdates calls getUpdates with a JSON body and decodes the updates.
func getUpdates(t *testing.T, srv *Server, body map[string]any) []models.Update {
	t.Helper()
	r := postJSON(t, context.Background(), methodURL(srv, "getUpdates"), body)
	if !r.OK {
		t.Fatalf("getUpdates: %d %s", r.ErrorCode, r.Description)
	}
	var updates []models.Update
	if err := json.Unmarshal(r.Result, &updates); err != nil {
		t.Fatalf("getUpdates result %s: %v", r.Result, err)
	}
	return updates
}

func updateIDs(updates []models.Update) []int64 {
	var ids []int64
	for _, u := range updates {
		ids = append(ids, u.ID)
	}
	return ids
}

func keyboard(rows ...[]models.InlineKeyboardButton) *models.InlineKeyboardMarkup {
	return &models.InlineKeyboardMarkup{InlineKeyboard: rows}
}

func wantErrContains(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error = %v, want it to contain %q", err, want)
	}
}

func TestAuthAndRouting(t *testing.T) {
	srv := New(t, testToken)
	ctx := context.Background()

	r := postJSON(t, ctx, srv.URL()+"/botWRONG/getMe", map[string]any{})
	if r.Status != 401 || r.OK || r.ErrorCode != 401 || r.Description != "Unauthorized" {
		t.Fatalf("wrong token: %+v", r)
	}
	r = postJSON(t, ctx, methodURL(srv, "sendPoll"), map[string]any{})
	if r.Status != 404 || r.Description != "Not Found" {
		t.Fatalf("unknown method: %+v", r)
	}

	// Without WithSkipGetMe the library calls getMe (multipart, no params).
	b, err := bot.New(testToken, bot.WithServerURL(srv.URL()))
	if err != nil {
		t.Fatalf("bot.New with getMe: %v", err)
	}
	me, err := b.GetMe(ctx)
	if err != nil || me.ID != 123456 || !me.IsBot {
		t.Fatalf("GetMe = %+v, %v", me, err)
	}
	// Every request counts, including the one with the wrong token.
	if got := srv.Calls("getMe"); got != 3 {
		t.Fatalf("Calls(getMe) = %d, want 3", got)
	}
}

func TestSendEditDeleteThroughLibrary(t *testing.T) {
	srv := New(t, testToken)
	b := newBot(t, srv)
	ctx := context.Background()

	srv.SendText(42, "ru", "hi") // message 1, from the user
	sent, err := b.SendMessage(ctx, &bot.SendMessageParams{
		ChatID:      42,
		Text:        "<b>Меню</b> &amp; more",
		ParseMode:   models.ParseModeHTML,
		ReplyMarkup: keyboard([]models.InlineKeyboardButton{{Text: "Next", CallbackData: "menu:next"}}),
	})
	if err != nil {
		t.Fatalf("SendMessage: %v", err)
	}
	if sent.ID != 2 || sent.Text != "Меню & more" || len(sent.Entities) != 1 || sent.Entities[0].Type != models.MessageEntityTypeBold || sent.Entities[0].Length != 4 {
		t.Fatalf("returned message = %+v", sent)
	}
	if sent.ReplyMarkup == nil || sent.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "menu:next" {
		t.Fatalf("returned markup = %+v", sent.ReplyMarkup)
	}
	msgs := srv.Messages(42)
	if len(msgs) != 1 || msgs[0].PlainText != "Меню & more" || msgs[0].ParseMode != "HTML" {
		t.Fatalf("Messages = %+v", msgs)
	}
	if btn, ok := msgs[0].FindButton("Next"); !ok || btn.Data != "menu:next" {
		t.Fatalf("FindButton = %+v, %v", btn, ok)
	}

	// Same text and markup: not modified.
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{
		ChatID: 42, MessageID: sent.ID, Text: "<b>Меню</b> &amp; more", ParseMode: models.ParseModeHTML,
		ReplyMarkup: keyboard([]models.InlineKeyboardButton{{Text: "Next", CallbackData: "menu:next"}}),
	})
	wantErrContains(t, err, "Bad Request: message is not modified")

	// Same text without reply_markup removes the keyboard: a modification.
	edited, err := b.EditMessageText(ctx, &bot.EditMessageTextParams{
		ChatID: 42, MessageID: sent.ID, Text: "<b>Меню</b> &amp; more", ParseMode: models.ParseModeHTML,
	})
	if err != nil || edited.ReplyMarkup != nil || edited.EditDate == 0 {
		t.Fatalf("EditMessageText = %+v, %v", edited, err)
	}
	if m := srv.Messages(42)[0]; !m.Edited || m.Keyboard != nil {
		t.Fatalf("after edit: %+v", m)
	}

	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: 42, MessageID: 99, Text: "x"})
	wantErrContains(t, err, "Bad Request: message to edit not found")
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: 42, MessageID: 1, Text: "x"})
	wantErrContains(t, err, "Bad Request: message can't be edited")

	if ok, err := b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: 42, MessageID: sent.ID}); err != nil || !ok {
		t.Fatalf("DeleteMessage = %v, %v", ok, err)
	}
	_, err = b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: 42, MessageID: sent.ID})
	wantErrContains(t, err, "Bad Request: message to delete not found")
	// The bot may delete the user's messages in a private chat too.
	if _, err := b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: 42, MessageID: 1}); err != nil {
		t.Fatalf("deleting the user's message: %v", err)
	}

	if msgs := srv.Messages(42); len(msgs) != 0 {
		t.Fatalf("Messages after delete = %+v", msgs)
	}
	all := srv.Sent(42)
	if len(all) != 1 || !all[0].Deleted || !all[0].Edited || all[0].Keyboard == nil {
		t.Fatalf("Sent = %+v (want the original, flagged edited and deleted)", all)
	}
	if user, ok := srv.Message(42, 1); !ok || user.FromBot || !user.Deleted || user.Text != "hi" {
		t.Fatalf("Message(42, 1) = %+v, %v", user, ok)
	}
}

func TestEditReplyMarkupAndDeleteMessages(t *testing.T) {
	srv := New(t, testToken)
	b := newBot(t, srv)
	ctx := context.Background()

	m1, _ := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 7, Text: "one"})
	m2, _ := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 7, Text: "two"})
	_, err := b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: 7, MessageID: m1.ID})
	wantErrContains(t, err, "message is not modified")
	_, err = b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{
		ChatID: 7, MessageID: m1.ID,
		ReplyMarkup: keyboard([]models.InlineKeyboardButton{{Text: "Site", URL: "https://example.com"}}),
	})
	if err != nil {
		t.Fatalf("EditMessageReplyMarkup: %v", err)
	}
	if kb := srv.Messages(7)[0].Keyboard; len(kb) != 1 || kb[0][0].URL != "https://example.com" {
		t.Fatalf("keyboard = %+v", kb)
	}

	ok, err := b.DeleteMessages(ctx, &bot.DeleteMessagesParams{ChatID: 7, MessageIDs: []int{m1.ID, m2.ID, 999}})
	if err != nil || !ok {
		t.Fatalf("DeleteMessages = %v, %v", ok, err)
	}
	if msgs := srv.Messages(7); len(msgs) != 0 {
		t.Fatalf("Messages = %+v", msgs)
	}
}

func TestJSONRequests(t *testing.T) {
	srv := New(t, testToken)
	r := postJSON(t, context.Background(), methodURL(srv, "sendMessage"), map[string]any{
		"chat_id":      5,
		"text":         "hello",
		"reply_markup": map[string]any{"inline_keyboard": [][]map[string]any{{{"text": "A", "callback_data": "a"}}}},
	})
	if !r.OK {
		t.Fatalf("sendMessage: %+v", r)
	}
	// reply_markup may also be a JSON-encoded string.
	r = postJSON(t, context.Background(), methodURL(srv, "sendMessage"), map[string]any{
		"chat_id":      "5",
		"text":         "again",
		"reply_markup": `{"keyboard":[["Share",{"text":"Cancel"}]],"resize_keyboard":true}`,
	})
	if !r.OK {
		t.Fatalf("sendMessage: %+v", r)
	}
	msgs := srv.Messages(5)
	if len(msgs) != 2 || msgs[0].Keyboard[0][0].Data != "a" || msgs[1].ReplyKeyboard[0][1] != "Cancel" {
		t.Fatalf("Messages = %+v", msgs)
	}
}

func TestGetUpdatesConfirmation(t *testing.T) {
	srv := New(t, testToken)
	id1 := srv.SendText(1, "", "a")
	id2 := srv.SendCommand(1, "en", "/start ru")
	id3 := srv.SendSticker(1)
	if id2 != id1+1 || id3 != id2+1 {
		t.Fatalf("update ids %d %d %d are not consecutive", id1, id2, id3)
	}

	ups := getUpdates(t, srv, map[string]any{})
	if got := updateIDs(ups); len(got) != 3 || got[0] != id1 {
		t.Fatalf("first getUpdates = %v", got)
	}
	if u := ups[0].Message; u.Chat.ID != 1 || u.From.ID != 1 || u.From.FirstName != "Test" || u.From.LanguageCode != "uz" || u.Date == 0 {
		t.Fatalf("first message = %+v", u)
	}
	if m := ups[1].Message; m.From.LanguageCode != "en" || len(m.Entities) != 1 || m.Entities[0].Type != "bot_command" || m.Entities[0].Length != 6 {
		t.Fatalf("command message = %+v", m)
	}
	if ups[2].Message.Sticker == nil || ups[2].Message.From.LanguageCode != "en" {
		t.Fatalf("sticker message = %+v (language must stick)", ups[2].Message)
	}

	// Nothing confirmed yet: the same updates come again.
	if got := updateIDs(getUpdates(t, srv, map[string]any{"limit": 1})); len(got) != 1 || got[0] != id1 {
		t.Fatalf("repeated getUpdates = %v", got)
	}
	// offset confirms everything below it.
	if got := updateIDs(getUpdates(t, srv, map[string]any{"offset": id2})); len(got) != 2 || got[0] != id2 {
		t.Fatalf("getUpdates offset=id2 = %v", got)
	}
	if srv.Pending() != 2 {
		t.Fatalf("Pending = %d, want 2", srv.Pending())
	}
	if got := getUpdates(t, srv, map[string]any{"offset": id3 + 1}); len(got) != 0 {
		t.Fatalf("getUpdates after the last = %v", updateIDs(got))
	}
	if srv.Pending() != 0 {
		t.Fatalf("Pending = %d, want 0", srv.Pending())
	}

	// A negative offset keeps only the last -offset updates.
	srv.SendText(1, "", "x")
	srv.SendText(1, "", "y")
	last := srv.SendText(1, "", "z")
	if got := updateIDs(getUpdates(t, srv, map[string]any{"offset": -1})); len(got) != 1 || got[0] != last {
		t.Fatalf("getUpdates offset=-1 = %v", got)
	}
	if srv.Pending() != 1 {
		t.Fatalf("Pending after offset=-1 = %d, want 1", srv.Pending())
	}
}

func TestGetUpdatesMultipartAndIncomingKinds(t *testing.T) {
	srv := New(t, testToken)
	srv.SendPhoto(9, "caption")
	srv.SendContact(9, "+998901234567")
	srv.SendLocation(9, 41.3, 69.2)

	// multipart/form-data, the encoding go-telegram/bot uses.
	var body bytes.Buffer
	form := multipart.NewWriter(&body)
	_ = form.WriteField("limit", "10")
	_ = form.WriteField("allowed_updates", `["message"]`)
	_ = form.Close()
	resp, err := http.Post(methodURL(srv, "getUpdates"), form.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		OK     bool            `json:"ok"`
		Result []models.Update `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || !r.OK {
		t.Fatalf("getUpdates: %+v, %v", r, err)
	}
	ups := r.Result
	if len(ups) != 3 || ups[0].Message.Caption != "caption" || len(ups[0].Message.Photo) == 0 ||
		ups[1].Message.Contact.PhoneNumber != "+998901234567" || ups[1].Message.Contact.UserID != 9 ||
		ups[2].Message.Location.Latitude != 41.3 {
		t.Fatalf("updates = %+v", ups)
	}
	if first, last := ups[0].Message.ID, ups[2].Message.ID; first != 1 || last != 3 {
		t.Fatalf("message ids %d..%d, want 1..3", first, last)
	}
}

func TestLongPollWakesUp(t *testing.T) {
	srv := New(t, testToken)
	done := make(chan []models.Update)
	start := time.Now()
	go func() {
		r, err := doJSON(context.Background(), methodURL(srv, "getUpdates"), map[string]any{"timeout": 10})
		var ups []models.Update
		if err == nil {
			_ = json.Unmarshal(r.Result, &ups)
		}
		done <- ups
	}()
	srv.WaitFor(t, time.Second, func() bool { return srv.Calls("getUpdates") == 1 }, "the long poll to start")
	time.Sleep(20 * time.Millisecond)
	id := srv.SendText(3, "", "wake up")
	select {
	case ups := <-done:
		if got := updateIDs(ups); len(got) != 1 || got[0] != id {
			t.Fatalf("long poll = %v", got)
		}
		if elapsed := time.Since(start); elapsed > 2*time.Second {
			t.Fatalf("long poll took %v", elapsed)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("long poll did not wake up")
	}
}

func TestGetUpdatesConflicts(t *testing.T) {
	srv := New(t, testToken)
	older := make(chan rawResponse)
	go func() {
		r, _ := doJSON(context.Background(), methodURL(srv, "getUpdates"), map[string]any{"timeout": 10})
		older <- r
	}()
	srv.WaitFor(t, time.Second, func() bool {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		return srv.activePoll != nil
	}, "the first long poll")

	if got := getUpdates(t, srv, map[string]any{}); len(got) != 0 {
		t.Fatalf("second getUpdates = %v", updateIDs(got))
	}
	r := <-older
	if r.Status != 409 || !strings.HasPrefix(r.Description, "Conflict: terminated by other getUpdates request") {
		t.Fatalf("older long poll = %+v", r)
	}

	b := newBot(t, srv)
	if _, err := b.SetWebhook(context.Background(), &bot.SetWebhookParams{URL: "http://127.0.0.1:1/hook"}); err != nil {
		t.Fatal(err)
	}
	r = postJSON(t, context.Background(), methodURL(srv, "getUpdates"), map[string]any{})
	if r.Status != 409 || !strings.HasPrefix(r.Description, "Conflict: can't use getUpdates method while webhook is active") {
		t.Fatalf("getUpdates with webhook = %+v", r)
	}
}

func TestTextLimits(t *testing.T) {
	srv := New(t, testToken)
	b := newBot(t, srv)
	ctx := context.Background()
	send := func(text string, mode models.ParseMode) error {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 1, Text: text, ParseMode: mode})
		return err
	}

	if err := send(strings.Repeat("ж", 4096), ""); err != nil {
		t.Fatalf("4096 Cyrillic characters: %v", err)
	}
	wantErrContains(t, send(strings.Repeat("ж", 4097), ""), "Bad Request: message is too long")
	// Emoji outside the BMP count as two UTF-16 units.
	wantErrContains(t, send(strings.Repeat("😀", 2049), ""), "message is too long")
	// With HTML the limit applies to the text after parsing.
	if err := send("<b>"+strings.Repeat("ж", 4095)+"</b>&lt;", models.ParseModeHTML); err != nil {
		t.Fatalf("4096 characters after HTML parsing: %v", err)
	}
	wantErrContains(t, send("<i>"+strings.Repeat("ж", 4096)+"&amp;</i>", models.ParseModeHTML), "message is too long")

	wantErrContains(t, send("   \n", ""), "Bad Request: message text is empty")
	wantErrContains(t, send("<b></b>", models.ParseModeHTML), "Bad Request: message text is empty")
	wantErrContains(t, send("a < b", models.ParseModeHTML), `Bad Request: can't parse entities: Unsupported start tag "" at byte offset 2`)
	wantErrContains(t, send("Tom & Jerry", models.ParseModeHTML), "Bad Request: can't parse entities")
	wantErrContains(t, send("<b>bold", models.ParseModeHTML), `Can't find end tag corresponding to start tag "b"`)
	if got := len(srv.Sent(1)); got != 2 {
		t.Fatalf("Sent = %d messages, want 2", got)
	}
}

func TestInlineKeyboardRules(t *testing.T) {
	srv := New(t, testToken)
	b := newBot(t, srv)
	ctx := context.Background()
	send := func(buttons ...models.InlineKeyboardButton) error {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 1, Text: "pick", ReplyMarkup: keyboard(buttons)})
		return err
	}

	if err := send(models.InlineKeyboardButton{Text: "ok", CallbackData: strings.Repeat("д", 32)}); err != nil {
		t.Fatalf("64-byte callback data: %v", err)
	}
	wantErrContains(t, send(models.InlineKeyboardButton{Text: "ok", CallbackData: strings.Repeat("д", 33)}), "Bad Request: BUTTON_DATA_INVALID")
	wantErrContains(t, send(models.InlineKeyboardButton{Text: "no action"}), "Text buttons are unallowed in the inline keyboard")
	wantErrContains(t, send(models.InlineKeyboardButton{Text: "", CallbackData: "x"}), "Bad Request: can't parse inline keyboard button")
}

func TestCallbackQueries(t *testing.T) {
	srv := New(t, testToken)
	b := newBot(t, srv)
	ctx := context.Background()

	srv.SendCommand(42, "ru", "/start")
	m, err := b.SendMessage(ctx, &bot.SendMessageParams{
		ChatID: 42, Text: "menu",
		ReplyMarkup: keyboard([]models.InlineKeyboardButton{{Text: "Go", CallbackData: "go"}}),
	})
	if err != nil {
		t.Fatal(err)
	}
	updateID := srv.PressButton(42, m.ID, "go")
	ups := getUpdates(t, srv, map[string]any{"offset": updateID})
	cq := ups[0].CallbackQuery
	if len(ups) != 1 || cq == nil || cq.Data != "go" || cq.From.ID != 42 || cq.From.LanguageCode != "ru" ||
		cq.Message.Message == nil || cq.Message.Message.ID != m.ID || cq.Message.Message.Chat.ID != 42 {
		t.Fatalf("callback update = %+v", ups)
	}
	if cq.ID != srv.CallbackID(updateID) {
		t.Fatalf("callback id %q, CallbackID = %q", cq.ID, srv.CallbackID(updateID))
	}

	ok, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: cq.ID, Text: "done", ShowAlert: true})
	if err != nil || !ok {
		t.Fatalf("AnswerCallbackQuery = %v, %v", ok, err)
	}
	if a, ok := srv.CallbackAnswer(cq.ID); !ok || !srv.Answered(cq.ID) || a.Text != "done" || !a.ShowAlert {
		t.Fatalf("CallbackAnswer = %+v, %v", a, ok)
	}
	_, err = b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: cq.ID})
	wantErrContains(t, err, "Bad Request: query is too old and response timeout expired or query ID is invalid")
	_, err = b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: "nope"})
	wantErrContains(t, err, "query ID is invalid")

	// A press on a deleted message carries an inaccessible message.
	if _, err := b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: 42, MessageID: m.ID}); err != nil {
		t.Fatal(err)
	}
	updateID = srv.PressButton(42, m.ID, "go")
	ups = getUpdates(t, srv, map[string]any{"offset": updateID})
	if msg := ups[0].CallbackQuery.Message; msg.Type != models.MaybeInaccessibleMessageTypeInaccessibleMessage || msg.InaccessibleMessage.MessageID != m.ID {
		t.Fatalf("press on deleted message = %+v", msg)
	}
}

func TestFloodLimitsAndFaults(t *testing.T) {
	srv := New(t, testToken)
	b := newBot(t, srv)
	ctx := context.Background()
	send := func(chatID int64) error {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chatID, Text: "x"})
		return err
	}

	srv.SetChatLimit(1, 2)
	for i := 0; i < 2; i++ {
		if err := send(10); err != nil {
			t.Fatalf("send %d within the burst: %v", i, err)
		}
	}
	err := send(10)
	var tooMany *bot.TooManyRequestsError
	if !errors.As(err, &tooMany) || tooMany.RetryAfter < 1 {
		t.Fatalf("third send = %v, want *bot.TooManyRequestsError with retry_after >= 1", err)
	}
	if err := send(11); err != nil {
		t.Fatalf("another chat has its own bucket: %v", err)
	}
	srv.SetChatLimit(0, 0)

	srv.SetGlobalLimit(1, 1)
	if err := send(12); err != nil {
		t.Fatal(err)
	}
	if err := send(13); !errors.As(err, &tooMany) {
		t.Fatalf("global limit: %v", err)
	}
	srv.SetGlobalLimit(0, 0)

	srv.FailNext(10, http.StatusTooManyRequests, 7, 1)
	if err := send(10); !errors.As(err, &tooMany) || tooMany.RetryAfter != 7 {
		t.Fatalf("injected 429 = %v", err)
	}
	if err := send(10); err != nil {
		t.Fatalf("after the injected failure: %v", err)
	}
	if got := srv.TooManyRequests(); got != 3 {
		t.Fatalf("TooManyRequests = %d, want 3", got)
	}

	srv.FailNext(10, http.StatusInternalServerError, 0, 2)
	wantErrContains(t, send(10), "500 Internal Server Error")
	wantErrContains(t, send(10), "500 Internal Server Error")
	if err := send(10); err != nil {
		t.Fatal(err)
	}
	srv.FailNextMethod("deleteMessage", 0, http.StatusBadRequest, 0, 1)
	_, err = b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: 10, MessageID: 1})
	wantErrContains(t, err, "chat not found")

	srv.SetDown(true)
	wantErrContains(t, send(10), "502 Bad Gateway")
	if _, err := b.GetMe(ctx); err == nil {
		t.Fatal("getMe while down succeeded")
	}
	srv.SetDown(false)
	if err := send(10); err != nil {
		t.Fatalf("after SetDown(false): %v", err)
	}
}

func TestBlockBot(t *testing.T) {
	srv := New(t, testToken)
	b := newBot(t, srv)
	ctx := context.Background()

	id := srv.BlockBot(42)
	ups := getUpdates(t, srv, map[string]any{"offset": id})
	mcm := ups[0].MyChatMember
	if mcm == nil || mcm.NewChatMember.Type != models.ChatMemberTypeBanned || mcm.OldChatMember.Type != models.ChatMemberTypeMember || mcm.Chat.ID != 42 {
		t.Fatalf("my_chat_member = %+v", ups[0])
	}
	_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 42, Text: "hello?"})
	if !errors.Is(err, bot.ErrorForbidden) {
		t.Fatalf("send to a blocked chat = %v, want bot.ErrorForbidden", err)
	}
	wantErrContains(t, err, "Forbidden: bot was blocked by the user")

	id = srv.UnblockBot(42)
	ups = getUpdates(t, srv, map[string]any{"offset": id})
	if ups[0].MyChatMember.NewChatMember.Type != models.ChatMemberTypeMember {
		t.Fatalf("unblock update = %+v", ups[0].MyChatMember)
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 42, Text: "welcome back"}); err != nil {
		t.Fatalf("send after unblock: %v", err)
	}

	// Writing to the bot unblocks it implicitly.
	srv.BlockBot(42)
	textID := srv.SendText(42, "", "/start")
	ups = getUpdates(t, srv, map[string]any{"offset": textID - 1})
	if len(ups) != 2 || ups[0].MyChatMember == nil || ups[1].Message == nil {
		t.Fatalf("implicit unblock updates = %+v", ups)
	}
}

func TestDeleteWindow(t *testing.T) {
	srv := New(t, testToken)
	b := newBot(t, srv)
	ctx := context.Background()

	var mu sync.Mutex
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	srv.SetNow(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }

	srv.SendText(5, "", "from the user")
	m1, _ := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 5, Text: "first"})
	m2, _ := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 5, Text: "second"})
	if m1.Date != int(now.Unix()) {
		t.Fatalf("message date %d, want the fake clock %d", m1.Date, now.Unix())
	}

	advance(47 * time.Hour)
	if _, err := b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: 5, MessageID: m1.ID}); err != nil {
		t.Fatalf("delete at 47 h: %v", err)
	}
	advance(2 * time.Hour)
	_, err := b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: 5, MessageID: m2.ID})
	wantErrContains(t, err, "Bad Request: message can't be deleted")
	_, err = b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: 5, MessageID: 1})
	wantErrContains(t, err, "Bad Request: message can't be deleted")
	if msgs := srv.Messages(5); len(msgs) != 1 || msgs[0].ID != m2.ID {
		t.Fatalf("Messages = %+v", msgs)
	}
}

func TestWebhookDelivery(t *testing.T) {
	srv := New(t, testToken)
	b := newBot(t, srv)
	ctx := context.Background()

	var (
		mu       sync.Mutex
		received []int64
		secrets  []string
		calls    int
	)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var u models.Update
		_ = json.NewDecoder(r.Body).Decode(&u)
		mu.Lock()
		defer mu.Unlock()
		calls++
		received = append(received, u.ID)
		secrets = append(secrets, r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
		if calls == 1 {
			w.WriteHeader(http.StatusInternalServerError) // the first attempt fails
		}
	}))
	defer hook.Close()

	first := srv.SendText(8, "", "queued before the webhook")
	if _, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: hook.URL, SecretToken: "s3cret"}); err != nil {
		t.Fatal(err)
	}
	second := srv.SendText(8, "", "after")

	srv.WaitFor(t, 2*time.Second, func() bool { return srv.Pending() == 0 }, "webhook delivery")
	mu.Lock()
	gotIDs, gotSecrets := append([]int64(nil), received...), append([]string(nil), secrets...)
	mu.Unlock()
	if len(gotIDs) != 3 || gotIDs[0] != first || gotIDs[1] != first || gotIDs[2] != second {
		t.Fatalf("webhook received %v, want [%d %d %d] (first retried after 500)", gotIDs, first, first, second)
	}
	for _, s := range gotSecrets {
		if s != "s3cret" {
			t.Fatalf("secret headers = %q", gotSecrets)
		}
	}
	if srv.WebhookFailures() != 1 {
		t.Fatalf("WebhookFailures = %d, want 1", srv.WebhookFailures())
	}
	info, err := b.GetWebhookInfo(ctx)
	if err != nil || info.URL != hook.URL || info.LastErrorMessage == "" {
		t.Fatalf("GetWebhookInfo = %+v, %v", info, err)
	}

	if _, err := b.DeleteWebhook(ctx, &bot.DeleteWebhookParams{}); err != nil {
		t.Fatal(err)
	}
	third := srv.SendText(8, "", "polled")
	if got := updateIDs(getUpdates(t, srv, map[string]any{})); len(got) != 1 || got[0] != third {
		t.Fatalf("getUpdates after deleteWebhook = %v", got)
	}
}

func TestWebhookDropsAfterMaxAttempts(t *testing.T) {
	srv := New(t, testToken)
	srv.SetWebhookRetry(time.Millisecond, 3)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
	}))
	defer hook.Close()
	b := newBot(t, srv)
	if _, err := b.SetWebhook(context.Background(), &bot.SetWebhookParams{URL: hook.URL}); err != nil {
		t.Fatal(err)
	}
	id := srv.SendText(1, "", "lost")
	srv.WaitFor(t, 2*time.Second, func() bool { return len(srv.WebhookDropped()) == 1 }, "the update to be dropped")
	if got := srv.WebhookDropped(); got[0] != id || srv.WebhookFailures() != 3 || srv.Pending() != 0 {
		t.Fatalf("dropped %v, failures %d, pending %d", got, srv.WebhookFailures(), srv.Pending())
	}
}

func TestCommands(t *testing.T) {
	srv := New(t, testToken)
	b := newBot(t, srv)
	ctx := context.Background()

	ru := []models.BotCommand{{Command: "start", Description: "Запуск"}, {Command: "help", Description: "Помощь"}}
	if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: ru, LanguageCode: "ru"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{
		Commands: []models.BotCommand{{Command: "start", Description: "Start"}},
		Scope:    &models.BotCommandScopeAllPrivateChats{},
	}); err != nil {
		t.Fatal(err)
	}
	if got := srv.CommandsFor("ru"); len(got) != 2 || got[1].Description != "Помощь" {
		t.Fatalf("CommandsFor(ru) = %+v", got)
	}
	if got := srv.CommandsFor("uz"); got != nil {
		t.Fatalf("CommandsFor(uz) = %+v", got)
	}
	if got := srv.CommandsForScope("all_private_chats", ""); len(got) != 1 {
		t.Fatalf("CommandsForScope = %+v", got)
	}
	got, err := b.GetMyCommands(ctx, &bot.GetMyCommandsParams{LanguageCode: "ru"})
	if err != nil || len(got) != 2 {
		t.Fatalf("GetMyCommands = %+v, %v", got, err)
	}
	_, err = b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "Start", Description: "x"}}})
	wantErrContains(t, err, "BOT_COMMAND_INVALID")
}

func TestBotPollingEndToEnd(t *testing.T) {
	srv := New(t, testToken)
	b, err := bot.New(testToken,
		bot.WithServerURL(srv.URL()),
		bot.WithSkipGetMe(),
		bot.WithDefaultHandler(func(ctx context.Context, b *bot.Bot, u *models.Update) {
			if u.Message != nil {
				_, _ = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.Message.Chat.ID, Text: "echo: " + u.Message.Text})
			}
		}),
	)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { b.Start(ctx); close(stopped) }()
	defer func() { cancel(); <-stopped }()

	srv.SendText(77, "ru", "salom")
	srv.SendText(77, "", "yana")
	sent := srv.WaitSent(t, 77, 2, 2*time.Second)
	// The library runs handlers in goroutines, so replies may come in any order.
	texts := map[string]bool{sent[0].Text: true, sent[1].Text: true}
	if !texts["echo: salom"] || !texts["echo: yana"] {
		t.Fatalf("Sent = %+v", sent)
	}
	srv.WaitFor(t, 2*time.Second, func() bool { return srv.Pending() == 0 }, "the library to confirm the updates")
}

// recordingTB captures a failure instead of stopping the test.
type recordingTB struct {
	testing.TB
	failure string
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Fatalf(format string, args ...any) { r.failure = fmt.Sprintf(format, args...) }

func TestWaitSentReportsWhatArrived(t *testing.T) {
	srv := New(t, testToken)
	b := newBot(t, srv)
	ctx := context.Background()
	_, _ = b.SendMessage(ctx, &bot.SendMessageParams{
		ChatID: 3, Text: "only one",
		ReplyMarkup: keyboard([]models.InlineKeyboardButton{{Text: "Yes", CallbackData: "yes"}}),
	})
	_, _ = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 3, Text: "<b>broken", ParseMode: models.ParseModeHTML})

	rec := &recordingTB{TB: t}
	got := srv.WaitSent(rec, 3, 2, 30*time.Millisecond)
	if len(got) != 1 {
		t.Fatalf("WaitSent returned %d messages", len(got))
	}
	for _, want := range []string{"waiting for 2 sent messages in chat 3; got 1", `"only one"`, "Yes", "sendMessage: 400 Bad Request: can't parse entities"} {
		if !strings.Contains(rec.failure, want) {
			t.Fatalf("failure message lacks %q:\n%s", want, rec.failure)
		}
	}
}
