package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/admin"
	"github.com/azizayol/azizayol/bot/telegram/telegramtest"
	"github.com/azizayol/azizayol/dialogs"
	"github.com/azizayol/azizayol/locales"
	"github.com/azizayol/azizayol/redis"
)

// woman is one woman talking to the whole binary through the fake Bot API.
type woman struct {
	t    *testing.T
	fake *telegramtest.Server
	id   int64
	lang language
}

// language is what a test needs to know of each language to walk the dialogs.
type language struct {
	lang                    azizayol.Lang
	code                    string // Telegram's language_code
	button                  string // the language's button
	region, district, other string // Andijan, its Oltinkoʻl district, a Tashkent city district
	words                   string // a description of a matter, with no words of danger
}

var languages = []language{
	{azizayol.UzLatn, "uz", "Oʻzbekcha", "Andijon viloyati", "Oltinkoʻl tumani", "Chilonzor tumani",
		"Uy egasi bolalarim bilan uydan chiqarib yubormoqchi, uy-joy masalasini hal qilishni soʻrayman."},
	{azizayol.UzCyrl, "uz", "Ўзбекча", "Андижон вилояти", "Олтинкўл тумани", "Чилонзор тумани",
		"Уй эгаси болаларим билан уйдан чиқариб юбормоқчи, уй-жой масаласини ҳал қилишни сўрайман."},
	{azizayol.Ru, "ru", "Русский", "Андижанская область", "Алтынкульский район", "Чиланзарский район",
		"Хозяин квартиры выселяет меня с детьми, прошу решить вопрос с жильём."},
}

// tr is a text of the message files as she reads it (markup removed).
func (l language) tr(t *testing.T, id string, data map[string]any) string {
	t.Helper()
	s, err := locales.Text(l.lang, id, data)
	if err != nil {
		t.Fatal(err)
	}
	return azizayol.Outbound{Text: s}.PlainText()
}

// start greets her and has her choose her language: she is in the menu.
func start(t *testing.T, fake *telegramtest.Server, id int64, l language) *woman {
	t.Helper()
	w := &woman{t: t, fake: fake, id: id, lang: l}
	w.turn(func() { fake.SendCommand(id, l.code, "/start") })
	w.press(l.button)
	w.wantLast(l.tr(t, "menu.title", nil))
	return w
}

// turn does what she does and waits for the whole answer: it ends with a message
// that offers her buttons (or, with n > 0, after n messages). It returns the new
// messages.
func (w *woman) turn(do func(), n ...int) []telegramtest.Message {
	w.t.Helper()
	before := len(w.fake.Sent(w.id))
	do()
	var sent []telegramtest.Message
	w.fake.WaitFor(w.t, wait, func() bool {
		sent = w.fake.Sent(w.id)
		if len(n) > 0 {
			return len(sent) >= before+n[0]
		}
		if len(sent) <= before {
			return false
		}
		last := sent[len(sent)-1]
		return last.Keyboard != nil || last.ReplyKeyboard != nil
	}, "her answer")
	return sent[before:]
}

func (w *woman) last() telegramtest.Message {
	sent := w.fake.Sent(w.id)
	return sent[len(sent)-1]
}

// press presses the button labelled label (or containing it) under the last message.
func (w *woman) press(label string) []telegramtest.Message {
	w.t.Helper()
	m := w.last()
	data := button(w.t, m, label)
	return w.turn(func() { w.fake.PressButton(w.id, m.ID, data) })
}

func (w *woman) say(text string) []telegramtest.Message {
	w.t.Helper()
	return w.turn(func() { w.fake.SendText(w.id, "", text) })
}

// wantLast checks that the last message she got starts with text.
func (w *woman) wantLast(text string) {
	w.t.Helper()
	if got := w.last().PlainText; !strings.HasPrefix(got, text) {
		w.t.Fatalf("she reads %q, want it to start with %q", got, text)
	}
}

// wantSaid checks that one of msgs starts with text.
func (w *woman) wantSaid(msgs []telegramtest.Message, text string) {
	w.t.Helper()
	for _, m := range msgs {
		if strings.HasPrefix(m.PlainText, text) {
			return
		}
	}
	w.t.Fatalf("no message starts with %q in %q", text, texts(msgs))
}

var number = regexp.MustCompile(`AA-\d{4}-\d{6}`)

