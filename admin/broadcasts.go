package admin

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/bot"
	"github.com/azizayol/azizayol/bot/sms"
	"github.com/azizayol/azizayol/internal/sensitive"
	"github.com/azizayol/azizayol/locales"
)

// BroadcastStore is what the console reads and keeps for broadcasts.
type BroadcastStore interface {
	azizayol.BroadcastStore
}

// Limits of what an admin types for a broadcast: the text with its footer fits one
// Telegram message (4,096 characters).
const (
	broadcastMaxText   = 3500
	broadcastMaxBudget = 10_000_000
)

func (c *Console) broadcastsRoutes() {
	c.handle("GET /broadcasts", admins, c.broadcastsPage)
	c.handle("GET /broadcasts/new", admins, c.broadcastNew)
	c.handle("POST /broadcasts", admins, c.broadcastSave)
	c.handle("GET /broadcasts/{id}", admins, c.broadcastPage)
	c.handle("POST /broadcasts/{id}", admins, c.broadcastSave)
	c.handle("POST /broadcasts/{id}/send", admins, c.broadcastSend)
	c.handle("POST /broadcasts/{id}/pause", admins, c.broadcastChange)
	c.handle("POST /broadcasts/{id}/resume", admins, c.broadcastChange)
	c.handle("POST /broadcasts/{id}/cancel", admins, c.broadcastChange)
}

func (c *Console) broadcastsPage(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	list, err := c.cfg.Store.Broadcasts(r.Context(), me.Scope(), 100)
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	c.page(w, r, me, "broadcasts", http.StatusOK, map[string]any{"List": list, "Rates": c.cfg.BroadcastRates})
}

// broadcastForm is the compose page: the draft, what is wrong with it, and what it
// takes to choose its audience.
type broadcastForm struct {
	B         azizayol.Broadcast
	Failed    []string // message ids
	Agencies  []azizayol.Agency
	Regions   []azizayol.Region
	Districts []azizayol.District
	Topics    []azizayol.InfoTopic
	Langs     []azizayol.Lang
	Channels  []azizayol.Channel
	Preview   *broadcastPreview
	ETA       time.Duration // of a running broadcast, at its channels' rates
	SMSWords  []string      // the words of its text no SMS may carry
}

// Has tells whether a list holds a value (for the checkboxes).
func (broadcastForm) Has(list any, v string) bool {
	switch l := list.(type) {
	case []azizayol.InfoTopic:
		return slices.Contains(l, azizayol.InfoTopic(v))
	case []azizayol.Lang:
		return slices.Contains(l, azizayol.Lang(v))
	case []azizayol.Channel:
		return slices.Contains(l, azizayol.Channel(v))
	}
	return false
}

// Text is the draft's text in a language.
func (f broadcastForm) Text(lang string) string { return f.B.Texts[azizayol.Lang(lang)] }

// Count is how many women it reaches by a channel.
func (p broadcastPreview) Count(ch string) int { return p.Counts[azizayol.Channel(ch)] }

func (c *Console) broadcastFormData(r *http.Request, b azizayol.Broadcast) (broadcastForm, error) {
	f := broadcastForm{B: b, Topics: azizayol.InfoTopics, Langs: azizayol.Langs, Channels: c.broadcastChannels()}
	var err error
	if f.Agencies, err = c.cfg.Store.Agencies(r.Context()); err != nil {
		return f, err
	}
	if f.Regions, err = c.cfg.Store.AllRegions(r.Context()); err != nil {
		return f, err
	}
	f.Districts, err = c.cfg.Store.AllDistricts(r.Context())
	return f, err
}

func (c *Console) broadcastNew(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	b := azizayol.Broadcast{AgencyID: me.AgencyID, Status: azizayol.BroadcastDraft,
		Audience: azizayol.Audience{Channels: []azizayol.Channel{azizayol.Telegram}}}
	f, err := c.broadcastFormData(r, b)
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	c.page(w, r, me, "broadcast", http.StatusOK, f)
}

// broadcastOf returns the broadcast of the URL if it is hers to see; otherwise it
// answers 404.
func (c *Console) broadcastOf(w http.ResponseWriter, r *http.Request, me azizayol.Staff) (azizayol.Broadcast, bool) {
	id, ok := pathID(r, "id")
	if !ok {
		c.fail(w, r, me, http.StatusNotFound)
		return azizayol.Broadcast{}, false
	}
	b, err := c.cfg.Store.Broadcast(r.Context(), me.Scope(), id)
	if err != nil {
		c.failed(w, r, me, err)
		return b, false
	}
	return b, true
}

