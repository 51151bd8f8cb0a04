package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/azizayol/azizayol/bot/telegram/telegramtest"
)

// A broadcast in a browser: the Ministry of Health's admin writes it in Latin, has the
// Cyrillic drafted, sees it as Telegram and as SMS with whom it reaches, sends it, and
// watches the progress move without reloading until every subscriber has it.
func TestBrowserBroadcast(t *testing.T) {
	t.Parallel()
	needChromium(t)
	fake := telegramtest.New(t, token)
	fake.SetGlobalLimit(30, 3)
	e, base := consoleEnv(t, fake)
	e = e.with("TELEGRAM_RATE", "30")
	serveInProcess(t, e)
	db := pool(t, e)
	ctx := context.Background()
	const first, subscribers = 8_000_000, 120
	if _, err := db.Exec(ctx, `INSERT INTO users (channel, address, lang)
		SELECT 'telegram', ($1 + g)::text, CASE WHEN g % 4 = 0 THEN 'ru' ELSE 'uz-Latn' END FROM generate_series(1, $2) g`,
		first, subscribers); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO info_subscriptions (user_id, topic) SELECT id, 'health' FROM users`); err != nil {
		t.Fatal(err)
	}
	staffFromCLI(t, e, staffPassword, "-email", "admin@ssv.uz", "-name", "Malika Admin", "-role", "agency_admin", "-agency", "health")

	b := browserSession(t, newBrowser(t), base)
	b.login(t, "admin@ssv.uz", staffPassword)
	b.open(t, "/admin/broadcasts/new")
	b.do(t,
		chromedp.SendKeys(chromedp.ID("text_uz-Latn"), "Shanba kuni poliklinikalarda bepul tekshiruv. Oʻz vaqtida keling!"),
		chromedp.SendKeys(chromedp.ID("text_ru"), "В субботу в поликлиниках бесплатный осмотр. Приходите вовремя!"),
		chromedp.Click(chromedp.CSS(`input[name="topic"][value="health"]`)),
	)
	clickAndWait(t, b, chromedp.CSS(`button[value="cyrillic"]`))
	if got := evalJS[string](t, b, `document.getElementById("text_uz-Cyrl").value`); got != "Шанба куни поликлиникаларда бепул текширув. Ўз вақтида келинг!" {
		t.Fatalf("the Cyrillic draft is %q", got)
	}
	clickAndWait(t, b, chromedp.CSS(`button[value="save"]`))
	if p := b.path(); !strings.HasPrefix(p, "/admin/broadcasts/") {
		t.Fatalf("after saving the browser is at %s: %q", p, b.text(t, "main"))
	}
	audience := b.text(t, "#audience")
	if !strings.Contains(audience, "Hozir "+strconv.Itoa(subscribers)+" ta obunachi") || !strings.Contains(audience, "4 soniya") {
		t.Errorf("the audience says %q", audience)
	}
	if preview := b.text(t, "main"); !strings.Contains(preview, "Шанба куни поликлиникаларда") || !strings.Contains(preview, "obunalarni oʻzgartirish: /menu") {
		t.Errorf("the preview lacks the texts as she will see them: %q", preview)
	}
	b.shot(t, "broadcast-preview.png")

	clickAndWait(t, b, chromedp.ID("send-now"))
	sent := func() int {
		n, _ := strconv.Atoi(strings.TrimSpace(b.text(t, "#count-sent")))
		return n
	}
	// The page is not reloaded: its progress block is.
	evalJS[bool](t, b, `window.__samePage = true`)
	pollUntil(t, 20*time.Second, "some sent, not all", func() bool { n := sent(); return n > 0 && n < subscribers })
	if eta := b.text(t, "#eta"); eta == "" {
		t.Errorf("no ETA while it runs")
	}
	b.shot(t, "broadcast-progress.png")
	pollUntil(t, 30*time.Second, "every one sent", func() bool { return sent() == subscribers })
	pollUntil(t, 10*time.Second, "done", func() bool { return strings.Contains(b.text(t, "#progress-status"), "yakunlangan") })
	if !evalJS[bool](t, b, `window.__samePage === true`) {
		t.Errorf("the page was reloaded")
	}
	if p := b.text(t, "#progress-percent"); p != "100%" {
		t.Errorf("progress %q at the end", p)
	}
	b.shot(t, "broadcast-done.png")
	for i := 1; i <= subscribers; i++ {
		if got := fake.Sent(int64(first + i)); len(got) != 1 {
			t.Fatalf("chat %d got %d messages", first+i, len(got))
		}
	}
	if got := fake.Sent(first + 4); !strings.Contains(got[0].PlainText, "В субботу") {
		t.Errorf("a Russian reader got %q", got[0].PlainText)
	}
	if fake.TooManyRequests() != 0 {
		t.Errorf("%d answers 429", fake.TooManyRequests())
	}
}
