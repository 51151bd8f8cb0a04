// Package postgres keeps the platform's records in PostgreSQL through a pgx pool. All
// SQL lives here, one file per table, beside the function that runs it.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/migrations"
)

// DB is the platform's database.
type DB struct {
	pool    *pgxpool.Pool
	changed func([]azizayol.AppealEvent) // told of appeals filed or changed, after commit
}

// OnAppealChange sets who hears, after each commit, of the appeals it filed or
// changed (the console's live inbox). Set it before the DB is used.
func (db *DB) OnAppealChange(fn func([]azizayol.AppealEvent)) { db.changed = fn }

func (db *DB) announce(events []azizayol.AppealEvent) {
	if len(events) > 0 && db.changed != nil {
		db.changed(events)
	}
}

// Open connects to the database at url and checks that it answers.
func Open(ctx context.Context, url string, maxConns int32) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse DATABASE_URL: %w", err)
	}
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open pool: %w", err)
	}
	// NewWithConfig connects lazily and reports nothing: ask once, so a wrong URL
	// stops the binary at start with a clear line.
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect to %s@%s/%s: %w", cfg.ConnConfig.User, cfg.ConnConfig.Host, cfg.ConnConfig.Database, err)
	}
	return &DB{pool: pool}, nil
}

// Close closes every connection.
func (db *DB) Close() { db.pool.Close() }

// Ping checks that the database answers (for /readyz).
func (db *DB) Ping(ctx context.Context) error { return db.pool.Ping(ctx) }

// Migrate applies every migration not yet applied. Several instances starting at once
// are safe: goose holds a PostgreSQL advisory lock while it works.
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	sqlDB := stdlib.OpenDBFromPool(db.pool)
	defer sqlDB.Close()
	return migrate(ctx, sqlDB)
}

func migrate(ctx context.Context, sqlDB *sql.DB) ([]string, error) {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, fmt.Errorf("postgres: migration lock: %w", err)
	}
	provider, err := goose.NewProvider(goose.DialectPostgres, sqlDB, migrations.FS,
		goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return nil, fmt.Errorf("postgres: load migrations: %w", err)
	}
	results, err := provider.Up(ctx)
	var applied []string
	for _, r := range results {
		applied = append(applied, r.Source.Path)
	}
	if err != nil {
		var partial *goose.PartialError
		if errors.As(err, &partial) {
			return applied, fmt.Errorf("postgres: migration %s: %w", partial.Failed.Source.Path, partial.Err)
		}
		return applied, fmt.Errorf("postgres: migrate: %w", err)
	}
	return applied, nil
}
