package dialogs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/looplab/fsm"

	"github.com/azizayol/azizayol"
)

// filing is a dialog that files a consultation or an appeal: a fixed sequence of
// steps, each asking for one thing, then a summary where she sends it or changes any
// part. The consultation and the appeal (consultation.go, appeal.go) are two
// sequences of these steps.
type filing struct {
	name   string
	kind   azizayol.AppealKind
	topics []string // topic codes offered, in order (the topics table holds the rest)
	steps  []string // in order; stepReview last
}

// The steps. Each is a state of the dialog's machine and the event that goes to it.
const (
	stepTopic    = "topic"
	stepRegion   = "region"
	stepDistrict = "district"
	stepText     = "text"    // her words: a question or a description
	stepMore     = "more"    // more words or files, or go on
	stepPhone    = "phone"   // her number (or, for a consultation, anonymity)
	stepConsent  = "consent" // consent to the processing of her data
	stepReview   = "review"
)

// Keys of the draft in the session.
const (
	keyTopic    = "topic"
	keyRegion   = "region"
	keyDistrict = "district"
	keyText     = "text"
	keyFiles    = "files"   // "kind:file_id" lines
	keyPhone    = "phone"   // +998XXXXXXXXX
	keyAnon     = "anon"    // "1": she stays anonymous
	keyConsent  = "consent" // the consent version she agreed to
	keyDanger   = "danger"  // "1": she wrote words of danger
	keyKey      = "key"     // the draft's key: one appeal per submission
	keyEditing  = "editing" // "1": a field is changed from the summary
)

// Limits of what she sends with a filing.
const (
	MaxFilingText = 3 * MaxText // in characters, over several messages
	MaxFiles      = 10
)

// ConsentVersion names the consent text she agrees to (filing.consent in the message
// files); change it when the text changes, so each filing records what she read.
const ConsentVersion = "appeal-consent-2026-12-01.2"

// ConsentVersionSMS names the short consent text she reads by SMS (filing.consent_terms
// and filing.consent_sms).
const ConsentVersionSMS = "appeal-consent-sms-2026-12-01.2"

func (f filing) Name() string    { return f.name }
func (f filing) Initial() string { return f.steps[0] }

// Events: every step can be gone to from any other (the summary's changes), and
// "back" goes to the step before ("more" is not a place to go back to: its step
// before is the text's).
func (f filing) Events() fsm.Events {
	var evs fsm.Events
	for _, s := range f.steps {
		evs = append(evs, fsm.EventDesc{Name: s, Src: f.steps, Dst: s})
	}
	for i := 1; i < len(f.steps); i++ {
		prev := i - 1
		if f.steps[i] == stepMore {
			prev = i - 2
		}
		if prev >= 0 {
			evs = append(evs, fsm.EventDesc{Name: choiceBack, Src: []string{f.steps[i]}, Dst: f.steps[prev]})
		}
	}
	return evs
}

// TakesWords: her question or description, and what she adds to it.
func (f filing) TakesWords(state string) bool { return state == stepText || state == stepMore }

// Back, while she changes one part from the summary, goes back to the summary if
// nothing is missing there.
func (f filing) Back(t *Turn, state string) string {
	if t.Data()[keyEditing] != "" && state != stepReview && f.complete(t.Data()) {
		return stepReview
	}
	return ""
}

// complete tells whether the draft has every part the summary sends.
func (f filing) complete(d map[string]string) bool {
	if d[keyTopic] == "" || d[keyText] == "" && d[keyFiles] == "" || d[keyConsent] == "" {
		return false
	}
	if slices.Contains(f.steps, stepRegion) && (d[keyRegion] == "" || d[keyDistrict] == "") {
		return false
	}
	return d[keyPhone] != "" || d[keyAnon] != "" && f.kind == azizayol.KindConsultation
}

func (f filing) Callbacks(t *Turn) fsm.Callbacks {
	return fsm.Callbacks{
		"enter_" + stepReview: func(context.Context, *fsm.Event) {
			delete(t.Data(), keyEditing)
			if t.Data()[keyKey] == "" {
				t.Data()[keyKey] = newKey()
			}
		},
	}
}

