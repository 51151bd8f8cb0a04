package dialogs

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/crisis"
	"github.com/azizayol/azizayol/internal/testenv"
	"github.com/azizayol/azizayol/postgres"
)

func TestMain(m *testing.M) { testenv.Main(m) }

var addresses atomic.Int64

// begin opens a transaction on db that the test's end rolls back: the dialogs' records
// are the real database's, and nothing stays.
func begin(t *testing.T, db *postgres.DB) *postgres.Unit {
	t.Helper()
	ctx := context.Background()
	u, err := db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { u.Rollback(ctx) })
	return u
}

// withDB gives the chat the real appeal records, in a transaction of its own, and
// makes her a real user.
func (c *chat) withDB(db *postgres.DB) *chat {
	c.t.Helper()
	u := begin(c.t, db)
	// Each chat is another woman: two open transactions creating one user would wait
	// for each other.
	c.user.Address = fmt.Sprint(addresses.Add(1))
	usr, err := u.User(context.Background(), azizayol.Telegram, c.user.Address)
	if err != nil {
		c.t.Fatal(err)
	}
	c.user.ID = usr.ID
	c.store.Store = u
	return c
}

// clock is a settable time for the engine.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func tashkent(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, azizayol.Tashkent)
	if err != nil {
		panic(err)
	}
	return t
}

// toReview walks an appeal of topic from the menu to its summary.
func (c *chat) toReview(topic string) {
	c.t.Helper()
	c.choose("appeal")
	c.choose(topic)
	wantPlace(c.t, c.sess, "appeal", stepRegion)
	c.choose("1703")
	c.choose("1703202")
	c.text("Grant uchun tavsiyanoma kerak, oilamiz kam taʼminlangan.")
	c.choose("continue")
	c.send(azizayol.Inbound{Kind: azizayol.KindContact, Phone: "998901234567"})
	c.choose("agree")
	wantPlace(c.t, c.sess, "appeal", stepReview)
}

func appeals(t *testing.T, c *chat) int {
	t.Helper()
	list, err := c.store.Appeals(context.Background(), c.user.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// The grant recommendation opens at 00:00 on 30 May and closes after 8 June, Tashkent
// time, on both sides of both edges; outside it she is told the next opening day and
// nothing is filed.
func TestGrantWindowInTheDialog(t *testing.T) {
	db := testenv.DB(t)
	cases := []struct {
		now  string
		open bool
		next string
	}{
		{"2026-05-29 23:59:59", false, "30.05.2026"},
		{"2026-05-30 00:00:00", true, ""},
		{"2026-06-08 23:59:59", true, ""},
		{"2026-06-09 00:00:00", false, "30.05.2027"},
	}
	for _, lang := range azizayol.Langs {
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%s/%s", lang, tc.now), func(t *testing.T) {
				clk := &clock{now: tashkent(tc.now)}
				c := inMenu(t, lang).withDB(db)
				c.engine = Standard(crisis.Default(), 30*time.Minute, clk.Now)
				c.choose("appeal")
				if !tc.open {
					closed := tr(t, lang, "filing.closed_window", map[string]any{"Date": tc.next})
					c.refused(t, closed, func() { c.choose("grant") })
					wantPlace(t, c.sess, "appeal", stepTopic)
					return
				}
				c.choose("grant")
				wantPlace(t, c.sess, "appeal", stepRegion)
			})
		}
		// Open when she starts, closed when she sends: refused, nothing filed.
		t.Run(string(lang)+"/closes while she writes", func(t *testing.T) {
			clk := &clock{now: tashkent("2026-06-08 23:50:00")}
			c := inMenu(t, lang).withDB(db)
			c.engine = Standard(crisis.Default(), 30*time.Minute, clk.Now)
			c.toReview("grant")
			clk.now = tashkent("2026-06-09 00:00:01")
			closed := tr(t, lang, "filing.closed_window", map[string]any{"Date": "30.05.2027"})
			c.refused(t, closed, func() { c.choose("send") })
			if n := appeals(t, c); n != 0 {
				t.Errorf("%d appeals filed after the window closed", n)
			}
			clk.now = tashkent("2027-05-30 08:00:00")
			c.choose("send")
			if n := appeals(t, c); n != 1 {
				t.Errorf("%d appeals filed when the window opened again", n)
			}
		})
	}
}

