package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/bot/telegram/telegramtest"
	"github.com/azizayol/azizayol/jobs"
	"github.com/azizayol/azizayol/listings"
	"github.com/azizayol/azizayol/redis"
)

// importListings imports, as an agency would, 12 sewing vacancies in Andijan (newest
// is number 12), an expired one, one in Tashkent city, and 7 courses of centres at
// different distances from Andijan city, plus an online course.
func importListings(t *testing.T, e env) {
	t.Helper()
	type obj = map[string]any
	today := time.Now().In(azizayol.Tashkent)
	var centres, courses, vacancies []obj
	for i := 1; i <= 12; i++ {
		vacancies = append(vacancies, obj{"id": fmt.Sprint("V", i), "title": fmt.Sprintf("Tikuvchi %d", i),
			"employer": "Andijon tekstil", "salary_min": 3000000, "field": "sewing", "region": "1703",
			"district": "1703202", "posted": today.AddDate(0, 0, -20+i).Format("2006-01-02")})
	}
	vacancies = append(vacancies,
		obj{"id": "V-old", "title": "Tikuvchi eski", "employer": "X", "field": "sewing", "region": "1703",
			"posted": today.AddDate(0, -2, 0).Format("2006-01-02"), "expires": today.AddDate(0, 0, -1).Format("2006-01-02")},
		obj{"id": "V-tash", "title": "Hamshira", "employer": "Poliklinika", "field": "health", "region": "1726",
			"posted": today.Format("2006-01-02")})
	for i := 1; i <= 7; i++ {
		id := fmt.Sprint("C", i)
		// Centre i is i*0.1° east of Andijan city (40.78, 72.34).
		centres = append(centres, obj{"id": id, "name": fmt.Sprintf("Markaz %d", i), "region": "1703",
			"address": fmt.Sprintf("Manzil %d", i), "lat": 40.78, "lon": 72.34 + float64(i)/10})
		courses = append(courses, obj{"id": fmt.Sprint("K", i), "centre": id, "name": fmt.Sprintf("Kurs %d", i),
			"field": "sewing", "region": "1703", "starts": today.Format("2006-01-02"),
			"ends": today.AddDate(0, 2, 0).Format("2006-01-02"), "hours": 144})
	}
	courses = append(courses, obj{"id": "K-online", "name": "Onlayn kurs", "online": true})
	file, err := json.Marshal(obj{"centres": centres, "courses": courses, "vacancies": vacancies})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := listings.Import(context.Background(), openDB(t, e), strings.NewReader(string(file)),
		listings.Options{Source: "test", Format: listings.JSON})
	if err != nil {
		t.Fatalf("import: %v %+v", err, rep.Errors)
	}
}

// page waits until the message shows text (after a page turn edits it in place).
func (w *woman) page(id int, text string) telegramtest.Message {
	w.t.Helper()
	var m telegramtest.Message
	w.fake.WaitFor(w.t, wait, func() bool {
		m, _ = w.fake.Message(w.id, id)
		return strings.Contains(m.PlainText, text)
	}, "the page "+text)
	return m
}

