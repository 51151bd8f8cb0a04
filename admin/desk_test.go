package admin_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/admin"
	"github.com/azizayol/azizayol/bot/sms"
	"github.com/azizayol/azizayol/dialogs"
	"github.com/azizayol/azizayol/internal/testenv"
	"github.com/azizayol/azizayol/postgres"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// filed makes a woman with lang and files an appeal of hers.
func filed(t *testing.T, db *postgres.DB, address string, lang azizayol.Lang) azizayol.Appeal {
	return filedOn(t, db, azizayol.Telegram, address, lang)
}

// filedOn is filed on a channel: a housing appeal in Andijan.
func filedOn(t *testing.T, db *postgres.DB, channel azizayol.Channel, address string, lang azizayol.Lang) azizayol.Appeal {
	t.Helper()
	return filedAbout(t, db, channel, address, lang, azizayol.KindAppeal, "housing")
}

func outbox(t *testing.T, db *postgres.DB) []azizayol.Outbound {
	t.Helper()
	var out []azizayol.Outbound
	if err := db.EachOutbox(context.Background(), func(m azizayol.Outbound) { out = append(out, m) }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAnswerReachesHerInHerLanguage(t *testing.T) {
	db := testenv.DB(t)
	var woken []int64
	desk := admin.NewDesk(db, func(id int64) { woken = append(woken, id) }, time.Now)
	a := filed(t, db, "701", azizayol.UzCyrl)
	if err := desk.Answer(context.Background(), superAdmin, a.ID, "Эртага <b>келинг</b> & ҳужжатларни олинг"); err != nil {
		t.Fatal(err)
	}
	out := outbox(t, db)
	if len(out) != 1 || len(woken) != 1 {
		t.Fatalf("outbox %+v, woken %v", out, woken)
	}
	m := out[0]
	for _, want := range []string{a.Number, "Андижон вилояти ҳокимлиги", "мурожаатингизга жавоб келди", "Эртага &lt;b&gt;келинг&lt;/b&gt; &amp; ҳужжатларни олинг"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("notice %q lacks %q", m.Text, want)
		}
	}
	if len(m.Buttons) != 1 || m.Buttons[0][0].Data != dialogs.AppealButton(a.ID) || m.Buttons[0][0].Label != "Мурожаатни очиш" {
		t.Errorf("buttons %+v", m.Buttons)
	}
}

func TestDeskRefusals(t *testing.T) {
	db := testenv.DB(t)
	desk := admin.NewDesk(db, func(int64) {}, time.Now)
	a := filed(t, db, "702", azizayol.Ru)
	for text, want := range map[string]error{
		"  \n ":                   admin.ErrEmptyAnswer,
		strings.Repeat("я", 8001): admin.ErrAnswerTooLong,
	} {
		if err := desk.Answer(context.Background(), superAdmin, a.ID, text); !errors.Is(err, want) {
			t.Errorf("answer of %d characters: %v, want %v", len(text), err, want)
		}
	}
	if err := desk.Answer(context.Background(), superAdmin, 999999, "javob"); !errors.Is(err, azizayol.ErrNotFound) {
		t.Errorf("answer to no appeal: %v", err)
	}
	if err := desk.SetStatus(context.Background(), superAdmin, a.ID, azizayol.Withdrawn); err == nil {
		t.Error("staff withdrew her appeal")
	}
	if err := desk.SetStatus(context.Background(), superAdmin, a.ID, azizayol.InProgress); err != nil {
		t.Fatal(err)
	}
	if err := desk.SetStatus(context.Background(), superAdmin, a.ID, azizayol.InProgress); err != nil {
		t.Fatal(err)
	}
	if n := len(outbox(t, db)); n != 1 {
		t.Errorf("%d notices for one change of status", n)
	}
	if err := desk.SetStatus(context.Background(), superAdmin, a.ID, azizayol.Closed); err != nil {
		t.Fatal(err)
	}
	if err := desk.Answer(context.Background(), superAdmin, a.ID, "kech javob"); !errors.Is(err, azizayol.ErrAppealClosed) {
		t.Errorf("answer to a closed appeal: %v", err)
	}
	if n := len(outbox(t, db)); n != 2 {
		t.Errorf("%d notices, want in progress and closed", n)
	}
}

// The longest answer the desk takes reaches her whole, in messages Telegram accepts,
// with the button under the last.
func TestLongAnswerIsSplit(t *testing.T) {
	db := testenv.DB(t)
	desk := admin.NewDesk(db, func(int64) {}, time.Now)
	a := filed(t, db, "703", azizayol.Ru)
	answer := strings.Repeat("Ответ & <пояснение>. ", admin.MaxAnswer/21)
	if err := desk.Answer(context.Background(), superAdmin, a.ID, answer); err != nil {
		t.Fatal(err)
	}
	out := outbox(t, db)
	if len(out) < 2 {
		t.Fatalf("%d messages for an answer of %d characters", len(out), len([]rune(answer)))
	}
	var whole strings.Builder
	for i, m := range out {
		if n := len([]rune(m.Text)); n > 4096 {
			t.Errorf("part %d has %d characters", i+1, n)
		}
		if (len(m.Buttons) > 0) != (i == len(out)-1) {
			t.Errorf("part %d of %d has buttons %v", i+1, len(out), m.Buttons)
		}
		whole.WriteString(m.PlainText())
	}
	// Parts are cut at spaces: compare without them.
	if got := strings.Join(strings.Fields(whole.String()), ""); !strings.Contains(got, strings.Join(strings.Fields(answer), "")) {
		t.Errorf("the answer did not arrive whole")
	}
}

// By SMS a long answer is not sent: an SMS cannot be recalled, so one short SMS says
// that it came (TestSMSNoticesAreNeutral), and she reads it whole from her appeal — in
// SMS of three segments at most (dialogs, "read"; cmd/azizayol TestSMSNoticeReadWithOne).
// The thread keeps it whole.
func TestLongAnswerBySMS(t *testing.T) {
	for _, lang := range []azizayol.Lang{azizayol.UzLatn, azizayol.Ru} {
		db := testenv.DB(t)
		desk := admin.NewDesk(db, func(int64) {}, time.Now)
		a := filedOn(t, db, azizayol.SMS, "998901234567", lang)
		answer := strings.Repeat("Hujjatlaringizni tuman hokimligiga olib keling. ", 30)
		if lang == azizayol.Ru {
			answer = strings.Repeat("Принесите документы в хокимият района. ", 30)
		}
		if err := desk.Answer(context.Background(), superAdmin, a.ID, answer); err != nil {
			t.Fatal(err)
		}
		out := outbox(t, db)
		if len(out) != 1 || strings.Contains(out[0].Text, strings.Fields(answer)[0]) {
			t.Fatalf("%s: the answer by SMS: %d messages, %q", lang, len(out), out[0].Text)
		}
		if enc, parts, _ := sms.Segments(sms.Render(out[0], lang)); parts != 1 {
			t.Errorf("%s: the notice is %d segments of %s", lang, parts, enc)
		}
		var got azizayol.AppealMessage
		err := db.Do(context.Background(), func(tx azizayol.Tx) error {
			_, thread, err := tx.Appeal(context.Background(), a.UserID, a.ID)
			if len(thread) > 0 {
				got = thread[len(thread)-1]
			}
			return err
		})
		if err != nil || got.Text != strings.TrimSpace(answer) || out[0].AppealMessage != got.ID {
			t.Errorf("%s: the answer kept: %d characters of %d, message %d (the notice names %d), %v",
				lang, len([]rune(got.Text)), len([]rune(answer)), got.ID, out[0].AppealMessage, err)
		}
	}
}

// superAdmin may act on every appeal.
var superAdmin = admin.Actor{Staff: azizayol.Staff{Email: "root@example.uz", Name: "op", Role: azizayol.SuperAdmin}, Addr: "127.0.0.1"}
