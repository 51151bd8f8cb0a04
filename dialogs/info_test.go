package dialogs

import (
	"context"
	"fmt"
	"html"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/bot/sms"
	"github.com/azizayol/azizayol/crisis"
	"github.com/azizayol/azizayol/internal/testenv"
	"github.com/azizayol/azizayol/locales"
	"github.com/azizayol/azizayol/postgres"
)

// infoWorld is what the agencies published: in health, seven articles in every
// language and a newer one in Uzbek Latin only; in safety, one an SMS may carry and
// one it may not.
type infoWorld struct {
	health    []azizayol.Article // newest first, in every language
	latinOnly azizayol.Article
	neutral   azizayol.Article // safety, fit for an SMS
	sensitive azizayol.Article // safety, with words no SMS may carry
}

// publish saves and publishes an article at the given time.
func publish(t *testing.T, db *postgres.DB, a azizayol.Article, at time.Time) azizayol.Article {
	t.Helper()
	id, err := db.SaveArticle(context.Background(), a, at)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetArticleStatus(context.Background(), id, azizayol.ArticlePublished, at); err != nil {
		t.Fatal(err)
	}
	a.ID = id
	return a
}

// longText is an article's text as agencies write it: a few paragraphs, longer than
// three SMS.
func longText(lang azizayol.Lang, n int) string {
	p := map[azizayol.Lang]string{
		azizayol.UzLatn: "Kuniga kamida besh marta sabzavot va meva isteʼmol qiling, shirinlik va tuzni kamaytiring. Suvni koʻproq iching. ",
		azizayol.UzCyrl: "Кунига камида беш марта сабзавот ва мева истеъмол қилинг, ширинлик ва тузни камайтиринг. Сувни кўпроқ ичинг. ",
		azizayol.Ru:     "Ешьте овощи и фрукты не реже пяти раз в день, меньше сладкого и соли. Пейте больше воды. ",
	}[lang]
	return fmt.Sprintf("%d. ", n) + strings.Repeat(p, 8)
}

