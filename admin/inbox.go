package admin

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/azizayol/azizayol"
)

// filterOf reads the inbox's filter from the query string.
func filterOf(q url.Values) azizayol.Filter {
	page, _ := strconv.Atoi(q.Get("page"))
	status := azizayol.AppealStatus(q.Get("status"))
	switch status {
	case azizayol.Received, azizayol.InProgress, azizayol.Answered, azizayol.Closed, azizayol.Withdrawn:
	default:
		status = ""
	}
	return azizayol.Filter{
		Status: status, Topic: q.Get("topic"), Region: q.Get("region"), District: q.Get("district"),
		Urgent: q.Get("urgent") == "1", Overdue: q.Get("overdue") == "1",
		Mine: q.Get("mine") == "1", Unassigned: q.Get("unassigned") == "1",
		Query: q.Get("q"), Page: max(page, 0),
	}
}

type inboxData struct {
	Filter    azizayol.Filter
	Items     []azizayol.InboxItem
	Total     int
	Pages     int
	Topics    []string
	Regions   []azizayol.Region
	Districts []azizayol.District
	Statuses  []azizayol.AppealStatus
	PrevURL   string
	NextURL   string
}

func (c *Console) inbox(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	ctx := r.Context()
	f := filterOf(r.URL.Query())
	items, total, err := c.cfg.Store.Inbox(ctx, me, f, c.cfg.Now())
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	d := inboxData{Filter: f, Items: items, Total: total, Pages: (total + azizayol.InboxPage - 1) / azizayol.InboxPage,
		Statuses: []azizayol.AppealStatus{azizayol.Received, azizayol.InProgress, azizayol.Answered, azizayol.Closed, azizayol.Withdrawn}}
	q := r.URL.Query()
	if f.Page > 0 {
		q.Set("page", strconv.Itoa(f.Page-1))
		d.PrevURL = Prefix + "/inbox?" + q.Encode()
	}
	if (f.Page+1)*azizayol.InboxPage < total {
		q.Set("page", strconv.Itoa(f.Page+1))
		d.NextURL = Prefix + "/inbox?" + q.Encode()
	}
	// What she looked for is in the audit log (a phone number is a search for a woman);
	// the live refresh of a list she opened is not a new look, unless it searches.
	partial := r.Header.Get("X-Partial") == "inbox"
	if !partial || f.Query != "" {
		c.audit(r, me, "inbox", 0, r.URL.RawQuery)
	}
	if partial {
		c.partial(w, r, me, "inbox", "list", d)
		return
	}
	if d.Topics, err = c.cfg.Store.TopicCodes(ctx); err == nil {
		if d.Regions, err = c.cfg.Store.AllRegions(ctx); err == nil {
			d.Districts, err = c.cfg.Store.AllDistricts(ctx)
		}
	}
	if err != nil {
		c.failed(w, r, me, err)
		return
	}
	c.page(w, r, me, "inbox", http.StatusOK, d)
}

// partial renders one named template of a page, without the layout.
func (c *Console) partial(w http.ResponseWriter, r *http.Request, me azizayol.Staff, page, name string, data any) {
	v := c.view(r, me)
	v.Data = data
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := c.pages[page].ExecuteTemplate(w, name, v); err != nil {
		c.failed(w, r, me, fmt.Errorf("admin: render %s/%s: %w", page, name, err))
	}
}

func (c *Console) alertsSeen(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	if err := c.cfg.Store.SeenAlerts(r.Context(), me.ID, 0); err != nil {
		c.failed(w, r, me, err)
		return
	}
	http.Redirect(w, r, safeNext(r.FormValue("next")), http.StatusSeeOther)
}

// Hub hands the appeal events this instance hears (from every instance, through
// Redis) to the consoles open on it.
type Hub struct {
	mu   sync.Mutex
	subs map[chan azizayol.AppealEvent]struct{}
}

// NewHub returns an empty hub; feed it with Publish.
func NewHub() *Hub { return &Hub{subs: map[chan azizayol.AppealEvent]struct{}{}} }

// Publish hands an event to every open console; a console that is not reading loses
// it rather than slowing the others.
func (h *Hub) Publish(e azizayol.AppealEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- e:
		default:
		}
	}
}

func (h *Hub) subscribe() (chan azizayol.AppealEvent, func()) {
	ch := make(chan azizayol.AppealEvent, 16)
	h.mu.Lock()
	h.subs[ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs, ch)
		h.mu.Unlock()
	}
}

// events streams the appeal events in her scope as server-sent events, so the inbox
// shows new appeals without a reload.
func (c *Console) events(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	flusher, ok := w.(http.Flusher)
	if !ok || c.cfg.Events == nil {
		http.Error(w, "streaming unsupported", http.StatusNotImplemented)
		return
	}
	ch, done := c.cfg.Events.subscribe()
	defer done()
	stream(c, w, r, flusher, ch, func(e azizayol.AppealEvent) string {
		if !me.Sees(e.AgencyID, e.RegionCode) {
			return ""
		}
		body, _ := json.Marshal(e)
		return fmt.Sprintf("event: appeal\ndata: %s\n\n", body)
	})
}

// stream writes server-sent events until the request or the server ends: event turns
// what comes on ch into an event ("" skips it); a comment every 25 seconds keeps
// proxies from closing the connection.
func stream[T any](c *Console, w http.ResponseWriter, r *http.Request, flusher http.Flusher, ch <-chan T, event func(T) string) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 5000\n\n")
	flusher.Flush()
	keepalive := time.NewTicker(25 * time.Second)
	defer keepalive.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-c.streams.Done():
			return
		case <-keepalive.C:
			// A logout, a disabled account, a changed scope ends the stream here; the
			// page opens a new one with what she may see now.
			if _, ok := c.session(r); !ok {
				return
			}
			fmt.Fprint(w, ": keepalive\n\n")
		case v := <-ch:
			e := event(v)
			if e == "" {
				continue
			}
			fmt.Fprint(w, e)
		}
		flusher.Flush()
	}
}
