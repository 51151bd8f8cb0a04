// Package migrations holds the database schema as numbered SQL files, embedded in the
// binary and applied by `azizayol migrate` and at start-up (see postgres.Migrate).
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
