package postgres_test

import (
	"context"
	"errors"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/postgres"
)

func do(t *testing.T, db *postgres.DB, fn func(context.Context, azizayol.Tx) error) {
	t.Helper()
	if err := db.Do(t.Context(), func(tx azizayol.Tx) error { return fn(t.Context(), tx) }); err != nil {
		t.Fatal(err)
	}
}

func file(t *testing.T, db *postgres.DB, d azizayol.Draft) azizayol.Appeal {
	t.Helper()
	var a azizayol.Appeal
	do(t, db, func(ctx context.Context, tx azizayol.Tx) (err error) {
		a, err = tx.File(ctx, d)
		return err
	})
	return a
}

func draft(u azizayol.User, topic, region, district string) azizayol.Draft {
	return azizayol.Draft{
		UserID: u.ID, Kind: azizayol.KindAppeal, Topic: topic, RegionCode: region, DistrictCode: district,
		Text: "matn", Phone: "+998901234567", Lang: azizayol.UzLatn, Consent: "v1",
		Filed: time.Date(2026, 11, 30, 10, 0, 0, 0, azizayol.Tashkent),
	}
}

// Every topic in every region goes to exactly the agency of the routing table: the
// khokimiyat of her region for the Women's notebook and housing, the national
// ministry or centre otherwise.
func TestRouteEveryTopicInEveryRegion(t *testing.T) {
	db, raw := open(t)
	want := map[string]string{
		"legal": "justice", "medical": "health", "psychological": "rehab",
		"notebook_in": "khokimiyat-", "notebook_out": "khokimiyat-", "housing": "khokimiyat-",
		"grant": "mahalla", "employment": "employment", "entrepreneurship": "xalqbank",
		"violence": "rehab", "misc": "mahalla", "crisis": "rehab",
	}
	if n := count(t, raw, `SELECT count(*) FROM topics`); n != len(want) {
		t.Fatalf("%d topics, the test knows %d", n, len(want))
	}
	if n := count(t, raw, `SELECT count(*) FROM agencies WHERE kind = 'khokimiyat'`); n != 14 {
		t.Fatalf("%d khokimiyats, want one per region (14)", n)
	}
	do(t, db, func(ctx context.Context, tx azizayol.Tx) error {
		regions, err := tx.Regions(ctx)
		if err != nil {
			return err
		}
		for topic, code := range want {
			for _, r := range append(regions, azizayol.Region{}) { // and no region (consultations)
				a, err := tx.Route(ctx, topic, r.Code)
				if code == "khokimiyat-" && r.Code == "" {
					if !errors.Is(err, azizayol.ErrNotFound) {
						t.Errorf("%s without a region: %+v, %v; want not found", topic, a, err)
					}
					continue
				}
				if err != nil {
					return err
				}
				wantCode := code
				if code == "khokimiyat-" {
					wantCode += r.Code
				}
				if a.Code != wantCode || a.Names.UzLatn == "" || a.Names.UzCyrl == "" || a.Names.Ru == "" {
					t.Errorf("%s in %q goes to %+v, want %s", topic, r.Code, a, wantCode)
				}
			}
		}
		return nil
	})
	var ru string
	if err := raw.QueryRow(t.Context(), `SELECT name_ru FROM agencies WHERE code = 'khokimiyat-1710'`).Scan(&ru); err != nil {
		t.Fatal(err)
	}
	if ru != "Хокимият Кашкадарьинской области" {
		t.Errorf("Russian name of Kashkadarya's khokimiyat: %q", ru)
	}
}

func TestFileNumbersRoutesAndSetsTheDeadline(t *testing.T) {
	db, raw := open(t)
	u := user(t, db, azizayol.Telegram, "501")
	housing := file(t, db, draft(u, "housing", "1703", "1703202"))
	if !regexp.MustCompile(`^AA-2026-\d{6}$`).MatchString(housing.Number) {
		t.Errorf("number %q", housing.Number)
	}
	if housing.Agency.Code != "khokimiyat-1703" || housing.Status != azizayol.Received || housing.Urgent {
		t.Errorf("housing appeal: %+v", housing)
	}
	if want := time.Date(2026, 12, 7, 10, 0, 0, 0, azizayol.Tashkent); !housing.Deadline.Equal(want) {
		t.Errorf("deadline %s, want %s (5 working days)", housing.Deadline, want)
	}
	violence := file(t, db, draft(u, "violence", "1726", "1726294"))
	if !violence.Urgent || !violence.Deadline.Equal(violence.Filed.Add(24*time.Hour)) || violence.Agency.Code != "rehab" {
		t.Errorf("violence appeal: %+v", violence)
	}
	calm := draft(u, "psychological", "", "")
	calm.Kind, calm.Phone = azizayol.KindConsultation, ""
	if a := file(t, db, calm); a.Urgent {
		t.Errorf("a psychological consultation without danger is urgent: %+v", a)
	}
	calm.Danger = true
	if a := file(t, db, calm); !a.Urgent {
		t.Errorf("a psychological consultation with danger is not urgent: %+v", a)
	}
	legal := calm
	legal.Topic = "legal"
	if a := file(t, db, legal); a.Urgent || a.Agency.Code != "justice" {
		t.Errorf("legal consultation: %+v", a)
	}
	if n := count(t, raw, `SELECT count(DISTINCT number) FROM appeals`); n != 5 {
		t.Errorf("%d distinct numbers for 5 appeals", n)
	}
	if n := count(t, raw, `SELECT count(*) FROM appeals WHERE phone IS NULL`); n != 3 {
		t.Errorf("%d anonymous appeals, want the 3 consultations", n)
	}
	if n := count(t, raw, `SELECT count(*) FROM appeal_messages WHERE author = 'citizen' AND text = 'matn'`); n != 5 {
		t.Errorf("%d first messages, want 5", n)
	}
}

