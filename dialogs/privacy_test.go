package dialogs

import (
	"context"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/internal/testenv"
)

// TestClearChat: from the menu, by command, by words, by the button under a sensitive
// step, also from an old message: her deletable messages are marked for deletion,
// her session ends, and one neutral line that deletes itself is all she gets.
func TestClearChat(t *testing.T) {
	db, pool := testenv.DBWithPool(t)
	for _, lang := range azizayol.Langs {
		ways := map[string]azizayol.Inbound{
			"command":    {Kind: azizayol.KindCommand, Command: "clear"},
			"words":      {Kind: azizayol.KindText, Text: map[azizayol.Lang]string{azizayol.UzLatn: "Tozalash", azizayol.UzCyrl: "тозалаш", azizayol.Ru: "Очистить чат"}[lang]},
			"old button": {Kind: azizayol.KindButton, Data: anyStep + ":" + choiceClear},
		}
		for name, in := range ways {
			t.Run(string(lang)+"/"+name, func(t *testing.T) {
				c := inMenu(t, lang).withDB(db)
				var n int
				err := db.Do(context.Background(), func(tx azizayol.Tx) error {
					u, err := tx.User(context.Background(), azizayol.Telegram, "clear-"+string(lang)+"-"+name)
					if err != nil {
						return err
					}
					c.user = u
					now := time.Now()
					if err := tx.TrackMessages(context.Background(), u.ID, []int{1, 2, 3}, now.Add(-50*time.Hour)); err != nil {
						return err
					}
					if err := tx.TrackMessages(context.Background(), u.ID, []int{10, 11}, now.Add(-time.Hour)); err != nil {
						return err
					}
					sess, out, err := c.engine.Handle(context.Background(), tx, c.user, c.sess, in)
					if err != nil {
						return err
					}
					if sess != nil {
						t.Errorf("the session goes on: %+v", sess)
					}
					if len(out) != 1 || out[0].Text != tr(t, lang, "clear.done", nil) || out[0].DeleteAfter != ClearAfter || len(out[0].Buttons) != 0 {
						t.Errorf("clear answers %+v", out)
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				// The two of the last hour are due now; those over 48 hours old are
				// forgotten: Telegram would refuse, so nothing will try.
				err = pool.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE delete_at <= now()) * 10 + count(*)
					FROM chat_messages WHERE user_id = $1`, c.user.ID).Scan(&n)
				if err != nil || n != 22 {
					t.Errorf("after the clear: %d (due×10 + kept), want 22; %v", n, err)
				}
			})
		}
	}
}

// TestClearChatBySMS: SMS cannot be recalled; she is told to delete them herself and
// stays where she was.
func TestClearChatBySMS(t *testing.T) {
	for _, lang := range azizayol.Langs {
		c := inMenu(t, lang)
		c.user.Channel, c.user.Address = azizayol.SMS, "+998901234567"
		c.send(azizayol.Inbound{Kind: azizayol.KindCommand, Command: "clear"})
		if len(c.out) == 0 || c.out[0].Text != tr(t, lang, "clear.cannot", nil) {
			t.Errorf("%s: %q", lang, texts(c.out))
		}
		wantPlace(t, c.sess, MenuDialog, "main")
	}
}
