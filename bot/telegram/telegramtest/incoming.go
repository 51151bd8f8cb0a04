package telegramtest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"
)

// defaultLanguage is the language_code of users whose language was never given.
const defaultLanguage = "uz"

// userState is what the fake knows about a simulated user.
type userState struct {
	lang    string
	blocked bool
}

// queuedUpdate is an update waiting to be confirmed (getUpdates) or
// delivered (webhook). It is encoded once, when pushed.
type queuedUpdate struct {
	id  int64
	raw json.RawMessage
}

// callbackState tracks one callback query and its answer.
type callbackState struct {
	userID   int64
	answered bool
	answer   CallbackAnswer
}

// CallbackAnswer is what the bot answered to a callback query.
type CallbackAnswer struct {
	Text      string
	ShowAlert bool
	URL       string
}

// Push queues any update, as if Telegram received it, and returns its
// update_id (assigned by the fake, overriding update.ID). Push does not record
// messages in chats; use SendText and friends for that.
func (s *Server) Push(update models.Update) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pushLocked(update)
}

func (s *Server) pushLocked(update models.Update) int64 {
	update.ID = s.nextUpdateID
	s.nextUpdateID++
	raw, err := json.Marshal(&update)
	if err != nil {
		panic(fmt.Sprintf("telegramtest: can't encode update: %v", err))
	}
	s.queue = append(s.queue, queuedUpdate{id: update.ID, raw: raw})
	s.notifyLocked()
	return update.ID
}

// userLocked returns the user, creating it; a non-empty lang becomes the
// user's language for this and later updates.
func (s *Server) userLocked(userID int64, lang string) *userState {
	u := s.users[userID]
	if u == nil {
		u = &userState{lang: defaultLanguage}
		s.users[userID] = u
	}
	if lang != "" {
		u.lang = lang
	}
	return u
}

func (s *Server) userModelLocked(userID int64) models.User {
	return models.User{
		ID:           userID,
		FirstName:    "Test",
		LanguageCode: s.userLocked(userID, "").lang,
	}
}

func privateChat(userID int64) models.Chat {
	return models.Chat{ID: userID, Type: models.ChatTypePrivate, FirstName: "Test"}
}

// sendUserMessage records a message from the user in the private chat and
// queues it as an update. fill sets the message's content. A user who
// blocked the bot unblocks it first, as the Telegram apps do.
func (s *Server) sendUserMessage(userID int64, lang string, fill func(m *models.Message)) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userLocked(userID, lang)
	if u.blocked {
		s.setBlockedLocked(userID, false)
	}
	from := s.userModelLocked(userID)
	now := s.now()
	msg := models.Message{
		From: &from,
		Chat: privateChat(userID),
		Date: int(now.Unix()),
	}
	fill(&msg)
	ch := s.chatLocked(userID)
	msg.ID = ch.nextMessageIDLocked()
	text := msg.Text
	if text == "" {
		text = msg.Caption
	}
	ch.messages[msg.ID] = &storedMessage{cur: Message{
		ID:        msg.ID,
		ChatID:    userID,
		Text:      text,
		PlainText: text,
		Date:      now,
	}}
	return s.pushLocked(models.Update{Message: &msg})
}

// SendText simulates the user writing text to the bot in their private chat
// (chat.id == user.id). langCode sets the user's language_code; "" keeps the
// last one (initially "uz"). It returns the update_id.
func (s *Server) SendText(userID int64, langCode, text string) int64 {
	return s.sendUserMessage(userID, langCode, func(m *models.Message) { m.Text = text })
}

// SendCommand is SendText with a bot_command entity covering the command
// word, e.g. SendCommand(42, "ru", "/start payload").
func (s *Server) SendCommand(userID int64, langCode, command string) int64 {
	word, _, _ := strings.Cut(command, " ")
	return s.sendUserMessage(userID, langCode, func(m *models.Message) {
		m.Text = command
		m.Entities = []models.MessageEntity{{
			Type:   models.MessageEntityTypeBotCommand,
			Offset: 0,
			Length: utf16Len(word),
		}}
	})
}

// SendSticker simulates the user sending a sticker.
func (s *Server) SendSticker(userID int64) int64 {
	return s.sendUserMessage(userID, "", func(m *models.Message) {
		m.Sticker = &models.Sticker{
			FileID:       "CAACAgIAAxkBAAEtest-sticker",
			FileUniqueID: "AgADtest-sticker",
			Type:         "regular",
			Width:        512,
			Height:       512,
			Emoji:        "👍",
		}
	})
}