func (f filing) Prompt(t *Turn, state string) Prompt {
	switch state {
	case stepTopic:
		return f.topicPrompt(t)
	case stepRegion:
		return regionPrompt(t)
	case stepDistrict:
		return districtPrompt(t)
	case stepText:
		return Prompt{Text: t.T(f.name+".text", nil), Nav: Nav{Back: true, Cancel: true, Clear: true}}
	case stepMore:
		return Prompt{
			Text: t.T("filing.more", map[string]any{
				"Chars": utf8.RuneCountInString(t.Data()[keyText]), "Files": len(files(t.Data())),
			}),
			Choices: [][]Choice{{{Value: "continue", Label: t.T("filing.continue", nil)}}},
			Nav:     Nav{Back: true, Cancel: true, Clear: true},
		}
	case stepPhone:
		choices := [][]Choice{{{Value: "share", Label: t.T("filing.share_phone", nil)}}}
		if own, ok := ownPhone(t); ok {
			// By SMS her number is known: the one she writes from.
			choices = [][]Choice{{{Value: "own", Label: t.T("filing.own_phone", map[string]any{"Phone": azizayol.FormatPhone(own)})}}}
		}
		if f.kind == azizayol.KindConsultation {
			choices = append(choices, []Choice{{Value: "anonymous", Label: t.T("filing.anonymous", nil)}})
		}
		return Prompt{Text: t.T(f.name+".phone", nil), Choices: choices, Ask: azizayol.AskContact, Nav: Nav{Back: true, Cancel: true}}
	case stepConsent:
		p := Prompt{
			Text: t.T("filing.consent", map[string]any{"Agency": agencyName(t, f.agency(t))}),
			Choices: [][]Choice{
				{{Value: "agree", Label: t.T("filing.agree", nil)}},
				{{Value: "disagree", Label: t.T("filing.disagree", nil)}},
			},
			Nav: Nav{Back: true, Clear: true},
		}
		if t.sms() {
			// What is kept, why and how long, then whom it goes to and the question:
			// in one SMS reply it would be over three SMS in Cyrillic.
			p.Notice = t.T("filing.consent_terms", nil)
		}
		return p
	case stepReview:
		return f.reviewPrompt(t)
	}
	t.fail(fmt.Errorf("dialogs: %s has no step %q", f.name, state))
	return Prompt{}
}

func (f filing) Event(t *Turn, state string, in Input) (string, error) {
	switch state {
	case stepTopic:
		return f.pickTopic(t, in)
	case stepRegion:
		return f.pickRegion(t, in)
	case stepDistrict:
		return f.pickDistrict(t, in)
	case stepText, stepMore:
		if state == stepMore && in.Choice == "continue" {
			return f.next(t, stepMore), nil
		}
		if state == stepText && t.Data()[keyEditing] != "" {
			// She rewrites it from the summary: what she sends now replaces it
			// (until then, Back returns to the summary with it as it was).
			if err := takeWords(t, in, true); err != nil {
				return "", err
			}
			return stepMore, nil
		}
		if err := takeWords(t, in, false); err != nil {
			return "", err
		}
		if state == stepMore {
			return "", nil // the same step again, with the new count
		}
		return stepMore, nil
	case stepPhone:
		return f.takePhone(t, in)
	case stepConsent:
		// Her answer is recorded either way, with the text she read (law ZRU-547).
		version := ConsentVersion
		if t.sms() {
			version = ConsentVersionSMS
		}
		answer := map[string]azizayol.ConsentAnswer{"agree": azizayol.ConsentGiven, "disagree": azizayol.ConsentRefused}[in.Choice]
		if answer == "" {
			return "", unexpected(in)
		}
		err := t.Store().RecordConsent(t.Context(), azizayol.Consent{
			UserID: t.User().ID, Purpose: string(f.kind), Version: version, Answer: answer, At: t.Now(),
		})
		if err != nil {
			return "", err
		}
		if answer == azizayol.ConsentRefused {
			t.Say("filing.no_consent", nil)
			t.Go(MenuDialog)
			return "", nil
		}
		t.Data()[keyConsent] = version
		return f.next(t, stepConsent), nil
	case stepReview:
		return f.review(t, in)
	}
	return "", unexpected(in)
}

