package admin

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/locales"
)

// Published information: the articles agencies write for "Useful information" in the
// bot, and the publication schedule of resolution No. 507, Appendix 2. Agency admins
// and operators write for their agency; a super-admin for any. What an agency does
// not own looks as if it did not exist.

// ArticleStore is what the console reads and keeps for published information:
// articles and the publication schedule (postgres.DB).
type ArticleStore interface {
	Articles(ctx context.Context, f azizayol.ArticleFilter) ([]azizayol.Article, error)
	Article(ctx context.Context, id int64) (azizayol.Article, error)
	SaveArticle(ctx context.Context, a azizayol.Article, now time.Time) (int64, error)
	SetArticleStatus(ctx context.Context, id int64, s azizayol.ArticleStatus, now time.Time) error
	ScheduleItems(ctx context.Context, agencyID int64) ([]azizayol.ScheduleItem, error)
	Dues(ctx context.Context, agencyID int64) ([]azizayol.PublicationDue, error)
	Reminders(ctx context.Context, agencyID int64, since time.Time) ([]azizayol.PublicationReminder, error)
}

func (c *Console) articlesRoutes() {
	c.handle("GET /articles", anyStaff, c.articlesPage)
	c.handle("GET /articles/new", anyStaff, c.articleNew)
	c.handle("POST /articles", anyStaff, c.articleCreate)
	c.handle("GET /articles/{id}", anyStaff, c.articleEdit)
	c.handle("POST /articles/{id}", anyStaff, c.articleUpdate)
	c.handle("POST /articles/{id}/publish", anyStaff, c.articlePublish)
	c.handle("POST /articles/{id}/unpublish", anyStaff, c.articleUnpublish)
}

// reminderDays is how far back the articles page shows the schedule's reminders.
const reminderDays = 30

// articlesData is the articles page: her agency's articles (a super-admin's: all),
// what the schedule asks for, and the reminders of it still open.
type articlesData struct {
	List      []azizayol.Article
	Dues      []dueLine
	Reminders []reminderLine
	All       bool // a super-admin: every agency
	Filter    azizayol.ArticleFilter
	Topics    []azizayol.InfoTopic
}

// dueLine is a schedule item's due publication and its state on the page's day:
// ok, soon (the reminder's three days), today, late; Days counts the days left or late.
type dueLine struct {
	azizayol.PublicationDue
	State string
	Days  int
}

func newDueLine(d azizayol.PublicationDue, now time.Time) dueLine {
	left := d.DaysLeft(now)
	switch {
	case left < 0:
		return dueLine{d, "late", -left}
	case left == 0:
		return dueLine{d, "today", 0}
	case left <= azizayol.PublicationRemindDays:
		return dueLine{d, "soon", left}
	}
	return dueLine{d, "ok", left}
}

// reminderLine is a reminder with the item it is about.
type reminderLine struct {
	azizayol.PublicationReminder
	Item azizayol.ScheduleItem
}

func (c *Console) articlesPage(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	ctx := r.Context()
	d := articlesData{All: me.Role == azizayol.SuperAdmin, Topics: azizayol.InfoTopics, Filter: azizayol.ArticleFilter{AgencyID: me.AgencyID}}
	q := r.URL.Query()
	if topic, ok := azizayol.ParseInfoTopic(q.Get("topic")); ok {
		d.Filter.Topic = topic
	}
	if s := azizayol.ArticleStatus(q.Get("status")); s == azizayol.ArticleDraft || s == azizayol.ArticlePublished {
		d.Filter.Status = s
	}
	var err error
	if d.List, err = c.cfg.Store.Articles(ctx, d.Filter); err != nil {
		c.failed(w, r, me, err)
		return
	}
	dues, err := c.cfg.Store.Dues(ctx, me.AgencyID)
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	now := c.cfg.Now()
	for _, due := range dues {
		d.Dues = append(d.Dues, newDueLine(due, now))
	}
	reminders, err := c.cfg.Store.Reminders(ctx, me.AgencyID, now.AddDate(0, 0, -reminderDays))
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	for _, m := range reminders {
		// Only a reminder of what is still due: a publication since has answered it.
		i := slices.IndexFunc(dues, func(x azizayol.PublicationDue) bool { return x.Item.ID == m.ScheduleID })
		if i >= 0 && dues[i].DueOn.Equal(m.DueOn) {
			d.Reminders = append(d.Reminders, reminderLine{PublicationReminder: m, Item: dues[i].Item})
		}
	}
	c.page(w, r, me, "articles", http.StatusOK, d)
}

