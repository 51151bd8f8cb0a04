package bot_test

import (
	"context"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/bot"
	"github.com/azizayol/azizayol/bot/telegram"
	"github.com/azizayol/azizayol/bot/telegram/telegramtest"
	"github.com/azizayol/azizayol/internal/testenv"
)

// TestSweepWithAFakeClock: with "delete after 1 hour", her messages go an hour after
// they were sent, not a minute sooner; a message older than Telegram's 48 hours is
// never tried.
func TestSweepWithAFakeClock(t *testing.T) {
	ctx := context.Background()
	db, pool := testenv.DBWithPool(t)
	fake := telegramtest.New(t, "123:sweep")
	tg, err := telegram.New("123:sweep", fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	const chat = 5501
	for _, text := range []string{"salom", "yordam kerak", "rahmat"} {
		fake.SendText(chat, "uz", text)
	}
	var ids []int
	for id := 1; id < 50; id++ {
		if m, ok := fake.Message(chat, id); ok && !m.FromBot {
			ids = append(ids, id)
		}
	}
	if len(ids) != 3 {
		t.Fatalf("her messages: %v", ids)
	}
	start := time.Now()
	var userID int64
	err = db.Do(ctx, func(tx azizayol.Tx) error {
		u, err := tx.User(ctx, azizayol.Telegram, "5501")
		if err != nil {
			return err
		}
		userID = u.ID
		if err := tx.SetPrivacy(ctx, u.ID, azizayol.Privacy{SweepHours: 1}); err != nil {
			return err
		}
		if err := tx.TrackMessages(ctx, u.ID, []int{900}, start.Add(-49*time.Hour)); err != nil {
			return err
		}
		return tx.TrackMessages(ctx, u.ID, ids, start)
	})
	if err != nil {
		t.Fatal(err)
	}

	clock := start
	sweeper := bot.NewSweeper(db, []bot.Deleter{tg}, nil, nil, bot.NewSignal(1), func() time.Time { return clock })
	for _, step := range []struct {
		at      time.Duration
		deleted int
	}{{0, 0}, {59 * time.Minute, 0}, {61 * time.Minute, 3}, {2 * time.Hour, 0}} {
		clock = start.Add(step.at)
		n, err := sweeper.Sweep(ctx)
		if err != nil || n != step.deleted {
			t.Fatalf("at +%s: deleted %d (%v), want %d", step.at, n, err, step.deleted)
		}
	}
	for _, id := range ids {
		if m, _ := fake.Message(chat, id); !m.Deleted {
			t.Errorf("message %d is still on her phone", id)
		}
	}
	if calls := fake.Calls("deleteMessage") + fake.Calls("deleteMessages"); calls != 1 {
		t.Errorf("%d deletion calls, want 1 (the old message is never tried)", calls)
	}
	var left int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM chat_messages WHERE user_id = $1`, userID).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d messages still tracked (%v)", left, err)
	}
}
