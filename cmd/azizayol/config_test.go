package main

import (
	"strings"
	"testing"
	"time"
)

func TestConfigDefaults(t *testing.T) {
	cfg, err := loadConfig(envOf("TELEGRAM_BOT_TOKEN", "123:abc"), true)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.TelegramAPIURL != "https://api.telegram.org" || cfg.TelegramMode != "polling" ||
		cfg.HTTPAddr != ":8080" || cfg.SessionIdle != 30*time.Minute || cfg.TelegramRate != 30 ||
		cfg.DatabaseURL != "postgres://postgres@localhost:5432/azizayol?sslmode=disable" ||
		cfg.RedisURL != "redis://localhost:6379/0" {
		t.Errorf("defaults: %+v", cfg)
	}
}

// Missing or invalid settings stop the binary with one line naming each problem.
func TestConfigErrorsNameEachProblem(t *testing.T) {
	cases := []struct {
		env  []string
		want []string
	}{
		{nil, []string{"TELEGRAM_BOT_TOKEN is required"}},
		{[]string{"TELEGRAM_BOT_TOKEN", "nocolon"}, []string{"does not look like a bot token"}},
		{[]string{"TELEGRAM_BOT_TOKEN", "1:a", "TELEGRAM_MODE", "push"}, []string{"TELEGRAM_MODE must be polling or webhook"}},
		{[]string{"TELEGRAM_BOT_TOKEN", "1:a", "TELEGRAM_MODE", "webhook"},
			[]string{"TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_SECRET"}},
		{[]string{"TELEGRAM_BOT_TOKEN", "1:a", "TELEGRAM_MODE", "webhook", "TELEGRAM_WEBHOOK_URL", "https://x.uz/hook",
			"TELEGRAM_WEBHOOK_SECRET", "short"}, []string{"TELEGRAM_WEBHOOK_SECRET must be 16-256"}},
		{[]string{"TELEGRAM_BOT_TOKEN", "1:a", "SESSION_IDLE", "soon", "LOG_LEVEL", "loud", "WORKERS", "-1"},
			[]string{"SESSION_IDLE", "LOG_LEVEL", "WORKERS"}},
		{[]string{"TELEGRAM_BOT_TOKEN", "1:a", "TELEGRAM_API_URL", "ftp://x"}, []string{"TELEGRAM_API_URL"}},
		{[]string{"TELEGRAM_BOT_TOKEN", "1:a", "SMS_PROVIDER", "beeline"}, []string{"SMS_PROVIDER must be eskiz, playmobile or http"}},
		{[]string{"TELEGRAM_BOT_TOKEN", "1:a", "SMS_PROVIDER", "eskiz"}, []string{"SMS_LOGIN and SMS_PASSWORD", "SMS_WEBHOOK_SECRET"}},
		{[]string{"TELEGRAM_BOT_TOKEN", "1:a", "SMS_PROVIDER", "playmobile", "SMS_LOGIN", "a", "SMS_PASSWORD", "b",
			"SMS_WEBHOOK_SECRET", "0123456789abcdef0"}, []string{"SMS_SHORTCODE", "SMS_API_URL"}},
		{[]string{"TELEGRAM_BOT_TOKEN", "1:a", "SMS_PROVIDER", "http", "SMS_API_URL", "https://gw.uz/send",
			"SMS_WEBHOOK_SECRET", "0123456789abcdef0", "SMS_ALLOW_FROM", "10.0.0.0/8, not-an-ip", "SMS_DAILY_CAP", "-3"},
			[]string{`SMS_ALLOW_FROM: "not-an-ip"`, "SMS_DAILY_CAP"}},
	}
	for _, c := range cases {
		_, err := loadConfig(envOf(c.env...), true)
		if err == nil {
			t.Errorf("%v: no error", c.env)
			continue
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: the error spans lines: %q", c.env, err)
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: %q does not mention %q", c.env, err, w)
			}
		}
	}
	// Commands that do not talk to Telegram need no token.
	if _, err := loadConfig(envOf(), false); err != nil {
		t.Errorf("migrate/shell without a token: %v", err)
	}
}

func envOf(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}
