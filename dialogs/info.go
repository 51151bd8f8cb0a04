package dialogs

import (
	"errors"
	"html"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/looplab/fsm"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/internal/sensitive"
)

// InfoDialog is "Useful information": what the agencies publish (resolution No. 507,
// Appendix 2), by topic, in her language, and the topics she gets broadcasts on.
const InfoDialog = "information"

// Info lists the topics; a topic lists its newest articles published in her language,
// a page at a time, with a switch for broadcasts on it; an article is shown with its
// link. "My subscriptions" turns every topic on or off and keeps the region and
// district she wants local news of. By SMS a topic is a short numbered list of titles:
// she sends a number to read one.
type Info struct{}

// Keys of the dialog in the session (keyRegion, keyDistrict and keyPage are shared).
const (
	keyInfoTopic   = "itopic"
	keyInfoArticle = "article"
)

// infoPageSMS is how many titles a page shows by SMS, each clipped to smsTitle.
const (
	infoPageSMS = 3
	smsTitle    = 30
	// smsScan is how many of the newest articles a topic looks through by SMS, where
	// those with words that must not be in an SMS are left out.
	smsScan = 60
)

// smsWords are the words no SMS may carry (issue 9): an article that has one is not
// offered by SMS, where it would stay on her phone. The list is the one every SMS
// text is tested against.
var smsWords = sensitive.SMS()

func (Info) Name() string    { return InfoDialog }
func (Info) Initial() string { return "topics" }

func (Info) Events() fsm.Events {
	return fsm.Events{
		{Name: "topic", Src: []string{"topics"}, Dst: "list"},
		{Name: "subs", Src: []string{"topics"}, Dst: "subs"},
		{Name: "open", Src: []string{"list"}, Dst: "article"},
		{Name: "region", Src: []string{"subs"}, Dst: "region"},
		{Name: "district", Src: []string{"region"}, Dst: "district"},
		{Name: "saved", Src: []string{"region", "district"}, Dst: "subs"},
		{Name: choiceBack, Src: []string{"list", "subs"}, Dst: "topics"},
		{Name: choiceBack, Src: []string{"article"}, Dst: "list"},
		{Name: choiceBack, Src: []string{"region"}, Dst: "subs"},
		{Name: choiceBack, Src: []string{"district"}, Dst: "region"},
	}
}

func (Info) Callbacks(t *Turn) fsm.Callbacks { return fsm.Callbacks{} }

func (Info) Prompt(t *Turn, state string) Prompt {
	switch state {
	case "list":
		return infoList(t)
	case "article":
		return infoArticle(t)
	case "subs":
		return infoSubs(t)
	case "region":
		p := regionPrompt(t)
		p.Text = t.T("info.region", nil)
		p.Choices = append([][]Choice{{{Value: wholeRegion, Label: t.T("info.whole_country", nil)}}}, p.Choices...)
		p.Nav = Nav{Back: true, Menu: true}
		return p
	case "district":
		p := placeDistricts(t)
		p.Nav = Nav{Back: true, Menu: true}
		return p
	}
	var cs []Choice
	for _, topic := range azizayol.InfoTopics {
		cs = append(cs, Choice{Value: "t:" + string(topic), Label: topicName(t, topic)})
	}
	rows := append(twoPerRow(cs), []Choice{{Value: "subs", Label: t.T("info.my_subs", nil)}})
	return Prompt{Text: t.T("info.title", nil), Choices: rows, Nav: Nav{Menu: true}}
}

