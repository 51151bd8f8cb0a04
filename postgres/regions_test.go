package postgres_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/jackc/pgx/v5"

	"github.com/azizayol/azizayol/internal/testenv"
)

// The regions in display order, as migrations/00002_regions.sql must give them.
var wantRegionCodes = []string{
	"1735", // Qoraqalpogʻiston Respublikasi
	"1703", // Andijon
	"1706", // Buxoro
	"1708", // Jizzax
	"1710", // Qashqadaryo
	"1712", // Navoiy
	"1714", // Namangan
	"1718", // Samarqand
	"1722", // Surxondaryo
	"1724", // Sirdaryo
	"1727", // Toshkent viloyati
	"1730", // Fargʻona
	"1733", // Xorazm
	"1726", // Toshkent shahri
}

const tashkentCity = "1726"

type regionRow struct {
	Code, Latn, Cyrl, Ru string
	Position             int
}

type districtRow struct {
	Code, Region, Latn, Cyrl, Ru, Kind string
}

// loadRegions reads both tables of a freshly migrated database.
func loadRegions(t *testing.T) ([]regionRow, []districtRow) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, testenv.DatabaseURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)

	rows, err := conn.Query(ctx,
		`SELECT code, name_uz_latn, name_uz_cyrl, name_ru, position FROM regions ORDER BY position, code`)
	if err != nil {
		t.Fatal(err)
	}
	regions, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (regionRow, error) {
		var x regionRow
		err := r.Scan(&x.Code, &x.Latn, &x.Cyrl, &x.Ru, &x.Position)
		return x, err
	})
	if err != nil {
		t.Fatal(err)
	}

	rows, err = conn.Query(ctx,
		`SELECT code, region_code, name_uz_latn, name_uz_cyrl, name_ru, kind FROM districts ORDER BY code`)
	if err != nil {
		t.Fatal(err)
	}
	districts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (districtRow, error) {
		var x districtRow
		err := r.Scan(&x.Code, &x.Region, &x.Latn, &x.Cyrl, &x.Ru, &x.Kind)
		return x, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return regions, districts
}

func TestRegionsAndDistricts(t *testing.T) {
	t.Parallel()
	regions, districts := loadRegions(t)
	t.Logf("%d regions, %d districts and cities", len(regions), len(districts))

	t.Run("RegionCodesAndOrder", func(t *testing.T) {
		var got []string
		for i, r := range regions {
			got = append(got, r.Code)
			if r.Position != i+1 {
				t.Errorf("region %s has position %d, want %d", r.Code, r.Position, i+1)
			}
		}
		if !slices.Equal(got, wantRegionCodes) {
			t.Errorf("regions by position = %v\nwant %v", got, wantRegionCodes)
		}
	})

	t.Run("DistrictCodesInTheirRegion", func(t *testing.T) {
		known := map[string]bool{}
		for _, r := range regions {
			known[r.Code] = true
		}
		for _, d := range districts {
			if !known[d.Region] {
				t.Errorf("district %s: unknown region %s", d.Code, d.Region)
			}
			if !strings.HasPrefix(d.Code, d.Region) {
				t.Errorf("district %s does not start with its region's code %s", d.Code, d.Region)
			}
			// SOATO: 2xx are districts (and Tashkent city's districts), 4xx cities.
			want := "district"
			if d.Code[4] == '4' {
				want = "city"
			}
			if d.Kind != want {
				t.Errorf("district %s %q: kind %q, want %q", d.Code, d.Latn, d.Kind, want)
			}
		}
	})

	t.Run("NamesWritten", func(t *testing.T) {
		type named struct{ code, latn, cyrl, ru string }
		var all []named
		for _, r := range regions {
			all = append(all, named{r.Code, r.Latn, r.Cyrl, r.Ru})
		}
		for _, d := range districts {
			all = append(all, named{d.Code, d.Latn, d.Cyrl, d.Ru})
		}
		for _, n := range all {
			for _, s := range []string{n.latn, n.cyrl, n.ru} {
				if strings.TrimSpace(s) == "" || s != strings.TrimSpace(s) || strings.Contains(s, "  ") {
					t.Errorf("%s: name %q empty or badly spaced", n.code, s)
				}
			}
			if err := checkLatin(n.latn); err != "" {
				t.Errorf("%s: Latin name %q: %s", n.code, n.latn, err)
			}
			if r, ok := latinLetterIn(n.cyrl); ok {
				t.Errorf("%s: Cyrillic name %q has the Latin letter %q", n.code, n.cyrl, r)
			}
			if r, ok := latinLetterIn(n.ru); ok {
				t.Errorf("%s: Russian name %q has the Latin letter %q", n.code, n.ru, r)
			}
		}
	})

	t.Run("UnitsPerRegion", func(t *testing.T) {
		per := map[string]int{}
		for _, d := range districts {
			per[d.Region]++
		}
		for _, r := range regions {
			t.Logf("%s %-30s %3d", r.Code, r.Latn, per[r.Code])
			if per[r.Code] < 5 {
				t.Errorf("region %s %q has %d units, want at least 5", r.Code, r.Latn, per[r.Code])
			}
		}
		if per[tashkentCity] != 12 {
			t.Errorf("Tashkent city has %d districts, want 12", per[tashkentCity])
		}
	})

	t.Run("NamesUniqueInRegion", func(t *testing.T) {
		seen := map[string]string{} // region + form + name → code
		for _, d := range districts {
			for form, name := range map[string]string{"Latin": d.Latn, "Cyrillic": d.Cyrl, "Russian": d.Ru} {
				key := d.Region + "\x00" + form + "\x00" + strings.ToLower(name)
				if other, ok := seen[key]; ok {
					t.Errorf("region %s: %s name %q of %s is also %s's", d.Region, form, name, d.Code, other)
				}
				seen[key] = d.Code
			}
		}
	})
}

// checkLatin reports what is wrong with an Uzbek Latin name: any apostrophe other
// than the official two, a turned comma (U+02BB) anywhere but after o or g, or a
// letter that is not Latin.
func checkLatin(s string) string {
	rs := []rune(s)
	for i, r := range rs {
		var prev rune
		if i > 0 {
			prev = unicode.ToLower(rs[i-1])
		}
		switch {
		case strings.ContainsRune("'‘’`´", r):
			return "apostrophe " + string(r) + ", want ʻ (U+02BB) for oʻ gʻ and ʼ (U+02BC) for the tutuq"
		case r == 'ʻ' && prev != 'o' && prev != 'g':
			return "ʻ (U+02BB) not after o or g"
		case r == 'ʼ' && (prev == 'o' || prev == 'g'):
			return "ʼ (U+02BC) after o or g, want ʻ (U+02BB)"
		case unicode.IsLetter(r) && r != 'ʻ' && r != 'ʼ' && !unicode.Is(unicode.Latin, r):
			return "non-Latin letter " + string(r)
		}
	}
	return ""
}

func latinLetterIn(s string) (rune, bool) {
	for _, r := range s {
		if unicode.Is(unicode.Latin, r) {
			return r, true
		}
	}
	return 0, false
}
