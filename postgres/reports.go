package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/azizayol/azizayol"
)

// The agencies' periodic reports: the indicators (report_indicators, with their
// history), the versions of each period's figures (report_submissions and
// report_values) and the reminders of what is due (report_reminders).

const indicatorColumns = `SELECT i.id, i.code, i.appendix_row, i.agency_id, a.name_uz_latn, a.name_uz_cyrl, a.name_ru,
	i.name_uz_latn, i.name_uz_cyrl, i.name_ru, i.periodicity, i.due_day, i.report_month, i.by_region, i.parts,
	i.active, i.starts
	FROM report_indicators i JOIN agencies a ON a.id = i.agency_id`

func scanIndicator(r pgx.Row) (azizayol.Indicator, error) {
	var ind azizayol.Indicator
	var periodicity string
	var parts []byte
	err := r.Scan(&ind.ID, &ind.Code, &ind.Row, &ind.AgencyID, &ind.Agency.UzLatn, &ind.Agency.UzCyrl, &ind.Agency.Ru,
		&ind.Names.UzLatn, &ind.Names.UzCyrl, &ind.Names.Ru, &periodicity, &ind.DueDay, &ind.ReportMonth, &ind.ByRegion,
		&parts, &ind.Active, &ind.Starts)
	if err != nil {
		return ind, err
	}
	ind.Periodicity = azizayol.Periodicity(periodicity)
	ind.Starts = tashkentDate(&ind.Starts)
	if err := json.Unmarshal(parts, &ind.Parts); err != nil {
		return ind, fmt.Errorf("parts of indicator %d: %w", ind.ID, err)
	}
	return ind, nil
}