// fileAppeal walks the appeal dialog from the menu to the filed number.
func (w *woman) fileAppeal(topic string) string {
	w.t.Helper()
	l, t := w.lang, w.t
	w.press(l.tr(t, "menu.appeal", nil))
	w.wantLast(l.tr(t, "appeal.topic", nil))
	w.press(l.tr(t, "topic."+topic, nil))
	w.wantLast(l.tr(t, "appeal.region", nil))
	w.press(l.region)
	w.wantLast(l.region)
	w.press(l.district)
	w.wantLast(l.tr(t, "appeal.text", nil))
	w.say(l.words)
	w.wantLast(l.tr(t, "filing.more", map[string]any{"Chars": len([]rune(l.words)), "Files": 0}))
	w.turn(func() { w.fake.SendPhoto(w.id, "") })
	w.wantLast(l.tr(t, "filing.more", map[string]any{"Chars": len([]rune(l.words)), "Files": 1}))
	w.press(l.tr(t, "filing.continue", nil))
	w.wantLast(l.tr(t, "appeal.phone", nil))
	if got := w.last().ReplyKeyboard; len(got) == 0 || got[0][0] != l.tr(t, "filing.share_phone", nil) {
		t.Fatalf("the phone step offers %v, want the share-contact button first", got)
	}
	msgs := w.turn(func() { w.fake.SendContact(w.id, "998901234567") })
	w.wantSaid(msgs, l.tr(t, "filing.phone_saved", map[string]any{"Phone": "+998 90 123 45 67"}))
	if !msgs[0].RemoveKeyboard {
		t.Errorf("the contact keyboard stays after she shared her number")
	}
	w.wantLast(l.tr(t, "filing.consent", map[string]any{"Agency": ""})[:20])
	w.press(l.tr(t, "filing.agree", nil))
	w.wantLast(l.tr(t, "filing.review_title", nil))
	for _, want := range []string{l.tr(t, "topic."+topic, nil), l.district, "+998 90 123 45 67", l.words[:20]} {
		if !strings.Contains(w.last().PlainText, want) {
			t.Errorf("the summary lacks %q: %q", want, w.last().PlainText)
		}
	}
	msgs = w.press(l.tr(t, "filing.send", nil))
	w.wantLast(l.tr(t, "menu.title", nil))
	n := number.FindString(msgs[0].PlainText)
	if n == "" {
		t.Fatalf("no appeal number in %q", msgs[0].PlainText)
	}
	return n
}

type appealRow struct {
	ID                        int64
	Kind, Topic, Lang, Status string
	Agency, Region, District  string
	Phone, Consent            string
	Urgent                    bool
	Files                     int
	Deadline, Filed           time.Time
}

func appealByNumber(t *testing.T, pool *pgxpool.Pool, num string) appealRow {
	t.Helper()
	var a appealRow
	err := pool.QueryRow(context.Background(), `
		SELECT a.id, a.kind, a.topic, a.lang, a.status, g.code, coalesce(a.region_code, ''), coalesce(a.district_code, ''),
		       coalesce(a.phone, ''), coalesce(a.consent_version, ''), a.urgent,
		       (SELECT coalesce(sum(jsonb_array_length(attachments)), 0) FROM appeal_messages WHERE appeal_id = a.id),
		       a.deadline_at, a.filed_at
		FROM appeals a JOIN agencies g ON g.id = a.agency_id WHERE a.number = $1`, num).
		Scan(&a.ID, &a.Kind, &a.Topic, &a.Lang, &a.Status, &a.Agency, &a.Region, &a.District,
			&a.Phone, &a.Consent, &a.Urgent, &a.Files, &a.Deadline, &a.Filed)
	if err != nil {
		t.Fatalf("appeal %s: %v", num, err)
	}
	return a
}

