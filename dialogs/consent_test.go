package dialogs

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/crisis"
	"github.com/azizayol/azizayol/internal/testenv"
	"github.com/azizayol/azizayol/postgres"
)

// consentsOf is what her consent records say, as "purpose version answer".
func consentsOf(t *testing.T, c *chat) []string {
	t.Helper()
	list, err := c.store.Store.(*postgres.Unit).Consents(context.Background(), c.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, k := range list {
		out = append(out, k.Purpose+" "+k.Version+" "+string(k.Answer))
	}
	return out
}

// Her answer to the consent question is recorded, no as well as yes, with the text she
// read (the SMS one by SMS) and the time; deleting her data records the withdrawal of
// what she had given, and her consent text names the menu item that does it.
func TestConsentRecordedAndWithdrawn(t *testing.T) {
	db := testenv.DB(t)
	clk := &clock{now: tashkent("2026-12-01 10:00:00")}
	for _, lang := range azizayol.Langs {
		c := inMenu(t, lang).withDB(db)
		c.engine = Standard(crisis.Default(), 30*time.Minute, clk.Now)
		// No to a consultation: nothing filed, the refusal kept.
		c.choose("consultation")
		c.choose("legal")
		c.text("Ajrashish uchun qanday hujjatlar kerak?")
		c.choose("continue")
		out := c.choose("anonymous")
		consent := prompt(t, out).Text
		for _, want := range []string{"Aziz-ayol.uz", tr(t, lang, "menu.delete_data", nil)} {
			if !strings.Contains(consent, want) {
				t.Errorf("%s: the consent text does not name %q: %q", lang, want, consent)
			}
		}
		out = c.choose("disagree")
		wantTexts(t, out, tr(t, lang, "filing.no_consent", nil), tr(t, lang, "menu.title", nil))
		// Yes to an appeal.
		c.toReview("housing")
		c.choose("send")
		want := []string{"consultation " + ConsentVersion + " refused", "appeal " + ConsentVersion + " given"}
		if got := consentsOf(t, c); !slices.Equal(got, want) {
			t.Errorf("%s: consents %q, want %q", lang, got, want)
		}
		// She withdraws it from the menu.
		c.choose("delete_data")
		// Her session ends with it: handled here, not by the chat.
		erase := azizayol.Inbound{Kind: azizayol.KindButton, Data: dataOf(t, prompt(t, c.out), "erase"), MessageID: 7, Ack: "cb"}
		sess, out, err := c.engine.Handle(context.Background(), c.store, c.user, c.sess, erase)
		if err != nil || sess != nil {
			t.Fatalf("%s: erase: session %+v, %v", lang, sess, err)
		}
		wantTexts(t, out, tr(t, lang, "delete.done", map[string]any{"Withdrawn": 1}))
		want = append(want, "appeal "+ConsentVersion+" withdrawn")
		if got := consentsOf(t, c); !slices.Equal(got, want) {
			t.Errorf("%s: after deleting her data, consents %q, want %q", lang, got, want)
		}
	}

	// By SMS: the SMS text's version, at the engine's time.
	c := smsChat(t, db, azizayol.Ru)
	c.engine = Standard(crisis.Default(), 30*time.Minute, clk.Now)
	c.text(c.number("consultation"))
	c.text(c.number("legal"))
	c.text("Какие документы нужны для развода?")
	c.text(c.number("continue"))
	c.text(c.number("own"))
	c.text(c.number("agree"))
	list, err := c.store.Store.(*postgres.Unit).Consents(context.Background(), c.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Version != ConsentVersionSMS || list[0].Answer != azizayol.ConsentGiven ||
		list[0].Purpose != "consultation" || !list[0].At.Equal(clk.now) {
		t.Errorf("by SMS: consents %+v, want the SMS text given at %s", list, clk.now)
	}
}
