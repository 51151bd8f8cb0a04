package dialogs

import (
	"testing"

	"github.com/azizayol/azizayol/crisis"
	"github.com/azizayol/azizayol/locales"
	"github.com/azizayol/azizayol"
)

func TestProbe(t *testing.T) {
	m := crisis.Default()
	for _, s := range []string{"помогите", "yordam bering", "ёрдам", "zo'ravonlik", "oʻzimni oʻldiraman", "не хочу жить", "помогите\xff", "\xffпомогите", "yordam\xfe"} {
		e, ok := m.Match(s)
		t.Logf("%q -> %q %v", s, e, ok)
	}
	for _, l := range azizayol.Langs {
		for _, id := range locales.MessageIDs() {
			s, _ := locales.Text(l, id, map[string]any{"Minutes": 30, "Item": "x", "Length": 1, "Max": 2})
			if e, ok := m.Match(s); ok {
				t.Logf("%s %s: %q matches %q", l, id, s[:min(len(s), 60)], e)
			}
		}
	}
}
