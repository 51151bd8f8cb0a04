package main

import (
	"fmt"
	"log/slog"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/azizayol/azizayol"
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
	// TelegramPaidRate: broadcasts go as Telegram paid broadcasts at this rate
	// (allow_paid_broadcast, up to 1,000 a second, paid in Stars); 0: they share
	// TelegramRate with the conversations.
	TelegramPaidRate float64
	Broadcasters     int // broadcast messages of a channel on their way at once (0: this instance sends none)
	SMSPrice         int // so'm one SMS segment costs, for the broadcasts' cost estimate

	DatabaseURL string
	RedisURL    string
	RedisPrefix string
	HTTPAddr    string
	LogLevel    slog.Level
	SessionIdle time.Duration
	Workers     int // dialog workers in this instance (0: this instance only receives)
	Senders     int // outbox workers in this instance (0: it sends nothing)

	MehnatURL string // the national vacancy base's vacancies API; "" pulls nothing

	SMS     smsConfig
	Console consoleConfig

	Retention azizayol.Retention // how long each kind of data is kept (retention.go)
}

// consoleConfig is the staff console's configuration.
type consoleConfig struct {
	TrustedProxies []netip.Prefix // our reverse proxies: X-Real-IP is believed from them only
	SecureCookies  bool           // the session cookie is Secure: the console is served over HTTPS
	Idle           time.Duration  // a session unused this long ends
	Absolute       time.Duration  // a session ends this long after login
}

// smsConfig is the SMS channel's configuration; Provider "" turns the channel off.
type smsConfig struct {
	Provider      string // eskiz | playmobile | http
	APIURL        string
	Login         string // Eskiz: the account's email; Play Mobile: the login
	Password      string
	Token         string // the HTTP provider's bearer token
	Shortcode     string // the short code (or approved nick) the SMS come from
	WebhookSecret string
	CallbackURL   string         // our public URL of POST /sms/report, for Eskiz's callback_url
	AllowFrom     []netip.Prefix // addresses the provider calls from; empty: any, with the secret
	Keywords      []string       // prefixes of texts on a shared short code ("AZIZ")
	DailyCap      int            // SMS a day to one number; 0: no cap
	Rate          float64        // SMS a second through the provider, across instances
	NumberRate    float64        // SMS a second to one number
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
		TelegramPaidRate:      number("TELEGRAM_PAID_BROADCAST_RATE", "0"),
		Broadcasters:          int(number("BROADCAST_WORKERS", "8")),
		SMSPrice:              int(number("SMS_SEGMENT_PRICE", "80")),
		DatabaseURL:           env("DATABASE_URL", "postgres://postgres@localhost:5432/azizayol?sslmode=disable"),
		RedisURL:              env("REDIS_URL", "redis://localhost:6379/0"),
		RedisPrefix:           env("REDIS_PREFIX", "azizayol:"),
		HTTPAddr:              env("HTTP_ADDR", ":8080"),
		Workers:               int(number("WORKERS", "16")),
		Senders:               int(number("SENDERS", "8")),
		MehnatURL:             env("MEHNAT_API_URL", ""),
	}
	c.SMS = smsConfig{
		Provider:      env("SMS_PROVIDER", ""),
		APIURL:        env("SMS_API_URL", ""),
		Login:         env("SMS_LOGIN", ""),
		Password:      env("SMS_PASSWORD", ""),
		Token:         env("SMS_TOKEN", ""),
		Shortcode:     env("SMS_SHORTCODE", ""),
		WebhookSecret: env("SMS_WEBHOOK_SECRET", ""),
		CallbackURL:   env("SMS_CALLBACK_URL", ""),
		DailyCap:      int(number("SMS_DAILY_CAP", "30")),
		Rate:          number("SMS_RATE", "10"),
		NumberRate:    number("SMS_NUMBER_RATE", "0.5"),
	}
	for _, k := range strings.Split(env("SMS_KEYWORDS", ""), ",") {
		if k = strings.TrimSpace(k); k != "" {
			c.SMS.Keywords = append(c.SMS.Keywords, k)
		}
	}
	c.SMS.AllowFrom = prefixes("SMS_ALLOW_FROM", env("SMS_ALLOW_FROM", ""), &errs)
	c.Console.TrustedProxies = prefixes("ADMIN_TRUSTED_PROXIES", env("ADMIN_TRUSTED_PROXIES", ""), &errs)
	errs = append(errs, c.SMS.check()...)
	if c.TelegramPaidRate > 1000 {
		errs = append(errs, "TELEGRAM_PAID_BROADCAST_RATE must be at most 1000 (Telegram's limit for paid broadcasts)")
	}
	if err := c.LogLevel.UnmarshalText([]byte(env("LOG_LEVEL", "info"))); err != nil {
		errs = append(errs, "LOG_LEVEL must be debug, info, warn or error")
	}
	idle, err := time.ParseDuration(env("SESSION_IDLE", "30m"))
	if err != nil || idle < time.Minute {
		errs = append(errs, "SESSION_IDLE must be a duration of at least 1m, e.g. 30m")
	}
	c.SessionIdle = idle
	errs = append(errs, loadRetention(env, &c.Retention)...)
	c.Console.SecureCookies = env("ADMIN_SECURE_COOKIES", "true") != "false"
	for _, d := range []struct {
		name, def string
		to        *time.Duration
	}{{"ADMIN_SESSION_IDLE", "30m", &c.Console.Idle}, {"ADMIN_SESSION_MAX", "12h", &c.Console.Absolute}} {
		v, err := time.ParseDuration(env(d.name, d.def))
		if err != nil || v < time.Minute {
			errs = append(errs, d.name+" must be a duration of at least 1m, e.g. "+d.def)
		}
		*d.to = v
	}
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

