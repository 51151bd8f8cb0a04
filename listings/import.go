package listings

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/azizayol/azizayol"
)

// Store is the database an import or a pull writes to (postgres.DB).
type Store interface {
	Places(ctx context.Context) (azizayol.Places, error)
	Do(ctx context.Context, fn func(azizayol.Tx) error) error
}

// Format is how a file is written.
type Format string

const (
	JSON Format = "json"
	CSV  Format = "csv"
)

// Options say what a file is and how to take it.
type Options struct {
	Source      string // who the rows come from (an agency's or a feed's name): required
	Format      Format
	Kind        Kind // the kind of every row of a CSV file
	SkipInvalid bool // import the valid rows and report the others, instead of nothing
}

// Count is what an import did with one kind of row.
type Count struct {
	Inserted, Updated, Unchanged, Invalid int
}

// Report is what an import did, and the rows it could not take.
type Report struct {
	Counts map[Kind]Count
	Errors []RowError
}

// ErrInvalidRows is returned when a file has invalid rows and nothing was imported.
var ErrInvalidRows = errors.New("listings: the file has invalid rows; nothing was imported")

// Import validates a file of centres, courses or vacancies and stores it in one
// transaction. When a row is invalid it stores nothing and returns ErrInvalidRows
// with every invalid row in the report, unless opts.SkipInvalid. Rows are upserted by
// (opts.Source, id): importing the same file again changes nothing.
func Import(ctx context.Context, db Store, r io.Reader, opts Options) (Report, error) {
	rep := Report{Counts: map[Kind]Count{}}
	if strings.TrimSpace(opts.Source) == "" {
		return rep, errors.New("listings: import: the source is not named")
	}
	var rows []row
	var err error
	switch opts.Format {
	case JSON:
		rows, err = readJSON(r)
	case CSV:
		if _, ok := columns[opts.Kind]; !ok {
			return rep, fmt.Errorf("listings: import: a CSV file holds centres, courses or vacancies, not %q", opts.Kind)
		}
		rows, err = readCSV(r, opts.Kind)
	default:
		return rep, fmt.Errorf("listings: import: unknown format %q", opts.Format)
	}
	var fileErr RowError
	if errors.As(err, &fileErr) {
		rep.Errors = append(rep.Errors, fileErr)
		return rep, fmt.Errorf("%w: %v", ErrInvalidRows, fileErr)
	}
	if err != nil {
		return rep, fmt.Errorf("listings: import: %w", err)
	}
	places, err := db.Places(ctx)
	if err != nil {
		return rep, fmt.Errorf("listings: import: %w", err)
	}

	// Read every row first: the file's own mistakes are known before anything is written.
	var (
		centres   []azizayol.TrainingCentre
		courses   []course
		vacancies []azizayol.Vacancy
		rowOf     = map[string]int{} // kind/id → row: an id may appear once per kind
	)
	bad := func(rw row, id, reason string) {
		rep.Errors = append(rep.Errors, RowError{Kind: rw.kind, Row: rw.n, ID: id, Reason: reason})
		c := rep.Counts[rw.kind]
		c.Invalid++
		rep.Counts[rw.kind] = c
	}
	for _, rw := range rows {
		rd := &reader{r: rw, err: rw.problem}
		var id string
		switch rw.kind {
		case Centres:
			c := rd.centre(opts.Source, places)
			id = c.SourceID
			if rd.err == "" {
				centres = append(centres, c)
			}
		case Courses:
			c, centre := rd.course(opts.Source, places)
			id = c.SourceID
			if rd.err == "" {
				courses = append(courses, course{c, centre, rw})
			}
		case Vacancies:
			v := rd.vacancy(opts.Source, places)
			id = v.SourceID
			if rd.err == "" {
				vacancies = append(vacancies, v)
			}
		}
		if rd.err != "" {
			bad(rw, id, rd.err)
			continue
		}
		key := string(rw.kind) + "/" + id
		if first, ok := rowOf[key]; ok {
			bad(rw, id, fmt.Sprintf("id %q is already on row %d", id, first))
			// Neither row is taken: which of the two is meant is not known.
			dropID(&centres, &courses, &vacancies, rw.kind, id)
			continue
		}
		rowOf[key] = rw.n
	}
	if len(rep.Errors) > 0 && !opts.SkipInvalid {
		return rep, fmt.Errorf("%w (%d)", ErrInvalidRows, len(rep.Errors))
	}

	counts := map[Kind]Count{}
	var refErrors []RowError
	err = db.Do(ctx, func(tx azizayol.Tx) error {
		tally := func(kind Kind, ch azizayol.Change) {
			c := counts[kind]
			switch ch {
			case azizayol.Inserted:
				c.Inserted++
			case azizayol.Updated:
				c.Updated++
			default:
				c.Unchanged++
			}
			counts[kind] = c
		}
		centreIDs := map[string]int64{}
		for _, c := range centres {
			id, ch, err := tx.UpsertCentre(ctx, c)
			if err != nil {
				return err
			}
			centreIDs[c.SourceID] = id
			tally(Centres, ch)
		}
		// A course names its centre by the source's id: one of this file, or one
		// stored before. A missing one is the course row's mistake.
		for i := range courses {
			ref := courses[i].centre
			if ref == "" {
				continue
			}
			if _, ok := centreIDs[ref]; !ok {
				id, err := tx.CentreID(ctx, opts.Source, ref)
				if err != nil {
					return err
				}
				if id == 0 {
					refErrors = append(refErrors, RowError{Kind: Courses, Row: courses[i].row.n, ID: courses[i].SourceID,
						Reason: fmt.Sprintf("centre %q is neither in the file nor imported before from %s", ref, opts.Source)})
					continue
				}
				centreIDs[ref] = id
			}
		}
		if len(refErrors) > 0 && !opts.SkipInvalid {
			return ErrInvalidRows
		}
		for _, c := range courses {
			if c.centre != "" {
				id, ok := centreIDs[c.centre]
				if !ok {
					continue // reported above
				}
				c.CentreID = id
			}
			ch, err := tx.UpsertCourse(ctx, c.Course)
			if err != nil {
				return err
			}
			tally(Courses, ch)
		}
		for _, v := range vacancies {
			ch, err := tx.UpsertVacancy(ctx, v)
			if err != nil {
				return err
			}
			tally(Vacancies, ch)
		}
		return nil
	})
	for _, e := range refErrors {
		rep.Errors = append(rep.Errors, e)
		c := rep.Counts[Courses]
		c.Invalid++
		rep.Counts[Courses] = c
	}
	if errors.Is(err, ErrInvalidRows) {
		return rep, fmt.Errorf("%w (%d)", ErrInvalidRows, len(rep.Errors))
	}
	if err != nil {
		return rep, fmt.Errorf("listings: import: %w", err)
	}
	for k, c := range counts {
		c.Invalid = rep.Counts[k].Invalid
		rep.Counts[k] = c
	}
	return rep, nil
}

