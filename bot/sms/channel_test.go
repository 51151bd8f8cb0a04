package sms

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/locales"
)

// The keywords work in every language and case, alone; in a sentence they are words.
func TestParseKeywordsAndScript(t *testing.T) {
	c := NewChannel(nil, nil, 0)
	cases := []struct {
		text string
		kind azizayol.InboundKind
		lang string
	}{
		{"STOP", azizayol.KindOptOut, "uz-Latn"},
		{"to'xtat", azizayol.KindOptOut, "uz-Latn"},
		{"Toʻxtat!", azizayol.KindOptOut, "uz-Latn"},
		{"СТОП", azizayol.KindOptOut, "ru"},
		{"тўхтат", azizayol.KindOptOut, "uz-Cyrl"},
		{"Start", azizayol.KindOptIn, "uz-Latn"},
		{"старт", azizayol.KindOptIn, "ru"},
		{"бошлаш", azizayol.KindOptIn, "ru"}, // no letter or word only Uzbek has: taken for Russian
		{"toʼxtat", azizayol.KindOptOut, "uz-Latn"},
		{"Салом", azizayol.KindText, "uz-Cyrl"},
		{"Менга ёрдам керак", azizayol.KindText, "uz-Cyrl"},
		{"Ассалому алайкум", azizayol.KindText, "uz-Cyrl"},
		{"Здравствуйте, мне нужна помощь", azizayol.KindText, "ru"},
		{"Мы живём в Андижане", azizayol.KindText, "ru"},
		{"stop qiling, iltimos", azizayol.KindText, "uz-Latn"},
		{"Қандай ҳужжат керак?", azizayol.KindText, "uz-Cyrl"},
		{"Какие нужны документы?", azizayol.KindText, "ru"},
		{"3", azizayol.KindText, ""},
	}
	for _, tc := range cases {
		payload := fmt.Appendf(nil, `{"id":"1","from":"998901234567","text":%q}`, tc.text)
		addr, in, err := c.Parse(payload)
		if err != nil || addr != "998901234567" || in.Kind != tc.kind || in.LangHint != tc.lang {
			t.Errorf("Parse(%q) = %q, %s %q, %v; want %s %q", tc.text, addr, in.Kind, in.LangHint, err, tc.kind, tc.lang)
		}
	}
	if _, _, err := c.Parse([]byte(`{"id":"1","from":"12345","text":"x"}`)); err == nil {
		t.Error("a stored SMS from a number not Uzbek was read")
	}
}

type fakeProvider struct {
	sent []string
	fail error
}

func (f *fakeProvider) Send(_ context.Context, to, text, id string) (string, error) {
	if f.fail != nil {
		return "", f.fail
	}
	f.sent = append(f.sent, id+" "+text)
	return "p-" + id, nil
}

type fakeCounter map[string]map[string]bool

func (f fakeCounter) CountOnce(_ context.Context, key, member string, _ time.Duration) (int64, error) {
	if f[key] == nil {
		f[key] = map[string]bool{}
	}
	f[key][member] = true
	return int64(len(f[key])), nil
}

