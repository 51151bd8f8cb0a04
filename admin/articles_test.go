package admin_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/jobs"
	"github.com/azizayol/azizayol/locales"
)

// articleResp is the answer to a form: its status, where it sends her, its page.
type articleResp struct {
	status   int
	location string
	body     string
}

// articleSubmit posts a form as a same-origin browser does and reads the answer.
func (c *console) articleSubmit(cl *http.Client, path string, form url.Values) articleResp {
	c.t.Helper()
	resp, body := c.postPage(cl, path, form)
	return articleResp{resp.StatusCode, resp.Header.Get("Location"), body}
}

// articleForm is a valid article in Uzbek Latin and Russian.
func articleForm() url.Values {
	return url.Values{"topic": {"rights"}, "langs": {"uz-Latn", "ru"},
		"title_uz_latn": {"Tugʻish taʼtili"}, "text_uz_latn": {"Homiladorlik va tugʻish taʼtili 126 kalendar kun."},
		"title_ru": {"Декретный отпуск"}, "text_ru": {"Отпуск по беременности и родам — 126 календарных дней."},
		"media_kind": {"document"}, "media_url": {"https://lex.uz/docs/5841063"}, "do": {"save"}}
}

func (c *console) articleCount(query string, args ...any) int {
	c.t.Helper()
	var n int
	if err := c.pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		c.t.Fatal(err)
	}
	return n
}

// articleText is a console text as the page writes it (HTML-escaped).
func articleText(t *testing.T, lang azizayol.Lang, id string, args ...any) string {
	t.Helper()
	data := map[string]any{}
	for i := 0; i+1 < len(args); i += 2 {
		data[args[i].(string)] = args[i+1]
	}
	s, err := locales.Text(lang, id, data)
	if err != nil {
		t.Fatal(err)
	}
	return html.EscapeString(s)
}

// What breaks the rules is refused with what is wrong, in the staff member's
// language, and nothing is saved: a title over 120 characters, a language marked
// without its text, a link that is not https, a text that with its title and link does
// not fit one Telegram message once HTML-escaped.
func TestArticleValidation(t *testing.T) {
	c := newConsole(t)
	for _, lang := range []azizayol.Lang{azizayol.UzLatn, azizayol.Ru} {
		op := c.staff(azizayol.Operator, "justice")
		if err := c.db.SetStaffLang(context.Background(), op.ID, lang); err != nil {
			t.Fatal(err)
		}
		cl := c.login(op)
		form := articleForm()
		form.Set("title_uz_latn", strings.Repeat("a", azizayol.MaxArticleTitle+1))
		form.Set("text_ru", "")
		form.Set("media_url", "http://lex.uz/docs/1")
		got := c.articleSubmit(cl, "/admin/articles", form)
		if got.status != http.StatusUnprocessableEntity {
			t.Fatalf("%s: %d, want 422", lang, got.status)
		}
		for _, want := range []string{
			articleText(t, lang, "articles.err.title_long", "Lang", articleText(t, lang, "console.lang.uz_latn"), "Max", azizayol.MaxArticleTitle),
			articleText(t, lang, "articles.err.text_missing", "Lang", articleText(t, lang, "console.lang.ru")),
			articleText(t, lang, "articles.err.media_url"),
		} {
			if !strings.Contains(got.body, want) {
				t.Errorf("%s: the page does not say %q", lang, want)
			}
		}
		// What she wrote is kept in the form to correct.
		if !strings.Contains(got.body, strings.Repeat("a", azizayol.MaxArticleTitle+1)) {
			t.Errorf("%s: the form lost her title", lang)
		}

		// 1,000 × "<&>" is 3,000 characters as typed, 13,000 as sent.
		form = articleForm()
		form.Set("text_uz_latn", strings.Repeat("<&>", 1000))
		got = c.articleSubmit(cl, "/admin/articles", form)
		if got.status != http.StatusUnprocessableEntity ||
			!strings.Contains(got.body, articleText(t, lang, "articles.err.text_long", "Lang", articleText(t, lang, "console.lang.uz_latn"), "Message", azizayol.MaxArticleMessage)) {
			t.Errorf("%s: an escaped text over one message: %d", lang, got.status)
		}
		form.Del("langs")
		if got = c.articleSubmit(cl, "/admin/articles", form); !strings.Contains(got.body, articleText(t, lang, "articles.err.no_langs")) {
			t.Errorf("%s: no language: %d", lang, got.status)
		}
	}
	if n := c.articleCount(`SELECT count(*) FROM articles`); n != 0 {
		t.Errorf("%d articles saved from refused forms", n)
	}
}

