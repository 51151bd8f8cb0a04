package admin_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/azizayol/azizayol"
)

func TestConsoleSmoke(t *testing.T) {
	c := newConsole(t)
	root := c.staff(azizayol.SuperAdmin, "")
	a := c.appeal("housing", "1703", "", "<script>alert(1)</script> uy kerak")
	cl := c.login(root)
	resp, body := c.get(cl, "/admin/inbox")
	if resp.StatusCode != 200 || !strings.Contains(body, a.Number) {
		t.Fatalf("inbox: %d\n%s", resp.StatusCode, body)
	}
	resp, body = c.get(cl, "/admin/appeals/"+itoa(a.ID))
	if resp.StatusCode != 200 || strings.Contains(body, "<script>alert") || !strings.Contains(body, "&lt;script&gt;alert(1)") {
		t.Fatalf("appeal: %d\n%s", resp.StatusCode, body)
	}
	if r := c.post(cl, "/admin/appeals/"+itoa(a.ID)+"/answer", url.Values{"text": {"Приходите в хокимият."}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("answer: %d", r.StatusCode)
	}
	_, body = c.get(cl, "/admin/appeals/"+itoa(a.ID))
	if !strings.Contains(body, "Приходите в хокимият.") {
		t.Fatalf("answer not in thread:\n%s", body)
	}
}