func pool(t *testing.T, e env) *pgxpool.Pool {
	t.Helper()
	p, err := pgxpool.New(context.Background(), e["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// desk is the console's desk on the test's database; what it queues wakes the
// running binary's senders through Redis, as the console in another instance would.
func desk(t *testing.T, e env) *admin.Desk {
	t.Helper()
	rdb, err := redis.Open(context.Background(), e["REDIS_URL"], e["REDIS_PREFIX"])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	return admin.NewDesk(openDB(t, e), func(int64) { rdb.Wake(context.Background(), "outbox") }, time.Now)
}

// A full appeal in each language: topic, region, district, words and a photo, her
// shared phone, consent, the summary, the number; routed to her region's khokimiyat
// with five working days. Then the agency answers, the answer reaches her in her
// language with a button to her appeal, she rates it and writes again.
func TestAppealInEveryLanguageAndTheAnswerComesBack(t *testing.T) {
	fake := telegramtest.New(t, token)
	e := newEnv(t, fake)
	serveInProcess(t, e)
	db, d := pool(t, e), desk(t, e)
	for i, l := range languages {
		t.Run(string(l.lang), func(t *testing.T) {
			w := start(t, fake, int64(6001+i), l)
			num := w.fileAppeal("housing")
			a := appealByNumber(t, db, num)
			want := appealRow{ID: a.ID, Kind: "appeal", Topic: "housing", Lang: string(l.lang), Status: "received",
				Agency: "khokimiyat-1703", Region: "1703", District: "1703202", Phone: "+998901234567",
				Consent: dialogs.ConsentVersion, Files: 1, Deadline: a.Deadline, Filed: a.Filed}
			if a != want {
				t.Errorf("filed %+v\nwant    %+v", a, want)
			}
			if days := a.Deadline.Sub(a.Filed); days < 5*24*time.Hour || days > 7*24*time.Hour {
				t.Errorf("deadline %s after filing, want 5 working days", days)
			}

			// The agency answers; she reads it in her language.
			answer := "Murojaatingiz koʻrib chiqildi <ertaga> soat 10:00 da hokimlikka keling & pasportni oling."
			msgs := w.turn(func() {
				if err := d.Answer(context.Background(), rootActor, a.ID, answer); err != nil {
					t.Fatal(err)
				}
			})
			w.wantSaid(msgs, l.tr(t, "notice.answer", map[string]any{"Number": num, "Agency": "", "Text": ""})[:10])
			if !strings.Contains(msgs[0].PlainText, answer) || !strings.Contains(msgs[0].PlainText, num) {
				t.Errorf("the notice does not carry the answer and number: %q", msgs[0].PlainText)
			}
			w.press(l.tr(t, "notice.open", nil))
			view := w.last().PlainText
			for _, want := range []string{num, answer, l.tr(t, "status.answered", nil), l.words[:20]} {
				if !strings.Contains(view, want) {
					t.Errorf("her appeal's page lacks %q: %q", want, view)
				}
			}
			msgs = w.press(l.tr(t, "my_appeals.helpful", nil))
			w.wantSaid(msgs, l.tr(t, "my_appeals.rated", nil))
			w.press(l.tr(t, "my_appeals.add", nil))
			w.wantLast(l.tr(t, "my_appeals.followup", nil))
			msgs = w.say("Rahmat / Спасибо, ertaga boraman.")
			w.wantSaid(msgs, l.tr(t, "my_appeals.followup_sent", map[string]any{"Number": num}))
			var rating, messages int
			var status string
			err := db.QueryRow(context.Background(), `SELECT (SELECT rating FROM appeal_messages WHERE appeal_id = $1 AND author = 'agency'),
				(SELECT count(*) FROM appeal_messages WHERE appeal_id = $1), status FROM appeals WHERE id = $1`, a.ID).
				Scan(&rating, &messages, &status)
			if err != nil || rating != 1 || messages != 3 || status != "in_progress" {
				t.Errorf("after rating and writing again: rating %d, %d messages, status %s, %v", rating, messages, status, err)
			}

			// Closing it tells her; she can no longer write to it.
			msgs = w.turn(func() {
				if err := d.SetStatus(context.Background(), rootActor, a.ID, azizayol.Closed); err != nil {
					t.Fatal(err)
				}
			})
			w.wantSaid(msgs, l.tr(t, "notice.status", map[string]any{"Number": num, "Status": l.tr(t, "status.closed", nil)}))
			if err := d.Answer(context.Background(), rootActor, a.ID, "late"); err == nil {
				t.Error("a closed appeal was answered")
			}
		})
	}
}

// A consultation in each language: anonymous, psychological; words of danger in her
// question bring the emergency guidance at once, keep her words, and make it urgent.
func TestConsultationInEveryLanguage(t *testing.T) {
	fake := telegramtest.New(t, token)
	e := newEnv(t, fake)
	serveInProcess(t, e)
	db := pool(t, e)
	danger := map[azizayol.Lang]string{
		azizayol.UzLatn: "Erim meni uradi, qoʻrqaman. Nima qilay?",
		azizayol.UzCyrl: "Эрим мени уради, қўрқаман. Нима қилай?",
		azizayol.Ru:     "Муж меня бьёт, мне страшно. Что делать?",
	}
	for i, l := range languages {
		for _, withDanger := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s danger=%v", l.lang, withDanger), func(t *testing.T) {
				w := start(t, fake, int64(6101+10*i)+map[bool]int64{false: 0, true: 1}[withDanger], l)
				w.press(l.tr(t, "menu.consultation", nil))
				w.wantLast(l.tr(t, "consultation.topic", nil))
				w.press(l.tr(t, "topic.psychological", nil))
				w.wantLast(l.tr(t, "consultation.text", nil))
				question := "Oilaviy munosabatlar boʻyicha maslahat kerak."
				if withDanger {
					question = danger[l.lang]
					msgs := w.say(question)
					w.wantSaid(msgs, l.tr(t, "input.kept", map[string]any{"Minutes": 30}))
					w.wantLast(l.tr(t, "emergency.now", nil))
					w.press(l.tr(t, "emergency.resume_button", nil))
				} else {
					w.say(question)
				}
				w.wantLast(l.tr(t, "filing.more", map[string]any{"Chars": len([]rune(question)), "Files": 0}))
				w.press(l.tr(t, "filing.continue", nil))
				w.wantLast(l.tr(t, "consultation.phone", nil))
				// On Telegram the anonymous choice is a key of the reply keyboard: its text.
				msgs := w.say(l.tr(t, "filing.anonymous", nil))
				w.wantSaid(msgs, l.tr(t, "filing.anonymous_saved", nil))
				w.press(l.tr(t, "filing.agree", nil))
				if !strings.Contains(w.last().PlainText, l.tr(t, "filing.review_anonymous", nil)) {
					t.Errorf("the summary does not say she is anonymous: %q", w.last().PlainText)
				}
				msgs = w.press(l.tr(t, "filing.send", nil))
				num := number.FindString(msgs[0].PlainText)
				a := appealByNumber(t, db, num)
				if a.Kind != "consultation" || a.Agency != "rehab" || a.Phone != "" || a.Region != "" || a.Urgent != withDanger {
					t.Errorf("consultation %+v, want anonymous, rehab centre, urgent=%v", a, withDanger)
				}
				due := l.tr(t, "filing.due_urgent", nil)
				if got := strings.Contains(msgs[0].PlainText, due); got != withDanger {
					t.Errorf("the filed message %q says %q: %v, want %v", msgs[0].PlainText, due, got, withDanger)
				}
				var text string
				if err := db.QueryRow(context.Background(), `SELECT text FROM appeal_messages WHERE appeal_id = $1`, a.ID).Scan(&text); err != nil || text != question {
					t.Errorf("her question is stored as %q (%v), want %q", text, err, question)
				}
			})
		}
	}
}

