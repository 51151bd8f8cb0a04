package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/azizayol/azizayol/listings"
	"github.com/azizayol/azizayol/postgres"
)

// importFile imports a file of centres, courses or vacancies: `azizayol import KIND
// FILE`. A JSON file may hold every kind; a CSV file holds the kind named. The
// source (the agency or feed the rows come from) defaults to the file's name, so
// importing a new version of the same file updates its rows.
func importFile(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stdout)
	source := fs.String("source", "", "who the rows come from (default: the file's name)")
	skip := fs.Bool("skip-invalid", false, "import the valid rows and report the others, instead of nothing")
	if len(args) < 2 {
		return errors.New("usage: azizayol import centres|courses|vacancies FILE [-source NAME] [-skip-invalid]")
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
	if *source == "" {
		*source = "file:" + strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	db, err := postgres.Open(ctx, cfg.DatabaseURL, 4)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
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
