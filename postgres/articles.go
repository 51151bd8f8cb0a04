package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/azizayol/azizayol"
)

// Articles the agencies publish, their publication schedule (Appendix 2) and the
// reminders of what is due, as the console and the schedule job keep them.

const articleSelect = `
	SELECT a.id, a.agency_id, g.name_uz_latn, g.name_uz_cyrl, g.name_ru, a.topic, coalesce(a.schedule_id, 0),
	       a.title_uz_latn, a.title_uz_cyrl, a.title_ru, a.text_uz_latn, a.text_uz_cyrl, a.text_ru, a.langs,
	       a.media_kind, a.media_url, a.status, coalesce(a.author_id, 0), coalesce(s.name, ''),
	       a.created_at, a.updated_at, a.published_at
	FROM articles a JOIN agencies g ON g.id = a.agency_id LEFT JOIN staff s ON s.id = a.author_id`

func scanArticle(r pgx.CollectableRow) (azizayol.Article, error) {
	var a azizayol.Article
	var topic, kind, status string
	var langs []string
	var published *time.Time
	err := r.Scan(&a.ID, &a.AgencyID, &a.Agency.UzLatn, &a.Agency.UzCyrl, &a.Agency.Ru, &topic, &a.ScheduleID,
		&a.Title.UzLatn, &a.Title.UzCyrl, &a.Title.Ru, &a.Text.UzLatn, &a.Text.UzCyrl, &a.Text.Ru, &langs,
		&kind, &a.MediaURL, &status, &a.AuthorID, &a.Author, &a.Created, &a.Updated, &published)
	a.Topic, a.MediaKind, a.Status = azizayol.InfoTopic(topic), azizayol.MediaKind(kind), azizayol.ArticleStatus(status)
	for _, l := range langs {
		a.Langs = append(a.Langs, azizayol.Lang(l))
	}
	if published != nil {
		a.Published = *published
	}
	return a, err
}

func langStrings(langs []azizayol.Lang) []string {
	s := make([]string, 0, len(langs))
	for _, l := range langs {
		s = append(s, string(l))
	}
	return s
}

// Articles lists articles, newest first: one agency's or all, by topic and status.
func (db *DB) Articles(ctx context.Context, f azizayol.ArticleFilter) ([]azizayol.Article, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	rows, err := db.pool.Query(ctx, articleSelect+`
		WHERE ($1::bigint = 0 OR a.agency_id = $1) AND ($2 = '' OR a.topic = $2) AND ($3 = '' OR a.status = $3)
		ORDER BY a.updated_at DESC, a.id DESC LIMIT $4`, f.AgencyID, string(f.Topic), string(f.Status), limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: list articles: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanArticle)
	if err != nil {
		return nil, fmt.Errorf("postgres: list articles: %w", err)
	}
	return list, nil
}

