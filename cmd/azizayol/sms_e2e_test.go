package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/bot/sms"
	"github.com/azizayol/azizayol/bot/telegram/telegramtest"
	"github.com/azizayol/azizayol/locales"
)

const smsSecret = "sms-webhook-secret-0123456789"

// smsEnv is an instance with the SMS channel through agg's provider.
func smsEnv(t *testing.T, agg *fakeAggregator, provider string, more ...string) env {
	e := newEnv(t, telegramtest.New(t, token))
	kv := append(agg.env(provider), "SMS_WEBHOOK_SECRET", smsSecret, "SMS_RATE", "0", "SMS_NUMBER_RATE", "0")
	return e.with(append(kv, more...)...)
}

// phone is a woman with a feature phone, texting the short code.
type phone struct {
	t        *testing.T
	e        env
	agg      *fakeAggregator
	provider string
	number   string
	lang     language
}

var smsIDs atomic.Int64

// postSMS delivers body to the instance's webhook path as the provider would, and
// returns the status.
func postSMS(t *testing.T, e env, path, contentType string, body []byte, header ...string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://"+e["HTTP_ADDR"]+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// incoming is an SMS from number in the provider's format, with its message id.
func incoming(provider, id, number, text string) (string, []byte) {
	if provider == "playmobile" {
		var b bytes.Buffer
		fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?><sms-request version="1.0"><message id="%s" msisdn="%s" submit-date="2026-12-01 05:10:32"><content type="text/plain">`, id, number)
		xmlEscape(&b, text)
		b.WriteString(`</content></message></sms-request>`)
		return "application/xml", b.Bytes()
	}
	body, _ := json.Marshal(map[string]string{"id": id, "from": number, "text": text})
	return "application/json", body
}

func xmlEscape(b *bytes.Buffer, s string) {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	b.WriteString(r.Replace(s))
}

// send texts the short code and returns the SMS that answered.
func (p *phone) send(text string) []fakeSMS {
	p.t.Helper()
	before := len(p.agg.Sent(p.number))
	ct, body := incoming(p.provider, fmt.Sprintf("mo-%d", smsIDs.Add(1)), p.number, text)
	if code := postSMS(p.t, p.e, "/sms/incoming", ct, body, "X-Webhook-Secret", smsSecret); code != http.StatusOK {
		p.t.Fatalf("incoming SMS %q: HTTP %d", text, code)
	}
	return p.agg.waitSent(p.t, p.number, before+1)[before:]
}

// last is the last SMS she got.
func (p *phone) last() string {
	sent := p.agg.Sent(p.number)
	if len(sent) == 0 {
		p.t.Fatal("no SMS yet")
	}
	return sent[len(sent)-1].Text
}

// pick answers the last SMS with the number of the option whose label holds want
// (as SMS write it: Uzbek Latin in GSM-7), and returns the SMS that answered.
func (p *phone) pick(want string) []fakeSMS {
	p.t.Helper()
	want = strings.ToLower(sms.ToGSM7Latin(want))
	more := strings.ToLower(p.lang.label(p.t, "nav.more"))
	for range 5 { // a long list comes a page at a time: "… 9 Yana"
		opts := options(p.last())
		next := 0
		for n := 1; n <= len(opts); n++ {
			label := strings.ToLower(opts[n])
			if strings.Contains(label, want) {
				return p.send(fmt.Sprint(n))
			}
			if label == more {
				next = n
			}
		}
		if next == 0 {
			break
		}
		p.send(fmt.Sprint(next))
	}
	p.t.Fatalf("no option %q in %q", want, p.last())
	return nil
}

// label is a button's label as the SMS shows it (its SMS wording, if it has one).
func (l language) label(t *testing.T, id string) string {
	t.Helper()
	if s, err := locales.Text(l.lang, id+"_sms", nil); err == nil {
		return strings.TrimSpace(sms.Render(azizayol.Outbound{Text: s}, l.lang))
	}
	return strings.TrimSpace(sms.Render(azizayol.Outbound{Text: l.tr(t, id, nil)}, l.lang))
}

// smsPlace is how a woman names her region and district, in each language.
var smsPlace = map[azizayol.Lang][2]string{
	azizayol.UzLatn: {"Andijon", "Oltinko"},
	azizayol.UzCyrl: {"Андижон", "Олтинкў"},
	azizayol.Ru:     {"Андижан", "Алтынкуль"},
}

// fileBySMS files an appeal about housing from the first SMS to the number it gets.
func (p *phone) fileBySMS() string {
	t, l := p.t, p.lang
	first := map[azizayol.Lang]string{azizayol.UzLatn: "Salom", azizayol.UzCyrl: "Салом", azizayol.Ru: "Здравствуйте"}[l.lang]
	p.send(first)
	p.pick(map[azizayol.Lang]string{azizayol.UzLatn: "lotin", azizayol.UzCyrl: "кирилл", azizayol.Ru: "Русский"}[l.lang])
	p.pick(l.label(t, "menu.appeal"))
	p.pick(l.label(t, "topic.housing"))
	p.pick(smsPlace[l.lang][0])
	p.pick(smsPlace[l.lang][1])
	p.send(l.words)
	p.pick(l.label(t, "filing.continue"))
	p.send("+998 90 123 45 67")
	p.pick(l.label(t, "filing.agree"))
	// Her words are not sent back by SMS (it cannot be recalled): only their length.
	if got := p.last(); !strings.Contains(got, "+998 90 123 45 67") || strings.Contains(got, sms.ToGSM7Latin(string([]rune(l.words)[:10]))) ||
		!strings.Contains(got, strconv.Itoa(utf8.RuneCountInString(l.words))) {
		t.Errorf("the summary by SMS: %q", got)
	}
	msgs := p.pick(l.label(t, "filing.send"))
	n := number.FindString(msgs[0].Text)
	if n == "" {
		t.Fatalf("no appeal number in %q", smsTexts(msgs))
	}
	return n
}

// A woman files an appeal by SMS in each language, through each provider; every
// reply is within three segments, Latin in GSM-7; the appeal is hers by her number.
func TestSMSAppealInEveryLanguage(t *testing.T) {
	for _, provider := range []string{"eskiz", "playmobile", "http"} {
		t.Run(provider, func(t *testing.T) {
			agg := newFakeAggregator(t)
			e := smsEnv(t, agg, provider)
			serveInProcess(t, e)
			for i, l := range languages {
				p := &phone{t: t, e: e, agg: agg, provider: provider, number: fmt.Sprintf("99890%07d", 1000+i), lang: l}
				num := p.fileBySMS()
				var channel, address, lang string
				err := pool(t, e).QueryRow(t.Context(), `SELECT a.channel, u.address, a.lang FROM appeals a JOIN users u ON u.id = a.user_id
					WHERE a.number = $1`, num).Scan(&channel, &address, &lang)
				if err != nil || channel != "sms" || address != p.number || lang != string(l.lang) {
					t.Errorf("appeal %s: %s %s %s, %v", num, channel, address, lang, err)
				}
				for _, m := range agg.Sent(p.number) {
					enc, parts, _ := sms.Segments(m.Text)
					if parts > 3 {
						t.Errorf("an SMS of %d segments (%s): %q", parts, enc, m.Text)
					}
					// The choice of language is in all three, and so in UCS-2.
					if l.lang == azizayol.UzLatn && enc != "GSM-7" && !strings.Contains(m.Text, "Tilni tanlang") {
						t.Errorf("an Uzbek Latin SMS not in GSM-7: %q", m.Text)
					}
				}
				if provider == "eskiz" && agg.Sent(p.number)[0].Callback != "https://bot.aziz-ayol.uz/sms/report?token="+sms.ReportToken(smsSecret) {
					t.Errorf("callback_url %q", agg.Sent(p.number)[0].Callback)
				}
			}
		})
	}
}

// The same SMS delivered twice is answered once; a request without the secret, from
// an address not allowed, or that is not an SMS stores nothing.
func TestSMSWebhookDuplicatesAndForgeries(t *testing.T) {
	for _, provider := range []string{"eskiz", "playmobile", "http"} {
		t.Run(provider, func(t *testing.T) {
			agg := newFakeAggregator(t)
			e := smsEnv(t, agg, provider)
			serveInProcess(t, e)
			const number = "998911112233"
			ct, body := incoming(provider, "dup-1", number, "Salom")
			for range 2 {
				if code := postSMS(t, e, "/sms/incoming", ct, body, "X-Webhook-Secret", smsSecret); code != http.StatusOK {
					t.Fatalf("incoming: HTTP %d", code)
				}
			}
			sent := agg.waitSent(t, number, 1)
			waitQuiet(t, e)
			if len(agg.Sent(number)) != len(sent) {
				t.Errorf("a repeated SMS was answered again")
			}
			if n := count(t, pool(t, e), `SELECT count(*) FROM inbox WHERE channel = 'sms'`); n != 1 {
				t.Errorf("%d inbox entries for one SMS delivered twice", n)
			}
			// Forged: no secret, a wrong one, the report token; the secret in the URL
			// but a body that is not an SMS.
			ct, body = incoming(provider, "forged-1", "998911112234", "Salom")
			for name, path := range map[string]string{"no secret": "/sms/incoming", "the report token": "/sms/incoming?token=" + sms.ReportToken(smsSecret)} {
				if code := postSMS(t, e, path, ct, body); code != http.StatusUnauthorized {
					t.Errorf("%s: HTTP %d, want 401", name, code)
				}
			}
			if code := postSMS(t, e, "/sms/incoming", ct, body, "X-Webhook-Secret", smsSecret+"x"); code != http.StatusUnauthorized {
				t.Errorf("a wrong secret: HTTP %d, want 401", code)
			}
			notSMS := map[string]string{"playmobile": "<sms-request><message msisdn='1'/></sms-request>"}[provider]
			if notSMS == "" {
				notSMS = `{"from":"998911112234","text":"no id"}`
			}
			if code := postSMS(t, e, "/sms/incoming?secret="+url.QueryEscape(smsSecret), ct, []byte(notSMS)); code != http.StatusBadRequest {
				t.Errorf("not an SMS: HTTP %d, want 400", code)
			}
			if code := postSMS(t, e, "/sms/report", "application/json", []byte(`{"id":"x","message-id":"x","status":"DELIVRD"}`)); code != http.StatusUnauthorized {
				t.Errorf("a report without the secret: HTTP %d, want 401", code)
			}
			if n := count(t, pool(t, e), `SELECT count(*) FROM inbox WHERE channel = 'sms'`); n != 1 {
				t.Errorf("%d inbox entries after forged requests, want 1", n)
			}
		})
	}

	// An instance that takes the provider's calls only from its addresses.
	agg := newFakeAggregator(t)
	ct, body := incoming("http", "allow-1", "998911112235", "Salom")
	denied := smsEnv(t, agg, "http", "SMS_ALLOW_FROM", "10.20.0.0/16, 192.0.2.7")
	serveInProcess(t, denied)
	if code := postSMS(t, denied, "/sms/incoming", ct, body, "X-Webhook-Secret", smsSecret); code != http.StatusForbidden {
		t.Errorf("from an address not allowed: HTTP %d, want 403", code)
	}
	allowed := smsEnv(t, agg, "http", "SMS_ALLOW_FROM", "10.20.0.0/16, 127.0.0.1")
	serveInProcess(t, allowed)
	if code := postSMS(t, allowed, "/sms/incoming", ct, body, "X-Webhook-Secret", smsSecret); code != http.StatusOK {
		t.Errorf("from an allowed address: HTTP %d, want 200", code)
	}
}

// The provider failing (5xx) and Eskiz's token expiring: each SMS still reaches her,
// once; delivery reports in each provider's format update the outbox; STOP and START.
func TestSMSProviderFailuresAndDeliveryReports(t *testing.T) {
	for _, provider := range []string{"eskiz", "playmobile", "http"} {
		t.Run(provider, func(t *testing.T) {
			agg := newFakeAggregator(t)
			e := smsEnv(t, agg, provider)
			serveInProcess(t, e)
			p := &phone{t: t, e: e, agg: agg, provider: provider, number: "998935550001", lang: languages[0]}
			p.send("Salom")
			agg.set(func(f *fakeAggregator) { f.fail5xx = 2 })
			got := p.send("menyu")
			if len(got) != 1 {
				t.Errorf("after two 500s: %d SMS, want the menu once: %q", len(got), smsTexts(got))
			}
			if provider == "eskiz" {
				agg.set(func(f *fakeAggregator) { f.expire = true })
				p.send("menyu")
				agg.set(func(f *fakeAggregator) {
					if f.refresh != 1 || f.logins != 1 {
						t.Errorf("after the token expired: %d logins, %d refreshes; want 1 and 1", f.logins, f.refresh)
					}
				})
			}

			// Reports: delivered, failed, expired, and one still on its way.
			sent := p.send("menyu")
			sent = agg.Sent(p.number)
			statuses := []string{"DELIVRD", "UNDELIV", "EXPIRED", "ENROUTE"}
			for i, st := range statuses {
				m := sent[i]
				var ct string
				var body []byte
				switch provider {
				case "eskiz":
					ct, body = "application/x-www-form-urlencoded", []byte(url.Values{"request_id": {m.ID}, "status": {st}, "phone_number": {p.number}}.Encode())
				case "playmobile":
					ct, body = "application/json", fmt.Appendf(nil, `{"messages":[{"message-id":%q,"status":%q}]}`, m.ID, st)
				default:
					ct, body = "application/json", fmt.Appendf(nil, `{"id":%q,"status":%q}`, m.ID, strings.ToLower(st))
				}
				path := "/sms/report?secret=" + smsSecret
				if provider == "eskiz" { // what its callback_url carries
					path = "/sms/report?token=" + sms.ReportToken(smsSecret)
				}
				if code := postSMS(t, e, path, ct, body); code != http.StatusOK {
					t.Errorf("report %s: HTTP %d", st, code)
				}
			}
			rows, err := pool(t, e).Query(t.Context(), `SELECT coalesce(delivery, '-') FROM outbox WHERE channel = 'sms' AND status = 'sent' ORDER BY id LIMIT 4`)
			if err != nil {
				t.Fatal(err)
			}
			var got2 []string
			for rows.Next() {
				var s string
				rows.Scan(&s)
				got2 = append(got2, s)
			}
			rows.Close()
			if strings.Join(got2, ",") != "delivered,failed,expired,-" {
				t.Errorf("delivery of the first four SMS: %v", got2)
			}

			// STOP and START through this provider; the agency's answer given between
			// them comes after START.
			if got := p.send("TOXTAT"); len(got) != 1 || !strings.Contains(got[0].Text, "START") {
				t.Errorf("STOP: %q", smsTexts(got))
			}
			db := openDB(t, e)
			var a azizayol.Appeal
			err = db.Do(t.Context(), func(tx azizayol.Tx) error {
				u, err := tx.User(t.Context(), azizayol.SMS, p.number)
				if err != nil {
					return err
				}
				a, err = tx.File(t.Context(), azizayol.Draft{UserID: u.ID, Kind: azizayol.KindAppeal, Topic: "housing",
					RegionCode: "1703", Text: "uy kerak", Phone: "+" + p.number, Lang: azizayol.UzLatn, Consent: "v", Filed: time.Now()})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := desk(t, e).Answer(t.Context(), rootActor, a.ID, "Hujjatlaringiz bilan hokimlikka keling."); err != nil {
				t.Fatal(err)
			}
			waitQuiet(t, e)
			got = p.send("start")
			if !strings.Contains(got[0].Text, "yoqildi") || !strings.Contains(smsTexts(got)[len(got)-1], a.Number) {
				t.Errorf("START: %q; want the confirmation, the menu, then the notice held back", smsTexts(got))
			}
			// The notice names no answer: "1" reads it.
			read := len(agg.Sent(p.number))
			if got := p.send("1"); !strings.Contains(got[0].Text, a.Number) || !strings.Contains(got[0].Text, "Hujjatlaringiz") {
				t.Errorf("1 under the notice: %q; want her appeal with the answer", smsTexts(got))
			}
			agg.askedFor(p.number, read)
		})
	}
}

// STOP: one confirmation, then nothing — not her replies, not what the agencies
// send — but the hotline numbers when she writes of danger; START: the menu again.
// The day's cap: the SMS that reaches it is a note of when answers come again.
func TestSMSStopStartAndDailyCap(t *testing.T) {
	agg := newFakeAggregator(t)
	e := smsEnv(t, agg, "http", "SMS_DAILY_CAP", "7")
	serveInProcess(t, e)
	p := &phone{t: t, e: e, agg: agg, provider: "http", number: "998977770001", lang: languages[2]}
	p.send("Здравствуйте")
	p.pick("Русский")
	got := p.send("СТОП")
	if len(got) != 1 || !strings.Contains(got[0].Text, "СТАРТ") {
		t.Fatalf("STOP: %q", smsTexts(got))
	}
	before := len(agg.Sent(p.number))
	for i, text := range []string{"меню", "stop"} { // nothing, and no second confirmation
		ct, body := incoming("http", fmt.Sprint("after-stop-", i), p.number, text)
		if code := postSMS(t, e, "/sms/incoming", ct, body, "X-Webhook-Secret", smsSecret); code != http.StatusOK {
			t.Fatalf("HTTP %d", code)
		}
	}
	waitQuiet(t, e)
	if n := len(agg.Sent(p.number)); n != before {
		t.Errorf("%d SMS sent after STOP", n-before)
	}
	got = p.send("Помогите, он меня бьёт")
	if len(got) != 1 || !strings.Contains(got[0].Text, "1146") || !strings.Contains(got[0].Text, "102") {
		t.Errorf("danger after STOP: %q", smsTexts(got))
	}
	got = p.send("старт")
	if !strings.Contains(got[0].Text, "снова включены") || !strings.Contains(got[len(got)-1].Text, "1146") && len(options(got[len(got)-1].Text)) < 3 {
		t.Errorf("START: %q", smsTexts(got))
	}
	if n := count(t, pool(t, e), `SELECT count(*) FROM outbox WHERE status = 'withheld'`); n != 0 {
		t.Errorf("%d withheld; nothing was queued while she had stopped but the hotline", n)
	}

	// The cap: 7 SMS a day. So far: greeting, languages, language chosen, menu, STOP,
	// hotline, started, menu; the STOP confirmation and the hotline do not count: 6.
	got = p.send("меню")
	if len(got) != 1 || !strings.Contains(got[0].Text, "лимит SMS") || !strings.Contains(got[0].Text, "00:00") {
		t.Errorf("the seventh SMS of the day: %q; want the note of the cap", smsTexts(got))
	}
	ct, body := incoming("http", "after-cap", p.number, "меню")
	postSMS(t, e, "/sms/incoming", ct, body, "X-Webhook-Secret", smsSecret)
	waitQuiet(t, e)
	if n := count(t, pool(t, e), `SELECT count(*) FROM outbox WHERE status = 'withheld'`); n != 2 {
		t.Errorf("%d withheld, want 2 (the one replaced by the note, the one after)", n)
	}
	// Past the cap, words of danger still get the guidance with the hotline numbers.
	got = p.send("помогите")
	if len(got) != 1 || !strings.Contains(got[0].Text, "1146") {
		t.Errorf("danger past the cap: %q", smsTexts(got))
	}
}

// A woman reading Uzbek Latin who writes in Cyrillic gets Cyrillic from then on.
func TestSMSAnswersInTheScriptSheWrites(t *testing.T) {
	agg := newFakeAggregator(t)
	e := smsEnv(t, agg, "http")
	serveInProcess(t, e)
	p := &phone{t: t, e: e, agg: agg, provider: "http", number: "998977770002", lang: languages[0]}
	// START as the first SMS (as leaflets for short codes say) is a greeting, not "on again".
	if got := p.send("START"); strings.Contains(smsTexts(got)[0], "yoqildi") || !strings.Contains(p.last(), "Tilni tanlang") {
		t.Errorf("START first: %q", smsTexts(got))
	}
	p.pick("lotin")
	got := p.send("Менга иш керак, қаердан топсам бўлади?")
	if enc, _, _ := sms.Segments(got[len(got)-1].Text); enc != "UCS-2" || !strings.ContainsAny(got[len(got)-1].Text, "ўқғҳ") {
		t.Errorf("after she wrote in Cyrillic: %q", smsTexts(got))
	}
	var lang string
	if err := pool(t, e).QueryRow(t.Context(), `SELECT lang FROM users WHERE address = $1`, p.number).Scan(&lang); err != nil || lang != "uz-Cyrl" {
		t.Errorf("her language: %q, %v", lang, err)
	}
}

// waitQuiet waits until every SMS that came in is processed and nothing is waiting to
// be sent: what was not sent by then will not be.
func waitQuiet(t *testing.T, e env) {
	t.Helper()
	db := pool(t, e)
	deadline := time.Now().Add(wait)
	for count(t, db, `SELECT (SELECT count(*) FROM inbox WHERE processed_at IS NULL) + (SELECT count(*) FROM outbox WHERE status = 'pending')`) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the inbox or the outbox did not empty")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
