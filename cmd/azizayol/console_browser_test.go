package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/azizayol/azizayol/bot/telegram/telegramtest"
)

// The console in a real browser: headless Chromium (Debian's chromium package, which
// `make test` installs) driven through the DevTools protocol. Staff log in, filter
// the inbox, answer, transfer and close appeals that women filed through the fake Bot
// API, and chat with the bot in the simulator.

// chromiumPath is Debian's Chromium.
const chromiumPath = "/usr/bin/chromium"

// browserTimeout bounds one step in the browser (a page load, a poll).
const browserTimeout = 20 * time.Second

// needChromium skips the test when AZIZAYOL_SKIP_BROWSER=1, and fails it when
// Chromium is missing: `make test` installs it.
func needChromium(t *testing.T) {
	t.Helper()
	if os.Getenv("AZIZAYOL_SKIP_BROWSER") == "1" {
		t.Skip("AZIZAYOL_SKIP_BROWSER=1: the browser tests are skipped")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("%s is missing (%v): the browser tests need Debian's chromium package, which `make test` installs "+
			"(or: apt-get install -y chromium); AZIZAYOL_SKIP_BROWSER=1 skips them", chromiumPath, err)
	}
}

// newBrowser starts a headless Chromium for the test, with a fresh profile, and
// returns its root context; each staff member gets a browser context of her own (her
// own cookies) with browserSession.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	needChromium(t)
	profile := t.TempDir() // removed after the browser has stopped (cleanups run last first)
	var output syncBuffer  // Chromium's own messages, for when it does not start
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.CombinedOutput(&output),
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox, // we run as root in a container
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// The inbox listens in a tab of its own while another tab works.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("lang", "uz"),
		chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(profile),
	)
	t.Cleanup(cancelAlloc)
	browser, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	// The first Do starts Chromium, for as long as browser lives (so it takes no
	// timeout of its own).
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(browser) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("starting %s: %v\n%s", chromiumPath, err, output.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not start in 30 s:\n%s", chromiumPath, output.String())
	}
	return browser
}

// browserTab is one browser tab on the console.
type browserTab struct {
	ctx  context.Context
	base string // http://localhost:PORT
}

// browserSession opens a tab in a new browser context: a browser of its own, as far as
// cookies go.
func browserSession(t *testing.T, browser context.Context, base string) *browserTab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	return &browserTab{ctx: ctx, base: base}
}

// another opens another tab in the same browser context (the same session).
func (b *browserTab) another(t *testing.T) *browserTab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	return &browserTab{ctx: ctx, base: b.base}
}

func (b *browserTab) do(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("browser at %s: %v", b.location(), err)
	}
}

// open loads a page of the console and returns its HTTP status.
func (b *browserTab) open(t *testing.T, path string) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(b.base+path))
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	return resp.Status
}

// submit clicks the element (a submit button) and waits for the page it leads to.
func clickAndWait[S chromedp.Selectable](t *testing.T, b *browserTab, sel S) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(sel))
	if err != nil {
		t.Fatalf("click %v at %s: %v", sel, b.location(), err)
	}
	if resp != nil && resp.Status >= 400 {
		t.Fatalf("click %v at %s: status %d", sel, b.location(), resp.Status)
	}
}

func (b *browserTab) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "?"
	}
	return loc
}

// path is the page's path and query, without the host.
func (b *browserTab) path() string { return strings.TrimPrefix(b.location(), b.base) }

// eval runs JavaScript in the page and decodes its value.
func evalJS[T any](t *testing.T, b *browserTab, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s at %s: %v", expr, b.location(), err)
	}
	return v
}

// text is the visible text of the first element sel selects ("" when there is none).
func (b *browserTab) text(t *testing.T, sel string) string {
	t.Helper()
	return evalJS[string](t, b, fmt.Sprintf(`(function(){ var e = document.querySelector(%q); return e ? e.innerText : ""; })()`, sel))
}

// inboxNumbers are the appeal numbers of the inbox list, in order.
func (b *browserTab) inboxNumbers(t *testing.T) []string {
	t.Helper()
	return evalJS[[]string](t, b, `[...document.querySelectorAll("#inbox-list tbody tr td:first-child > a")].map(a => a.textContent.trim())`)
}

