package store

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
)

// init creates a database only where there is none: nothing, or an empty
// file; a file is there already; a directory is refused.
func TestExistsForInit(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "touched.db")
	full := filepath.Join(dir, "full.db")
	emptyWithWAL := filepath.Join(dir, "truncated.db")
	for path, body := range map[string]string{empty: "", full: "SQLite format 3\x00", emptyWithWAL: "", emptyWithWAL + "-wal": "x"} {
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		path   string
		exists bool
		code   string
	}{
		{filepath.Join(dir, "new.db"), false, ""},
		{empty, false, ""},
		{full, true, ""},
		{emptyWithWAL, true, ""},
		{dir, false, actionbot.EINVALID},
		{"postgres://bot@db.example/plan", false, ""},
	} {
		got, err := ExistsForInit(tc.path)
		if got != tc.exists || actionbot.ErrorCode(err) != tc.code {
			t.Errorf("%s: %v, %v; want %v, code %q", tc.path, got, err, tc.exists, tc.code)
		}
	}
}