// check lists what is wrong with the SMS settings.
func (c *smsConfig) check() []string {
	var errs []string
	httpURL := func(name, v string) {
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, name+" must be an http(s) URL")
		}
	}
	switch c.Provider {
	case "":
		return nil
	case "eskiz":
		if c.APIURL == "" {
			c.APIURL = "https://notify.eskiz.uz"
		}
		if c.Login == "" || c.Password == "" {
			errs = append(errs, "SMS_LOGIN and SMS_PASSWORD (the Eskiz account's email and password) are required")
		}
		if c.CallbackURL != "" {
			httpURL("SMS_CALLBACK_URL", c.CallbackURL)
		}
	case "playmobile":
		if c.Login == "" || c.Password == "" {
			errs = append(errs, "SMS_LOGIN and SMS_PASSWORD (the Play Mobile broker account) are required")
		}
		if c.Shortcode == "" {
			errs = append(errs, "SMS_SHORTCODE (the originator) is required for Play Mobile")
		}
	case "http":
	default:
		return []string{"SMS_PROVIDER must be eskiz, playmobile or http (or empty: no SMS)"}
	}
	if c.Provider != "eskiz" || c.APIURL != "" {
		httpURL("SMS_API_URL", c.APIURL)
	}
	if !webhookSecret.MatchString(c.WebhookSecret) {
		errs = append(errs, "SMS_WEBHOOK_SECRET must be 16-256 characters of A-Z a-z 0-9 _ - (the providers call our webhook with it)")
	}
	return errs
}

// prefixes reads a comma-separated list of addresses and prefixes (10.0.0.0/8); each
// one that is neither is named in errs.
func prefixes(name, list string, errs *[]string) []netip.Prefix {
	var out []netip.Prefix
	for _, a := range strings.Split(list, ",") {
		if a = strings.TrimSpace(a); a == "" {
			continue
		}
		p, err := netip.ParsePrefix(a)
		if err != nil {
			addr, aerr := netip.ParseAddr(a)
			if aerr != nil {
				*errs = append(*errs, fmt.Sprintf("%s: %q is not an address or a prefix (10.0.0.0/8)", name, a))
				continue
			}
			p = netip.PrefixFrom(addr, addr.BitLen())
		}
		out = append(out, p)
	}
	return out
}
