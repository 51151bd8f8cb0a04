package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/azizayol/azizayol"
)

// Places returns every region code and every district code with its region.
func (db *DB) Places(ctx context.Context) (azizayol.Places, error) {
	p := azizayol.Places{Regions: map[string]bool{}, Districts: map[string]string{}}
	rows, err := db.pool.Query(ctx, `SELECT r.code, coalesce(d.code, '') FROM regions r LEFT JOIN districts d ON d.region_code = r.code`)
	if err != nil {
		return p, fmt.Errorf("postgres: list places: %w", err)
	}
	var region, district string
	_, err = pgx.ForEachRow(rows, []any{&region, &district}, func() error {
		p.Regions[region] = true
		if district != "" {
			p.Districts[district] = region
		}
		return nil
	})
	if err != nil {
		return p, fmt.Errorf("postgres: list places: %w", err)
	}
	return p, nil
}

// change reads what an INSERT … ON CONFLICT DO UPDATE … WHERE changed RETURNING
// (xmax = 0) did: no row when the stored record was the same.
func change(inserted bool, err error) (azizayol.Change, error) {
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return azizayol.Unchanged, nil
	case err != nil:
		return azizayol.Unchanged, err
	case inserted:
		return azizayol.Inserted, nil
	}
	return azizayol.Updated, nil
}

func latLon(p *azizayol.Point) (lat, lon *float64) {
	if p == nil {
		return nil, nil
	}
	return &p.Lat, &p.Lon
}

func point(lat, lon *float64) *azizayol.Point {
	if lat == nil || lon == nil {
		return nil
	}
	return &azizayol.Point{Lat: *lat, Lon: *lon}
}

