package listings

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/azizayol/azizayol"
)

// VacancySource is a vacancy base read page by page (the ish.mehnat.uz adapter, or a
// test's fake).
type VacancySource interface {
	// Source names the base: it is stored with every vacancy from it.
	Source() string
	// Page returns page n, from 1. An error is worth another try (the network, a
	// broken or slow answer).
	Page(ctx context.Context, n int) (VacancyPage, error)
}

// VacancyPage is one page of a base.
type VacancyPage struct {
	Vacancies []azizayol.Vacancy
	Invalid   []RowError // records that could not be read (with their ids when they have one)
	Total     int        // how many vacancies the base says it lists (0: it does not say)
	Last      bool
}

// SyncOptions tune a pull.
type SyncOptions struct {
	Attempts int           // tries of a page before the pull gives up (3 when 0)
	Backoff  time.Duration // wait before the second try, doubled at each next (1 s when 0)
	MaxPages int           // pages at most: a guard against a base that never says "last" (10,000 when 0)
	// MaxGone is the share of the source's open vacancies a pull may close (0.2 when
	// 0; 1 lets it close them all). More gone at once is more likely a base that
	// answered short than a fifth of the country's employers hiring in one night.
	MaxGone float64
	Now     func() time.Time
}

// SyncReport is what a pull did.
type SyncReport struct {
	Pages                        int
	Inserted, Updated, Unchanged int
	Duplicates                   int        // records seen before in this pull (pages shift while read)
	Invalid                      []RowError // records not taken
	Closed                       int        // open vacancies the base no longer lists
}

// ErrEmptySource is returned when a whole pull found no vacancy: more likely a
// broken base than an empty country, so nothing is closed.
var ErrEmptySource = errors.New("listings: the source listed no vacancies; nothing was closed")

// ErrTooManyGone is returned when a pull would close more of the open vacancies than
// SyncOptions.MaxGone allows: what it read is kept, and nothing is closed.
var ErrTooManyGone = errors.New("listings: too many vacancies gone from the source at once; nothing was closed")

// Sync pulls every page of src and upserts its vacancies by the source's id, each
// page in its own transaction. Only when every page was read does it close the open
// vacancies of src that the pull did not see: a page that fails after its tries ends
// the pull with an error and closes nothing (what was read is kept).
func Sync(ctx context.Context, db Store, src VacancySource, opts SyncOptions) (SyncReport, error) {
	var rep SyncReport
	attempts, backoff, maxPages := cmp(opts.Attempts, 3), opts.Backoff, cmp(opts.MaxPages, 10000)
	if backoff == 0 {
		backoff = time.Second
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	places, err := db.Places(ctx)
	if err != nil {
		return rep, fmt.Errorf("listings: sync %s: %w", src.Source(), err)
	}
	maxGone := opts.MaxGone
	if maxGone == 0 {
		maxGone = 0.2
	}
	seen := map[string]bool{}
	total := 0
	for n := 1; ; n++ {
		if n > maxPages {
			return rep, fmt.Errorf("listings: sync %s: more than %d pages; nothing was closed", src.Source(), maxPages)
		}
		page, err := fetch(ctx, src, n, attempts, backoff)
		if err != nil {
			return rep, fmt.Errorf("listings: sync %s: %w; nothing was closed", src.Source(), err)
		}
		rep.Pages++
		total = max(total, page.Total)
		var fresh []azizayol.Vacancy
		for _, e := range page.Invalid {
			// A record the base still lists is not closed because we cannot read it.
			if e.ID != "" {
				seen[e.ID] = true
			}
			e.Reason = fmt.Sprintf("page %d: %s", n, e.Reason)
			rep.Invalid = append(rep.Invalid, e)
		}
		for i, v := range page.Vacancies {
			if seen[v.SourceID] {
				rep.Duplicates++
				continue
			}
			seen[v.SourceID] = true
			v.Source = src.Source()
			if err := places.Check(v.RegionCode, ""); err != nil {
				rep.Invalid = append(rep.Invalid, RowError{Kind: Vacancies, Row: i + 1, ID: v.SourceID, Reason: fmt.Sprintf("page %d: %v", n, err)})
				continue
			}
			if places.Check(v.RegionCode, v.DistrictCode) != nil {
				v.DistrictCode = "" // a unit we do not list: the region still finds it
			}
			fresh = append(fresh, v)
		}
		err = db.Do(ctx, func(tx azizayol.Tx) error {
			for _, v := range fresh {
				ch, err := tx.UpsertVacancy(ctx, v)
				if err != nil {
					return err
				}
				switch ch {
				case azizayol.Inserted:
					rep.Inserted++
				case azizayol.Updated:
					rep.Updated++
				default:
					rep.Unchanged++
				}
			}
			return nil
		})
		if err != nil {
			return rep, fmt.Errorf("listings: sync %s: page %d: %w", src.Source(), n, err)
		}
		if page.Last {
			break
		}
	}
	if len(seen) == 0 {
		return rep, ErrEmptySource
	}
	if total > 0 && len(seen) < total*9/10 {
		// Pages shift while read, by a few; a tenth missing is a short answer.
		return rep, fmt.Errorf("listings: sync %s: read %d of the %d vacancies the source counts; nothing was closed", src.Source(), len(seen), total)
	}
	keep := make([]string, 0, len(seen))
	for id := range seen {
		keep = append(keep, id)
	}
	err = db.Do(ctx, func(tx azizayol.Tx) error {
		closed, err := tx.CloseVacanciesExcept(ctx, src.Source(), keep, now())
		if err != nil {
			return err
		}
		if float64(closed) > maxGone*float64(closed+len(keep)) {
			return fmt.Errorf("%w: %d of %d", ErrTooManyGone, closed, closed+len(keep))
		}
		rep.Closed = closed
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("listings: sync %s: %w", src.Source(), err)
	}
	return rep, nil
}

// fetch gets one page, trying again after a failure with a growing wait.
func fetch(ctx context.Context, src VacancySource, n, attempts int, backoff time.Duration) (VacancyPage, error) {
	var err error
	for try := 1; ; try++ {
		var page VacancyPage
		page, err = src.Page(ctx, n)
		if err == nil {
			return page, nil
		}
		if try >= attempts || ctx.Err() != nil {
			return VacancyPage{}, fmt.Errorf("page %d after %d tries: %w", n, try, err)
		}
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return VacancyPage{}, fmt.Errorf("page %d: %w", n, ctx.Err())
		}
		backoff *= 2
	}
}