// turnPage presses a paging button on message m and waits for the edited page.
func (w *woman) turnPage(m telegramtest.Message, label, want string) telegramtest.Message {
	w.t.Helper()
	before := len(w.fake.Sent(w.id))
	w.fake.PressButton(w.id, m.ID, button(w.t, m, label))
	m = w.page(m.ID, want)
	if !m.Edited {
		w.t.Errorf("the page turned in a new message")
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(w.fake.Sent(w.id)); n != before {
		w.t.Errorf("turning a page sent %d new messages", n-before)
	}
	return m
}

// Vacancies and courses in each language: by place and field, five a page, pages
// turning in the same message; words in another script find them; expired ones are
// never shown; courses nearest first from a shared location.
func TestListingsInEveryLanguage(t *testing.T) {
	fake := telegramtest.New(t, token)
	e := newEnv(t, fake)
	serveInProcess(t, e)
	importListings(t, e)
	for i, l := range languages {
		t.Run(string(l.lang), func(t *testing.T) {
			w := start(t, fake, int64(7001+i), l)
			w.press(l.tr(t, "menu.vacancies", nil))
			w.wantLast(l.tr(t, "vacancies.region", nil))
			w.press(l.region)
			w.press(l.tr(t, "listing.whole_region", nil))
			w.wantLast(l.tr(t, "vacancies.field", nil))
			w.press(l.tr(t, "field.sewing", nil))
			first := w.last()
			for _, want := range []string{"(1–5)", "Tikuvchi 12", "Tikuvchi 8", "3\u00a0000\u00a0000"} {
				if !strings.Contains(first.PlainText, want) {
					t.Errorf("first page lacks %q: %q", want, first.PlainText)
				}
			}
			if strings.Contains(first.PlainText, "Tikuvchi 7") || strings.Contains(first.PlainText, "eski") {
				t.Errorf("first page: %q", first.PlainText)
			}
			// Two taps on "next" before the page turned show the second page, not the third.
			next := button(t, first, l.tr(t, "listing.next", nil))
			before := len(fake.Sent(w.id))
			fake.PressButton(w.id, first.ID, next)
			fake.PressButton(w.id, first.ID, next)
			m := w.page(first.ID, "(6–10)")
			time.Sleep(200 * time.Millisecond)
			if m, _ = fake.Message(w.id, first.ID); !strings.Contains(m.PlainText, "(6–10)") || len(fake.Sent(w.id)) != before {
				t.Errorf("after a double tap on next: %q, %d new messages", m.PlainText, len(fake.Sent(w.id))-before)
			}
			m = w.turnPage(m, l.tr(t, "listing.next", nil), "(11–12)")
			if _, ok := m.FindButton(l.tr(t, "listing.next", nil)); ok {
				t.Errorf("the last page offers a next one")
			}
			w.turnPage(m, l.tr(t, "listing.prev", nil), "(6–10)")

			// Words in Cyrillic find the Latin title.
			w.press(l.tr(t, "nav.back", nil))
			w.say("тикувчи")
			if got := w.last().PlainText; !strings.Contains(got, "Tikuvchi 12") || !strings.Contains(got, "тикувчи") {
				t.Errorf("keyword search: %q", got)
			}

			w.press(l.tr(t, "nav.menu", nil))
			w.press(l.tr(t, "menu.courses", nil))
			w.wantLast(l.tr(t, "courses.place", nil))
			w.press(l.tr(t, "courses.near", nil))
			if got := w.last().ReplyKeyboard; len(got) == 0 || got[0][0] != l.tr(t, "courses.send_location", nil) {
				t.Fatalf("no location button: %v", got)
			}
			msgs := w.turn(func() { fake.SendLocation(w.id, 40.78, 72.34+0.52) }) // nearest: centre 5
			if !msgs[0].RemoveKeyboard {
				t.Errorf("the location keyboard stays")
			}
			page := w.last().PlainText
			order := []string{"Kurs 5", "Kurs 6", "Kurs 4", "Kurs 7", "Kurs 3"}
			at := -1
			for _, name := range order {
				i := strings.Index(page, name)
				if i < at {
					t.Errorf("courses not nearest first (%v): %q", order, page)
				}
				at = i
			}
			if !strings.Contains(page, "1,7 km") && !strings.Contains(page, "1,7 км") { // 0.02° east at 40.78° north
				t.Errorf("no distance on the page: %q", page)
			}
			m = w.turnPage(w.last(), l.tr(t, "listing.next", nil), "Onlayn kurs")
			if !strings.Contains(m.PlainText, "Kurs 1") {
				t.Errorf("second page: %q", m.PlainText)
			}
		})
	}
}

// Subscribed to vacancies in her region, she gets the next digest of what is new,
// and one tap on it unsubscribes her.
func TestSubscribeDigestUnsubscribe(t *testing.T) {
	fake := telegramtest.New(t, token)
	e := newEnv(t, fake)
	serveInProcess(t, e)
	importListings(t, e)
	l := languages[1]
	w := start(t, fake, 7101, l)
	w.press(l.tr(t, "menu.vacancies", nil))
	w.press(l.region)
	w.press(l.district)
	w.press(l.tr(t, "field.sewing", nil))
	msgs := w.press(l.tr(t, "listing.subscribe", nil))
	w.wantSaid(msgs, l.tr(t, "listing.subscribed_vacancies", map[string]any{"Place": l.district + ", " + l.region + " · " + l.tr(t, "field.sewing", nil)}))
	db := pool(t, e)
	if n := count(t, db, `SELECT count(*) FROM subscriptions`); n != 1 {
		t.Fatalf("%d subscriptions", n)
	}

	// A vacancy comes in after she subscribed; the morning's digest tells her.
	time.Sleep(10 * time.Millisecond)
	rep, err := listings.Import(context.Background(), openDB(t, e), strings.NewReader(`{"vacancies": [{"id": "V-new",
		"title": "Bichuvchi", "employer": "Yangi tekstil", "field": "sewing", "region": "1703", "district": "1703202",
		"posted": "`+time.Now().In(azizayol.Tashkent).Format("2006-01-02")+`"}]}`), listings.Options{Source: "test", Format: listings.JSON})
	if err != nil {
		t.Fatalf("%v %+v", err, rep)
	}
	rdb, err := redis.Open(context.Background(), e["REDIS_URL"], e["REDIS_PREFIX"])
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	digest := &jobs.Digest{DB: openDB(t, e), Queued: func(int64) { rdb.Wake(context.Background(), "outbox") }, Now: time.Now}
	msgs = w.turn(func() {
		if err := digest.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
	got := msgs[len(msgs)-1]
	if !strings.Contains(got.PlainText, "Bichuvchi") || strings.Contains(got.PlainText, "Tikuvchi") {
		t.Fatalf("digest %q", got.PlainText)
	}
	msgs = w.press(l.tr(t, "digest.unsubscribe", nil))
	w.wantSaid(msgs, l.tr(t, "listing.unsubscribed", nil))
	if n := count(t, db, `SELECT count(*) FROM subscriptions`); n != 0 {
		t.Fatalf("%d subscriptions after unsubscribing", n)
	}
	// The same button again changes nothing and says so.
	msgs = w.turn(func() { fake.PressButton(w.id, got.ID, button(t, got, l.tr(t, "digest.unsubscribe", nil))) })
	w.wantSaid(msgs, l.tr(t, "listing.unsubscribed_before", nil))
}
