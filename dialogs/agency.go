package dialogs

import (
	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/locales"
)

// agencyName is the name of an agency as she reads it. By SMS, which stays on her
// phone for whoever picks it up, an agency whose own name tells what she wrote about —
// the women's rehabilitation centre, that runs the shelters — is named by the neutral
// wording of the message files ("agency.<code>_sms").
func agencyName(t *Turn, a azizayol.Agency) string {
	if id := "agency." + a.Code + "_sms"; t.sms() && locales.Has(t.Lang(), id) {
		return t.T(id, nil)
	}
	return a.Names.In(t.Lang())
}