// articleData is the form of one article.
type articleData struct {
	Article  azizayol.Article
	Agencies []azizayol.Agency       // a super-admin chooses the agency of a new article
	Items    []azizayol.ScheduleItem // the schedule items it may fulfil
	Problems []azizayol.ArticleProblem
	Assisted bool // the Cyrillic was just made from the Latin: to be read and corrected
	Topics   []azizayol.InfoTopic
	Langs    []azizayol.Lang
	Media    []azizayol.MediaKind
	MaxTitle int
}

// Has tells whether the article is published in lang (a box to tick).
func (d articleData) Has(lang azizayol.Lang) bool { return d.Article.In(lang) }

// LangField is the form's name of a language's fields: uz_latn, uz_cyrl, ru.
func (articleData) LangField(lang azizayol.Lang) string { return langField(lang) }

// Title and Text are the article's words in lang, for the form.
func (d articleData) Title(lang azizayol.Lang) string { return d.Article.Title.In(lang) }
func (d articleData) Text(lang azizayol.Lang) string  { return d.Article.Text.In(lang) }

// articleForm shows the form: status 200, or 422 with what is wrong.
func (c *Console) articleForm(w http.ResponseWriter, r *http.Request, me azizayol.Staff, d articleData, status int) {
	ctx := r.Context()
	d.Topics, d.Langs, d.Media, d.MaxTitle = azizayol.InfoTopics, azizayol.Langs, azizayol.MediaKinds, azizayol.MaxArticleTitle
	var err error
	if me.Role == azizayol.SuperAdmin && d.Article.ID == 0 {
		if d.Agencies, err = c.cfg.Store.Agencies(ctx); err != nil {
			c.failed(w, r, me, err)
			return
		}
	}
	if d.Items, err = c.cfg.Store.ScheduleItems(ctx, d.Article.AgencyID); err != nil {
		c.failed(w, r, me, err)
		return
	}
	if d.Article.AgencyID == 0 { // a super-admin's new article: the items of every agency
		d.Items = nil
	}
	c.page(w, r, me, "article", status, d)
}

func (c *Console) articleNew(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	a := azizayol.Article{AgencyID: me.AgencyID, Topic: azizayol.InfoTopics[0], Langs: azizayol.Langs}
	c.articleForm(w, r, me, articleData{Article: a}, http.StatusOK)
}

// readArticle reads the form into a; the agency of an agency's staff is hers whatever
// the form says, and a super-admin's is the one she chose for a new article.
func readArticle(r *http.Request, me azizayol.Staff, a azizayol.Article) azizayol.Article {
	field := func(name string) string { return r.FormValue(name) }
	a.Topic = azizayol.InfoTopic(field("topic"))
	a.ScheduleID, _ = strconv.ParseInt(field("schedule"), 10, 64)
	a.Title = azizayol.Names{UzLatn: field("title_uz_latn"), UzCyrl: field("title_uz_cyrl"), Ru: field("title_ru")}
	a.Text = azizayol.Names{UzLatn: field("text_uz_latn"), UzCyrl: field("text_uz_cyrl"), Ru: field("text_ru")}
	a.Langs = nil
	for _, l := range r.Form["langs"] {
		if lang, ok := azizayol.ParseLang(l); ok {
			a.Langs = append(a.Langs, lang)
		}
	}
	a.MediaKind, a.MediaURL = azizayol.MediaKind(field("media_kind")), field("media_url")
	if a.MediaURL == "" && a.MediaKind != azizayol.NoMedia && slices.Contains(azizayol.MediaKinds, a.MediaKind) {
		a.MediaKind = azizayol.NoMedia // a kind chosen without a link is no link
	}
	if a.ID == 0 {
		a.AgencyID, a.AuthorID = me.AgencyID, me.ID
		if me.Role == azizayol.SuperAdmin {
			a.AgencyID, _ = strconv.ParseInt(field("agency"), 10, 64)
		}
	}
	a.Normalize()
	return a
}

// problems are what keeps a from being saved: the article's own rules, an agency, and
// a schedule item of its agency and topic.
func (c *Console) problems(ctx context.Context, a azizayol.Article) ([]azizayol.ArticleProblem, error) {
	ps := a.Problems()
	agencies, err := c.cfg.Store.Agencies(ctx)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(agencies, func(g azizayol.Agency) bool { return g.ID == a.AgencyID }) {
		return append(ps, azizayol.ArticleProblem{Code: "agency"}), nil // none chosen, or one that is not
	}
	if a.ScheduleID != 0 {
		items, err := c.cfg.Store.ScheduleItems(ctx, a.AgencyID)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(items, func(s azizayol.ScheduleItem) bool { return s.ID == a.ScheduleID && s.Topic == a.Topic }) {
			ps = append(ps, azizayol.ArticleProblem{Code: "schedule"})
		}
	}
	return ps, nil
}

