package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/admin"
	"github.com/azizayol/azizayol/postgres"
)

// userCommand creates a staff account: `azizayol user add -email … -name … -role …`.
// The first super-admin is made this way; there is no default account or password.
// The password is read from stdin with -password-stdin, or made up here and printed
// once.
func userCommand(ctx context.Context, cfg config, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: azizayol user add -email E -name N -role super_admin|agency_admin|operator [-agency CODE] [-regions CODES] [-lang L] [-password-stdin]")
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	email := fs.String("email", "", "her email, the login")
	name := fs.String("name", "", "her name, as colleagues see it")
	role := fs.String("role", "", "super_admin, agency_admin or operator")
	agency := fs.String("agency", "", "her agency's code (justice, khokimiyat-1703 …); none for a super-admin")
	regions := fs.String("regions", "", "an operator's regions, SOATO codes separated by commas; none: all")
	lang := fs.String("lang", "uz-Latn", "the console's language: uz-Latn, uz-Cyrl or ru")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of stdin")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	s := azizayol.Staff{Email: azizayol.NormalizeEmail(*email), Name: strings.TrimSpace(*name), Role: azizayol.Role(*role)}
	l, ok := azizayol.ParseLang(*lang)
	if !ok {
		return fmt.Errorf("user add: -lang %q is not uz-Latn, uz-Cyrl or ru", *lang)
	}
	s.Lang = l
	for _, r := range strings.Split(*regions, ",") {
		if r = strings.TrimSpace(r); r != "" {
			s.Regions = append(s.Regions, r)
		}
	}
	password := ""
	if *fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("user add: read password: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
		if len([]rune(password)) < azizayol.MinPassword {
			return fmt.Errorf("user add: %w", azizayol.ErrWeakPassword)
		}
	} else {
		password = rand.Text() // 26 characters from a 32-letter alphabet: 130 bits
	}

	db, err := openMigrated(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if *agency != "" {
		g, err := agencyByCode(ctx, db, *agency)
		if err != nil {
			return err
		}
		s.AgencyID = g.ID
	}
	if err := s.Validate(); err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	if err := knownRegions(ctx, db, s.Regions); err != nil {
		return err
	}
	hash, err := admin.HashPassword(password)
	if err != nil {
		return err
	}
	id, err := db.CreateStaff(ctx, s, hash)
	if err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	if err := db.Audit(ctx, azizayol.AuditEntry{Email: "cli", Action: "staff_create", Detail: s.Email + " " + string(s.Role), Addr: "command line"}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "staff %d created: %s (%s)\n", id, s.Email, s.Role)
	if !*fromStdin {
		fmt.Fprintf(stdout, "password (shown once; an admin can set a new one on the console's Staff page): %s\n", password)
	}
	return nil
}

func agencyByCode(ctx context.Context, db *postgres.DB, code string) (azizayol.Agency, error) {
	agencies, err := db.Agencies(ctx)
	if err != nil {
		return azizayol.Agency{}, err
	}
	var codes []string
	for _, g := range agencies {
		if g.Code == code {
			return g, nil
		}
		codes = append(codes, g.Code)
	}
	return azizayol.Agency{}, fmt.Errorf("user add: no agency %q (agencies: %s)", code, strings.Join(codes, ", "))
}

// knownRegions refuses a region code that is not a region's: an operator limited to
// it would see nothing.
func knownRegions(ctx context.Context, db *postgres.DB, codes []string) error {
	if len(codes) == 0 {
		return nil
	}
	regions, err := db.AllRegions(ctx)
	if err != nil {
		return err
	}
	var known []string
	for _, r := range regions {
		known = append(known, r.Code)
	}
	for _, code := range codes {
		if !slices.Contains(known, code) {
			return fmt.Errorf("user add: no region %q (regions: %s)", code, strings.Join(known, ", "))
		}
	}
	return nil
}