// next is the step after state: the following one, or back to the summary when she
// is changing one field (through consent again if the change took it back).
func (f filing) next(t *Turn, state string) string {
	if t.Data()[keyEditing] != "" && state != stepRegion && state != stepText {
		if t.Data()[keyConsent] == "" {
			return stepConsent
		}
		return stepReview
	}
	i := slices.Index(f.steps, state)
	next := f.steps[i+1]
	if next == stepText && (t.Data()[keyText] != "" || t.Data()[keyFiles] != "") {
		next = stepMore // she went back and comes forward again: her words are kept
	}
	return next
}

func (f filing) topicPrompt(t *Turn) Prompt {
	var rows [][]Choice
	for _, code := range f.topics {
		rows = append(rows, []Choice{{Value: code, Label: t.T("topic."+code, nil)}})
	}
	return Prompt{Text: t.T(f.name+".topic", nil), Choices: rows, Nav: Nav{Menu: true}}
}

func (f filing) pickTopic(t *Turn, in Input) (string, error) {
	if !slices.Contains(f.topics, in.Choice) {
		return "", unexpected(in)
	}
	if err := topicOpen(t, in.Choice); err != nil {
		return "", err
	}
	if t.Data()[keyTopic] != in.Choice {
		delete(t.Data(), keyConsent) // another topic may go to another agency
	}
	t.Data()[keyTopic] = in.Choice
	return f.next(t, stepTopic), nil
}

// topicOpen refuses a topic outside its window of the year (the grant
// recommendation: 30 May to 8 June), naming the day it opens.
func topicOpen(t *Turn, code string) error {
	tp, err := t.Store().Topic(t.Context(), code)
	if err != nil {
		return err
	}
	if open, next := tp.Accepting(t.Now()); !open {
		return Refuse("filing.closed_window", map[string]any{"Date": date(next)})
	}
	return nil
}

// takeWords adds what she sent to the draft, or with replace starts the draft's words
// anew with it: text, or a photo or document with its caption.
func takeWords(t *Turn, in Input, replace bool) error {
	d := t.Data()
	text := strings.TrimSpace(in.Text)
	switch in.Kind {
	case azizayol.KindText:
		if !hasLetters(text) {
			return Refuse("filing.empty", nil)
		}
	case azizayol.KindMedia:
		if (in.Media != "photo" && in.Media != "document") || in.FileID == "" {
			return Refuse("filing.media_kind", nil)
		}
		if len(files(d)) >= MaxFiles {
			return Refuse("filing.too_many_files", map[string]any{"Max": MaxFiles})
		}
	default:
		return Refuse("filing.media_kind", nil)
	}
	if replace {
		delete(d, keyText)
		delete(d, keyFiles)
	}
	if text != "" {
		joined := text
		if d[keyText] != "" {
			joined = d[keyText] + "\n\n" + text
		}
		if utf8.RuneCountInString(joined) > MaxFilingText {
			return Refuse("filing.text_total", map[string]any{"Max": MaxFilingText})
		}
		d[keyText] = joined
	}
	if in.Kind == azizayol.KindMedia {
		d[keyFiles] = strings.TrimPrefix(d[keyFiles]+"\n"+in.Media+":"+in.FileID, "\n")
	}
	if t.Danger() {
		d[keyDanger] = "1"
	}
	return nil
}