// The same draft filed twice, also at once from two transactions, is one appeal.
func TestFileOncePerKey(t *testing.T) {
	db, raw := open(t)
	u := user(t, db, azizayol.Telegram, "502")
	d := draft(u, "housing", "1703", "1703202")
	d.Key = "draft-1"
	var wg sync.WaitGroup
	numbers := make([]string, 4)
	for i := range numbers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := db.Do(context.Background(), func(tx azizayol.Tx) error {
				a, err := tx.File(context.Background(), d)
				numbers[i] = a.Number
				return err
			})
			if err != nil && !regexp.MustCompile(`duplicate key`).MatchString(err.Error()) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := count(t, raw, `SELECT count(*) FROM appeals`); n != 1 {
		t.Fatalf("%d appeals for one draft", n)
	}
	again := file(t, db, d)
	if n := count(t, raw, `SELECT count(*) FROM appeals`); n != 1 {
		t.Fatalf("filing again made %d appeals", n)
	}
	for _, n := range numbers {
		if n != "" && n != again.Number {
			t.Errorf("numbers %v, want only %s", numbers, again.Number)
		}
	}
}

func TestThreadFollowUpRatingAndOwnership(t *testing.T) {
	db, raw := open(t)
	her := user(t, db, azizayol.Telegram, "503")
	other := user(t, db, azizayol.Telegram, "504")
	a := file(t, db, draft(her, "employment", "1718", ""))
	do(t, db, func(ctx context.Context, tx azizayol.Tx) error {
		if _, _, err := tx.Appeal(ctx, other.ID, a.ID); !errors.Is(err, azizayol.ErrNotFound) {
			t.Errorf("another woman reads her appeal: %v", err)
		}
		if err := tx.FollowUp(ctx, other.ID, a.ID, azizayol.AppealMessage{Text: "x"}, false); !errors.Is(err, azizayol.ErrNotFound) {
			t.Errorf("another woman writes to her appeal: %v", err)
		}
		if err := tx.RateAnswer(ctx, her.ID, a.ID, true); !errors.Is(err, azizayol.ErrNotFound) {
			t.Errorf("rating without an answer: %v", err)
		}
		if _, err := tx.AddAppealMessage(ctx, azizayol.AppealMessage{AppealID: a.ID, Author: azizayol.ByAgency, Staff: "op1", Text: "javob"}); err != nil {
			return err
		}
		if err := tx.SetAppealStatus(ctx, a.ID, azizayol.Answered); err != nil {
			return err
		}
		if err := tx.RateAnswer(ctx, her.ID, a.ID, false); err != nil {
			return err
		}
		if err := tx.FollowUp(ctx, her.ID, a.ID, azizayol.AppealMessage{Text: "yana savol",
			Attachments: []azizayol.Attachment{{Kind: "photo", FileID: "F1"}}}, false); err != nil {
			return err
		}
		got, thread, err := tx.Appeal(ctx, her.ID, a.ID)
		if err != nil {
			return err
		}
		if got.Status != azizayol.InProgress {
			t.Errorf("after her follow-up to an answer the status is %s, want in_progress", got.Status)
		}
		if len(thread) != 3 || thread[1].Rating != -1 || thread[2].Attachments[0].FileID != "F1" || thread[2].Author != azizayol.ByHer {
			t.Errorf("thread %+v", thread)
		}
		return tx.SetAppealStatus(ctx, a.ID, azizayol.Closed)
	})
	do(t, db, func(ctx context.Context, tx azizayol.Tx) error {
		if err := tx.FollowUp(ctx, her.ID, a.ID, azizayol.AppealMessage{Text: "x"}, false); !errors.Is(err, azizayol.ErrAppealClosed) {
			t.Errorf("follow-up to a closed appeal: %v", err)
		}
		return nil
	})
	if n := count(t, raw, `SELECT count(*) FROM appeals WHERE first_answer_at IS NOT NULL`); n != 1 {
		t.Errorf("first answer not recorded")
	}
}