// The cap counts each outbox message once, however often it is tried; the message
// that reaches it becomes the note; later ones are withheld; Always is never capped.
func TestDailyCap(t *testing.T) {
	p := &fakeProvider{}
	c := NewChannel(p, fakeCounter{}, 3)
	c.now = func() time.Time { return time.Date(2026, 12, 1, 23, 0, 0, 0, azizayol.Tashkent) }
	msg := func(id int64, always bool) azizayol.OutboxMessage {
		return azizayol.OutboxMessage{ID: id, UserID: 7, Address: "998901234567", Message: azizayol.Outbound{Text: fmt.Sprint("Xabar ", id), Lang: azizayol.UzLatn, Always: always}}
	}
	for _, id := range []int64{1, 2} {
		if _, err := c.Send(context.Background(), msg(id, false)); err != nil {
			t.Fatal(err)
		}
	}
	p.fail = errors.New("HTTP 500")
	if _, err := c.Send(context.Background(), msg(2, false)); err == nil { // tried again: still the second
		t.Fatal("no error from a failing provider")
	}
	p.fail = nil
	if _, err := c.Send(context.Background(), msg(3, false)); !errors.Is(err, azizayol.ErrWithheld) {
		t.Errorf("the third (the cap): %v, want ErrWithheld after the note", err)
	}
	if _, err := c.Send(context.Background(), msg(4, false)); !errors.Is(err, azizayol.ErrWithheld) {
		t.Errorf("the fourth: %v, want ErrWithheld", err)
	}
	if _, err := c.Send(context.Background(), msg(5, true)); err != nil {
		t.Errorf("a message she asked for after the cap: %v", err)
	}
	want := []string{"aa1 Xabar 1", "aa2 Xabar 2", "aa3c Aziz-ayol.uz: bugungi SMS chegarasi tugadi, bugun boshqa SMS kelmaydi. 02.12.2026 00:00 dan keyin yozing: idora javoblari saqlanadi - MENYU, keyin \"Murojaatlarim\". Xavf bo'lsa: 102 yoki 1146.", "aa5 Xabar 5"}
	if strings.Join(p.sent, "\n") != strings.Join(want, "\n") {
		t.Errorf("sent:\n%s\nwant:\n%s", strings.Join(p.sent, "\n"), strings.Join(want, "\n"))
	}
}

func TestParseReports(t *testing.T) {
	cases := []struct {
		provider, ct, body string
		want               string
	}{
		{"eskiz", "application/x-www-form-urlencoded", "request_id=abc&status=DELIVRD&phone_number=998901234567", "abc delivered"},
		{"eskiz", "application/json", `{"request_id":"abc","message_id":7,"status":"UNDELIV"}`, "abc failed"},
		{"playmobile", "application/json", `{"messages":[{"message-id":"aa1","status":"EXPIRED"},{"message-id":"aa2","status":"DELIVERED"}]}`, "aa1 expired, aa2 delivered"},
		{"playmobile", "application/json", `{"message-id":"aa3","status":"ENROUTE"}`, "aa3 -"},
		{"http", "application/json", `{"id":"gw-1","status":"delivered"}`, "gw-1 delivered"},
	}
	for _, tc := range cases {
		reps, err := parseReports(tc.provider, tc.ct, []byte(tc.body))
		if err != nil {
			t.Errorf("%s %s: %v", tc.provider, tc.body, err)
			continue
		}
		var got []string
		for _, r := range reps {
			st, final := reportStatus(r.status)
			if !final {
				st = "-"
			}
			got = append(got, r.id+" "+string(st))
		}
		if strings.Join(got, ", ") != tc.want {
			t.Errorf("%s %s: %v, want %s", tc.provider, tc.body, got, tc.want)
		}
	}
	for _, bad := range []string{`{"status":"DELIVRD"}`, `not json`, `{"id":"x"}`} {
		if _, err := parseReports("http", "application/json", []byte(bad)); err == nil {
			t.Errorf("report %s was read", bad)
		}
	}
}

// The channel's own texts (STOP, START, the cap, the hotline after STOP) fit three
// SMS in every language, with the longest time written in.
func TestOwnTextsFitTheBudget(t *testing.T) {
	for _, lang := range azizayol.Langs {
		for _, id := range []string{"sms.stopped", "sms.started", "sms.cap", "sms.hotline"} {
			text, err := locales.Text(lang, id, map[string]any{"Time": "31.12.2026 00:00"})
			if err != nil {
				t.Fatal(err)
			}
			enc, parts, units := Segments(Render(azizayol.Outbound{Text: text}, lang))
			t.Logf("%-7s %-12s %d %s %d", lang, id, parts, enc, units)
			if parts > 3 || lang == azizayol.UzLatn && enc != "GSM-7" {
				t.Errorf("%s %s: %d segments of %s", lang, id, parts, enc)
			}
		}
	}
}