func (Info) Event(t *Turn, state string, in Input) (string, error) {
	d := t.Data()
	switch state {
	case "topics":
		if in.Choice == "subs" {
			return "subs", nil
		}
		if code, ok := strings.CutPrefix(in.Choice, "t:"); ok {
			if topic, ok := infoTopic(code); ok {
				d[keyInfoTopic], d[keyPage] = string(topic), "0"
				return "topic", nil
			}
		}
	case "list":
		if n, ok := strings.CutPrefix(in.Choice, "a:"); ok {
			if _, err := strconv.ParseInt(n, 10, 64); err == nil {
				d[keyInfoArticle] = n
				return "open", nil
			}
		}
		if n, ok := strings.CutPrefix(in.Choice, "page:"); ok {
			page, err := strconv.Atoi(n)
			if err == nil && page >= 0 && page <= maxPage {
				d[keyPage] = strconv.Itoa(page)
				t.InPlace()
				return "", nil
			}
		}
		if in.Choice == "on" || in.Choice == "off" {
			return "", toggleTopic(t, listTopic(t), in.Choice == "on")
		}
	case "subs":
		if in.Choice == "place" {
			return "region", nil
		}
		kind, code, _ := strings.Cut(in.Choice, ":")
		if topic, ok := infoTopic(code); ok && (kind == "on" || kind == "off") {
			return "", toggleTopic(t, topic, kind == "on")
		}
	case "region":
		if in.Choice == wholeRegion {
			return "saved", saveNewsPlace(t, "", "")
		}
		if err := pickPlaceRegion(t, in); err != nil {
			return "", err
		}
		return "district", nil
	case "district":
		if in.Choice == wholeRegion {
			return "saved", saveNewsPlace(t, d[keyRegion], "")
		}
		if err := pickPlaceDistrict(t, in); err != nil {
			return "", err
		}
		return "saved", saveNewsPlace(t, d[keyRegion], d[keyDistrict])
	}
	return "", unexpected(in)
}

// infoTopic is the topic a value names.
func infoTopic(code string) (azizayol.InfoTopic, bool) { return azizayol.ParseInfoTopic(code) }

// listTopic is the topic whose articles she reads.
func listTopic(t *Turn) azizayol.InfoTopic {
	if topic, ok := infoTopic(t.Data()[keyInfoTopic]); ok {
		return topic
	}
	return azizayol.InfoTopics[0] // a session saved before it had one
}

// topicName is a topic's name in her language.
func topicName(t *Turn, topic azizayol.InfoTopic) string {
	return t.T("info.topic."+string(topic), nil)
}

// toggleTopic turns her broadcasts on a topic on or off and says so; she stays where
// she is.
func toggleTopic(t *Turn, topic azizayol.InfoTopic, on bool) error {
	if err := t.Store().SetInfoTopic(t.Context(), t.User().ID, topic, on); err != nil {
		return err
	}
	id := "info.unsubscribed"
	if on {
		id = "info.subscribed"
	}
	t.Say(id, map[string]any{"Topic": topicName(t, topic)})
	return nil
}

// saveNewsPlace keeps her place for local news and says so.
func saveNewsPlace(t *Turn, region, district string) error {
	if err := t.Store().SetNewsPlace(t.Context(), t.User().ID, region, district); err != nil {
		return err
	}
	t.Say("info.place_saved", map[string]any{"Place": newsPlace(t, region, district)})
	return nil
}

// newsPlace names her place for local news: the whole country when she chose none.
func newsPlace(t *Turn, region, district string) string {
	if region == "" {
		return t.T("info.whole_country", nil)
	}
	return placeName(t, region, district)
}

// infoPage is the page of a topic's articles she is at, and whether there is more.
// By SMS the articles whose words must not be in an SMS are left out.
func infoPage(t *Turn, topic azizayol.InfoTopic) ([]azizayol.Article, bool) {
	page := currentPage(t)
	if t.sms() {
		all, err := t.Store().InfoArticles(t.Context(), topic, t.Lang(), 0, smsScan)
		if err != nil {
			t.fail(err)
			return nil, false
		}
		all = slices.DeleteFunc(all, func(a azizayol.Article) bool { return !smsSafe(a, t.Lang()) })
		from := min(page*infoPageSMS, len(all))
		to := min(from+infoPageSMS, len(all))
		return all[from:to], to < len(all)
	}
	list, err := t.Store().InfoArticles(t.Context(), topic, t.Lang(), page*PageSize, PageSize+1)
	if err != nil {
		t.fail(err)
		return nil, false
	}
	return list[:min(len(list), PageSize)], len(list) > PageSize
}

// smsSafe tells whether an article may be sent by SMS: nothing in its title or text
// is on the list of words an SMS must not carry.
func smsSafe(a azizayol.Article, lang azizayol.Lang) bool {
	return len(smsWords.Find(a.Title.In(lang))) == 0 && len(smsWords.Find(a.Text.In(lang))) == 0
}