// Erasing her data withdraws what is open, anonymises every appeal, blanks her words,
// her updates and the texts sent to her, and touches nobody else.
func TestErase(t *testing.T) {
	db, raw := open(t)
	her := user(t, db, azizayol.Telegram, "505")
	other := user(t, db, azizayol.Telegram, "506")
	open1 := file(t, db, draft(her, "housing", "1703", "1703202"))
	closed := file(t, db, draft(her, "misc", "1703", ""))
	kept := file(t, db, draft(other, "housing", "1703", ""))
	do(t, db, func(ctx context.Context, tx azizayol.Tx) error {
		return tx.SetAppealStatus(ctx, closed.ID, azizayol.Closed)
	})
	store(t, db, entry("telegram:505", `{"message":{"text":"her words"}}`), entry("telegram:506", `{"message":{"text":"other"}}`))
	processAll(t, db, "", func(azizayol.InboxEntry) error { return nil })
	enqueue(t, db, raw, her, "sent to her")
	exec(t, raw, `UPDATE outbox SET status = 'sent'`)
	do(t, db, func(ctx context.Context, tx azizayol.Tx) error { return tx.SetLanguage(ctx, her.ID, azizayol.Ru) })

	do(t, db, func(ctx context.Context, tx azizayol.Tx) error {
		return tx.Subscribe(ctx, azizayol.Subscription{User: her, Kind: azizayol.VacanciesKind, RegionCode: "1703"})
	})
	exec(t, raw, `INSERT INTO info_subscriptions (user_id, topic) VALUES ($1, 'health'), ($1, 'laws')`, her.ID)
	exec(t, raw, `UPDATE users SET region_code = '1703', district_code = '1703202' WHERE id = $1`, her.ID)
	var e azizayol.Erasure
	mustTx(t, db, func(ctx context.Context, tx azizayol.Tx) (err error) {
		e, err = tx.Erase(ctx, her.ID)
		return err
	})
	if e.Withdrawn != 1 || e.Anonymised != 2 {
		t.Errorf("erasure %+v, want 1 withdrawn, 2 anonymised", e)
	}
	checks := []struct {
		sql  string
		arg  int64
		want int
	}{
		{`SELECT count(*) FROM appeals WHERE id = $1 AND status = 'withdrawn' AND user_id IS NULL AND phone IS NULL`, open1.ID, 1},
		{`SELECT count(*) FROM appeals WHERE id = $1 AND status = 'closed' AND user_id IS NULL AND erased_at IS NOT NULL`, closed.ID, 1},
		{`SELECT count(*) FROM appeals WHERE id = $1 AND topic = 'misc' AND region_code = '1703' AND number <> ''`, closed.ID, 1},
		{`SELECT count(*) FROM appeal_messages WHERE appeal_id = $1 AND text <> ''`, open1.ID, 0},
		{`SELECT count(*) FROM appeal_messages WHERE appeal_id = $1 AND text <> ''`, closed.ID, 0},
		{`SELECT count(*) FROM appeals WHERE id = $1 AND user_id IS NOT NULL AND phone IS NOT NULL AND status = 'received'`, kept.ID, 1},
		{`SELECT count(*) FROM appeal_messages WHERE appeal_id = $1 AND text = 'matn'`, kept.ID, 1},
		{`SELECT count(*) FROM inbox WHERE user_key = 'telegram:' || $1::bigint AND length(payload) > 0`, 505, 0},
		{`SELECT count(*) FROM inbox WHERE user_key = 'telegram:' || $1::bigint AND length(payload) > 0`, 506, 1},
		{`SELECT count(*) FROM inbox WHERE user_key = 'telegram:' || $1::bigint`, 505, 0},
		{`SELECT count(*) FROM outbox WHERE user_id = $1`, her.ID, 0},
		{`SELECT count(*) FROM outbox WHERE user_id = $1 AND message::text LIKE '%sent to her%'`, her.ID, 0},
		{`SELECT count(*) FROM users WHERE id = $1 AND lang = ''`, her.ID, 1},
		{`SELECT count(*) FROM subscriptions WHERE user_id = $1`, her.ID, 0},
		{`SELECT count(*) FROM info_subscriptions WHERE user_id = $1`, her.ID, 0},
		{`SELECT count(*) FROM users WHERE id = $1 AND region_code IS NULL AND district_code IS NULL`, her.ID, 1},
	}
	for _, c := range checks {
		if got := count(t, raw, c.sql, c.arg); got != c.want {
			t.Errorf("%s [%d]: %d, want %d", c.sql, c.arg, got, c.want)
		}
	}
}