// broadcastPage shows a draft to edit with its preview and audience, or the progress
// of one that was sent; the progress alone for the page's live refresh.
func (c *Console) broadcastPage(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	b, ok := c.broadcastOf(w, r, me)
	if !ok {
		return
	}
	if r.Header.Get("X-Partial") == "progress" {
		c.partial(w, r, me, "broadcast", "progress", broadcastForm{B: b, ETA: c.eta(b)})
		return
	}
	f, err := c.broadcastFormData(r, b)
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	f.ETA = c.eta(b)
	if b.Status == azizayol.BroadcastDraft {
		if f.Preview, err = c.preview(r, b); err != nil {
			c.failed(w, r, me, err)
			return
		}
	}
	c.page(w, r, me, "broadcast", http.StatusOK, f)
}

// broadcastPreview is how a draft will look and whom it will reach.
type broadcastPreview struct {
	Langs   []langPreview // in the order languages are offered
	Counts  map[azizayol.Channel]int
	Total   int
	SMSCost int     // so'm, for the SMS recipients at their languages' segments
	SMSNeed int     // segments the SMS recipients would take
	Rate    float64 // Telegram messages a second
	ETA     time.Duration
}

// langPreview is a draft in one language, as Telegram and as SMS.
type langPreview struct {
	Lang     azizayol.Lang
	Telegram string
	SMS      smsPreview
}

type smsPreview struct {
	Text     string
	Encoding string
	Segments int
	Chars    int
}

// preview renders a draft as each channel will show it and counts its audience.
func (c *Console) preview(r *http.Request, b azizayol.Broadcast) (*broadcastPreview, error) {
	p := &broadcastPreview{}
	segments := map[azizayol.Lang]int{}
	for _, lang := range azizayol.Langs {
		text := sms.Render(bot.BroadcastMessage(b.Texts[lang], lang, azizayol.SMS), lang)
		enc, parts, units := sms.Segments(text)
		segments[lang] = parts
		p.Langs = append(p.Langs, langPreview{Lang: lang,
			Telegram: bot.BroadcastMessage(b.Texts[lang], lang, azizayol.Telegram).PlainText(),
			SMS:      smsPreview{Text: text, Encoding: enc, Segments: parts, Chars: units}})
	}
	byLang, err := c.cfg.Store.CountAudience(r.Context(), b.Audience)
	if err != nil {
		return nil, err
	}
	p.Counts = map[azizayol.Channel]int{}
	for ch, langs := range byLang {
		for lang, n := range langs {
			p.Counts[ch] += n
			p.Total += n
			if ch == azizayol.SMS {
				p.SMSNeed += n * segments[lang]
			}
		}
	}
	p.SMSCost = p.SMSNeed * c.cfg.SMSPrice
	p.Rate = c.cfg.BroadcastRates[azizayol.Telegram]
	if p.Rate > 0 {
		p.ETA = time.Duration(float64(p.Counts[azizayol.Telegram]) / p.Rate * float64(time.Second))
	}
	return p, nil
}

// broadcastFromForm reads the compose form; failed lists what is wrong.
func (c *Console) broadcastFromForm(r *http.Request, me azizayol.Staff, b azizayol.Broadcast) (azizayol.Broadcast, []string) {
	var failed []string
	b.Texts = map[azizayol.Lang]string{}
	for _, lang := range azizayol.Langs {
		b.Texts[lang] = strings.TrimSpace(strings.ReplaceAll(r.FormValue("text_"+string(lang)), "\r\n", "\n"))
	}
	if r.FormValue("action") == "cyrillic" || b.Texts[azizayol.UzCyrl] == "" {
		b.Texts[azizayol.UzCyrl] = locales.ToCyrillic(b.Texts[azizayol.UzLatn]) // the transliterator's draft
	}
	for _, lang := range azizayol.Langs {
		switch t := b.Texts[lang]; {
		case !utf8.ValidString(t):
			failed = append(failed, "broadcasts.err.utf8")
		case t == "":
			failed = append(failed, "broadcasts.err.text_"+langField(lang))
		case utf8.RuneCountInString(t) > broadcastMaxText:
			failed = append(failed, "broadcasts.err.too_long")
		}
	}
	b.Audience = azizayol.Audience{}
	for _, v := range r.Form["topic"] {
		if t, ok := azizayol.ParseInfoTopic(v); ok && !slices.Contains(b.Audience.Topics, t) {
			b.Audience.Topics = append(b.Audience.Topics, t)
		}
	}
	if len(b.Audience.Topics) == 0 {
		failed = append(failed, "broadcasts.err.topic")
	}
	for _, v := range r.Form["lang"] {
		if l, ok := azizayol.ParseLang(v); ok && !slices.Contains(b.Audience.Langs, l) {
			b.Audience.Langs = append(b.Audience.Langs, l)
		}
	}
	for _, v := range r.Form["channel"] {
		if ch := azizayol.Channel(v); slices.Contains(c.broadcastChannels(), ch) && !slices.Contains(b.Audience.Channels, ch) {
			b.Audience.Channels = append(b.Audience.Channels, ch)
		}
	}
	if len(b.Audience.Channels) == 0 {
		failed = append(failed, "broadcasts.err.channel")
	}
	b.Audience.RegionCode, b.Audience.DistrictCode = r.FormValue("region"), r.FormValue("district")
	b.SMSBudget = 0
	if v := strings.TrimSpace(r.FormValue("sms_budget")); v != "" {
		budget, err := strconv.Atoi(v)
		if err != nil || budget < 0 || budget > broadcastMaxBudget {
			failed = append(failed, "broadcasts.err.budget")
		}
		b.SMSBudget = max(0, budget)
	}
	if slices.Contains(b.Audience.Channels, azizayol.SMS) && b.SMSBudget == 0 && !slices.Contains(failed, "broadcasts.err.budget") {
		failed = append(failed, "broadcasts.err.budget_needed")
	}
	if me.Role == azizayol.SuperAdmin {
		b.AgencyID, _ = strconv.ParseInt(r.FormValue("agency"), 10, 64)
	} else {
		b.AgencyID = me.AgencyID
	}
	b.SMSSegments = map[azizayol.Lang]int{}
	bySMS := slices.Contains(b.Audience.Channels, azizayol.SMS)
	var long bool
	for _, lang := range azizayol.Langs {
		text := sms.Render(bot.BroadcastMessage(b.Texts[lang], lang, azizayol.SMS), lang)
		_, parts, _ := sms.Segments(text)
		b.SMSSegments[lang] = parts
		long = long || utf8.RuneCountInString(text) > azizayol.SMSChars(lang)
	}
	if bySMS && long {
		failed = append(failed, "broadcasts.err.sms_long")
	}
	return b, failed
}

