package dialogs

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/internal/testenv"
)

// Pages are named by their buttons: a second tap on an old "next" shows the same page
// again; a page past the end (the list got shorter while she read) says so and leads
// back to the first; a page number nobody offered is refused.
func TestListPages(t *testing.T) {
	db := testenv.DB(t)
	for _, lang := range azizayol.Langs {
		t.Run(string(lang), func(t *testing.T) {
			c := inMenu(t, lang).withDB(db)
			u := c.store.Store.(interface {
				UpsertVacancy(context.Context, azizayol.Vacancy) (azizayol.Change, error)
			})
			for i := 1; i <= 7; i++ {
				_, err := u.UpsertVacancy(context.Background(), azizayol.Vacancy{Source: "test", SourceID: fmt.Sprint(i),
					Title: fmt.Sprintf("Tikuvchi %d", i), Employer: "Fabrika", RegionCode: "1703", Field: "sewing",
					Posted: time.Now().Add(-time.Duration(i) * time.Hour), Status: azizayol.VacancyOpen})
				if err != nil {
					t.Fatal(err)
				}
			}
			c.choose("vacancies")
			c.choose("1703")
			c.choose(wholeRegion)
			before := copySession(c.sess)
			if out := c.text("ot, ip"); out[0].Text != tr(t, lang, "vacancies.keyword_short", nil) {
				t.Errorf("words too short to search: %q", texts(out))
			}
			sameSession(t, c.sess, before)
			c.choose("sewing")
			first := prompt(t, c.out)
			if !strings.Contains(first.Text, "(1–5)") {
				t.Fatalf("first page: %q", first.Text)
			}
			next := dataOf(t, first, pageValue(1))
			for range 2 {
				out := c.data(next)
				if p := prompt(t, out); !strings.Contains(p.Text, "(6–7)") || p.Edit == 0 {
					t.Fatalf("next, tapped twice: %q (edit %v)", p.Text, p.Edit)
				}
			}
			c.data(dataOf(t, first, pageValue(1))) // the same button, once more: page 2 again
			before = copySession(c.sess)
			out := c.data(strings.Replace(next, pageValue(1), pageValue(maxPage+1), 1))
			if out[0].Text != tr(t, lang, "input.use_buttons", nil) {
				t.Errorf("a page nobody offered: %q", texts(out))
			}
			sameSession(t, c.sess, before)

			c.data(strings.Replace(next, pageValue(1), pageValue(2), 1)) // an old button, the list now shorter
			p := prompt(t, c.out)
			if !strings.Contains(p.Text, tr(t, lang, "vacancies.none", nil)) || !slicesContain(values(p), pageValue(0)) {
				t.Fatalf("a page past the end: %q, %v", p.Text, values(p))
			}
			c.press(tr(t, lang, "listing.first", nil))
			if p := prompt(t, c.out); !strings.Contains(p.Text, "(1–5)") {
				t.Errorf("back to the first page: %q", p.Text)
			}

			// Ten subscriptions at most (the same one again is no new one).
			subscribe := dataOf(t, prompt(t, c.out), "subscribe")
			for _, district := range []string{"1703202", "1703203", "1703206", "1703209", "1703210", "1703211", "1703214", "1703217", "1703220", "1703220"} {
				u := c.store.Store.(azizayol.Tx)
				if err := u.Subscribe(context.Background(), azizayol.Subscription{User: c.user, Kind: azizayol.CoursesKind, RegionCode: "1703", DistrictCode: district}); err != nil {
					t.Fatal(err)
				}
			}
			if err := c.store.Store.(azizayol.Tx).Subscribe(context.Background(), azizayol.Subscription{User: c.user, Kind: azizayol.CoursesKind, RegionCode: "1703"}); err != nil {
				t.Fatal(err) // the tenth
			}
			out = c.data(subscribe)
			if out[0].Text != tr(t, lang, "listing.too_many", map[string]any{"Max": azizayol.MaxSubscriptions}) {
				t.Errorf("an eleventh subscription: %q", texts(out))
			}
		})
	}
}

func slicesContain(vs []string, v string) bool {
	for _, x := range vs {
		if x == v {
			return true
		}
	}
	return false
}