func seedInfo(t *testing.T, db *postgres.DB, pool *pgxpool.Pool) infoWorld {
	t.Helper()
	agency := func(code string) int64 {
		var id int64
		if err := pool.QueryRow(context.Background(), `SELECT id FROM agencies WHERE code = $1`, code).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	health, rehab := agency("health"), agency("rehab")
	day := time.Date(2026, 11, 1, 10, 0, 0, 0, azizayol.Tashkent)
	var w infoWorld
	for i := 1; i <= 7; i++ {
		latn := fmt.Sprintf("Sogʻlom ovqatlanish: %d-maslahat <oddiy> & foydali", i)
		a := publish(t, db, azizayol.Article{AgencyID: health, Topic: azizayol.TopicHealth, Langs: azizayol.Langs,
			Title:     azizayol.Names{UzLatn: latn, UzCyrl: locales.ToCyrillic(latn), Ru: fmt.Sprintf("Здоровое питание: совет %d", i)},
			Text:      azizayol.Names{UzLatn: longText(azizayol.UzLatn, i), UzCyrl: longText(azizayol.UzCyrl, i), Ru: longText(azizayol.Ru, i)},
			MediaKind: azizayol.MediaVideo, MediaURL: fmt.Sprintf("https://www.youtube.com/watch?v=abc%d&t=1", i)}, day.AddDate(0, 0, i))
		w.health = append([]azizayol.Article{a}, w.health...)
	}
	w.latinOnly = publish(t, db, azizayol.Article{AgencyID: health, Topic: azizayol.TopicHealth, Langs: []azizayol.Lang{azizayol.UzLatn},
		Title: azizayol.Names{UzLatn: "Faqat lotin yozuvida"}, Text: azizayol.Names{UzLatn: "Qisqa matn."}}, day.AddDate(0, 1, 0))
	w.neutral = publish(t, db, azizayol.Article{AgencyID: rehab, Topic: azizayol.TopicSafety, Langs: azizayol.Langs,
		Title: azizayol.Names{UzLatn: "Oilada tinchlik", UzCyrl: "Оилада тинчлик", Ru: "Мир в семье"},
		Text:  azizayol.Names{UzLatn: "Bir-biringizni tinglang.", UzCyrl: "Бир-бирингизни тингланг.", Ru: "Слушайте друг друга."}}, day)
	w.sensitive = publish(t, db, azizayol.Article{AgencyID: rehab, Topic: azizayol.TopicSafety, Langs: azizayol.Langs,
		Title: azizayol.Names{UzLatn: "Zoʻravonlikdan qanday saqlanish", UzCyrl: "Зўравонликдан қандай сақланиш", Ru: "Как уберечься от насилия"},
		Text:  azizayol.Names{UzLatn: "Psixolog maslahati.", UzCyrl: "Психолог маслаҳати.", Ru: "Совет психолога."}}, day.AddDate(0, 0, 1))
	return w
}

// articleValues are the articles a prompt offers, by id.
func articleValues(o azizayol.Outbound) []string {
	var vs []string
	for _, v := range values(o) {
		if strings.HasPrefix(v, "a:") {
			vs = append(vs, v)
		}
	}
	return vs
}

func articleValue(a azizayol.Article) string { return "a:" + strconv.FormatInt(a.ID, 10) }

// A topic lists its newest articles published in her language, five a page, with their
// titles in her language and script; the next page turns in place; an article is
// shown whole with its link; back is the same page.
func TestInfoArticles(t *testing.T) {
	db, pool := testenv.DBWithPool(t)
	w := seedInfo(t, db, pool)
	for _, lang := range azizayol.Langs {
		t.Run(string(lang), func(t *testing.T) {
			c := inMenu(t, lang).withDB(db)
			c.choose(InfoDialog)
			wantPlace(t, c.sess, InfoDialog, "topics")
			if p := prompt(t, c.out); p.Text != tr(t, lang, "info.title", nil) || !slices.Contains(values(p), "subs") {
				t.Fatalf("topics: %q %v", p.Text, values(p))
			}
			if got := labelOf(t, prompt(t, c.out), "t:health"); got != tr(t, lang, "info.topic.health", nil) {
				t.Errorf("the health topic is labelled %q", got)
			}
			c.choose("t:health")
			wantPlace(t, c.sess, InfoDialog, "list")
			newest := w.health
			if lang == azizayol.UzLatn {
				newest = append([]azizayol.Article{w.latinOnly}, w.health...)
			}
			first := prompt(t, c.out)
			var want []string
			for _, a := range newest[:PageSize] {
				want = append(want, articleValue(a))
			}
			if got := articleValues(first); !slices.Equal(got, want) {
				t.Fatalf("first page: %v, want %v", got, want)
			}
			for _, a := range newest[:PageSize] {
				if got := labelOf(t, first, articleValue(a)); got != a.Title.In(lang) {
					t.Errorf("article %d is labelled %q, want %q", a.ID, got, a.Title.In(lang))
				}
			}
			if slices.Contains(values(first), pageValue(0)) {
				t.Errorf("the first page offers a previous one: %v", values(first))
			}
			c.choose(pageValue(1))
			second := prompt(t, c.out)
			if got := articleValues(second); len(got) != len(newest)-PageSize || second.Edit == 0 {
				t.Fatalf("second page: %v (edit %d), want %d articles in place", got, second.Edit, len(newest)-PageSize)
			}
			if slices.Contains(values(second), pageValue(2)) || !slices.Contains(values(second), pageValue(0)) {
				t.Errorf("the last page's turns: %v", values(second))
			}
			a := newest[len(newest)-1]
			c.choose(articleValue(a))
			wantPlace(t, c.sess, InfoDialog, "article")
			shown := prompt(t, c.out).Text
			link := tr(t, lang, "info.media.video", map[string]any{"URL": html.EscapeString(a.MediaURL)})
			if shown != azizayol.ArticleMessage(a.Title.In(lang), a.Text.In(lang), link) {
				t.Errorf("the article is shown as %q", shown)
			}
			if !strings.Contains(shown, "&lt;oddiy&gt; &amp;") && lang == azizayol.UzLatn {
				t.Errorf("the title is not escaped: %q", shown)
			}
			c.choose(choiceBack)
			wantPlace(t, c.sess, InfoDialog, "list")
			if got := articleValues(prompt(t, c.out)); len(got) != len(newest)-PageSize {
				t.Errorf("back from the article: not the same page: %v", got)
			}
		})
	}
}

// An article taken back while she read the list is not shown: she is told, and goes
// back to the list.
func TestInfoArticleGone(t *testing.T) {
	db, pool := testenv.DBWithPool(t)
	w := seedInfo(t, db, pool)
	c := inMenu(t, azizayol.Ru).withDB(db)
	c.choose(InfoDialog)
	c.choose("t:health")
	if err := db.SetArticleStatus(context.Background(), w.health[0].ID, azizayol.ArticleDraft, time.Now()); err != nil {
		t.Fatal(err)
	}
	c.choose(articleValue(w.health[0]))
	if p := prompt(t, c.out); p.Text != tr(t, azizayol.Ru, "info.gone", nil) {
		t.Errorf("an article taken back: %q", p.Text)
	}
}

// Her topics: the switch under a topic and "my subscriptions" turn broadcasts on and
// off, what her record says is what she sees; her place for news is a region and a
// district, or the whole country.
func TestInfoSubscriptions(t *testing.T) {
	db := testenv.DB(t)
	ctx := context.Background()
	for _, lang := range azizayol.Langs {
		t.Run(string(lang), func(t *testing.T) {
			c := inMenu(t, lang).withDB(db)
			tx := c.store.Store.(azizayol.Tx)
			topics := func() []azizayol.InfoTopic {
				list, err := tx.InfoTopicsOf(ctx, c.user.ID)
				if err != nil {
					t.Fatal(err)
				}
				return list
			}
			c.choose(InfoDialog)
			c.choose("t:health")
			health := tr(t, lang, "info.topic.health", nil)
			if p := prompt(t, c.out); !strings.Contains(p.Text, tr(t, lang, "info.none", map[string]any{"Topic": health})) ||
				labelOf(t, p, "on") != tr(t, lang, "info.subscribe", nil) {
				t.Fatalf("an empty topic: %q %v", p.Text, values(p))
			}
			c.choose("on")
			wantTexts(t, c.out[:1], tr(t, lang, "info.subscribed", map[string]any{"Topic": health}))
			if got := topics(); !slices.Equal(got, []azizayol.InfoTopic{azizayol.TopicHealth}) || !slices.Contains(values(prompt(t, c.out)), "off") {
				t.Fatalf("subscribed: %v, buttons %v", got, values(prompt(t, c.out)))
			}
			c.choose("off")
			wantTexts(t, c.out[:1], tr(t, lang, "info.unsubscribed", map[string]any{"Topic": health}))
			if got := topics(); len(got) != 0 {
				t.Fatalf("unsubscribed: %v", got)
			}

			c.choose(choiceBack)
			c.choose("subs")
			wantPlace(t, c.sess, InfoDialog, "subs")
			p := prompt(t, c.out)
			if p.Text != tr(t, lang, "info.subs", map[string]any{"Place": tr(t, lang, "info.whole_country", nil)}) {
				t.Errorf("my subscriptions: %q", p.Text)
			}
			for _, topic := range azizayol.InfoTopics {
				if got := labelOf(t, p, "on:"+string(topic)); got != tr(t, lang, "info.off", map[string]any{"Topic": tr(t, lang, "info.topic."+string(topic), nil)}) {
					t.Errorf("topic %s is shown %q", topic, got)
				}
			}
			c.choose("on:sport")
			c.choose("on:laws")
			c.choose("off:sport")
			if got := topics(); !slices.Equal(got, []azizayol.InfoTopic{azizayol.TopicLaws}) {
				t.Errorf("after sport on, laws on, sport off: %v", got)
			}
			if vs := values(prompt(t, c.out)); !slices.Contains(vs, "off:laws") || !slices.Contains(vs, "on:sport") {
				t.Errorf("the switches do not show her topics: %v", vs)
			}

			c.choose("place")
			wantPlace(t, c.sess, InfoDialog, "region")
			c.choose("1703")
			wantPlace(t, c.sess, InfoDialog, "district")
			c.choose("1703202")
			wantPlace(t, c.sess, InfoDialog, "subs")
			if r, d, err := tx.NewsPlace(ctx, c.user.ID); r != "1703" || d != "1703202" || err != nil {
				t.Errorf("her place: %q %q %v", r, d, err)
			}
			ds, _ := tx.Districts(ctx, "1703")
			rs, _ := tx.Regions(ctx)
			i := slices.IndexFunc(ds, func(d azizayol.District) bool { return d.Code == "1703202" })
			j := slices.IndexFunc(rs, func(r azizayol.Region) bool { return r.Code == "1703" })
			place := ds[i].Names.In(lang) + ", " + rs[j].Names.In(lang)
			if want := tr(t, lang, "info.place_saved", map[string]any{"Place": html.EscapeString(place)}); c.out[0].Text != want {
				t.Errorf("saved: %q, want %q", c.out[0].Text, want)
			}
			c.choose("place")
			c.choose(wholeRegion)
			if r, d, _ := tx.NewsPlace(ctx, c.user.ID); r != "" || d != "" {
				t.Errorf("the whole country: %q %q", r, d)
			}
			c.choose("place")
			c.choose("1726")
			c.choose(wholeRegion)
			if r, d, _ := tx.NewsPlace(ctx, c.user.ID); r != "1726" || d != "" {
				t.Errorf("the whole region: %q %q", r, d)
			}
		})
	}
}

// newSMSWalk is a woman writing by SMS in lang, a real user of db; each step of hers
// runs in a transaction of its own, rolled back after it.
func newSMSWalk(t *testing.T, db *postgres.DB, lang azizayol.Lang, phone string, table budgetTable) *smsWalk {
	t.Helper()
	var u azizayol.User
	err := db.Do(context.Background(), func(tx azizayol.Tx) error {
		var err error
		if u, err = tx.User(context.Background(), azizayol.SMS, phone); err != nil {
			return err
		}
		u.Lang = lang
		return tx.SetLanguage(context.Background(), u.ID, lang)
	})
	if err != nil {
		t.Fatal(err)
	}
	e := Standard(crisis.Default(), 30*time.Minute, time.Now)
	return &smsWalk{t: t, engine: e, db: db, store: &fakeStore{}, user: u, lang: lang, table: table}
}

// toInfo takes the walk from the menu to "Useful information", typing numbers.
func (w *smsWalk) toInfo() (*azizayol.Session, azizayol.Outbound) {
	w.t.Helper()
	menuWord := map[azizayol.Lang]string{azizayol.UzLatn: "menyu", azizayol.UzCyrl: "меню", azizayol.Ru: "меню"}[w.lang]
	start := &azizayol.Session{Dialog: MenuDialog, State: "main", Data: map[string]string{}, Step: 1, Lang: w.lang}
	sess, out := w.try(start, typed(menuWord))
	sess, _, n, _ := w.number(sess, out[len(out)-1], InfoDialog)
	sess, out = w.try(sess, typed(n))
	if sess.Dialog != InfoDialog {
		w.t.Fatalf("%s: %s is not the information: %q", w.lang, n, texts(out))
	}
	return sess, out[len(out)-1]
}

// By SMS a topic is a short numbered list of the newest titles: she sends a number to
// read one. An article with words no SMS may carry is not offered by SMS (it is on
// Telegram); every reply fits three SMS.
func TestInfoBySMS(t *testing.T) {
	db, pool := testenv.DBWithPool(t)
	w := seedInfo(t, db, pool)
	check := newNeutralCheck(t)
	for i, lang := range azizayol.Langs {
		t.Run(string(lang), func(t *testing.T) {
			walk := newSMSWalk(t, db, lang, fmt.Sprintf("99890710000%d", i), budgetTable{})
			sess, o := walk.toInfo()
			sess, o, n, _ := walk.number(sess, o, "t:health")
			sess, out := walk.try(sess, typed(n))
			list := out[len(out)-1]
			text := sms.Render(list, lang)
			if _, parts, _ := sms.Segments(text); parts > maxSegments {
				t.Errorf("the summary takes %d SMS: %q", parts, text)
			}
			newest := w.health
			if lang == azizayol.UzLatn {
				newest = append([]azizayol.Article{w.latinOnly}, w.health...)
			}
			for k, a := range newest[:infoPageSMS] {
				v, ok := walk.optionNumber(list, articleValue(a))
				if !ok || v != strconv.Itoa(k+1) {
					t.Errorf("article %d is option %q, want %d: %q", a.ID, v, k+1, text)
				}
			}
			if !strings.HasPrefix(text, sms.Render(azizayol.Outbound{Text: tr(t, lang, "info.list_sms", map[string]any{"Topic": tr(t, lang, "info.topic.health", nil)})}, lang)) {
				t.Errorf("the summary does not say to send a number: %q", text)
			}
			check.check("info list", lang, text)

			// "1": the newest, its beginning and its link, in one reply.
			_, out = walk.try(sess, typed("1"))
			read := sms.Render(out[len(out)-1], lang)
			if _, parts, _ := sms.Segments(read); parts > maxSegments {
				t.Errorf("the article takes %d SMS: %q", parts, read)
			}
			a := newest[0]
			if !strings.Contains(read, sms.Render(azizayol.Outbound{Text: a.Title.In(lang)}, lang)) {
				t.Errorf("the article by SMS: %q", read)
			}
			check.check("info article", lang, read)

			// Safety: the neutral article only.
			sess, o = walk.toInfo()
			sess, o, n, _ = walk.number(sess, o, "t:safety")
			_, out = walk.try(sess, typed(n))
			safety := out[len(out)-1]
			if got := articleValues(safety); !slices.Equal(got, []string{articleValue(w.neutral)}) {
				t.Errorf("safety by SMS offers %v, want only the neutral article %d", got, w.neutral.ID)
			}
			check.check("info safety", lang, sms.Render(safety, lang))
		})
	}
	check.report(t)
	// On Telegram both are there.
	c := inMenu(t, azizayol.Ru).withDB(db)
	c.choose(InfoDialog)
	c.choose("t:safety")
	if got := articleValues(prompt(t, c.out)); len(got) != 2 {
		t.Errorf("safety on Telegram: %v", got)
	}
}

// Every step of "Useful information" by SMS, with articles as long as agencies write
// them, in every language: each reply fits three SMS and carries no sensitive word.
func TestInfoSMSWalk(t *testing.T) {
	db, pool := testenv.DBWithPool(t)
	seedInfo(t, db, pool)
	table := budgetTable{}
	check := newNeutralCheck(t)
	for i, lang := range azizayol.Langs {
		walk := newSMSWalk(t, db, lang, fmt.Sprintf("99890720000%d", i), table)
		walk.sent = func(key string, lang azizayol.Lang, text string) { check.check(key, lang, text) }
		sess, o := walk.toInfo()
		type place struct {
			sess *azizayol.Session
			o    azizayol.Outbound
		}
		queue, seen := []place{{sess, o}}, map[string]bool{}
		for len(queue) > 0 {
			p := queue[0]
			queue = queue[1:]
			key := p.sess.State + "/" + p.sess.Data[keyInfoTopic] + "/" + p.sess.Data[keyPage] + "/" + p.sess.Data[keyOptions] + "/" + p.sess.Data[keyRegion] + "/" + p.sess.Data[keyInfoArticle]
			if seen[key] || len(seen) > 400 {
				continue
			}
			seen[key] = true
			for n := range buttons(p.o) {
				next, out := walk.try(p.sess, typed(strconv.Itoa(n+1)))
				if next != nil && next.Dialog == InfoDialog && next.State != "district" {
					queue = append(queue, place{next, out[len(out)-1]})
				}
			}
		}
		if len(seen) < 20 {
			t.Errorf("%s: the walk saw %d steps only", lang, len(seen))
		}
	}
	keys := slices.Sorted(maps.Keys(table))
	var b strings.Builder
	for _, key := range keys {
		fmt.Fprintf(&b, "%-28s", key)
		for _, lang := range azizayol.Langs {
			c, ok := table[key][lang]
			if !ok {
				fmt.Fprintf(&b, " %-16s", "-")
				continue
			}
			fmt.Fprintf(&b, " %-16s", fmt.Sprintf("%d %s %d", c.parts, c.encoding, c.units))
			if c.parts > maxSegments {
				t.Errorf("%s in %s takes %d SMS (%s, %d characters)", key, lang, c.parts, c.encoding, c.units)
			}
		}
		b.WriteString("\n")
	}
	t.Log("\nsegments of \"Useful information\" by SMS, with articles:\n" + b.String())
	check.report(t)
}
