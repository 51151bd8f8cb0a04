package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/bot/telegram/telegramtest"
	"github.com/azizayol/azizayol/postgres"
)

const wait = 15 * time.Second

func TestConversationOverPolling(t *testing.T) {
	fake := telegramtest.New(t, token)
	serveInProcess(t, newEnv(t, fake))
	const user = 1001

	fake.SendCommand(user, "ru", "/start")
	msgs := fake.WaitSent(t, user, 2, wait)
	if !strings.Contains(msgs[0].PlainText, "Здравствуйте") {
		t.Fatalf("greeting is not in her Telegram language (ru): %q", msgs[0].PlainText)
	}
	fake.PressButton(user, msgs[1].ID, button(t, msgs[1], "Ўзбекча"))
	msgs = fake.WaitSent(t, user, 4, wait)
	if !strings.Contains(msgs[2].PlainText, "Тил танланди") || !strings.Contains(msgs[3].PlainText, "Бош меню") {
		t.Fatalf("after choosing Cyrillic: %q", texts(msgs[2:]))
	}
	fake.PressButton(user, msgs[3].ID, button(t, msgs[3], "🆘"))
	msgs = fake.WaitSent(t, user, 5, wait)
	for _, number := range []string{"1146", "102", "103", "112"} {
		if !strings.Contains(msgs[4].PlainText, number) {
			t.Errorf("emergency guidance lacks %s: %q", number, msgs[4].PlainText)
		}
	}
	fake.WaitFor(t, wait, func() bool { return fake.Calls("answerCallbackQuery") == 2 }, "both button presses answered")

	// Her choice is remembered: a later session opens in Cyrillic.
	fake.SendCommand(user, "ru", "/menu")
	msgs = fake.WaitSent(t, user, 6, wait)
	if !strings.Contains(msgs[5].PlainText, "Бош меню") {
		t.Fatalf("menu after choosing Cyrillic: %q", msgs[5].PlainText)
	}
	for _, code := range []string{"uz", "ru", ""} {
		if cmds := fake.CommandsFor(code); len(cmds) != 4 {
			t.Errorf("commands for %q: %v", code, cmds)
		}
	}
	if got := fake.CommandsFor("ru"); len(got) > 0 && got[0].Description != "Начать и выбрать язык" {
		t.Errorf("Russian command menu: %v", got)
	}
}