// The grant recommendation is not open on 30 November: she is told when it opens,
// and nothing is filed. (The edges of the window are tested with a fake clock in
// the dialogs and the domain.)
func TestGrantOutsideItsWindowFilesNothing(t *testing.T) {
	fake := telegramtest.New(t, token)
	e := newEnv(t, fake)
	serveInProcess(t, e)
	for i, l := range languages {
		w := start(t, fake, int64(6201+i), l)
		w.press(l.tr(t, "menu.appeal", nil))
		msgs := w.press(l.tr(t, "topic.grant", nil))
		_, next := azizayol.Topic{WindowFrom: azizayol.MonthDay{Month: time.May, Day: 30},
			WindowUntil: azizayol.MonthDay{Month: time.June, Day: 8}}.Accepting(time.Now())
		if open, _ := (azizayol.Topic{WindowFrom: azizayol.MonthDay{Month: time.May, Day: 30},
			WindowUntil: azizayol.MonthDay{Month: time.June, Day: 8}}).Accepting(time.Now()); open {
			t.Skip("the grant window is open today")
		}
		w.wantSaid(msgs, l.tr(t, "filing.closed_window", map[string]any{"Date": next.Format("02.01.2006")}))
		w.wantLast(l.tr(t, "appeal.topic", nil))
	}
	if n := count(t, pool(t, e), `SELECT count(*) FROM appeals`); n != 0 {
		t.Errorf("%d appeals filed", n)
	}
}

