package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/admin"
	"github.com/azizayol/azizayol/bot"
	"github.com/azizayol/azizayol/bot/shell"
	"github.com/azizayol/azizayol/bot/sms"
	"github.com/azizayol/azizayol/bot/telegram"
	"github.com/azizayol/azizayol/crisis"
	"github.com/azizayol/azizayol/dialogs"
	"github.com/azizayol/azizayol/jobs"
	"github.com/azizayol/azizayol/postgres"
	"github.com/azizayol/azizayol/redis"
)

// platform is what every command that runs dialogs shares.
type platform struct {
	db      *postgres.DB
	rdb     *redis.Client
	engine  *dialogs.Engine
	vocab   *crisis.Vocabulary // the crisis words the engine matches with
	proc    *bot.Processor
	sender  *bot.Sender
	stored  *bot.Signal // updates were stored by another instance
	queued  *bot.Signal // replies were queued
	metrics *prometheus.Registry
}

func open(ctx context.Context, cfg config) (*platform, error) {
	db, err := postgres.Open(ctx, cfg.DatabaseURL, int32(cfg.Workers+cfg.Senders+8))
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	// The crisis vocabulary is the database's, which super-admins edit in the console;
	// words.txt seeds it with the entries it does not have yet.
	if _, err := db.SeedCrisisWords(ctx, crisis.Seed()); err != nil {
		db.Close()
		return nil, err
	}
	vocab := crisis.NewVocabulary(db)
	if err := vocab.Reload(ctx); err != nil {
		slog.Error("the crisis vocabulary cannot be read: matching with words.txt until it can", "err", err)
	}
	rdb, err := redis.Open(ctx, cfg.RedisURL, cfg.RedisPrefix)
	if err != nil {
		db.Close()
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return &platform{
		db: db, rdb: rdb,
		engine:  dialogs.Standard(vocab, cfg.SessionIdle, time.Now),
		vocab:   vocab,
		stored:  bot.NewSignal(cfg.Workers),
		queued:  bot.NewSignal(cfg.Senders),
		metrics: reg,
	}, nil
}

// received hands the users whose updates were just stored to this instance's
// workers, and wakes the other instances' workers (this one may have none idle).
func (p *platform) received(userKeys ...string) {
	p.proc.Received(userKeys...)
	p.rdb.Wake(context.Background(), "inbox")
}

// replied hands the user whose replies were just queued to this instance's senders,
// and wakes the other instances' senders (this one may have none).
func (p *platform) replied(userID int64) {
	p.sender.Queued(userID)
	p.rdb.Wake(context.Background(), "outbox")
}

func (p *platform) close() {
	p.rdb.Close()
	p.db.Close()
}

// start creates the processor and the sender: parse lists the channels whose stored
// updates this instance reads, send those it delivers.
func (p *platform) start(cfg config, parse, send []bot.Channel, limits map[azizayol.Channel]bot.Limits) {
	p.proc = bot.NewProcessor(p.db, p.rdb.Sessions(cfg.SessionIdle), p.engine, parse, p.stored, p.replied, p.metrics)
	p.sender = bot.NewSender(p.db, send, limits, p.rdb.Limiter(), p.queued, p.metrics)
}

// run runs the processor, the sender and the wake-ups from other instances; they
// stop when ctx ends.
func (p *platform) run(ctx context.Context, wg *sync.WaitGroup, cfg config) {
	for _, f := range []func(){
		func() { p.rdb.OnWake(ctx, "inbox", p.stored.Raise) },
		func() { p.rdb.OnWake(ctx, "outbox", p.queued.Raise) },
		// The crisis vocabulary: reloaded when another instance's console changed it,
		// and every minute in case that wake-up was lost.
		func() { p.rdb.OnWake(ctx, "crisis", p.vocab.Kick) },
		func() { p.vocab.Run(ctx, time.Minute) },
		func() { p.proc.Run(ctx, cfg.Workers) },
		func() { p.sender.Run(ctx, cfg.Senders) },
	} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f()
		}()
	}
}

