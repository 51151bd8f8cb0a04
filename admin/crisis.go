package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/crisis"
)

// The crisis vocabulary, kept by super-admins: the words, stems and phrases that
// bring the emergency guidance (and, for words of harm, open an urgent case). Every
// entry is checked before it is saved, every change is kept in the entry's history
// and in the audit log, and the bot of every instance matches with the new list
// within a minute (this instance at once: Config.CrisisChanged).

// CrisisStore is what the vocabulary's pages read and change (postgres.DB).
type CrisisStore interface {
	CrisisWords(ctx context.Context, f crisis.Filter) ([]crisis.Word, error)
	CrisisWord(ctx context.Context, id int64) (crisis.Word, error)
	CrisisHistory(ctx context.Context, wordID int64, limit int) ([]crisis.Change, error)
	CrisisEntries(ctx context.Context) ([]crisis.Entry, int64, error)
	SaveCrisisWord(ctx context.Context, w crisis.Word, by azizayol.Staff) (crisis.Word, string, error)
}

// Limits of what a super-admin types for an entry.
const (
	maxCrisisEntry = 200 // characters of an entry
	maxCrisisNote  = 500 // characters of its note
)

func (c *Console) crisisRoutes() {
	c.handle("GET /crisis", superOnly, c.crisisPage)
	c.handle("POST /crisis", superOnly, c.crisisAdd)
	c.handle("GET /crisis/{id}", superOnly, c.crisisEditPage)
	c.handle("POST /crisis/{id}", superOnly, c.crisisUpdate)
	c.handle("POST /crisis/{id}/active", superOnly, c.crisisActive)
}

// crisisFailure is what is wrong with an entry she typed, in her language.
type crisisFailure struct {
	ID   string // a message id
	Args []any  // its name, value pairs
}

type crisisData struct {
	Filter  crisis.Filter
	List    []crisis.Word
	Active  int // of the whole vocabulary
	Total   int
	History []crisis.Change
	Words   map[int64]string // the current text of the entries in History
	Edit    crisis.Word      // the entry being added or edited
	Failed  *crisisFailure
	Kinds   []crisis.Kind
	Langs   []string
	Try     string // a phrase she tries
	Tried   bool
	Matched string // the entry it matches ("" for none)
	Harm    bool
}

func (c *Console) crisisData(r *http.Request) (crisisData, error) {
	ctx := r.Context()
	q := r.URL.Query()
	d := crisisData{Kinds: crisis.Kinds, Langs: crisis.Langs, Edit: crisis.Word{Entry: crisis.Entry{Kind: crisis.Violence}}}
	d.Filter = crisis.Filter{Query: strings.TrimSpace(q.Get("q")), Kind: crisis.Kind(q.Get("kind")), Lang: q.Get("lang"), State: q.Get("state")}
	if !d.Filter.Kind.Valid() {
		d.Filter.Kind = ""
	}
	if !slices.Contains(crisis.Langs, d.Filter.Lang) {
		d.Filter.Lang = ""
	}
	if d.Filter.State != "active" && d.Filter.State != "inactive" {
		d.Filter.State = ""
	}
	var err error
	if d.List, err = c.cfg.Store.CrisisWords(ctx, d.Filter); err != nil {
		return d, err
	}
	all, err := c.cfg.Store.CrisisWords(ctx, crisis.Filter{})
	if err != nil {
		return d, err
	}
	d.Total = len(all)
	d.Words = map[int64]string{}
	for _, w := range all {
		d.Words[w.ID] = w.Text
		if w.Active {
			d.Active++
		}
	}
	if d.History, err = c.cfg.Store.CrisisHistory(ctx, 0, 30); err != nil {
		return d, err
	}
	// A phrase to try against the active entries, as the bot would match it now.
	if d.Try = strings.TrimSpace(q.Get("try")); d.Try != "" {
		entries, _, err := c.cfg.Store.CrisisEntries(ctx)
		if err != nil {
			return d, err
		}
		d.Tried = true
		if m, _ := crisis.Compile(entries); m != nil {
			d.Matched, _ = m.Match(d.Try)
			d.Harm = m.Harm(d.Try)
		}
	}
	return d, nil
}