func TestHealthReadinessAndMetrics(t *testing.T) {
	fake := telegramtest.New(t, token)
	e := newEnv(t, fake)
	serveInProcess(t, e)
	fake.SendCommand(1101, "uz", "/help")
	fake.WaitSent(t, 1101, 1, wait)
	for path, want := range map[string]string{
		"/healthz": "ok",
		"/readyz":  "ready",
		"/metrics": `azizayol_outbox_attempts_total{channel="telegram",result="sent"} 1`,
	} {
		// The send is counted just after Telegram took it: the figure may lag a moment.
		var status int
		var body []byte
		for deadline := time.Now().Add(wait); ; {
			resp, err := http.Get("http://" + e["HTTP_ADDR"] + path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			status = resp.StatusCode
			if status == http.StatusOK && strings.Contains(string(body), want) || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if status != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("GET %s: %d, want 200 with %q in:\n%.2000s", path, status, want, body)
		}
	}
}

// Telegram answers 500 twice: the reply is retried with backoff and delivered once.
func TestServerErrorsAreRetried(t *testing.T) {
	fake := telegramtest.New(t, token)
	serveInProcess(t, newEnv(t, fake))
	const user = 4101
	fake.FailNext(user, http.StatusInternalServerError, 0, 2)
	fake.SendCommand(user, "ru", "/help")
	msgs := fake.WaitSent(t, user, 1, wait)
	if !strings.Contains(msgs[0].PlainText, "1146") {
		t.Errorf("got %q", msgs[0].PlainText)
	}
	time.Sleep(500 * time.Millisecond)
	if n := len(fake.Sent(user)); n != 1 {
		t.Errorf("delivered %d times, want once", n)
	}
}

func TestEmergencyInterruptsAnyStepAndReturns(t *testing.T) {
	fake := telegramtest.New(t, token)
	serveInProcess(t, newEnv(t, fake))
	cases := []struct {
		user int64
		lang string
		text string
	}{
		{2001, "ru", "Помогите, он меня бьёт"},
		{2002, "uz", "Menga yordam kerak"},
		{2003, "uz", "ўзимни ўлдираман"},
		{2004, "uz", "Zo'ravonlik"},
		{2005, "ru", "не хочу жить"},
	}
	for _, c := range cases {
		fake.SendCommand(c.user, c.lang, "/start") // she is choosing a language
		fake.WaitSent(t, c.user, 2, wait)
		fake.SendText(c.user, c.lang, c.text)
		msgs := fake.WaitSent(t, c.user, 3, wait)
		if !strings.Contains(msgs[2].PlainText, "1146") {
			t.Fatalf("%q did not bring the emergency guidance: %q", c.text, msgs[2].PlainText)
		}
		fake.PressButton(c.user, msgs[2].ID, button(t, msgs[2], "↩️"))
		msgs = fake.WaitSent(t, c.user, 4, wait)
		if !strings.Contains(msgs[3].PlainText, "Tilni tanlang") {
			t.Fatalf("after returning, she should be choosing a language again: %q", msgs[3].PlainText)
		}
	}
}

func TestBadInputIsAnsweredAndChangesNothing(t *testing.T) {
	fake := telegramtest.New(t, token)
	serveInProcess(t, newEnv(t, fake))
	const user = 3001
	fake.SendCommand(user, "ru", "/start")
	msgs := fake.WaitSent(t, user, 2, wait)
	ru := button(t, msgs[1], "Русский")
	fake.PressButton(user, msgs[1].ID, ru)
	fake.WaitSent(t, user, 4, wait) // saved + menu

	steps := []struct {
		name string
		send func()
		want string
	}{
		{"stale button pressed again", func() { fake.PressButton(user, msgs[1].ID, ru) }, "старого сообщения"},
		{"sticker", func() { fake.SendSticker(user) }, "не могу принять"},
		{"photo", func() { fake.SendPhoto(user, "") }, "не могу принять"},
		{"text where a button is expected", func() { fake.SendText(user, "ru", "привет") }, "нажмите одну из кнопок"},
		{"10,000 characters", func() { fake.SendText(user, "ru", strings.Repeat("я", 10000)) }, "слишком длинное"},
		{"unknown command", func() { fake.SendCommand(user, "ru", "/frobnicate") }, "Такой команды нет"},
	}
	sent := 4
	for _, s := range steps {
		s.send()
		sent += 2
		got := fake.WaitSent(t, user, sent, wait)
		if !strings.Contains(got[sent-2].PlainText, s.want) {
			t.Errorf("%s: answer %q, want it to contain %q", s.name, got[sent-2].PlainText, s.want)
		}
		if !strings.Contains(got[sent-1].PlainText, "Главное меню") {
			t.Errorf("%s: then %q, want the same step (the menu) again", s.name, got[sent-1].PlainText)
		}
	}
}

func TestTooManyRequestsDelaysThenDelivers(t *testing.T) {
	fake := telegramtest.New(t, token)
	serveInProcess(t, newEnv(t, fake))
	const user = 4001
	fake.FailNext(user, http.StatusTooManyRequests, 2, 1)
	start := time.Now()
	fake.SendCommand(user, "ru", "/help")
	msgs := fake.WaitSent(t, user, 1, wait)
	if took := time.Since(start); took < 2*time.Second {
		t.Errorf("delivered %s after a 429 with retry_after 2", took)
	}
	if !strings.Contains(msgs[0].PlainText, "1146") {
		t.Errorf("got %q", msgs[0].PlainText)
	}
	if n := fake.TooManyRequests(); n != 1 {
		t.Errorf("the fake answered 429 %d times, want 1 (no retry before retry_after)", n)
	}
}

func TestBlockedUserStopsReceiving(t *testing.T) {
	fake := telegramtest.New(t, token)
	e := newEnv(t, fake)
	serveInProcess(t, e)
	db := openDB(t, e)
	ctx := context.Background()

	// A 403 on the first of two replies: the second is never attempted.
	const user = 5001
	fake.FailNext(user, http.StatusForbidden, 0, 1)
	fake.SendCommand(user, "ru", "/start") // greeting + language prompt
	fake.WaitFor(t, wait, func() bool {
		blocked, _ := db.UserBlocked(ctx, azizayol.Telegram, "5001")
		return blocked
	}, "user marked blocked after 403")
	time.Sleep(500 * time.Millisecond)
	if n := fake.Calls("sendMessage"); n != 1 {
		t.Errorf("sendMessage called %d times, want 1: nothing after the 403", n)
	}
	counts, _ := db.OutboxCounts(ctx)
	if counts[azizayol.UserBlocked] != 2 || counts[azizayol.RetryLater] != 0 {
		t.Errorf("outbox %v, want both messages stopped as blocked", counts)
	}

	// Telegram's my_chat_member "kicked" marks her blocked too; writing again unblocks.
	const other = 5002
	fake.SendCommand(other, "uz", "/help")
	fake.WaitSent(t, other, 1, wait)
	fake.BlockBot(other)
	fake.WaitFor(t, wait, func() bool {
		blocked, _ := db.UserBlocked(ctx, azizayol.Telegram, "5002")
		return blocked
	}, "user blocked by my_chat_member")
	fake.UnblockBot(other)
	fake.SendCommand(other, "uz", "/menu")
	fake.WaitSent(t, other, 2, wait)
}

func TestSameUpdateTwiceHasOneEffect(t *testing.T) {
	fake := telegramtest.New(t, token)
	e := webhookEnv(t, fake)
	serveInProcess(t, e)
	url := e["TELEGRAM_WEBHOOK_URL"]

	const user = 6001
	update := commandUpdate(900001, user, "/help")
	for range 3 {
		if code := postUpdate(t, url, testSecret, update); code != http.StatusOK {
			t.Fatalf("webhook answered %d", code)
		}
	}
	fake.WaitSent(t, user, 1, wait)
	time.Sleep(time.Second)
	if n := len(fake.Sent(user)); n != 1 {
		t.Fatalf("the same update delivered 3 times gave %d replies, want 1", n)
	}
}

func TestForgedWebhookIsRefused(t *testing.T) {
	fake := telegramtest.New(t, token)
	e := webhookEnv(t, fake)
	serveInProcess(t, e)
	url := e["TELEGRAM_WEBHOOK_URL"]
	const user = 7001
	for _, forged := range []string{"", "wrong-secret-0000000000", testSecret + "x", testSecret[:len(testSecret)-1]} {
		if code := postUpdate(t, url, forged, commandUpdate(910001, user, "/help")); code != http.StatusUnauthorized {
			t.Errorf("secret %q: answered %d, want 401", forged, code)
		}
	}
	// Not an update at all, with the right secret: refused, nothing stored.
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader("{not json"))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", testSecret)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Errorf("broken JSON: %v %v", resp, err)
	}
	time.Sleep(time.Second)
	if n := len(fake.Sent(user)); n != 0 {
		t.Fatalf("a forged update was answered %d times", n)
	}
	db := openDB(t, e)
	if n, _ := db.InboxPending(context.Background()); n != 0 {
		t.Errorf("%d forged updates stored", n)
	}
}

