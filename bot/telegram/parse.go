package telegram

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/azizayol/azizayol"
)

// Parse reads a stored update: the chat to answer and what she sent. Only private
// chats are served; the bot does not talk in groups.
func (t *Telegram) Parse(payload []byte) (string, azizayol.Inbound, error) {
	var u models.Update
	if err := json.Unmarshal(payload, &u); err != nil {
		return "", azizayol.Inbound{}, fmt.Errorf("telegram: decode update: %w", err)
	}
	ignored := azizayol.Inbound{Kind: azizayol.KindIgnored}
	switch {
	case u.Message != nil:
		m := u.Message
		if m.Chat.Type != models.ChatTypePrivate || m.From == nil {
			return "", ignored, nil
		}
		in := message(m)
		in.LangHint = m.From.LanguageCode
		return chatID(m.Chat.ID), in, nil
	case u.CallbackQuery != nil:
		q := u.CallbackQuery
		in := azizayol.Inbound{Kind: azizayol.KindButton, Data: q.Data, Ack: q.ID, LangHint: q.From.LanguageCode}
		chat := q.From.ID // in a private chat the chat id is the user's id
		if msg := q.Message.Message; msg != nil {
			if msg.Chat.Type != models.ChatTypePrivate {
				return "", ignored, nil
			}
			chat, in.MessageID = msg.Chat.ID, msg.ID
		} else if im := q.Message.InaccessibleMessage; im != nil {
			chat, in.MessageID = im.Chat.ID, im.MessageID
		}
		return chatID(chat), in, nil
	case u.MyChatMember != nil:
		cm := u.MyChatMember
		if cm.Chat.Type != models.ChatTypePrivate {
			return "", ignored, nil
		}
		switch cm.NewChatMember.Type {
		case models.ChatMemberTypeBanned:
			return chatID(cm.Chat.ID), azizayol.Inbound{Kind: azizayol.KindBlocked}, nil
		case models.ChatMemberTypeMember:
			return chatID(cm.Chat.ID), azizayol.Inbound{Kind: azizayol.KindUnblocked}, nil
		}
	}
	// Edited messages, and anything else: acting on an edit could act twice.
	return "", ignored, nil
}

func message(m *models.Message) azizayol.Inbound {
	in := azizayol.Inbound{MessageID: m.ID}
	switch {
	case m.Text != "":
		in.Kind, in.Text = azizayol.KindText, m.Text
		if len(m.Entities) > 0 && m.Entities[0].Type == models.MessageEntityTypeBotCommand && m.Entities[0].Offset == 0 {
			in.Kind = azizayol.KindCommand
			cmd, rest, _ := strings.Cut(m.Text, " ")
			cmd, _, _ = strings.Cut(strings.TrimPrefix(cmd, "/"), "@") // /start@AzizAyolBot
			in.Command, in.Text = strings.ToLower(cmd), strings.TrimSpace(rest)
		}
	case m.Contact != nil:
		in.Kind, in.Phone = azizayol.KindContact, m.Contact.PhoneNumber
		if m.From != nil && m.Contact.UserID != m.From.ID {
			// Someone else's contact card is not her phone number.
			in.Kind, in.Media = azizayol.KindMedia, "contact"
		}
	case m.Location != nil:
		in.Kind, in.Lat, in.Lon = azizayol.KindLocation, m.Location.Latitude, m.Location.Longitude
	default:
		in.Kind, in.Text = azizayol.KindMedia, m.Caption
		in.Media, in.FileID = media(m)
	}
	return in
}

func media(m *models.Message) (kind, fileID string) {
	switch {
	case len(m.Photo) > 0:
		return "photo", m.Photo[len(m.Photo)-1].FileID
	case m.Document != nil:
		return "document", m.Document.FileID
	case m.Sticker != nil:
		return "sticker", m.Sticker.FileID
	case m.Voice != nil:
		return "voice", m.Voice.FileID
	case m.Video != nil:
		return "video", m.Video.FileID
	case m.VideoNote != nil:
		return "video_note", m.VideoNote.FileID
	case m.Audio != nil:
		return "audio", m.Audio.FileID
	case m.Animation != nil:
		return "animation", m.Animation.FileID
	}
	return "other", ""
}

func chatID(id int64) string { return strconv.FormatInt(id, 10) }
