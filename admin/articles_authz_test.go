package admin_test

import (
	"context"
	"net/url"
	"time"

	"github.com/azizayol/azizayol"
)

// articlesAuthzRoutes are the routes of published information: articles and the
// publication schedule (issue 7) for the authorisation tests. Every staff member
// writes for her agency: a route of one article is tried on an article of hers (the
// super-admin's: the Ministry of Justice's); admin/articles_test.go tries the others'.
func articlesAuthzRoutes() []authzRoute {
	at := func(path string, form url.Values) func(*authzWorld, string) (string, url.Values) {
		return func(*authzWorld, string) (string, url.Values) { return path, form }
	}
	article := url.Values{"topic": {"rights"}, "langs": {"uz-Latn"}, "title_uz_latn": {"Tugʻish taʼtili"},
		"text_uz_latn": {"126 kalendar kun."}, "do": {"save"}}
	hers := func(suffix string, form url.Values) func(*authzWorld, string) (string, url.Values) {
		return func(w *authzWorld, me string) (string, url.Values) {
			return "/admin/articles/" + itoa(w.article(me)) + suffix, form
		}
	}
	return []authzRoute{
		{route: "GET /admin/articles", ok: 200, target: at("/admin/articles", nil)},
		{route: "GET /admin/articles/new", ok: 200, target: at("/admin/articles/new", nil)},
		{route: "POST /admin/articles", ok: 303, target: func(w *authzWorld, me string) (string, url.Values) {
			form := url.Values{"agency": {itoa(w.agency["justice"])}}
			for k, v := range article {
				form[k] = v
			}
			return "/admin/articles", form
		}},
		{route: "GET /admin/articles/{id}", ok: 200, target: hers("", nil)},
		{route: "POST /admin/articles/{id}", ok: 303, target: hers("", article)},
		{route: "POST /admin/articles/{id}/publish", ok: 303, target: hers("/publish", nil)},
		{route: "POST /admin/articles/{id}/unpublish", ok: 303, target: hers("/unpublish", nil)},
	}
}

// article makes a draft of her agency's (the super-admin's: the Ministry of
// Justice's) and returns its id.
func (w *authzWorld) article(me string) int64 {
	w.t.Helper()
	code := w.who(me).agency
	if code == "" {
		code = "justice"
	}
	id, err := w.c.db.SaveArticle(context.Background(), azizayol.Article{AgencyID: w.agency[code], Topic: azizayol.TopicRights,
		Langs: []azizayol.Lang{azizayol.UzLatn}, Title: azizayol.Names{UzLatn: "Nafaqalar"}, Text: azizayol.Names{UzLatn: "Matn."}}, time.Now())
	if err != nil {
		w.t.Fatal(err)
	}
	return id
}