type course struct {
	azizayol.Course
	centre string // the source's id of its centre
	row    row
}

func dropID(centres *[]azizayol.TrainingCentre, courses *[]course, vacancies *[]azizayol.Vacancy, kind Kind, id string) {
	switch kind {
	case Centres:
		*centres = drop(*centres, func(c azizayol.TrainingCentre) bool { return c.SourceID == id })
	case Courses:
		*courses = drop(*courses, func(c course) bool { return c.SourceID == id })
	case Vacancies:
		*vacancies = drop(*vacancies, func(v azizayol.Vacancy) bool { return v.SourceID == id })
	}
}

func drop[T any](list []T, match func(T) bool) []T {
	out := list[:0]
	for _, x := range list {
		if !match(x) {
			out = append(out, x)
		}
	}
	return out
}

// readCSV reads a CSV file of one kind: a header row, then one record a row.
func readCSV(r io.Reader, kind Kind) ([]row, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // Excel's UTF-8 mark
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1 // a short row is reported as that row's mistake, below
	header, err := cr.Read()
	if err == io.EOF {
		return nil, RowError{Kind: kind, Reason: "the file is empty"}
	}
	if err != nil {
		return nil, RowError{Kind: kind, Row: 1, Reason: err.Error()}
	}
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		header[i] = h
		if ok, _ := known(kind, h); !ok {
			return nil, RowError{Kind: kind, Row: 1, Reason: fmt.Sprintf("unknown column %q (columns: %s)", h, strings.Join(columns[kind], ", "))}
		}
		if seen[h] {
			return nil, RowError{Kind: kind, Row: 1, Reason: fmt.Sprintf("column %q appears twice", h)}
		}
		seen[h] = true
	}
	for _, c := range columns[kind] {
		if name, required := strings.CutSuffix(c, "*"); required && !seen[name] {
			return nil, RowError{Kind: kind, Row: 1, Reason: fmt.Sprintf("required column %q is missing", name)}
		}
	}
	var rows []row
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, nil
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			return nil, RowError{Kind: kind, Row: line, Reason: err.Error()}
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		rw := row{kind: kind, n: line, fields: map[string]string{}}
		if len(rec) != len(header) {
			rw.problem = fmt.Sprintf("%d cells, the header has %d", len(rec), len(header))
		}
		for i, v := range rec {
			if i < len(header) {
				rw.fields[header[i]] = v
			}
		}
		rows = append(rows, rw)
	}
}

// readJSON reads a JSON file: an object with arrays of centres, courses and vacancies.
func readJSON(r io.Reader) ([]row, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var file map[string][]map[string]any
	if err := dec.Decode(&file); err != nil {
		return nil, RowError{Kind: "file", Reason: "not a JSON object of centres, courses and vacancies: " + err.Error()}
	}
	var rows []row
	for _, kind := range []Kind{Centres, Courses, Vacancies} { // centres before the courses that name them
		for i, obj := range file[string(kind)] {
			rw := row{kind: kind, n: i + 1, fields: map[string]string{}}
			for k, v := range obj {
				if ok, _ := known(kind, k); !ok {
					rw.problem = fmt.Sprintf("unknown key %q", k)
					continue
				}
				switch v := v.(type) {
				case nil:
				case string:
					rw.fields[k] = v
				case json.Number:
					rw.fields[k] = v.String()
				case bool:
					rw.fields[k] = fmt.Sprint(v)
				default:
					rw.problem = fmt.Sprintf("%s: not a string, number or true/false", k)
				}
			}
			rows = append(rows, rw)
		}
		delete(file, string(kind))
	}
	for k := range file {
		return nil, RowError{Kind: "file", Reason: fmt.Sprintf("unknown key %q (centres, courses, vacancies)", k)}
	}
	return rows, nil
}
