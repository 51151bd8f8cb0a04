package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/azizayol/azizayol/listings"
	"github.com/azizayol/azizayol/postgres"
)

// importFile imports a file of centres, courses or vacancies: `azizayol import KIND
// FILE -source NAME`. A JSON file may hold every kind; a CSV file holds the kind
// named. The source is who sends the rows (an agency, a feed) and is required: rows
// are upserted by the source and their own id, so next month's file from the same
// source, whatever its name, updates its rows instead of doubling them.
func importFile(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stdout)
	source := fs.String("source", "", "who the rows come from, the same for every file they send (required)")
	skip := fs.Bool("skip-invalid", false, "import the valid rows and report the others, instead of nothing")
	if len(args) < 2 {
		return errors.New("usage: azizayol import centres|courses|vacancies FILE -source NAME [-skip-invalid]")
	}
	kind, path := listings.Kind(args[0]), args[1]
	if err := fs.Parse(args[2:]); err != nil {
		return err
	}
	if kind != listings.Centres && kind != listings.Courses && kind != listings.Vacancies {
		return fmt.Errorf("import: %q is not centres, courses or vacancies", args[0])
	}
	format := listings.Format(strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), "."))
	if format != listings.JSON && format != listings.CSV {
		return fmt.Errorf("import: %s: the file must end in .json or .csv", path)
	}
	if strings.TrimSpace(*source) == "" {
		return errors.New("import: -source NAME is required: who sends these rows (e.g. -source mehnat-monthly), the same for each of their files")
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	db, err := openMigrated(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := listings.Import(ctx, db, f, listings.Options{Source: *source, Format: format, Kind: kind, SkipInvalid: *skip})
	for _, k := range []listings.Kind{listings.Centres, listings.Courses, listings.Vacancies} {
		if c, ok := rep.Counts[k]; ok {
			fmt.Fprintf(stdout, "%s: %d new, %d changed, %d unchanged, %d invalid\n", k, c.Inserted, c.Updated, c.Unchanged, c.Invalid)
		}
	}
	for _, e := range rep.Errors {
		fmt.Fprintln(stdout, e.Error())
	}
	return err
}

// pull reads every vacancy of MEHNAT_API_URL now: `azizayol pull [-max-gone SHARE]`.
// When the nightly pull refused to close more than a fifth of the open vacancies, an
// operator who has checked the base runs it with -max-gone 1.
func pull(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("pull", flag.ContinueOnError)
	fs.SetOutput(stdout)
	maxGone := fs.Float64("max-gone", 0, "the share of open vacancies the pull may close (0: the default 0.2; 1: all)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cfg.MehnatURL == "" {
		return errors.New("pull: MEHNAT_API_URL is not set")
	}
	if *maxGone < 0 || *maxGone > 1 {
		return fmt.Errorf("pull: -max-gone %v is not a share between 0 and 1", *maxGone)
	}
	db, err := openMigrated(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := pullVacancies(ctx, db, cfg.MehnatURL, *maxGone)
	fmt.Fprintf(stdout, "%d pages: %d new, %d changed, %d unchanged, %d closed, %d invalid\n",
		rep.Pages, rep.Inserted, rep.Updated, rep.Unchanged, rep.Closed, len(rep.Invalid))
	return err
}

// pullVacancies is one pull from the national vacancy base, logged.
func pullVacancies(ctx context.Context, db *postgres.DB, url string, maxGone float64) (listings.SyncReport, error) {
	src := &listings.Mehnat{URL: url}
	rep, err := listings.Sync(ctx, db, src, listings.SyncOptions{MaxGone: maxGone})
	slog.Info("vacancies pulled", "source", src.Source(), "pages", rep.Pages, "inserted", rep.Inserted,
		"updated", rep.Updated, "closed", rep.Closed, "invalid", len(rep.Invalid))
	for _, e := range rep.Invalid[:min(len(rep.Invalid), 20)] {
		slog.Warn("vacancy not taken", "source", src.Source(), "id", e.ID, "reason", e.Reason)
	}
	if err != nil {
		return rep, fmt.Errorf("pull: %w", err)
	}
	return rep, nil
}

// openMigrated opens the database for a command and brings its schema up to date.
func openMigrated(ctx context.Context, cfg config) (*postgres.DB, error) {
	db, err := postgres.Open(ctx, cfg.DatabaseURL, 4)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}
