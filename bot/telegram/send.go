package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/azizayol/azizayol"
)

// Send delivers one outbox message and maps Telegram's answer to what the outbox
// should do next.
func (t *Telegram) Send(ctx context.Context, om azizayol.OutboxMessage) (string, error) {
	m := om.Message
	chat, err := strconv.ParseInt(om.Address, 10, 64)
	if err != nil {
		return "", fmt.Errorf("telegram: chat id %q: %w", om.Address, azizayol.ErrRejected)
	}
	if m.Ack != "" {
		// Stops the spinner on her button. A query too old to answer (or answered
		// before this message was retried) is a 400: nothing is lost.
		_, err := t.api.AnswerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{CallbackQueryID: m.Ack})
		if err != nil && !errors.Is(err, tgbot.ErrorBadRequest) {
			return "", classify(err)
		}
		if m.Text == "" {
			return "", nil
		}
	}
	if m.Edit != 0 {
		msg, err := t.api.EditMessageText(ctx, &tgbot.EditMessageTextParams{
			ChatID: chat, MessageID: m.Edit, Text: m.Text, ParseMode: models.ParseModeHTML,
			ReplyMarkup: inlineKeyboard(m.Buttons), LinkPreviewOptions: noPreview(),
		})
		switch {
		case err == nil:
			return strconv.Itoa(msg.ID), nil
		case errors.Is(err, tgbot.ErrorBadRequest) && strings.Contains(err.Error(), "not modified"):
			return strconv.Itoa(m.Edit), nil
		case errors.Is(err, tgbot.ErrorBadRequest) && strings.Contains(err.Error(), "not found"),
			errors.Is(err, tgbot.ErrorBadRequest) && strings.Contains(err.Error(), "can't be edited"),
			errors.Is(err, tgbot.ErrorBadRequest) && strings.Contains(err.Error(), "can't parse entities"):
			// The message is gone (she deleted it) or too old to edit (48 hours), or
			// its markup is refused: send it anew (below, as plain text if need be).
		default:
			return "", classify(err)
		}
	}
	params := &tgbot.SendMessageParams{
		ChatID: chat, Text: m.Text, ParseMode: models.ParseModeHTML, LinkPreviewOptions: noPreview(),
		DisableNotification: om.Silent, // outside the hours she chose: no sound
		AllowPaidBroadcast:  om.Paid,
	}
	switch {
	case m.Ask != "":
		params.ReplyMarkup = askKeyboard(m)
	case len(m.Buttons) > 0:
		params.ReplyMarkup = inlineKeyboard(m.Buttons)
	case m.HideAsk:
		params.ReplyMarkup = &models.ReplyKeyboardRemove{RemoveKeyboard: true}
	}
	msg, err := t.api.SendMessage(ctx, params)
	if errors.Is(err, tgbot.ErrorBadRequest) && strings.Contains(err.Error(), "can't parse entities") {
		// Markup Telegram refuses (a slip in a text) must not cost her the reply:
		// send it as plain text.
		slog.Error("telegram: HTML refused, sending as plain text", "err", err)
		params.ParseMode, params.Text = "", m.PlainText()
		msg, err = t.api.SendMessage(ctx, params)
	}
	if err != nil {
		return "", classify(err)
	}
	return strconv.Itoa(msg.ID), nil
}

// Delete deletes messages of her chat (at most 100, each younger than 48 hours: a bot
// may delete both its own and her messages in a private chat). Telegram answers
// true when any could be deleted; messages she already deleted are no error.
func (t *Telegram) Delete(ctx context.Context, address string, ids []int) error {
	chat, err := strconv.ParseInt(address, 10, 64)
	if err != nil {
		return fmt.Errorf("telegram: chat id %q: %w", address, azizayol.ErrRejected)
	}
	if len(ids) == 1 {
		_, err = t.api.DeleteMessage(ctx, &tgbot.DeleteMessageParams{ChatID: chat, MessageID: ids[0]})
	} else {
		_, err = t.api.DeleteMessages(ctx, &tgbot.DeleteMessagesParams{ChatID: chat, MessageIDs: ids})
	}
	return classify(err)
}

// classify maps the library's errors to the outbox's: Telegram rate limits with a 429
// and retry_after, so wait rather than fail; a 403 means she blocked the bot.
func classify(err error) error {
	if err == nil {
		return nil
	}
	// The library returns *TooManyRequestsError unwrapped, but IsTooManyRequestsError
	// misses it once wrapped: errors.As works either way.
	var tooMany *tgbot.TooManyRequestsError
	switch {
	case errors.As(err, &tooMany):
		wait := time.Duration(max(tooMany.RetryAfter, 1)) * time.Second
		return fmt.Errorf("telegram: %w", &azizayol.ThrottledError{RetryAfter: wait})
	case errors.Is(err, tgbot.ErrorForbidden):
		return fmt.Errorf("telegram: %v: %w", err, azizayol.ErrRecipientBlocked)
	case errors.Is(err, tgbot.ErrorBadRequest) && strings.Contains(err.Error(), "chat not found"):
		return fmt.Errorf("telegram: %v: %w", err, azizayol.ErrRecipientBlocked)
	case errors.Is(err, tgbot.ErrorBadRequest):
		return fmt.Errorf("telegram: %v: %w", err, azizayol.ErrRejected)
	}
	return fmt.Errorf("telegram: %w", err) // 5xx, network: temporary
}

func inlineKeyboard(rows [][]azizayol.Button) models.ReplyMarkup {
	if len(rows) == 0 {
		return nil
	}
	kb := &models.InlineKeyboardMarkup{}
	for _, row := range rows {
		var r []models.InlineKeyboardButton
		for _, b := range row {
			r = append(r, models.InlineKeyboardButton{Text: b.Label, CallbackData: b.Data})
		}
		kb.InlineKeyboard = append(kb.InlineKeyboard, r)
	}
	return kb
}

// askKeyboard offers Telegram's share-contact or share-location button, labelled with
// the message's first button; the other buttons follow as plain keys.
func askKeyboard(m azizayol.Outbound) models.ReplyMarkup {
	kb := &models.ReplyKeyboardMarkup{ResizeKeyboard: true, OneTimeKeyboard: true}
	for i, row := range m.Buttons {
		var r []models.KeyboardButton
		for j, b := range row {
			k := models.KeyboardButton{Text: b.Label}
			if i == 0 && j == 0 {
				k.RequestContact = m.Ask == azizayol.AskContact
				k.RequestLocation = m.Ask == azizayol.AskLocation
			}
			r = append(r, k)
		}
		kb.Keyboard = append(kb.Keyboard, r)
	}
	return kb
}

func noPreview() *models.LinkPreviewOptions {
	disabled := true
	return &models.LinkPreviewOptions{IsDisabled: &disabled}
}