// smsWords are the words of a draft that no SMS may carry (an SMS stays on her phone
// and cannot be recalled), in every language.
func smsWords(b azizayol.Broadcast) []string {
	var words []string
	for _, lang := range azizayol.Langs {
		for _, w := range sensitive.SMS().Find(sms.Render(bot.BroadcastMessage(b.Texts[lang], lang, azizayol.SMS), lang)) {
			if !slices.Contains(words, w) {
				words = append(words, w)
			}
		}
	}
	return words
}

// checkPlace tells what is wrong with the audience's place and agency, known only
// from the lists.
func (f broadcastForm) checkPlace(b azizayol.Broadcast) []string {
	var failed []string
	if b.Audience.RegionCode != "" && !slices.ContainsFunc(f.Regions, func(r azizayol.Region) bool { return r.Code == b.Audience.RegionCode }) {
		failed = append(failed, "broadcasts.err.region")
	}
	if b.Audience.DistrictCode != "" && !slices.ContainsFunc(f.Districts, func(d azizayol.District) bool {
		return d.Code == b.Audience.DistrictCode && d.RegionCode == b.Audience.RegionCode
	}) {
		failed = append(failed, "broadcasts.err.district")
	}
	if !slices.ContainsFunc(f.Agencies, func(a azizayol.Agency) bool { return a.ID == b.AgencyID }) {
		failed = append(failed, "broadcasts.err.agency")
	}
	return failed
}

// broadcastSave creates or changes a draft; "cyrillic" only fills the Cyrillic text
// from the Latin one and shows the form again for corrections.
func (c *Console) broadcastSave(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	b := azizayol.Broadcast{Status: azizayol.BroadcastDraft, CreatedBy: me.ID}
	if r.PathValue("id") != "" {
		old, ok := c.broadcastOf(w, r, me)
		if !ok {
			return
		}
		if old.Status != azizayol.BroadcastDraft {
			back(w, r, Prefix+"/broadcasts/"+strconv.FormatInt(old.ID, 10), "err", "broadcasts.err.state")
			return
		}
		b = old
	}
	b, failed := c.broadcastFromForm(r, me, b)
	f, err := c.broadcastFormData(r, b)
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	failed = append(failed, f.checkPlace(b)...)
	if slices.Contains(b.Audience.Channels, azizayol.SMS) {
		if f.SMSWords = smsWords(b); len(f.SMSWords) > 0 {
			failed = append(failed, "broadcasts.err.sms_words")
		}
	}
	if r.FormValue("action") == "cyrillic" || len(failed) > 0 {
		status := http.StatusOK
		if r.FormValue("action") != "cyrillic" {
			f.Failed, status = slices.Compact(failed), http.StatusUnprocessableEntity
		}
		c.page(w, r, me, "broadcast", status, f)
		return
	}
	id, err := c.cfg.Store.SaveBroadcast(r.Context(), b)
	if errors.Is(err, azizayol.ErrBroadcastState) {
		back(w, r, Prefix+"/broadcasts/"+strconv.FormatInt(b.ID, 10), "err", "broadcasts.err.state")
		return
	}
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	c.audit(r, me, "broadcast_save", 0, "broadcast "+strconv.FormatInt(id, 10))
	back(w, r, Prefix+"/broadcasts/"+strconv.FormatInt(id, 10), "done", "console.done.saved")
}