// Indicators lists the indicators of an agency (0: of every agency), active or not,
// in the appendix's order.
func (db *DB) Indicators(ctx context.Context, agencyID int64) ([]azizayol.Indicator, error) {
	rows, err := db.pool.Query(ctx, indicatorColumns+` WHERE $1 = 0 OR i.agency_id = $1 ORDER BY i.position, i.id`, agencyID)
	if err != nil {
		return nil, fmt.Errorf("postgres: list report indicators: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (azizayol.Indicator, error) { return scanIndicator(r) })
	if err != nil {
		return nil, fmt.Errorf("postgres: list report indicators: %w", err)
	}
	return list, nil
}

// Indicator returns one indicator.
func (db *DB) Indicator(ctx context.Context, id int64) (azizayol.Indicator, error) {
	ind, err := scanIndicator(db.pool.QueryRow(ctx, indicatorColumns+` WHERE i.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return ind, fmt.Errorf("postgres: report indicator %d: %w", id, azizayol.ErrNotFound)
	}
	if err != nil {
		return ind, fmt.Errorf("postgres: read report indicator %d: %w", id, err)
	}
	return ind, nil
}

// indicatorJSON is an indicator as its history keeps it.
type indicatorJSON struct {
	Code        string                `json:"code"`
	Row         string                `json:"row"`
	AgencyID    int64                 `json:"agency_id"`
	Names       azizayol.Names        `json:"names"`
	Periodicity string                `json:"periodicity"`
	DueDay      int                   `json:"due_day"`
	ReportMonth int                   `json:"report_month"`
	ByRegion    bool                  `json:"by_region"`
	Parts       []azizayol.ReportPart `json:"parts"`
	Active      bool                  `json:"active"`
	Starts      string                `json:"starts"` // 2006-01-02
}

func toJSON(ind azizayol.Indicator) indicatorJSON {
	parts := ind.Parts
	if parts == nil {
		parts = []azizayol.ReportPart{}
	}
	return indicatorJSON{Code: ind.Code, Row: ind.Row, AgencyID: ind.AgencyID, Names: ind.Names,
		Periodicity: string(ind.Periodicity), DueDay: ind.DueDay, ReportMonth: ind.ReportMonth, ByRegion: ind.ByRegion,
		Parts: parts, Active: ind.Active, Starts: ind.Starts.Format(time.DateOnly)}
}

func (j indicatorJSON) indicator() azizayol.Indicator {
	starts, _ := time.ParseInLocation(time.DateOnly, j.Starts, azizayol.Tashkent)
	return azizayol.Indicator{Code: j.Code, Row: j.Row, AgencyID: j.AgencyID, Names: j.Names,
		Periodicity: azizayol.Periodicity(j.Periodicity), DueDay: j.DueDay, ReportMonth: j.ReportMonth,
		ByRegion: j.ByRegion, Parts: j.Parts, Active: j.Active, Starts: starts}
}

// SaveIndicator adds an indicator (ind.ID 0) or changes one, for a super-admin, with
// a line in its history, in one transaction. It returns the indicator as saved and
// the action (add, edit; "" when nothing changed, and nothing is recorded);
// azizayol.ErrIndicatorCodeTaken when another indicator has the code, and
// azizayol.ErrIndicatorHasReports when a change would alter what its submitted figures
// mean (Indicator.ChangesMeaning). The console validates it first (Indicator.Validate).
func (db *DB) SaveIndicator(ctx context.Context, ind azizayol.Indicator, by azizayol.Staff) (azizayol.Indicator, string, error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return ind, "", fmt.Errorf("postgres: save report indicator: %w", err)
	}
	defer tx.Rollback(ctx)
	next := toJSON(ind)
	parts, err := json.Marshal(next.Parts)
	if err != nil {
		return ind, "", fmt.Errorf("postgres: save report indicator: %w", err)
	}
	var action string
	var old *indicatorJSON
	if ind.ID == 0 {
		action = "add"
		err = tx.QueryRow(ctx, `INSERT INTO report_indicators (code, appendix_row, agency_id, name_uz_latn, name_uz_cyrl, name_ru,
			    periodicity, due_day, report_month, by_region, parts, active, starts, position)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
			    (SELECT coalesce(max(position), 0) + 1 FROM report_indicators))
			RETURNING id`, ind.Code, ind.Row, ind.AgencyID, ind.Names.UzLatn, ind.Names.UzCyrl, ind.Names.Ru,
			string(ind.Periodicity), ind.DueDay, ind.ReportMonth, ind.ByRegion, parts, ind.Active, next.Starts).Scan(&ind.ID)
	} else {
		action = "edit"
		var was azizayol.Indicator
		was, err = scanIndicator(tx.QueryRow(ctx, indicatorColumns+` WHERE i.id = $1 FOR UPDATE OF i`, ind.ID))
		if errors.Is(err, pgx.ErrNoRows) {
			return ind, "", fmt.Errorf("postgres: report indicator %d: %w", ind.ID, azizayol.ErrNotFound)
		}
		if err != nil {
			return ind, "", fmt.Errorf("postgres: save report indicator %d: %w", ind.ID, err)
		}
		if was.ChangesMeaning(ind) {
			var submitted bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM report_submissions WHERE indicator_id = $1)`, ind.ID).Scan(&submitted); err != nil {
				return ind, "", fmt.Errorf("postgres: save report indicator %d: %w", ind.ID, err)
			}
			if submitted {
				return ind, "", azizayol.ErrIndicatorHasReports
			}
		}
		w := toJSON(was)
		old = &w
		a, _ := json.Marshal(w)
		b, _ := json.Marshal(next)
		if string(a) == string(b) {
			return was, "", nil
		}
		_, err = tx.Exec(ctx, `UPDATE report_indicators SET code = $2, appendix_row = $3, agency_id = $4, name_uz_latn = $5,
			    name_uz_cyrl = $6, name_ru = $7, periodicity = $8, due_day = $9, report_month = $10, by_region = $11,
			    parts = $12, active = $13, starts = $14
			WHERE id = $1`, ind.ID, ind.Code, ind.Row, ind.AgencyID, ind.Names.UzLatn, ind.Names.UzCyrl, ind.Names.Ru,
			string(ind.Periodicity), ind.DueDay, ind.ReportMonth, ind.ByRegion, parts, ind.Active, next.Starts)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return ind, "", azizayol.ErrIndicatorCodeTaken
	}
	if err != nil {
		return ind, "", fmt.Errorf("postgres: save report indicator: %w", err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO report_indicator_history (indicator_id, by_email, action, old, new)
		VALUES ($1, $2, $3, $4, $5)`, ind.ID, by.Email, action, old, next)
	if err != nil {
		return ind, "", fmt.Errorf("postgres: save report indicator %d: history: %w", ind.ID, err)
	}
	saved, err := scanIndicator(tx.QueryRow(ctx, indicatorColumns+` WHERE i.id = $1`, ind.ID))
	if err != nil {
		return ind, "", fmt.Errorf("postgres: save report indicator %d: %w", ind.ID, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return ind, "", fmt.Errorf("postgres: save report indicator %d: %w", ind.ID, err)
	}
	return saved, action, nil
}

// IndicatorHistory lists the changes of an indicator, newest first.
func (db *DB) IndicatorHistory(ctx context.Context, id int64) ([]azizayol.IndicatorChange, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, at, by_email, action, old, new
		FROM report_indicator_history WHERE indicator_id = $1 ORDER BY id DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("postgres: read report indicator %d history: %w", id, err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (azizayol.IndicatorChange, error) {
		var c azizayol.IndicatorChange
		var old *indicatorJSON
		var next indicatorJSON
		if err := r.Scan(&c.ID, &c.At, &c.By, &c.Action, &old, &next); err != nil {
			return c, err
		}
		if old != nil {
			c.Old = old.indicator()
		}
		c.New = next.indicator()
		return c, nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: read report indicator %d history: %w", id, err)
	}
	return list, nil
}

// SubmitReport keeps a new version of a period's figures: version 1, or the one after
// base — the latest version she saw when she chose to replace it. When another
// version came in since, nothing is kept and it returns azizayol.ErrReportStale, so
// no one replaces figures she has not seen.
func (db *DB) SubmitReport(ctx context.Context, s azizayol.Submission, base int, by azizayol.Staff) (azizayol.Submission, error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return s, fmt.Errorf("postgres: submit report: %w", err)
	}
	defer tx.Rollback(ctx)
	// Submissions of one indicator take turns: its row is their lock. NO KEY UPDATE
	// (not UPDATE) is enough to make them take turns, with each other and with an
	// edit of the indicator (SaveIndicator, whose check of submissions thus sees
	// them), without blocking what only references the row.
	if _, err := tx.Exec(ctx, `SELECT 1 FROM report_indicators WHERE id = $1 FOR NO KEY UPDATE`, s.IndicatorID); err != nil {
		return s, fmt.Errorf("postgres: submit report of indicator %d: %w", s.IndicatorID, err)
	}
	var latest int
	err = tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM report_submissions WHERE indicator_id = $1 AND period = $2`,
		s.IndicatorID, s.Period).Scan(&latest)
	if err != nil {
		return s, fmt.Errorf("postgres: submit report of indicator %d: %w", s.IndicatorID, err)
	}
	if latest != base {
		return s, azizayol.ErrReportStale
	}
	s.Version, s.StaffID, s.By = latest+1, by.ID, by.Name+" <"+by.Email+">"
	err = tx.QueryRow(ctx, `INSERT INTO report_submissions (indicator_id, period, version, staff_id, by_name, by_email, source)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, submitted_at`,
		s.IndicatorID, s.Period, s.Version, by.ID, by.Name, by.Email, s.Source).Scan(&s.ID, &s.At)
	if err != nil {
		return s, fmt.Errorf("postgres: submit report of indicator %d: %w", s.IndicatorID, err)
	}
	var regions, parts []string
	var values []int64
	for _, v := range s.Values {
		regions, parts, values = append(regions, v.Region), append(parts, v.Part), append(values, v.Value)
	}
	_, err = tx.Exec(ctx, `INSERT INTO report_values (submission_id, region_code, part, value)
		SELECT $1, r, p, v FROM unnest($2::text[], $3::text[], $4::bigint[]) AS x(r, p, v)`, s.ID, regions, parts, values)
	if err != nil {
		return s, fmt.Errorf("postgres: submit report of indicator %d: values: %w", s.IndicatorID, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return s, fmt.Errorf("postgres: submit report of indicator %d: %w", s.IndicatorID, err)
	}
	return s, nil
}

const submissionColumns = `SELECT s.id, s.indicator_id, s.period, s.version, coalesce(s.staff_id, 0),
	s.by_name || ' <' || s.by_email || '>', s.submitted_at, s.source FROM report_submissions s`

func scanSubmission(r pgx.Row) (azizayol.Submission, error) {
	var s azizayol.Submission
	err := r.Scan(&s.ID, &s.IndicatorID, &s.Period, &s.Version, &s.StaffID, &s.By, &s.At, &s.Source)
	return s, err
}

func (db *DB) submissions(ctx context.Context, what, query string, args ...any) ([]azizayol.Submission, error) {
	rows, err := db.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", what, err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (azizayol.Submission, error) { return scanSubmission(r) })
	if err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", what, err)
	}
	return list, nil
}

// ReportVersions lists the versions of a period's figures, newest first, without
// their figures.
func (db *DB) ReportVersions(ctx context.Context, indicatorID int64, period string) ([]azizayol.Submission, error) {
	return db.submissions(ctx, "list report versions",
		submissionColumns+` WHERE s.indicator_id = $1 AND s.period = $2 ORDER BY s.version DESC`, indicatorID, period)
}

// LatestReports lists the latest version of every period submitted of an agency's
// indicators (0: of every agency), without their figures.
func (db *DB) LatestReports(ctx context.Context, agencyID int64) ([]azizayol.Submission, error) {
	return db.submissions(ctx, "list latest reports", submissionColumns+`
		JOIN report_indicators i ON i.id = s.indicator_id
		WHERE ($1 = 0 OR i.agency_id = $1)
		  AND s.version = (SELECT max(version) FROM report_submissions x WHERE x.indicator_id = s.indicator_id AND x.period = s.period)
		ORDER BY s.indicator_id, s.period`, agencyID)
}

// ReportSubmission returns one version of a period's figures with its figures
// (version 0: the latest).
func (db *DB) ReportSubmission(ctx context.Context, indicatorID int64, period string, version int) (azizayol.Submission, error) {
	s, err := scanSubmission(db.pool.QueryRow(ctx, submissionColumns+`
		WHERE s.indicator_id = $1 AND s.period = $2 AND ($3 = 0 OR s.version = $3) ORDER BY s.version DESC LIMIT 1`,
		indicatorID, period, version))
	if errors.Is(err, pgx.ErrNoRows) {
		return s, fmt.Errorf("postgres: report %d %s v%d: %w", indicatorID, period, version, azizayol.ErrNotFound)
	}
	if err != nil {
		return s, fmt.Errorf("postgres: read report %d %s v%d: %w", indicatorID, period, version, err)
	}
	if s.Values, err = db.reportValues(ctx, []int64{s.ID}, nil); err != nil {
		return s, err
	}
	return s, nil
}

// reportValues reads the figures of submissions, each to its submission when into
// is given (by submission id).
func (db *DB) reportValues(ctx context.Context, ids []int64, into map[int64]*azizayol.Submission) ([]azizayol.ReportValue, error) {
	rows, err := db.pool.Query(ctx, `SELECT submission_id, region_code, part, value FROM report_values
		WHERE submission_id = ANY($1) ORDER BY submission_id, region_code, part`, ids)
	if err != nil {
		return nil, fmt.Errorf("postgres: read report values: %w", err)
	}
	defer rows.Close()
	var all []azizayol.ReportValue
	for rows.Next() {
		var id int64
		var v azizayol.ReportValue
		if err := rows.Scan(&id, &v.Region, &v.Part, &v.Value); err != nil {
			return nil, fmt.Errorf("postgres: read report values: %w", err)
		}
		if s := into[id]; s != nil {
			s.Values = append(s.Values, v)
		}
		all = append(all, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: read report values: %w", err)
	}
	return all, nil
}

// ReportSeries returns the latest version of every period submitted of an indicator,
// with its figures, oldest period first: the indicator over time.
func (db *DB) ReportSeries(ctx context.Context, indicatorID int64) ([]azizayol.Submission, error) {
	list, err := db.submissions(ctx, "read report series", submissionColumns+`
		WHERE s.indicator_id = $1
		  AND s.version = (SELECT max(version) FROM report_submissions x WHERE x.indicator_id = s.indicator_id AND x.period = s.period)
		ORDER BY s.period`, indicatorID)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*azizayol.Submission{}
	ids := make([]int64, len(list))
	for i := range list {
		byID[list[i].ID], ids[i] = &list[i], list[i].ID
	}
	if _, err := db.reportValues(ctx, ids, byID); err != nil {
		return nil, err
	}
	return list, nil
}

// RemindReports records the reminders due (azizayol.ReportReminders) for each
// indicator's agency, unless the period has been submitted; each once per indicator,
// period and kind, so a run repeated (or run by two instances) adds nothing. They are
// the agency's, not a person's: every staff member of it sees them, so one with no
// admin, or staff who join later, are reminded too. It returns how many it recorded.
func (db *DB) RemindReports(ctx context.Context, due []azizayol.ReportDue, now time.Time) (int, error) {
	if len(due) == 0 {
		return 0, nil
	}
	var ids []int64
	var periods, kinds []string
	var days []time.Time
	for _, d := range due {
		ids, periods, kinds = append(ids, d.IndicatorID), append(periods, d.Period), append(kinds, d.Kind)
		y, m, day := d.Due.In(azizayol.Tashkent).Date()
		days = append(days, time.Date(y, m, day, 0, 0, 0, 0, time.UTC))
	}
	var n int
	err := db.pool.QueryRow(ctx, `
		WITH due AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::date[]) AS d(indicator_id, period, kind, due_on)),
		added AS (
		    INSERT INTO report_reminders (indicator_id, period, kind, due_on, created_at)
		    SELECT d.indicator_id, d.period, d.kind, d.due_on, $5
		    FROM due d JOIN report_indicators i ON i.id = d.indicator_id
		    WHERE i.active AND NOT EXISTS (SELECT 1 FROM report_submissions x WHERE x.indicator_id = d.indicator_id AND x.period = d.period)
		    ON CONFLICT DO NOTHING
		    RETURNING 1)
		SELECT count(*) FROM added`, ids, periods, kinds, days, now).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("postgres: record report reminders: %w", err)
	}
	return n, nil
}

// ReportRemindersOf lists the reminders of an agency (0: of every agency) of periods
// still not submitted of indicators still active, newest first: the latest kind of
// each period.
func (db *DB) ReportRemindersOf(ctx context.Context, agencyID int64) ([]azizayol.ReportReminder, error) {
	rows, err := db.pool.Query(ctx, `SELECT indicator_id, name_uz_latn, name_uz_cyrl, name_ru, period, kind, due_on, created_at
		FROM (SELECT DISTINCT ON (r.indicator_id, r.period) r.id, r.indicator_id, i.name_uz_latn, i.name_uz_cyrl, i.name_ru,
		             r.period, r.kind, r.due_on, r.created_at
		      FROM report_reminders r JOIN report_indicators i ON i.id = r.indicator_id
		      WHERE ($1 = 0 OR i.agency_id = $1) AND i.active
		        AND NOT EXISTS (SELECT 1 FROM report_submissions x WHERE x.indicator_id = r.indicator_id AND x.period = r.period)
		      ORDER BY r.indicator_id, r.period, r.id DESC) last
		ORDER BY id DESC LIMIT 100`, agencyID)
	if err != nil {
		return nil, fmt.Errorf("postgres: list report reminders of agency %d: %w", agencyID, err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (azizayol.ReportReminder, error) {
		var x azizayol.ReportReminder
		err := r.Scan(&x.IndicatorID, &x.Indicator.UzLatn, &x.Indicator.UzCyrl, &x.Indicator.Ru, &x.Period, &x.Kind, &x.Due, &x.Created)
		x.Due = tashkentDate(&x.Due)
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: list report reminders of agency %d: %w", agencyID, err)
	}
	return list, nil
}
