package dialogs

import (
	"log/slog"

	"github.com/azizayol/azizayol"
)

// crisisCase opens, for a message with words of harm (Crisis.Harm: violence, suicide
// or self-harm, immediate danger), an urgent case for her with the 24-hour deadline,
// so that the rehabilitation centre's staff can reach her even if she leaves the
// dialog now; while one is open it notes the words again there (see
// azizayol.AppealStore.CrisisCase). A plain request for help ("yordam", "помогите",
// 1146) brings the guidance but opens no case, as it makes no consultation urgent.
// The case keeps none of her words.
//
// A failure to open it is logged and does not fail the turn: the emergency guidance
// is never held back, and the store leaves the message's transaction usable.
func (e *Engine) crisisCase(t *Turn) {
	if t.user.ID == 0 || t.user.Channel == azizayol.Simulator {
		return // staff trying the simulator open no case in a real queue
	}
	if _, _, err := t.Store().CrisisCase(t.ctx, t.user.ID, t.sess.Lang, t.now); err != nil {
		slog.Error("dialogs: opening a crisis case failed; the guidance is shown", "user", t.user.ID, "err", err)
	}
}

// MatchCrisis matches text with the engine's crisis words (the channels that answer
// outside the dialogs use it: an SMS after STOP).
func (e *Engine) MatchCrisis(text string) (entry string, ok bool) { return e.crisis.Match(text) }