// serve runs the bot until ctx ends.
func serve(ctx context.Context, cfg config) error {
	p, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer p.close()

	tg, err := telegram.New(cfg.TelegramToken, cfg.TelegramAPIURL)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := errors.Join(p.db.Ping(r.Context()), p.rdb.Ping(r.Context())); err != nil {
			slog.Warn("not ready", "err", err)
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ready\n")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(p.metrics, promhttp.HandlerOpts{}))

	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on HTTP_ADDR %s: %w", cfg.HTTPAddr, err)
	}
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(ctx)
	defer func() {
		cancel()
		wg.Wait()
	}()
	limits := map[azizayol.Channel]bot.Limits{azizayol.Telegram: {
		// Bursts of a twentieth of a second's worth: a margin under Telegram's own
		// tolerance, so the jitter of the network never adds up to a 429.
		Total:   bot.Rate{PerSecond: cfg.TelegramRate, Burst: max(1, int(cfg.TelegramRate/20))},
		PerUser: bot.Rate{PerSecond: cfg.TelegramChatRate, Burst: cfg.TelegramChatBurst},
	}}
	// The console: staff answer appeals; their inbox hears of new ones from every
	// instance through Redis.
	hub := admin.NewHub()
	p.db.OnAppealChange(func(events []azizayol.AppealEvent) { p.rdb.PublishAppealEvents(context.Background(), events) })
	wg.Add(1)
	go func() {
		defer wg.Done()
		p.rdb.OnAppealEvent(ctx, hub.Publish)
	}()
	sim := admin.NewSimulator(p.rdb, p.db, p.received)
	console, err := admin.New(admin.Config{
		Store: p.db, Desk: admin.NewDesk(p.db, p.replied, time.Now), Counter: p.rdb, Events: hub,
		Simulator: sim, Files: tg, SecureCookies: cfg.Console.SecureCookies, TrustedProxies: cfg.Console.TrustedProxies,
		Idle: cfg.Console.Idle, Absolute: cfg.Console.Absolute, Now: time.Now,
		BroadcastRates: broadcastRates(cfg), SMSPrice: cfg.SMSPrice,
		CrisisChanged: func() {
			if err := p.vocab.Reload(ctx); err != nil {
				slog.Error("reloading the crisis vocabulary after a change failed", "err", err)
			}
			p.rdb.Wake(context.Background(), "crisis")
		},
	})
	if err != nil {
		return err
	}
	mux.Handle(admin.Prefix+"/", console)

	// Every instance reads every channel's entries; it sends only on its own (the
	// simulator's conversations are in Redis: every instance sends to them).
	smsChannel := sms.NewChannel(smsProvider(cfg.SMS), p.rdb, cfg.SMS.DailyCap)
	parse, send := []bot.Channel{tg, shell.New(nil), smsChannel, sim}, []bot.Channel{tg, sim}
	if cfg.SMS.Provider != "" {
		send = append(send, smsChannel)
		limits[azizayol.SMS] = bot.Limits{
			Total: bot.Rate{PerSecond: cfg.SMS.Rate, Burst: max(1, int(cfg.SMS.Rate/10))},
			// A reply and the next prompt may come together; a loop may not.
			PerUser: bot.Rate{PerSecond: cfg.SMS.NumberRate, Burst: 3},
		}
		hook := sms.NewWebhook(sms.WebhookConfig{
			Provider: cfg.SMS.Provider, Secret: cfg.SMS.WebhookSecret, Allow: cfg.SMS.AllowFrom,
			Keywords: cfg.SMS.Keywords, Inbox: p.db, Reports: p.db, Stored: p.received,
		})
		mux.HandleFunc("POST /sms/incoming", hook.Incoming)
		mux.HandleFunc("POST /sms/report", hook.Report)
	}
	p.start(cfg, parse, send, limits)
	p.run(ctx, &wg, cfg)
	// Broadcasts: at the channels' limits, shared with the conversations (or
	// Telegram's paid broadcasts at their own).
	if cfg.Broadcasters > 0 {
		// Enough messages on their way for the rate: a paid broadcast at 1,000 a
		// second over calls of ~100 ms needs a hundred.
		workers := max(cfg.Broadcasters, int(cfg.TelegramPaidRate/10))
		broadcaster := bot.NewBroadcaster(p.db, send, broadcastLimits(cfg, limits), p.rdb.Limiter(), p.rdb,
			dialogs.DiscreetBroadcast, workers)
		wg.Add(1)
		go func() {
			defer wg.Done()
			broadcaster.Run(ctx)
		}()
	}
	// Deletes what is due: a chat she cleared, her automatic sweep (Telegram only:
	// SMS cannot be recalled).
	sweeper := bot.NewSweeper(p.db, []bot.Deleter{tg}, p.rdb.Limiter(), limits, bot.NewSignal(1), time.Now)
	wg.Add(1)
	go func() {
		defer wg.Done()
		sweeper.Run(ctx)
	}()

	switch cfg.TelegramMode {
	case "webhook":
		mux.Handle("POST /telegram/webhook", telegram.NewWebhook(cfg.TelegramWebhookSecret, p.db, p.received))
		if err := tg.SetWebhook(ctx, cfg.TelegramWebhookURL, cfg.TelegramWebhookSecret); err != nil {
			// Updates keep coming to the URL set before; say so and go on.
			slog.Error("setting the webhook failed", "err", err)
		}
	default:
		if err := tg.DeleteWebhook(ctx); err != nil {
			slog.Error("deleting the webhook failed; getUpdates will conflict until it is", "err", err)
		}
		owner := instanceID()
		lease := func(ctx context.Context) (bool, error) {
			return p.rdb.Lease(ctx, "telegram-poller", owner, time.Minute)
		}
		poller := tg.NewPoller(p.db, lease, p.received)
		wg.Add(1)
		go func() {
			defer wg.Done()
			poller.Run(ctx)
			_ = p.rdb.ReleaseLease(context.Background(), "telegram-poller", owner)
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		setCommands(ctx, tg)
	}()
	sched, err := jobs.NewScheduler(ctx, p.rdb, p.jobs(cfg)...)
	if err != nil {
		return err
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		sched.Run(ctx)
	}()

	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	srv.RegisterOnShutdown(console.CloseStreams)
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-ctx.Done()
		shutdown, done := context.WithTimeout(context.Background(), 10*time.Second)
		defer done()
		srv.Shutdown(shutdown)
	}()
	slog.Info("azizayol serving", "version", version, "http", ln.Addr().String(), "telegram", cfg.TelegramMode)
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http: %w", err)
	}
	return nil
}

