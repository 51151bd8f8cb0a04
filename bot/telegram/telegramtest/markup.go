package telegramtest

import (
	"encoding/json"
	"strings"

	"github.com/go-telegram/bot/models"
)

// maxCallbackData is the limit on callback_data, in bytes.
const maxCallbackData = 64

// replyMarkup is a parsed reply_markup parameter.
type replyMarkup struct {
	inline         *inlineKeyboard // nil when absent or empty
	replyKeyboard  [][]string
	removeKeyboard bool
}

// inlineKeyboard is a validated inline keyboard.
type inlineKeyboard struct {
	model     *models.InlineKeyboardMarkup // as returned in messages
	rows      [][]Button
	canonical string // for "message is not modified" comparisons
}

func (k *inlineKeyboard) buttons() [][]Button {
	if k == nil {
		return nil
	}
	rows := make([][]Button, len(k.rows))
	for i, row := range k.rows {
		rows[i] = append([]Button(nil), row...)
	}
	return rows
}

func (k *inlineKeyboard) equal(other *inlineKeyboard) bool {
	if k == nil || other == nil {
		return k == other
	}
	return k.canonical == other.canonical
}

// wireButton is an InlineKeyboardButton as sent; pointers tell absent fields
// from empty ones.
type wireButton struct {
	Text                         *string                `json:"text"`
	CallbackData                 *string                `json:"callback_data"`
	URL                          string                 `json:"url"`
	SwitchInlineQuery            *string                `json:"switch_inline_query"`
	SwitchInlineQueryCurrentChat *string                `json:"switch_inline_query_current_chat"`
	SwitchInlineQueryChosenChat  json.RawMessage        `json:"switch_inline_query_chosen_chat"`
	WebApp                       json.RawMessage        `json:"web_app"`
	LoginURL                     json.RawMessage        `json:"login_url"`
	CallbackGame                 json.RawMessage        `json:"callback_game"`
	CopyText                     *models.CopyTextButton `json:"copy_text"`
	Pay                          bool                   `json:"pay"`
}

func present(raw json.RawMessage) bool {
	return len(raw) > 0 && string(raw) != "null"
}

// hasAction reports whether the button does something when pressed. Empty
// callback_data counts as absent, as on Telegram.
func (b *wireButton) hasAction() bool {
	return b.CallbackData != nil && *b.CallbackData != "" ||
		b.URL != "" ||
		b.SwitchInlineQuery != nil ||
		b.SwitchInlineQueryCurrentChat != nil ||
		present(b.SwitchInlineQueryChosenChat) ||
		present(b.WebApp) ||
		present(b.LoginURL) ||
		present(b.CallbackGame) ||
		b.CopyText != nil && b.CopyText.Text != "" ||
		b.Pay
}

// parseReplyMarkup parses and validates a reply_markup parameter ("" = none).
func parseReplyMarkup(raw string) (replyMarkup, *apiError) {
	var markup replyMarkup
	if strings.TrimSpace(raw) == "" {
		return markup, nil
	}
	var wire struct {
		InlineKeyboard [][]json.RawMessage `json:"inline_keyboard"`
		Keyboard       [][]json.RawMessage `json:"keyboard"`
		RemoveKeyboard bool                `json:"remove_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &wire); err != nil {
		return markup, badRequest("can't parse reply keyboard markup JSON object")
	}
	markup.removeKeyboard = wire.RemoveKeyboard

	for _, row := range wire.Keyboard {
		var texts []string
		for _, button := range row {
			var text string
			if json.Unmarshal(button, &text) != nil {
				var b struct {
					Text string `json:"text"`
				}
				if err := json.Unmarshal(button, &b); err != nil {
					return markup, badRequest("can't parse keyboard button: %v", err)
				}
				text = b.Text
			}
			texts = append(texts, text)
		}
		markup.replyKeyboard = append(markup.replyKeyboard, texts)
	}

	if len(wire.InlineKeyboard) == 0 {
		return markup, nil
	}
	kb := &inlineKeyboard{model: &models.InlineKeyboardMarkup{}}
	for _, row := range wire.InlineKeyboard {
		var buttons []Button
		var modelRow []models.InlineKeyboardButton
		for _, rawButton := range row {
			button, model, apiErr := parseInlineButton(rawButton)
			if apiErr != nil {
				return markup, apiErr
			}
			buttons = append(buttons, button)
			modelRow = append(modelRow, model)
		}
		kb.rows = append(kb.rows, buttons)
		kb.model.InlineKeyboard = append(kb.model.InlineKeyboard, modelRow)
	}
	canonical, _ := json.Marshal(wire.InlineKeyboard) // compacts the raw buttons
	kb.canonical = string(canonical)
	markup.inline = kb
	return markup, nil
}

func parseInlineButton(raw json.RawMessage) (Button, models.InlineKeyboardButton, *apiError) {
	var wire wireButton
	var model models.InlineKeyboardButton
	if err := json.Unmarshal(raw, &wire); err != nil {
		return Button{}, model, badRequest("can't parse inline keyboard button: %v", err)
	}
	_ = json.Unmarshal(raw, &model)
	switch {
	case wire.Text == nil:
		return Button{}, model, badRequest(`can't parse inline keyboard button: Can't find field "text"`)
	case wire.CallbackData != nil && len(*wire.CallbackData) > maxCallbackData:
		return Button{}, model, badRequest("BUTTON_DATA_INVALID")
	case !wire.hasAction():
		return Button{}, model, badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
	case strings.TrimSpace(*wire.Text) == "":
		return Button{}, model, badRequest("can't parse inline keyboard button: Text must be non-empty")
	}
	button := Button{Text: *wire.Text, URL: wire.URL}
	if wire.CallbackData != nil {
		button.Data = *wire.CallbackData
	}
	return button, model, nil
}
