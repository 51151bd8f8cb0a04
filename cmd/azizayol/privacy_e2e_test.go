package main

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/bot/telegram/telegramtest"
)

// phoneShows is what her phone shows of the chat: every message still there, hers
// and the bot's, in order.
func phoneShows(fake *telegramtest.Server, chat int64) []string {
	var lines []string
	for id := 1; id < 500; id++ {
		m, ok := fake.Message(chat, id)
		if !ok || m.Deleted {
			continue
		}
		who := "she"
		if m.FromBot {
			who = "bot"
		}
		lines = append(lines, fmt.Sprintf("%d %s: %s", id, who, m.PlainText))
	}
	return lines
}

// TestClearChatDeletesEverythingDeletable: "clear chat" deletes every message of the
// conversation younger than 48 hours, hers and the bot's, and tries none older (the
// Bot API would refuse); one neutral line confirms it and deletes itself too.
func TestClearChatDeletesEverythingDeletable(t *testing.T) {
	fake := telegramtest.New(t, token)
	e := newEnv(t, fake)
	defer serveInProcess(t, e)()
	p := pool(t, e)
	const chat = 4401
	l := languages[2] // Russian

	// Two days ago: she started and asked for help. These messages are past Telegram's
	// 48 hours for the fake (its clock moves on) and for our records (moved back).
	w := start(t, fake, chat, l)
	w.press(l.tr(t, "menu.consultation", nil))
	old := phoneShows(fake, chat)
	var shift atomic.Int64
	shift.Store(int64(50 * time.Hour))
	fake.SetNow(func() time.Time { return time.Now().Add(time.Duration(shift.Load())) })
	if _, err := p.Exec(context.Background(), `UPDATE chat_messages SET at = at - interval '50 hours', delete_at = NULL`); err != nil {
		t.Fatal(err)
	}

	// Today: she writes again, and clears the chat from the menu.
	w.turn(func() { fake.SendCommand(chat, l.code, "/menu") })
	w.say("меню")
	w.press(l.tr(t, "menu.my_appeals", nil))
	w.turn(func() { fake.SendCommand(chat, l.code, "/menu") })
	young := len(phoneShows(fake, chat)) - len(old)
	if young < 6 {
		t.Fatalf("only %d new messages: %q", young, phoneShows(fake, chat))
	}
	t.Logf("her phone before clear chat:\n%s", strings.Join(phoneShows(fake, chat), "\n"))
	w.turn(func() { w.fake.PressButton(chat, w.last().ID, button(t, w.last(), l.tr(t, "clear.button", nil))) }, 1)

	done := l.tr(t, "clear.done", nil)
	cleared := func() bool {
		shows := phoneShows(fake, chat)
		return len(shows) == len(old)+1 && strings.HasSuffix(shows[len(shows)-1], "bot: "+done)
	}
	for deadline := time.Now().Add(wait); !cleared(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("her phone shows, %d old messages before:\n%s", len(old), strings.Join(phoneShows(fake, chat), "\n"))
		}
	}
	if got := strings.Join(phoneShows(fake, chat)[:len(old)], "\n"); got != strings.Join(old, "\n") {
		t.Errorf("the old messages changed:\n%s\nwant\n%s", got, strings.Join(old, "\n"))
	}
	for _, err := range fake.Errors() {
		if strings.Contains(err, "delete") {
			t.Errorf("a deletion Telegram refused: %s", err)
		}
	}
	t.Logf("her phone after clear chat:\n%s", strings.Join(phoneShows(fake, chat), "\n"))

	// The confirmation deletes itself ClearAfter seconds after it was sent.
	var after float64
	err := p.QueryRow(context.Background(), `SELECT extract(epoch FROM delete_at - at) FROM chat_messages
		JOIN users u ON u.id = user_id WHERE u.address = $1 AND message_id = $2`, fmt.Sprint(chat), w.last().ID).Scan(&after)
	if err != nil || after != 30 {
		t.Fatalf("the confirmation is due %v s after it was sent, want 30 (%v)", after, err)
	}
	if _, err := p.Exec(context.Background(), `UPDATE chat_messages SET delete_at = now() WHERE message_id = $1`, w.last().ID); err != nil {
		t.Fatal(err)
	}
	fake.WaitFor(t, wait, func() bool { return len(phoneShows(fake, chat)) == len(old) }, "the confirmation deleted")

	// Her session ended: what she writes next starts afresh.
	msgs := w.turn(func() { fake.SendText(chat, l.code, "привет") })
	w.wantSaid(msgs, l.tr(t, "start.expired", map[string]any{"Minutes": 30}))
}

