package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/bot/shell"
	"github.com/azizayol/azizayol/crisis"
	"github.com/azizayol/azizayol/dialogs"
	"github.com/azizayol/azizayol/internal/testenv"
	"github.com/azizayol/azizayol/postgres"
)

func TestMain(m *testing.M) {
	// These tests make dialogs fail on purpose: their error logs are expected.
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	testenv.Main(m)
}

// commitFails makes the transaction of the entries it names fail once, after the dialog
// ran and her session was saved, as a crash or a lost connection before COMMIT would.
type commitFails struct {
	*postgres.DB
	failed map[int64]bool
	fail   func(azizayol.InboxEntry) bool
}

func (c *commitFails) ProcessNext(ctx context.Context, channels []azizayol.Channel, userKey string, fn func(context.Context, azizayol.Tx, azizayol.InboxEntry) error) (bool, error) {
	return c.DB.ProcessNext(ctx, channels, userKey, func(ctx context.Context, tx azizayol.Tx, e azizayol.InboxEntry) error {
		if err := fn(ctx, tx, e); err != nil {
			return err
		}
		if c.fail(e) && !c.failed[e.ID] {
			c.failed[e.ID] = true
			return errors.New("connection lost before commit")
		}
		return nil
	})
}

// A message whose transaction fails after her session was saved runs again from the
// session as it was before it: she moves once, and gets one set of replies.
func TestEntryRunAgainAfterLostCommitMovesHerOnce(t *testing.T) {
	ctx := context.Background()
	db, rdb := testenv.DB(t), testenv.Redis(t)
	sessions := rdb.Sessions(time.Hour)
	store := func(n int, text string) {
		payload, _ := json.Marshal(map[string]string{"who": "lola", "text": text})
		if _, err := db.StoreInbox(ctx, azizayol.InboxEntry{Channel: azizayol.Shell,
			ExternalID: fmt.Sprint(n), UserKey: "shell:lola", Payload: payload}); err != nil {
			t.Fatal(err)
		}
	}
	inbox := &commitFails{DB: db, failed: map[int64]bool{}, fail: func(e azizayol.InboxEntry) bool {
		return strings.Contains(string(e.Payload), "Русский") // her choice of language
	}}
	engine := dialogs.Standard(crisis.Default(), time.Hour, time.Now)
	p := NewProcessor(inbox, sessions, engine, []Channel{shell.New(nil)}, NewSignal(1), func(int64) {}, prometheus.NewRegistry())

	store(1, "/start")
	store(2, "Русский") // typed label of the language button
	p.drain(ctx, "")
	if !inbox.failed[2] {
		t.Fatal("the second entry's commit did not fail")
	}
	// Its retry waits for the backoff; make it due now.
	if err := db.RetryNow(ctx); err != nil {
		t.Fatal(err)
	}
	p.drain(ctx, "")

	var texts []string
	var out []azizayol.Outbound
	if err := db.EachOutbox(ctx, func(m azizayol.Outbound) { out = append(out, m); texts = append(texts, m.Text) }); err != nil {
		t.Fatal(err)
	}
	all := strings.Join(texts, "\n---\n")
	if strings.Count(all, "Выбран язык") != 1 || strings.Contains(all, "Такой") || strings.Contains(all, "старого") {
		t.Fatalf("replies after a lost commit:\n%s", all)
	}
	if len(out) != 4 { // greeting, language prompt, saved, menu
		t.Errorf("%d replies, want 4:\n%s", len(out), all)
	}
}

// failing is a dialog engine that changes her language and then fails (or panics) on
// the message "boom", and answers every other message.
type failing struct{ panics bool }

func (failing) MatchCrisis(text string) (string, bool) { return crisis.Default().Match(text) }

func (f failing) Handle(ctx context.Context, store azizayol.Store, u azizayol.User, sess *azizayol.Session, in azizayol.Inbound) (*azizayol.Session, []azizayol.Outbound, error) {
	if in.Text != "boom" {
		return &azizayol.Session{Dialog: "menu", State: "main", Step: 7}, []azizayol.Outbound{{Text: "ok: " + in.Text}}, nil
	}
	if err := store.SetLanguage(ctx, u.ID, azizayol.Ru); err != nil {
		return nil, nil, err
	}
	if f.panics {
		panic("dialog bug")
	}
	return nil, nil, errors.New("dialog bug")
}

// A message the dialog fails on every time is given up after GiveUpAfter attempts:
// what the dialog changed is undone, she gets one apology, her session stays where it
// was, and her next message is answered.
func TestGivingUpUndoesTheDialogAndLetsHerGoOn(t *testing.T) {
	for _, panics := range []bool{false, true} {
		t.Run(fmt.Sprintf("panics=%v", panics), func(t *testing.T) {
			ctx := context.Background()
			url := testenv.DatabaseURL(t)
			db, err := postgres.Open(ctx, url, 8)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(db.Close)
			rdb := testenv.Redis(t)
			sessions := rdb.Sessions(time.Hour)
			p := NewProcessor(db, sessions, failing{panics: panics}, []Channel{shell.New(nil)}, NewSignal(1), func(int64) {}, prometheus.NewRegistry())
			for i, text := range []string{"hello", "boom", "after"} {
				payload, _ := json.Marshal(map[string]string{"who": "zarina", "text": text})
				if _, err := db.StoreInbox(ctx, azizayol.InboxEntry{Channel: azizayol.Shell,
					ExternalID: fmt.Sprint(i), UserKey: "shell:zarina", Payload: payload}); err != nil {
					t.Fatal(err)
				}
			}
			for range GiveUpAfter + 1 {
				p.drain(ctx, "")
				if err := db.RetryNow(ctx); err != nil {
					t.Fatal(err)
				}
			}
			var texts []string
			if err := db.EachOutbox(ctx, func(m azizayol.Outbound) { texts = append(texts, m.Text) }); err != nil {
				t.Fatal(err)
			}
			if len(texts) != 3 || texts[0] != "ok: hello" || !strings.Contains(texts[1], "1146") || texts[2] != "ok: after" {
				t.Fatalf("replies: %q, want ok, one apology, ok", texts)
			}
			if n, _ := db.InboxPending(ctx); n != 0 {
				t.Errorf("%d entries still pending", n)
			}
			conn, err := pgx.Connect(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(ctx)
			var lang string
			if err := conn.QueryRow(ctx, `SELECT lang FROM users WHERE address = 'zarina'`).Scan(&lang); err != nil {
				t.Fatal(err)
			}
			if lang != "" {
				t.Errorf("her language is %q: the failed dialog's change was kept", lang)
			}
		})
	}
}
