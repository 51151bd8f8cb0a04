package postgres_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/postgres"
)

// agencyID is the id of the agency with this code.
func agencyID(t *testing.T, pool *pgxpool.Pool, code string) int64 {
	t.Helper()
	var id int64
	if err := pool.QueryRow(context.Background(), `SELECT id FROM agencies WHERE code = $1`, code).Scan(&id); err != nil {
		t.Fatalf("agency %s: %v", code, err)
	}
	return id
}

// article saves an article of the agency in topic with a title per language and
// publishes it at published (zero: a draft).
func article(t *testing.T, db *postgres.DB, agency int64, topic azizayol.InfoTopic, title string, published time.Time, langs ...azizayol.Lang) int64 {
	t.Helper()
	a := azizayol.Article{AgencyID: agency, Topic: topic, Langs: langs,
		Title: azizayol.Names{UzLatn: title, UzCyrl: title + " (кирилл)", Ru: title + " (рус)"},
		Text:  azizayol.Names{UzLatn: "Matn", UzCyrl: "Матн", Ru: "Текст"}}
	id, err := db.SaveArticle(context.Background(), a, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !published.IsZero() {
		if err := db.SetArticleStatus(context.Background(), id, azizayol.ArticlePublished, published); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// "Useful information" reads only what is published, in her language, newest first,
// a page at a time; a draft, an article taken back, another language are not there.
func TestInfoArticles(t *testing.T) {
	db, pool := open(t)
	ctx := context.Background()
	health := agencyID(t, pool, "health")
	day := time.Date(2026, 11, 1, 10, 0, 0, 0, azizayol.Tashkent)
	var ids []int64
	for i := range 7 {
		ids = append(ids, article(t, db, health, azizayol.TopicHealth, "Maqola "+string(rune('A'+i)), day.AddDate(0, 0, i), azizayol.Langs...))
	}
	latinOnly := article(t, db, health, azizayol.TopicHealth, "Faqat lotincha", day.AddDate(0, 1, 0), azizayol.UzLatn)
	draft := article(t, db, health, azizayol.TopicHealth, "Qoralama", time.Time{}, azizayol.Langs...)
	other := article(t, db, health, azizayol.TopicSport, "Sport", day, azizayol.Langs...)

	err := db.Do(ctx, func(tx azizayol.Tx) error {
		first, err := tx.InfoArticles(ctx, azizayol.TopicHealth, azizayol.UzCyrl, 0, 5)
		if err != nil {
			return err
		}
		var got []int64
		for _, a := range first {
			got = append(got, a.ID)
			if a.Title.In(azizayol.UzCyrl) == "" || a.Agency.UzLatn == "" {
				t.Errorf("article %d lacks its Cyrillic title or agency: %+v", a.ID, a)
			}
		}
		if want := []int64{ids[6], ids[5], ids[4], ids[3], ids[2]}; !slices.Equal(got, want) {
			t.Errorf("first page in Cyrillic: %v, want %v (newest first, no Latin-only, no draft, no other topic)", got, want)
		}
		second, err := tx.InfoArticles(ctx, azizayol.TopicHealth, azizayol.UzCyrl, 5, 5)
		if err != nil {
			return err
		}
		if len(second) != 2 || second[1].ID != ids[0] {
			t.Errorf("second page: %+v", second)
		}
		latin, err := tx.InfoArticles(ctx, azizayol.TopicHealth, azizayol.UzLatn, 0, 1)
		if err != nil {
			return err
		}
		if len(latin) != 1 || latin[0].ID != latinOnly {
			t.Errorf("the newest in Latin is %+v, want %d", latin, latinOnly)
		}
		if _, err := tx.InfoArticle(ctx, latinOnly, azizayol.Ru); !errors.Is(err, azizayol.ErrNotFound) {
			t.Errorf("a Latin-only article in Russian: %v, want ErrNotFound", err)
		}
		if _, err := tx.InfoArticle(ctx, draft, azizayol.UzLatn); !errors.Is(err, azizayol.ErrNotFound) {
			t.Errorf("a draft: %v, want ErrNotFound", err)
		}
		if a, err := tx.InfoArticle(ctx, other, azizayol.Ru); err != nil || a.Title.Ru != "Sport (рус)" {
			t.Errorf("a published article: %+v, %v", a, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Taken back, it is gone from the bot at once.
	if err := db.SetArticleStatus(ctx, other, azizayol.ArticleDraft, time.Now()); err != nil {
		t.Fatal(err)
	}
	err = db.Do(ctx, func(tx azizayol.Tx) error {
		_, err := tx.InfoArticle(ctx, other, azizayol.Ru)
		if !errors.Is(err, azizayol.ErrNotFound) {
			t.Errorf("an article taken back: %v, want ErrNotFound", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The console keeps an article's words and link; its agency, author and status stay
// through an edit; the list is by agency.
func TestSaveArticle(t *testing.T) {
	db, pool := open(t)
	ctx := context.Background()
	justice, health := agencyID(t, pool, "justice"), agencyID(t, pool, "health")
	a := azizayol.Article{AgencyID: justice, Topic: azizayol.TopicRights, Langs: []azizayol.Lang{azizayol.UzLatn, azizayol.Ru},
		Title:     azizayol.Names{UzLatn: "Tugʻish taʼtili", Ru: "Декретный отпуск"},
		Text:      azizayol.Names{UzLatn: "126 kalendar kun.", Ru: "126 календарных дней."},
		MediaKind: azizayol.MediaDocument, MediaURL: "https://lex.uz/docs/1"}
	id, err := db.SaveArticle(ctx, a, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.Article(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != azizayol.ArticleDraft || !got.Published.IsZero() || got.MediaURL != a.MediaURL ||
		got.MediaKind != azizayol.MediaDocument || !slices.Equal(got.Langs, a.Langs) || got.Title != a.Title {
		t.Errorf("saved %+v", got)
	}
	got.Title.UzLatn, got.AgencyID = "Tugʻish taʼtili (2026)", health // the agency does not move
	if _, err := db.SaveArticle(ctx, got, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := db.SetArticleStatus(ctx, id, azizayol.ArticlePublished, time.Now()); err != nil {
		t.Fatal(err)
	}
	edited, _ := db.Article(ctx, id)
	if edited.Title.UzLatn != "Tugʻish taʼtili (2026)" || edited.AgencyID != justice || edited.Status != azizayol.ArticlePublished || edited.Published.IsZero() {
		t.Errorf("after the edit and publishing: %+v", edited)
	}
	article(t, db, health, azizayol.TopicHealth, "Boshqa idora", time.Time{}, azizayol.UzLatn)
	mine, err := db.Articles(ctx, azizayol.ArticleFilter{AgencyID: justice})
	if err != nil || len(mine) != 1 || mine[0].ID != id {
		t.Errorf("justice's articles: %+v, %v", mine, err)
	}
	all, err := db.Articles(ctx, azizayol.ArticleFilter{})
	if err != nil || len(all) != 2 {
		t.Errorf("every article: %d, %v", len(all), err)
	}
	if _, err := db.Article(ctx, 999999); !errors.Is(err, azizayol.ErrNotFound) {
		t.Errorf("no article: %v", err)
	}
	if err := db.SetArticleStatus(ctx, 999999, azizayol.ArticlePublished, time.Now()); !errors.Is(err, azizayol.ErrNotFound) {
		t.Errorf("publish no article: %v", err)
	}
}

// Her topics switch on and off, the same twice is no change; her place for news is a
// region and a district of it, or none; a district of another region is refused.
func TestInfoSubscriptions(t *testing.T) {
	db, pool := open(t)
	ctx := context.Background()
	err := db.Do(ctx, func(tx azizayol.Tx) error {
		u, err := tx.User(ctx, azizayol.Telegram, "info-subs")
		if err != nil {
			return err
		}
		for _, topic := range []azizayol.InfoTopic{azizayol.TopicSkills, azizayol.TopicHealth, azizayol.TopicHealth} {
			if err := tx.SetInfoTopic(ctx, u.ID, topic, true); err != nil {
				return err
			}
		}
		got, err := tx.InfoTopicsOf(ctx, u.ID)
		if err != nil || !slices.Equal(got, []azizayol.InfoTopic{azizayol.TopicHealth, azizayol.TopicSkills}) {
			t.Errorf("her topics: %v, %v", got, err)
		}
		for range 2 {
			if err := tx.SetInfoTopic(ctx, u.ID, azizayol.TopicHealth, false); err != nil {
				return err
			}
		}
		if got, _ := tx.InfoTopicsOf(ctx, u.ID); !slices.Equal(got, []azizayol.InfoTopic{azizayol.TopicSkills}) {
			t.Errorf("after health off: %v", got)
		}
		if err := tx.SetInfoTopic(ctx, u.ID, "weather", true); !errors.Is(err, azizayol.ErrNotFound) {
			t.Errorf("an unknown topic: %v", err)
		}
		if err := tx.SetNewsPlace(ctx, u.ID, "1703", "1703202"); err != nil {
			return err
		}
		if r, d, err := tx.NewsPlace(ctx, u.ID); r != "1703" || d != "1703202" || err != nil {
			t.Errorf("her place: %q %q %v", r, d, err)
		}
		if err := tx.SetNewsPlace(ctx, u.ID, "1726", "1703202"); !errors.Is(err, azizayol.ErrNotFound) {
			t.Errorf("a district of another region: %v", err)
		}
		if err := tx.SetNewsPlace(ctx, u.ID, "", "1703202"); err != nil {
			return err
		}
		if r, d, _ := tx.NewsPlace(ctx, u.ID); r != "" || d != "" {
			t.Errorf("the whole country: %q %q", r, d)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM info_subscriptions`).Scan(&n); err != nil || n != 1 {
		t.Errorf("rows: %d, %v", n, err)
	}
}

// The schedule of Appendix 2 is seeded (information items only); an item is due one
// period after its last publication — an article naming it, or naming none in its
// topic — and a reminder is made once.
func TestPublicationDues(t *testing.T) {
	db, pool := open(t)
	ctx := context.Background()
	items, err := db.ScheduleItems(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 18 {
		t.Errorf("%d schedule items, want the 18 information items of Appendix 2", len(items))
	}
	employment := agencyID(t, pool, "employment")
	mine, err := db.ScheduleItems(ctx, employment)
	if err != nil || len(mine) != 2 || mine[0].Row != "1.3" || mine[0].Cadence != azizayol.Every15Days ||
		mine[1].Row != "1.4" || mine[1].Cadence != azizayol.EveryMonth || mine[0].Topic != azizayol.TopicSkills {
		t.Fatalf("employment's items: %+v, %v", mine, err)
	}
	if _, err := pool.Exec(ctx, `UPDATE publication_schedule SET starts_on = '2026-11-01' WHERE agency_id = $1`, employment); err != nil {
		t.Fatal(err)
	}
	dues := func() map[string]azizayol.PublicationDue {
		list, err := db.Dues(ctx, employment)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]azizayol.PublicationDue{}
		for _, d := range list {
			m[d.Item.Row] = d
		}
		return m
	}
	d := dues()
	if got := d["1.3"].DueOn.Format(time.DateOnly); got != "2026-11-16" || !d["1.3"].Last.IsZero() {
		t.Errorf("never published, every 15 days from 1 November: due %s (last %v)", got, d["1.3"].Last)
	}
	if got := d["1.4"].DueOn.Format(time.DateOnly); got != "2026-12-01" {
		t.Errorf("monthly from 1 November: due %s", got)
	}
	// An article naming item 1.3 counts for it only; one naming none counts for both.
	a := azizayol.Article{AgencyID: employment, Topic: azizayol.TopicSkills, ScheduleID: mine[0].ID, Langs: []azizayol.Lang{azizayol.UzLatn},
		Title: azizayol.Names{UzLatn: "Tikuvchilik: videodars"}, Text: azizayol.Names{UzLatn: "Birinchi dars."}}
	id, err := db.SaveArticle(ctx, a, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetArticleStatus(ctx, id, azizayol.ArticlePublished, time.Date(2026, 11, 10, 15, 0, 0, 0, azizayol.Tashkent)); err != nil {
		t.Fatal(err)
	}
	d = dues()
	if got := d["1.3"].DueOn.Format(time.DateOnly); got != "2026-11-25" {
		t.Errorf("published on 10 November: next due %s, want 2026-11-25", got)
	}
	if got := d["1.4"].DueOn.Format(time.DateOnly); got != "2026-12-01" {
		t.Errorf("item 1.4 moved with an article of 1.3: %s", got)
	}
	article(t, db, employment, azizayol.TopicSkills, "Kurslar roʻyxati", time.Date(2026, 11, 20, 9, 0, 0, 0, azizayol.Tashkent), azizayol.UzLatn)
	d = dues()
	if d["1.3"].DueOn.Format(time.DateOnly) != "2026-12-05" || d["1.4"].DueOn.Format(time.DateOnly) != "2026-12-20" {
		t.Errorf("an article of the topic, naming no item: %s, %s", d["1.3"].DueOn, d["1.4"].DueOn)
	}

	now := time.Date(2026, 12, 2, 9, 0, 0, 0, azizayol.Tashkent)
	for i, want := range []bool{true, false} {
		made, err := db.Remind(ctx, mine[0].ID, d["1.3"].DueOn, azizayol.PublicationSoon, now)
		if err != nil || made != want {
			t.Errorf("remind, time %d: %v, %v; want %v", i+1, made, err, want)
		}
	}
	list, err := db.Reminders(ctx, employment, now.AddDate(0, 0, -1))
	if err != nil || len(list) != 1 || !list[0].DueOn.Equal(d["1.3"].DueOn) || list[0].Kind != azizayol.PublicationSoon {
		t.Errorf("reminders: %+v, %v", list, err)
	}
	if other, _ := db.Reminders(ctx, agencyID(t, pool, "health"), now.AddDate(0, 0, -1)); len(other) != 0 {
		t.Errorf("another agency sees employment's reminders: %+v", other)
	}
}
