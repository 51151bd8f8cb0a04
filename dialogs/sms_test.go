package dialogs

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/bot/sms"
	"github.com/azizayol/azizayol/internal/testenv"
	"github.com/azizayol/azizayol/postgres"
)

// smsChat is a woman writing by SMS from her own number, who chose lang before, in
// the main menu, with the real records.
func smsChat(t *testing.T, db *postgres.DB, lang azizayol.Lang) *chat {
	t.Helper()
	c := newChat(t, lang)
	u := begin(t, db)
	c.user.Channel = azizayol.SMS
	c.user.Address = fmt.Sprintf("99890%07d", addresses.Add(1))
	usr, err := u.User(context.Background(), azizayol.SMS, c.user.Address)
	if err != nil {
		t.Fatal(err)
	}
	c.user.ID = usr.ID
	c.store.Store = u
	c.text("menyu")
	wantPlace(t, c.sess, MenuDialog, "main")
	return c
}

// number is what she types for the option of value v she sees now ("" if she sees none).
func (c *chat) number(v string) string {
	c.t.Helper()
	for i, b := range buttons(prompt(c.t, c.out)) {
		if value(b) == v || strings.HasPrefix(value(b), v) && v == choiceMore {
			return strconv.Itoa(i + 1)
		}
	}
	return ""
}

// By SMS a list too long for three SMS comes in parts: the numbers she types are the
// ones she sees, "more" shows the next part in the same step, and a new step starts at
// the first part. The navigation options are not listed (their words work).
func TestNumberedListsComeInParts(t *testing.T) {
	db := testenv.DB(t)
	c := smsChat(t, db, azizayol.Ru)
	c.text(c.number("appeal"))
	c.text(c.number("housing"))
	wantPlace(t, c.sess, "appeal", stepRegion)
	regions, err := c.store.Regions(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	first := prompt(t, c.out)
	vs := values(first)
	if len(vs) >= len(regions) || !strings.HasPrefix(vs[len(vs)-1], choiceMore) {
		t.Fatalf("the regions in Russian by SMS: %v, want a part and 'more' last", vs)
	}
	for _, v := range vs {
		if v == choiceBack || v == choiceCancel || v == choiceSOS {
			t.Errorf("navigation option %q listed by SMS", v)
		}
	}
	if _, parts, _ := sms.Segments(sms.Render(first, azizayol.Ru)); parts > 3 {
		t.Errorf("a part of the list takes %d SMS", parts)
	}
	shown := len(vs) - 1
	if vs[0] != regions[0].Code || strings.Contains(first.Buttons[0][0].Label, "область") {
		t.Errorf("first part: %v, labels %v", vs, first.Buttons)
	}

	step := c.sess.Step
	c.text(c.number(choiceMore))
	if c.sess.Step != step || c.sess.State != stepRegion {
		t.Fatalf("'more' moved her: %s step %d, was %d", c.sess.State, c.sess.Step, step)
	}
	if got := values(prompt(t, c.out))[0]; got != regions[shown].Code {
		t.Fatalf("the second part starts with %s, want %s", got, regions[shown].Code)
	}
	c.text("1") // the first option she sees now
	wantPlace(t, c.sess, "appeal", stepDistrict)
	if c.sess.Data[keyRegion] != regions[shown].Code {
		t.Fatalf("typed 1 in the second part chose %s, want %s", c.sess.Data[keyRegion], regions[shown].Code)
	}

	c.text("назад") // a new step: the list starts again
	wantPlace(t, c.sess, "appeal", stepRegion)
	if got := values(prompt(t, c.out))[0]; got != regions[0].Code {
		t.Errorf("back at the regions, the list starts with %s", got)
	}

	// On Telegram the same step lists every region, and the navigation buttons.
	tg := inMenu(t, azizayol.Ru).withDB(db)
	tg.choose("appeal")
	tg.choose("housing")
	if n := len(buttons(prompt(t, tg.out))); n != len(regions)+3 {
		t.Errorf("Telegram lists %d options, want the %d regions, back, cancel and emergency", n, len(regions))
	}
}

// By SMS her number is known: the phone step offers it as option 1, and a number she
// types is still taken.
func TestPhoneStepOffersHerNumberBySMS(t *testing.T) {
	db := testenv.DB(t)
	for _, typed := range []bool{false, true} {
		c := smsChat(t, db, azizayol.UzLatn)
		c.text(c.number("appeal"))
		c.text(c.number("housing"))
		c.text(c.number("1703"))
		c.text(c.number("1703202"))
		c.text("Ishsizman, uy-joy kerak")
		c.text(c.number("continue"))
		wantPlace(t, c.sess, "appeal", stepPhone)
		own, _ := azizayol.NormalizePhone(c.user.Address)
		p := prompt(t, c.out)
		if got := values(p); len(got) != 1 || got[0] != "own" || !strings.Contains(p.Buttons[0][0].Label, azizayol.FormatPhone(own)) {
			t.Fatalf("phone options by SMS: %v", p.Buttons)
		}
		want := own
		if typed {
			want = "+998901234567"
			c.text("+998 90 123 45 67")
		} else {
			c.text("1")
		}
		wantPlace(t, c.sess, "appeal", stepConsent)
		if c.sess.Data[keyPhone] != want {
			t.Errorf("phone %q, want %q", c.sess.Data[keyPhone], want)
		}
		// The consent comes in two SMS replies: what is kept, then whom it goes to.
		if len(c.out) != 3 || c.out[1].Text != tr(t, azizayol.UzLatn, "filing.consent_terms", nil) {
			t.Errorf("consent by SMS: %q", texts(c.out))
		}
		if strings.Contains(c.out[1].Text+c.out[2].Text, "Telegram") {
			t.Errorf("the SMS consent speaks of Telegram: %q", texts(c.out))
		}
	}
}

// A label she types is taken even when its option is in another part; the emergency
// guidance is never cut into parts, so "go back" it names is always an option.
func TestSMSTypedLabelsAndEmergencyWhole(t *testing.T) {
	db := testenv.DB(t)
	for _, lang := range azizayol.Langs {
		c := smsChat(t, db, lang)
		c.text(c.number("appeal"))
		c.text(c.number("housing"))
		regions, err := c.store.Regions(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		last := regions[len(regions)-1] // Tashkent city: in the last part
		c.text(last.Names.In(lang))
		if c.sess.Data[keyRegion] != last.Code {
			t.Errorf("%s: typing %q chose %q", lang, last.Names.In(lang), c.sess.Data[keyRegion])
		}
		c.text("yordam") // a crisis word, whatever the step
		for _, o := range c.out {
			for _, v := range values(o) {
				if strings.HasPrefix(v, choiceMore) {
					t.Errorf("%s: the emergency guidance comes in parts: %v", lang, values(o))
				}
			}
		}
		if c.number(choiceResume) == "" {
			t.Errorf("%s: no way back under the guidance: %v", lang, values(prompt(t, c.out)))
		}
	}
}
