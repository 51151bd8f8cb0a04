package main

import (
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/azizayol/azizayol/listings"
)

// config is the whole configuration, read from the environment. Every setting is in
// the README with its default.
type config struct {
	TelegramToken         string
	TelegramAPIURL        string
	TelegramMode          string // polling | webhook
	TelegramWebhookURL    string
	TelegramWebhookSecret string
	TelegramRate          float64 // messages per second for the whole bot
	TelegramChatRate      float64 // messages per second in one chat
	TelegramChatBurst     int

	DatabaseURL string
	RedisURL    string
	RedisPrefix string
	HTTPAddr    string
	LogLevel    slog.Level
	SessionIdle time.Duration
	Workers     int // dialog workers in this instance (0: this instance only receives)
	Senders     int // outbox workers in this instance (0: it sends nothing)

	MehnatURL string // the national vacancy base's vacancies API; "" pulls nothing
}

var webhookSecret = regexp.MustCompile(`^[A-Za-z0-9_-]{16,256}$`)

// loadConfig reads the environment. needTelegram is false for commands that do not
// talk to Telegram (migrate, shell).
func loadConfig(getenv func(string) string, needTelegram bool) (config, error) {
	env := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	var errs []string
	number := func(name, def string) float64 {
		v, err := strconv.ParseFloat(env(name, def), 64)
		if err != nil || v < 0 {
			errs = append(errs, fmt.Sprintf("%s must be a number ≥ 0", name))
		}
		return v
	}
	c := config{
		TelegramToken:         env("TELEGRAM_BOT_TOKEN", ""),
		TelegramAPIURL:        env("TELEGRAM_API_URL", "https://api.telegram.org"),
		TelegramMode:          env("TELEGRAM_MODE", "polling"),
		TelegramWebhookURL:    env("TELEGRAM_WEBHOOK_URL", ""),
		TelegramWebhookSecret: env("TELEGRAM_WEBHOOK_SECRET", ""),
		TelegramRate:          number("TELEGRAM_RATE", "30"),
		TelegramChatRate:      number("TELEGRAM_CHAT_RATE", "1"),
		TelegramChatBurst:     int(number("TELEGRAM_CHAT_BURST", "3")),
		DatabaseURL:           env("DATABASE_URL", "postgres://postgres@localhost:5432/azizayol?sslmode=disable"),
		RedisURL:              env("REDIS_URL", "redis://localhost:6379/0"),
		RedisPrefix:           env("REDIS_PREFIX", "azizayol:"),
		HTTPAddr:              env("HTTP_ADDR", ":8080"),
		Workers:               int(number("WORKERS", "16")),
		Senders:               int(number("SENDERS", "8")),
		MehnatURL:             env("MEHNAT_API_URL", ""),
	}
	if err := c.LogLevel.UnmarshalText([]byte(env("LOG_LEVEL", "info"))); err != nil {
		errs = append(errs, "LOG_LEVEL must be debug, info, warn or error")
	}
	idle, err := time.ParseDuration(env("SESSION_IDLE", "30m"))
	if err != nil || idle < time.Minute {
		errs = append(errs, "SESSION_IDLE must be a duration of at least 1m, e.g. 30m")
	}
	c.SessionIdle = idle
	if u, err := url.Parse(c.MehnatURL); c.MehnatURL != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		errs = append(errs, "MEHNAT_API_URL must be an http(s) URL, e.g. "+listings.MehnatURL)
	}
	if u, err := url.Parse(c.TelegramAPIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, "TELEGRAM_API_URL must be an http(s) URL")
	}
	if needTelegram {
		if c.TelegramToken == "" {
			errs = append(errs, "TELEGRAM_BOT_TOKEN is required (from @BotFather)")
		} else if !strings.Contains(c.TelegramToken, ":") {
			errs = append(errs, "TELEGRAM_BOT_TOKEN does not look like a bot token (123456:ABC…)")
		}
		switch c.TelegramMode {
		case "polling":
		case "webhook":
			if u, err := url.Parse(c.TelegramWebhookURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				errs = append(errs, "TELEGRAM_WEBHOOK_URL must be the URL Telegram posts to in webhook mode (https; http only for a local Bot API server)")
			}
			if !webhookSecret.MatchString(c.TelegramWebhookSecret) {
				errs = append(errs, "TELEGRAM_WEBHOOK_SECRET must be 16-256 characters of A-Z a-z 0-9 _ - in webhook mode")
			}
		default:
			errs = append(errs, "TELEGRAM_MODE must be polling or webhook")
		}
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("configuration: %s", strings.Join(errs, "; "))
	}
	return c, nil
}
