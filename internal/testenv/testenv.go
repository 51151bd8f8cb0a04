// Package testenv gives tests the real PostgreSQL and Redis of the machine, isolated:
// a fresh database for each test (cloned from one migrated template per test binary)
// and a fresh Redis key prefix, both removed when the test ends. Several runs and CI
// share the same local services.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/azizayol/azizayol/postgres"
	"github.com/azizayol/azizayol/redis"
)

// Names of the test databases: azt_<unix seconds>_<random>; the template ends in _t.
const prefix = "azt_"

// AdminURL is the server's maintenance database (TEST_DATABASE_URL overrides it).
func AdminURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@localhost:5432/postgres?sslmode=disable"
}

// RedisURL is the Redis tests use (TEST_REDIS_URL overrides it).
func RedisURL() string {
	if u := os.Getenv("TEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://localhost:6379/0"
}

var template struct {
	sync.Mutex
	name string
	err  error
}

// Main runs a package's tests and then drops the template database it made.
// Use it from TestMain: func TestMain(m *testing.M) { testenv.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	template.Lock()
	if template.name != "" {
		if err := dropDatabase(context.Background(), template.name); err != nil {
			fmt.Fprintln(os.Stderr, "testenv:", err)
		}
	}
	template.Unlock()
	os.Exit(code)
}

// DatabaseURL creates a fresh, migrated database for this test and returns its URL.
func DatabaseURL(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	tmpl, err := templateName(ctx)
	if err != nil {
		t.Fatalf("testenv: template database: %v", err)
	}
	name := newName()
	// Cloning needs the template to itself; one clone at a time per binary, and a
	// retry if another run's clone holds a lock.
	template.Lock()
	err = exec(ctx, AdminURL(), `CREATE DATABASE `+name+` TEMPLATE `+tmpl)
	template.Unlock()
	if err != nil {
		t.Fatalf("testenv: create database: %v", err)
	}
	t.Cleanup(func() {
		if err := dropDatabase(context.Background(), name); err != nil {
			t.Errorf("testenv: %v", err)
		}
	})
	return withDatabase(AdminURL(), name)
}

// DB opens a fresh database for this test.
func DB(t testing.TB) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), DatabaseURL(t), 40)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	t.Cleanup(db.Close)
	return db
}

// DBWithPool opens a fresh database twice: as the code under test sees it, and as a
// plain pgx pool for looking at rows and poking them.
func DBWithPool(t testing.TB) (*postgres.DB, *pgxpool.Pool) {
	t.Helper()
	dsn := DatabaseURL(t)
	db, err := postgres.Open(context.Background(), dsn, 20)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	t.Cleanup(db.Close)
	raw, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	t.Cleanup(raw.Close)
	return db, raw
}

// RedisPrefix returns a fresh key prefix whose keys are deleted when the test ends.
func RedisPrefix(t testing.TB) string {
	t.Helper()
	p := "azt:" + randomHex(6) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		c, err := redis.Open(ctx, RedisURL(), p)
		if err != nil {
			t.Errorf("testenv: %v", err)
			return
		}
		defer c.Close()
		if err := c.DeletePrefix(ctx); err != nil {
			t.Errorf("testenv: %v", err)
		}
	})
	return p
}

// Redis opens Redis with a fresh prefix for this test.
func Redis(t testing.TB) *redis.Client {
	t.Helper()
	c, err := redis.Open(context.Background(), RedisURL(), RedisPrefix(t))
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func templateName(ctx context.Context) (string, error) {
	template.Lock()
	defer template.Unlock()
	if template.name != "" || template.err != nil {
		return template.name, template.err
	}
	sweep(ctx)
	name := newName() + "_t"
	if err := exec(ctx, AdminURL(), `CREATE DATABASE `+name); err != nil {
		template.err = err
		return "", err
	}
	template.name = name
	db, err := postgres.Open(ctx, withDatabase(AdminURL(), name), 2)
	if err != nil {
		template.err = err
		return "", err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		template.err = err
		return "", err
	}
	return name, nil
}

// sweep drops test databases left by runs that died more than two hours ago.
func sweep(ctx context.Context) {
	conn, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		return
	}
	rows, err := conn.Query(ctx, `SELECT datname FROM pg_database WHERE datname LIKE 'azt\_%'`)
	if err != nil {
		conn.Close(ctx)
		return
	}
	names, _ := pgx.CollectRows(rows, pgx.RowTo[string])
	conn.Close(ctx)
	for _, n := range names {
		parts := strings.Split(n, "_")
		if len(parts) < 3 {
			continue
		}
		ts, err := strconv.ParseInt(parts[1], 10, 64)
		if err == nil && time.Since(time.Unix(ts, 0)) > 2*time.Hour {
			_ = dropDatabase(ctx, n)
		}
	}
}

func dropDatabase(ctx context.Context, name string) error {
	if err := exec(ctx, AdminURL(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

func exec(ctx context.Context, url, sql string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

func newName() string {
	return fmt.Sprintf("%s%d_%s", prefix, time.Now().Unix(), randomHex(4))
}

func withDatabase(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		panic(fmt.Sprintf("testenv: TEST_DATABASE_URL: %v", err))
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Eventually polls cond every 10 ms until it holds, and fails the test if it does
// not within the time given.
func Eventually(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
