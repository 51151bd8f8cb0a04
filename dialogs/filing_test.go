package dialogs

import (
	"context"
	"testing"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/internal/testenv"
	"github.com/azizayol/azizayol/postgres"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// begin opens a transaction on db that the test's end rolls back: the dialogs' records
// are the real database's, and nothing stays.
func begin(t *testing.T, db *postgres.DB) *postgres.Unit {
	t.Helper()
	ctx := context.Background()
	u, err := db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { u.Rollback(ctx) })
	return u
}

// withDB gives the chat the real appeal records, in a transaction of its own, and
// makes her a real user.
func (c *chat) withDB(db *postgres.DB) *chat {
	c.t.Helper()
	u := begin(c.t, db)
	usr, err := u.User(context.Background(), azizayol.Telegram, c.user.Address)
	if err != nil {
		c.t.Fatal(err)
	}
	c.user.ID = usr.ID
	c.store.AppealStore = u
	return c
}
