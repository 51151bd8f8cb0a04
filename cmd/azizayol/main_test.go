package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/azizayol/azizayol/bot/telegram/telegramtest"
	"github.com/azizayol/azizayol/internal/testenv"
)

const token = "123456:TEST-token"

var binary string // the azizayol binary, built once for the tests that kill it

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "azizayol-e2e")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "azizayol")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building the binary: %v\n%s", err, out)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	testenv.Main(m)
}

// env is one instance's environment: a fresh database and Redis prefix per test,
// shared by the instances of that test.
type env map[string]string

func newEnv(t *testing.T, fake *telegramtest.Server) env {
	return env{
		"TELEGRAM_BOT_TOKEN":  token,
		"TELEGRAM_API_URL":    fake.URL(),
		"DATABASE_URL":        testenv.DatabaseURL(t),
		"REDIS_URL":           testenv.RedisURL(),
		"REDIS_PREFIX":        testenv.RedisPrefix(t),
		"HTTP_ADDR":           freeAddr(t),
		"LOG_LEVEL":           "warn",
		"TELEGRAM_CHAT_RATE":  "0", // the fake's limits are off unless a test sets them
		"TELEGRAM_RATE":       "0",
		"TELEGRAM_CHAT_BURST": "3",
	}
}

// testSecret is the secret of the webhook-mode instances of the tests.
const testSecret = "s3cret-webhook-token-0123"

// webhookEnv is newEnv for an instance in webhook mode, which Telegram (the fake, or
// the test itself) posts to at e["TELEGRAM_WEBHOOK_URL"].
func webhookEnv(t *testing.T, fake *telegramtest.Server) env {
	e := newEnv(t, fake)
	return e.with("TELEGRAM_MODE", "webhook", "TELEGRAM_WEBHOOK_SECRET", testSecret,
		"TELEGRAM_WEBHOOK_URL", "http://"+e["HTTP_ADDR"]+"/telegram/webhook")
}

func (e env) with(kv ...string) env {
	c := env{}
	for k, v := range e {
		c[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		c[kv[i]] = kv[i+1]
	}
	return c
}

func (e env) list() []string {
	var out []string
	for k, v := range e {
		out = append(out, k+"="+v)
	}
	return out
}

// serveInProcess runs `azizayol serve` in this process until the test ends or stop
// is called.
func serveInProcess(t *testing.T, e env) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, func(k string) string { return e[k] }, nil, &logs, &logs)
	}()
	waitHTTP(t, e["HTTP_ADDR"], done, &logs)
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("serve: %v", err)
				}
			case <-time.After(15 * time.Second):
				t.Errorf("serve did not stop")
			}
			if t.Failed() {
				t.Logf("serve logs:\n%s", logs.String())
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// serveProcess runs the built binary; kill ends it with SIGKILL, as a crash would.
func serveProcess(t *testing.T, e env) (kill func()) {
	t.Helper()
	kill, _ = serveProcessPID(t, e)
	return kill
}

// serveProcessPID is serveProcess that also gives the process's id (to read its
// memory).
func serveProcessPID(t *testing.T, e env) (kill func(), pid int) {
	t.Helper()
	cmd := exec.Command(binary, "serve")
	cmd.Env = append(os.Environ(), e.list()...)
	var logs syncBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	waitHTTP(t, e["HTTP_ADDR"], done, &logs)
	var once sync.Once
	kill = func() {
		once.Do(func() {
			cmd.Process.Kill()
			<-done
			if t.Failed() {
				t.Logf("process logs:\n%s", logs.String())
			}
		})
	}
	t.Cleanup(kill)
	return kill, cmd.Process.Pid
}

func waitHTTP(t *testing.T, addr string, done <-chan error, logs *syncBuffer) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("serve stopped at start: %v\n%s", err, logs.String())
		default:
		}
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("serve did not listen on %s\n%s", addr, logs.String())
}

func freeAddr(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// texts are the plain texts of messages.
func texts(msgs []telegramtest.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.PlainText)
	}
	return out
}

// button finds the data of the button whose label contains label.
func button(t *testing.T, m telegramtest.Message, label string) string {
	t.Helper()
	for _, row := range m.Keyboard {
		for _, b := range row {
			if strings.Contains(b.Text, label) {
				return b.Data
			}
		}
	}
	t.Fatalf("no button %q under %q", label, m.PlainText)
	return ""
}
