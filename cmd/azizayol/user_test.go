package main

import (
	"bytes"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/admin"
	"github.com/azizayol/azizayol/internal/testenv"
)

// `azizayol user add`: the first super-admin and every other account from the command
// line, with a password read from stdin or made up and shown once; what is wrong is
// refused before anything is stored.
func TestUserAddCommand(t *testing.T) {
	e := env{"DATABASE_URL": testenv.DatabaseURL(t), "LOG_LEVEL": "error"}
	p := pool(t, e)
	add := func(stdin string, args ...string) (string, error) {
		var out bytes.Buffer
		err := run(t.Context(), append([]string{"user", "add"}, args...), func(k string) string { return e[k] }, strings.NewReader(stdin), &out, &out)
		return out.String(), err
	}

	// A super-admin with her password from stdin: it is not echoed, and it verifies.
	const rootPassword = "Mahalla-2026 uzun parol"
	out, err := add(rootPassword+"\r\n", "-email", " Root@Mahalla.UZ ", "-name", "Bosh admin", "-role", "super_admin", "-password-stdin")
	if err != nil || !strings.Contains(out, "root@mahalla.uz (super_admin)") {
		t.Fatalf("super-admin: %v\n%s", err, out)
	}
	if strings.Contains(out, rootPassword) || strings.Contains(out, "password") {
		t.Errorf("the password from stdin was printed:\n%s", out)
	}
	root := storedStaff(t, p, "root@mahalla.uz")
	if root.role != "super_admin" || root.agency != "" || len(root.regions) != 0 || root.lang != "uz-Latn" || root.name != "Bosh admin" {
		t.Errorf("super-admin stored as %+v", root)
	}
	if ok, err := admin.CheckPassword(root.hash, rootPassword); !ok || err != nil {
		t.Errorf("her password does not verify against the stored hash %q: %v", root.hash, err)
	}
	if ok, _ := admin.CheckPassword(root.hash, rootPassword+" "); ok {
		t.Error("another password verifies")
	}
	if !strings.HasPrefix(root.hash, "$argon2id$") {
		t.Errorf("hash %q is not argon2id", root.hash)
	}

	// Without -password-stdin a password is made up and printed, once.
	out, err = add("", "-email", "admin@andijon.uz", "-name", "Andijon admin", "-role", "agency_admin", "-agency", "khokimiyat-1703")
	if err != nil {
		t.Fatalf("agency admin: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`password \(shown once[^)]*\): (\S+)\n`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no password printed:\n%s", out)
	}
	generated := m[1]
	if len(generated) < azizayol.MinPassword || strings.Count(out, generated) != 1 {
		t.Errorf("generated password %q in:\n%s", generated, out)
	}
	made := storedStaff(t, p, "admin@andijon.uz")
	if ok, err := admin.CheckPassword(made.hash, generated); !ok || err != nil {
		t.Errorf("the printed password does not verify: %v", err)
	}
	if made.role != "agency_admin" || made.agency != "khokimiyat-1703" {
		t.Errorf("agency admin stored as %+v", made)
	}
	out, err = add("", "-email", "admin2@andijon.uz", "-name", "Andijon admin 2", "-role", "agency_admin", "-agency", "khokimiyat-1703")
	if err != nil || strings.Contains(out, generated) {
		t.Errorf("a second account got the same password, or failed: %v\n%s", err, out)
	}

	// An operator limited to regions, with her language.
	out, err = add("operator password 1\n", "-email", "op@andijon.uz", "-name", "Operator", "-role", "operator",
		"-agency", "khokimiyat-1703", "-regions", "1703, 1706,", "-lang", "ru", "-password-stdin")
	if err != nil {
		t.Fatalf("operator: %v\n%s", err, out)
	}
	if op := storedStaff(t, p, "op@andijon.uz"); op.role != "operator" || !slices.Equal(op.regions, []string{"1703", "1706"}) || op.lang != "ru" {
		t.Errorf("operator stored as %+v", op)
	}

	// Refusals: nothing is stored, and the message says what is wrong.
	before := count(t, p, `SELECT count(*) FROM staff`)
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		want  error  // errors.Is, or
		says  string // in the message
	}{
		{"weak password", "short pass\n", []string{"-email", "a@b.uz", "-name", "A", "-role", "super_admin", "-password-stdin"}, azizayol.ErrWeakPassword, ""},
		{"empty stdin", "", []string{"-email", "a@b.uz", "-name", "A", "-role", "super_admin", "-password-stdin"}, azizayol.ErrWeakPassword, ""},
		{"unknown agency", "", []string{"-email", "a@b.uz", "-name", "A", "-role", "agency_admin", "-agency", "nowhere"}, nil,
			`no agency "nowhere" (agencies: justice, health, rehab, mahalla, employment, xalqbank, chamber, `},
		{"super-admin of an agency", "", []string{"-email", "a@b.uz", "-name", "A", "-role", "super_admin", "-agency", "justice"}, azizayol.ErrAgencyForRole, ""},
		{"agency admin of no agency", "", []string{"-email", "a@b.uz", "-name", "A", "-role", "agency_admin"}, azizayol.ErrAgencyForRole, ""},
		{"duplicate email", "", []string{"-email", "ROOT@mahalla.uz", "-name", "Again", "-role", "super_admin"}, azizayol.ErrEmailTaken, ""},
		{"regions of an admin", "", []string{"-email", "a@b.uz", "-name", "A", "-role", "agency_admin", "-agency", "justice", "-regions", "1703"}, azizayol.ErrRegionsForRole, ""},
		{"unknown region", "", []string{"-email", "a@b.uz", "-name", "A", "-role", "operator", "-agency", "justice", "-regions", "1703,9999"}, nil, `no region "9999"`},
		{"unknown role", "", []string{"-email", "a@b.uz", "-name", "A", "-role", "boss"}, azizayol.ErrBadRole, ""},
		{"bad email", "", []string{"-email", "not-an-email", "-name", "A", "-role", "super_admin"}, azizayol.ErrBadEmail, ""},
		{"no name", "", []string{"-email", "a@b.uz", "-role", "super_admin"}, azizayol.ErrNoName, ""},
		{"unknown language", "", []string{"-email", "a@b.uz", "-name", "A", "-role", "super_admin", "-lang", "en"}, nil, `-lang "en"`},
		{"unknown flag", "", []string{"-email", "a@b.uz", "-name", "A", "-role", "super_admin", "-admin"}, nil, "-admin"},
	} {
		out, err := add(tc.stdin, tc.args...)
		switch {
		case err == nil:
			t.Errorf("%s: accepted:\n%s", tc.name, out)
		case tc.want != nil && !errors.Is(err, tc.want):
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		case !strings.Contains(err.Error(), tc.says):
			t.Errorf("%s: %q does not say %q", tc.name, err, tc.says)
		}
		if strings.Contains(out, "password") {
			t.Errorf("%s: a password was printed for an account not made:\n%s", tc.name, out)
		}
	}
	var usage bytes.Buffer
	if err := run(t.Context(), []string{"user"}, func(k string) string { return e[k] }, strings.NewReader(""), &usage, &usage); err == nil || !strings.Contains(err.Error(), "usage: azizayol user add") {
		t.Errorf("user without add: %v", err)
	}
	if n := count(t, p, `SELECT count(*) FROM staff`); n != before {
		t.Errorf("%d accounts after the refusals, %d before", n, before)
	}
	if n := count(t, p, `SELECT count(*) FROM audit_log WHERE email = 'cli' AND action = 'staff_create'`); n != before {
		t.Errorf("%d accounts made in the audit log, want %d", n, before)
	}
}

type staffRow struct {
	name, role, agency, lang, hash string
	regions                        []string
}

func storedStaff(t *testing.T, p *pgxpool.Pool, email string) staffRow {
	t.Helper()
	var s staffRow
	err := p.QueryRow(t.Context(), `SELECT s.name, s.role, coalesce(g.code, ''), s.lang, s.password_hash, s.regions
		FROM staff s LEFT JOIN agencies g ON g.id = s.agency_id WHERE s.email = $1`, email).
		Scan(&s.name, &s.role, &s.agency, &s.lang, &s.hash, &s.regions)
	if err != nil {
		t.Fatalf("staff %s: %v", email, err)
	}
	return s
}
