package dialogs

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/azizayol/azizayol"
)

// What the courses and vacancies dialogs share: the place she picks, the pages of a
// list, and subscribing to what is new there.

// PageSize is how many courses or vacancies one page shows.
const PageSize = 5

// numberedListing is about the most characters one listing takes on a channel without
// buttons (SMS), where a page must fit azizayol.SMSChars with its title and options.
const numberedListing = 180

// pageSize is how many listings a page shows on her channel: by SMS two in Uzbek Latin
// (GSM-7), one in Cyrillic and Russian (UCS-2).
func pageSize(t *Turn) int {
	if t.numbered() {
		return max(1, azizayol.SMSChars(t.Lang())/numberedListing)
	}
	return PageSize
}

// Keys of a listing search in the session.
const (
	keyPage    = "page"
	keyField   = "field"
	keyKeyword = "keyword"
	keyLat     = "lat"
	keyLon     = "lon"
)

const wholeRegion = "all"

// placeDistricts is the district step of a listing: the region's districts, and the
// whole region first.
func placeDistricts(t *Turn) Prompt {
	p := districtPrompt(t)
	all := []Choice{{Value: wholeRegion, Label: t.T("listing.whole_region", nil)}}
	p.Choices = append([][]Choice{all}, p.Choices...)
	return p
}

// pickPlaceRegion takes a region for a listing search.
func pickPlaceRegion(t *Turn, in Input) error {
	regions, err := t.Store().Regions(t.Context())
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(regions, func(r azizayol.Region) bool { return r.Code == in.Choice }) {
		return unexpected(in)
	}
	d := t.Data()
	d[keyRegion], d[keyPage] = in.Choice, "0"
	delete(d, keyDistrict)
	delete(d, keyLat)
	delete(d, keyLon)
	return nil
}

// pickPlaceDistrict takes a district (or the whole region) for a listing search.
func pickPlaceDistrict(t *Turn, in Input) error {
	d := t.Data()
	if in.Choice == wholeRegion {
		delete(d, keyDistrict)
		d[keyPage] = "0"
		return nil
	}
	districts, err := t.Store().Districts(t.Context(), d[keyRegion])
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(districts, func(x azizayol.District) bool { return x.Code == in.Choice }) {
		return unexpected(in)
	}
	d[keyDistrict], d[keyPage] = in.Choice, "0"
	return nil
}

// filter is the search the session holds, for one page.
func filter(t *Turn) azizayol.ListingFilter {
	d := t.Data()
	page := currentPage(t)
	f := azizayol.ListingFilter{
		RegionCode: d[keyRegion], DistrictCode: d[keyDistrict], Field: d[keyField], Keyword: d[keyKeyword],
		Now: t.Now(), Offset: page * pageSize(t), Limit: pageSize(t) + 1, // one more: is there a next page?
	}
	if lat, err := strconv.ParseFloat(d[keyLat], 64); err == nil {
		if lon, err := strconv.ParseFloat(d[keyLon], 64); err == nil {
			f.Near = &azizayol.Point{Lat: lat, Lon: lon}
		}
	}
	return f
}

// pager is the buttons under a page: previous, next (when there is more), and
// subscribe (when she searched a region). The page buttons name the page they turn
// to, so a second tap on an old "next" shows that page again instead of skipping one.
func pager(t *Turn, more bool) [][]Choice {
	var turn []Choice
	page := currentPage(t)
	if page > 0 {
		turn = append(turn, Choice{Value: pageValue(page - 1), Label: t.T("listing.prev", nil)})
	}
	if more {
		turn = append(turn, Choice{Value: pageValue(page + 1), Label: t.T("listing.next", nil)})
	}
	var rows [][]Choice
	if len(turn) > 0 {
		rows = append(rows, turn)
	}
	if t.Data()[keyRegion] != "" {
		rows = append(rows, []Choice{{Value: "subscribe", Label: t.T("listing.subscribe", nil)}})
	}
	return rows
}

// maxPage is the last page a button may name: 5,000 listings deep (2,000 on SMS).
const maxPage = 1000

func pageValue(n int) string { return "page:" + strconv.Itoa(n) }

func currentPage(t *Turn) int {
	page, _ := strconv.Atoi(t.Data()[keyPage])
	return min(max(page, 0), maxPage)
}

// noneHere is the page when a list is empty: on a page past the end (the list got
// shorter while she read), with the way back to the pages before.
func noneHere(t *Turn, id string) Prompt {
	p := Prompt{Text: t.T(id, nil), Nav: Nav{Back: true, Menu: true}}
	if currentPage(t) > 0 {
		p.Choices = [][]Choice{{{Value: pageValue(0), Label: t.T("listing.first", nil)}}}
	}
	return p
}

// turnPage handles the list's buttons; ok is false for anything else.
func turnPage(t *Turn, kind azizayol.ListingKind, in Input) (ok bool, err error) {
	d := t.Data()
	if n, found := strings.CutPrefix(in.Choice, "page:"); found {
		page, err := strconv.Atoi(n)
		if err != nil || page < 0 || page > maxPage {
			return false, nil
		}
		d[keyPage] = strconv.Itoa(page)
		t.InPlace()
		return true, nil
	}
	if in.Choice != "subscribe" || d[keyRegion] == "" {
		return false, nil
	}
	err = t.Store().Subscribe(t.Context(), azizayol.Subscription{
		User: t.User(), Kind: kind, RegionCode: d[keyRegion], DistrictCode: d[keyDistrict], Field: d[keyField],
	})
	if errors.Is(err, azizayol.ErrTooManySubscriptions) {
		t.Say("listing.too_many", map[string]any{"Max": azizayol.MaxSubscriptions})
		return true, nil
	}
	if err != nil {
		return true, err
	}
	what := placeName(t, d[keyRegion], d[keyDistrict])
	if d[keyField] != "" {
		what += " · " + t.T("field."+d[keyField], nil)
	}
	t.Say("listing.subscribed_"+string(kind), map[string]any{"Place": what})
	return true, nil
}

// clip is a listing's value as a page shows it: five listings must fit in one
// Telegram message whatever a source writes, two in three SMS.
func clip(t *Turn, s string) string {
	if t.sms() {
		return excerpt(s, 30)
	}
	return excerpt(s, 100)
}

// pageTitle heads a page: what, where, and which of them.
func pageTitle(t *Turn, id string, shown int) string {
	d := t.Data()
	page := currentPage(t)
	place := placeName(t, d[keyRegion], d[keyDistrict])
	if d[keyLat] != "" {
		place = t.T("listing.near_you", nil)
	}
	return t.T(id, map[string]any{"Place": place, "From": page*pageSize(t) + 1, "To": page*pageSize(t) + shown})
}

// money writes a sum of so'm with its thousands apart: 3 500 000.
func money(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune('\u00a0')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// km is the distance between two points on the Earth, in kilometres.
func km(a, b azizayol.Point) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	dLat, dLon := (b.Lat-a.Lat)*rad, (b.Lon-a.Lon)*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Sqrt(h))
}
