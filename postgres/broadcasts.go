package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/azizayol/azizayol"
)

// A broadcast goes out in three steps, each in short transactions of its own so that
// a million recipients never sit in memory nor in one long transaction:
//
//  1. PlanBroadcasts finds the recipients in batches, in user id order, remembering
//     how far it got (planned_after): a restart goes on from there.
//  2. ClaimBroadcastSends marks a few recipients 'sending' and commits before the
//     messages go out; RecordBroadcastSends records what became of them.
//  3. ExpireBroadcastClaims puts back 'sending' rows whose claim ran out — their
//     sender died between the claim and the record. The broadcaster marks each
//     message in Redis just before it goes out, so one that may have gone out is
//     recorded 'unknown' instead of being sent again: a woman gets a broadcast at most
//     once, and one that was only claimed is not lost.
//
// The counters on broadcasts move with every recorded outcome, so the progress is
// read from one row.

// audienceSQL is the condition on users u that an audience sets; $1 topics, $2
// channels, $3 languages, $4 region, $5 district. Blocked and opted-out women are
// never in it.
const audienceSQL = `u.channel = ANY($2) AND u.blocked_at IS NULL AND u.opted_out_at IS NULL
  AND EXISTS (SELECT 1 FROM info_subscriptions s WHERE s.user_id = u.id AND s.topic = ANY($1))
  AND (cardinality($3::text[]) = 0 OR coalesce(nullif(u.lang, ''), 'uz-Latn') = ANY($3))
  AND ($4 = '' OR u.region_code = $4)
  AND ($5 = '' OR u.district_code = $5)`

func audienceArgs(a azizayol.Audience) []any {
	topics := make([]string, len(a.Topics))
	for i, t := range a.Topics {
		topics[i] = string(t)
	}
	channels := a.Channels
	if len(channels) == 0 {
		channels = azizayol.BroadcastChannels
	}
	chs := make([]string, len(channels))
	for i, c := range channels {
		chs[i] = string(c)
	}
	langs := make([]string, len(a.Langs))
	for i, l := range a.Langs {
		langs[i] = string(l)
	}
	return []any{topics, chs, langs, a.RegionCode, a.DistrictCode}
}

// CountAudience counts the women an audience reaches now, by channel and language.
func (db *DB) CountAudience(ctx context.Context, a azizayol.Audience) (map[azizayol.Channel]map[azizayol.Lang]int, error) {
	rows, err := db.pool.Query(ctx, `SELECT u.channel, coalesce(nullif(u.lang, ''), 'uz-Latn'), count(*) FROM users u
		WHERE `+audienceSQL+` GROUP BY 1, 2`, audienceArgs(a)...)
	if err != nil {
		return nil, fmt.Errorf("postgres: count audience: %w", err)
	}
	defer rows.Close()
	counts := map[azizayol.Channel]map[azizayol.Lang]int{}
	for rows.Next() {
		var ch, lang string
		var n int
		if err := rows.Scan(&ch, &lang, &n); err != nil {
			return nil, fmt.Errorf("postgres: count audience: %w", err)
		}
		if counts[azizayol.Channel(ch)] == nil {
			counts[azizayol.Channel(ch)] = map[azizayol.Lang]int{}
		}
		counts[azizayol.Channel(ch)][azizayol.Lang(lang)] = n
	}
	return counts, rows.Err()
}