// crisisPage lists the vocabulary with its filters, the form to add an entry, a
// phrase to try, and the latest changes.
func (c *Console) crisisPage(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	d, err := c.crisisData(r)
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	c.page(w, r, me, "crisis", http.StatusOK, d)
}

// crisisForm reads an entry from the form.
func crisisForm(r *http.Request) crisis.Entry {
	return crisis.Entry{
		Text: strings.TrimSpace(r.FormValue("entry")), Kind: crisis.Kind(r.FormValue("kind")),
		Lang: r.FormValue("lang"), Note: strings.TrimSpace(r.FormValue("note")),
	}
}

// checkCrisis checks an entry before it is saved beside the other active entries
// (all of them but itself: id): checkEntry, then that no other has its words.
func (c *Console) checkCrisis(ctx context.Context, e crisis.Entry, id int64) (*crisisFailure, error) {
	if f := checkEntry(e); f != nil {
		return f, nil
	}
	words, err := c.cfg.Store.CrisisWords(ctx, crisis.Filter{State: "active"})
	if err != nil {
		return nil, err
	}
	var others []crisis.Entry
	for _, w := range words {
		if w.ID != id {
			others = append(others, w.Entry)
		}
	}
	err = crisis.Validate(e.Text, others)
	var ee *crisis.EntryError
	if errors.As(err, &ee) {
		return entryFailure(ee), nil
	}
	return nil, err
}

// checkEntry checks what can be checked of an entry alone: its kind, language,
// lengths and syntax. An inactive entry is checked so; against the others when it
// is activated.
func checkEntry(e crisis.Entry) *crisisFailure {
	switch {
	case !e.Kind.Valid():
		return &crisisFailure{ID: "console.crisis.err.kind"}
	case e.Lang != "" && !slices.Contains(crisis.Langs, e.Lang):
		return &crisisFailure{ID: "console.crisis.err.lang"}
	case utf8.RuneCountInString(e.Text) > maxCrisisEntry:
		return &crisisFailure{ID: "console.crisis.err.entry_too_long", Args: []any{"Max", maxCrisisEntry}}
	case utf8.RuneCountInString(e.Note) > maxCrisisNote:
		return &crisisFailure{ID: "console.crisis.err.note_too_long", Args: []any{"Max", maxCrisisNote}}
	}
	var ee *crisis.EntryError
	if errors.As(crisis.Validate(e.Text, nil), &ee) {
		return entryFailure(ee)
	}
	return nil
}

// entryFailure explains an entry's error in the staff's language.
func entryFailure(e *crisis.EntryError) *crisisFailure {
	return &crisisFailure{ID: "console.crisis.err." + e.Code, Args: []any{
		"Word", e.Word, "Char", string(e.Char), "Letters", e.Letters, "Other", e.Other,
		"Min", crisis.MinStemLetters, "Max", crisis.MaxWordBytes,
	}}
}

// crisisChanged makes this instance match with the new list at once, and tells the
// others.
func (c *Console) crisisChanged() {
	if c.cfg.CrisisChanged != nil {
		c.cfg.CrisisChanged()
	}
}

// crisisAudit records a change of the vocabulary in the audit log.
func (c *Console) crisisAudit(r *http.Request, me azizayol.Staff, action string, old, now crisis.Word) {
	detail := fmt.Sprintf("#%d %q %s %s active=%v", now.ID, now.Text, now.Kind, now.Lang, now.Active)
	if action == crisis.ActionEdit {
		detail = fmt.Sprintf("#%d %q %s %s → %q %s %s", now.ID, old.Text, old.Kind, old.Lang, now.Text, now.Kind, now.Lang)
	}
	c.audit(r, me, "crisis_"+action, 0, detail)
}

func (c *Console) crisisAdd(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	e := crisisForm(r)
	failed, err := c.checkCrisis(r.Context(), e, 0)
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	if failed == nil {
		saved, action, err := c.cfg.Store.SaveCrisisWord(r.Context(), crisis.Word{Entry: e}, me)
		if err != nil {
			c.failed(w, r, me, err)
			return
		}
		c.crisisAudit(r, me, action, crisis.Word{}, saved)
		c.crisisChanged()
		back(w, r, Prefix+"/crisis/"+strconv.FormatInt(saved.ID, 10), "done", "console.done.saved")
		return
	}
	d, err := c.crisisData(r)
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	d.Edit.Entry, d.Failed = e, failed
	c.page(w, r, me, "crisis", http.StatusUnprocessableEntity, d)
}

