package postgres_test

import (
	"context"
	"testing"

	"github.com/azizayol/azizayol"
)

// LastSent is her newest message that was not held back: what a number she answers by
// SMS may be meant for. Others' messages, and hers withheld or given up, are not it.
func TestLastSent(t *testing.T) {
	t.Parallel()
	db, raw := open(t)
	her := user(t, db, azizayol.SMS, "998900000101")
	other := user(t, db, azizayol.SMS, "998900000102")
	last := func() azizayol.Outbound {
		t.Helper()
		var m azizayol.Outbound
		mustTx(t, db, func(ctx context.Context, tx azizayol.Tx) (err error) {
			m, err = tx.LastSent(ctx, her.ID)
			return err
		})
		return m
	}
	if m := last(); m.Text != "" || m.Buttons != nil {
		t.Errorf("before anything was sent: %+v", m)
	}
	notice := azizayol.Outbound{Text: "AA-2026-000001", Notice: true,
		Buttons: [][]azizayol.Button{{{Label: "Oʻqish", Data: "*:appeal:1"}}}}
	mustTx(t, db, func(ctx context.Context, tx azizayol.Tx) error {
		return tx.Enqueue(ctx, her, azizayol.Outbound{Text: "menu"}, notice)
	})
	enqueue(t, db, raw, other, "not hers")
	if m := last(); m.Text != notice.Text || !m.Notice || len(m.Buttons) != 1 || m.Buttons[0][0].Data != "*:appeal:1" {
		t.Errorf("after the notice: %+v", m)
	}
	ids := enqueue(t, db, raw, her, "the cap's note replaced it")
	for _, status := range []string{"withheld", "failed", "blocked"} {
		if _, err := raw.Exec(t.Context(), `UPDATE outbox SET status = $2 WHERE id = $1`, ids[0], status); err != nil {
			t.Fatal(err)
		}
		if m := last(); m.Text != notice.Text {
			t.Errorf("after a message %s: %q, want the notice", status, m.Text)
		}
	}
	if _, err := raw.Exec(t.Context(), `UPDATE outbox SET status = 'sent' WHERE id = $1`, ids[0]); err != nil {
		t.Fatal(err)
	}
	if m := last(); m.Text != "the cap's note replaced it" {
		t.Errorf("after a message sent: %q", m.Text)
	}
}