// Fifty women at once, each sending a burst of messages to two instances in turn:
// each sees her replies complete and in order.
func TestFiftyUsersInOrderAcrossTwoInstances(t *testing.T) {
	fake := telegramtest.New(t, token)
	a := webhookEnv(t, fake)
	b := a.with("HTTP_ADDR", freeAddr(t))
	serveInProcess(t, a)
	serveInProcess(t, b)
	urls := []string{a["TELEGRAM_WEBHOOK_URL"], "http://" + b["HTTP_ADDR"] + "/telegram/webhook"}

	script := []string{"/start", "/help", "/menu", "/language", "/help", "/menu", "/start", "/menu"}
	firstLine := map[string]string{ // the first line of each reply, in order
		"/start": "Assalomu alaykum", "/help": "Agar hozir xavf", "/menu": "Bosh menyu", "/language": "Tilni tanlang",
	}
	var want []string
	for _, cmd := range script {
		if cmd == "/start" {
			want = append(want, firstLine["/start"], firstLine["/language"])
			continue
		}
		want = append(want, firstLine[cmd])
	}

	var wg sync.WaitGroup
	for u := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := int64(8000 + u)
			for i, cmd := range script {
				id := int64(1_000_000 + u*100 + i)
				if code := postUpdate(t, urls[i%2], testSecret, commandUpdate(id, user, cmd)); code != http.StatusOK {
					t.Errorf("webhook answered %d", code)
				}
			}
		}()
	}
	wg.Wait()
	for u := range 50 {
		user := int64(8000 + u)
		got := fake.WaitSent(t, user, len(want), 60*time.Second)
		if len(got) != len(want) {
			t.Fatalf("user %d got %d replies, want %d", user, len(got), len(want))
		}
		for i := range want {
			if !strings.HasPrefix(got[i].PlainText, want[i]) {
				t.Fatalf("user %d reply %d: %q, want it to start with %q\nall: %q", user, i, got[i].PlainText, want[i], texts(got))
			}
		}
	}
}

