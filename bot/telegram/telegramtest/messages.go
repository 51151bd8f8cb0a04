package telegramtest

import (
	"encoding/json"
	"reflect"
	"time"

	"github.com/go-telegram/bot/models"
)

// deleteWindow is how long after sending a message can still be deleted.
const deleteWindow = 48 * time.Hour

// Message is a message in a chat, as recorded by the fake.
type Message struct {
	ID     int
	ChatID int64
	// FromBot is false for messages simulated with SendText and friends;
	// their Text is the text or caption the user sent.
	FromBot bool
	// Text is the text as the bot sent it, markup included.
	Text string
	// PlainText is the text the user sees: parse_mode markup removed and
	// HTML entities decoded.
	PlainText string
	ParseMode string
	// Keyboard is the inline keyboard, nil when there is none.
	Keyboard [][]Button
	// ReplyKeyboard holds the button texts of a reply keyboard
	// (reply_markup.keyboard) sent with the message.
	ReplyKeyboard [][]string
	// RemoveKeyboard is set when the message carried remove_keyboard.
	RemoveKeyboard      bool
	DisableNotification bool
	Date                time.Time
	Edited              bool
	Deleted             bool
}

// Button is an inline keyboard button.
type Button struct {
	Text string
	Data string // callback_data
	URL  string
}

// FindButton returns the inline button with the given text.
func (m Message) FindButton(text string) (Button, bool) {
	for _, row := range m.Keyboard {
		for _, b := range row {
			if b.Text == text {
				return b, true
			}
		}
	}
	return Button{}, false
}

// chatState holds the messages of one chat. Bot and user messages share one
// id sequence, as in a real private chat.
type chatState struct {
	lastMessageID int
	messages      map[int]*storedMessage
	sent          []*storedMessage // successful sendMessage calls, in call order
}

func (c *chatState) nextMessageIDLocked() int {
	c.lastMessageID++
	return c.lastMessageID
}

type storedMessage struct {
	cur      Message // current state
	original Message // as first sent
	entities []models.MessageEntity
	inline   *inlineKeyboard
	editDate int
}

func (s *Server) chatLocked(chatID int64) *chatState {
	c := s.chats[chatID]
	if c == nil {
		c = &chatState{messages: make(map[int]*storedMessage)}
		s.chats[chatID] = c
	}
	return c
}

// findMessageLocked returns a stored message, nil if unknown.
func (s *Server) findMessageLocked(chatID int64, messageID int) *storedMessage {
	if c := s.chats[chatID]; c != nil {
		return c.messages[messageID]
	}
	return nil
}

// botMessageModelLocked renders a stored bot message as the Bot API returns it.
func (s *Server) botMessageModelLocked(m *storedMessage) models.Message {
	from := s.botUser
	chat := models.Chat{ID: m.cur.ChatID, Type: models.ChatTypePrivate, FirstName: "Test"}
	if m.cur.ChatID < 0 {
		chat = models.Chat{ID: m.cur.ChatID, Type: models.ChatTypeSupergroup, Title: "Test Group"}
	}
	msg := models.Message{
		ID:       m.cur.ID,
		From:     &from,
		Chat:     chat,
		Date:     int(m.cur.Date.Unix()),
		EditDate: m.editDate,
		Text:     m.cur.PlainText,
		Entities: m.entities,
	}
	if m.inline != nil {
		msg.ReplyMarkup = m.inline.model
	}
	return msg
}

