package telegramtest

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

// commandKey identifies a command list: a scope and a language ("" = all).
type commandKey struct {
	scope string
	lang  string
}

// scopeKey turns a scope parameter into the key format of CommandsForScope:
// "default", "all_private_chats", "chat:<id>", "chat_member:<chat>:<user>"...
func scopeKey(raw string) (string, *apiError) {
	if raw == "" {
		return "default", nil
	}
	var scope struct {
		Type   string          `json:"type"`
		ChatID json.RawMessage `json:"chat_id"`
		UserID int64           `json:"user_id"`
	}
	if err := json.Unmarshal([]byte(raw), &scope); err != nil || scope.Type == "" {
		return "", badRequest("can't parse BotCommandScope JSON object")
	}
	key := scope.Type
	if len(scope.ChatID) > 0 {
		key += ":" + strings.Trim(string(scope.ChatID), `"`)
	}
	if scope.UserID != 0 {
		key += fmt.Sprintf(":%d", scope.UserID)
	}
	return key, nil
}

func commandKeyOf(p params) (commandKey, *apiError) {
	scope, apiErr := scopeKey(p.str("scope"))
	if apiErr != nil {
		return commandKey{}, apiErr
	}
	lang := p.str("language_code")
	if lang != "" && !isLanguageCode(lang) {
		return commandKey{}, badRequest("invalid language code specified")
	}
	return commandKey{scope: scope, lang: lang}, nil
}

func isLanguageCode(s string) bool {
	if len(s) != 2 {
		return false
	}
	for _, c := range []byte(s) {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// setMyCommands implements https://core.telegram.org/bots/api#setmycommands.
func (s *Server) setMyCommands(c *call) (any, *apiError) {
	key, apiErr := commandKeyOf(c.params)
	if apiErr != nil {
		return nil, apiErr
	}
	var commands []models.BotCommand
	if err := json.Unmarshal([]byte(c.params.str("commands")), &commands); err != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	if len(commands) > 100 {
		return nil, badRequest("too many commands specified")
	}
	for _, cmd := range commands {
		if !isCommandName(cmd.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := utf8.RuneCountInString(cmd.Description); n < 1 || n > 256 {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(commands) == 0 {
		delete(s.commands, key)
	} else {
		s.commands[key] = commands
	}
	s.notifyLocked()
	return true, nil
}

// isCommandName checks 1..32 lowercase English letters, digits and underscores.
func isCommandName(name string) bool {
	if len(name) < 1 || len(name) > 32 {
		return false
	}
	for _, c := range []byte(name) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// getMyCommands implements https://core.telegram.org/bots/api#getmycommands
// (exact scope and language; an empty list when none are set).
func (s *Server) getMyCommands(c *call) (any, *apiError) {
	key, apiErr := commandKeyOf(c.params)
	if apiErr != nil {
		return nil, apiErr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]models.BotCommand{}, s.commands[key]...), nil
}

// deleteMyCommands implements https://core.telegram.org/bots/api#deletemycommands.
func (s *Server) deleteMyCommands(c *call) (any, *apiError) {
	key, apiErr := commandKeyOf(c.params)
	if apiErr != nil {
		return nil, apiErr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.commands, key)
	s.notifyLocked()
	return true, nil
}

// CommandsFor returns the commands set for the default scope and
// languageCode ("" = the list for all languages), nil when none.
func (s *Server) CommandsFor(languageCode string) []models.BotCommand {
	return s.CommandsForScope("default", languageCode)
}

// CommandsForScope is CommandsFor for another scope: "default",
// "all_private_chats", "all_group_chats", "all_chat_administrators",
// "chat:<chat_id>", "chat_administrators:<chat_id>" or
// "chat_member:<chat_id>:<user_id>".
func (s *Server) CommandsForScope(scope, languageCode string) []models.BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]models.BotCommand(nil), s.commands[commandKey{scope: scope, lang: languageCode}]...)
}