// hasLetters tells whether a text says something: not empty, not only punctuation.
func hasLetters(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

func files(d map[string]string) []azizayol.Attachment {
	var out []azizayol.Attachment
	for _, line := range strings.Split(d[keyFiles], "\n") {
		if kind, id, ok := strings.Cut(line, ":"); ok {
			out = append(out, azizayol.Attachment{Kind: kind, FileID: id})
		}
	}
	return out
}

func (f filing) takePhone(t *Turn, in Input) (string, error) {
	d := t.Data()
	switch {
	case in.Choice == "anonymous" && f.kind == azizayol.KindConsultation:
		delete(d, keyPhone)
		d[keyAnon] = "1"
		t.SayHidingAsk("filing.anonymous_saved", nil)
		return f.next(t, stepPhone), nil
	case in.Choice == "own":
		own, ok := ownPhone(t)
		if !ok {
			return "", unexpected(in)
		}
		d[keyPhone] = own
		delete(d, keyAnon)
		t.Say("filing.phone_saved", map[string]any{"Phone": azizayol.FormatPhone(own)})
		return f.next(t, stepPhone), nil
	case in.Choice == "share":
		// Typed, not pressed: a channel without the contact button (SMS), or she
		// typed the label. Ask for the number itself.
		return "", Refuse("filing.phone_type_it", nil)
	case in.Kind == azizayol.KindContact, in.Kind == azizayol.KindText:
		raw := in.Text
		if in.Kind == azizayol.KindContact {
			raw = in.Phone
		}
		phone, ok := azizayol.NormalizePhone(raw)
		if !ok {
			return "", Refuse("filing.phone_invalid", nil)
		}
		d[keyPhone] = phone
		delete(d, keyAnon)
		t.SayHidingAsk("filing.phone_saved", map[string]any{"Phone": azizayol.FormatPhone(phone)})
		return f.next(t, stepPhone), nil
	}
	return "", unexpected(in)
}

// ownPhone is the number she writes from, when she writes by SMS.
func ownPhone(t *Turn) (string, bool) {
	if !t.sms() {
		return "", false
	}
	return azizayol.NormalizePhone(t.User().Address)
}

// agency is who will answer the draft as it stands (the zero Agency before a topic).
func (f filing) agency(t *Turn) azizayol.Agency {
	topic := t.Data()[keyTopic]
	if topic == "" {
		return azizayol.Agency{}
	}
	a, err := t.Store().Route(t.Context(), topic, t.Data()[keyRegion])
	if err != nil {
		t.fail(err)
	}
	return a
}

func (f filing) reviewPrompt(t *Turn) Prompt {
	d := t.Data()
	lines := []string{t.T("filing.review_title", nil)}
	if d[keyTopic] != "" {
		lines = append(lines, t.T("filing.review_topic", map[string]any{"Topic": t.T("topic."+d[keyTopic], nil)}))
	}
	if d[keyRegion] != "" {
		lines = append(lines, t.T("filing.review_place", map[string]any{"Place": placeName(t, d[keyRegion], d[keyDistrict])}))
	}
	if d[keyPhone] != "" {
		lines = append(lines, t.T("filing.review_phone", map[string]any{"Phone": azizayol.FormatPhone(d[keyPhone])}))
	} else {
		lines = append(lines, t.T("filing.review_anonymous", nil))
	}
	// By SMS the summary leaves out who answers (the consent named it just before,
	// the confirmation names it again) and quotes less of her words: it must fit three
	// SMS in Cyrillic.
	if a := f.agency(t); a.ID != 0 && !t.sms() {
		lines = append(lines, t.T("filing.review_agency", map[string]any{"Agency": a.Names.In(t.Lang())}))
	}
	// By SMS her words are not sent back: an SMS cannot be recalled, and what she
	// wrote may be what must not be read on her phone. The length tells her it is kept.
	lines = append(lines, t.T("filing.review_text", map[string]any{
		"Text": excerpt(d[keyText], quoted(t, 300)), "Length": utf8.RuneCountInString(d[keyText]),
	}))
	if n := len(files(d)); n > 0 {
		lines = append(lines, t.T("filing.review_files", map[string]any{"Count": n}))
	}
	edits := []Choice{{Value: "edit_topic", Label: t.T("filing.edit_topic", nil)}}
	if slices.Contains(f.steps, stepRegion) {
		edits = append(edits, Choice{Value: "edit_place", Label: t.T("filing.edit_place", nil)})
	}
	edits = append(edits,
		Choice{Value: "edit_text", Label: t.T("filing.edit_text", nil)},
		Choice{Value: "edit_phone", Label: t.T("filing.edit_phone", nil)})
	rows := append([][]Choice{{{Value: "send", Label: t.T("filing.send", nil)}}}, twoPerRow(edits)...)
	return Prompt{Text: strings.Join(lines, "\n"), Choices: rows, Nav: Nav{Cancel: true, Clear: true}}
}

func (f filing) review(t *Turn, in Input) (string, error) {
	d := t.Data()
	edit := map[string]string{"edit_topic": stepTopic, "edit_place": stepRegion, "edit_text": stepText, "edit_phone": stepPhone}
	if step, ok := edit[in.Choice]; ok && slices.Contains(f.steps, step) {
		d[keyEditing] = "1"
		return step, nil
	}
	if in.Choice != "send" {
		return "", unexpected(in)
	}
	if !f.complete(d) {
		// A draft that lost a part (a session from an older version): start again.
		t.Say("filing.incomplete", nil)
		return stepTopic, nil
	}
	if err := topicOpen(t, d[keyTopic]); err != nil {
		// The window closed while she was writing.
		return "", err
	}
	a, err := t.Store().File(t.Context(), azizayol.Draft{
		UserID: t.User().ID, Key: d[keyKey], Kind: f.kind, Topic: d[keyTopic],
		RegionCode: d[keyRegion], DistrictCode: d[keyDistrict],
		Text: d[keyText], Attachments: files(d), Phone: d[keyPhone], Danger: d[keyDanger] != "",
		Lang: t.Lang(), Consent: d[keyConsent], Filed: t.Now(),
	})
	if err != nil {
		return "", err
	}
	t.Say("filing.filed", map[string]any{
		"Number": a.Number, "Agency": agencyName(t, a.Agency), "Due": due(t, a),
	})
	t.Go(MenuDialog)
	return "", nil
}

// due says when an appeal will be answered.
func due(t *Turn, a azizayol.Appeal) string {
	if a.Urgent {
		return t.T("filing.due_urgent", nil)
	}
	return t.T("filing.due_date", map[string]any{"Date": date(a.Deadline)})
}

// date is a day as people in Uzbekistan write it: 07.12.2026, Tashkent time.
func date(tm time.Time) string {
	return tm.In(azizayol.Tashkent).Format("02.01.2006")
}

// smsQuote is how much of a long text (her words, an answer) a summary quotes by SMS.
const smsQuote = 50

// quoted is how much of a long text a summary quotes: n, or smsQuote by SMS.
func quoted(t *Turn, n int) int {
	if t.sms() {
		return smsQuote
	}
	return n
}

// excerpt shortens a text to n characters for a summary.
func excerpt(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n])) + "…"
}

func newKey() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// placeName is "District, Region" in her language.
func placeName(t *Turn, region, district string) string {
	var names []string
	if district != "" {
		if ds, err := t.Store().Districts(t.Context(), region); err != nil {
			t.fail(err)
		} else if i := slices.IndexFunc(ds, func(d azizayol.District) bool { return d.Code == district }); i >= 0 {
			names = append(names, ds[i].Names.In(t.Lang()))
		}
	}
	if rs, err := t.Store().Regions(t.Context()); err != nil {
		t.fail(err)
	} else if i := slices.IndexFunc(rs, func(r azizayol.Region) bool { return r.Code == region }); i >= 0 {
		names = append(names, rs[i].Names.In(t.Lang()))
	}
	return strings.Join(names, ", ")
}

// twoPerRow lays choices out two to a row.
func twoPerRow(cs []Choice) [][]Choice {
	var rows [][]Choice
	for i := 0; i < len(cs); i += 2 {
		rows = append(rows, cs[i:min(i+2, len(cs))])
	}
	return rows
}
