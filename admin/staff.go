package admin

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/locales"
)

// Staff accounts: a super-admin manages every account, an agency admin those of her
// agency. Nobody manages herself into more power: an agency admin cannot make a
// super-admin, nor move an account to another agency.

type staffData struct {
	List     []azizayol.Staff
	Edit     azizayol.Staff
	Agencies []azizayol.Agency
	Regions  []azizayol.Region
	Roles    []azizayol.Role
	Failed   string
}

func (c *Console) staffData(r *http.Request, me azizayol.Staff) (staffData, error) {
	d := staffData{Roles: azizayol.Roles}
	if me.Role != azizayol.SuperAdmin {
		d.Roles = []azizayol.Role{azizayol.AgencyAdmin, azizayol.Operator}
	}
	var err error
	agency := me.AgencyID // 0 for a super-admin: all
	if d.List, err = c.cfg.Store.ListStaff(r.Context(), agency); err != nil {
		return d, err
	}
	if d.Agencies, err = c.cfg.Store.Agencies(r.Context()); err != nil {
		return d, err
	}
	if me.Role != azizayol.SuperAdmin {
		d.Agencies = slices.DeleteFunc(d.Agencies, func(g azizayol.Agency) bool { return g.ID != me.AgencyID })
	}
	d.Regions, err = c.cfg.Store.AllRegions(r.Context())
	return d, err
}

func (c *Console) staffPage(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	d, err := c.staffData(r, me)
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	d.Edit = azizayol.Staff{Role: azizayol.Operator, AgencyID: me.AgencyID, Lang: azizayol.UzLatn}
	c.page(w, r, me, "staff", http.StatusOK, d)
}

// staffForm reads an account from the form; an agency admin's accounts stay in her
// agency whatever the form says.
func staffForm(r *http.Request, me azizayol.Staff) azizayol.Staff {
	s := azizayol.Staff{
		Email: azizayol.NormalizeEmail(r.FormValue("email")), Name: strings.TrimSpace(r.FormValue("name")),
		Role: azizayol.Role(r.FormValue("role")), Lang: azizayol.UzLatn,
		Disabled: r.FormValue("disabled") == "1",
	}
	if l, ok := azizayol.ParseLang(r.FormValue("lang")); ok {
		s.Lang = l
	}
	s.AgencyID, _ = strconv.ParseInt(r.FormValue("agency"), 10, 64)
	if me.Role != azizayol.SuperAdmin {
		s.AgencyID = me.AgencyID
	}
	if s.Role == azizayol.SuperAdmin {
		s.AgencyID = 0
	}
	if s.Role == azizayol.Operator {
		for _, code := range r.Form["regions"] {
			if code != "" {
				s.Regions = append(s.Regions, code)
			}
		}
	}
	return s
}

func (c *Console) staffCreate(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	s := staffForm(r, me)
	password := r.FormValue("password")
	failed := ""
	switch {
	case !me.Manages(s):
		c.fail(w, r, me, http.StatusForbidden)
		return
	case s.Validate() != nil:
		failed = "console.staff.invalid"
	case len([]rune(password)) < azizayol.MinPassword:
		failed = "console.staff.weak_password"
	}
	if failed == "" {
		hash, err := HashPassword(password)
		if err != nil {
			c.failed(w, r, me, err)
			return
		}
		id, err := c.cfg.Store.CreateStaff(r.Context(), s, hash)
		if errors.Is(err, azizayol.ErrEmailTaken) {
			failed = "console.staff.taken"
		} else if err != nil {
			c.failed(w, r, me, err)
			return
		} else {
			c.audit(r, me, "staff_create", 0, s.Email+" "+string(s.Role))
			back(w, r, Prefix+"/staff/"+strconv.FormatInt(id, 10), "done", "console.done.saved")
			return
		}
	}
	c.staffRefused(w, r, me, "staff", s, failed)
}

// staffRefused shows the account form again, as she filled it, with what is wrong.
func (c *Console) staffRefused(w http.ResponseWriter, r *http.Request, me azizayol.Staff, page string, s azizayol.Staff, failed string) {
	d, err := c.staffData(r, me)
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	d.Edit, d.Failed = s, failed
	c.page(w, r, me, page, http.StatusUnprocessableEntity, d)
}

// managed returns the account of the URL if she manages it; otherwise it answers 404.
func (c *Console) managed(w http.ResponseWriter, r *http.Request, me azizayol.Staff) (azizayol.Staff, bool) {
	id, ok := pathID(r, "id")
	if !ok {
		c.fail(w, r, me, http.StatusNotFound)
		return azizayol.Staff{}, false
	}
	s, err := c.cfg.Store.StaffByID(r.Context(), id)
	if err == nil && !me.Manages(s) {
		err = azizayol.ErrNotFound
	}
	if err != nil {
		c.failed(w, r, me, err)
		return s, false
	}
	return s, true
}

func (c *Console) staffEdit(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	s, ok := c.managed(w, r, me)
	if !ok {
		return
	}
	d, err := c.staffData(r, me)
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	d.Edit = s
	c.page(w, r, me, "staff_edit", http.StatusOK, d)
}