// until polls cond (every 100 ms) until it holds, or fails after timeout.
func pollUntil(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// shot saves a full-page screenshot as name in $AZIZAYOL_SCREENSHOTS, when it is set.
func (b *browserTab) shot(t *testing.T, name string) {
	t.Helper()
	dir := os.Getenv("AZIZAYOL_SCREENSHOTS")
	if dir == "" {
		return
	}
	ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// login signs in on the login page and lands in the inbox.
func (b *browserTab) login(t *testing.T, email, password string) {
	t.Helper()
	// A page of the console sends her to the login page first, and back after.
	b.open(t, "/admin/inbox")
	if p := b.path(); !strings.HasPrefix(p, "/admin/login?next=") {
		t.Fatalf("before logging in the inbox is at %s, want the login page", p)
	}
	b.do(t,
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password),
	)
	clickAndWait(t, b, chromedp.ID("login"))
	if p := b.path(); p != "/admin/inbox" {
		t.Fatalf("after logging in as %s the browser is at %s (%q), want /admin/inbox", email, p, b.text(t, "main"))
	}
	// The session cookie as the browser keeps it: Secure (even here, over HTTP on
	// localhost), HttpOnly, SameSite=Strict, for the console's paths only.
	ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
	defer cancel()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{})
	if err != nil {
		t.Fatal(err)
	}
	var session *network.Cookie
	for _, c := range res.Cookies {
		if c.Name == "aa_session" {
			session = c
		}
	}
	if session == nil || !session.Secure || !session.HTTPOnly || session.SameSite != network.CookieSameSiteStrict || session.Path != "/admin/" {
		t.Errorf("the session cookie is %+v, want Secure, HttpOnly, SameSite=Strict, Path=/admin/", session)
	}
	if c := evalJS[string](t, b, `document.cookie`); strings.Contains(c, "aa_session") {
		t.Errorf("the page's script reads the session cookie: %q", c)
	}
}

// addStaff creates a staff account with the command line, as an installer would.
func staffFromCLI(t *testing.T, e env, password string, args ...string) {
	t.Helper()
	var out, errs syncBuffer
	err := run(context.Background(), append([]string{"user", "add", "-password-stdin"}, args...),
		func(k string) string { return e[k] }, strings.NewReader(password+"\n"), &out, &errs)
	if err != nil {
		t.Fatalf("user add %v: %v\n%s%s", args, err, out.String(), errs.String())
	}
}

// consoleEnv is the environment of an instance whose console the browser reaches as
// http://localhost:PORT. The session cookie stays Secure, as in production: Chromium
// counts localhost as a secure context and keeps Secure cookies over plain HTTP there.
func consoleEnv(t *testing.T, fake *telegramtest.Server) (env, string) {
	e := newEnv(t, fake)
	_, port, err := net.SplitHostPort(e["HTTP_ADDR"])
	if err != nil {
		t.Fatal(err)
	}
	return e, "http://localhost:" + port
}

const staffPassword = "browser-test-password-1146"