// broadcastSend starts a draft now or at the time she chose (Tashkent).
func (c *Console) broadcastSend(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	b, ok := c.broadcastOf(w, r, me)
	if !ok {
		return
	}
	to, at, detail := azizayol.BroadcastRunning, time.Time{}, "now"
	from := []azizayol.BroadcastStatus{azizayol.BroadcastDraft, azizayol.BroadcastScheduled}
	if r.FormValue("when") == "later" {
		t, err := time.ParseInLocation("2006-01-02T15:04", r.FormValue("at"), azizayol.Tashkent)
		if err != nil || !t.After(c.cfg.Now()) {
			back(w, r, Prefix+"/broadcasts/"+strconv.FormatInt(b.ID, 10), "err", "broadcasts.err.when")
			return
		}
		to, at, detail = azizayol.BroadcastScheduled, t, "at "+t.Format(time.RFC3339)
		from = []azizayol.BroadcastStatus{azizayol.BroadcastDraft}
	}
	c.broadcastMove(w, r, me, b, from, to, at, "broadcast_send", detail)
}

// broadcastChange pauses, resumes or cancels a broadcast, as the URL says.
func (c *Console) broadcastChange(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	b, ok := c.broadcastOf(w, r, me)
	if !ok {
		return
	}
	switch {
	case strings.HasSuffix(r.URL.Path, "/pause"):
		c.broadcastMove(w, r, me, b, []azizayol.BroadcastStatus{azizayol.BroadcastRunning}, azizayol.BroadcastPaused, time.Time{}, "broadcast_pause", "")
	case strings.HasSuffix(r.URL.Path, "/resume"):
		c.broadcastMove(w, r, me, b, []azizayol.BroadcastStatus{azizayol.BroadcastPaused}, azizayol.BroadcastRunning, time.Time{}, "broadcast_resume", "")
	default:
		c.broadcastMove(w, r, me, b, []azizayol.BroadcastStatus{azizayol.BroadcastScheduled, azizayol.BroadcastRunning, azizayol.BroadcastPaused},
			azizayol.BroadcastCancelled, time.Time{}, "broadcast_cancel", "")
	}
}

func (c *Console) broadcastMove(w http.ResponseWriter, r *http.Request, me azizayol.Staff, b azizayol.Broadcast,
	from []azizayol.BroadcastStatus, to azizayol.BroadcastStatus, at time.Time, action, detail string) {
	path := Prefix + "/broadcasts/" + strconv.FormatInt(b.ID, 10)
	err := c.cfg.Store.SetBroadcastStatus(r.Context(), me.Scope(), b.ID, from, to, at)
	if errors.Is(err, azizayol.ErrBroadcastState) {
		back(w, r, path, "err", "broadcasts.err.state")
		return
	}
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	c.audit(r, me, action, 0, strings.TrimSpace("broadcast "+strconv.FormatInt(b.ID, 10)+" "+detail))
	back(w, r, path, "done", "broadcasts.done."+string(to))
}

// broadcastChannels are the channels broadcasts can go by here: those with a rate
// (SMS only when a provider is configured).
func (c *Console) broadcastChannels() []azizayol.Channel {
	var list []azizayol.Channel
	for _, ch := range azizayol.BroadcastChannels {
		if _, ok := c.cfg.BroadcastRates[ch]; ok {
			list = append(list, ch)
		}
	}
	return list
}

// eta is how long the rest of a broadcast will take at the slowest of its channels'
// configured rates (or the rate it achieves, when lower).
func (c *Console) eta(b azizayol.Broadcast) time.Duration {
	channels := b.Audience.Channels
	if len(channels) == 0 {
		channels = azizayol.BroadcastChannels
	}
	rate := 0.0
	for _, ch := range channels {
		if r := c.cfg.BroadcastRates[ch]; r > 0 && (rate == 0 || r < rate) {
			rate = r
		}
	}
	return b.Progress.ETA(rate)
}

// Duration is a duration as people read it: "2 h 05 min", "40 s".
func (v view) Duration(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	switch {
	case h > 0:
		return v.T("broadcasts.hours", "Hours", h, "Minutes", m)
	case m > 0:
		return v.T("broadcasts.minutes", "Minutes", m, "Seconds", s)
	}
	return v.T("broadcasts.seconds", "Seconds", s)
}

// Short is the start of a long text, for a list.
func (v view) Short(s string) string {
	if r := []rune(s); len(r) > 100 {
		return string(r[:100]) + "…"
	}
	return s
}