// Agency staff write for their agency: another agency's article looks as if it did not
// exist, and nothing of it changes; the super-admin sees and writes for all; a form
// cannot move an article to another agency.
func TestArticleScope(t *testing.T) {
	c := newConsole(t)
	op, other, root := c.staff(azizayol.Operator, "justice"), c.staff(azizayol.AgencyAdmin, "health"), c.staff(azizayol.SuperAdmin, "")
	opCl, otherCl, rootCl := c.login(op), c.login(other), c.login(root)
	form := articleForm()
	form.Set("agency", "999") // ignored: hers is the justice's
	got := c.articleSubmit(opCl, "/admin/articles", form)
	if got.status != http.StatusSeeOther {
		t.Fatalf("create: %d %s", got.status, got.body)
	}
	id := strings.TrimPrefix(strings.Split(got.location, "?")[0], "/admin/articles/")
	var agency string
	if err := c.pool.QueryRow(context.Background(), `SELECT g.code FROM articles a JOIN agencies g ON g.id = a.agency_id WHERE a.id = $1`, id).Scan(&agency); err != nil || agency != "justice" {
		t.Fatalf("the article is %q's: %v", agency, err)
	}
	before := c.articleCount(`SELECT count(*) FROM articles WHERE status = 'draft' AND title_uz_latn = 'Tugʻish taʼtili'`)
	if resp, _ := c.get(otherCl, "/admin/articles/"+id); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another agency's admin opens it: %d", resp.StatusCode)
	}
	for _, path := range []string{"/admin/articles/" + id, "/admin/articles/" + id + "/publish", "/admin/articles/" + id + "/unpublish"} {
		f := articleForm()
		f.Set("title_uz_latn", "Oʻzgartirildi")
		if got := c.articleSubmit(otherCl, path, f); got.status != http.StatusNotFound {
			t.Errorf("another agency's admin: POST %s: %d", path, got.status)
		}
	}
	if after := c.articleCount(`SELECT count(*) FROM articles WHERE status = 'draft' AND title_uz_latn = 'Tugʻish taʼtili'`); after != before {
		t.Error("another agency's admin changed the article")
	}
	if _, body := c.get(otherCl, "/admin/articles"); strings.Contains(body, "Tugʻish taʼtili") {
		t.Error("another agency's list shows the article")
	}
	if _, body := c.get(rootCl, "/admin/articles"); !strings.Contains(body, "Tugʻish taʼtili") {
		t.Error("the super-admin's list lacks the article")
	}
	if _, body := c.get(rootCl, "/admin/articles?topic=health"); strings.Contains(body, "Tugʻish taʼtili") {
		t.Error("the list by topic shows another topic's article")
	}
	if _, body := c.get(opCl, "/admin/articles?topic=rights&status=draft"); !strings.Contains(body, "Tugʻish taʼtili") {
		t.Error("the list of her drafts in rights lacks the article")
	}
	if resp, _ := c.get(rootCl, "/admin/articles/"+id); resp.StatusCode != http.StatusOK {
		t.Errorf("the super-admin opens it: %d", resp.StatusCode)
	}
	// The super-admin writes for the agency she picks; none picked is refused.
	f := articleForm()
	f.Set("agency", itoa(other.AgencyID))
	f.Set("title_uz_latn", "Sogʻlom turmush")
	if got := c.articleSubmit(rootCl, "/admin/articles", f); got.status != http.StatusSeeOther {
		t.Errorf("the super-admin writes for health: %d", got.status)
	}
	if n := c.articleCount(`SELECT count(*) FROM articles WHERE agency_id = $1 AND author_id = $2`, other.AgencyID, root.ID); n != 1 {
		t.Errorf("the super-admin's article for health: %d", n)
	}
	for _, agency := range []string{"", "999999"} {
		f.Set("agency", agency)
		if got := c.articleSubmit(rootCl, "/admin/articles", f); got.status != http.StatusUnprocessableEntity ||
			!strings.Contains(got.body, articleText(t, azizayol.UzLatn, "articles.err.agency")) {
			t.Errorf("agency %q: %d", agency, got.status)
		}
	}
	if resp, _ := c.get(opCl, "/admin/articles/999999"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("no article: %d", resp.StatusCode)
	}
}