// The console at work, in a browser: a super-admin and an agency's operator log in and
// filter the inbox; the operator answers a woman's appeal in Russian (it reaches her
// chat) and closes another, whose HTML is shown as text; the super-admin transfers one
// to another agency with a reason.
func TestBrowserConsole(t *testing.T) {
	t.Parallel()
	needChromium(t)
	fake := telegramtest.New(t, token)
	e, base := consoleEnv(t, fake)
	serveInProcess(t, e)
	db := pool(t, e)

	staffFromCLI(t, e, staffPassword, "-email", "root@mahalla.uz", "-name", "Dilnoza Root", "-role", "super_admin")
	staffFromCLI(t, e, staffPassword, "-email", "operator@andijan.uz", "-name", "Gulnora Operator", "-role", "operator",
		"-agency", "khokimiyat-1703", "-lang", "ru")

	// Four women file: two in Andijan (one in Russian, one whose words carry HTML), one
	// in Tashkent, and an urgent appeal (violence: always urgent, to the rehabilitation
	// centre).
	uz, ru := languages[0], languages[2]
	const xss = `<script>window.__xss=1</script><img src=x onerror="window.__xss=1"><b>bold</b>`
	withHTML := uz
	withHTML.words = uz.words + " " + xss
	tashkent := uz
	tashkent.region, tashkent.district = "Toshkent shahri", uz.other

	wRu := start(t, fake, 7101, ru)
	numRu := wRu.fileAppeal("housing")
	wHTML := start(t, fake, 7102, withHTML)
	numHTML := wHTML.fileAppeal("housing")
	wTash := start(t, fake, 7103, tashkent)
	numTash := wTash.fileAppeal("notebook_in")
	wUrgent := start(t, fake, 7104, ru)
	numUrgent := wUrgent.fileAppeal("violence")
	aRu, aHTML, aTash, aUrgent := appealByNumber(t, db, numRu), appealByNumber(t, db, numHTML),
		appealByNumber(t, db, numTash), appealByNumber(t, db, numUrgent)
	if aTash.Agency != "khokimiyat-1726" || !aUrgent.Urgent || aUrgent.Agency == "khokimiyat-1703" {
		t.Fatalf("the appeals are not where the test wants them: %+v %+v", aTash, aUrgent)
	}

	browser := newBrowser(t)
	root := browserSession(t, browser, base)
	op := browserSession(t, browser, base)

	// 1. Logging in, and the inbox with its filters.
	root.login(t, "root@mahalla.uz", staffPassword)
	same := func(got []string, want ...string) bool {
		g, w := slices.Clone(got), slices.Clone(want)
		slices.Sort(g)
		slices.Sort(w)
		return slices.Equal(g, w)
	}
	if got := root.inboxNumbers(t); !same(got, numRu, numHTML, numTash, numUrgent) {
		t.Errorf("the super-admin's inbox shows %v, want all four appeals", got)
	}
	// Sorted by deadline: the urgent one (24 hours) comes first, and stands out.
	if got := root.inboxNumbers(t); len(got) > 0 && got[0] != numUrgent {
		t.Errorf("the inbox starts with %s, want the urgent %s", got[0], numUrgent)
	}
	if n := evalJS[int](t, root, `document.querySelectorAll("#inbox-list tr.urgent .badge.urgent").length`); n != 1 {
		t.Errorf("%d rows are marked urgent, want 1", n)
	}
	root.shot(t, "inbox.png")

	filter := func(b *browserTab, set func(), want ...string) {
		t.Helper()
		b.open(t, "/admin/inbox")
		set()
		clickAndWait(t, b, chromedp.ID("apply"))
		if got := b.inboxNumbers(t); !same(got, want...) {
			t.Errorf("inbox filtered to %s shows %v, want %v", b.path(), got, want)
		}
	}
	filter(root, func() { root.do(t, chromedp.SetValue(chromedp.ID("region"), "1703")) }, numRu, numHTML, numUrgent)
	if p := root.path(); !strings.Contains(p, "region=1703") {
		t.Errorf("the filter is not in the address: %s", p)
	}
	filter(root, func() { root.do(t, chromedp.Click(chromedp.CSS(`input[name="urgent"]`))) }, numUrgent)
	filter(root, func() { root.do(t, chromedp.SetValue(chromedp.ID("topic"), "notebook_in")) }, numTash)
	filter(root, func() {
		root.do(t, chromedp.SetValue(chromedp.ID("region"), "1703"), chromedp.SetValue(chromedp.ID("topic"), "housing"))
	}, numRu, numHTML)
	filter(root, func() { root.do(t, chromedp.SendKeys(chromedp.ID("q"), numTash)) }, numTash)
	root.shot(t, "inbox-filtered.png")

	// The operator of Andijan's khokimiyat sees her agency's appeals, in Russian, and
	// nothing else: another agency's appeal is a 404, even by its address.
	op.login(t, "operator@andijan.uz", staffPassword)
	if got := op.inboxNumbers(t); !same(got, numRu, numHTML) {
		t.Errorf("the operator's inbox shows %v, want %s and %s", got, numRu, numHTML)
	}
	if h := op.text(t, "h1"); h != "Обращения" {
		t.Errorf("the operator's inbox is titled %q, want it in Russian", h)
	}
	filter(op, func() { op.do(t, chromedp.Click(chromedp.CSS(`input[name="urgent"]`))) })
	if got := op.text(t, "#inbox-list"); !strings.Contains(got, "По этому фильтру обращений нет.") {
		t.Errorf("an empty filter says %q", got)
	}
	if status := op.open(t, fmt.Sprintf("/admin/appeals/%d", aTash.ID)); status != 404 {
		t.Errorf("the operator opens another agency's appeal: status %d, want 404", status)
	}

	// At a phone's width the inbox and an appeal fit the screen: nothing scrolls
	// sideways.
	phone := op.another(t)
	phone.do(t, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	fits := func(page string) {
		t.Helper()
		if w := evalJS[int](t, phone, `document.documentElement.scrollWidth`); w > 390 {
			wide := evalJS[[]string](t, phone, `[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > 391).map(e => e.tagName + "#" + e.id + "." + e.className + " " + Math.round(e.getBoundingClientRect().width))`)
			t.Errorf("on a phone the %s is %d pixels wide: it scrolls sideways (%v)", page, w, wide)
		}
	}
	phone.open(t, "/admin/inbox")
	fits("inbox")
	phone.shot(t, "inbox-phone.png")
	phone.open(t, fmt.Sprintf("/admin/appeals/%d", aRu.ID))
	fits("appeal")
	phone.shot(t, "appeal-phone.png")

	// 2. The operator answers the Russian appeal in Russian; it reaches the woman's
	// chat, and the thread shows it with its delivery.
	op.open(t, "/admin/inbox")
	clickAndWait(t, op, chromedp.Search(fmt.Sprintf(`//a[normalize-space(.)=%q]`, numRu)))
	if p := op.path(); p != fmt.Sprintf("/admin/appeals/%d", aRu.ID) {
		t.Fatalf("the inbox's link leads to %s", p)
	}
	// Her message: who and when, her words as she wrote them, her photo (shown
	// through our server).
	if got, want := op.text(t, "#thread .msg.citizen"), "Заявительница\n"+ru.words+"\n📎 Файл 1 (photo)"; !strings.HasSuffix(got, want) || strings.HasPrefix(got, "\n") {
		t.Errorf("her message in the thread reads %q, want it to end with %q", got, want)
	}
	answer := "Здравствуйте! Хокимият рассмотрел ваше обращение: приходите завтра в 10:00 с паспортом в кабинет №5."
	before := len(fake.Sent(wRu.id))
	op.do(t, chromedp.SendKeys(chromedp.ID("answer-text"), answer))
	clickAndWait(t, op, chromedp.ID("send-answer"))
	if got := op.text(t, `[role="status"]`); got != "Ответ отправлен." {
		t.Errorf("after answering the page says %q", got)
	}
	fake.WaitFor(t, wait, func() bool {
		for _, m := range fake.Sent(wRu.id)[before:] {
			if strings.Contains(m.PlainText, answer) && strings.Contains(m.PlainText, numRu) {
				return true
			}
		}
		return false
	}, "the answer in her chat")
	heading, _, _ := strings.Cut(ru.tr(t, "notice.answer", map[string]any{"Number": numRu, "Agency": "", "Text": ""}), "\n")
	wRu.wantSaid(fake.Sent(wRu.id)[before:], heading)
	var badge string
	pollUntil(t, wait, "the answer's delivery badge", func() bool {
		op.open(t, fmt.Sprintf("/admin/appeals/%d", aRu.ID))
		badge = evalJS[string](t, op, `(function(){ var b = document.querySelector("#thread .msg.agency .badge"); return b ? b.className + "|" + b.innerText : ""; })()`)
		return strings.Contains(badge, "sent") || strings.Contains(badge, "delivered")
	})
	if badge != "badge sent|отправлено" && badge != "badge delivered|доставлено" {
		t.Errorf("the delivery badge is %q", badge)
	}
	if got := op.text(t, "#thread .msg.agency"); !strings.Contains(got, answer) || !strings.Contains(got, "Gulnora Operator") {
		t.Errorf("the thread shows the answer as %q", got)
	}
	if got := op.text(t, "#status"); got != "Дан ответ" {
		t.Errorf("the answered appeal's status reads %q", got)
	}
	op.shot(t, "appeal.png")

	// 3. Her words with HTML are shown as text, in the inbox's preview and in the
	// thread: nothing of them runs or becomes an element.
	asText := func(page, sel, want string) {
		t.Helper()
		if got := op.text(t, sel); !strings.Contains(got, want) {
			t.Errorf("the %s does not show %q as text: %q", page, want, got)
		}
		if got := evalJS[string](t, op, `typeof window.__xss`); got != "undefined" {
			t.Errorf("on the %s window.__xss is %s: her words ran as script", page, got)
		}
		if n := evalJS[int](t, op, `document.querySelectorAll("main b, main script, img[src='x']").length`); n != 0 {
			t.Errorf("on the %s her words made %d elements", page, n)
		}
	}
	op.open(t, "/admin/inbox")
	asText("inbox", "#inbox-list", "<script>window.__xss=1</script>") // the preview is cut short
	op.open(t, fmt.Sprintf("/admin/appeals/%d", aHTML.ID))
	asText("appeal", "#thread .msg.citizen", xss)
	op.shot(t, "appeal-html-as-text.png")

	// The operator closes it: the status shows, the actions are gone, she is told.
	before = len(fake.Sent(wHTML.id))
	clickAndWait(t, op, chromedp.ID("close"))
	if got := op.text(t, "#status"); got != "Закрыто" {
		t.Errorf("after closing the status reads %q", got)
	}
	if n := evalJS[int](t, op, `document.querySelectorAll("#close, #answer-text, #transfer-form").length`); n != 0 {
		t.Errorf("a closed appeal still offers %d actions", n)
	}
	msgs := fake.WaitSent(t, wHTML.id, before+1, wait)[before:]
	wHTML.wantSaid(msgs, uz.tr(t, "notice.status", map[string]any{"Number": numHTML, "Status": uz.tr(t, "status.closed", nil)}))
	if a := appealByNumber(t, db, numHTML); a.Status != "closed" {
		t.Errorf("the closed appeal is %s in the database", a.Status)
	}

	// 4. The super-admin transfers the Tashkent appeal to Andijan's khokimiyat with a
	// reason: the thread and the facts show it, she is told, and Andijan's operator
	// now has it.
	var andijan int64
	if err := db.QueryRow(context.Background(), `SELECT id FROM agencies WHERE code = 'khokimiyat-1703'`).Scan(&andijan); err != nil {
		t.Fatal(err)
	}
	reason := "Ariza egasi Andijonda yashaydi: Andijon viloyati hokimligi koʻrib chiqadi."
	root.open(t, fmt.Sprintf("/admin/appeals/%d", aTash.ID))
	before = len(fake.Sent(wTash.id))
	root.do(t,
		chromedp.SetValue(chromedp.ID("agency"), strconv.FormatInt(andijan, 10)),
		chromedp.SendKeys(chromedp.ID("reason"), reason),
	)
	clickAndWait(t, root, chromedp.ID("transfer"))
	if got := root.text(t, `[role="status"]`); got != "Murojaat boshqa idoraga yuborildi." {
		t.Errorf("after the transfer the page says %q", got)
	}
	if got := root.text(t, "#thread .msg.transfer"); !strings.Contains(got, reason) || !strings.Contains(got, "Dilnoza Root") {
		t.Errorf("the thread shows the transfer as %q", got)
	}
	if got := root.text(t, "dl.facts"); !strings.Contains(got, "Andijon viloyati hokimligi") {
		t.Errorf("the appeal's facts after the transfer: %q", got)
	}
	root.shot(t, "transfer.png")
	msgs = fake.WaitSent(t, wTash.id, before+1, wait)[before:]
	if !strings.Contains(msgs[0].PlainText, numTash) {
		t.Errorf("she is told of the transfer with %q", msgs[0].PlainText)
	}
	if a := appealByNumber(t, db, numTash); a.Agency != "khokimiyat-1703" {
		t.Errorf("after the transfer the appeal is with %s", a.Agency)
	}
	op.open(t, "/admin/inbox")
	if got := op.inboxNumbers(t); !same(got, numRu, numTash) {
		t.Errorf("after the transfer and the closing the operator's inbox shows %v, want %s and %s", got, numRu, numTash)
	}
	// The super-admin closes the urgent one too; the closed ones leave the open inbox
	// and are found under their status.
	root.open(t, fmt.Sprintf("/admin/appeals/%d", aUrgent.ID))
	clickAndWait(t, root, chromedp.ID("close"))
	if got := root.text(t, "#status"); got != "Yopildi" {
		t.Errorf("after closing the status reads %q", got)
	}
	root.open(t, "/admin/inbox?status=closed")
	if got := root.inboxNumbers(t); !same(got, numHTML, numUrgent) {
		t.Errorf("the closed appeals are %v, want %s and %s", got, numHTML, numUrgent)
	}
}

// A staff member chats with the bot in the simulator as a woman would, in Russian,
// through the same dialogs, and files an appeal: it appears in the inbox open in her
// other tab without a reload.
func TestBrowserSimulatorFilesAnAppeal(t *testing.T) {
	t.Parallel()
	needChromium(t)
	fake := telegramtest.New(t, token)
	e, base := consoleEnv(t, fake)
	serveInProcess(t, e)
	staffFromCLI(t, e, staffPassword, "-email", "trainer@mahalla.uz", "-name", "Malika Trainer", "-role", "super_admin")

	browser := newBrowser(t)
	inbox := browserSession(t, browser, base)
	inbox.login(t, "trainer@mahalla.uz", staffPassword)
	if got := inbox.inboxNumbers(t); len(got) != 0 {
		t.Fatalf("a new inbox shows %v", got)
	}
	// The inbox stays open in this tab, listening for new appeals (its event stream
	// is open long before the appeal is filed, a dozen pages later).

	sim := inbox.another(t)
	sim.open(t, "/admin/simulator")
	ru := languages[2]
	// lastBot is the bot's last message in the chat.
	lastBot := func() string {
		return evalJS[string](t, sim, `(function(){ var b = [...document.querySelectorAll("#chat .bubble.bot")].pop(); return b ? b.textContent : ""; })()`)
	}
	// botSays waits for the bot's last message to start with want (an answer that
	// comes late is fetched by the page itself).
	botSays := func(want string) {
		t.Helper()
		deadline := time.Now().Add(wait)
		for {
			got := lastBot()
			if strings.HasPrefix(got, want) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the simulator's last message is %q, want it to start with %q", got, want)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	say := func(text string) {
		t.Helper()
		sim.do(t, chromedp.SendKeys(chromedp.ID("say-text"), text))
		clickAndWait(t, sim, chromedp.ID("say-send"))
	}
	// press presses the button under the bot's last message whose label contains label.
	press := func(label string) {
		t.Helper()
		if strings.Contains(label, `"`) {
			t.Fatalf("label %q has a quote", label)
		}
		clickAndWait(t, sim, chromedp.Search(fmt.Sprintf(`(//div[@id="chat"]/div[contains(@class,"buttons")])[last()]//button[contains(., "%s")]`, label)))
	}

	say("/start")
	botSays("Tilni tanlang")
	press("Русский")
	botSays(ru.tr(t, "menu.title", nil))
	press(ru.tr(t, "menu.appeal", nil))
	botSays(ru.tr(t, "appeal.topic", nil))
	press(ru.tr(t, "topic.housing", nil))
	botSays(ru.tr(t, "appeal.region", nil))
	press(ru.region)
	botSays(ru.region)
	press(ru.district)
	botSays(ru.tr(t, "appeal.text", nil))
	say(ru.words)
	botSays(ru.tr(t, "filing.more", map[string]any{"Chars": len([]rune(ru.words)), "Files": 0}))
	press(ru.tr(t, "filing.continue", nil))
	botSays(ru.tr(t, "appeal.phone", nil))
	say("+998 90 765 43 21")
	consent, _, _ := strings.Cut(ru.tr(t, "filing.consent", map[string]any{"Agency": ""}), "\n")
	botSays(consent)
	press(ru.tr(t, "filing.agree", nil))
	botSays(ru.tr(t, "filing.review_title", nil))
	press(ru.tr(t, "filing.send", nil))
	botSays(ru.tr(t, "menu.title", nil))
	chat := sim.text(t, "#chat")
	numbers := number.FindAllString(chat, -1)
	if len(numbers) != 1 {
		t.Fatalf("the simulator's chat names %v, want one appeal number:\n%s", numbers, chat)
	}
	num := numbers[0]
	sim.shot(t, "simulator.png")

	// The inbox in the other tab shows it without a reload.
	pollUntil(t, wait, num+" in the open inbox", func() bool {
		return slices.Contains(inbox.inboxNumbers(t), num)
	})
	if !evalJS[bool](t, inbox, `document.getElementById("live").classList.contains("on")`) {
		t.Errorf("the inbox does not say it was updated")
	}
	if got := inbox.text(t, "#inbox-list"); !strings.Contains(got, "simulator · ru") {
		t.Errorf("the inbox does not show the simulator's channel and language: %q", got)
	}
	inbox.shot(t, "inbox-live.png")
	db := pool(t, e)
	a := appealByNumber(t, db, num)
	if a.Agency != "khokimiyat-1703" || a.District != "1703202" || a.Phone != "+998907654321" || a.Lang != "ru" || a.Topic != "housing" {
		t.Errorf("the simulator filed %+v", a)
	}
	var channel string
	if err := db.QueryRow(context.Background(), `SELECT channel FROM appeals WHERE number = $1`, num).Scan(&channel); err != nil || channel != "simulator" {
		t.Errorf("the appeal's channel is %q (%v), want simulator", channel, err)
	}
	// Its page opens from the inbox, with her words.
	clickAndWait(t, inbox, chromedp.Search(fmt.Sprintf(`//a[normalize-space(.)=%q]`, num)))
	if got := inbox.text(t, "#thread"); !strings.Contains(got, ru.words) {
		t.Errorf("the simulator's appeal shows %q", got)
	}
}
