package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/azizayol/azizayol"
)

// "Useful information" as the bot reads it, inside the transaction of her message:
// the published articles in her language, and her topics and place for news.

// langColumn is the column suffix of a language's title and text; the language is
// one of ours, never her input.
func langColumn(lang azizayol.Lang) string {
	switch lang {
	case azizayol.UzCyrl:
		return "uz_cyrl"
	case azizayol.Ru:
		return "ru"
	}
	return "uz_latn"
}

// InfoArticles are the articles of a topic published in lang, newest first.
func (u *unitTx) InfoArticles(ctx context.Context, topic azizayol.InfoTopic, lang azizayol.Lang, offset, limit int) ([]azizayol.Article, error) {
	rows, err := u.tx.Query(ctx, articleSelect+`
		WHERE a.status = 'published' AND a.topic = $1 AND $2 = ANY (a.langs)
		ORDER BY a.published_at DESC, a.id DESC OFFSET $3 LIMIT $4`, string(topic), string(lang), offset, limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: articles of %s in %s: %w", topic, lang, err)
	}
	list, err := pgx.CollectRows(rows, scanArticle)
	if err != nil {
		return nil, fmt.Errorf("postgres: articles of %s in %s: %w", topic, lang, err)
	}
	return list, nil
}

// InfoArticle is one article published in lang; ErrNotFound if it is not (it was
// unpublished while she read the list, or is not in her language).
func (u *unitTx) InfoArticle(ctx context.Context, id int64, lang azizayol.Lang) (azizayol.Article, error) {
	rows, err := u.tx.Query(ctx, articleSelect+`
		WHERE a.id = $1 AND a.status = 'published' AND $2 = ANY (a.langs)`, id, string(lang))
	if err != nil {
		return azizayol.Article{}, fmt.Errorf("postgres: article %d: %w", id, err)
	}
	a, err := pgx.CollectExactlyOneRow(rows, scanArticle)
	if errors.Is(err, pgx.ErrNoRows) {
		return a, fmt.Errorf("postgres: article %d in %s: %w", id, lang, azizayol.ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("postgres: article %d: %w", id, err)
	}
	return a, nil
}

// InfoTopicsOf are the topics she gets broadcasts on, in the order they are offered.
func (u *unitTx) InfoTopicsOf(ctx context.Context, userID int64) ([]azizayol.InfoTopic, error) {
	rows, err := u.tx.Query(ctx, `SELECT topic FROM info_subscriptions WHERE user_id = $1`, userID)
	if err != nil {
		return nil, fmt.Errorf("postgres: topics of user %d: %w", userID, err)
	}
	codes, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("postgres: topics of user %d: %w", userID, err)
	}
	var topics []azizayol.InfoTopic
	for _, t := range azizayol.InfoTopics {
		for _, c := range codes {
			if c == string(t) {
				topics = append(topics, t)
			}
		}
	}
	return topics, nil
}

// SetInfoTopic turns her broadcasts on a topic on or off; the same again changes
// nothing.
func (u *unitTx) SetInfoTopic(ctx context.Context, userID int64, topic azizayol.InfoTopic, on bool) error {
	if _, ok := azizayol.ParseInfoTopic(string(topic)); !ok {
		return fmt.Errorf("postgres: topic %q: %w", topic, azizayol.ErrNotFound)
	}
	q := `DELETE FROM info_subscriptions WHERE user_id = $1 AND topic = $2`
	if on {
		q = `INSERT INTO info_subscriptions (user_id, topic) VALUES ($1, $2) ON CONFLICT DO NOTHING`
	}
	if _, err := u.tx.Exec(ctx, q, userID, string(topic)); err != nil {
		return fmt.Errorf("postgres: topic %s of user %d: %w", topic, userID, err)
	}
	return nil
}

// NewsPlace is the region and district she chose for local news.
func (u *unitTx) NewsPlace(ctx context.Context, userID int64) (region, district string, err error) {
	err = u.tx.QueryRow(ctx, `SELECT coalesce(region_code, ''), coalesce(district_code, '') FROM users WHERE id = $1`,
		userID).Scan(&region, &district)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", "", fmt.Errorf("postgres: user %d: %w", userID, azizayol.ErrNotFound)
	}
	if err != nil {
		return "", "", fmt.Errorf("postgres: news place of user %d: %w", userID, err)
	}
	return region, district, nil
}

// SetNewsPlace keeps her place for local news: a region, a district of it, or ""
// for the whole country. A district outside the region is refused by the check.
func (u *unitTx) SetNewsPlace(ctx context.Context, userID int64, region, district string) error {
	if region == "" {
		district = ""
	}
	tag, err := u.tx.Exec(ctx, `UPDATE users SET region_code = nullif($2, ''), district_code = nullif($3, '')
		WHERE id = $1 AND ($3 = '' OR EXISTS (SELECT 1 FROM districts WHERE code = $3 AND region_code = $2))`,
		userID, region, district)
	if err != nil {
		return fmt.Errorf("postgres: news place of user %d: %w", userID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: news place %s/%s of user %d: %w", region, district, userID, azizayol.ErrNotFound)
	}
	return nil
}