// Article is one article, published or not; ErrNotFound if there is none.
func (db *DB) Article(ctx context.Context, id int64) (azizayol.Article, error) {
	rows, err := db.pool.Query(ctx, articleSelect+` WHERE a.id = $1`, id)
	if err != nil {
		return azizayol.Article{}, fmt.Errorf("postgres: article %d: %w", id, err)
	}
	a, err := pgx.CollectExactlyOneRow(rows, scanArticle)
	if errors.Is(err, pgx.ErrNoRows) {
		return a, fmt.Errorf("postgres: article %d: %w", id, azizayol.ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("postgres: article %d: %w", id, err)
	}
	return a, nil
}

// SaveArticle stores a new article (ID 0) as a draft of its author, or changes the
// words, languages, topic and link of one; its agency, author and status stay. It
// returns the article's id.
func (db *DB) SaveArticle(ctx context.Context, a azizayol.Article, now time.Time) (int64, error) {
	var schedule *int64
	if a.ScheduleID != 0 {
		schedule = &a.ScheduleID
	}
	args := []any{string(a.Topic), schedule, a.Title.UzLatn, a.Title.UzCyrl, a.Title.Ru,
		a.Text.UzLatn, a.Text.UzCyrl, a.Text.Ru, langStrings(a.Langs), string(a.MediaKind), a.MediaURL, now}
	if a.ID == 0 {
		var author *int64
		if a.AuthorID != 0 {
			author = &a.AuthorID
		}
		err := db.pool.QueryRow(ctx, `INSERT INTO articles (topic, schedule_id, title_uz_latn, title_uz_cyrl, title_ru,
			text_uz_latn, text_uz_cyrl, text_ru, langs, media_kind, media_url, created_at, updated_at, agency_id, author_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14) RETURNING id`,
			append(args, a.AgencyID, author)...).Scan(&a.ID)
		if err != nil {
			return 0, fmt.Errorf("postgres: add article: %w", err)
		}
		return a.ID, nil
	}
	tag, err := db.pool.Exec(ctx, `UPDATE articles SET topic = $1, schedule_id = $2, title_uz_latn = $3, title_uz_cyrl = $4,
		title_ru = $5, text_uz_latn = $6, text_uz_cyrl = $7, text_ru = $8, langs = $9, media_kind = $10, media_url = $11,
		updated_at = $12 WHERE id = $13`, append(args, a.ID)...)
	if err != nil {
		return 0, fmt.Errorf("postgres: save article %d: %w", a.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return 0, fmt.Errorf("postgres: save article %d: %w", a.ID, azizayol.ErrNotFound)
	}
	return a.ID, nil
}

// SetArticleStatus publishes an article or takes it back to a draft. It keeps the
// date it was first published: taking an old article back and publishing it again
// does not make it new (nor meet the schedule).
func (db *DB) SetArticleStatus(ctx context.Context, id int64, status azizayol.ArticleStatus, now time.Time) error {
	tag, err := db.pool.Exec(ctx, `UPDATE articles SET status = $2,
		published_at = CASE WHEN $2 = 'published' THEN coalesce(published_at, $3) ELSE published_at END,
		updated_at = $3 WHERE id = $1`, id, string(status), now)
	if err != nil {
		return fmt.Errorf("postgres: article %d to %s: %w", id, status, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: article %d: %w", id, azizayol.ErrNotFound)
	}
	return nil
}

// ScheduleItems are the publication schedule's items of one agency (0: all), in the
// appendix's order.
func (db *DB) ScheduleItems(ctx context.Context, agencyID int64) ([]azizayol.ScheduleItem, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT p.id, p.agency_id, g.name_uz_latn, g.name_uz_cyrl, g.name_ru, p.row_ref, p.topic, p.period,
		       p.what_uz_latn, p.what_uz_cyrl, p.what_ru, p.starts_on
		FROM publication_schedule p JOIN agencies g ON g.id = p.agency_id
		WHERE $1::bigint = 0 OR p.agency_id = $1
		ORDER BY string_to_array(p.row_ref, '.')::int[], g.id`, agencyID)
	if err != nil {
		return nil, fmt.Errorf("postgres: publication schedule: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (azizayol.ScheduleItem, error) {
		var s azizayol.ScheduleItem
		var topic, period string
		var starts time.Time
		err := r.Scan(&s.ID, &s.AgencyID, &s.Agency.UzLatn, &s.Agency.UzCyrl, &s.Agency.Ru, &s.Row, &topic, &period,
			&s.What.UzLatn, &s.What.UzCyrl, &s.What.Ru, &starts)
		s.Topic, s.Cadence = azizayol.InfoTopic(topic), azizayol.Cadence(period)
		s.Starts = time.Date(starts.Year(), starts.Month(), starts.Day(), 0, 0, 0, 0, azizayol.Tashkent)
		return s, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: publication schedule: %w", err)
	}
	return list, nil
}

// Dues is what each schedule item of an agency (0: all) asks for: its last
// publication is the newest published article of the agency that names the item, or
// names none and is in the item's topic.
func (db *DB) Dues(ctx context.Context, agencyID int64) ([]azizayol.PublicationDue, error) {
	items, err := db.ScheduleItems(ctx, agencyID)
	if err != nil {
		return nil, err
	}
	rows, err := db.pool.Query(ctx, `
		SELECT p.id, max(a.published_at)
		FROM publication_schedule p JOIN articles a ON a.agency_id = p.agency_id AND a.status = 'published'
		     AND (a.schedule_id = p.id OR (a.schedule_id IS NULL AND a.topic = p.topic))
		WHERE $1::bigint = 0 OR p.agency_id = $1
		GROUP BY p.id`, agencyID)
	if err != nil {
		return nil, fmt.Errorf("postgres: last publications: %w", err)
	}
	last := map[int64]time.Time{}
	var id int64
	var at time.Time
	_, err = pgx.ForEachRow(rows, []any{&id, &at}, func() error { last[id] = at; return nil })
	if err != nil {
		return nil, fmt.Errorf("postgres: last publications: %w", err)
	}
	dues := make([]azizayol.PublicationDue, 0, len(items))
	for _, it := range items {
		dues = append(dues, azizayol.NewPublicationDue(it, last[it.ID]))
	}
	return dues, nil
}

// Remind records the reminder of a schedule item's publication due on dueOn, once:
// made tells whether this call made it.
func (db *DB) Remind(ctx context.Context, scheduleID int64, dueOn time.Time, kind azizayol.PublicationReminderKind, now time.Time) (made bool, err error) {
	tag, err := db.pool.Exec(ctx, `INSERT INTO publication_reminders (schedule_id, due_on, kind, created_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, scheduleID, dueOn.Format(time.DateOnly), string(kind), now)
	if err != nil {
		return false, fmt.Errorf("postgres: remind of schedule item %d: %w", scheduleID, err)
	}
	return tag.RowsAffected() == 1, nil
}

// Reminders are the reminders made for an agency's items (0: all) since a time,
// newest first.
func (db *DB) Reminders(ctx context.Context, agencyID int64, since time.Time) ([]azizayol.PublicationReminder, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT r.schedule_id, r.due_on, r.kind, r.created_at
		FROM publication_reminders r JOIN publication_schedule p ON p.id = r.schedule_id
		WHERE ($1::bigint = 0 OR p.agency_id = $1) AND r.created_at >= $2
		ORDER BY r.created_at DESC, r.id DESC`, agencyID, since)
	if err != nil {
		return nil, fmt.Errorf("postgres: reminders: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (azizayol.PublicationReminder, error) {
		var m azizayol.PublicationReminder
		var kind string
		var due time.Time
		err := r.Scan(&m.ScheduleID, &due, &kind, &m.Created)
		m.Kind = azizayol.PublicationReminderKind(kind)
		m.DueOn = time.Date(due.Year(), due.Month(), due.Day(), 0, 0, 0, 0, azizayol.Tashkent)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: reminders: %w", err)
	}
	return list, nil
}
