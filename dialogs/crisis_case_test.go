package dialogs

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/crisis"
	"github.com/azizayol/azizayol/internal/testenv"
)

// crisisCall is one CrisisCase asked of a fakeStore without a database.
type crisisCall struct {
	userID int64
	lang   azizayol.Lang
	at     time.Time
}

// fakeCrises records, per fakeStore, the crisis cases asked of it; crisisFails makes
// them fail.
var (
	fakeCrisesMu sync.Mutex
	fakeCrises   = map[*fakeStore][]crisisCall{}
	crisisFails  = map[*fakeStore]error{}
)

// CrisisCase goes to the real store when the fake has one; without, it is recorded.
func (s *fakeStore) CrisisCase(ctx context.Context, userID int64, lang azizayol.Lang, at time.Time) (azizayol.Appeal, bool, error) {
	if s.Store != nil {
		return s.Store.CrisisCase(ctx, userID, lang, at)
	}
	fakeCrisesMu.Lock()
	defer fakeCrisesMu.Unlock()
	if err := crisisFails[s]; err != nil {
		return azizayol.Appeal{}, false, err
	}
	fakeCrises[s] = append(fakeCrises[s], crisisCall{userID, lang, at})
	return azizayol.Appeal{ID: 1, Number: "AA-2026-000001"}, len(fakeCrises[s]) == 1, nil
}

func crisesOf(s *fakeStore) []crisisCall {
	fakeCrisesMu.Lock()
	defer fakeCrisesMu.Unlock()
	return append([]crisisCall(nil), fakeCrises[s]...)
}

// Words of harm open a case for her, in any step and any language, at the time the
// engine tells; a request for help, the emergency button and /help bring the
// guidance and open none.
func TestWordsOfHarmOpenACrisisCase(t *testing.T) {
	at := tashkent("2026-03-08 23:40:00")
	harm := map[azizayol.Lang][]string{
		azizayol.UzLatn: {"oʻzimni oʻldiraman", "yashagim kelmayapti", "erim meni urdi", "ozimni oldiraman"},
		azizayol.UzCyrl: {"Ўзимни ўлдираман", "яшагим келмаяпти", "узимни улдираман"},
		azizayol.Ru:     {"не хочу жить", "хочу покончить с собой", "Муж бьёт меня", "он меня убьёт"},
	}
	for _, lang := range azizayol.Langs {
		for _, text := range harm[lang] {
			for name, place := range map[string]func(*testing.T, azizayol.Lang) *chat{
				"menu": inMenu, "language": inLanguage, "emergency": func(t *testing.T, l azizayol.Lang) *chat { return inEmergency(t, l, "centres") },
			} {
				t.Run(string(lang)+"/"+name+"/"+text, func(t *testing.T) {
					c := place(t, lang)
					c.engine = Standard(crisis.Default(), 30*time.Minute, func() time.Time { return at })
					c.text(text)
					wantEmergency(t, c.out[len(c.out)-1], lang, "now", name != "menu")
					calls := crisesOf(c.store)
					if len(calls) != 1 || calls[0] != (crisisCall{userID, lang, at}) {
						t.Errorf("crisis cases asked: %+v, want one for user %d in %s at %s", calls, userID, lang, at)
					}
				})
			}
		}
	}
	// A first message, with no session yet, opens one too.
	c := newChat(t, "")
	c.text("не хочу жить")
	if n := len(crisesOf(c.store)); n != 1 {
		t.Errorf("a first message of harm asked %d crisis cases", n)
	}

	for _, lang := range azizayol.Langs {
		c := inMenu(t, lang)
		for _, text := range []string{"yordam", "Помогите!", "1146", "ёрдам керак", "SOS"} {
			c.text(text)
			wantEmergency(t, c.out[len(c.out)-1], lang, "now", false)
			c.choose(choiceMenu)
		}
		c.command("help", "")
		c.choose(choiceMenu)
		c.data(anyStep + ":" + choiceSOS)
		if calls := crisesOf(c.store); len(calls) != 0 {
			t.Errorf("%s: requests for help opened crisis cases: %+v", lang, calls)
		}
	}
}