func TestFilingBackGoesToTheStepBefore(t *testing.T) {
	db := testenv.DB(t)
	c := inMenu(t, azizayol.Ru).withDB(db)
	c.choose("appeal")
	c.choose("housing")
	c.choose("1703")
	c.choose("1703202")
	c.text("Текст обращения")
	wantPlace(t, c.sess, "appeal", stepMore)
	for _, want := range []string{stepDistrict, stepRegion, stepTopic} {
		c.choose(choiceBack)
		wantPlace(t, c.sess, "appeal", want)
	}
	if c.sess.Data[keyRegion] != "1703" || c.sess.Data[keyDistrict] != "1703202" || c.sess.Data[keyText] == "" {
		t.Errorf("going back lost the draft: %v", c.sess.Data)
	}
	c.text("назад") // the first step has no back button, the word still works
	wantPlace(t, c.sess, MenuDialog, "main")
}

// Words of danger in her question: the guidance at once, her words kept, and she
// goes on from where she was; the consultation is then urgent.
func TestDangerInHerWordsKeepsThemAndMakesItUrgent(t *testing.T) {
	db := testenv.DB(t)
	for _, lang := range azizayol.Langs {
		c := inMenu(t, lang).withDB(db)
		c.choose("consultation")
		c.choose("psychological")
		out := c.text("Мне страшно, он меня бьёт")
		wantTexts(t, out, tr(t, lang, "input.kept", map[string]any{"Minutes": 30}), tr(t, lang, "emergency.now", nil))
		wantPlace(t, c.sess, EmergencyDialog, "now")
		c.choose(choiceResume)
		wantPlace(t, c.sess, "consultation", stepMore)
		if c.sess.Data[keyDanger] != "1" || c.sess.Data[keyText] != "Мне страшно, он меня бьёт" {
			t.Fatalf("draft %v", c.sess.Data)
		}
		c.choose("continue")
		c.choose("anonymous")
		c.choose("agree")
		out = c.choose("send")
		if !strings.Contains(out[0].Text, tr(t, lang, "filing.due_urgent", nil)) {
			t.Errorf("%s: filed %q, want it urgent", lang, out[0].Text)
		}
		// Danger at a step of buttons is the plain interruption: nothing is taken.
		c.choose("consultation")
		out = c.text("помогите")
		wantTexts(t, out, tr(t, lang, "emergency.now", nil))
	}
}

func TestFilingLimits(t *testing.T) {
	db := testenv.DB(t)
	c := inMenu(t, azizayol.UzLatn).withDB(db)
	c.choose("consultation")
	c.choose("medical")
	photo := azizayol.Inbound{Kind: azizayol.KindMedia, Media: "photo", FileID: "F"}
	c.send(photo)
	wantPlace(t, c.sess, "consultation", stepMore)
	for range MaxFiles - 1 {
		c.send(photo)
	}
	c.refused(t, tr(t, azizayol.UzLatn, "filing.too_many_files", map[string]any{"Max": MaxFiles}), func() { c.send(photo) })
	for range 3 {
		c.text(strings.Repeat("a", MaxText-2)) // parts are joined by a blank line
	}
	c.refused(t, tr(t, azizayol.UzLatn, "filing.text_total", map[string]any{"Max": MaxFilingText}), func() { c.text("yana") })
	c.refused(t, tr(t, azizayol.UzLatn, "filing.media_kind", nil), func() {
		c.send(azizayol.Inbound{Kind: azizayol.KindMedia, Media: "voice", FileID: "V"})
	})
	if n := len(files(c.sess.Data)); n != MaxFiles {
		t.Errorf("%d files kept", n)
	}
	// "Share my number" typed (no contact button on this channel): asked to type it.
	c.choose("continue")
	c.refused(t, tr(t, azizayol.UzLatn, "filing.phone_type_it", nil), func() { c.choose("share") })
}

// An appeal that is not hers, opened by a forged button, is not shown.
func TestMyAppealsShowsOnlyHers(t *testing.T) {
	db := testenv.DB(t)
	owner := inMenu(t, azizayol.Ru).withDB(db)
	owner.toReview("housing")
	owner.choose("send")
	list, err := owner.store.Appeals(context.Background(), owner.user.ID, 10)
	if err != nil || len(list) != 1 {
		t.Fatalf("%v %v", list, err)
	}
	if err := owner.store.Store.(*postgres.Unit).Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	other := newChat(t, azizayol.Ru).withDB(db)
	other.command("menu", "")
	out := other.data(AppealButton(list[0].ID))
	wantTexts(t, out, tr(t, azizayol.Ru, "my_appeals.not_found", nil))
	for _, value := range []string{"add", "helpful"} {
		other.refused(t, tr(t, azizayol.Ru, "input.use_buttons", nil), func() { other.text(value) })
	}
	if _, _, err := other.store.Appeal(context.Background(), other.user.ID, list[0].ID); err == nil {
		t.Error("another woman reads the appeal")
	}
	owner = newChat(t, azizayol.Ru).withDB(db)
	owner.user.ID = list[0].UserID
	owner.command("menu", "")
	out = owner.data(AppealButton(list[0].ID))
	if !strings.Contains(out[0].Text, list[0].Number) {
		t.Errorf("her own appeal: %q", out[0].Text)
	}
}