type crisisEditData struct {
	Edit    crisis.Word
	History []crisis.Change
	Failed  *crisisFailure
	Kinds   []crisis.Kind
	Langs   []string
}

// crisisWord returns the entry of the URL, or answers 404.
func (c *Console) crisisWord(w http.ResponseWriter, r *http.Request, me azizayol.Staff) (crisis.Word, bool) {
	id, ok := pathID(r, "id")
	if !ok {
		c.fail(w, r, me, http.StatusNotFound)
		return crisis.Word{}, false
	}
	word, err := c.cfg.Store.CrisisWord(r.Context(), id)
	if err != nil {
		c.failed(w, r, me, err)
		return word, false
	}
	return word, true
}

func (c *Console) crisisEdit(w http.ResponseWriter, r *http.Request, me azizayol.Staff, word crisis.Word, failed *crisisFailure, status int) {
	history, err := c.cfg.Store.CrisisHistory(r.Context(), word.ID, 200)
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	c.page(w, r, me, "crisis_edit", status, crisisEditData{Edit: word, History: history, Failed: failed,
		Kinds: crisis.Kinds, Langs: crisis.Langs})
}

// crisisEditPage shows an entry with its whole history.
func (c *Console) crisisEditPage(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	word, ok := c.crisisWord(w, r, me)
	if !ok {
		return
	}
	c.crisisEdit(w, r, me, word, nil, http.StatusOK)
}

func (c *Console) crisisUpdate(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	old, ok := c.crisisWord(w, r, me)
	if !ok {
		return
	}
	next := old
	next.Entry = crisisForm(r)
	failed := checkEntry(next.Entry)
	if next.Active {
		var err error
		if failed, err = c.checkCrisis(r.Context(), next.Entry, old.ID); err != nil {
			c.failed(w, r, me, err)
			return
		}
	}
	if failed != nil {
		c.crisisEdit(w, r, me, next, failed, http.StatusUnprocessableEntity)
		return
	}
	c.saveCrisis(w, r, me, old, next)
}

// crisisActive deactivates an entry (it no longer matches, and stays in the list
// with its history) or activates it again.
func (c *Console) crisisActive(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	old, ok := c.crisisWord(w, r, me)
	if !ok {
		return
	}
	next := old
	next.Active = r.FormValue("active") == "1"
	var failed *crisisFailure
	switch {
	case next.Active && !old.Active:
		var err error
		if failed, err = c.checkCrisis(r.Context(), next.Entry, old.ID); err != nil {
			c.failed(w, r, me, err)
			return
		}
	case !next.Active && old.Active:
		active, err := c.cfg.Store.CrisisWords(r.Context(), crisis.Filter{State: "active"})
		if err != nil {
			c.failed(w, r, me, err)
			return
		}
		if len(active) <= 1 {
			failed = &crisisFailure{ID: "console.crisis.err.last"}
		}
	}
	if failed != nil {
		c.crisisEdit(w, r, me, old, failed, http.StatusUnprocessableEntity)
		return
	}
	c.saveCrisis(w, r, me, old, next)
}

func (c *Console) saveCrisis(w http.ResponseWriter, r *http.Request, me azizayol.Staff, old, next crisis.Word) {
	saved, action, err := c.cfg.Store.SaveCrisisWord(r.Context(), next, me)
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	to := Prefix + "/crisis/" + strconv.FormatInt(saved.ID, 10)
	if action == "" {
		back(w, r, to, "", "") // nothing changed
		return
	}
	c.crisisAudit(r, me, action, old, saved)
	c.crisisChanged()
	back(w, r, to, "done", "console.done.saved")
}

// CrisisLang names a language block of the vocabulary in the page's language.
func (v view) CrisisLang(code string) string {
	if code == "" {
		return v.T("console.crisis.lang.none")
	}
	return v.T("console.crisis.lang." + strings.ReplaceAll(code, "-", "_"))
}

// Failure explains what is wrong with an entry she typed.
func (v view) Failure(f *crisisFailure) string {
	if f == nil {
		return ""
	}
	return v.T(f.ID, f.Args...)
}
