package bot

import (
	"context"
	"strconv"
	"strings"

	"github.com/azizayol/azizayol"
)

// answerToNotice reads an SMS that is only a number as the press of that option of
// the last SMS she got, when that SMS stood on its own rather than being a dialog's
// step: an agency's notice ("AA-2026-000001 murojaatingizga javob keldi. 1 Oʻqish"),
// a digest. Every option of such a message works in any step — its data is
// "*:<what>", as dialogs.AppealButton and dialogs.UnsubscribeButton make it — so "1"
// opens her appeal wherever her session is, and after it expired. A dialog's prompt
// has options of its own step, and the number stays the dialog's.
func answerToNotice(ctx context.Context, tx azizayol.Tx, u azizayol.User, in azizayol.Inbound) (azizayol.Inbound, error) {
	if u.Channel != azizayol.SMS || in.Kind != azizayol.KindText {
		return in, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(in.Text))
	if err != nil || n < 1 {
		return in, nil
	}
	last, err := tx.LastSent(ctx, u.ID)
	if err != nil {
		return in, err
	}
	var options []azizayol.Button // as the SMS numbers them (sms.Render)
	for _, row := range last.Buttons {
		options = append(options, row...)
	}
	if n > len(options) {
		return in, nil
	}
	for _, b := range options {
		if !strings.HasPrefix(b.Data, "*:") {
			return in, nil
		}
	}
	return azizayol.Inbound{Kind: azizayol.KindButton, Data: options[n-1].Data, LangHint: in.LangHint}, nil
}
