package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// The floor for changes does what the floor for lookups does (read the
// body, verify the signature, parse the form) and then what a bare app
// must to make "/action <id> progress <n>" durable before it answers: one
// SQLite transaction, in WAL with synchronous=NORMAL through one writing
// connection (BEGIN IMMEDIATE), that updates the action and writes its
// audit entry, on a copy of the bot's own database. It answers a fixed
// one-line confirmation. This is what Bolt + better-sqlite3 was measured
// doing in issue 25; the bot's CPU per change is reported as a ratio to it.

// floorDSN opens the floor's copy of the database as the bot opens its own
// writer (store.DB.dsn): WAL, synchronous=NORMAL, BEGIN IMMEDIATE.
func floorDSN(path string) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", "10000")
	q.Set("_synchronous", "NORMAL")
	q.Set("_stmt_cache_size", "64")
	q.Set("_txlock", "immediate")
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// floorStore is the floor's database: one writing connection and the
// current plan's id.
type floorStore struct {
	db     *sql.DB
	planID int64
}

func openFloorStore(path string) (*floorStore, error) {
	db, err := sql.Open("sqlite3", floorDSN(path))
	if err != nil {
		return nil, fmt.Errorf("floor: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	fs := &floorStore{db: db}
	if err := db.QueryRow(`SELECT id FROM plans WHERE is_current = 1`).Scan(&fs.planID); err != nil {
		db.Close()
		return nil, fmt.Errorf("floor: find the current plan in %s: %w", path, err)
	}
	return fs, nil
}

// progress sets an action's progress and writes its audit entry, in one
// transaction.
func (fs *floorStore) progress(ctx context.Context, ref string, n int, actor string) error {
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
	tx, err := fs.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("floor: begin: %w", err)
	}
	defer tx.Rollback()
	var id int64
	var from int
	if err := tx.QueryRowContext(ctx, `SELECT id, progress FROM actions WHERE plan_id = ? AND ref = ?`, fs.planID, ref).Scan(&id, &from); err != nil {
		return fmt.Errorf("floor: find %s: %w", ref, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE actions SET progress = ?, last_activity = ?, updated_at = ? WHERE id = ?`, n, now, now, id); err != nil {
		return fmt.Errorf("floor: update %s: %w", ref, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit (action_id, at, actor, verb, note) VALUES (?, ?, ?, 'progress', '')`, id, now, actor); err != nil {
		return fmt.Errorf("floor: audit %s: %w", ref, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("floor: commit %s: %w", ref, err)
	}
	return nil
}

// parseProgress reads "<id> progress <n>".
func parseProgress(text string) (ref string, n int, err error) {
	f := strings.Fields(text)
	if len(f) < 3 || f[len(f)-2] != "progress" {
		return "", 0, errors.New("not a progress update")
	}
	n, err = strconv.Atoi(strings.TrimSuffix(f[len(f)-1], "%"))
	if err != nil || n < 0 || n > 100 {
		return "", 0, errors.New("progress must be 0 to 100")
	}
	return strings.Join(f[:len(f)-2], " "), n, nil
}

// floorUpdateHandler answers a signed slash command: a change is made
// durable and confirmed in the ack; anything else gets the lookup floor's
// fixed card.
func floorUpdateHandler(secret []byte, fs *floorStore, now func() time.Time) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		form, ok := floorForm(w, r, secret, now)
		if !ok {
			return
		}
		ref, n, err := parseProgress(form.Get("text"))
		if err != nil {
			writeFloorCard(w) // not a change: what the lookup floor answers
			return
		}
		if err := fs.progress(r.Context(), ref, n, form.Get("user_id")); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"response_type":"ephemeral","text":"✅ `+ref+` is now at `+strconv.Itoa(n)+`%."}`)
	})
}

// floorDBEnv names the copy of the database the floor changes.
const floorDBEnv = "FLOOR_DB"

// copyDB copies a closed SQLite database (and its WAL, if any) for the
// floor.
func copyDB(from, to string) error {
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(from + suffix)
		if errors.Is(err, os.ErrNotExist) && suffix != "" {
			continue
		} else if err != nil {
			return fmt.Errorf("copy the database for the floor: %w", err)
		}
		if err := os.WriteFile(to+suffix, b, 0o600); err != nil {
			return fmt.Errorf("copy the database for the floor: %w", err)
		}
	}
	return nil
}