// infoList is a page of a topic: its newest articles, the pages, and the switch of
// broadcasts on it.
func infoList(t *Turn) Prompt {
	topic := listTopic(t)
	list, more := infoPage(t, topic)
	subscribed, err := t.Store().InfoTopicsOf(t.Context(), t.User().ID)
	if err != nil {
		t.fail(err)
	}
	var rows [][]Choice
	for _, a := range list {
		title := a.Title.In(t.Lang())
		if t.sms() {
			title = excerpt(title, smsTitle)
		}
		rows = append(rows, []Choice{{Value: "a:" + strconv.FormatInt(a.ID, 10), Label: title}})
	}
	page := currentPage(t)
	var turn []Choice
	if page > 0 {
		turn = append(turn, Choice{Value: pageValue(page - 1), Label: t.T("listing.prev", nil)})
	}
	if more {
		turn = append(turn, Choice{Value: pageValue(page + 1), Label: t.T("listing.next", nil)})
	}
	if len(turn) > 0 {
		rows = append(rows, turn)
	}
	toggle := Choice{Value: "on", Label: t.T("info.subscribe", nil)}
	if slices.Contains(subscribed, topic) {
		toggle = Choice{Value: "off", Label: t.T("info.unsubscribe", nil)}
	}
	rows = append(rows, []Choice{toggle})
	name := topicName(t, topic)
	text := t.T("info.list", map[string]any{"Topic": name})
	if len(list) == 0 {
		text = t.T("info.none", map[string]any{"Topic": name})
	}
	return Prompt{Text: text, Choices: rows, Nav: Nav{Back: true, Menu: true}}
}

// infoArticle is the article she chose, with its link; by SMS the beginning of it,
// to fit one reply.
func infoArticle(t *Turn) Prompt {
	id, _ := strconv.ParseInt(t.Data()[keyInfoArticle], 10, 64)
	a, err := t.Store().InfoArticle(t.Context(), id, t.Lang())
	if errors.Is(err, azizayol.ErrNotFound) || (err == nil && t.sms() && !smsSafe(a, t.Lang())) {
		return Prompt{Text: t.T("info.gone", nil), Nav: Nav{Back: true, Menu: true}}
	}
	if err != nil {
		t.fail(err)
		return Prompt{}
	}
	link := ""
	if a.MediaURL != "" {
		link = t.T("info.media."+string(a.MediaKind), map[string]any{"URL": a.MediaURL})
	}
	title, text := a.Title.In(t.Lang()), a.Text.In(t.Lang())
	if t.sms() {
		// The title, the link and as much of the text as fits one reply; the whole
		// article is on Telegram.
		room := azizayol.SMSChars(t.Lang()) - utf8.RuneCountInString(title) - utf8.RuneCountInString(html.UnescapeString(link)) - 8
		text = excerpt(text, max(room, 0))
	}
	return Prompt{Text: azizayol.ArticleMessage(title, text, link), Nav: Nav{Back: true, Menu: true}}
}

// infoSubs is "my subscriptions": every topic on or off, and her place for news.
func infoSubs(t *Turn) Prompt {
	subscribed, err := t.Store().InfoTopicsOf(t.Context(), t.User().ID)
	if err != nil {
		t.fail(err)
	}
	region, district, err := t.Store().NewsPlace(t.Context(), t.User().ID)
	if err != nil && !errors.Is(err, azizayol.ErrNotFound) { // not yet a record: no place
		t.fail(err)
	}
	var cs []Choice
	for _, topic := range azizayol.InfoTopics {
		c := Choice{Value: "on:" + string(topic), Label: t.T("info.off", map[string]any{"Topic": topicName(t, topic)})}
		if slices.Contains(subscribed, topic) {
			c = Choice{Value: "off:" + string(topic), Label: t.T("info.on", map[string]any{"Topic": topicName(t, topic)})}
		}
		cs = append(cs, c)
	}
	rows := append(twoPerRow(cs), []Choice{{Value: "place", Label: t.T("info.place", nil)}})
	return Prompt{
		Text:    t.T("info.subs", map[string]any{"Place": newsPlace(t, region, district)}),
		Choices: rows, Nav: Nav{Back: true, Menu: true},
	}
}
