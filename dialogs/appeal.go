package dialogs

import (
	"errors"
	"slices"
	"strings"

	"github.com/azizayol/azizayol"
)

// Appeal is a matter for a ministry or khokimiyat to act on: the Women's notebook,
// preferential housing, the higher-education grant recommendation (30 May to 8 June
// only), employment, entrepreneurship and credit, protection from violence (urgent),
// or anything else. It goes to the agency of her region and district, with her phone
// number and her consent.
func Appeal() Dialog {
	return filing{
		name: "appeal",
		kind: azizayol.KindAppeal,
		topics: []string{"notebook_in", "notebook_out", "housing", "grant", "employment",
			"entrepreneurship", "violence", "misc"},
		steps: []string{stepTopic, stepRegion, stepDistrict, stepText, stepMore, stepPhone, stepConsent, stepReview},
	}
}

func regionPrompt(t *Turn) Prompt {
	regions, err := t.Store().Regions(t.Context())
	if err != nil {
		t.fail(err)
	}
	var cs []Choice
	for _, r := range regions {
		cs = append(cs, Choice{Value: r.Code, Label: placeLabel(t, r.Names)})
	}
	return Prompt{Text: t.T("appeal.region", nil), Choices: twoPerRow(cs), Nav: Nav{Back: true, Cancel: true}}
}

func (f filing) pickRegion(t *Turn, in Input) (string, error) {
	regions, err := t.Store().Regions(t.Context())
	if err != nil {
		return "", err
	}
	if !slices.ContainsFunc(regions, func(r azizayol.Region) bool { return r.Code == in.Choice }) {
		return "", unexpected(in)
	}
	if t.Data()[keyRegion] != in.Choice {
		delete(t.Data(), keyDistrict)
		delete(t.Data(), keyConsent) // another region may go to another agency
	}
	t.Data()[keyRegion] = in.Choice
	return f.next(t, stepRegion), nil
}

func districtPrompt(t *Turn) Prompt {
	region := t.Data()[keyRegion]
	districts, err := t.Store().Districts(t.Context(), region)
	if err != nil {
		t.fail(err)
	}
	var cs []Choice
	for _, d := range districts {
		cs = append(cs, Choice{Value: d.Code, Label: placeLabel(t, d.Names)})
	}
	return Prompt{
		Text:    t.T("appeal.district", map[string]any{"Region": placeName(t, region, "")}),
		Choices: twoPerRow(cs), Nav: Nav{Back: true, Cancel: true},
	}
}

func (f filing) pickDistrict(t *Turn, in Input) (string, error) {
	region := t.Data()[keyRegion]
	districts, err := t.Store().Districts(t.Context(), region)
	if err != nil {
		return "", err
	}
	if !slices.ContainsFunc(districts, func(d azizayol.District) bool { return d.Code == in.Choice }) {
		if in.Kind == azizayol.KindText {
			// A district she typed that is in another region: say where it is.
			other, err := t.Store().FindDistrict(t.Context(), in.Text)
			switch {
			case err == nil && other.RegionCode != region:
				return "", Refuse("appeal.other_region", map[string]any{
					"District": other.Names.In(t.Lang()), "Region": placeName(t, other.RegionCode, ""),
					"Chosen": placeName(t, region, ""),
				})
			case err != nil && !errors.Is(err, azizayol.ErrNotFound):
				return "", err
			}
		}
		return "", unexpected(in)
	}
	t.Data()[keyDistrict] = in.Choice
	return f.next(t, stepDistrict), nil
}

// placeKinds are the words around a region's or district's name that say what kind of
// place it is. By SMS a list of places leaves them out, to fit: "Andijon viloyati" is
// "Andijon", "Андижанский район" "Андижанский". A city keeps its word ("Andijon
// shahri", "г. Андижан"): it is not the district of the same name.
var placeKinds = strings.NewReplacer(
	" viloyati", "", " tumani", "", " Respublikasi", "",
	" вилояти", "", " тумани", "", " Республикаси", "",
	" область", "", " район", "", "Республика ", "",
)

// placeLabel is a place's name as an option shows it.
func placeLabel(t *Turn, n azizayol.Names) string {
	if t.sms() {
		return placeKinds.Replace(n.In(t.Lang()))
	}
	return n.In(t.Lang())
}