// broadcastLimits are the broadcasts' limits on the channels this instance sends on:
// those of the conversations, on the same key, so that both together keep them;
// Telegram's paid broadcasts have their own.
func broadcastLimits(cfg config, limits map[azizayol.Channel]bot.Limits) map[azizayol.Channel]bot.BroadcastLimits {
	out := map[azizayol.Channel]bot.BroadcastLimits{}
	for _, ch := range azizayol.BroadcastChannels {
		l, ok := limits[ch]
		if !ok {
			continue
		}
		out[ch] = bot.BroadcastLimits{Key: string(ch) + ":total", Total: l.Total, PerUser: l.PerUser}
	}
	if cfg.TelegramPaidRate > 0 {
		out[azizayol.Telegram] = bot.BroadcastLimits{Key: "telegram:paid", Paid: true, PerUser: limits[azizayol.Telegram].PerUser,
			Total: bot.Rate{PerSecond: cfg.TelegramPaidRate, Burst: max(1, int(cfg.TelegramPaidRate/20))}}
	}
	return out
}

// broadcastRates are the rates broadcasts go at on the channels they can go by.
func broadcastRates(cfg config) map[azizayol.Channel]float64 {
	rates := map[azizayol.Channel]float64{azizayol.Telegram: cmp.Or(cfg.TelegramPaidRate, cfg.TelegramRate)}
	if cfg.SMS.Provider != "" {
		rates[azizayol.SMS] = cfg.SMS.Rate
	}
	return rates
}