func count(t *testing.T, p *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := p.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Send pressed twice (a double tap, or a redelivered press) files one appeal; the
// second press is answered and changes nothing.
func TestDoubleConfirmFilesOnce(t *testing.T) {
	fake := telegramtest.New(t, token)
	e := newEnv(t, fake)
	serveInProcess(t, e)
	l := languages[2]
	w := start(t, fake, 6301, l)
	w.press(l.tr(t, "menu.consultation", nil))
	w.press(l.tr(t, "topic.legal", nil))
	w.say("Как оформить алименты?")
	w.press(l.tr(t, "filing.continue", nil))
	w.turn(func() { fake.SendContact(w.id, "+998 93 555 12 34") })
	w.press(l.tr(t, "filing.agree", nil))
	review := w.last()
	send := button(t, review, l.tr(t, "filing.send", nil))
	msgs := w.turn(func() {
		fake.PressButton(w.id, review.ID, send)
		fake.PressButton(w.id, review.ID, send)
	}, 4) // filed + menu, then stale + the menu again
	w.wantSaid(msgs, l.tr(t, "input.stale_button", nil))
	time.Sleep(300 * time.Millisecond)
	if n := count(t, pool(t, e), `SELECT count(*) FROM appeals`); n != 1 {
		t.Errorf("%d appeals for one double tap", n)
	}
	filed := 0
	for _, m := range fake.Sent(w.id) {
		if number.MatchString(m.PlainText) {
			filed++
		}
	}
	if filed != 1 {
		t.Errorf("she was told of %d filings", filed)
	}
}

// Every step answers bad input in her language and asks again, changing nothing.
func TestAppealStepsRefuseBadInput(t *testing.T) {
	fake := telegramtest.New(t, token)
	e := newEnv(t, fake)
	serveInProcess(t, e)
	for i, l := range languages {
		t.Run(string(l.lang), func(t *testing.T) {
			w := start(t, fake, int64(6401+i), l)
			w.press(l.tr(t, "menu.appeal", nil))
			w.press(l.tr(t, "topic.employment", nil))
			w.press(l.region)
			// A district of another region, typed.
			msgs := w.say(l.other)
			w.wantSaid(msgs, l.tr(t, "appeal.other_region", map[string]any{"District": l.other, "Region": "", "Chosen": ""})[:len(l.other)])
			w.wantLast(l.region)
			w.press(l.district)
			steps := []struct {
				name string
				do   func()
				want string
			}{
				{"sticker", func() { fake.SendSticker(w.id) }, l.tr(t, "filing.media_kind", nil)},
				{"10,000 characters", func() { fake.SendText(w.id, "", strings.Repeat("a", 10000)) }, l.tr(t, "input.too_long", map[string]any{"Length": 10000, "Max": 4000})},
				{"punctuation only", func() { fake.SendText(w.id, "", " ... !!! ") }, l.tr(t, "filing.empty", nil)},
				{"a location", func() { fake.SendLocation(w.id, 41.3, 69.2) }, l.tr(t, "filing.media_kind", nil)},
			}
			for _, s := range steps {
				msgs := w.turn(s.do)
				w.wantSaid(msgs, s.want)
				w.wantLast(l.tr(t, "appeal.text", nil))
			}
			w.say(l.words)
			w.press(l.tr(t, "filing.continue", nil))
			for _, bad := range []string{"12345", "+7 916 123 45 67", "telefonim yoʻq"} {
				msgs := w.say(bad)
				w.wantSaid(msgs, l.tr(t, "filing.phone_invalid", nil))
				w.wantLast(l.tr(t, "appeal.phone", nil))
			}
			w.say("+998 (97) 123-45-67")
			w.wantLast(l.tr(t, "filing.consent", map[string]any{"Agency": ""})[:20])
			// Consent refused: nothing is filed, she is in the menu.
			msgs = w.press(l.tr(t, "filing.disagree", nil))
			w.wantSaid(msgs, l.tr(t, "filing.no_consent", nil))
			w.wantLast(l.tr(t, "menu.title", nil))
		})
	}
	if n := count(t, pool(t, e), `SELECT count(*) FROM appeals`); n != 0 {
		t.Errorf("%d appeals filed", n)
	}
}

// From the summary she changes the place and the phone; the appeal goes to the new
// region's khokimiyat, after she consents again (another agency gets her data).
func TestEditFromTheSummary(t *testing.T) {
	fake := telegramtest.New(t, token)
	e := newEnv(t, fake)
	serveInProcess(t, e)
	l := languages[0]
	w := start(t, fake, 6501, l)
	w.press(l.tr(t, "menu.appeal", nil))
	w.press(l.tr(t, "topic.notebook_in", nil))
	w.press(l.region)
	w.press(l.district)
	w.say(l.words)
	w.press(l.tr(t, "filing.continue", nil))
	w.say("+998901112233")
	w.press(l.tr(t, "filing.agree", nil))
	w.press(l.tr(t, "filing.edit_place", nil))
	w.wantLast(l.tr(t, "appeal.region", nil))
	w.press("Toshkent shahri")
	w.press(l.other)
	w.wantLast(l.tr(t, "filing.consent", map[string]any{"Agency": ""})[:20])
	if !strings.Contains(w.last().PlainText, "Toshkent shahar hokimligi") {
		t.Errorf("consent does not name the new agency: %q", w.last().PlainText)
	}
	w.press(l.tr(t, "filing.agree", nil))
	w.press(l.tr(t, "filing.edit_phone", nil))
	w.say("+998 90 000 00 01")
	w.wantLast(l.tr(t, "filing.review_title", nil))
	msgs := w.press(l.tr(t, "filing.send", nil))
	a := appealByNumber(t, pool(t, e), number.FindString(msgs[0].PlainText))
	if a.Agency != "khokimiyat-1726" || a.District != "1726294" || a.Phone != "+998900000001" || a.Topic != "notebook_in" {
		t.Errorf("after the changes: %+v", a)
	}
}

// Delete my data, in each language: she is told what goes and what stays, her open
// appeal is withdrawn and anonymised, and she starts afresh.
func TestDeleteMyData(t *testing.T) {
	fake := telegramtest.New(t, token)
	e := newEnv(t, fake)
	serveInProcess(t, e)
	db := pool(t, e)
	for i, l := range languages {
		t.Run(string(l.lang), func(t *testing.T) {
			w := start(t, fake, int64(6601+i), l)
			num := w.fileAppeal("misc")
			w.press(l.tr(t, "menu.delete_data", nil))
			w.wantLast(l.tr(t, "delete.confirm", map[string]any{"Open": 1}))
			msgs := w.press(l.tr(t, "delete.no", nil))
			w.wantSaid(msgs, l.tr(t, "delete.kept", nil))
			w.press(l.tr(t, "menu.delete_data", nil))
			msgs = w.turn(func() {
				m := w.last()
				fake.PressButton(w.id, m.ID, button(t, m, l.tr(t, "delete.yes", nil)))
			}, 1)
			w.wantSaid(msgs, l.tr(t, "delete.done", map[string]any{"Withdrawn": 1}))
			a := appealByNumber(t, db, num)
			if a.Status != "withdrawn" || a.Phone != "" || a.Files != 0 || a.Region != "1703" || a.Topic != "misc" {
				t.Errorf("after deletion the appeal is %+v", a)
			}
			var left int
			err := db.QueryRow(context.Background(), `SELECT count(*) FROM appeals WHERE number = $1 AND user_id IS NULL
				AND NOT EXISTS (SELECT 1 FROM appeal_messages WHERE appeal_id = appeals.id AND text <> '')`, num).Scan(&left)
			if err != nil || left != 1 {
				t.Errorf("her words or her link stay with the appeal (%d, %v)", left, err)
			}
			if n := count(t, db, `SELECT count(*) FROM inbox WHERE user_key = $1 AND length(payload) > 0`, fmt.Sprintf("telegram:%d", w.id)); n != 0 {
				t.Errorf("%d of her updates keep their contents", n)
			}
			// Her consent was recorded when she gave it, and its withdrawal now.
			if n := count(t, db, `SELECT count(*) FROM consents c JOIN users u ON u.id = c.user_id
				WHERE u.address = $1 AND c.purpose = 'appeal' AND c.version = $2 AND c.answer IN ('given', 'withdrawn')`,
				fmt.Sprint(w.id), dialogs.ConsentVersion); n != 2 {
				t.Errorf("her consent given and withdrawn: %d records, want 2", n)
			}
			// She starts afresh: greeted, asked for a language.
			msgs = w.turn(func() { fake.SendText(w.id, l.code, "salom") })
			w.wantLast("Tilni tanlang")
			if n := count(t, db, `SELECT count(*) FROM appeals a JOIN users u ON u.id = a.user_id WHERE u.address = $1`, fmt.Sprint(w.id)); n != 0 {
				t.Errorf("%d appeals still lead to her", n)
			}
		})
	}
}

// rootActor is a super-admin at the desk: every appeal is in her scope.
var rootActor = admin.Actor{Staff: azizayol.Staff{Email: "root@example.uz", Name: "operator@andijan", Role: azizayol.SuperAdmin}, Addr: "127.0.0.1"}