// TestPrivacySettingsSweepDiscreetQuiet: she turns on the sweep, discreet
// notifications and notification hours in the bot; the sweep plans every message's
// deletion, an agency's answer reaches her lock screen as "You have a new message"
// only, and outside her hours without a sound.
func TestPrivacySettingsSweepDiscreetQuiet(t *testing.T) {
	fake := telegramtest.New(t, token)
	e := newEnv(t, fake)
	defer serveInProcess(t, e)()
	p := pool(t, e)
	const chat = 4402
	l := languages[0] // Uzbek Latin

	w := start(t, fake, chat, l)
	w.press(l.tr(t, "menu.privacy", nil))
	w.press(l.tr(t, "privacy.sweep", nil))
	w.press(l.tr(t, "privacy.sweep_hours", map[string]any{"Hours": 8}))
	w.press(l.tr(t, "privacy.discreet_on", nil))
	w.wantLast(l.tr(t, "privacy.title", map[string]any{
		"Sweep": l.tr(t, "privacy.sweep_hours", map[string]any{"Hours": 8}), "Discreet": l.tr(t, "privacy.on", nil),
		"Hours": l.tr(t, "privacy.hours_any", nil),
	})[:40])

	// Every message of the conversation, hers and ours, is due 8 hours after it was sent.
	var n, planned int
	err := p.QueryRow(context.Background(), `SELECT count(*), count(*) FILTER (WHERE delete_at = at + interval '8 hours')
		FROM chat_messages c JOIN users u ON u.id = c.user_id WHERE u.address = $1`, fmt.Sprint(chat)).Scan(&n, &planned)
	if err != nil || n < 8 || planned != n {
		t.Fatalf("%d of %d messages planned for the sweep (%v)", planned, n, err)
	}

	// Her notification hours leave out this hour: the answer comes without a sound.
	w.press(l.tr(t, "nav.menu", nil))
	num := w.fileAppeal("housing")
	hour := time.Now().In(azizayol.Tashkent).Hour()
	if _, err := p.Exec(context.Background(), `UPDATE users SET notify_from = $2, notify_until = $3 WHERE address = $1`,
		fmt.Sprint(chat), (hour+1)%24, (hour+2)%24); err != nil {
		t.Fatal(err)
	}
	a := appealByNumber(t, p, num)
	msgs := w.turn(func() {
		if err := desk(t, e).Answer(context.Background(), rootActor, a.ID, "Hokimlikka pasportingiz bilan keling."); err != nil {
			t.Fatal(err)
		}
	}, 1)
	notice := msgs[0]
	if notice.PlainText != l.tr(t, "notice.discreet", nil) || !notice.DisableNotification {
		t.Fatalf("the answer's notice: %q silent=%v", notice.PlainText, notice.DisableNotification)
	}
	// The answer is behind the button.
	msgs = w.press(l.tr(t, "notice.open", nil))
	w.wantSaid(msgs, "AA-")
	if !strings.Contains(strings.Join(texts(msgs), "\n"), "Hokimlikka pasportingiz bilan keling.") {
		t.Errorf("the answer is not behind the button: %q", texts(msgs))
	}
	if msgs[len(msgs)-1].DisableNotification != true {
		t.Errorf("a reply outside her hours rings")
	}
}