// Words of harm in a follow-up make an urgent-if-danger appeal urgent, answered within
// 24 hours of them at the latest; other topics only record the danger.
func TestFollowUpWithDanger(t *testing.T) {
	db, raw := open(t)
	her := user(t, db, azizayol.Telegram, "507")
	psych := draft(her, "psychological", "", "")
	psych.Kind = azizayol.KindConsultation
	consultation := file(t, db, psych)
	housing := file(t, db, draft(her, "housing", "1703", ""))
	at := consultation.Filed.Add(2 * time.Hour)
	do(t, db, func(ctx context.Context, tx azizayol.Tx) error {
		for _, id := range []int64{consultation.ID, housing.ID} {
			if err := tx.FollowUp(ctx, her.ID, id, azizayol.AppealMessage{Text: "u meni uradi", Created: at}, true); err != nil {
				return err
			}
		}
		return nil
	})
	if n := count(t, raw, `SELECT count(*) FROM appeals WHERE id = $1 AND urgent AND danger AND deadline_at = $2`, consultation.ID, at.Add(24*time.Hour)); n != 1 {
		t.Error("the psychological consultation did not become urgent within 24 hours of her words")
	}
	if n := count(t, raw, `SELECT count(*) FROM appeals WHERE id = $1 AND NOT urgent AND danger AND deadline_at = $2`, housing.ID, housing.Deadline); n != 1 {
		t.Error("the housing appeal changed its deadline, or lost the danger mark")
	}
}

// One woman on two channels: her SMS number and her own contact shared on Telegram
// make her Telegram user see, follow up and rate her SMS appeals, and the other way
// round. A number she only typed links nothing; nor does another woman's number.
func TestOneWomanOnTwoChannels(t *testing.T) {
	db, _ := open(t)
	bySMS := user(t, db, azizayol.SMS, "998901112233")
	tg := user(t, db, azizayol.Telegram, "601")
	stranger := user(t, db, azizayol.Telegram, "602")
	a := file(t, db, draft(bySMS, "housing", "1703", "1703202"))
	b := file(t, db, draft(tg, "employment", "1718", ""))
	list := func(u azizayol.User) []int64 {
		var ids []int64
		do(t, db, func(ctx context.Context, tx azizayol.Tx) error {
			as, err := tx.Appeals(ctx, u.ID, 10)
			for _, x := range as {
				ids = append(ids, x.ID)
			}
			return err
		})
		return ids
	}
	if got := list(tg); len(got) != 1 {
		t.Fatalf("before linking, Telegram sees %v", got)
	}
	do(t, db, func(ctx context.Context, tx azizayol.Tx) error {
		if err := tx.SetPhone(ctx, stranger.ID, "+998 90 999 99 99"); err != nil {
			return err
		}
		return tx.SetPhone(ctx, tg.ID, "+998 90 111 22 33")
	})
	if got := list(tg); len(got) != 2 || got[0] != b.ID || got[1] != a.ID {
		t.Errorf("Telegram sees %v, want her two appeals %d, %d", got, b.ID, a.ID)
	}
	if got := list(bySMS); len(got) != 2 {
		t.Errorf("SMS sees %v, want both", got)
	}
	if got := list(stranger); len(got) != 0 {
		t.Errorf("another woman sees %v", got)
	}
	do(t, db, func(ctx context.Context, tx azizayol.Tx) error {
		if _, _, err := tx.Appeal(ctx, tg.ID, a.ID); err != nil {
			t.Errorf("Telegram reads her SMS appeal: %v", err)
		}
		if err := tx.FollowUp(ctx, tg.ID, a.ID, azizayol.AppealMessage{Text: "qoʻshimcha"}, false); err != nil {
			t.Errorf("Telegram follows up her SMS appeal: %v", err)
		}
		if _, _, err := tx.Appeal(ctx, stranger.ID, a.ID); !errors.Is(err, azizayol.ErrNotFound) {
			t.Errorf("another woman reads it: %v", err)
		}
		return nil
	})
	// Two Telegram accounts with one number are not one woman.
	other := user(t, db, azizayol.Telegram, "603")
	do(t, db, func(ctx context.Context, tx azizayol.Tx) error { return tx.SetPhone(ctx, other.ID, "998901112233") })
	if got := list(other); len(got) != 1 || got[0] != a.ID {
		t.Errorf("a second Telegram account with her number sees %v; want only the SMS appeal of that number", got)
	}
	// She deletes her data on Telegram: the link goes with it.
	do(t, db, func(ctx context.Context, tx azizayol.Tx) error {
		_, err := tx.Erase(ctx, tg.ID)
		return err
	})
	if got := list(bySMS); len(got) != 1 || got[0] != a.ID {
		t.Errorf("after she deleted her Telegram data, SMS sees %v; want only its own", got)
	}
}
