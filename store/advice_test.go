package store

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mattn/go-sqlite3"

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
		{"read-only", &ReadOnlyError{Path: "/srv/archive/plan.db"}, actionbot.EINVALID,
			[]string{"The database /srv/archive/plan.db cannot be written by this user.", "/srv/archive/plan.db-wal", "its folder (/srv/archive) must both be writable", "use a copy"}},
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

// A write SQLite refuses because the file (or its folder) is read-only is
// told as that, to whoever asked for the change, not as "Something went
// wrong on our side"; SQLite's error stays in the chain for the log.
func TestAReadOnlyWriteIsSaidPlainly(t *testing.T) {
	h := &health{path: "/srv/archive/plan.db"}
	err := h.saw(fmt.Errorf("update action 5.2: %w", sqlite3.Error{Code: sqlite3.ErrReadonly}))
	if actionbot.ErrorCode(err) != actionbot.EINVALID || !strings.Contains(actionbot.ErrorMessage(err), "the database is read-only") {
		t.Errorf("a read-only write is told as %q (%s)", actionbot.ErrorMessage(err), actionbot.ErrorCode(err))
	}
	var se sqlite3.Error
	if !errors.As(err, &se) || se.Code != sqlite3.ErrReadonly {
		t.Errorf("SQLite's error is lost: %v", err)
	}
	if h.damaged != nil {
		t.Errorf("a read-only file is reported damaged: %v", h.damaged)
	}
}