// "Cyrillic from Latin" fills the Cyrillic title and text with the transliterator's
// draft and marks the language, for her to correct: nothing is saved until she does.
func TestArticleCyrillicAssist(t *testing.T) {
	c := newConsole(t)
	cl := c.login(c.staff(azizayol.AgencyAdmin, "mahalla"))
	form := articleForm()
	form.Set("topic", "laws")
	form.Set("title_uz_latn", "Ayollar huquqlari toʻgʻrisidagi yangi qonun")
	form.Set("text_uz_latn", "Qonun 2026-yil 1-yanvardan kuchga kiradi.")
	form.Set("do", "cyrillic")
	got := c.articleSubmit(cl, "/admin/articles", form)
	if got.status != http.StatusOK {
		t.Fatalf("assist: %d", got.status)
	}
	title, body := locales.ToCyrillic("Ayollar huquqlari toʻgʻrisidagi yangi qonun"), locales.ToCyrillic("Qonun 2026-yil 1-yanvardan kuchga kiradi.")
	if title != "Аёллар ҳуқуқлари тўғрисидаги янги қонун" {
		t.Fatalf("the transliterator wrote %q", title)
	}
	for _, want := range []string{`value="` + html.EscapeString(title) + `"`, ">" + html.EscapeString(body) + "</textarea>",
		`value="uz-Cyrl" checked`, articleText(t, azizayol.UzLatn, "articles.cyrillic_done")} {
		if !strings.Contains(got.body, want) {
			t.Errorf("the form lacks %q", want)
		}
	}
	if n := c.articleCount(`SELECT count(*) FROM articles`); n != 0 {
		t.Errorf("the assist saved %d articles", n)
	}
	// Corrected by hand and saved: the Cyrillic is hers.
	form.Set("do", "save")
	form["langs"] = []string{"uz-Latn", "uz-Cyrl", "ru"}
	form.Set("title_uz_cyrl", "Аёллар ҳуқуқлари тўғрисидаги янги Қонун")
	form.Set("text_uz_cyrl", body)
	if got := c.articleSubmit(cl, "/admin/articles", form); got.status != http.StatusSeeOther {
		t.Fatalf("save: %d", got.status)
	}
	if n := c.articleCount(`SELECT count(*) FROM articles WHERE title_uz_cyrl = 'Аёллар ҳуқуқлари тўғрисидаги янги Қонун' AND langs = '{uz-Latn,uz-Cyrl,ru}'`); n != 1 {
		t.Error("the corrected Cyrillic was not saved")
	}
}

