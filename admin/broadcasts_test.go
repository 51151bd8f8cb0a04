package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
)

func (c *console) subscribers(n int, channel, lang, region string, topics ...string) {
	c.t.Helper()
	for range n {
		c.mu.Lock()
		c.n++
		addr := channel + itoa(int64(c.n))
		c.mu.Unlock()
		var id int64
		err := c.pool.QueryRow(context.Background(), `INSERT INTO users (channel, address, lang, region_code)
			VALUES ($1, $2, $3, nullif($4, '')) RETURNING id`, channel, addr, lang, region).Scan(&id)
		if err != nil {
			c.t.Fatal(err)
		}
		for _, topic := range topics {
			if _, err := c.pool.Exec(context.Background(), `INSERT INTO info_subscriptions (user_id, topic) VALUES ($1, $2)`, id, topic); err != nil {
				c.t.Fatal(err)
			}
		}
	}
}

// An agency admin composes a broadcast in three languages (the Cyrillic drafted from
// the Latin), sees what is wrong in her language, previews it as Telegram and as SMS
// with its segments and cost, sees whom it reaches, sends it, pauses and cancels it;
// another agency's admin cannot see it and an operator cannot reach broadcasts at all.
func TestBroadcastComposeToCancel(t *testing.T) {
	c := newConsole(t)
	admin := c.staff(azizayol.AgencyAdmin, "health")
	cl := c.login(admin)
	c.subscribers(7, "telegram", "uz-Latn", "1703", "health")
	c.subscribers(3, "telegram", "ru", "1726", "health", "sport")
	c.subscribers(2, "sms", "ru", "1703", "health")
	c.subscribers(4, "telegram", "uz-Latn", "1703", "sport")

	// Missing topic, Russian text, SMS budget; the page says so and keeps her words.
	resp, body := c.postPage(cl, "/admin/broadcasts", url.Values{"text_uz-Latn": {"Ertaga <b>emlash</b> kuni"},
		"channel": {"telegram", "sms"}, "action": {"save"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("incomplete: %d", resp.StatusCode)
	}
	for _, want := range []string{"Kamida bitta mavzuni tanlang", "Ruscha matnni yozing", "SMS byudjetini kiriting", "Ertaga &lt;b&gt;emlash&lt;/b&gt; kuni"} {
		if !strings.Contains(body, want) {
			t.Errorf("the refusal lacks %q", want)
		}
	}
	// Broken UTF-8 is refused, not stored.
	if resp, body := c.postPage(cl, "/admin/broadcasts", url.Values{"text_uz-Latn": {"a\xffb"}, "text_ru": {"б"},
		"topic": {"health"}, "channel": {"telegram"}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "buzilgan belgilar") {
		t.Errorf("broken UTF-8: %d", resp.StatusCode)
	}
	// The Cyrillic drafted from the Latin, shown for correction, nothing saved.
	form := url.Values{"text_uz-Latn": {"Ertaga emlash kuni. Oʻz vaqtida keling!"}, "text_ru": {"Завтра день прививок."},
		"topic": {"health"}, "channel": {"telegram", "sms"}, "sms_budget": {"100"}, "region": {"1703"}}
	form.Set("action", "cyrillic")
	resp, body = c.postPage(cl, "/admin/broadcasts", form)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Эртага эмлаш куни. Ўз вақтида келинг!") {
		t.Fatalf("Cyrillic draft: %d", resp.StatusCode)
	}
	var drafts int
	c.pool.QueryRow(context.Background(), `SELECT count(*) FROM broadcasts`).Scan(&drafts)
	if drafts != 0 {
		t.Fatalf("%d broadcasts stored before saving", drafts)
	}
	form.Set("action", "save")
	form.Set("text_uz-Cyrl", "Эртага эмлаш куни. Ўз вақтида келинг!")
	resp = c.post(cl, "/admin/broadcasts", form)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/broadcasts/") {
		t.Fatalf("save: %d %s", resp.StatusCode, loc)
	}
	path := strings.Split(loc, "?")[0]

	// The preview: as Telegram shows it, as SMS (segments, encoding, cost), and whom.
	resp, body = c.get(cl, path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("draft page: %d", resp.StatusCode)
	}
	for _, want := range []string{
		"Hozir 9 ta obunachi",                     // 7 by Telegram + 2 by SMS in Andijan
		"Ertaga emlash kuni. Oʻz vaqtida keling!", // Telegram, Latin
		"obunalarni oʻzgartirish: /menu",          // and how to stop them
		"Obunani to&#39;xtatish: STOP",            // SMS, in the GSM-7 alphabet
		"UCS-2",                                   // Russian SMS
		"SMS: 2 segment, taxminan 160 soʻm",       // 2 Russian SMS of 1 segment, 80 so'm each
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the preview lacks %q\n%s", want, body)
		}
	}

	// Someone else's.
	other := c.login(c.staff(azizayol.AgencyAdmin, "justice"))
	if resp, _ := c.get(other, path); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another agency's admin: %d", resp.StatusCode)
	}
	if resp := c.post(other, path+"/send", url.Values{"when": {"now"}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another agency's admin sent it: %d", resp.StatusCode)
	}
	operator := c.login(c.staff(azizayol.Operator, "health"))
	if resp, _ := c.get(operator, "/admin/broadcasts"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("operator: %d", resp.StatusCode)
	}

	// A time in the past is refused; one in the future schedules it.
	past := time.Now().In(azizayol.Tashkent).Add(-time.Hour).Format("2006-01-02T15:04")
	if resp := c.post(cl, path+"/send", url.Values{"when": {"later"}, "at": {past}}); !strings.Contains(resp.Header.Get("Location"), "err=") {
		t.Errorf("scheduled in the past: %s", resp.Header.Get("Location"))
	}
	resp = c.post(cl, path+"/send", url.Values{"when": {"now"}})
	if !strings.Contains(resp.Header.Get("Location"), "done=broadcasts.done.running") {
		t.Fatalf("send: %s", resp.Header.Get("Location"))
	}
	if resp := c.post(cl, path, form); !strings.Contains(resp.Header.Get("Location"), "err=broadcasts.err.state") {
		t.Errorf("a running broadcast was edited: %s", resp.Header.Get("Location"))
	}
	_, body = c.get(cl, path+"?done=broadcasts.done.running")
	if !strings.Contains(body, "Yuborish boshlandi.") || !strings.Contains(body, `data-live="`+path+`"`) {
		t.Errorf("the running page lacks its notice or live progress")
	}
	resp, body = c.getWith(cl, path, "X-Partial", "progress")
	if resp.StatusCode != http.StatusOK || strings.Contains(body, "<html") || !strings.Contains(body, `id="progress"`) {
		t.Errorf("progress partial: %d %.200s", resp.StatusCode, body)
	}
	c.post(cl, path+"/pause", nil)
	_, body = c.get(cl, path)
	if !strings.Contains(body, "toʻxtatib turilgan") || strings.Contains(body, "data-live") {
		t.Errorf("paused page")
	}
	c.post(cl, path+"/cancel", nil)
	if resp := c.post(cl, path+"/resume", nil); !strings.Contains(resp.Header.Get("Location"), "err=broadcasts.err.state") {
		t.Errorf("a cancelled broadcast resumed: %s", resp.Header.Get("Location"))
	}
	_, body = c.get(cl, "/admin/broadcasts")
	if !strings.Contains(body, "bekor qilingan") {
		t.Errorf("the list does not show it cancelled")
	}
	var audited int
	c.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE staff_id = $1 AND action LIKE 'broadcast_%'`, admin.ID).Scan(&audited)
	if audited != 4 { // save, send, pause, cancel
		t.Errorf("%d broadcast actions audited, want 4", audited)
	}
}

// Every page reminds an agency's staff of publications due within three days or late,
// until they are published.
func TestRemindersOnEveryPage(t *testing.T) {
	c := newConsole(t)
	admin, operator, root := c.staff(azizayol.AgencyAdmin, "justice"), c.staff(azizayol.Operator, "justice"), c.staff(azizayol.SuperAdmin, "")
	for _, s := range []azizayol.Staff{admin, operator, root} {
		if _, body := c.get(c.login(s), "/admin/inbox"); strings.Contains(body, `id="reminders"`) {
			t.Fatalf("%s is reminded on the day the schedule starts", s.Role)
		}
	}
	c.now = time.Now().AddDate(0, 2, 0) // the monthly rights article is late by then
	for _, s := range []azizayol.Staff{admin, operator} {
		_, body := c.get(c.login(s), "/admin/inbox")
		if !strings.Contains(body, `id="reminders"`) || !strings.Contains(body, `href="/admin/articles"`) {
			t.Errorf("%s is not reminded of a late publication", s.Role)
		}
	}
	if _, body := c.get(c.login(root), "/admin/inbox"); strings.Contains(body, `id="reminders"`) {
		t.Errorf("the super-admin gets every agency's reminders on every page")
	}
}
