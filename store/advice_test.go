package store

import (
	"errors"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
)

// A missing or damaged database is told as what to do, without the
// password of a PostgreSQL URL; any other error is left alone.
func TestAdviceSaysWhatToDo(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		code string
		says []string
	}{
		{"missing", &MissingError{Path: "/srv/plan.db"}, actionbot.ENOTFOUND,
			[]string{"There is no database at /srv/plan.db, and nothing was created", "`actionbot init -db /srv/plan.db`", "`actionbot import -db /srv/plan.db FILE.csv`"}},
		{"a link to nothing", &MissingError{Path: "/srv/plan.db", Link: "/gone/plan.db"}, actionbot.ENOTFOUND,
			[]string{"a link is never followed to make a new database"}},
		{"damaged", &DamagedError{Path: "/srv/plan.db", Detail: "page 4 is never used"}, actionbot.EINVALID,
			[]string{"The database /srv/plan.db is damaged: page 4 is never used.", "move /srv/plan.db and any /srv/plan.db-wal and /srv/plan.db-shm aside"}},
		{"damaged, on PostgreSQL", &DamagedError{Path: "postgres://bot:s3cret@db.example/plan", Detail: "x"}, actionbot.EINVALID,
			[]string{"The database postgres://bot:"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Advice(tc.err)
			if actionbot.ErrorCode(err) != tc.code {
				t.Errorf("code %q, want %q: %v", actionbot.ErrorCode(err), tc.code, err)
			}
			msg := actionbot.ErrorMessage(err)
			for _, want := range tc.says {
				if !strings.Contains(msg, want) {
					t.Errorf("the advice lacks %q:\n%s", want, msg)
				}
			}
			if strings.Contains(msg, "s3cret") {
				t.Errorf("the advice shows a password: %s", msg)
			}
		})
	}
	other := errors.New("disk full")
	if Advice(other) != other || Advice(nil) != nil {
		t.Error("Advice changed an error that is neither missing nor damaged")
	}
}
