package admin_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/admin"
	"github.com/azizayol/azizayol/bot/sms"
	"github.com/azizayol/azizayol/dialogs"
	"github.com/azizayol/azizayol/internal/sensitive"
	"github.com/azizayol/azizayol/internal/testenv"
)

// The desk's notices by SMS are neutral: an SMS cannot be recalled, and the agency's
// answer, its name and her topic stay behind "1 Oʻqish" (the view of her appeal,
// opened by answering "1"). Every notice the desk sends — taken, answered, transferred,
// closed — for an appeal of every topic in every language, with an answer full of
// sensitive words, is one SMS without any word of internal/sensitive/sms_words.txt,
// names her appeal, and has one option that opens it. On Telegram the notice still
// carries the answer.
func TestSMSNoticesAreNeutral(t *testing.T) {
	words, err := sensitive.Load("../" + sensitive.File)
	if err != nil {
		t.Fatal(err)
	}
	db := testenv.DB(t)
	ctx := context.Background()
	desk := admin.NewDesk(db, func(int64) {}, time.Now)
	agencies, err := db.Agencies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var rehab azizayol.Agency
	for _, g := range agencies {
		if g.Code == "rehab" {
			rehab = g
		}
	}
	answers := map[azizayol.Lang]string{
		azizayol.UzLatn: "Zoʻravonlik haqidagi murojaatingiz boʻyicha psixolog qoʻngʻiroq qiladi; himoya orderi uchun politsiyaga (102) boring, boshpana bor.",
		azizayol.UzCyrl: "Зўравонлик ҳақидаги мурожаатингиз бўйича психолог қўнғироқ қилади; ҳимоя ордери учун полицияга (102) боринг, бошпана бор.",
		azizayol.Ru:     "По вашему обращению о насилии позвонит психолог; за охранным ордером обратитесь в полицию (102), есть приют.",
	}
	topics := []string{"violence", "psychological", "housing", "notebook_in", "employment", "misc"}
	checked := 0
	for i, lang := range azizayol.Langs {
		for j, topic := range topics {
			kind := azizayol.KindAppeal
			if topic == "psychological" {
				kind = azizayol.KindConsultation
			}
			a := filedAbout(t, db, azizayol.SMS, fmt.Sprintf("99893%03d%04d", i, j), lang, kind, topic)
			before := len(outbox(t, db))
			steps := []func() error{
				func() error { return desk.Take(ctx, superAdmin, a.ID) },
				func() error { return desk.Answer(ctx, superAdmin, a.ID, answers[lang]) },
				func() error { return desk.Transfer(ctx, superAdmin, a.ID, rehab, "Bu zoʻravonlik masalasi") },
				func() error { return desk.SetStatus(ctx, superAdmin, a.ID, azizayol.Closed) },
			}
			if a.Agency.ID == rehab.ID {
				steps = append(steps[:2], steps[3]) // already with the centre
			}
			for _, step := range steps {
				if err := step(); err != nil {
					t.Fatal(err)
				}
			}
			out := outbox(t, db)[before:]
			if len(out) != len(steps) {
				t.Fatalf("%s %s: %d notices for %d changes", lang, topic, len(out), len(steps))
			}
			for _, m := range out {
				text := sms.Render(m, lang)
				checked++
				if found := words.Find(text); len(found) > 0 {
					t.Errorf("%s %s: a notice by SMS with sensitive words %q: %q", lang, topic, found, text)
				}
				if _, parts, _ := sms.Segments(text); parts != 1 || !strings.Contains(text, a.Number) {
					t.Errorf("%s %s: a notice of %d SMS, or without the number %s: %q", lang, topic, parts, a.Number, text)
				}
				if len(m.Buttons) != 1 || len(m.Buttons[0]) != 1 || m.Buttons[0][0].Data != dialogs.AppealButton(a.ID) ||
					!strings.HasSuffix(text, "\n1 "+sms.Render(azizayol.Outbound{Text: m.Buttons[0][0].Label}, lang)) {
					t.Errorf("%s %s: the notice's option %+v: %q", lang, topic, m.Buttons, text)
				}
			}
		}
	}
	t.Logf("%d notices by SMS checked", checked)

	// On Telegram (whose messages she can delete) the notice still carries the answer.
	a := filedAbout(t, db, azizayol.Telegram, "7701", azizayol.Ru, azizayol.KindAppeal, "violence")
	before := len(outbox(t, db))
	if err := desk.Answer(ctx, superAdmin, a.ID, answers[azizayol.Ru]); err != nil {
		t.Fatal(err)
	}
	if out := outbox(t, db)[before:]; len(out) != 1 || !strings.Contains(out[0].Text, "охранным ордером") {
		t.Errorf("the notice on Telegram: %+v", out)
	}
}

// filedAbout files an appeal of kind about topic for a woman on channel who reads lang.
func filedAbout(t *testing.T, db interface {
	Do(context.Context, func(azizayol.Tx) error) error
}, channel azizayol.Channel, address string, lang azizayol.Lang, kind azizayol.AppealKind, topic string) azizayol.Appeal {
	t.Helper()
	var a azizayol.Appeal
	err := db.Do(context.Background(), func(tx azizayol.Tx) error {
		u, err := tx.User(context.Background(), channel, address)
		if err != nil {
			return err
		}
		if err := tx.SetLanguage(context.Background(), u.ID, lang); err != nil {
			return err
		}
		region := "1703"
		if kind == azizayol.KindConsultation {
			region = ""
		}
		a, err = tx.File(context.Background(), azizayol.Draft{
			UserID: u.ID, Kind: kind, Topic: topic, RegionCode: region, Text: "matn",
			Phone: "+998901234567", Lang: lang, Consent: "v", Filed: time.Now(),
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}
