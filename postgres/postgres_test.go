package postgres_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/internal/testenv"
	"github.com/azizayol/azizayol/migrations"
	"github.com/azizayol/azizayol/postgres"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// open gives a fresh migrated database: as the code under test sees it, and as a plain
// pool.
var open = testenv.DBWithPool

var externalIDs atomic.Int64

// entry is a Telegram update of the user with this key, with a fresh external id.
func entry(userKey, payload string) azizayol.InboxEntry {
	return azizayol.InboxEntry{
		Channel:    azizayol.Telegram,
		ExternalID: fmt.Sprint(externalIDs.Add(1)),
		UserKey:    userKey,
		Payload:    []byte(payload),
	}
}

func store(t *testing.T, db *postgres.DB, entries ...azizayol.InboxEntry) int {
	t.Helper()
	n, err := db.StoreInbox(t.Context(), entries...)
	if err != nil {
		t.Fatalf("StoreInbox: %v", err)
	}
	return n
}

// inTx runs fn as the processing of a fresh inbox entry (so inside a real Tx) and
// returns what ProcessNext returned. Only for tests with no other pending entries.
func inTx(t *testing.T, db *postgres.DB, fn func(context.Context, azizayol.Tx) error) error {
	t.Helper()
	e := entry("tx-"+fmt.Sprint(externalIDs.Add(1)), "{}")
	store(t, db, e)
	ran := false
	found, err := db.ProcessNext(t.Context(), all, "", func(ctx context.Context, tx azizayol.Tx, got azizayol.InboxEntry) error {
		if got.ExternalID != e.ExternalID {
			return fmt.Errorf("inTx: got entry %s, want %s", got.ExternalID, e.ExternalID)
		}
		ran = true
		return fn(ctx, tx)
	})
	if !found || !ran {
		t.Fatalf("inTx: ProcessNext found=%v ran=%v err=%v", found, ran, err)
	}
	return err
}

func mustTx(t *testing.T, db *postgres.DB, fn func(context.Context, azizayol.Tx) error) {
	t.Helper()
	if err := inTx(t, db, fn); err != nil {
		t.Fatal(err)
	}
}

func user(t *testing.T, db *postgres.DB, ch azizayol.Channel, address string) azizayol.User {
	t.Helper()
	var u azizayol.User
	mustTx(t, db, func(ctx context.Context, tx azizayol.Tx) (err error) {
		u, err = tx.User(ctx, ch, address)
		return err
	})
	return u
}