// sendMessage implements https://core.telegram.org/bots/api#sendmessage.
func (s *Server) sendMessage(c *call) (any, *apiError) {
	chatID, apiErr := c.params.chatID()
	if apiErr != nil {
		return nil, apiErr
	}
	parseMode := c.params.str("parse_mode")
	text, apiErr := formatText(c.params.str("text"), parseMode)
	if apiErr != nil {
		return nil, apiErr
	}
	markup, apiErr := parseReplyMarkup(c.params.str("reply_markup"))
	if apiErr != nil {
		return nil, apiErr
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if apiErr := s.admitMessageCallLocked(c.method, chatID); apiErr != nil {
		return nil, apiErr
	}
	chat := s.chatLocked(chatID)
	m := &storedMessage{
		cur: Message{
			ID:                  chat.nextMessageIDLocked(),
			ChatID:              chatID,
			FromBot:             true,
			Text:                c.params.str("text"),
			PlainText:           text.plain,
			ParseMode:           parseMode,
			Keyboard:            markup.inline.buttons(),
			ReplyKeyboard:       markup.replyKeyboard,
			RemoveKeyboard:      markup.removeKeyboard,
			DisableNotification: c.params.bool("disable_notification"),
			Date:                s.now(),
		},
		entities: text.entities,
		inline:   markup.inline,
	}
	m.original = m.cur
	chat.messages[m.cur.ID] = m
	chat.sent = append(chat.sent, m)
	if hook := s.onSent.Load(); hook != nil {
		sent := m.cur
		defer (*hook)(sent) // after the message is stored, still under the lock
	}
	s.notifyLocked()
	return s.botMessageModelLocked(m), nil
}

// editMessageText implements https://core.telegram.org/bots/api#editmessagetext
// for chat messages (inline_message_id is not supported). As on Telegram,
// omitting reply_markup removes the inline keyboard.
func (s *Server) editMessageText(c *call) (any, *apiError) {
	chatID, messageID, apiErr := editTarget(c.params)
	if apiErr != nil {
		return nil, apiErr
	}
	parseMode := c.params.str("parse_mode")
	text, apiErr := formatText(c.params.str("text"), parseMode)
	if apiErr != nil {
		return nil, apiErr
	}
	markup, apiErr := parseReplyMarkup(c.params.str("reply_markup"))
	if apiErr != nil {
		return nil, apiErr
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	m, apiErr := s.editableLocked(c.method, chatID, messageID)
	if apiErr != nil {
		return nil, apiErr
	}
	if m.cur.PlainText == text.plain && reflect.DeepEqual(m.entities, text.entities) && m.inline.equal(markup.inline) {
		return nil, errNotModified
	}
	m.cur.Text, m.cur.PlainText, m.cur.ParseMode, m.entities = c.params.str("text"), text.plain, parseMode, text.entities
	s.setInlineLocked(m, markup.inline)
	return s.botMessageModelLocked(m), nil
}

// editMessageReplyMarkup implements
// https://core.telegram.org/bots/api#editmessagereplymarkup for chat messages.
func (s *Server) editMessageReplyMarkup(c *call) (any, *apiError) {
	chatID, messageID, apiErr := editTarget(c.params)
	if apiErr != nil {
		return nil, apiErr
	}
	markup, apiErr := parseReplyMarkup(c.params.str("reply_markup"))
	if apiErr != nil {
		return nil, apiErr
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	m, apiErr := s.editableLocked(c.method, chatID, messageID)
	if apiErr != nil {
		return nil, apiErr
	}
	if m.inline.equal(markup.inline) {
		return nil, errNotModified
	}
	s.setInlineLocked(m, markup.inline)
	return s.botMessageModelLocked(m), nil
}

var errNotModified = badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")

func editTarget(p params) (int64, int, *apiError) {
	if p.has("inline_message_id") && !p.has("chat_id") {
		return 0, 0, badRequest("message to edit not found")
	}
	chatID, apiErr := p.chatID()
	if apiErr != nil {
		return 0, 0, apiErr
	}
	messageID, apiErr := p.messageID()
	return chatID, messageID, apiErr
}

// editableLocked admits an edit call and finds the bot message to edit.
func (s *Server) editableLocked(method string, chatID int64, messageID int) (*storedMessage, *apiError) {
	if apiErr := s.admitMessageCallLocked(method, chatID); apiErr != nil {
		return nil, apiErr
	}
	m := s.findMessageLocked(chatID, messageID)
	if m == nil || m.cur.Deleted {
		return nil, badRequest("message to edit not found")
	}
	if !m.cur.FromBot {
		return nil, badRequest("message can't be edited")
	}
	if s.now().Sub(m.cur.Date) >= deleteWindow { // Telegram edits for 48 hours too
		return nil, badRequest("message can't be edited")
	}
	return m, nil
}

func (s *Server) setInlineLocked(m *storedMessage, kb *inlineKeyboard) {
	m.inline = kb
	m.cur.Keyboard = kb.buttons()
	m.cur.Edited = true
	m.editDate = int(s.now().Unix())
	s.notifyLocked()
}

// deleteMessage implements https://core.telegram.org/bots/api#deletemessage:
// bot and user messages younger than 48 hours (by the fake clock) can be deleted.
func (s *Server) deleteMessage(c *call) (any, *apiError) {
	chatID, apiErr := c.params.chatID()
	if apiErr != nil {
		return nil, apiErr
	}
	messageID, apiErr := c.params.messageID()
	if apiErr != nil {
		return nil, apiErr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if apiErr := s.deleteLocked(chatID, messageID); apiErr != nil {
		return nil, apiErr
	}
	return true, nil
}

// deleteMessages implements https://core.telegram.org/bots/api#deletemessages:
// 1..100 ids; messages that can't be deleted are skipped.
func (s *Server) deleteMessages(c *call) (any, *apiError) {
	chatID, apiErr := c.params.chatID()
	if apiErr != nil {
		return nil, apiErr
	}
	var ids []int
	if err := json.Unmarshal([]byte(c.params.str("message_ids")), &ids); err != nil || len(ids) == 0 {
		return nil, badRequest("message identifiers are not specified")
	}
	if len(ids) > 100 {
		return nil, badRequest("too many message identifiers specified")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		_ = s.deleteLocked(chatID, id)
	}
	return true, nil
}

func (s *Server) deleteLocked(chatID int64, messageID int) *apiError {
	m := s.findMessageLocked(chatID, messageID)
	if m == nil || m.cur.Deleted {
		return badRequest("message to delete not found")
	}
	if s.now().Sub(m.cur.Date) > deleteWindow {
		return badRequest("message can't be deleted for everyone")
	}
	m.cur.Deleted = true
	s.notifyLocked()
	return nil
}

// answerCallbackQuery implements https://core.telegram.org/bots/api#answercallbackquery:
// each query can be answered once.
func (s *Server) answerCallbackQuery(c *call) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cb := s.callbacks[c.params.str("callback_query_id")]
	if cb == nil || cb.answered {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	cb.answered = true
	cb.answer = CallbackAnswer{
		Text:      c.params.str("text"),
		ShowAlert: c.params.bool("show_alert"),
		URL:       c.params.str("url"),
	}
	s.notifyLocked()
	return true, nil
}
