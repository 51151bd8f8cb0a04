package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/bot/telegram/telegramtest"
)

// consoleClient is a staff member's browser on the running binary's console.
type consoleClient struct {
	t    *testing.T
	base string
	cl   *http.Client
}

func consoleLogin(t *testing.T, e env, email, password string) *consoleClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &consoleClient{t: t, base: "http://" + e["HTTP_ADDR"],
		cl: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	if resp, _ := c.post("/admin/login", url.Values{"email": {email}, "password": {password}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %d", email, resp.StatusCode)
	}
	return c
}

func (c *consoleClient) get(path string) (*http.Response, string) {
	c.t.Helper()
	resp, err := c.cl.Get(c.base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func (c *consoleClient) post(path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.cl.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// A woman writes words of harm and leaves: exactly one urgent case for the
// rehabilitation centre, due in 24 hours, is in the console's inbox, with none of
// her words; words of harm again add no case. Staff answer it in the console and the
// answer reaches her chat. The violence appeal she files afterwards is separate.
// A super-admin then adds an entry to the vocabulary in the console, and the bot
// recognises it at once.
func TestCrisisWordsOpenOneUrgentCase(t *testing.T) {
	fake := telegramtest.New(t, token)
	e := newEnv(t, fake).with("ADMIN_SECURE_COOKIES", "false")
	serveInProcess(t, e)
	db := pool(t, e)
	staffFromCLI(t, e, staffPassword, "-email", "root@mahalla.uz", "-name", "Dilnoza Root", "-role", "super_admin")
	root := consoleLogin(t, e, "root@mahalla.uz", staffPassword)

	l := languages[0]
	w := start(t, fake, 9101, l)
	secret := "Erim har kuni uradi, oʻzimni oʻldiraman"
	msgs := w.say(secret)
	w.wantSaid(msgs, l.tr(t, "emergency.now", nil)[:30])
	// Again, in other words, a little later: the guidance again, no second case.
	msgs = w.say("yashagim kelmayapti")
	w.wantSaid(msgs, l.tr(t, "emergency.now", nil)[:30])
	// She leaves: nothing more from her.

	var id int64
	var number, agency, status string
	var urgent bool
	var filed, deadline time.Time
	err := db.QueryRow(context.Background(), `SELECT a.id, a.number, g.code, a.status, a.urgent, a.filed_at, a.deadline_at
		FROM appeals a JOIN agencies g ON g.id = a.agency_id JOIN users u ON u.id = a.user_id
		WHERE a.topic = 'crisis' AND u.address = '9101'`).Scan(&id, &number, &agency, &status, &urgent, &filed, &deadline)
	if err != nil {
		t.Fatalf("her crisis case: %v", err)
	}
	if n := count(t, db, `SELECT count(*) FROM appeals`); n != 1 {
		t.Errorf("%d appeals after two messages of harm, want the one crisis case", n)
	}
	if agency != "rehab" || status != "received" || !urgent || deadline.Sub(filed) != 24*time.Hour {
		t.Errorf("crisis case %s: %s, %s, urgent %v, due %s after filing; want rehab, received, urgent, 24h",
			number, agency, status, urgent, deadline.Sub(filed))
	}
	var threadText string
	if err := db.QueryRow(context.Background(), `SELECT string_agg(author || ': ' || text, E'\n') FROM appeal_messages WHERE appeal_id = $1`, id).
		Scan(&threadText); err != nil {
		t.Fatal(err)
	}
	if strings.Count(threadText, "note: ") != 1 || strings.Contains(threadText, "citizen") {
		t.Errorf("the case's thread %q, want one note", threadText)
	}
	for _, word := range []string{"uradi", "oʻldiraman", "yashagim", "Erim"} {
		if strings.Contains(threadText, word) {
			t.Errorf("the case keeps her word %q: %q", word, threadText)
		}
	}

	// The console's inbox lists it, urgent; its page says only what was detected.
	resp, inbox := root.get("/admin/inbox")
	row := between(inbox, ">"+number+"</a>", "</tr>")
	if resp.StatusCode != http.StatusOK || row == "" || !strings.Contains(row, `badge urgent`) {
		t.Fatalf("the inbox (%d) lacks the urgent case %s:\n%s", resp.StatusCode, number, inbox)
	}
	_, page := root.get("/admin/appeals/" + strconv.FormatInt(id, 10))
	if !strings.Contains(page, "inqiroz soʻzlari aniqlandi") || !strings.Contains(page, filed.In(azizayol.Tashkent).Format("02.01.2006 15:04")) ||
		!strings.Contains(page, "telegram") || strings.Contains(page, "oʻldiraman") {
		t.Errorf("the case's page does not say what was detected, when and where, or shows her words")
	}

	// Staff reach her: the answer goes to her chat.
	answer := "Assalomu alaykum. Biz shu yerdamiz, 1146 ga qoʻngʻiroq qiling yoki shu yerga yozing."
	msgs = w.turn(func() {
		if resp, body := root.post("/admin/appeals/"+strconv.FormatInt(id, 10)+"/answer", url.Values{"text": {answer}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("answer: %d %s", resp.StatusCode, body)
		}
	}, 1)
	if !strings.Contains(msgs[0].PlainText, answer) {
		t.Errorf("she got %q, want the answer", msgs[0].PlainText)
	}

	// The violence appeal she files afterwards is an appeal of its own, with her words.
	w.turn(func() { fake.SendCommand(w.id, l.code, "/menu") })
	w.wantLast(l.tr(t, "menu.title", nil))
	num := w.fileAppeal("violence")
	a := appealByNumber(t, db, num)
	if a.Topic != "violence" || a.ID == id || !a.Urgent {
		t.Errorf("the violence appeal %+v", a)
	}
	if n := count(t, db, `SELECT count(*) FROM appeals WHERE topic = 'crisis'`); n != 1 {
		t.Errorf("%d crisis cases after the violence appeal", n)
	}

	// The vocabulary is data: a super-admin adds an entry, and the bot knows it at once.
	phrase := "Erim bolalarimni olib qochib ketdi"
	if resp, body := root.post("/admin/crisis", url.Values{"entry": {"bolalarimni olib qoch*"}, "kind": {"danger"}, "lang": {"uz-latn"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("adding an entry: %d %s", resp.StatusCode, between(body, `role="alert">`, "</p>"))
	}
	other := start(t, fake, 9102, l)
	msgs = other.say(phrase)
	other.wantSaid(msgs, l.tr(t, "emergency.now", nil)[:30])
	if n := count(t, db, `SELECT count(*) FROM appeals a JOIN users u ON u.id = a.user_id WHERE a.topic = 'crisis' AND u.address = '9102'`); n != 1 {
		t.Errorf("%d crisis cases for the new entry's phrase", n)
	}
}

func between(s, from, to string) string {
	_, s, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	s, _, _ = strings.Cut(s, to)
	return s
}