// enqueue queues one text message per text for u and returns their outbox ids.
func enqueue(t *testing.T, db *postgres.DB, raw *pgxpool.Pool, u azizayol.User, texts ...string) []int64 {
	t.Helper()
	var msgs []azizayol.Outbound
	for _, s := range texts {
		msgs = append(msgs, azizayol.Outbound{Text: s})
	}
	mustTx(t, db, func(ctx context.Context, tx azizayol.Tx) error { return tx.Enqueue(ctx, u, msgs...) })
	rows, err := raw.Query(t.Context(), `SELECT id FROM outbox WHERE user_id = $1 ORDER BY id DESC LIMIT $2`, u.ID, len(texts))
	if err != nil {
		t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(ids)
	return ids
}

type outboxRow struct {
	Status     string
	Attempts   int
	NextDue    time.Time
	LastError  *string
	ExternalID *string
	SentAt     *time.Time
}

func outbox(t *testing.T, raw *pgxpool.Pool, id int64) outboxRow {
	t.Helper()
	var r outboxRow
	err := raw.QueryRow(t.Context(), `SELECT status, attempts, next_attempt_at, last_error, external_id, sent_at
		FROM outbox WHERE id = $1`, id).Scan(&r.Status, &r.Attempts, &r.NextDue, &r.LastError, &r.ExternalID, &r.SentAt)
	if err != nil {
		t.Fatalf("outbox row %d: %v", id, err)
	}
	return r
}

func exec(t *testing.T, raw *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	if _, err := raw.Exec(t.Context(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func count(t *testing.T, raw *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := raw.QueryRow(t.Context(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func sendNext(t *testing.T, db *postgres.DB, channels []azizayol.Channel, send func(context.Context, azizayol.OutboxMessage) azizayol.Delivery) bool {
	t.Helper()
	found, err := db.SendNext(t.Context(), channels, 0, send)
	if err != nil {
		t.Fatalf("SendNext: %v", err)
	}
	return found
}

var telegramOnly = []azizayol.Channel{azizayol.Telegram}

// all is every channel, for claims that should see every entry.
var all = []azizayol.Channel{azizayol.Telegram, azizayol.SMS, azizayol.Shell}

// sendNone is a send that must not be called.
func sendNone(t *testing.T) func(context.Context, azizayol.OutboxMessage) azizayol.Delivery {
	return func(_ context.Context, m azizayol.OutboxMessage) azizayol.Delivery {
		t.Errorf("send called with message %d %+v; want no call", m.ID, m.Message)
		return azizayol.Delivery{Status: azizayol.Sent}
	}
}

func TestStoreInboxStoresEachUpdateOnce(t *testing.T) {
	t.Parallel()
	db, raw := open(t)

	e := entry("u1", `{"update_id":1}`)
	if n := store(t, db, e); n != 1 {
		t.Errorf("first StoreInbox = %d, want 1", n)
	}
	again := e
	again.UserKey, again.Payload = "other", []byte(`{"changed":true}`)
	if n := store(t, db, again); n != 0 {
		t.Errorf("StoreInbox of the same (channel, external id) = %d, want 0", n)
	}
	// The same external id on another channel is another update.
	sms := e
	sms.Channel = azizayol.SMS
	if n := store(t, db, sms); n != 1 {
		t.Errorf("StoreInbox of the same external id on SMS = %d, want 1", n)
	}

	// A batch with a duplicate inside, and one already stored.
	b1, b2 := entry("u2", "b1"), entry("u3", "b2")
	if n := store(t, db, b1, b2, b1, e); n != 2 {
		t.Errorf("StoreInbox of a batch with duplicates = %d, want 2", n)
	}
	if n := count(t, raw, `SELECT count(*) FROM inbox`); n != 4 {
		t.Errorf("inbox holds %d rows, want 4", n)
	}
	var kept []byte
	if err := raw.QueryRow(t.Context(), `SELECT payload FROM inbox WHERE channel = 'telegram' AND external_id = $1`,
		e.ExternalID).Scan(&kept); err != nil {
		t.Fatal(err)
	}
	if string(kept) != `{"update_id":1}` {
		t.Errorf("payload after a duplicate = %q, want the first one kept", kept)
	}
	if n, err := db.StoreInbox(t.Context()); n != 0 || err != nil {
		t.Errorf("StoreInbox() = %d, %v; want 0, nil", n, err)
	}
}

func TestStoreInboxKeepsPayloadBytes(t *testing.T) {
	t.Parallel()
	db, raw := open(t)

	payloads := [][]byte{
		[]byte(`{"message":{"text":"a\u0000b \ud83d"}}`), // escapes jsonb would refuse
		{0xff, 0xfe, 0x00, 0xc3, 0x28, '\n', 0x80},       // invalid UTF-8 and a NUL byte
		[]byte("Salom, opa! Салом! Привет 👋"),
		{},
	}
	var entries []azizayol.InboxEntry
	for i, p := range payloads {
		e := entry(fmt.Sprintf("payload-%d", i), "")
		e.Payload = p
		entries = append(entries, e)
	}
	if n := store(t, db, entries...); n != len(entries) {
		t.Fatalf("StoreInbox = %d, want %d", n, len(entries))
	}
	for i, e := range entries {
		var got []byte
		if err := raw.QueryRow(t.Context(), `SELECT payload FROM inbox WHERE external_id = $1`, e.ExternalID).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, payloads[i]) {
			t.Errorf("stored payload %d = %q, want %q", i, got, payloads[i])
		}
	}
	// And ProcessNext hands them out byte for byte, in the order stored.
	for i := range entries {
		found, err := db.ProcessNext(t.Context(), all, "", func(_ context.Context, _ azizayol.Tx, got azizayol.InboxEntry) error {
			want := entries[i]
			if got.ExternalID != want.ExternalID || got.Channel != want.Channel || got.UserKey != want.UserKey || got.Attempts != 0 {
				t.Errorf("entry %d = %+v, want %+v", i, got, want)
			}
			if !bytes.Equal(got.Payload, payloads[i]) {
				t.Errorf("processed payload %d = %q, want %q", i, got.Payload, payloads[i])
			}
			return nil
		})
		if !found || err != nil {
			t.Fatalf("ProcessNext %d = %v, %v", i, found, err)
		}
	}
}

func TestProcessNextOrderPerUserAndParallelUsers(t *testing.T) {
	t.Parallel()
	db, _ := open(t)

	// Stored interleaved: a1 b1 a2 b2 a3.
	a1, b1, a2, b2, a3 := entry("A", "a1"), entry("B", "b1"), entry("A", "a2"), entry("B", "b2"), entry("A", "a3")
	store(t, db, a1, b1, a2, b2, a3)
	want := map[string][]string{"A": {"a1", "a2", "a3"}, "B": {"b1", "b2"}}

	type run struct {
		user, entry string
		attempts    int
		start, end  time.Time
	}
	var (
		mu   sync.Mutex
		runs []run
	)
	// The first entries of A and B wait for each other (up to a deadline): they can
	// only both start if different users really are processed in parallel.
	started := map[string]chan struct{}{"A": make(chan struct{}), "B": make(chan struct{})}
	var once = map[string]*sync.Once{"A": new(sync.Once), "B": new(sync.Once)}
	other := map[string]string{"A": "B", "B": "A"}

	fn := func(ctx context.Context, _ azizayol.Tx, e azizayol.InboxEntry) error {
		r := run{user: e.UserKey, entry: string(e.Payload), attempts: e.Attempts, start: time.Now()}
		if r.entry == "a1" || r.entry == "b1" {
			once[r.user].Do(func() { close(started[r.user]) })
			select {
			case <-started[other[r.user]]:
			case <-time.After(5 * time.Second):
				t.Errorf("%s: user %s never started while %s ran", r.entry, other[r.user], r.user)
			}
		}
		time.Sleep(5 * time.Millisecond)
		r.end = time.Now()
		mu.Lock()
		runs = append(runs, r)
		mu.Unlock()
		return nil
	}

	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	var processed atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for processed.Load() < 5 && ctx.Err() == nil {
				found, err := db.ProcessNext(ctx, all, "", fn)
				if err != nil {
					t.Errorf("ProcessNext: %v", err)
					return
				}
				if found {
					processed.Add(1)
				} else {
					time.Sleep(time.Millisecond)
				}
			}
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		t.Fatalf("not all entries processed in time: %d of 5", processed.Load())
	}

	if len(runs) != 5 {
		t.Fatalf("fn ran %d times, want 5: %+v", len(runs), runs)
	}
	byUser := map[string][]run{}
	for _, r := range runs {
		byUser[r.user] = append(byUser[r.user], r)
	}
	for u, rs := range byUser {
		sort.Slice(rs, func(i, j int) bool { return rs[i].start.Before(rs[j].start) })
		var order []string
		for i, r := range rs {
			order = append(order, r.entry)
			if r.attempts != 0 {
				t.Errorf("%s ran with Attempts=%d, want 0", r.entry, r.attempts)
			}
			if i > 0 && !rs[i-1].end.Before(r.start) {
				t.Errorf("user %s: %s started at %s before %s ended at %s", u, r.entry,
					r.start.Format(time.StampMicro), rs[i-1].entry, rs[i-1].end.Format(time.StampMicro))
			}
		}
		if !slices.Equal(order, want[u]) {
			t.Errorf("user %s entries ran in order %v, want %v", u, order, want[u])
		}
	}
	overlap := false
	for _, a := range byUser["A"] {
		for _, b := range byUser["B"] {
			overlap = overlap || (a.start.Before(b.end) && b.start.Before(a.end))
		}
	}
	if !overlap {
		t.Errorf("users A and B never ran at the same time")
	}
	if n, err := db.InboxPending(t.Context()); n != 0 || err != nil {
		t.Errorf("InboxPending = %d, %v; want 0", n, err)
	}
	if found, err := db.ProcessNext(t.Context(), all, "", fn); found || err != nil {
		t.Errorf("ProcessNext after all processed = %v, %v; want false", found, err)
	}
}

var errBoom = errors.New("boom")

func TestProcessNextFailureRollsBackAndWaits(t *testing.T) {
	t.Parallel()
	db, raw := open(t)

	a1, a2 := entry("A", "a1"), entry("A", "a2")
	store(t, db, a1, a2)

	found, err := db.ProcessNext(t.Context(), all, "", func(ctx context.Context, tx azizayol.Tx, e azizayol.InboxEntry) error {
		if e.ExternalID != a1.ExternalID {
			t.Errorf("first entry = %s, want a1", e.Payload)
		}
		u, err := tx.User(ctx, azizayol.Telegram, "500")
		if err != nil {
			return err
		}
		if err := tx.Enqueue(ctx, u, azizayol.Outbound{Text: "must not be sent"}); err != nil {
			return err
		}
		return errBoom
	})
	if !found || !errors.Is(err, errBoom) {
		t.Fatalf("ProcessNext with failing fn = %v, %v; want true, an error wrapping errBoom", found, err)
	}

	if n := count(t, raw, `SELECT count(*) FROM outbox`); n != 0 {
		t.Errorf("outbox holds %d messages after a failed fn, want 0", n)
	}
	if n := count(t, raw, `SELECT count(*) FROM users`); n != 0 {
		t.Errorf("users holds %d rows after a failed fn, want 0", n)
	}
	var (
		attempts  int
		processed bool
		msg       *string
		waitSecs  float64
	)
	err = raw.QueryRow(t.Context(), `SELECT attempts, processed_at IS NOT NULL, error,
		extract(epoch FROM next_attempt_at - now())::float8 FROM inbox WHERE external_id = $1`,
		a1.ExternalID).Scan(&attempts, &processed, &msg, &waitSecs)
	if err != nil {
		t.Fatal(err)
	}
	if attempts != 1 || processed || msg == nil || !strings.Contains(*msg, "boom") {
		t.Errorf("failed entry: attempts=%d processed=%v error=%v; want 1, false, containing boom", attempts, processed, msg)
	}
	if waitSecs <= 0 || waitSecs > 1 {
		t.Errorf("failed entry due again in %.3fs, want within (0, 1s] (first backoff)", waitSecs)
	}

	// Not due again yet, and a2 must not overtake it.
	found, err = db.ProcessNext(t.Context(), all, "", func(_ context.Context, _ azizayol.Tx, e azizayol.InboxEntry) error {
		t.Errorf("ProcessNext handed out %s while a1 waits for its retry", e.Payload)
		return nil
	})
	if found || err != nil {
		t.Errorf("ProcessNext during backoff = %v, %v; want false, nil", found, err)
	}

	exec(t, raw, `UPDATE inbox SET next_attempt_at = now() WHERE external_id = $1`, a1.ExternalID)
	var got []azizayol.InboxEntry
	for range 2 {
		found, err := db.ProcessNext(t.Context(), all, "", func(_ context.Context, _ azizayol.Tx, e azizayol.InboxEntry) error {
			got = append(got, e)
			return nil
		})
		if !found || err != nil {
			t.Fatalf("ProcessNext after the backoff = %v, %v", found, err)
		}
	}
	if got[0].ExternalID != a1.ExternalID || got[0].Attempts != 1 {
		t.Errorf("retry = %s with Attempts=%d, want a1 with Attempts=1", got[0].Payload, got[0].Attempts)
	}
	if got[1].ExternalID != a2.ExternalID || got[1].Attempts != 0 {
		t.Errorf("next = %s with Attempts=%d, want a2 with Attempts=0", got[1].Payload, got[1].Attempts)
	}
	if n := count(t, raw, `SELECT count(*) FROM inbox WHERE processed_at IS NULL OR error IS NOT NULL`); n != 0 {
		t.Errorf("%d entries unprocessed or with an error left, want 0", n)
	}
}

// TestProcessNextFailedEntryStaysClaimedUntilRecorded: after fn fails, ProcessNext rolls
// the transaction back (releasing the entry's row lock) and only then records the
// failed attempt and its backoff in a separate statement. In between, the entry is
// unlocked, unprocessed and due: another worker can claim it at once, with
// Attempts=0, so the failure's backoff and count are skipped. Here that window is held
// open deterministically: a SHARE lock on the inbox table (which does not hinder
// SELECT … FOR UPDATE) makes the recording UPDATE wait.
func TestProcessNextFailedEntryStaysClaimedUntilRecorded(t *testing.T) {
	t.Parallel()
	db, raw := open(t)
	a1 := entry("A", "a1")
	store(t, db, a1)

	side, err := raw.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer side.Rollback(context.Background())
	if _, err := side.Exec(t.Context(), `LOCK TABLE inbox IN SHARE MODE`); err != nil {
		t.Fatal(err)
	}

	first := make(chan error, 1)
	go func() {
		_, err := db.ProcessNext(context.Background(), all, "", func(context.Context, azizayol.Tx, azizayol.InboxEntry) error {
			return errBoom
		})
		first <- err
	}()
	// Wait until the failing worker is stuck recording its failure.
	testenv.Eventually(t, 5*time.Second, "the failed attempt's UPDATE to wait for the lock", func() bool {
		return count(t, raw, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
			AND wait_event_type = 'Lock'`) == 1
	})

	type claim struct {
		found bool
		err   error
	}
	handed := make(chan azizayol.InboxEntry, 1)
	second := make(chan claim, 1)
	go func() {
		found, err := db.ProcessNext(context.Background(), all, "", func(_ context.Context, _ azizayol.Tx, e azizayol.InboxEntry) error {
			handed <- e
			return nil
		})
		second <- claim{found, err}
	}()
	secondDone := false
	select {
	case e := <-handed:
		t.Errorf("entry %s (Attempts=%d) was handed to a second worker while its failed attempt was not yet recorded; "+
			"want it kept locked until attempts and next_attempt_at are written", e.Payload, e.Attempts)
	case c := <-second:
		secondDone = true
		if c.found || c.err != nil {
			t.Errorf("second ProcessNext = %v, %v; want false, nil", c.found, c.err)
		}
	case <-time.After(5 * time.Second):
		t.Errorf("second ProcessNext neither returned nor claimed anything in 5s")
	}
	if err := side.Commit(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := <-first; !errors.Is(err, errBoom) {
		t.Errorf("failing ProcessNext = %v, want errBoom", err)
	}
	if !secondDone {
		<-second
	}
}

func TestTxUser(t *testing.T) {
	t.Parallel()
	db, raw := open(t)

	u := user(t, db, azizayol.Telegram, "100")
	if !u.New || u.ID == 0 || u.Lang != "" || u.Blocked || u.Channel != azizayol.Telegram || u.Address != "100" {
		t.Errorf("first User = %+v, want a new user with no language", u)
	}
	again := user(t, db, azizayol.Telegram, "100")
	if again.New || again.ID != u.ID {
		t.Errorf("second User = %+v, want the same user (id %d), not new", again, u.ID)
	}
	sms := user(t, db, azizayol.SMS, "100")
	if !sms.New || sms.ID == u.ID {
		t.Errorf("the same address on SMS = %+v, want another, new user", sms)
	}

	mustTx(t, db, func(ctx context.Context, tx azizayol.Tx) error { return tx.SetLanguage(ctx, u.ID, azizayol.Ru) })
	if got := user(t, db, azizayol.Telegram, "100"); got.Lang != azizayol.Ru || got.New {
		t.Errorf("User after SetLanguage = %+v, want Lang ru", got)
	}

	// Blocking stops her pending messages (when a sender next takes one), not sent
	// ones and not other users'.
	ids := enqueue(t, db, raw, u, "one", "two", "three")
	others := enqueue(t, db, raw, sms, "sms")
	if !sendNext(t, db, telegramOnly, func(context.Context, azizayol.OutboxMessage) azizayol.Delivery {
		return azizayol.Delivery{Status: azizayol.Sent, ExternalID: "1"}
	}) {
		t.Fatal("nothing to send")
	}
	mustTx(t, db, func(ctx context.Context, tx azizayol.Tx) error { return tx.SetBlocked(ctx, u.ID, true) })
	// The next sender to take one of her messages stops them all, sending none.
	if !sendNext(t, db, telegramOnly, sendNone(t)) {
		t.Fatal("her pending message was not taken")
	}
	for i, id := range ids {
		want := "blocked"
		if i == 0 {
			want = "sent"
		}
		if got := outbox(t, raw, id).Status; got != want {
			t.Errorf("message %d after SetBlocked(true): status %s, want %s", i, got, want)
		}
	}
	if got := outbox(t, raw, others[0]).Status; got != "pending" {
		t.Errorf("another user's message after SetBlocked: status %s, want pending", got)
	}
	if b, err := db.UserBlocked(t.Context(), azizayol.Telegram, "100"); !b || err != nil {
		t.Errorf("UserBlocked = %v, %v; want true", b, err)
	}
	if got := user(t, db, azizayol.Telegram, "100"); !got.Blocked {
		t.Errorf("User after SetBlocked(true) = %+v, want Blocked", got)
	}

	mustTx(t, db, func(ctx context.Context, tx azizayol.Tx) error { return tx.SetBlocked(ctx, u.ID, false) })
	if b, err := db.UserBlocked(t.Context(), azizayol.Telegram, "100"); b || err != nil {
		t.Errorf("UserBlocked after SetBlocked(false) = %v, %v; want false", b, err)
	}
	if got := user(t, db, azizayol.Telegram, "100"); got.Blocked || got.Lang != azizayol.Ru {
		t.Errorf("User after SetBlocked(false) = %+v, want not blocked, Lang kept", got)
	}
	if _, err := db.UserBlocked(t.Context(), azizayol.Telegram, "nobody"); err == nil {
		t.Errorf("UserBlocked of an unknown address: no error")
	}
}

func TestSendNextOneAtATimePerUserInOrder(t *testing.T) {
	t.Parallel()
	db, raw := open(t)
	x := user(t, db, azizayol.Telegram, "x")
	y := user(t, db, azizayol.Telegram, "y")
	xs := enqueue(t, db, raw, x, "x1", "x2")
	ys := enqueue(t, db, raw, y, "y1")

	// The first worker takes x1 and stays inside send.
	inside := make(chan azizayol.OutboxMessage, 1)
	release := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := db.SendNext(t.Context(), telegramOnly, 0, func(_ context.Context, m azizayol.OutboxMessage) azizayol.Delivery {
			inside <- m
			<-release
			return azizayol.Delivery{Status: azizayol.Sent, ExternalID: "tg-1"}
		})
		done <- err
	}()
	var m azizayol.OutboxMessage
	select {
	case m = <-inside:
	case <-time.After(5 * time.Second):
		t.Fatal("first SendNext did not call send")
	}
	if m.ID != xs[0] || m.Message.Text != "x1" || m.UserID != x.ID || m.Address != "x" || m.Channel != azizayol.Telegram ||
		m.Attempts != 0 || m.Queued.IsZero() {
		t.Errorf("first message = %+v, want x1", m)
	}

	// Meanwhile a second worker gets y1, not x2; then nothing.
	var got []string
	record := func(_ context.Context, m azizayol.OutboxMessage) azizayol.Delivery {
		got = append(got, m.Message.Text)
		return azizayol.Delivery{Status: azizayol.Sent}
	}
	if !sendNext(t, db, telegramOnly, record) {
		t.Fatal("second SendNext found nothing while y1 waits")
	}
	if sendNext(t, db, telegramOnly, record) {
		t.Error("third SendNext found a message while x1 is being sent")
	}
	if !slices.Equal(got, []string{"y1"}) {
		t.Errorf("sent while x1 was inside send: %v, want [y1]", got)
	}

	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	r := outbox(t, raw, xs[0])
	if r.Status != "sent" || r.ExternalID == nil || *r.ExternalID != "tg-1" || r.Attempts != 1 || r.SentAt == nil {
		t.Errorf("x1 after Sent: %+v, want sent with external id tg-1, attempts 1", r)
	}
	if r := outbox(t, raw, ys[0]); r.Status != "sent" {
		t.Errorf("y1: %+v, want sent", r)
	}

	got = nil
	for sendNext(t, db, telegramOnly, record) {
	}
	if !slices.Equal(got, []string{"x2"}) {
		t.Errorf("sent after x1: %v, want [x2]", got)
	}
}

func TestSendNextDeliveryResults(t *testing.T) {
	t.Parallel()
	db, raw := open(t)
	u := user(t, db, azizayol.Telegram, "200")
	ids := enqueue(t, db, raw, u, "m1", "m2")
	m1 := ids[0]
	due := func() { exec(t, raw, `UPDATE outbox SET next_attempt_at = now() WHERE id = $1`, m1) }
	reply := func(d azizayol.Delivery, wantText string, wantAttempts int) {
		t.Helper()
		called := false
		if !sendNext(t, db, telegramOnly, func(_ context.Context, m azizayol.OutboxMessage) azizayol.Delivery {
			called = true
			if m.Message.Text != wantText || m.Attempts != wantAttempts {
				t.Errorf("send got %q with Attempts=%d, want %q with Attempts=%d", m.Message.Text, m.Attempts, wantText, wantAttempts)
			}
			return d
		}) || !called {
			t.Fatalf("SendNext found nothing, want %s", wantText)
		}
	}

	// A failure to retry: counted, remembered, delayed until RetryAt.
	retryAt := time.Now().Add(time.Hour).Truncate(time.Microsecond)
	reply(azizayol.Delivery{Status: azizayol.RetryLater, RetryAt: retryAt, Error: "timeout"}, "m1", 0)
	r := outbox(t, raw, m1)
	if r.Status != "pending" || r.Attempts != 1 || r.LastError == nil || *r.LastError != "timeout" || !r.NextDue.Equal(retryAt) {
		t.Errorf("after RetryLater with an error: %+v, want pending, attempts 1, last_error timeout, due at %s", r, retryAt)
	}
	if sendNext(t, db, telegramOnly, sendNone(t)) {
		t.Error("SendNext found a message while m1 waits for its retry (m2 must wait behind it)")
	}

	// A limiter's wait: not a failure.
	due()
	reply(azizayol.Delivery{Status: azizayol.RetryLater, RetryAt: retryAt}, "m1", 1)
	r = outbox(t, raw, m1)
	if r.Attempts != 1 || r.LastError == nil || *r.LastError != "timeout" || !r.NextDue.Equal(retryAt) {
		t.Errorf("after RetryLater without an error: %+v, want attempts still 1, last_error kept, due at %s", r, retryAt)
	}

	// Given up for good; her next message goes on.
	due()
	reply(azizayol.Delivery{Status: azizayol.Failed, Error: "rejected"}, "m1", 1)
	r = outbox(t, raw, m1)
	if r.Status != "failed" || r.Attempts != 2 || r.LastError == nil || *r.LastError != "rejected" || r.SentAt != nil {
		t.Errorf("after Failed: %+v, want failed, attempts 2, last_error rejected", r)
	}
	reply(azizayol.Delivery{Status: azizayol.Sent, ExternalID: "77"}, "m2", 0)
	if r := outbox(t, raw, ids[1]); r.Status != "sent" || r.ExternalID == nil || *r.ExternalID != "77" {
		t.Errorf("m2: %+v, want sent as 77", r)
	}
	if sendNext(t, db, telegramOnly, sendNone(t)) {
		t.Error("SendNext found a message after all were done")
	}
	counts, err := db.OutboxCounts(t.Context())
	if err != nil || counts[azizayol.Sent] != 1 || counts[azizayol.Failed] != 1 || counts[azizayol.RetryLater] != 0 {
		t.Errorf("OutboxCounts = %v, %v; want 1 sent, 1 failed", counts, err)
	}
}

func TestSendNextWaitsUntilRetryAt(t *testing.T) {
	t.Parallel()
	db, raw := open(t)
	u := user(t, db, azizayol.Telegram, "300")
	enqueue(t, db, raw, u, "m")

	retryAt := time.Now().Add(300 * time.Millisecond)
	if !sendNext(t, db, telegramOnly, func(context.Context, azizayol.OutboxMessage) azizayol.Delivery {
		return azizayol.Delivery{Status: azizayol.RetryLater, RetryAt: retryAt}
	}) {
		t.Fatal("nothing to send")
	}
	var sentAt time.Time
	testenv.Eventually(t, 5*time.Second, "the message to be due again", func() bool {
		return sendNext(t, db, telegramOnly, func(context.Context, azizayol.OutboxMessage) azizayol.Delivery {
			sentAt = time.Now()
			return azizayol.Delivery{Status: azizayol.Sent}
		})
	})
	if sentAt.Before(retryAt) {
		t.Errorf("handed out again %s before RetryAt", retryAt.Sub(sentAt))
	}
}

func TestSendNextUserBlocked(t *testing.T) {
	t.Parallel()
	db, raw := open(t)
	u := user(t, db, azizayol.Telegram, "blocker")
	v := user(t, db, azizayol.Telegram, "reader")
	ids := enqueue(t, db, raw, u, "m1", "m2", "m3")
	vs := enqueue(t, db, raw, v, "v1")

	if !sendNext(t, db, telegramOnly, func(_ context.Context, m azizayol.OutboxMessage) azizayol.Delivery {
		if m.ID != ids[0] {
			t.Errorf("first message %d, want m1 (%d)", m.ID, ids[0])
		}
		return azizayol.Delivery{Status: azizayol.UserBlocked}
	}) {
		t.Fatal("nothing to send")
	}
	for i, id := range ids {
		if r := outbox(t, raw, id); r.Status != "blocked" {
			t.Errorf("m%d after UserBlocked: %+v, want blocked", i+1, r)
		}
	}
	if b, err := db.UserBlocked(t.Context(), azizayol.Telegram, "blocker"); !b || err != nil {
		t.Errorf("UserBlocked = %v, %v; want true", b, err)
	}
	if r := outbox(t, raw, vs[0]); r.Status != "pending" {
		t.Errorf("another user's message: %+v, want still pending", r)
	}

	// A message queued for her while she is blocked never reaches send.
	late := enqueue(t, db, raw, u, "late")
	var sent []string
	for sendNext(t, db, telegramOnly, func(_ context.Context, m azizayol.OutboxMessage) azizayol.Delivery {
		if m.UserID == u.ID {
			t.Errorf("send called with %q for a blocked user", m.Message.Text)
		}
		sent = append(sent, m.Message.Text)
		return azizayol.Delivery{Status: azizayol.Sent}
	}) {
	}
	if !slices.Equal(sent, []string{"v1"}) {
		t.Errorf("sent %v, want [v1]", sent)
	}
	if r := outbox(t, raw, late[0]); r.Status != "blocked" {
		t.Errorf("message queued while blocked: %+v, want blocked", r)
	}
}

func TestSendNextOnlyAskedChannels(t *testing.T) {
	t.Parallel()
	db, raw := open(t)
	s := user(t, db, azizayol.SMS, "+998901234567")
	enqueue(t, db, raw, s, "sms")

	if sendNext(t, db, telegramOnly, sendNone(t)) {
		t.Error("SendNext(telegram) found an SMS message")
	}
	if sendNext(t, db, nil, sendNone(t)) {
		t.Error("SendNext(no channels) found a message")
	}
	var got azizayol.OutboxMessage
	if !sendNext(t, db, []azizayol.Channel{azizayol.Telegram, azizayol.SMS}, func(_ context.Context, m azizayol.OutboxMessage) azizayol.Delivery {
		got = m
		return azizayol.Delivery{Status: azizayol.Sent}
	}) {
		t.Fatal("SendNext(telegram, sms) found nothing")
	}
	if got.Channel != azizayol.SMS || got.Address != "+998901234567" || got.Message.Text != "sms" {
		t.Errorf("sent %+v, want the SMS message", got)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	db, _ := open(t)
	applied, err := db.Migrate(t.Context())
	if err != nil || len(applied) != 0 {
		t.Errorf("Migrate on a migrated database = %v, %v; want nothing applied", applied, err)
	}
}

// Two instances starting at once on an empty database: one applies the schema, the
// other waits for it and applies nothing.
func TestMigrateConcurrentOnEmptyDatabase(t *testing.T) {
	t.Parallel()
	dsn := emptyDatabase(t)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		applied []string
	)
	for range 2 {
		db, err := postgres.Open(t.Context(), dsn, 4)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(db.Close)
		wg.Go(func() {
			got, err := db.Migrate(t.Context())
			if err != nil {
				t.Errorf("concurrent Migrate: %v", err)
			}
			mu.Lock()
			applied = append(applied, got...)
			mu.Unlock()
		})
	}
	wg.Wait()
	// Every migration applied exactly once, by one of the two.
	files, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(applied)
	if !slices.Equal(applied, files) {
		t.Errorf("applied by both = %v, want each of %v once", applied, files)
	}
	db, err := postgres.Open(t.Context(), dsn, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, err := db.InboxPending(t.Context()); n != 0 || err != nil {
		t.Errorf("InboxPending on the migrated database = %d, %v", n, err)
	}
}

// emptyDatabase creates a database with no schema, named like testenv's so a
// leftover is swept, and drops it when the test ends.
func emptyDatabase(t *testing.T) string {
	t.Helper()
	b := make([]byte, 4)
	rand.Read(b)
	name := fmt.Sprintf("azt_%d_%s_e", time.Now().Unix(), hex.EncodeToString(b))
	admin, err := pgx.Connect(t.Context(), testenv.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	if _, err := admin.Exec(t.Context(), `CREATE DATABASE `+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, testenv.AdminURL())
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			t.Error(err)
		}
	})
	u, err := url.Parse(testenv.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// The hot path claims one user's first message or entry (the processor and the
// intake name her); it must give only hers, only her first, and nothing while her
// first is taken.
func TestClaimsForOneUser(t *testing.T) {
	t.Parallel()
	db, raw := open(t)
	ctx := t.Context()
	a := user(t, db, azizayol.Telegram, "101")
	b := user(t, db, azizayol.Telegram, "102")
	enqueue(t, db, raw, b, "b1")
	enqueue(t, db, raw, a, "a1", "a2")

	var texts []string
	for range 3 {
		found, err := db.SendNext(ctx, telegramOnly, a.ID, func(_ context.Context, m azizayol.OutboxMessage) azizayol.Delivery {
			texts = append(texts, m.Message.Text)
			return azizayol.Delivery{Status: azizayol.Sent}
		})
		if err != nil {
			t.Fatalf("SendNext for one user: %v", err)
		}
		if !found {
			break
		}
	}
	if strings.Join(texts, " ") != "a1 a2" {
		t.Errorf("sent for user a: %v, want a1 a2 only", texts)
	}

	store(t, db, entry("A", "x1"), entry("B", "y1"), entry("A", "x2"))
	got := processAll(t, db, "A", func(azizayol.InboxEntry) error { return nil })
	if strings.Join(got, " ") != "x1 x2" {
		t.Errorf("processed for user A: %v, want x1 x2 only", got)
	}
}

// An entry that cannot be read is done at once, with the reason kept for people to
// look at; it does not hold back her next entry.
func TestUnreadableEntryIsKeptWithItsReason(t *testing.T) {
	t.Parallel()
	db, raw := open(t)
	ctx := t.Context()
	store(t, db, entry("A", "garbled"), entry("A", "next"))
	got := processAll(t, db, "", func(e azizayol.InboxEntry) error {
		if string(e.Payload) == "garbled" {
			return fmt.Errorf("%w: not JSON", azizayol.ErrUnreadable)
		}
		return nil
	})
	if strings.Join(got, " ") != "garbled next" {
		t.Errorf("processed %v, want garbled once, then next", got)
	}
	var reason string
	if err := raw.QueryRow(ctx, `SELECT error FROM inbox WHERE payload = 'garbled' AND processed_at IS NOT NULL`).Scan(&reason); err != nil || !strings.Contains(reason, "not JSON") {
		t.Errorf("reason kept: %q %v", reason, err)
	}
}

// Try undoes what fn changed, also after a statement failed (which aborts the
// transaction), and the entry's transaction goes on and commits.
func TestTryRecoversFromAFailedStatement(t *testing.T) {
	t.Parallel()
	db, raw := open(t)
	ctx := t.Context()
	store(t, db, entry("A", "a1"))
	found, err := db.ProcessNext(ctx, all, "", func(ctx context.Context, tx azizayol.Tx, _ azizayol.InboxEntry) error {
		u, err := tx.User(ctx, azizayol.Telegram, "500")
		if err != nil {
			return err
		}
		terr := tx.Try(ctx, func(tx azizayol.Tx) error {
			if err := tx.SetLanguage(ctx, u.ID, azizayol.Ru); err != nil {
				return err
			}
			// No such user: a foreign-key violation aborts the transaction.
			return tx.Enqueue(ctx, azizayol.User{ID: u.ID + 1000, Channel: azizayol.Telegram, Address: "x"}, azizayol.Outbound{Text: "lost"})
		})
		if terr == nil {
			t.Error("Try: no error from a failed statement")
		}
		return tx.Enqueue(ctx, u, azizayol.Outbound{Text: "apology"})
	})
	if err != nil || !found {
		t.Fatalf("ProcessNext = %v, %v", found, err)
	}
	var lang, texts string
	if err := raw.QueryRow(ctx, `SELECT lang FROM users WHERE address = '500'`).Scan(&lang); err != nil || lang != "" {
		t.Errorf("language %q (%v): the change inside Try was kept", lang, err)
	}
	if err := raw.QueryRow(ctx, `SELECT string_agg(message->>'text', ',') FROM outbox`).Scan(&texts); err != nil || texts != "apology" {
		t.Errorf("outbox %q (%v), want the apology only", texts, err)
	}
}

// processAll runs ProcessNext (for one user, or anyone when userKey is "") until
// nothing is due, and returns the payloads it handed to fn, in order.
func processAll(t *testing.T, db *postgres.DB, userKey string, fn func(azizayol.InboxEntry) error) []string {
	t.Helper()
	var got []string
	for range 100 {
		found, err := db.ProcessNext(t.Context(), all, userKey, func(_ context.Context, _ azizayol.Tx, e azizayol.InboxEntry) error {
			got = append(got, string(e.Payload))
			return fn(e)
		})
		if err != nil {
			t.Fatalf("ProcessNext: %v", err)
		}
		if !found {
			return got
		}
	}
	t.Fatal("ProcessNext never ran out of entries")
	return nil
}

// After STOP her messages are withheld, not sent and not tried again — but the ones
// she asked for (Always); a delivery report finds a sent message by its external id.
func TestSendNextOptedOutAndReports(t *testing.T) {
	t.Parallel()
	db, raw := open(t)
	u := user(t, db, azizayol.SMS, "998901230000")
	sendAll := func() []string {
		var sent []string
		for sendNext(t, db, []azizayol.Channel{azizayol.SMS}, func(_ context.Context, m azizayol.OutboxMessage) azizayol.Delivery {
			sent = append(sent, m.Message.Text+"/"+string(m.Message.Lang))
			return azizayol.Delivery{Status: azizayol.Sent, ExternalID: "ext-" + m.Message.Text}
		}) {
		}
		return sent
	}
	do(t, db, func(ctx context.Context, tx azizayol.Tx) error {
		if err := tx.SetLanguage(ctx, u.ID, azizayol.Ru); err != nil {
			return err
		}
		u.Lang = azizayol.Ru
		if err := tx.Enqueue(ctx, u, azizayol.Outbound{Text: "before"}); err != nil {
			return err
		}
		return nil
	})
	if got := sendAll(); !slices.Equal(got, []string{"before/ru"}) {
		t.Errorf("sent %v; want the message, in her language", got)
	}
	do(t, db, func(ctx context.Context, tx azizayol.Tx) error {
		if err := tx.SetOptedOut(ctx, u.ID, true); err != nil {
			return err
		}
		return tx.Enqueue(ctx, u, azizayol.Outbound{Text: "digest"}, azizayol.Outbound{Text: "hotline", Always: true})
	})
	if got := sendAll(); !slices.Equal(got, []string{"hotline/ru"}) {
		t.Errorf("sent after STOP %v; want only what she asked for", got)
	}
	if n := count(t, raw, `SELECT count(*) FROM outbox WHERE status = 'withheld' AND last_error LIKE '%STOP%'`); n != 1 {
		t.Errorf("%d withheld", n)
	}
	if found, err := db.RecordReport(t.Context(), azizayol.SMS, "ext-before", azizayol.Delivered, time.Now()); !found || err != nil {
		t.Errorf("report of a sent message: %v, %v", found, err)
	}
	if found, _ := db.RecordReport(t.Context(), azizayol.SMS, "ext-unknown", azizayol.Delivered, time.Now()); found {
		t.Error("a report of no message found one")
	}
	if found, _ := db.RecordReport(t.Context(), azizayol.Telegram, "ext-before", azizayol.Delivered, time.Now()); found {
		t.Error("a report of another channel found the SMS")
	}
	if n := count(t, raw, `SELECT count(*) FROM outbox WHERE delivery = 'delivered' AND delivery_at IS NOT NULL`); n != 1 {
		t.Errorf("%d delivered", n)
	}

	// An agency's notice withheld by STOP is queued again at START, once.
	do(t, db, func(ctx context.Context, tx azizayol.Tx) error {
		if err := tx.SetOptedOut(ctx, u.ID, true); err != nil {
			return err
		}
		return tx.Enqueue(ctx, u, azizayol.Outbound{Text: "answer", Notice: true}, azizayol.Outbound{Text: "menu"})
	})
	sendAll()
	for range 2 {
		do(t, db, func(ctx context.Context, tx azizayol.Tx) error {
			if err := tx.SetOptedOut(ctx, u.ID, false); err != nil {
				return err
			}
			_, err := tx.RequeueNotices(ctx, u.ID)
			return err
		})
	}
	if got := sendAll(); !slices.Equal(got, []string{"answer/ru"}) {
		t.Errorf("after START sent %v; want the withheld notice once, not the menu", got)
	}

	// A report quicker than the commit of its send waits for it.
	do(t, db, func(ctx context.Context, tx azizayol.Tx) error {
		if err := tx.SetOptedOut(ctx, u.ID, false); err != nil {
			return err
		}
		return tx.Enqueue(ctx, u, azizayol.Outbound{Text: "quick"})
	})
	if found, err := db.RecordReport(t.Context(), azizayol.SMS, "ext-quick", azizayol.NotDelivered, time.Now()); found || err != nil {
		t.Errorf("a report before its send: %v, %v", found, err)
	}
	sendAll()
	if n := count(t, raw, `SELECT count(*) FROM outbox WHERE external_id = 'ext-quick' AND delivery = 'failed'`); n != 1 {
		t.Error("the early report was not applied when the send was recorded")
	}
	if n := count(t, raw, `SELECT count(*) FROM early_reports`); n != 2 {
		t.Errorf("%d early reports left, want the two of no message", n)
	}
}
