package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/azizayol/azizayol/internal/testenv"
)

// `azizayol import`: a file with a bad row imports nothing and names the row; with
// -skip-invalid the good rows go in; the same file again changes nothing.
func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "andijon-vakansiyalar.csv")
	csv := "id,title,employer,region,district,salary_min,field,posted\n" +
		"A1,Tikuvchi,Andijon tekstil,1703,1703202,3000000,sewing,2026-11-20\n" +
		"A2,Oshpaz,,1703,,2500000,services,2026-11-21\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	e := env{"DATABASE_URL": testenv.DatabaseURL(t), "LOG_LEVEL": "error"}
	importing := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), append([]string{"import", "vacancies", file, "-source", "andijon-bandlik"}, args...),
			func(k string) string { return e[k] }, nil, &out, &out)
		return out.String(), err
	}
	out, err := importing()
	if err == nil || !strings.Contains(out, "vacancies row 3: employer is missing") || !strings.Contains(out, "0 new") {
		t.Fatalf("a bad row: %v\n%s", err, out)
	}
	out, err = importing("-skip-invalid")
	if err != nil || !strings.Contains(out, "1 new") {
		t.Fatalf("-skip-invalid: %v\n%s", err, out)
	}
	out, err = importing("-skip-invalid")
	if err != nil || !strings.Contains(out, "0 new, 0 changed, 1 unchanged") {
		t.Fatalf("again: %v\n%s", err, out)
	}
	if n := count(t, pool(t, e), `SELECT count(*) FROM vacancies WHERE source = 'andijon-bandlik'`); n != 1 {
		t.Errorf("%d vacancies stored", n)
	}
	if _, err := importing("-source"); err == nil {
		t.Error("a flag without its value was accepted")
	}
	var none bytes.Buffer
	if err := run(context.Background(), []string{"import", "vacancies", file}, func(k string) string { return e[k] }, nil, &none, &none); err == nil {
		t.Error("an import without -source was accepted")
	}
	var out2 bytes.Buffer
	if err := run(context.Background(), []string{"import", "jobs", file}, func(k string) string { return e[k] }, nil, &out2, &out2); err == nil {
		t.Error("an unknown kind was accepted")
	}
}

// `azizayol pull`: the nightly pull, now; it needs MEHNAT_API_URL.
func TestPullCommand(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"success":true,"data":{"current_page":1,"last_page":1,"total":1,"data":[
			{"id":77,"position_name":"Hamshira","company_name":"Poliklinika","position_salary":"4000000",
			 "vacancy_soato_code":"1703202","created_at":"2026-11-20 09:00:00"}]}}`)
	}))
	defer srv.Close()
	e := env{"DATABASE_URL": testenv.DatabaseURL(t), "LOG_LEVEL": "error"}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"pull"}, func(k string) string { return e[k] }, nil, &out, &out); err == nil {
		t.Error("pull without MEHNAT_API_URL was accepted")
	}
	e["MEHNAT_API_URL"] = srv.URL
	out.Reset()
	if err := run(context.Background(), []string{"pull", "-max-gone", "1"}, func(k string) string { return e[k] }, nil, &out, &out); err != nil || !strings.Contains(out.String(), "1 pages: 1 new") {
		t.Fatalf("pull: %v\n%s", err, out.String())
	}
	if n := count(t, pool(t, e), `SELECT count(*) FROM vacancies WHERE source = 'ish.mehnat.uz' AND source_id = '77'`); n != 1 {
		t.Errorf("%d vacancies pulled", n)
	}
}
