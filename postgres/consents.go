package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/azizayol/azizayol"
)

// RecordConsent keeps her answer to a consent question (given or refused), or her
// withdrawal, with the version of the text she read.
func (u *unitTx) RecordConsent(ctx context.Context, c azizayol.Consent) error {
	_, err := u.tx.Exec(ctx, `INSERT INTO consents (user_id, purpose, version, answer, at) VALUES ($1, $2, $3, $4, $5)`,
		c.UserID, c.Purpose, c.Version, string(c.Answer), c.At)
	if err != nil {
		return fmt.Errorf("postgres: record %s consent of user %d to %s: %w", c.Answer, c.UserID, c.Purpose, err)
	}
	if c.Answer == azizayol.ConsentRefused {
		// Without her consent what she wrote is not kept: the raw updates she sent
		// (this one too) lose their text now, not after RETENTION_INBOX.
		_, err := u.tx.Exec(ctx, `UPDATE inbox SET payload = '\x', error = NULL FROM users u
			WHERE u.id = $1 AND inbox.channel = u.channel AND inbox.user_key = u.channel || ':' || u.address
			  AND (inbox.processed_at IS NOT NULL OR inbox.id = $2)`, c.UserID, u.entry)
		if err != nil {
			return fmt.Errorf("postgres: forget what user %d wrote after she refused consent: %w", c.UserID, err)
		}
	}
	return nil
}

// withdrawConsents records her withdrawal of every consent she has in force: each
// purpose whose last answer was "given", and each kind of appeal she filed with a
// consent given before the consents were recorded apart. It runs in Erase, before
// her appeals lose the link to her.
func withdrawConsents(ctx context.Context, tx pgx.Tx, userID int64) (int, error) {
	tag, err := tx.Exec(ctx, `
		WITH last AS (
		    SELECT DISTINCT ON (purpose) purpose, version, answer FROM consents
		    WHERE user_id = $1 ORDER BY purpose, id DESC
		), in_force AS (
		    SELECT purpose, version FROM last WHERE answer = 'given'
		    UNION ALL
		    (SELECT DISTINCT ON (kind) kind, consent_version FROM appeals
		     WHERE user_id = $1 AND consent_version IS NOT NULL AND kind NOT IN (SELECT purpose FROM last)
		     ORDER BY kind, id DESC)
		)
		INSERT INTO consents (user_id, purpose, version, answer, at)
		SELECT $1, purpose, version, 'withdrawn', now() FROM in_force`, userID)
	if err != nil {
		return 0, fmt.Errorf("postgres: withdraw the consents of user %d: %w", userID, err)
	}
	return int(tag.RowsAffected()), nil
}

// Consents lists her answers to consent questions, oldest first.
func (db *DB) Consents(ctx context.Context, userID int64) ([]azizayol.Consent, error) {
	return consents(ctx, db.pool, userID)
}

// Consents lists her answers to consent questions as this transaction sees them.
func (u *unitTx) Consents(ctx context.Context, userID int64) ([]azizayol.Consent, error) {
	return consents(ctx, u.tx, userID)
}

func consents(ctx context.Context, q querier, userID int64) ([]azizayol.Consent, error) {
	rows, err := q.Query(ctx, `SELECT user_id, purpose, version, answer, at FROM consents WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("postgres: read the consents of user %d: %w", userID, err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (azizayol.Consent, error) {
		var c azizayol.Consent
		var answer string
		err := r.Scan(&c.UserID, &c.Purpose, &c.Version, &answer, &c.At)
		c.Answer = azizayol.ConsentAnswer(answer)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: read the consents of user %d: %w", userID, err)
	}
	return list, nil
}