// SaveBroadcast creates (ID 0) or changes a draft of agency AgencyID.
func (db *DB) SaveBroadcast(ctx context.Context, b azizayol.Broadcast) (int64, error) {
	texts, err := json.Marshal(b.Texts)
	if err != nil {
		return 0, fmt.Errorf("postgres: save broadcast: %w", err)
	}
	segments, err := json.Marshal(b.SMSSegments)
	if err != nil {
		return 0, fmt.Errorf("postgres: save broadcast: %w", err)
	}
	args := append(audienceArgs(b.Audience), texts, segments, b.SMSBudget, b.AgencyID, nullID(b.CreatedBy))
	if b.ID == 0 {
		var id int64
		err := db.pool.QueryRow(ctx, `INSERT INTO broadcasts (topics, channels, langs, region_code, district_code,
			texts, sms_segments, sms_budget, agency_id, created_by)
			VALUES ($1, $2, $3, nullif($4, ''), nullif($5, ''), $6, $7, $8, $9, $10) RETURNING id`, args...).Scan(&id)
		if err != nil {
			return 0, fmt.Errorf("postgres: create broadcast: %w", err)
		}
		return id, nil
	}
	tag, err := db.pool.Exec(ctx, `UPDATE broadcasts SET topics = $1, channels = $2, langs = $3,
		region_code = nullif($4, ''), district_code = nullif($5, ''), texts = $6, sms_segments = $7, sms_budget = $8,
		agency_id = $9 WHERE id = $10 AND status = 'draft'`, append(args[:9], b.ID)...)
	if err != nil {
		return 0, fmt.Errorf("postgres: save broadcast %d: %w", b.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return 0, fmt.Errorf("postgres: save broadcast %d: %w", b.ID, azizayol.ErrBroadcastState)
	}
	return b.ID, nil
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

const broadcastColumns = `SELECT b.id, b.agency_id, b.texts, b.sms_segments, b.topics, b.langs, coalesce(b.region_code, ''),
       coalesce(b.district_code, ''), b.channels, b.status, b.scheduled_at, b.sms_budget, coalesce(b.created_by, 0),
       coalesce(s.name, ''), b.created_at, b.started_at, b.finished_at, b.planned, b.total, b.sent, b.delivered,
       b.failed, b.blocked, b.skipped, b.unknown, b.sms_used,
       b.active_secs + coalesce(extract(epoch FROM now() - b.running_since), 0)
FROM broadcasts b LEFT JOIN staff s ON s.id = b.created_by`

func scanBroadcast(row pgx.Row) (azizayol.Broadcast, error) {
	var (
		b                        azizayol.Broadcast
		texts, segments          []byte
		topics, langs, channels  []string
		status                   string
		scheduled, started, done *time.Time
	)
	p := &b.Progress
	err := row.Scan(&b.ID, &b.AgencyID, &texts, &segments, &topics, &langs, &b.Audience.RegionCode,
		&b.Audience.DistrictCode, &channels, &status, &scheduled, &b.SMSBudget, &b.CreatedBy,
		&b.Author, &b.Created, &started, &done, &p.Planned, &p.Total, &p.Sent, &p.Delivered,
		&p.Failed, &p.Blocked, &p.Skipped, &p.Unknown, &p.SMSUsed, &p.ActiveTime)
	if err != nil {
		return b, err
	}
	if err := json.Unmarshal(texts, &b.Texts); err != nil {
		return b, fmt.Errorf("texts: %w", err)
	}
	if err := json.Unmarshal(segments, &b.SMSSegments); err != nil {
		return b, fmt.Errorf("sms segments: %w", err)
	}
	for _, t := range topics {
		b.Audience.Topics = append(b.Audience.Topics, azizayol.InfoTopic(t))
	}
	for _, l := range langs {
		b.Audience.Langs = append(b.Audience.Langs, azizayol.Lang(l))
	}
	for _, c := range channels {
		b.Audience.Channels = append(b.Audience.Channels, azizayol.Channel(c))
	}
	b.Status = azizayol.BroadcastStatus(status)
	for _, t := range []struct {
		from *time.Time
		to   *time.Time
	}{{scheduled, &b.ScheduledAt}, {started, &b.Started}, {done, &b.Finished}} {
		if t.from != nil {
			*t.to = *t.from
		}
	}
	if b.Status == azizayol.BroadcastCancelled {
		p.Cancelled = p.Queued()
	}
	return b, nil
}

// Broadcast finds one broadcast; ErrNotFound when missing or not agencyID's (0: any).
func (db *DB) Broadcast(ctx context.Context, agencyID, id int64) (azizayol.Broadcast, error) {
	b, err := scanBroadcast(db.pool.QueryRow(ctx, broadcastColumns+` WHERE b.id = $1 AND ($2 = 0 OR b.agency_id = $2)`, id, agencyID))
	if errors.Is(err, pgx.ErrNoRows) {
		return b, fmt.Errorf("postgres: broadcast %d: %w", id, azizayol.ErrNotFound)
	}
	if err != nil {
		return b, fmt.Errorf("postgres: broadcast %d: %w", id, err)
	}
	return b, nil
}

// Broadcasts lists the newest broadcasts of an agency (0: all).
func (db *DB) Broadcasts(ctx context.Context, agencyID int64, limit int) ([]azizayol.Broadcast, error) {
	rows, err := db.pool.Query(ctx, broadcastColumns+` WHERE $1 = 0 OR b.agency_id = $1 ORDER BY b.id DESC LIMIT $2`, agencyID, limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: broadcasts: %w", err)
	}
	defer rows.Close()
	var list []azizayol.Broadcast
	for rows.Next() {
		b, err := scanBroadcast(rows)
		if err != nil {
			return nil, fmt.Errorf("postgres: broadcasts: %w", err)
		}
		list = append(list, b)
	}
	return list, rows.Err()
}

// SetBroadcastStatus moves a broadcast of agencyID (0: any) from one of from to to.
// Running time is counted from each start or resume to the next pause or end, so the
// achieved rate and the ETA leave paused time out.
func (db *DB) SetBroadcastStatus(ctx context.Context, agencyID, id int64, from []azizayol.BroadcastStatus, to azizayol.BroadcastStatus, at time.Time) error {
	froms := make([]string, len(from))
	for i, f := range from {
		froms[i] = string(f)
	}
	var scheduled *time.Time
	if to == azizayol.BroadcastScheduled {
		scheduled = &at
	}
	tag, err := db.pool.Exec(ctx, `UPDATE broadcasts SET status = $4,
		scheduled_at = coalesce($5, scheduled_at),
		started_at = CASE WHEN $4 = 'running' THEN coalesce(started_at, now()) ELSE started_at END,
		active_secs = active_secs + coalesce(extract(epoch FROM now() - running_since), 0),
		running_since = CASE WHEN $4 = 'running' THEN now() END,
		finished_at = CASE WHEN $4 = 'cancelled' THEN now() END
		WHERE id = $1 AND ($2 = 0 OR agency_id = $2) AND status = ANY($3)`,
		id, agencyID, froms, string(to), scheduled)
	if err != nil {
		return fmt.Errorf("postgres: broadcast %d to %s: %w", id, to, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: broadcast %d to %s: %w", id, to, azizayol.ErrBroadcastState)
	}
	return nil
}

// StartDueBroadcasts starts the scheduled broadcasts whose time has come.
func (db *DB) StartDueBroadcasts(ctx context.Context, now time.Time) (int, error) {
	tag, err := db.pool.Exec(ctx, `UPDATE broadcasts SET status = 'running', started_at = coalesce(started_at, now()),
		running_since = now() WHERE status = 'scheduled' AND scheduled_at <= $1`, now)
	if err != nil {
		return 0, fmt.Errorf("postgres: start scheduled broadcasts: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// planLock is the advisory lock class of planning a broadcast.
const planLock = "20261201"

// PlanBroadcasts finds the recipients among the next batch of user ids of one
// running broadcast, in a transaction of its own: a range of the users' primary key,
// each probed for her topics, costs the same at the millionth woman as at the first. SMS recipients beyond the broadcast's SMS budget are
// recorded as skipped. It reports false when no broadcast has recipients left to find.
func (db *DB) PlanBroadcasts(ctx context.Context, batch int) (bool, error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("postgres: plan broadcast: %w", err)
	}
	defer tx.Rollback(ctx)
	var (
		id, after        int64
		budget, used     int
		segments         []byte
		topics, channels []string
		langs            []string
		region, district string
	)
	// One instance plans a broadcast at a time (a lock of its own, not the row's: the
	// senders update the row's counters meanwhile); the others take another or none.
	// Where it got to is read after the lock is held, in a statement of its own, so
	// it is what the last holder committed.
	rows, err := tx.Query(ctx, `SELECT id FROM broadcasts WHERE status = 'running' AND NOT planned ORDER BY id`)
	if err != nil {
		return false, fmt.Errorf("postgres: plan broadcast: %w", err)
	}
	waiting, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return false, fmt.Errorf("postgres: plan broadcast: %w", err)
	}
	found := false
	for _, candidate := range waiting {
		var mine bool
		if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock(`+planLock+`, $1::int)`, candidate).Scan(&mine); err != nil {
			return false, fmt.Errorf("postgres: plan broadcast %d: %w", candidate, err)
		}
		if !mine {
			continue
		}
		err = tx.QueryRow(ctx, `SELECT id, planned_after, sms_budget, sms_used, sms_segments, topics, channels, langs,
			coalesce(region_code, ''), coalesce(district_code, '') FROM broadcasts
			WHERE id = $1 AND status = 'running' AND NOT planned`, candidate).
			Scan(&id, &after, &budget, &used, &segments, &topics, &channels, &langs, &region, &district)
		if errors.Is(err, pgx.ErrNoRows) {
			continue // planned by the one who held the lock before
		}
		if err != nil {
			return false, fmt.Errorf("postgres: plan broadcast %d: %w", candidate, err)
		}
		found = true
		break
	}
	if !found {
		return false, nil
	}
	if len(channels) == 0 {
		channels = []string{string(azizayol.Telegram), string(azizayol.SMS)}
	}
	var added, skipped, cost int
	var last int64
	err = tx.QueryRow(ctx, `
		WITH found AS (
			SELECT u.id, u.channel, coalesce(nullif(u.lang, ''), 'uz-Latn') AS lang FROM users u
			WHERE u.id > $6 AND u.id <= $6 + $7 AND `+audienceSQL+`
			ORDER BY u.id
		), costed AS (
			SELECT f.*, CASE WHEN f.channel = 'sms' THEN coalesce(($8::jsonb ->> f.lang)::int, 1) ELSE 0 END AS segments,
			       sum(CASE WHEN f.channel = 'sms' THEN coalesce(($8::jsonb ->> f.lang)::int, 1) ELSE 0 END)
			           OVER (ORDER BY f.id) AS running
			FROM found f
		), added AS (
			INSERT INTO broadcast_recipients (broadcast_id, user_id, channel, lang, segments, status, reason, done_at)
			SELECT $9, c.id, c.channel, c.lang, c.segments,
			       CASE WHEN c.segments > 0 AND $10 + c.running > $11 THEN 'skipped' ELSE 'pending' END,
			       CASE WHEN c.segments > 0 AND $10 + c.running > $11 THEN 'sms budget' END,
			       CASE WHEN c.segments > 0 AND $10 + c.running > $11 THEN now() END
			FROM costed c ON CONFLICT DO NOTHING
			RETURNING status, segments
		)
		SELECT (SELECT count(*) FROM added), (SELECT coalesce(max(id), 0) FROM users),
		       (SELECT count(*) FILTER (WHERE status = 'skipped') FROM added),
		       (SELECT coalesce(sum(segments) FILTER (WHERE status = 'pending'), 0) FROM added)`,
		topics, channels, langs, region, district, after, batch, segments, id, used, budget).
		Scan(&added, &last, &skipped, &cost)
	if err != nil {
		return false, fmt.Errorf("postgres: plan broadcast %d: %w", id, err)
	}
	next := after + int64(batch)
	_, err = tx.Exec(ctx, `UPDATE broadcasts SET planned_after = $2, planned = $3, total = total + $4,
		skipped = skipped + $5, sms_used = sms_used + $6 WHERE id = $1`,
		id, next, next >= last, added, skipped, cost)
	if err != nil {
		return false, fmt.Errorf("postgres: plan broadcast %d: %w", id, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return false, fmt.Errorf("postgres: plan broadcast %d: commit: %w", id, err)
	}
	return true, nil
}

// ClaimBroadcastSends takes up to n recipients due on a channel, of running
// broadcasts (oldest first), and marks them 'sending' until now+lease, committed
// before they are sent. A recipient who since unsubscribed, sent STOP or blocked the
// bot comes with Skip set. The running broadcasts are looked up first, so the rows
// of a paused or cancelled one are never read.
// It also returns the running broadcasts: a sender sends nothing more of one that was
// paused or cancelled since its message was claimed.
func (db *DB) ClaimBroadcastSends(ctx context.Context, channel azizayol.Channel, n int, lease time.Duration) ([]azizayol.BroadcastSend, []int64, error) {
	rows, err := db.pool.Query(ctx, `SELECT id FROM broadcasts WHERE status = 'running' ORDER BY id`)
	if err != nil {
		return nil, nil, fmt.Errorf("postgres: running broadcasts: %w", err)
	}
	running, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, nil, fmt.Errorf("postgres: running broadcasts: %w", err)
	}
	var sends []azizayol.BroadcastSend
	for _, id := range running {
		more, err := db.claimOf(ctx, id, channel, n-len(sends), lease)
		if err != nil {
			return sends, running, err
		}
		if sends = append(sends, more...); len(sends) >= n {
			break
		}
	}
	return sends, running, nil
}

// claimOf claims up to n sends of one broadcast.
func (db *DB) claimOf(ctx context.Context, broadcastID int64, channel azizayol.Channel, n int, lease time.Duration) ([]azizayol.BroadcastSend, error) {
	rows, err := db.pool.Query(ctx, `
		WITH c AS (
			SELECT r.broadcast_id, r.user_id FROM broadcast_recipients r
			WHERE r.channel = $1 AND r.broadcast_id = $4 AND r.status = 'pending' AND r.next_attempt_at <= now()
			ORDER BY r.user_id LIMIT $2 FOR UPDATE SKIP LOCKED
		)
		UPDATE broadcast_recipients r SET status = 'sending', claimed_until = now() + $3::interval,
		       claims = r.claims + 1
		FROM c, users u, broadcasts b
		WHERE r.broadcast_id = c.broadcast_id AND r.user_id = c.user_id AND u.id = r.user_id AND b.id = r.broadcast_id
		  AND b.status = 'running'
		RETURNING r.broadcast_id, r.user_id, u.address, r.lang, coalesce(b.texts ->> r.lang, b.texts ->> 'uz-Latn'),
		       r.claimed_until, r.claims, r.failures, u.sweep_hours, u.discreet, u.notify_from, u.notify_until,
		       CASE WHEN u.blocked_at IS NOT NULL THEN 'blocked'
		            WHEN u.opted_out_at IS NOT NULL THEN 'stop'
		            WHEN NOT EXISTS (SELECT 1 FROM info_subscriptions s WHERE s.user_id = u.id AND s.topic = ANY(b.topics))
		                 THEN 'unsubscribed'
		            ELSE '' END`,
		string(channel), n, lease.String(), broadcastID)
	if err != nil {
		return nil, fmt.Errorf("postgres: claim sends of broadcast %d: %w", broadcastID, err)
	}
	defer rows.Close()
	var sends []azizayol.BroadcastSend
	for rows.Next() {
		s := azizayol.BroadcastSend{Channel: channel}
		var lang string
		p := &s.Privacy
		if err := rows.Scan(&s.BroadcastID, &s.UserID, &s.Address, &lang, &s.Text, &s.Until, &s.Claim, &s.Failures,
			&p.SweepHours, &p.Discreet, &p.NotifyFrom, &p.NotifyUntil, &s.Skip); err != nil {
			return nil, fmt.Errorf("postgres: claim sends of broadcast %d: %w", broadcastID, err)
		}
		s.Lang = azizayol.Lang(lang)
		sends = append(sends, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: claim sends of broadcast %d: %w", broadcastID, err)
	}
	return sends, nil
}

// recipientStatus is the row status a delivery leaves, and the reason kept with it.
func recipientStatus(d azizayol.Delivery) (status, reason string) {
	switch d.Status {
	case azizayol.Sent:
		return "sent", ""
	case azizayol.RetryLater:
		return "pending", d.Error
	case azizayol.UserBlocked:
		return "blocked", ""
	case azizayol.Withheld:
		return "skipped", d.Error
	case azizayol.Unknown:
		return "unknown", d.Error
	default:
		return "failed", d.Error
	}
}

// RecordBroadcastSends records what became of claimed sends, in one transaction,
// and moves the broadcasts' counters by what actually changed: a send recorded after
// its claim ran out (and it was counted unknown) is counted for what it was.
// It returns the sends it recorded: one whose claim ran out and was settled without
// it is not.
func (db *DB) RecordBroadcastSends(ctx context.Context, results []azizayol.BroadcastResult) ([]azizayol.BroadcastKey, error) {
	if len(results) == 0 {
		return nil, nil
	}
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: record broadcast sends: %w", err)
	}
	defer tx.Rollback(ctx)
	var (
		bids, uids                []int64
		claims, failed            []int32
		statuses, reasons, extIDs []string
		retryAt, started          []time.Time
	)
	for _, r := range results {
		status, reason := recipientStatus(r.Delivery)
		bids, uids = append(bids, r.BroadcastID), append(uids, r.UserID)
		statuses, reasons, extIDs = append(statuses, status), append(reasons, reason), append(extIDs, r.Delivery.ExternalID)
		// A wait our own limits asked for is not a failed try; an error is.
		f := int32(0)
		if r.Delivery.Status == azizayol.RetryLater && r.Delivery.Error != "" {
			f = 1
		}
		claims, failed = append(claims, int32(r.Claim)), append(failed, f)
		at := r.Delivery.RetryAt
		if at.IsZero() {
			at = r.At
		}
		retryAt, started = append(retryAt, at), append(started, r.Started)
	}
	rows, err := tx.Query(ctx, `
		WITH v AS (
			SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
			                     $7::int[], $8::int[])
			       AS v(bid, uid, status, reason, ext, at, claim, failed)
		), old AS (
			-- Only the claim this outcome is of: a record that comes after its claim ran
			-- out and the message was claimed again changes nothing.
			SELECT r.broadcast_id, r.user_id, r.status AS was FROM broadcast_recipients r
			JOIN v ON r.broadcast_id = v.bid AND r.user_id = v.uid AND r.claims = v.claim
			WHERE r.status IN ('sending', 'unknown')
			ORDER BY r.broadcast_id, r.user_id FOR UPDATE OF r
		)
		UPDATE broadcast_recipients r SET status = v.status, reason = nullif(v.reason, ''),
		       external_id = nullif(v.ext, ''), claimed_until = NULL, failures = r.failures + v.failed,
		       next_attempt_at = CASE WHEN v.status = 'pending' THEN v.at ELSE r.next_attempt_at END,
		       done_at = CASE WHEN v.status = 'pending' THEN NULL ELSE v.at END
		FROM v, old
		WHERE r.broadcast_id = v.bid AND r.user_id = v.uid AND old.broadcast_id = v.bid AND old.user_id = v.uid
		RETURNING r.broadcast_id, r.user_id, old.was, r.status, r.channel, coalesce(r.external_id, '')`,
		bids, uids, statuses, reasons, extIDs, retryAt, claims, failed)
	if err != nil {
		return nil, fmt.Errorf("postgres: record broadcast sends: %w", err)
	}
	type change struct {
		bid, uid         int64
		was, now, ch, ex string
	}
	var changes []change
	for rows.Next() {
		var c change
		if err := rows.Scan(&c.bid, &c.uid, &c.was, &c.now, &c.ch, &c.ex); err != nil {
			rows.Close()
			return nil, fmt.Errorf("postgres: record broadcast sends: %w", err)
		}
		changes = append(changes, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: record broadcast sends: %w", err)
	}
	startedOf := map[azizayol.BroadcastKey]time.Time{}
	for i := range bids {
		startedOf[azizayol.BroadcastKey{BroadcastID: bids[i], UserID: uids[i]}] = started[i]
	}

	counts := map[int64]map[string]int{}
	for _, c := range changes {
		if counts[c.bid] == nil {
			counts[c.bid] = map[string]int{}
		}
		m := counts[c.bid]
		if c.was == "unknown" {
			m["unknown"]--
		}
		if c.now != "pending" {
			m[c.now]++
		}
		if c.now == "blocked" {
			if err := markBlocked(ctx, tx, c.uid); err != nil {
				return nil, err
			}
		}
		if c.now == "sent" && c.ex != "" {
			key := azizayol.BroadcastKey{BroadcastID: c.bid, UserID: c.uid}
			if err := db.sentBroadcast(ctx, tx, key, startedOf[key], azizayol.Channel(c.ch), c.ex); err != nil {
				return nil, err
			}
		}
	}
	// In id order, as every recorder does: two of them never wait for each other.
	ids := slices.Sorted(maps.Keys(counts))
	for _, bid := range ids {
		m := counts[bid]
		_, err := tx.Exec(ctx, `UPDATE broadcasts SET sent = sent + $2, failed = failed + $3, blocked = blocked + $4,
			skipped = skipped + $5, unknown = unknown + $6 WHERE id = $1`,
			bid, m["sent"], m["failed"], m["blocked"], m["skipped"], m["unknown"])
		if err != nil {
			return nil, fmt.Errorf("postgres: count broadcast %d sends: %w", bid, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("postgres: record broadcast sends: commit: %w", err)
	}
	recorded := make([]azizayol.BroadcastKey, len(changes))
	for i, c := range changes {
		recorded[i] = azizayol.BroadcastKey{BroadcastID: c.bid, UserID: c.uid}
	}
	return recorded, nil
}

// sentBroadcast keeps what a sent broadcast message needs later: on Telegram its id,
// so clearing her chat (and her sweep) deletes it too — at once, when she cleared it
// after its sender took it up; on SMS a delivery report that came before this commit.
func (db *DB) sentBroadcast(ctx context.Context, tx pgx.Tx, key azizayol.BroadcastKey, started time.Time, ch azizayol.Channel, ext string) error {
	switch ch {
	case azizayol.Telegram:
		if id, err := strconv.Atoi(ext); err == nil && id > 0 {
			if started.IsZero() {
				started = time.Now()
			}
			return trackMessages(ctx, tx, key.UserID, []int{id}, time.Now(), started, 0)
		}
	case azizayol.SMS:
		var report string
		err := tx.QueryRow(ctx, `DELETE FROM early_reports WHERE channel = $1 AND external_id = $2 RETURNING delivery`,
			string(ch), ext).Scan(&report)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("postgres: early report of broadcast %d to user %d: %w", key.BroadcastID, key.UserID, err)
		}
		_, err = recordBroadcastReport(ctx, tx, ch, ext, azizayol.DeliveryReport(report))
		return err
	}
	return nil
}

// recordBroadcastReport records a provider's report of a broadcast SMS; found is
// false when it is of no broadcast message.
func recordBroadcastReport(ctx context.Context, q interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}, ch azizayol.Channel, ext string, r azizayol.DeliveryReport) (found bool, err error) {
	var n int
	err = q.QueryRow(ctx, `
		WITH r AS (SELECT broadcast_id FROM broadcast_recipients WHERE channel = $1 AND external_id = $2),
		u AS (UPDATE broadcast_recipients SET delivery = $3
		      WHERE channel = $1 AND external_id = $2 AND delivery IS DISTINCT FROM $3 RETURNING broadcast_id),
		b AS (UPDATE broadcasts SET delivered = delivered + 1
		      WHERE $3 = 'delivered' AND id IN (SELECT broadcast_id FROM u))
		SELECT count(*) FROM r`, string(ch), ext, string(r)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("postgres: delivery report of broadcast message %s: %w", ext, err)
	}
	return n > 0, nil
}

// ExpireBroadcastClaims settles the sends whose claim ran out unrecorded — their
// sender stopped between claiming and recording: marked tells which of them were
// marked as on their way (they count unknown and are never sent again); the others
// go back in the queue. A batch at a time, each in its own transaction.
func (db *DB) ExpireBroadcastClaims(ctx context.Context, marked func([]azizayol.BroadcastKey) ([]bool, error)) (int, error) {
	total := 0
	for {
		n, err := db.expireBatch(ctx, marked)
		total += n
		if err != nil || n < expireBatch {
			return total, err
		}
	}
}

const expireBatch = 1000

func (db *DB) expireBatch(ctx context.Context, marked func([]azizayol.BroadcastKey) ([]bool, error)) (int, error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("postgres: expire broadcast claims: %w", err)
	}
	defer tx.Rollback(ctx)
	rows, err := tx.Query(ctx, `SELECT broadcast_id, user_id FROM broadcast_recipients
		WHERE status = 'sending' AND claimed_until < now() ORDER BY claimed_until LIMIT $1 FOR UPDATE SKIP LOCKED`, expireBatch)
	if err != nil {
		return 0, fmt.Errorf("postgres: expire broadcast claims: %w", err)
	}
	keys, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (azizayol.BroadcastKey, error) {
		var k azizayol.BroadcastKey
		return k, r.Scan(&k.BroadcastID, &k.UserID)
	})
	if err != nil || len(keys) == 0 {
		return 0, err
	}
	on, err := marked(keys)
	if err != nil {
		return 0, fmt.Errorf("postgres: expire broadcast claims: %w", err)
	}
	var bids, uids []int64
	var unknown []bool
	for i, k := range keys {
		bids, uids, unknown = append(bids, k.BroadcastID), append(uids, k.UserID), append(unknown, on[i])
	}
	// The broadcasts' rows in id order, as the recorders take them: never a deadlock.
	if _, err := tx.Exec(ctx, `SELECT id FROM broadcasts WHERE id = ANY($1) ORDER BY id FOR UPDATE`, bids); err != nil {
		return 0, fmt.Errorf("postgres: expire broadcast claims: %w", err)
	}
	_, err = tx.Exec(ctx, `
		WITH v AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::boolean[]) AS v(bid, uid, unknown)),
		u AS (
			UPDATE broadcast_recipients r SET claimed_until = NULL,
			       status = CASE WHEN v.unknown THEN 'unknown' ELSE 'pending' END,
			       reason = CASE WHEN v.unknown THEN 'its sender stopped while sending it' END,
			       done_at = CASE WHEN v.unknown THEN now() END, next_attempt_at = now()
			FROM v WHERE r.broadcast_id = v.bid AND r.user_id = v.uid
			RETURNING r.broadcast_id, v.unknown
		)
		UPDATE broadcasts b SET unknown = b.unknown + c.n
		FROM (SELECT broadcast_id, count(*) AS n FROM u WHERE unknown GROUP BY broadcast_id ORDER BY broadcast_id) c
		WHERE b.id = c.broadcast_id`, bids, uids, unknown)
	if err != nil {
		return 0, fmt.Errorf("postgres: expire broadcast claims: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("postgres: expire broadcast claims: commit: %w", err)
	}
	return len(keys), nil
}

// BroadcastText is a broadcast's text in lang, for a woman who was one of its
// recipients (told of it discreetly, she reads it behind a button).
func (u *unitTx) BroadcastText(ctx context.Context, userID, broadcastID int64, lang azizayol.Lang) (string, error) {
	var text string
	err := u.tx.QueryRow(ctx, `SELECT coalesce(b.texts ->> $3, b.texts ->> 'uz-Latn') FROM broadcasts b
		JOIN broadcast_recipients r ON r.broadcast_id = b.id AND r.user_id = $2 WHERE b.id = $1`,
		broadcastID, userID, string(lang)).Scan(&text)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("postgres: broadcast %d to user %d: %w", broadcastID, userID, azizayol.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("postgres: broadcast %d to user %d: %w", broadcastID, userID, err)
	}
	return text, nil
}

// FinishBroadcasts marks done the running broadcasts whose every recipient has an
// outcome.
func (db *DB) FinishBroadcasts(ctx context.Context) (int, error) {
	tag, err := db.pool.Exec(ctx, `UPDATE broadcasts SET status = 'done', finished_at = now(),
		active_secs = active_secs + coalesce(extract(epoch FROM now() - running_since), 0), running_since = NULL
		WHERE status = 'running' AND planned AND sent + failed + blocked + skipped + unknown >= total`)
	if err != nil {
		return 0, fmt.Errorf("postgres: finish broadcasts: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