// When the case cannot be opened, she still gets the guidance, and the turn does not
// fail (it would be tried again later, the guidance with it).
func TestCrisisCaseFailureStillShowsTheGuidance(t *testing.T) {
	c := inMenu(t, azizayol.Ru)
	fakeCrisesMu.Lock()
	crisisFails[c.store] = errors.New("the database is away")
	fakeCrisesMu.Unlock()
	out := c.text("не хочу жить") // send fails the test on an error
	wantTexts(t, out, tr(t, azizayol.Ru, "emergency.now", nil))
}

// With the real records: one urgent case of topic crisis for the rehabilitation
// centre, due in 24 hours, whose thread says only that crisis words were detected,
// when and where — none of her words, nothing she sees. Words of harm again while it
// is open open no other case. The violence appeal she files afterwards is an appeal
// of its own, with her words.
func TestCrisisCaseWithTheRealRecords(t *testing.T) {
	db := testenv.DB(t)
	at := tashkent("2026-03-08 23:40:00")
	clk := &clock{now: at}
	for _, lang := range azizayol.Langs {
		t.Run(string(lang), func(t *testing.T) {
			c := inMenu(t, lang).withDB(db)
			c.engine = Standard(crisis.Default(), 30*time.Minute, clk.Now)
			clk.now = at
			words := "Erim meni uradi, oʻzimni oʻldiraman deb qoʻrqaman"
			c.text(words)
			wantEmergency(t, c.out[0], lang, "now", false)
			list, err := c.store.Appeals(context.Background(), c.user.ID, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 {
				t.Fatalf("%d appeals after words of harm, want the crisis case: %+v", len(list), list)
			}
			a := list[0]
			if a.Topic != azizayol.TopicCrisis || !a.Urgent || a.Agency.Code != "rehab" || a.Status != azizayol.Received ||
				a.Phone != "" || a.Lang != lang || !a.Filed.Equal(at) || !a.Deadline.Equal(at.Add(24*time.Hour)) {
				t.Errorf("crisis case %+v, want urgent, rehab, received, no phone, in %s, filed at %s, due 24 hours later", a, lang, at)
			}
			// Her view of it shows no thread: the line is an internal note.
			_, thread, err := c.store.Appeal(context.Background(), c.user.ID, a.ID)
			if err != nil || len(thread) != 0 {
				t.Errorf("she sees %+v (%v) in the crisis case, want nothing", thread, err)
			}

			// Again, a minute later, in the words step of a consultation: no second case.
			clk.now = at.Add(time.Minute)
			c.choose(choiceMenu)
			c.choose("consultation")
			c.choose("psychological")
			c.text("не хочу жить")
			c.choose(choiceResume)
			wantPlace(t, c.sess, "consultation", stepMore)
			c.choose("continue")
			c.choose("anonymous")
			c.choose("agree")
			c.choose("send")

			// The violence appeal she files afterwards is separate, with her words.
			c.choose("appeal")
			c.choose("violence")
			c.choose("1703")
			c.choose("1703202")
			c.text("Qoʻshnim bolalarimga tinchlik bermaydi.")
			c.choose("continue")
			c.send(azizayol.Inbound{Kind: azizayol.KindContact, Phone: "998901234567"})
			c.choose("agree")
			c.choose("send")

			list, err = c.store.Appeals(context.Background(), c.user.ID, 10)
			if err != nil {
				t.Fatal(err)
			}
			topics := map[string]int{}
			for _, a := range list {
				topics[a.Topic]++
			}
			if len(list) != 3 || topics[azizayol.TopicCrisis] != 1 || topics["psychological"] != 1 || topics["violence"] != 1 {
				t.Fatalf("appeals %v, want one crisis case, the consultation and the violence appeal", topics)
			}
			for _, a := range list {
				_, thread, err := c.store.Appeal(context.Background(), c.user.ID, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				switch a.Topic {
				case azizayol.TopicCrisis:
					if len(thread) != 0 {
						t.Errorf("the crisis case shows her %+v", thread)
					}
				case "violence":
					if len(thread) != 1 || thread[0].Text != "Qoʻshnim bolalarimga tinchlik bermaydi." {
						t.Errorf("the violence appeal's thread %+v", thread)
					}
				case "psychological":
					if len(thread) != 1 || thread[0].Text != "не хочу жить" || !a.Urgent {
						t.Errorf("the consultation %+v, thread %+v", a, thread)
					}
				}
			}
		})
	}
}
