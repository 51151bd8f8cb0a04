package jobs

import (
	"context"
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/dialogs"
	"github.com/azizayol/azizayol/locales"
)

// DigestDB hands the subscriptions due, one transaction each (postgres.DB).
type DigestDB interface {
	Digest(ctx context.Context, day, now time.Time, fn func(azizayol.Tx, azizayol.Subscription) error) (int, error)
}

// Digest tells each subscriber, at most once a day, what was added in her place and
// field since her last digest: a short list and a button to unsubscribe.
type Digest struct {
	DB     DigestDB
	Queued func(userID int64) // her digest was queued: wake the senders
	Now    azizayol.Clock
}

// digestItems is how many new listings a digest names.
const digestItems = 5

// Run makes today's digests. Run again the same day, it sends nothing twice.
func (d *Digest) Run(ctx context.Context) error {
	now := d.Now()
	t := now.In(azizayol.Tashkent)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, azizayol.Tashkent)
	var queued []int64
	_, err := d.DB.Digest(ctx, day, now, func(tx azizayol.Tx, s azizayol.Subscription) error {
		msg, ok, err := digest(ctx, tx, s, now)
		if err != nil || !ok {
			return err
		}
		queued = append(queued, s.User.ID)
		return tx.Enqueue(ctx, s.User, msg)
	})
	for _, id := range queued { // committed (or, for the last on an error, not: no harm)
		d.Queued(id)
	}
	if err != nil {
		return fmt.Errorf("jobs: digest: %w", err)
	}
	return nil
}

// digest is her digest; ok is false when nothing is new.
func digest(ctx context.Context, tx azizayol.Tx, s azizayol.Subscription, now time.Time) (azizayol.Outbound, bool, error) {
	since := s.Created
	if s.LastDigest.After(since) {
		since = s.LastDigest
	}
	f := azizayol.ListingFilter{RegionCode: s.RegionCode, DistrictCode: s.DistrictCode, Field: s.Field,
		Now: now, Since: since, Limit: digestItems + 1}
	var items []string
	switch s.Kind {
	case azizayol.VacanciesKind:
		list, err := tx.SearchVacancies(ctx, f)
		if err != nil {
			return azizayol.Outbound{}, false, err
		}
		for _, v := range list {
			items = append(items, "• "+html.EscapeString(v.Title)+" — "+html.EscapeString(v.Employer))
		}
	case azizayol.CoursesKind:
		list, err := tx.SearchCourses(ctx, f)
		if err != nil {
			return azizayol.Outbound{}, false, err
		}
		for _, c := range list {
			if c.Online && c.RegionCode != s.RegionCode {
				continue // online courses are in every region's list, not in every digest
			}
			items = append(items, "• "+html.EscapeString(c.Name))
		}
	}
	if len(items) == 0 {
		return azizayol.Outbound{}, false, nil
	}
	lang := s.User.Lang
	if lang == "" {
		lang = azizayol.UzLatn
	}
	place, err := placeName(ctx, tx, lang, s.RegionCode, s.DistrictCode)
	if err != nil {
		return azizayol.Outbound{}, false, err
	}
	head, err := locales.Text(lang, "digest."+string(s.Kind), map[string]any{"Place": html.EscapeString(place)})
	if err != nil {
		return azizayol.Outbound{}, false, err
	}
	more, err := locales.Text(lang, "digest.more_"+string(s.Kind), nil)
	if err != nil {
		return azizayol.Outbound{}, false, err
	}
	label, err := locales.Text(lang, "digest.unsubscribe", nil)
	if err != nil {
		return azizayol.Outbound{}, false, err
	}
	if len(items) > digestItems {
		items = append(items[:digestItems], "…")
	}
	return azizayol.Outbound{
		Text:    head + "\n" + strings.Join(items, "\n") + "\n" + more,
		Buttons: [][]azizayol.Button{{{Label: label, Data: dialogs.UnsubscribeButton(s.ID)}}},
	}, true, nil
}

// placeName is "District, Region" in lang.
func placeName(ctx context.Context, tx azizayol.Tx, lang azizayol.Lang, region, district string) (string, error) {
	var names []string
	if district != "" {
		ds, err := tx.Districts(ctx, region)
		if err != nil {
			return "", err
		}
		for _, d := range ds {
			if d.Code == district {
				names = append(names, d.Names.In(lang))
			}
		}
	}
	rs, err := tx.Regions(ctx)
	if err != nil {
		return "", err
	}
	for _, r := range rs {
		if r.Code == region {
			names = append(names, r.Names.In(lang))
		}
	}
	return strings.Join(names, ", "), nil
}