// jobs are the scheduled jobs, in Tashkent time.
func (p *platform) jobs(cfg config) []jobs.Job {
	digest := &jobs.Digest{DB: p.db, Queued: p.replied, Now: time.Now}
	list := []jobs.Job{
		// Every hour from 10:00 to 20:00: the first run sends the day's digests; a later
		// one sends what an instance that stopped midway did not (one a day at most).
		{Name: "digest", Schedule: "0 10-20 * * *", Run: digest.Run},
		{Name: "close-expired-vacancies", Schedule: "5 * * * *", Run: func(ctx context.Context) error {
			_, err := p.db.CloseExpiredVacancies(ctx, time.Now())
			return err
		}},
		// Every 5 minutes: warn the assignee a day before the deadline (6 hours before
		// for an urgent appeal), tell the agency admins of what is overdue and of urgent
		// appeals unanswered after 2 hours.
		{Name: "deadlines", Schedule: "*/5 * * * *", Run: func(ctx context.Context) error {
			_, err := p.db.Deadlines(ctx, time.Now(), jobs.WarnBefore, jobs.WarnBeforeUrgent, jobs.UrgentUnanswered)
			return err
		}},
		{Name: "expired-console-sessions", Schedule: "17 * * * *", Run: func(ctx context.Context) error {
			_, err := p.db.DeleteExpiredSessions(ctx, cfg.Console.Idle, cfg.Console.Absolute)
			return err
		}},
		// Every night: what is past its retention (RETENTION_*) is blanked or deleted.
		{Name: "retention-purge", Schedule: jobs.PurgeSchedule, Run: (&jobs.Purge{DB: p.db, Retention: cfg.Retention, Now: time.Now}).Run},
		{Name: "stats", Schedule: jobs.StatsSchedule, Run: (&jobs.Stats{DB: p.db, Now: time.Now}).Run},
		{Name: "publication-reminders", Schedule: jobs.PublicationsSchedule, Run: (&jobs.Publications{DB: p.db, Now: time.Now}).Run},
		{Name: "report-reminders", Schedule: jobs.ReportsSchedule, Run: (&jobs.Reports{DB: p.db, Now: time.Now}).Run},
	}
	if cfg.MehnatURL != "" {
		list = append(list, jobs.Job{Name: "pull-vacancies", Schedule: "30 3 * * *", Run: func(ctx context.Context) error {
			_, err := pullVacancies(ctx, p.db, cfg.MehnatURL, 0)
			return err
		}})
	}
	return list
}

// setCommands sets the bot's command menu, trying again (up to every 5 minutes) while
// Telegram cannot be reached.
func setCommands(ctx context.Context, tg *telegram.Telegram) {
	for wait := 5 * time.Second; ; wait = min(2*wait, 5*time.Minute) {
		err := tg.SetCommands(ctx)
		if err == nil || ctx.Err() != nil {
			return
		}
		slog.Error("setting the command menu failed; trying again", "in", wait, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

func migrate(ctx context.Context, cfg config, stdout io.Writer) error {
	db, err := postgres.Open(ctx, cfg.DatabaseURL, 2)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	for _, name := range applied {
		fmt.Fprintln(stdout, "applied", name)
	}
	if err == nil && len(applied) == 0 {
		fmt.Fprintln(stdout, "the database is up to date")
	}
	return err
}

// shellChat runs the dialogs for one person typing in this terminal.
func shellChat(ctx context.Context, cfg config, who string, stdin io.Reader, stdout io.Writer) error {
	if who == "" {
		who = "guest"
	}
	cfg.Workers, cfg.Senders = 2, 1
	p, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer p.close()
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	term := shell.New(stdout)
	p.start(cfg, []bot.Channel{term}, []bot.Channel{term}, nil)
	p.run(ctx, &wg, cfg)
	fmt.Fprintln(stdout, "Aziz-ayol shell. Type /start to begin, a number to press a button; Ctrl-D to quit.")
	// Reading waits for a whole line; Ctrl-C must not wait for Enter.
	read := make(chan error, 1)
	go func() { read <- shell.Read(ctx, stdin, who, p.db, p.received) }()
	select {
	case <-ctx.Done():
		return nil
	case err := <-read:
		if err != nil && ctx.Err() == nil {
			return err
		}
	}
	time.Sleep(500 * time.Millisecond) // let the last answer print
	return nil
}

// instanceID names this process among the instances sharing Redis.
func instanceID() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// smsProvider is the provider SMS_PROVIDER names (nil when SMS is off).
func smsProvider(c smsConfig) sms.Provider {
	switch c.Provider {
	case "eskiz":
		callback := ""
		if c.CallbackURL != "" {
			// Eskiz signs nothing: a token that authenticates reports only goes in the
			// URL it calls.
			u, _ := url.Parse(c.CallbackURL) // checked by loadConfig
			q := u.Query()
			q.Set("token", sms.ReportToken(c.WebhookSecret))
			u.RawQuery = q.Encode()
			callback = u.String()
		}
		return sms.NewEskiz(sms.EskizConfig{BaseURL: c.APIURL, Email: c.Login, Password: c.Password,
			From: c.Shortcode, CallbackURL: callback})
	case "playmobile":
		return sms.NewPlayMobile(sms.PlayMobileConfig{BaseURL: c.APIURL, Login: c.Login, Password: c.Password, Originator: c.Shortcode})
	case "http":
		return sms.NewHTTPGateway(sms.HTTPGatewayConfig{URL: c.APIURL, Token: c.Token})
	}
	return nil
}