// date is a Tashkent date for a date column; nil for a zero time.
func date(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	t = t.In(azizayol.Tashkent)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// tashkentDate turns a date column (read as UTC midnight) into midnight in Tashkent.
func tashkentDate(d *time.Time) time.Time {
	if d == nil {
		return time.Time{}
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, azizayol.Tashkent)
}

// UpsertCentre stores a training centre by its source's id. An unchanged centre is
// not written again.
func (u *unitTx) UpsertCentre(ctx context.Context, c azizayol.TrainingCentre) (int64, azizayol.Change, error) {
	lat, lon := latLon(c.Location)
	var id int64
	var inserted bool
	err := u.tx.QueryRow(ctx, `
		INSERT INTO training_centres AS t (source, source_id, name, region_code, district_code, address, phone, lat, lon)
		VALUES ($1, $2, $3, $4, nullif($5, ''), $6, $7, $8, $9)
		ON CONFLICT (source, source_id) DO UPDATE SET
			name = excluded.name, region_code = excluded.region_code, district_code = excluded.district_code,
			address = excluded.address, phone = excluded.phone, lat = excluded.lat, lon = excluded.lon, updated_at = now()
		WHERE (t.name, t.region_code, t.district_code, t.address, t.phone, t.lat, t.lon)
		      IS DISTINCT FROM (excluded.name, excluded.region_code, excluded.district_code, excluded.address, excluded.phone, excluded.lat, excluded.lon)
		RETURNING id, xmax = 0`,
		c.Source, c.SourceID, c.Name, c.RegionCode, c.DistrictCode, c.Address, c.Phone, lat, lon).Scan(&id, &inserted)
	ch, err := change(inserted, err)
	if err != nil {
		return 0, ch, fmt.Errorf("postgres: upsert centre %s/%s: %w", c.Source, c.SourceID, err)
	}
	if ch == azizayol.Unchanged { // nothing returned: the stored centre is the same
		id, err = u.CentreID(ctx, c.Source, c.SourceID)
	}
	return id, ch, err
}

// CentreID finds a centre by its source's id; 0 when there is none.
func (u *unitTx) CentreID(ctx context.Context, source, sourceID string) (int64, error) {
	var id int64
	err := u.tx.QueryRow(ctx, `SELECT id FROM training_centres WHERE source = $1 AND source_id = $2`, source, sourceID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("postgres: find centre %s/%s: %w", source, sourceID, err)
	}
	return id, nil
}

// UpsertCourse stores a course by its source's id. An unchanged course is not written
// again.
func (u *unitTx) UpsertCourse(ctx context.Context, c azizayol.Course) (azizayol.Change, error) {
	lat, lon := latLon(c.Location)
	var centre *int64
	if c.CentreID != 0 {
		centre = &c.CentreID
	}
	var inserted bool
	err := u.tx.QueryRow(ctx, `
		INSERT INTO courses AS c (source, source_id, centre_id, name, field, region_code, district_code, address,
		                          starts_on, ends_on, hours, cost, phone, enrol, online, lat, lon)
		VALUES ($1, $2, $3, $4, $5, nullif($6, ''), nullif($7, ''), $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
		ON CONFLICT (source, source_id) DO UPDATE SET
			centre_id = excluded.centre_id, name = excluded.name, field = excluded.field,
			region_code = excluded.region_code, district_code = excluded.district_code, address = excluded.address,
			starts_on = excluded.starts_on, ends_on = excluded.ends_on, hours = excluded.hours, cost = excluded.cost,
			phone = excluded.phone, enrol = excluded.enrol, online = excluded.online, lat = excluded.lat, lon = excluded.lon,
			updated_at = now()
		WHERE (c.centre_id, c.name, c.field, c.region_code, c.district_code, c.address, c.starts_on, c.ends_on,
		       c.hours, c.cost, c.phone, c.enrol, c.online, c.lat, c.lon)
		      IS DISTINCT FROM (excluded.centre_id, excluded.name, excluded.field, excluded.region_code,
		       excluded.district_code, excluded.address, excluded.starts_on, excluded.ends_on, excluded.hours,
		       excluded.cost, excluded.phone, excluded.enrol, excluded.online, excluded.lat, excluded.lon)
		RETURNING xmax = 0`,
		c.Source, c.SourceID, centre, c.Name, c.Field, c.RegionCode, c.DistrictCode, c.Address,
		date(c.Starts), date(c.Ends), c.Hours, c.Cost, c.Phone, c.Enrol, c.Online, lat, lon).Scan(&inserted)
	ch, err := change(inserted, err)
	if err != nil {
		return ch, fmt.Errorf("postgres: upsert course %s/%s: %w", c.Source, c.SourceID, err)
	}
	return ch, nil
}

// UpsertVacancy stores a vacancy by its source's id; a closed one seen again opens
// again. An unchanged open vacancy is not written again.
func (u *unitTx) UpsertVacancy(ctx context.Context, v azizayol.Vacancy) (azizayol.Change, error) {
	lat, lon := latLon(v.Location)
	var expires *time.Time
	if !v.Expires.IsZero() {
		expires = &v.Expires
	}
	var inserted bool
	err := u.tx.QueryRow(ctx, `
		INSERT INTO vacancies AS v (source, source_id, title, employer, salary_min, salary_max, schedule, address,
		                            contact, field, region_code, district_code, lat, lon, posted_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, nullif($12, ''), $13, $14, $15, $16)
		ON CONFLICT (source, source_id) DO UPDATE SET
			title = excluded.title, employer = excluded.employer, salary_min = excluded.salary_min,
			salary_max = excluded.salary_max, schedule = excluded.schedule, address = excluded.address,
			contact = excluded.contact, field = excluded.field, region_code = excluded.region_code,
			district_code = excluded.district_code, lat = excluded.lat, lon = excluded.lon,
			posted_at = excluded.posted_at, expires_at = excluded.expires_at,
			status = 'open', closed_at = NULL, updated_at = now()
		WHERE (v.title, v.employer, v.salary_min, v.salary_max, v.schedule, v.address, v.contact, v.field,
		       v.region_code, v.district_code, v.lat, v.lon, v.posted_at, v.expires_at, v.status)
		      IS DISTINCT FROM (excluded.title, excluded.employer, excluded.salary_min, excluded.salary_max,
		       excluded.schedule, excluded.address, excluded.contact, excluded.field, excluded.region_code,
		       excluded.district_code, excluded.lat, excluded.lon, excluded.posted_at, excluded.expires_at, 'open')
		RETURNING xmax = 0`,
		v.Source, v.SourceID, v.Title, v.Employer, v.SalaryMin, v.SalaryMax, v.Schedule, v.Address,
		v.Contact, v.Field, v.RegionCode, v.DistrictCode, lat, lon, v.Posted, expires).Scan(&inserted)
	ch, err := change(inserted, err)
	if err != nil {
		return ch, fmt.Errorf("postgres: upsert vacancy %s/%s: %w", v.Source, v.SourceID, err)
	}
	return ch, nil
}

// CloseVacanciesExcept closes the open vacancies of a source that a full pull did not
// see (keep holds the source ids it saw).
func (u *unitTx) CloseVacanciesExcept(ctx context.Context, source string, keep []string, now time.Time) (int, error) {
	if keep == nil {
		keep = []string{}
	}
	// An anti-join against the unnested ids (a hash join), not source_id <> ALL($2),
	// which compares every row with every id.
	tag, err := u.tx.Exec(ctx, `UPDATE vacancies v SET status = 'closed', closed_at = $3, updated_at = $3
		WHERE v.source = $1 AND v.status = 'open'
		  AND NOT EXISTS (SELECT 1 FROM unnest($2::text[]) AS k(id) WHERE k.id = v.source_id)`, source, keep, now)
	if err != nil {
		return 0, fmt.Errorf("postgres: close vacancies of %s gone from it: %w", source, err)
	}
	return int(tag.RowsAffected()), nil
}

// CloseExpiredVacancies closes the open vacancies that expired by now (searches hide
// them anyway; closing keeps the open-vacancy indexes small).
func (db *DB) CloseExpiredVacancies(ctx context.Context, now time.Time) (int, error) {
	tag, err := db.pool.Exec(ctx, `UPDATE vacancies SET status = 'closed', closed_at = $1, updated_at = $1
		WHERE status = 'open' AND expires_at <= $1`, now)
	if err != nil {
		return 0, fmt.Errorf("postgres: close expired vacancies: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// where builds a search's conditions: each adds its argument and refers to it by
// number.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, arg any) {
	w.args = append(w.args, arg)
	w.conds = append(w.conds, strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(w.args))))
}

func (w *where) arg(arg any) string {
	w.args = append(w.args, arg)
	return "$" + strconv.Itoa(len(w.args))
}

func (w *where) sql() string { return strings.Join(w.conds, " AND ") }

const vacancyColumns = `SELECT id, source, source_id, title, employer, salary_min, salary_max, schedule, address,
       contact, field, region_code, coalesce(district_code, ''), lat, lon, posted_at, expires_at, status
FROM vacancies`

// planned has a search planned for its own values each time: a statement prepared once
// goes over to a generic plan after a few runs, which cannot tell a rare word from a
// common one and chose a worse plan (53 ms against 16 ms for a country-wide keyword).
func planned(args []any) []any {
	return append([]any{pgx.QueryExecModeExec}, args...)
}

// querier runs a query: the pool, or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// SearchVacancies lists the open, unexpired vacancies that match f, newest first, one
// page of them.
func (db *DB) SearchVacancies(ctx context.Context, f azizayol.ListingFilter) ([]azizayol.Vacancy, error) {
	return searchVacancies(ctx, db.pool, f)
}

// SearchVacancies is SearchVacancies inside the transaction (a dialog, a digest).
func (u *unitTx) SearchVacancies(ctx context.Context, f azizayol.ListingFilter) ([]azizayol.Vacancy, error) {
	return searchVacancies(ctx, u.tx, f)
}

func searchVacancies(ctx context.Context, db querier, f azizayol.ListingFilter) ([]azizayol.Vacancy, error) {
	var w where
	w.add(`status = 'open'`+` AND (expires_at IS NULL OR expires_at > $?)`, f.Now)
	if f.RegionCode != "" {
		w.add(`region_code = $?`, f.RegionCode)
	}
	if f.DistrictCode != "" {
		w.add(`district_code = $?`, f.DistrictCode)
	}
	if f.Field != "" {
		w.add(`field = $?`, f.Field)
	}
	for _, kw := range azizayol.Keywords(f.Keyword) {
		w.add(`search LIKE '%' || listing_search_key($?) || '%'`, kw)
	}
	if !f.Since.IsZero() {
		// Up to now only: what comes later is in the next digest, not in two.
		w.add(`created_at > $?`, f.Since)
		w.add(`created_at <= $?`, f.Now)
	}
	q := vacancyColumns + ` WHERE ` + w.sql() + ` ORDER BY posted_at DESC, id DESC LIMIT ` + w.arg(f.Limit) + ` OFFSET ` + w.arg(f.Offset)
	rows, err := db.Query(ctx, q, planned(w.args)...)
	if err != nil {
		return nil, fmt.Errorf("postgres: search vacancies: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (azizayol.Vacancy, error) {
		var v azizayol.Vacancy
		var lat, lon *float64
		var expires *time.Time
		var status string
		err := r.Scan(&v.ID, &v.Source, &v.SourceID, &v.Title, &v.Employer, &v.SalaryMin, &v.SalaryMax, &v.Schedule,
			&v.Address, &v.Contact, &v.Field, &v.RegionCode, &v.DistrictCode, &lat, &lon, &v.Posted, &expires, &status)
		v.Location, v.Status = point(lat, lon), azizayol.VacancyStatus(status)
		if expires != nil {
			v.Expires = *expires
		}
		return v, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: search vacancies: %w", err)
	}
	return list, nil
}

// SearchCourses lists the courses that have not ended by f.Now and match f: those of
// the region (or district) first, then the online ones, which every region lists;
// each group by start date, or nearest first when f.Near is set.
func (db *DB) SearchCourses(ctx context.Context, f azizayol.ListingFilter) ([]azizayol.Course, error) {
	return searchCourses(ctx, db.pool, f)
}

// SearchCourses is SearchCourses inside the transaction (a dialog, a digest).
func (u *unitTx) SearchCourses(ctx context.Context, f azizayol.ListingFilter) ([]azizayol.Course, error) {
	return searchCourses(ctx, u.tx, f)
}

func searchCourses(ctx context.Context, db querier, f azizayol.ListingFilter) ([]azizayol.Course, error) {
	var w where
	w.add(`(c.ends_on IS NULL OR c.ends_on >= $?)`, date(f.Now))
	if f.RegionCode != "" {
		w.add(`(c.region_code = $? OR c.online)`, f.RegionCode)
	}
	if f.DistrictCode != "" {
		// A course that names no district is in its centre's.
		w.add(`(coalesce(c.district_code, t.district_code) = $? OR c.online)`, f.DistrictCode)
	}
	if f.Field != "" {
		w.add(`c.field = $?`, f.Field)
	}
	for _, kw := range azizayol.Keywords(f.Keyword) {
		w.add(`c.search LIKE '%' || listing_search_key($?) || '%'`, kw)
	}
	if !f.Since.IsZero() {
		w.add(`c.created_at > $?`, f.Since)
		w.add(`c.created_at <= $?`, f.Now)
	}
	order := `c.online, c.starts_on NULLS FIRST, c.id`
	if f.Near != nil {
		// An equirectangular distance: exact enough to sort places within a country.
		lat, lon := w.arg(f.Near.Lat), w.arg(f.Near.Lon)
		// A course without a place of its own is where its centre is.
		order = `c.online, coalesce(c.lat, t.lat) IS NULL, (coalesce(c.lat, t.lat) - ` + lat + `)^2 + ((coalesce(c.lon, t.lon) - ` + lon + `) * cos(radians(` + lat + `)))^2, c.id`
	}
	q := `SELECT c.id, c.source, c.source_id, coalesce(c.centre_id, 0), coalesce(t.name, ''), c.name, c.field,
	       coalesce(c.region_code, ''), coalesce(c.district_code, ''), coalesce(nullif(c.address, ''), t.address, ''),
	       c.starts_on, c.ends_on, c.hours, c.cost, coalesce(nullif(c.phone, ''), t.phone, ''), c.enrol, c.online,
	       coalesce(c.lat, t.lat), coalesce(c.lon, t.lon)
	FROM courses c LEFT JOIN training_centres t ON t.id = c.centre_id
	WHERE ` + w.sql() + ` ORDER BY ` + order + ` LIMIT ` + w.arg(f.Limit) + ` OFFSET ` + w.arg(f.Offset)
	rows, err := db.Query(ctx, q, planned(w.args)...)
	if err != nil {
		return nil, fmt.Errorf("postgres: search courses: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (azizayol.Course, error) {
		var c azizayol.Course
		var starts, ends *time.Time
		var lat, lon *float64
		err := r.Scan(&c.ID, &c.Source, &c.SourceID, &c.CentreID, &c.Centre, &c.Name, &c.Field, &c.RegionCode,
			&c.DistrictCode, &c.Address, &starts, &ends, &c.Hours, &c.Cost, &c.Phone, &c.Enrol, &c.Online, &lat, &lon)
		c.Starts, c.Ends, c.Location = tashkentDate(starts), tashkentDate(ends), point(lat, lon)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: search courses: %w", err)
	}
	return list, nil
}