func (c *Console) staffUpdate(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	old, ok := c.managed(w, r, me)
	if !ok {
		return
	}
	s := staffForm(r, me)
	s.ID, s.Email, s.AgencyID = old.ID, old.Email, old.AgencyID // an account keeps its email and agency
	if s.Role == azizayol.SuperAdmin {
		s.AgencyID = 0
	}
	failed := ""
	password := r.FormValue("password")
	switch {
	case !me.Manages(s) || (s.ID == me.ID && (s.Role != me.Role || s.Disabled)):
		failed = "console.staff.not_allowed" // nobody demotes or disables herself
	case (old.Role == azizayol.SuperAdmin) != (s.Role == azizayol.SuperAdmin):
		// A super-admin has no agency and everyone else one: such a change is a new
		// account, made with its agency, and this one disabled.
		failed = "console.staff.not_allowed"
	case s.Validate() != nil:
		failed = "console.staff.invalid"
	case password != "" && len([]rune(password)) < azizayol.MinPassword:
		failed = "console.staff.weak_password"
	}
	if failed == "" {
		if err := c.cfg.Store.UpdateStaff(r.Context(), s); err != nil {
			c.failed(w, r, me, err)
			return
		}
		if password != "" {
			hash, err := HashPassword(password)
			if err == nil {
				err = c.cfg.Store.SetPassword(r.Context(), s.ID, hash)
			}
			if err != nil {
				c.failed(w, r, me, err)
				return
			}
		}
		c.audit(r, me, "staff_update", 0, s.Email+" "+string(s.Role)+" disabled="+strconv.FormatBool(s.Disabled)+
			" password_changed="+strconv.FormatBool(password != ""))
		back(w, r, Prefix+"/staff/"+strconv.FormatInt(s.ID, 10), "done", "console.done.saved")
		return
	}
	c.staffRefused(w, r, me, "staff_edit", s, failed)
}

// staffLogout ends every session of an account (a lost phone, a staff member leaving).
func (c *Console) staffLogout(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	s, ok := c.managed(w, r, me)
	if !ok {
		return
	}
	if err := c.cfg.Store.DeleteSessions(r.Context(), s.ID); err != nil {
		c.failed(w, r, me, err)
		return
	}
	c.audit(r, me, "staff_logout", 0, s.Email)
	back(w, r, Prefix+"/staff/"+strconv.FormatInt(s.ID, 10), "done", "console.done.logged_out")
}

type auditData struct {
	Filter  azizayol.AuditFilter
	Entries []azizayol.AuditEntry
	NextURL string
}

// auditPage lets a super-admin read the audit log, filtered by who, what and appeal.
func (c *Console) auditPage(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	q := r.URL.Query()
	f := azizayol.AuditFilter{Email: q.Get("email"), Action: q.Get("action")}
	f.AppealID, _ = strconv.ParseInt(q.Get("appeal"), 10, 64)
	f.Page, _ = strconv.Atoi(q.Get("page"))
	f.Page = max(f.Page, 0)
	entries, err := c.cfg.Store.AuditLog(r.Context(), f)
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	d := auditData{Filter: f, Entries: entries}
	if len(entries) == 100 {
		q.Set("page", strconv.Itoa(f.Page+1))
		d.NextURL = Prefix + "/audit?" + q.Encode()
	}
	c.page(w, r, me, "audit", http.StatusOK, d)
}

type cannedData struct {
	List     []azizayol.CannedAnswer
	Agencies []azizayol.Agency
}

// cannedPage lists the canned answers she manages: her agency's, or (a super-admin)
// every agency's and those for all.
func (c *Console) cannedPage(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	list, err := c.cfg.Store.CannedAnswers(r.Context(), me.AgencyID)
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	if me.Role != azizayol.SuperAdmin {
		list = slices.DeleteFunc(list, func(a azizayol.CannedAnswer) bool { return a.AgencyID != me.AgencyID })
	}
	c.page(w, r, me, "canned", http.StatusOK, cannedData{List: list})
}

func (c *Console) cannedSave(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	a := azizayol.CannedAnswer{
		AgencyID: me.AgencyID, Title: strings.TrimSpace(r.FormValue("title")),
		Texts: azizayol.Names{
			UzLatn: strings.TrimSpace(r.FormValue("uz_latn")), UzCyrl: strings.TrimSpace(r.FormValue("uz_cyrl")),
			Ru: strings.TrimSpace(r.FormValue("ru")),
		},
	}
	a.ID, _ = strconv.ParseInt(r.FormValue("id"), 10, 64)
	if a.Texts.UzCyrl == "" {
		a.Texts.UzCyrl = locales.ToCyrillic(a.Texts.UzLatn) // the transliterator's draft
	}
	if a.Title == "" || a.Texts.UzLatn == "" || a.Texts.UzCyrl == "" || a.Texts.Ru == "" {
		back(w, r, Prefix+"/canned", "err", "console.err.canned_incomplete")
		return
	}
	if _, err := c.cfg.Store.SaveCannedAnswer(r.Context(), a); err != nil {
		c.failed(w, r, me, err)
		return
	}
	c.audit(r, me, "canned_save", 0, a.Title)
	back(w, r, Prefix+"/canned", "done", "console.done.saved")
}

func (c *Console) cannedDelete(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	id, ok := pathID(r, "id")
	if !ok {
		c.fail(w, r, me, http.StatusNotFound)
		return
	}
	if err := c.cfg.Store.DeleteCannedAnswer(r.Context(), id, me.AgencyID); err != nil {
		c.failed(w, r, me, err)
		return
	}
	c.audit(r, me, "canned_delete", 0, strconv.FormatInt(id, 10))
	back(w, r, Prefix+"/canned", "done", "console.done.deleted")
}
