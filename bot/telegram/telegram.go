// Package telegram is the Telegram channel. The intake is ours, because
// go-telegram/bot confirms updates before handlers run: the Poller stores each batch
// before asking for the next offset, and the Webhook stores an update before it
// answers 2xx. Sending uses the library.
package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/locales"
)

// AllowedUpdates are the kinds of update the bot asks Telegram for.
var AllowedUpdates = []string{"message", "callback_query", "my_chat_member"}

// Telegram sends through the Bot API and reads stored updates.
type Telegram struct {
	api    *tgbot.Bot
	apiURL string
	token  string
}

// New returns the channel for the bot with this token, talking to the Bot API at
// apiURL (https://api.telegram.org, a local Bot API server, or a test fake).
func New(token, apiURL string) (*Telegram, error) {
	api, err := tgbot.New(token,
		tgbot.WithServerURL(apiURL),
		tgbot.WithSkipGetMe(),
		tgbot.WithHTTPClient(30*time.Second, &http.Client{Timeout: 30 * time.Second}),
	)
	if err != nil {
		return nil, fmt.Errorf("telegram: %w", err)
	}
	return &Telegram{api: api, apiURL: strings.TrimRight(apiURL, "/"), token: token}, nil
}

// Name is the channel's name.
func (t *Telegram) Name() azizayol.Channel { return azizayol.Telegram }

// envelope is the little of an update the intake needs: its id and who sent it. The
// library's models.Update refuses kinds of update it does not know yet, and an update
// must be stored however new its contents are.
type envelope struct {
	ID     int64       `json:"update_id"`
	Msg    *fromHolder `json:"message"`
	Edit   *fromHolder `json:"edited_message"`
	Query  *fromHolder `json:"callback_query"`
	Member *fromHolder `json:"my_chat_member"`
}

type fromHolder struct {
	From *struct {
		ID int64 `json:"id"`
	} `json:"from"`
}

// entry turns one update as received into an inbox entry.
func entry(raw []byte) (azizayol.InboxEntry, error) {
	var u envelope
	if err := json.Unmarshal(raw, &u); err != nil {
		return azizayol.InboxEntry{}, fmt.Errorf("telegram: decode update: %w", err)
	}
	if u.ID <= 0 {
		return azizayol.InboxEntry{}, errors.New("telegram: update without update_id")
	}
	key := "telegram:update:" + strconv.FormatInt(u.ID, 10) // an update from nobody waits for nobody
	for _, h := range []*fromHolder{u.Msg, u.Edit, u.Query, u.Member} {
		if h != nil && h.From != nil && h.From.ID != 0 {
			key = "telegram:" + strconv.FormatInt(h.From.ID, 10)
			break
		}
	}
	return azizayol.InboxEntry{
		Channel:    azizayol.Telegram,
		ExternalID: strconv.FormatInt(u.ID, 10),
		UserKey:    key,
		Payload:    raw,
	}, nil
}

// SetCommands sets the bot's command menu in each language Telegram can tell apart.
// Telegram knows only "uz" for Uzbek, so Uzbek users see the Latin (official) texts;
// users of other languages see the Uzbek Latin ones too.
func (t *Telegram) SetCommands(ctx context.Context) error {
	for code, lang := range map[string]azizayol.Lang{"": azizayol.UzLatn, "uz": azizayol.UzLatn, "ru": azizayol.Ru} {
		var cmds []models.BotCommand
		for _, name := range []string{"start", "menu", "help", "language"} {
			desc, err := locales.Text(lang, "command."+name, nil)
			if err != nil {
				return fmt.Errorf("telegram: set commands: %w", err)
			}
			cmds = append(cmds, models.BotCommand{Command: name, Description: desc})
		}
		if _, err := t.api.SetMyCommands(ctx, &tgbot.SetMyCommandsParams{Commands: cmds, LanguageCode: code}); err != nil {
			return fmt.Errorf("telegram: set commands for %q: %w", code, err)
		}
	}
	return nil
}

// SetWebhook asks Telegram to deliver updates to url with the secret header.
func (t *Telegram) SetWebhook(ctx context.Context, url, secret string) error {
	_, err := t.api.SetWebhook(ctx, &tgbot.SetWebhookParams{URL: url, SecretToken: secret, AllowedUpdates: AllowedUpdates})
	if err != nil {
		return fmt.Errorf("telegram: set webhook: %w", err)
	}
	return nil
}

// DeleteWebhook switches Telegram back to getUpdates, keeping pending updates.
func (t *Telegram) DeleteWebhook(ctx context.Context) error {
	if _, err := t.api.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{}); err != nil {
		return fmt.Errorf("telegram: delete webhook: %w", err)
	}
	return nil
}

// MaxFile is the largest file the console opens: the Bot API gives bots files up to
// 20 MB.
const MaxFile = 20 << 20

// Open downloads a file a woman sent, by its file_id, for the console to show through
// our own server.
func (t *Telegram) Open(ctx context.Context, fileID string) ([]byte, string, error) {
	f, err := t.api.GetFile(ctx, &tgbot.GetFileParams{FileID: fileID})
	if err != nil {
		return nil, "", fmt.Errorf("telegram: getFile: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.api.FileDownloadLink(f), nil)
	if err != nil {
		return nil, "", fmt.Errorf("telegram: download file: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		var uerr interface{ Unwrap() error }
		if errors.As(err, &uerr) {
			err = uerr.Unwrap() // the URL holds the token: keep it out of the logs
		}
		return nil, "", fmt.Errorf("telegram: download file: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("telegram: download file: HTTP %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxFile+1))
	if err != nil {
		return nil, "", fmt.Errorf("telegram: download file: %w", err)
	}
	if len(body) > MaxFile {
		return nil, "", fmt.Errorf("telegram: file over %d bytes", MaxFile)
	}
	return body, http.DetectContentType(body), nil
}
