package admin

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/azizayol/azizayol"
)

// cookieName is the session cookie. Its value is a random token; the database keeps
// only the token's hash.
const cookieName = "aa_session"

// The login throttle: after this many failures in the window, logins to the account
// (or from the address) are refused until the window ends, right password or not.
const (
	throttleWindow     = 15 * time.Minute
	maxAccountFailures = 5
	maxAddrFailures    = 30
)

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// session returns the staff member of the request's session, if it is live.
func (c *Console) session(r *http.Request) (azizayol.Staff, bool) {
	ck, err := r.Cookie(cookieName)
	if err != nil || ck.Value == "" || len(ck.Value) > 100 {
		return azizayol.Staff{}, false
	}
	me, err := c.cfg.Store.SessionStaff(r.Context(), tokenHash(ck.Value), c.cfg.Idle, c.cfg.Absolute)
	if err != nil {
		if !errors.Is(err, azizayol.ErrNotFound) {
			slog.Error("console session", "err", err)
		}
		return azizayol.Staff{}, false
	}
	return me, true
}

func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := c.session(r); ok {
		http.Redirect(w, r, Prefix+"/inbox", http.StatusSeeOther)
		return
	}
	c.page(w, r, azizayol.Staff{}, "login", http.StatusOK, map[string]any{"Next": safeNext(r.URL.Query().Get("next"))})
}

// safeNext keeps a redirect after login inside the console.
func safeNext(next string) string {
	if strings.HasPrefix(next, Prefix+"/") && !strings.HasPrefix(next, "//") && !strings.ContainsAny(next, "\\\r\n") {
		return next
	}
	return Prefix + "/inbox"
}

func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	email := azizayol.NormalizeEmail(r.FormValue("email"))
	password := r.FormValue("password")
	from := c.addr(r)
	refuse := func(status int, msg string) {
		c.page(w, r, azizayol.Staff{}, "login", status, map[string]any{
			"Next": safeNext(r.FormValue("next")), "Email": email, "Failed": msg,
		})
	}
	accountKey, addrKey := "login-account:"+email, "login-addr:"+from
	// The address's failures are counted after the check; the account's attempts
	// before it, so that guesses sent at once try no more passwords than guesses sent
	// one after the other (a login forgets them).
	addrHits, err := c.cfg.Counter.Hits(ctx, addrKey)
	var accountHits int64
	if err == nil && addrHits < maxAddrFailures {
		accountHits, err = c.cfg.Counter.Hit(ctx, accountKey, throttleWindow)
	}
	if err != nil {
		slog.Error("console login throttle", "err", err)
		refuse(http.StatusServiceUnavailable, "console.login.unavailable")
		return
	}
	if addrHits >= maxAddrFailures || accountHits > maxAccountFailures {
		_ = c.cfg.Store.Audit(ctx, azizayol.AuditEntry{Email: email, Action: "login_throttled", Addr: from})
		refuse(http.StatusTooManyRequests, "console.login.throttled")
		return
	}
	me, hash, err := c.cfg.Store.StaffByEmail(ctx, email)
	if err != nil && !errors.Is(err, azizayol.ErrNotFound) {
		slog.Error("console login", "err", err)
		refuse(http.StatusServiceUnavailable, "console.login.unavailable")
		return
	}
	if hash == "" {
		hash = dummyHash // as slow as a real check: no telling which emails have accounts
	}
	ok, herr := CheckPassword(hash, password)
	if herr != nil {
		slog.Error("console login: stored hash unreadable", "staff", email, "err", herr)
	}
	if err != nil || !ok || me.Disabled {
		if _, err := c.cfg.Counter.Hit(ctx, addrKey, throttleWindow); err != nil {
			slog.Error("console login throttle", "err", err)
		}
		_ = c.cfg.Store.Audit(ctx, azizayol.AuditEntry{StaffID: me.ID, Email: email, Action: "login_failed", Addr: from})
		refuse(http.StatusUnauthorized, "console.login.wrong")
		return
	}
	token := make([]byte, 32)
	if _, err := rand.Read(token); err != nil {
		c.failed(w, r, azizayol.Staff{}, err)
		return
	}
	value := base64.RawURLEncoding.EncodeToString(token)
	if err := c.cfg.Store.CreateSession(ctx, tokenHash(value), me.ID, from); err != nil {
		c.failed(w, r, azizayol.Staff{}, err)
		return
	}
	_ = c.cfg.Counter.ForgetHits(ctx, accountKey)
	if err := c.cfg.Store.Audit(ctx, azizayol.AuditEntry{StaffID: me.ID, Email: me.Email, Action: "login", Addr: from}); err != nil {
		slog.Error("console audit", "err", err)
	}
	http.SetCookie(w, &http.Cookie{
		Name: cookieName, Value: value, Path: Prefix + "/",
		MaxAge: int(c.cfg.Absolute.Seconds()), HttpOnly: true, Secure: c.cfg.SecureCookies, SameSite: http.SameSiteStrictMode,
	})
	http.Redirect(w, r, safeNext(r.FormValue("next")), http.StatusSeeOther)
}

func (c *Console) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: Prefix + "/", MaxAge: -1,
		HttpOnly: true, Secure: c.cfg.SecureCookies, SameSite: http.SameSiteStrictMode})
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	if ck, err := r.Cookie(cookieName); err == nil {
		if err := c.cfg.Store.DeleteSession(r.Context(), tokenHash(ck.Value)); err != nil {
			c.failed(w, r, me, err)
			return
		}
	}
	c.audit(r, me, "logout", 0, "")
	c.clearCookie(w)
	http.Redirect(w, r, Prefix+"/login", http.StatusSeeOther)
}

func (c *Console) logoutEverywhere(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	if err := c.cfg.Store.DeleteSessions(r.Context(), me.ID); err != nil {
		c.failed(w, r, me, err)
		return
	}
	c.audit(r, me, "logout_everywhere", 0, "")
	c.clearCookie(w)
	http.Redirect(w, r, Prefix+"/login", http.StatusSeeOther)
}

func (c *Console) setLang(w http.ResponseWriter, r *http.Request, me azizayol.Staff) {
	lang, ok := azizayol.ParseLang(r.FormValue("lang"))
	if !ok {
		c.fail(w, r, me, http.StatusBadRequest)
		return
	}
	if err := c.cfg.Store.SetStaffLang(r.Context(), me.ID, lang); err != nil {
		c.failed(w, r, me, err)
		return
	}
	http.Redirect(w, r, safeNext(r.FormValue("next")), http.StatusSeeOther)
}

// audit records what she saw or did outside a change's transaction (a view, a login);
// a failure is logged, and the page is still served.
func (c *Console) audit(r *http.Request, me azizayol.Staff, action string, appealID int64, detail string) {
	err := c.cfg.Store.Audit(r.Context(), azizayol.AuditEntry{
		StaffID: me.ID, Email: me.Email, Action: action, AppealID: appealID, Detail: detail, Addr: c.addr(r),
	})
	if err != nil {
		slog.Error("console audit", "action", action, "err", err)
	}
}

func (c *Console) actor(r *http.Request, me azizayol.Staff) Actor {
	return Actor{Staff: me, Addr: c.addr(r)}
}