// Published, the article is in "Useful information" at once, in the languages it
// marks; taken back, it is gone; each step is in the audit log. An article that
// breaks the rules is not published.
func TestArticlePublishing(t *testing.T) {
	c := newConsole(t)
	op := c.staff(azizayol.Operator, "justice")
	cl := c.login(op)
	got := c.articleSubmit(cl, "/admin/articles", articleForm())
	id := strings.TrimPrefix(strings.Split(got.location, "?")[0], "/admin/articles/")
	if got.status != http.StatusSeeOther || got.location != "/admin/articles/"+id+"?done=console.done.saved" {
		t.Fatalf("create: %d %q", got.status, got.location)
	}
	inBot := func(lang azizayol.Lang) bool {
		var found bool
		err := c.db.Do(context.Background(), func(tx azizayol.Tx) error {
			list, err := tx.InfoArticles(context.Background(), azizayol.TopicRights, lang, 0, 10)
			found = len(list) == 1 && itoa(list[0].ID) == id
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return found
	}
	if inBot(azizayol.UzLatn) {
		t.Fatal("a draft is in the bot")
	}
	if got := c.articleSubmit(cl, "/admin/articles/"+id+"/publish", nil); got.status != http.StatusSeeOther {
		t.Fatalf("publish: %d", got.status)
	}
	if !inBot(azizayol.UzLatn) || !inBot(azizayol.Ru) || inBot(azizayol.UzCyrl) {
		t.Errorf("published in uz-Latn and ru: latn %v, ru %v, cyrl %v", inBot(azizayol.UzLatn), inBot(azizayol.Ru), inBot(azizayol.UzCyrl))
	}
	if _, body := c.get(cl, "/admin/articles/"+id); !strings.Contains(body, `action="/admin/articles/`+id+`/unpublish"`) {
		t.Error("a published article's page offers no way to take it back")
	}
	if got := c.articleSubmit(cl, "/admin/articles/"+id+"/unpublish", nil); got.status != http.StatusSeeOther || inBot(azizayol.UzLatn) {
		t.Errorf("unpublish: %d, still in the bot: %v", got.status, inBot(azizayol.UzLatn))
	}
	for _, action := range []string{"article_create", "article_publish", "article_unpublish"} {
		if n := c.articleCount(`SELECT count(*) FROM audit_log WHERE staff_id = $1 AND action = $2 AND detail LIKE 'article ' || $3 || ' rights: %'`, op.ID, action, id); n != 1 {
			t.Errorf("%d %q in the audit log, want 1", n, action)
		}
	}
	// Broken behind the console's back: publishing refuses and says why.
	if _, err := c.pool.Exec(context.Background(), `UPDATE articles SET text_ru = '' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	got = c.articleSubmit(cl, "/admin/articles/"+id+"/publish", nil)
	if got.status != http.StatusUnprocessableEntity || inBot(azizayol.UzLatn) {
		t.Errorf("publishing a broken article: %d", got.status)
	}
}

// The articles page shows each item of the agency's schedule with its last
// publication, next due day and state, and the job's reminders of it — hers only.
func TestArticlesSchedule(t *testing.T) {
	c := newConsole(t)
	c.now = time.Date(2026, 11, 28, 10, 0, 0, 0, azizayol.Tashkent)
	if _, err := c.pool.Exec(context.Background(), `UPDATE publication_schedule SET starts_on = '2026-11-01'`); err != nil {
		t.Fatal(err)
	}
	job := &jobs.Publications{DB: c.db, Now: func() time.Time { return c.now }}
	if err := job.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	health, justice := c.login(c.staff(azizayol.AgencyAdmin, "health")), c.login(c.staff(azizayol.Operator, "justice"))
	resp, body := c.get(health, "/admin/articles")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("articles page: %d", resp.StatusCode)
	}
	for _, want := range []string{"<td>4.3</td>", "Tibbiy madaniyat va sogʻlom turmush tarzi haqida materiallar", "01.12.2026",
		articleText(t, azizayol.UzLatn, "articles.state.soon", "Days", 3), `id="publication-reminders"`,
		articleText(t, azizayol.UzLatn, "articles.reminder.soon", "Date", "01.12.2026")} {
		if !strings.Contains(body, want) {
			t.Errorf("the health admin's page lacks %q", want)
		}
	}
	if strings.Contains(body, "<td>3.2</td>") {
		t.Error("the health admin sees the justice's schedule")
	}
	// Justice's monthly item is due on 1 December too, and reminded; a fortnightly
	// one of another agency is late since 16 November.
	_, body = c.get(justice, "/admin/articles")
	if !strings.Contains(body, "<td>3.2</td>") || strings.Contains(body, "<td>4.3</td>") || !strings.Contains(body, `id="publication-reminders"`) {
		t.Error("the justice's page does not show its own schedule alone")
	}
	_, body = c.get(c.login(c.staff(azizayol.SuperAdmin, "")), "/admin/articles")
	if !strings.Contains(body, articleText(t, azizayol.UzLatn, "articles.state.late", "Days", 12)) {
		t.Error("the super-admin's page does not show the late fortnightly items")
	}
}