// saveArticle saves the form, or, with "Cyrillic from Latin", fills the Cyrillic
// fields from the Latin ones and shows the form again to be corrected (nothing saved).
func (c *Console) saveArticle(w http.ResponseWriter, r *http.Request, me azizayol.Staff, a azizayol.Article) {
	a = readArticle(r, me, a)
	if r.FormValue("do") == "cyrillic" {
		a.Title.UzCyrl, a.Text.UzCyrl = locales.ToCyrillic(a.Title.UzLatn), locales.ToCyrillic(a.Text.UzLatn)
		if !slices.Contains(a.Langs, azizayol.UzCyrl) && a.Title.UzCyrl != "" {
			a.Langs = append(a.Langs, azizayol.UzCyrl)
			a.Normalize()
		}
		c.articleForm(w, r, me, articleData{Article: a, Assisted: true}, http.StatusOK)
		return
	}
	if c.refused(w, r, me, a) {
		return
	}
	action := "article_update"
	if a.ID == 0 {
		action = "article_create"
	}
	id, err := c.cfg.Store.SaveArticle(r.Context(), a, c.cfg.Now())
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	c.audit(r, me, action, 0, articleDetail(id, a))
	back(w, r, Prefix+"/articles/"+strconv.FormatInt(id, 10), "done", "console.done.saved")
}

// articleDetail names an article in the audit log: its id, topic and first title.
func articleDetail(id int64, a azizayol.Article) string {
	title := a.Title.UzLatn
	for _, l := range a.Langs {
		if title = a.Title.In(l); title != "" {
			break
		}
	}
	return "article " + strconv.FormatInt(id, 10) + " " + string(a.Topic) + ": " + title
}

func (c *Console) articleCreate(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	c.saveArticle(w, r, me, azizayol.Article{})
}

// owned returns the article of the URL if she writes for its agency; otherwise it
// answers 404.
func (c *Console) owned(w http.ResponseWriter, r *http.Request, me azizayol.Staff) (azizayol.Article, bool) {
	id, ok := pathID(r, "id")
	if !ok {
		c.fail(w, r, me, http.StatusNotFound)
		return azizayol.Article{}, false
	}
	a, err := c.cfg.Store.Article(r.Context(), id)
	if err == nil && !me.WorksFor(a.AgencyID) {
		err = azizayol.ErrNotFound
	}
	if err != nil {
		c.failed(w, r, me, err)
		return a, false
	}
	return a, true
}

func (c *Console) articleEdit(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	if a, ok := c.owned(w, r, me); ok {
		c.articleForm(w, r, me, articleData{Article: a}, http.StatusOK)
	}
}

func (c *Console) articleUpdate(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	if a, ok := c.owned(w, r, me); ok {
		c.saveArticle(w, r, me, a)
	}
}

// refused shows the article again with what is wrong with it, if anything is; it
// tells whether it did (or failed).
func (c *Console) refused(w http.ResponseWriter, r *http.Request, me azizayol.Staff, a azizayol.Article) bool {
	ps, err := c.problems(r.Context(), a)
	if err != nil {
		c.failed(w, r, me, err)
		return true
	}
	if len(ps) > 0 {
		c.articleForm(w, r, me, articleData{Article: a, Problems: ps}, http.StatusUnprocessableEntity)
		return true
	}
	return false
}

// articlePublish puts an article in "Useful information", in the languages it marks,
// as the newest of its topic; one that breaks the rules is shown with what is wrong.
func (c *Console) articlePublish(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	a, ok := c.owned(w, r, me)
	if !ok {
		return
	}
	if c.refused(w, r, me, a) {
		return
	}
	c.setStatus(w, r, me, a, azizayol.ArticlePublished, "article_publish")
}

// articleUnpublish takes an article out of "Useful information"; it stays a draft.
func (c *Console) articleUnpublish(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	if a, ok := c.owned(w, r, me); ok {
		c.setStatus(w, r, me, a, azizayol.ArticleDraft, "article_unpublish")
	}
}

func (c *Console) setStatus(w http.ResponseWriter, r *http.Request, me azizayol.Staff, a azizayol.Article, s azizayol.ArticleStatus, action string) {
	if err := c.cfg.Store.SetArticleStatus(r.Context(), a.ID, s, c.cfg.Now()); err != nil {
		c.failed(w, r, me, err)
		return
	}
	c.audit(r, me, action, 0, articleDetail(a.ID, a))
	back(w, r, Prefix+"/articles/"+strconv.FormatInt(a.ID, 10), "done", "console.done.status")
}

// ArticleProblemText is what is wrong, in the page's language.
func (v view) ArticleProblemText(p azizayol.ArticleProblem) string {
	lang := ""
	if p.Lang != "" {
		lang = v.LangName(p.Lang)
	}
	return v.T("articles.err."+p.Code, "Lang", lang, "Max", azizayol.MaxArticleTitle, "Message", azizayol.MaxArticleMessage)
}
