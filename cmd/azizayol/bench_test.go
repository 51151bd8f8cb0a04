package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	goredis "github.com/redis/go-redis/v9"

	"github.com/azizayol/azizayol/bot/telegram/telegramtest"
	"github.com/azizayol/azizayol/internal/testenv"
)

// BenchmarkConversation: simulated women step through the main menu and the
// emergency dialog (menu → emergency → centres → back → menu, five rounds) against
// the fake Bot API, with the real PostgreSQL and Redis, one serve instance in webhook
// mode and Telegram's rate limits off. It reports dialog steps per second, the time
// from posting an update to the reply reaching the Bot API (p50, p99), and the Redis
// memory of one session.
func BenchmarkConversation(b *testing.B) {
	for _, users := range []int{100, 1000} {
		b.Run(fmt.Sprintf("users=%d", users), func(b *testing.B) {
			for range b.N {
				benchConversation(b, users, 5)
			}
		})
	}
}

func benchConversation(b *testing.B, users, rounds int) {
	fake := telegramtest.New(b, token)
	secret := "bench-webhook-secret-0123"
	e := env{
		"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": fake.URL(),
		"DATABASE_URL": testenv.DatabaseURL(b), "REDIS_URL": testenv.RedisURL(),
		"REDIS_PREFIX": testenv.RedisPrefix(b), "HTTP_ADDR": freeAddr(b), "LOG_LEVEL": "error",
		"TELEGRAM_RATE": "0", "TELEGRAM_CHAT_RATE": "0",
		"TELEGRAM_MODE": "webhook", "TELEGRAM_WEBHOOK_SECRET": secret,
		"WORKERS": os.Getenv("BENCH_WORKERS"), "SENDERS": os.Getenv("BENCH_SENDERS"),
	}
	e["TELEGRAM_WEBHOOK_URL"] = "http://" + e["HTTP_ADDR"] + "/telegram/webhook"
	stop := serveForBench(b, e)
	defer stop()
	url := e["TELEGRAM_WEBHOOK_URL"]

	inboxes := make(map[int64]chan telegramtest.Message, users)
	for u := range users {
		inboxes[int64(100000+u)] = make(chan telegramtest.Message, 64)
	}
	fake.OnSent(func(m telegramtest.Message) {
		select {
		case inboxes[m.ChatID] <- m:
		default:
		}
	})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	var nextID atomic.Int64
	nextID.Store(5_000_000)

	var (
		mu        sync.Mutex
		latencies []time.Duration
		failures  atomic.Int64
	)
	user := func(id int64) {
		replies := inboxes[id]
		step := func(u models.Update) (telegramtest.Message, bool) {
			start := time.Now()
			if code := post(client, url, secret, u); code != http.StatusOK {
				failures.Add(1)
				return telegramtest.Message{}, false
			}
			select {
			case m := <-replies:
				mu.Lock()
				latencies = append(latencies, time.Since(start))
				mu.Unlock()
				return m, true
			case <-time.After(30 * time.Second):
				failures.Add(1)
				return telegramtest.Message{}, false
			}
		}
		m, ok := step(commandUpdate(nextID.Add(1), id, "/menu"))
		for range rounds {
			for _, label := range []string{"🆘", "Markazlar", "Orqaga", "Bosh menyu"} {
				if !ok {
					return
				}
				data := ""
				for _, row := range m.Keyboard {
					for _, btn := range row {
						if strings.Contains(btn.Text, label) {
							data = btn.Data
						}
					}
				}
				m, ok = step(callbackUpdate(nextID.Add(1), id, m.ID, data))
			}
		}
	}

	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user(int64(100000 + u))
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()

	if n := failures.Load(); n > 0 {
		b.Fatalf("%d steps failed", n)
	}
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "steps/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(sessionBytes(b, e["REDIS_PREFIX"]), "redis-B/session")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/float64(users), "heap-B/user")
}

// sessionBytes is the mean Redis memory of one session key.
func sessionBytes(b *testing.B, prefix string) float64 {
	ctx := context.Background()
	opts, _ := goredis.ParseURL(testenv.RedisURL())
	rdb := goredis.NewClient(opts)
	defer rdb.Close()
	keys, err := rdb.Keys(ctx, prefix+"session:*").Result()
	if err != nil || len(keys) == 0 {
		b.Fatalf("no session keys: %v", err)
	}
	var total int64
	for _, k := range keys {
		n, err := rdb.MemoryUsage(ctx, k).Result()
		if err != nil {
			b.Fatal(err)
		}
		total += n
	}
	return float64(total) / float64(len(keys))
}

func serveForBench(b *testing.B, e env) func() {
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, func(k string) string { return e[k] }, nil, &logs, &logs)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://" + e["HTTP_ADDR"] + "/readyz")
		if err == nil && resp.StatusCode == http.StatusOK {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("serve did not start:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return func() {
		cancel()
		<-done
	}
}

func callbackUpdate(id, user int64, messageID int, data string) models.Update {
	return models.Update{ID: id, CallbackQuery: &models.CallbackQuery{
		ID:   fmt.Sprint(id),
		From: models.User{ID: user, FirstName: "Test", LanguageCode: "uz"},
		Message: models.MaybeInaccessibleMessage{
			Type:    models.MaybeInaccessibleMessageTypeMessage,
			Message: &models.Message{ID: messageID, Chat: models.Chat{ID: user, Type: models.ChatTypePrivate}, Date: int(time.Now().Unix())},
		},
		Data: data,
	}}
}
