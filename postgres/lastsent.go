package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/azizayol/azizayol"
)

// LastSent returns the newest message queued to her that was not held back (the day's
// SMS cap, her STOP) nor given up: what her phone shows last, or is about to (one step
// down the index outbox_by_user).
func (u *unitTx) LastSent(ctx context.Context, userID int64) (azizayol.Outbound, error) {
	var m azizayol.Outbound
	var body []byte
	err := u.tx.QueryRow(ctx, `SELECT message FROM outbox WHERE user_id = $1 AND status IN ('pending', 'sent')
		ORDER BY id DESC LIMIT 1`, userID).Scan(&body)
	if errors.Is(err, pgx.ErrNoRows) {
		return m, nil
	}
	if err != nil {
		return m, fmt.Errorf("postgres: the last message to user %d: %w", userID, err)
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return m, fmt.Errorf("postgres: the last message to user %d: %w", userID, err)
	}
	return m, nil
}
