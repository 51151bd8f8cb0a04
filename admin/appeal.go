package admin

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/azizayol/azizayol"
)

type appealData struct {
	Item     azizayol.InboxItem
	Thread   []azizayol.ThreadEntry
	Canned   []azizayol.CannedAnswer
	Agencies []azizayol.Agency
	Draft    string // an answer that was refused, given back to edit
}

// appeal shows an appeal with its whole thread, and what she can do with it. The view
// is in the audit log before the page is served: no record, no page.
func (c *Console) appeal(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	ctx := r.Context()
	id, ok := pathID(r, "id")
	if !ok {
		c.fail(w, r, me, http.StatusNotFound)
		return
	}
	it, thread, err := c.cfg.Store.DeskAppeal(ctx, me, id)
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	if err := c.cfg.Store.Audit(ctx, azizayol.AuditEntry{
		StaffID: me.ID, Email: me.Email, Action: "view", AppealID: id, Addr: c.addr(r),
	}); err != nil {
		c.failed(w, r, me, err)
		return
	}
	d := appealData{Item: it, Thread: thread}
	if d.Canned, err = c.cfg.Store.CannedAnswers(ctx, it.Agency.ID); err == nil {
		d.Agencies, err = c.cfg.Store.Agencies(ctx)
	}
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	if err := c.cfg.Store.SeenAlerts(ctx, me.ID, id); err != nil {
		c.failed(w, r, me, err)
		return
	}
	c.page(w, r, me, "appeal", http.StatusOK, d)
}

// act runs a desk action on the appeal of the URL and goes back to it with what
// happened: refusals she can fix are named, anything else is logged once.
func (c *Console) act(w http.ResponseWriter, r *http.Request, me azizayol.Staff, done string, do func(id int64) error) {
	c.actAndGo(w, r, me, done, func(id int64) (bool, error) { return false, do(id) })
}

// actAndGo is act for an action after which the appeal may have left her scope
// (gone): she goes back to the inbox rather than to a page she may no longer see.
func (c *Console) actAndGo(w http.ResponseWriter, r *http.Request, me azizayol.Staff, done string, do func(id int64) (gone bool, err error)) {
	id, ok := pathID(r, "id")
	if !ok {
		c.fail(w, r, me, http.StatusNotFound)
		return
	}
	to := Prefix + "/appeals/" + strconv.FormatInt(id, 10)
	gone, err := do(id)
	switch {
	case err == nil && gone:
		back(w, r, Prefix+"/inbox", "done", done) // it left her scope (a transfer)
	case err == nil:
		back(w, r, to, "done", done)
	case errors.Is(err, azizayol.ErrNotFound):
		c.fail(w, r, me, http.StatusNotFound)
	case errors.Is(err, azizayol.ErrAppealClosed):
		back(w, r, to, "err", "console.err.closed")
	case errors.Is(err, ErrEmptyAnswer):
		back(w, r, to, "err", "console.err.empty")
	case errors.Is(err, ErrAnswerTooLong):
		back(w, r, to, "err", "console.err.too_long")
	case errors.Is(err, ErrNoReason):
		back(w, r, to, "err", "console.err.no_reason")
	case errors.Is(err, ErrSameAgency):
		back(w, r, to, "err", "console.err.same_agency")
	default:
		c.failed(w, r, me, fmt.Errorf("admin: %s: %w", done, err))
	}
}

func (c *Console) take(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	c.act(w, r, me, "console.done.taken", func(id int64) error {
		return c.cfg.Desk.Take(r.Context(), c.actor(r, me), id)
	})
}

func (c *Console) answer(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	c.act(w, r, me, "console.done.answered", func(id int64) error {
		return c.cfg.Desk.Answer(r.Context(), c.actor(r, me), id, r.FormValue("text"))
	})
}

func (c *Console) note(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	c.act(w, r, me, "console.done.noted", func(id int64) error {
		return c.cfg.Desk.Note(r.Context(), c.actor(r, me), id, r.FormValue("text"))
	})
}

func (c *Console) status(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	c.act(w, r, me, "console.done.status", func(id int64) error {
		s := azizayol.AppealStatus(r.FormValue("status"))
		if s != azizayol.InProgress && s != azizayol.Closed {
			return fmt.Errorf("admin: status %q: %w", s, azizayol.ErrNotFound)
		}
		return c.cfg.Desk.SetStatus(r.Context(), c.actor(r, me), id, s)
	})
}

func (c *Console) transfer(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	c.actAndGo(w, r, me, "console.done.transferred", func(id int64) (bool, error) {
		to, err := strconv.ParseInt(r.FormValue("agency"), 10, 64)
		if err != nil {
			return false, fmt.Errorf("admin: transfer to %q: %w", r.FormValue("agency"), azizayol.ErrNotFound)
		}
		agencies, err := c.cfg.Store.Agencies(r.Context())
		if err != nil {
			return false, err
		}
		for _, g := range agencies {
			if g.ID == to {
				err := c.cfg.Desk.Transfer(r.Context(), c.actor(r, me), id, g, r.FormValue("reason"))
				return me.Role != azizayol.SuperAdmin && me.AgencyID != g.ID, err
			}
		}
		return false, fmt.Errorf("admin: agency %d: %w", to, azizayol.ErrNotFound)
	})
}

// file serves a file she sent, through our server: the staff's browser never talks
// to Telegram, and the view is in the audit log.
func (c *Console) file(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	id, ok1 := pathID(r, "id")
	msg, ok2 := pathID(r, "msg")
	n, err := strconv.Atoi(r.PathValue("n"))
	if !ok1 || !ok2 || err != nil || n < 0 || n > 100 || c.cfg.Files == nil {
		c.fail(w, r, me, http.StatusNotFound)
		return
	}
	att, channel, err := c.cfg.Store.AttachmentOf(r.Context(), me, id, msg, n)
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	if channel != azizayol.Telegram {
		c.fail(w, r, me, http.StatusNotFound)
		return
	}
	if err := c.cfg.Store.Audit(r.Context(), azizayol.AuditEntry{
		StaffID: me.ID, Email: me.Email, Action: "view_file", AppealID: id, Detail: strconv.FormatInt(msg, 10) + "/" + strconv.Itoa(n), Addr: c.addr(r),
	}); err != nil {
		c.failed(w, r, me, err)
		return
	}
	body, ctype, err := c.cfg.Files.Open(r.Context(), att.FileID)
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	// Shown as a download unless it is a picture: nothing she sent runs in the console.
	switch ctype {
	case "image/jpeg", "image/png", "image/webp", "image/gif":
	default:
		ctype = "application/octet-stream"
		w.Header().Set("Content-Disposition", "attachment")
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.Write(body)
}