// A crash (SIGKILL) after updates are stored and confirmed but before they are
// processed, and another before the replies are sent: nothing is lost, nothing
// doubled.
func TestCrashLosesNothingAndDoublesNothing(t *testing.T) {
	fake := telegramtest.New(t, token)
	e := newEnv(t, fake)

	// Instance 1 only receives: it stores and confirms, then dies.
	kill := serveProcess(t, e.with("WORKERS", "0", "SENDERS", "0"))
	users := []int64{9001, 9002, 9003}
	for _, u := range users {
		fake.SendCommand(u, "ru", "/start")
		fake.SendCommand(u, "ru", "/help")
	}
	fake.WaitFor(t, wait, func() bool { return fake.Pending() == 0 }, "updates confirmed to Telegram")
	db := openDB(t, e)
	fake.WaitFor(t, wait, func() bool { n, _ := db.InboxPending(context.Background()); return n == 6 }, "6 updates stored")
	kill()

	// Instance 2 processes but sends nothing, then dies.
	kill = serveProcess(t, e.with("SENDERS", "0", "HTTP_ADDR", freeAddr(t)))
	fake.WaitFor(t, wait, func() bool { n, _ := db.InboxPending(context.Background()); return n == 0 }, "stored updates processed")
	kill()
	if n := fake.Calls("sendMessage"); n != 0 {
		t.Fatalf("%d messages sent by an instance with no senders", n)
	}

	// Instance 3 sends what was queued: each reply once.
	serveProcess(t, e.with("HTTP_ADDR", freeAddr(t)))
	for _, u := range users {
		msgs := fake.WaitSent(t, u, 3, wait)
		if !strings.HasPrefix(msgs[0].PlainText, "Здравствуйте") || !strings.HasPrefix(msgs[2].PlainText, "Если вы в опасности") {
			t.Errorf("user %d: %q", u, texts(msgs))
		}
	}
	time.Sleep(1500 * time.Millisecond)
	for _, u := range users {
		if n := len(fake.Sent(u)); n != 3 {
			t.Errorf("user %d received %d messages, want exactly 3", u, n)
		}
	}
}

func openDB(t *testing.T, e env) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), e["DATABASE_URL"], 4)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