// Back to an earlier step and forward again keeps what she wrote; Back while she
// changes one part goes back to the summary.
func TestFilingBackAndForthKeepsTheDraft(t *testing.T) {
	db := testenv.DB(t)
	c := inMenu(t, azizayol.UzLatn).withDB(db)
	c.toReview("housing")
	want := c.sess.Data[keyText]
	c.choose("edit_text")
	wantPlace(t, c.sess, "appeal", stepText)
	c.choose(choiceBack)
	wantPlace(t, c.sess, "appeal", stepReview)
	if c.sess.Data[keyText] != want {
		t.Fatalf("going back from rewriting lost her words: %q", c.sess.Data[keyText])
	}
	c.choose("edit_text")
	c.text("Yangi matn")
	c.choose("continue")
	wantPlace(t, c.sess, "appeal", stepReview)
	if c.sess.Data[keyText] != "Yangi matn" || c.sess.Data[keyFiles] != "" {
		t.Fatalf("rewritten: %q", c.sess.Data[keyText])
	}
	c = inMenu(t, azizayol.UzLatn).withDB(db)
	c.toReview("housing")
	c.choose("edit_place")
	c.choose(choiceBack) // nothing changed: back to the summary, consent kept
	wantPlace(t, c.sess, "appeal", stepReview)
	c.choose("edit_topic")
	c.text("orqaga")
	wantPlace(t, c.sess, "appeal", stepReview)
	// From the phone back to the words and the district, then forward: all kept.
	c.choose("edit_phone")
	c.choose(choiceBack)
	wantPlace(t, c.sess, "appeal", stepReview)
	c = inMenu(t, azizayol.UzLatn).withDB(db)
	c.choose("appeal")
	c.choose("housing")
	c.choose("1703")
	c.choose("1703202")
	c.text(want)
	c.choose(choiceBack)
	wantPlace(t, c.sess, "appeal", stepDistrict)
	c.choose("1703202")
	wantPlace(t, c.sess, "appeal", stepMore)
	if c.sess.Data[keyText] != want {
		t.Fatalf("going back and forth lost her words: %q", c.sess.Data[keyText])
	}
}

// While the emergency guidance is shown, what she goes on writing belongs to her
// appeal; a refused message is not called kept.
func TestWordsUnderTheGuidanceGoToTheStep(t *testing.T) {
	db := testenv.DB(t)
	for _, lang := range azizayol.Langs {
		c := inMenu(t, lang).withDB(db)
		c.choose("appeal")
		c.choose("violence")
		c.choose("1703")
		c.choose("1703202")
		c.text("Помогите, мне нужна помощь.")
		wantPlace(t, c.sess, EmergencyDialog, "now")
		if c.sess.Return == nil || c.sess.Return.Data[keyDanger] != "" {
			t.Fatalf("a request for help is not harm: %+v", c.sess.Return)
		}
		out := c.text("Он бьёт меня каждый день, я боюсь.")
		wantTexts(t, out[len(out)-2:], tr(t, lang, "input.kept", map[string]any{"Minutes": 30}), tr(t, lang, "emergency.now", nil))
		out = c.text("Живём в Алтынкуле, у меня двое детей.")
		wantPlace(t, c.sess, "appeal", stepMore)
		if d := c.sess.Data; !strings.Contains(d[keyText], "каждый день") || !strings.Contains(d[keyText], "двое детей") || d[keyDanger] != "1" {
			t.Fatalf("%s: draft %v", lang, d)
		}
		// "3" is a word here, not the third button (Cancel).
		c.text("3")
		wantPlace(t, c.sess, "appeal", stepMore)
		// A sticker with a crisis caption is refused: not "kept".
		out = c.send(azizayol.Inbound{Kind: azizayol.KindMedia, Media: "sticker", FileID: "S", Text: "помогите"})
		for _, o := range out {
			if o.Text == tr(t, lang, "input.kept", map[string]any{"Minutes": 30}) {
				t.Errorf("%s: a refused sticker was called kept", lang)
			}
		}
		_ = out
	}
}
