package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/bot/sms"
)

// sensitiveAnswers are agencies' answers that name everything an SMS must not: the
// notice by SMS carries none of it.
var sensitiveAnswers = map[azizayol.Lang]string{
	azizayol.UzLatn: "Zoʻravonlik haqidagi murojaatingiz koʻrib chiqildi. Psixologimiz ertaga soat 10:00 da qoʻngʻiroq qiladi. " +
		"Himoya orderi olish uchun politsiyaga (102) murojaat qiling: 24 soat ichida beriladi. Xavfsiz boshpana kerak boʻlsa, " +
		"viloyat reabilitatsiya markazi sizni va bolalaringizni qabul qiladi; manzilni 1146 dan bilib oling. " +
		"Hujjatlaringizni (pasport, bolalarning tugʻilganlik haqidagi guvohnomasi) olib keling.",
	azizayol.UzCyrl: "Зўравонлик ҳақидаги мурожаатингиз кўриб чиқилди. Психологимиз эртага соат 10:00 да қўнғироқ қилади. " +
		"Ҳимоя ордери олиш учун полицияга (102) мурожаат қилинг: 24 соат ичида берилади. Хавфсиз бошпана керак бўлса, " +
		"вилоят реабилитация маркази сизни ва болаларингизни қабул қилади; манзилни 1146 дан билиб олинг.",
	azizayol.Ru: "Ваше обращение о насилии рассмотрено. Психолог позвонит вам завтра в 10:00. За охранным ордером " +
		"обратитесь в полицию (102): его выдадут за 24 часа. Если нужен приют, региональный центр реабилитации " +
		"примет вас с детьми; адрес узнайте по 1146.",
}

// An agency answers her appeal while she is busy with something else by SMS: her phone
// gets one neutral SMS — her appeal's number and "1 Oʻqish" — whatever the answer
// says. Answering "1" opens her appeal (not the first option of the step she was at),
// with the answer's beginning; its option reads the answer whole, in SMS of three
// segments at most. Every SMS before she opened it is neutral (checkNeutral).
func TestSMSNoticeReadWithOne(t *testing.T) {
	agg := newFakeAggregator(t)
	e := smsEnv(t, agg, "http")
	serveInProcess(t, e)
	for i, l := range languages {
		p := &phone{t: t, e: e, agg: agg, provider: "http", number: fmt.Sprintf("99890%07d", 3000+i), lang: l}
		num := p.fileBySMS()
		// She goes on: the courses, where "1" is the first region.
		p.pick(l.label(t, "menu.courses"))
		if opts := options(p.last()); len(opts) < 3 {
			t.Fatalf("%s: the regions of the courses: %q", l.lang, p.last())
		}
		var id int64
		if err := pool(t, e).QueryRow(t.Context(), `SELECT id FROM appeals WHERE number = $1`, num).Scan(&id); err != nil {
			t.Fatal(err)
		}
		before := len(agg.Sent(p.number))
		if err := desk(t, e).Answer(t.Context(), rootActor, id, sensitiveAnswers[l.lang]); err != nil {
			t.Fatal(err)
		}
		notice := agg.waitSent(t, p.number, before+1)[before:]
		want := sms.Render(azizayol.Outbound{Text: l.tr(t, "notice.answer_sms", map[string]any{"Number": num}) +
			"\n1 " + l.tr(t, "notice.open_sms", nil)}, l.lang)
		if len(notice) != 1 || notice[0].Text != want {
			t.Errorf("%s: the notice by SMS: %q, want %q", l.lang, smsTexts(notice), want)
		}

		read := len(agg.Sent(p.number))
		view := p.send("1")
		if !strings.HasPrefix(view[0].Text, num) || len(options(view[0].Text)) < 2 {
			t.Fatalf("%s: 1 under the notice: %q; want her appeal", l.lang, smsTexts(view))
		}
		first := strings.Fields(sms.Render(azizayol.Outbound{Text: sensitiveAnswers[l.lang]}, l.lang))[0]
		if !strings.Contains(view[0].Text, first) {
			t.Errorf("%s: her appeal opened does not quote the answer: %q", l.lang, view[0].Text)
		}
		whole := p.pick(l.label(t, "my_appeals.read"))
		var got strings.Builder
		for _, m := range whole[:len(whole)-1] { // then her appeal again
			if enc, parts, _ := sms.Segments(m.Text); parts > 3 {
				t.Errorf("%s: a part of the answer of %d SMS (%s)", l.lang, parts, enc)
			}
			got.WriteString(m.Text)
		}
		answer := sms.Render(azizayol.Outbound{Text: sensitiveAnswers[l.lang]}, l.lang)
		if !strings.Contains(strings.Join(strings.Fields(got.String()), ""), strings.Join(strings.Fields(answer), "")) {
			t.Errorf("%s: the answer read by SMS is not whole: %q", l.lang, smsTexts(whole))
		}
		t.Logf("%s: an answer of %d characters read in %d SMS messages after \"1\"", l.lang, len([]rune(answer)), len(whole)-1)
		agg.askedFor(p.number, read)
	}
}
