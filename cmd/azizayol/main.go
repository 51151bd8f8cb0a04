// Command azizayol is the Aziz-ayol bot platform in one binary.
//
//	azizayol [serve]   the bot, its intake, dialogs and outbox, and the HTTP endpoints
//	azizayol migrate   apply the database migrations
//	azizayol shell     chat with the dialogs in this terminal (no Telegram needed)
//	azizayol import centres|courses|vacancies FILE -source NAME [-skip-invalid]
//	                   import listings from a JSON or CSV file (format: listings/doc.go)
//	azizayol pull [-max-gone SHARE]
//	                   pull the vacancies from MEHNAT_API_URL now (the nightly job's work)
//	azizayol version   print the version
//
// Configuration comes from the environment; see the README.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time: -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "azizayol:", err)
		os.Exit(1)
	}
}

// run is the whole program, callable from tests.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd = args[0]
	}
	switch cmd {
	case "serve":
		cfg, err := loadConfig(getenv, true)
		if err != nil {
			return err
		}
		setLogger(stderr, cfg.LogLevel)
		return serve(ctx, cfg)
	case "migrate":
		cfg, err := loadConfig(getenv, false)
		if err != nil {
			return err
		}
		setLogger(stderr, cfg.LogLevel)
		return migrate(ctx, cfg, stdout)
	case "shell":
		cfg, err := loadConfig(getenv, false)
		if err != nil {
			return err
		}
		setLogger(stderr, slog.LevelWarn)
		who := getenv("USER")
		if len(args) > 1 {
			who = args[1]
		}
		return shellChat(ctx, cfg, who, stdin, stdout)
	case "import":
		cfg, err := loadConfig(getenv, false)
		if err != nil {
			return err
		}
		setLogger(stderr, cfg.LogLevel)
		return importFile(ctx, cfg, args[1:], stdout)
	case "pull":
		cfg, err := loadConfig(getenv, false)
		if err != nil {
			return err
		}
		setLogger(stderr, cfg.LogLevel)
		return pull(ctx, cfg, args[1:], stdout)
	case "user":
		cfg, err := loadConfig(getenv, false)
		if err != nil {
			return err
		}
		setLogger(stderr, cfg.LogLevel)
		return userCommand(ctx, cfg, args[1:], stdin, stdout)
	case "version":
		fmt.Fprintln(stdout, "azizayol", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, "usage: azizayol [serve|migrate|shell [name]|import centres|courses|vacancies FILE -source NAME [-skip-invalid]|pull [-max-gone SHARE]|user add -email E -name N -role R [-agency CODE] [-regions 1703,1706] [-lang uz-Latn|uz-Cyrl|ru] [-password-stdin]|version]")
		return nil
	}
	return errors.New("unknown command " + cmd + " (serve, migrate, shell, import, pull, user, version)")
}

func setLogger(w io.Writer, level slog.Level) {
	slog.SetDefault(slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level})))
}