// SendPhoto simulates the user sending a photo with an optional caption.
func (s *Server) SendPhoto(userID int64, caption string) int64 {
	return s.sendUserMessage(userID, "", func(m *models.Message) {
		m.Caption = caption
		m.Photo = []models.PhotoSize{
			{FileID: "AgACAgIAAxkBAAEtest-photo-s", FileUniqueID: "AQADtest-s", Width: 90, Height: 90, FileSize: 1500},
			{FileID: "AgACAgIAAxkBAAEtest-photo-m", FileUniqueID: "AQADtest-m", Width: 320, Height: 320, FileSize: 20000},
			{FileID: "AgACAgIAAxkBAAEtest-photo-x", FileUniqueID: "AQADtest-x", Width: 800, Height: 800, FileSize: 90000},
		}
	})
}

// SendContact simulates the user sharing their own contact (user_id set).
func (s *Server) SendContact(userID int64, phone string) int64 {
	return s.sendUserMessage(userID, "", func(m *models.Message) {
		m.Contact = &models.Contact{PhoneNumber: phone, FirstName: "Test", UserID: userID}
	})
}

// SendLocation simulates the user sharing a location.
func (s *Server) SendLocation(userID int64, lat, lon float64) int64 {
	return s.sendUserMessage(userID, "", func(m *models.Message) {
		m.Location = &models.Location{Latitude: lat, Longitude: lon}
	})
}

// PressButton simulates the user pressing an inline button with callback
// data on the bot's message messageID in their private chat. The callback
// query gets a fresh id (see CallbackID). The data is not checked against the
// message's keyboard, so tests may forge stale or malicious presses. When the
// message does not exist or was deleted, the query carries an inaccessible
// message (date 0), as Telegram does. It returns the update_id.
func (s *Server) PressButton(userID int64, messageID int, data string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextCallbackID++
	id := strconv.FormatInt(s.nextCallbackID, 10)
	query := &models.CallbackQuery{
		ID:           id,
		From:         s.userModelLocked(userID),
		ChatInstance: strconv.FormatInt(-userID*7919-13, 10),
		Data:         data,
	}
	if m := s.chatLocked(userID).messages[messageID]; m != nil && m.cur.FromBot && !m.cur.Deleted {
		msg := s.botMessageModelLocked(m)
		query.Message = models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeMessage, Message: &msg}
	} else {
		query.Message = models.MaybeInaccessibleMessage{
			Type:                models.MaybeInaccessibleMessageTypeInaccessibleMessage,
			InaccessibleMessage: &models.InaccessibleMessage{Chat: privateChat(userID), MessageID: messageID},
		}
	}
	s.callbacks[id] = &callbackState{userID: userID}
	updateID := s.pushLocked(models.Update{CallbackQuery: query})
	s.callbackByUpd[updateID] = id
	return updateID
}

// CallbackID returns the callback query id created by the PressButton call
// that returned updateID, or "" if there is none.
func (s *Server) CallbackID(updateID int64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callbackByUpd[updateID]
}

// BlockBot simulates the user blocking the bot: a my_chat_member update with
// new status "kicked"; from then on, calls that send or edit messages in the
// chat fail with 403 "Forbidden: bot was blocked by the user".
func (s *Server) BlockBot(userID int64) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.setBlockedLocked(userID, true)
}

// UnblockBot simulates the user restarting the bot: a my_chat_member update
// with new status "member". Sending anything from a blocked user unblocks
// the bot implicitly, as the Telegram apps do.
func (s *Server) UnblockBot(userID int64) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.setBlockedLocked(userID, false)
}

func (s *Server) setBlockedLocked(userID int64, blocked bool) int64 {
	u := s.userLocked(userID, "")
	u.blocked = blocked
	s.chatLocked(userID) // the chat exists from now on
	bot := s.botUser
	kicked := models.ChatMember{
		Type:   models.ChatMemberTypeBanned,
		Banned: &models.ChatMemberBanned{Status: models.ChatMemberTypeBanned, User: &bot},
	}
	member := models.ChatMember{
		Type:   models.ChatMemberTypeMember,
		Member: &models.ChatMemberMember{Status: models.ChatMemberTypeMember, User: &bot},
	}
	update := &models.ChatMemberUpdated{
		Chat:          privateChat(userID),
		From:          s.userModelLocked(userID),
		Date:          int(s.now().Unix()),
		OldChatMember: member,
		NewChatMember: kicked,
	}
	if !blocked {
		update.OldChatMember, update.NewChatMember = kicked, member
	}
	return s.pushLocked(models.Update{MyChatMember: update})
}
