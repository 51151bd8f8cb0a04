# The two commands a newcomer needs: `make run` (the platform) and `make test`.
DATABASE_URL ?= postgres://postgres@localhost:5432/azizayol?sslmode=disable
export DATABASE_URL

.PHONY: run shell test lint migrate bench cyrillic db build browser

build:
	go build -o bin/azizayol ./cmd/azizayol

# The whole platform: migrations, Telegram intake, dialogs, outbox, /healthz /readyz
# /metrics on HTTP_ADDR. Needs TELEGRAM_BOT_TOKEN in the environment.
run: db
	go run ./cmd/azizayol serve

# Talk to the dialogs in this terminal, no Telegram needed.
shell: db
	go run ./cmd/azizayol shell

migrate: db
	go run ./cmd/azizayol migrate

# Every test, against the local PostgreSQL and Redis (each test makes its own
# database and Redis prefix and removes them). The console's browser tests drive
# Debian's Chromium (AZIZAYOL_SKIP_BROWSER=1 skips them).
test: browser
	go vet ./...
	go test -race -count=1 -timeout 9m ./...

lint:
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt: run gofmt -w on the files above"; exit 1; }
	go vet ./...

# Load: simulated users through the fake Bot API with the real PostgreSQL and Redis.
bench:
	go test -run '^$$' -bench BenchmarkConversation -benchtime 1x -timeout 20m ./cmd/azizayol

# Regenerate the Uzbek Cyrillic texts from the Latin ones and the hand fixes.
cyrillic:
	go test ./locales -run TestCyrillicIsGeneratedFromLatin -update

# Create the database named in DATABASE_URL if it does not exist.
db:
	@name=$$(echo "$(DATABASE_URL)" | sed -E 's|.*/([^/?]+)(\?.*)?$$|\1|'); \
	base=$$(echo "$(DATABASE_URL)" | sed -E 's|/[^/?]+(\?.*)?$$|/postgres\1|'); \
	psql "$$base" -tAc "SELECT 1 FROM pg_database WHERE datname = '$$name'" | grep -q 1 || \
	psql "$$base" -c "CREATE DATABASE \"$$name\"" >/dev/null && echo "database $$name ready"

# Debian's Chromium for the console's browser tests (and a colour emoji font, so the
# screenshots show the bot's buttons as staff see them), installed when missing.
browser:
	@test -x /usr/bin/chromium || { \
	  sudo=$$(test "$$(id -u)" -eq 0 || echo sudo); \
	  $$sudo apt-get update && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-noto-color-emoji; }