func commandUpdate(id, user int64, text string) models.Update {
	cmd, _, _ := strings.Cut(text, " ")
	return models.Update{ID: id, Message: &models.Message{
		ID:       int(id),
		From:     &models.User{ID: user, FirstName: "Test", LanguageCode: "uz"},
		Chat:     models.Chat{ID: user, Type: models.ChatTypePrivate},
		Date:     int(time.Now().Unix()),
		Text:     text,
		Entities: []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: len(cmd)}},
	}}
}

func postUpdate(t *testing.T, url, secret string, u models.Update) int {
	t.Helper()
	code := post(http.DefaultClient, url, secret, u)
	if code == 0 {
		t.Errorf("post update %d failed", u.ID)
	}
	return code
}

// post delivers an update to a webhook as Telegram would, and returns the status.
func post(client *http.Client, url, secret string, u models.Update) int {
	body, _ := json.Marshal(u)
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// An update of a kind the client library does not know yet (here a forward from a new
// origin type) is still stored and confirmed, never dropped at the door.
func TestUnknownKindOfUpdateIsStored(t *testing.T) {
	fake := telegramtest.New(t, token)
	e := webhookEnv(t, fake)
	serveInProcess(t, e)
	body := `{"update_id": 920001, "message": {"message_id": 5, "date": 1790000000,
		"from": {"id": 7101, "is_bot": false, "first_name": "T"},
		"chat": {"id": 7101, "type": "private"},
		"forward_origin": {"type": "brand_new_origin", "date": 1790000000},
		"text": "forwarded"}}`
	req, _ := http.NewRequest(http.MethodPost, e["TELEGRAM_WEBHOOK_URL"], strings.NewReader(body))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", testSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook answered %d, want 200: the update must be stored", resp.StatusCode)
	}
	db := openDB(t, e)
	fake.WaitFor(t, wait, func() bool { n, _ := db.InboxPending(context.Background()); return n == 0 }, "the entry processed")
}

// With the fake enforcing limits like Telegram's, the shared limiters keep the bot
// under them: no 429 at all, per chat and for the whole bot, across two instances.
// The limits are set below the fake's: a message admitted by the limiter reaches the
// API a little later, and the delays differ, so arrivals bunch (seen here: 0.9/s with
// a burst of 3 against a strict 1/s with 3 drew a few 429s).
func TestLimitsKeepTelegramFromThrottling(t *testing.T) {
	fake := telegramtest.New(t, token)
	fake.SetChatLimit(1, 3)    // about one message a second in a chat, short bursts
	fake.SetGlobalLimit(20, 5) // the whole bot
	a := webhookEnv(t, fake).with("TELEGRAM_RATE", "15", "TELEGRAM_CHAT_RATE", "0.8", "TELEGRAM_CHAT_BURST", "2")
	b := a.with("HTTP_ADDR", freeAddr(t))
	serveInProcess(t, a)
	serveInProcess(t, b)
	urls := []string{a["TELEGRAM_WEBHOOK_URL"], "http://" + b["HTTP_ADDR"] + "/telegram/webhook"}

	// 20 women each get 3 replies at once (/start, twice) and one more (/help):
	// 8 messages in a chat, 160 for the bot.
	start := time.Now()
	id := int64(950000)
	for u := range 20 {
		for i, cmd := range []string{"/start", "/help", "/start", "/help", "/start", "/help"} {
			id++
			if code := postUpdate(t, urls[(u+i)%2], testSecret, commandUpdate(id, int64(9500+u), cmd)); code != http.StatusOK {
				t.Fatalf("webhook answered %d", code)
			}
		}
	}
	for u := range 20 {
		fake.WaitSent(t, int64(9500+u), 9, 60*time.Second)
	}
	took := time.Since(start)
	if n := fake.TooManyRequests(); n != 0 {
		t.Errorf("Telegram answered 429 %d times: %v", n, fake.Errors())
	}
	// 180 messages at 15/s take at least about 11 s; 9 in a chat at 0.8/s after a
	// burst of 2 take at least 8 s.
	if took < 10*time.Second {
		t.Errorf("180 messages took %s: faster than the configured 15/s", took)
	}
	t.Logf("180 messages to 20 chats in %s", took)
}
