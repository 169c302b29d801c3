package main

import (
	"context"
	"database/sql"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

func mustMode(tb testing.TB, name string) fs.FileMode {
	tb.Helper()
	st, err := os.Lstat(name)
	if err != nil {
		tb.Fatal(err)
	}
	return st.Mode()
}

func TestOutputWritesDevicesAndFIFOsInPlace(t *testing.T) {
	c := newReportCLI(t)
	c.mustUpdate(t)

	t.Run("a FIFO is written, not replaced", func(t *testing.T) {
		fifo := filepath.Join(c.dir, "report.fifo")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Skipf("cannot make a FIFO here: %v", err)
		}
		got := make(chan string, 1)
		go func() {
			f, err := os.Open(fifo) // blocks until the writer opens it
			if err != nil {
				got <- err.Error()
				return
			}
			defer f.Close()
			b, _ := io.ReadAll(f)
			got <- string(b)
		}()
		if code, _, errs := c.run(t, nil, "export", "-o", fifo); code != 0 {
			t.Fatalf("export -o FIFO: exit %d: %s", code, errs)
		}
		select {
		case text := <-got:
			if !strings.Contains(text, "Promote Speedwatch") {
				t.Errorf("the reader got %q", actionbot.Clip(text, 200))
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the reader got nothing")
		}
		if m := mustMode(t, fifo); m&fs.ModeNamedPipe == 0 {
			t.Errorf("the FIFO became %v", m)
		}
	})
	t.Run("a character device is written, not replaced", func(t *testing.T) {
		dev := filepath.Join(c.dir, "null")
		// The numbers of /dev/null: writes vanish, so the test harms nothing.
		if err := syscall.Mknod(dev, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
			t.Skipf("cannot make a character device here (needs CAP_MKNOD): %v", err)
		}
		for _, args := range [][]string{{"report", "-o", dev, "--format", "md"}, {"export", "-o", dev}} {
			if code, _, errs := c.run(t, nil, args...); code != 0 {
				t.Fatalf("%v: exit %d: %s", args, code, errs)
			}
			if m := mustMode(t, dev); m&fs.ModeCharDevice == 0 || m&fs.ModeDevice == 0 {
				t.Fatalf("after %v the device is %v", args, m)
			}
		}
		if left, _ := filepath.Glob(filepath.Join(c.dir, ".actionbot-*")); len(left) != 0 {
			t.Errorf("temporary files left: %v", left)
		}
	})
}

func TestReportMarkdownEscapesWhatATerminalWouldObey(t *testing.T) {
	c := newReportCLI(t)
	// A note written before notes were cleaned, or by another program.
	clock := storetest.NewClock(time.Date(2012, time.September, 20, 10, 0, 0, 0, storetest.London))
	c.mustStore(t, clock, func(db *store.DB, plan *actionbot.Plan) {
		if _, _, err := db.UpdateAction(context.Background(), plan.ID, "6.5", func(a *actionbot.Action) (*actionbot.AuditEntry, error) {
			return a.Apply(actionbot.Op{Verb: actionbot.VerbBlocked, Note: "\x1b[2J\x1b[H FAKE LINE \x1b]8;;http://evil\x07 \u202eKDAAT"}, "ULEAD", clock.Now())
		}, nil); err != nil {
			t.Fatal(err)
		}
	})
	// Every format: a CSV or an HTML report printed to a terminal is read
	// there too (found by an outsider's attack on csv and html).
	for _, args := range [][]string{
		{"report", "--format", "md", "--as-of", "2012-10-01"},
		{"report", "--format", "csv", "--as-of", "2012-10-01"},
		{"report", "--format", "html", "--as-of", "2012-10-01"},
	} {
		code, out, errs := c.run(t, nil, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		if !strings.Contains(out, `\x1b`) || !strings.Contains(out, "FAKE LINE") {
			t.Errorf("%v: the stored note is not shown escaped:\n%s", args, out)
		}
		mustBePrintable(t, strings.Join(args, " "), out)
	}
}

func TestConsoleAndDigestEscapeWhatATerminalWouldObey(t *testing.T) {
	c := newReportCLI(t)
	clock := storetest.NewClock(time.Date(2012, time.November, 2, 10, 0, 0, 0, storetest.London))
	c.mustStore(t, clock, func(db *store.DB, plan *actionbot.Plan) {
		if _, _, err := db.UpdateAction(context.Background(), plan.ID, "5.2", func(a *actionbot.Action) (*actionbot.AuditEntry, error) {
			return a.Apply(actionbot.Op{Verb: actionbot.VerbNote, Note: "\x1b[2J\x1b[H FAKE LINE \x00\u202eend"}, "ULEAD", clock.Now())
		}, nil); err != nil {
			t.Fatal(err)
		}
	})
	env := func(k string) string { return c.env[k] }
	for _, tc := range []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"the console's history", "/action 5.2 history\n/action 5.2\n", nil, "History of 5.2"},
		{"the digest", "", []string{"digest", "--as-of", "2012-11-05T08:30"}, "Daily tasking digest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb strings.Builder
			if code := run(context.Background(), tc.args, strings.NewReader(tc.stdin), &out, &errb, env); code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			text := out.String()
			if !strings.Contains(text, tc.want) || !strings.Contains(text, `\x1b[2J\x1b[H FAKE LINE \x00\u202eend`) {
				t.Errorf("the stored note is not shown escaped:\n%s", text)
			}
			mustBePrintable(t, "the output", text)
		})
	}
}

func TestMeasureSourceIsCleanedBeforeItIsStored(t *testing.T) {
	c := newReportCLI(t)
	c.mustUpdate(t)
	source := "\x1b[2J Kent Police\x00 figures \u202eto September\x07"
	if code, _, errs := c.run(t, nil, "measure", "4", "1", "-2", "--as-of", "2012-09-30", "--source", source); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	c.mustStore(t, storetest.NewClock(storetest.PlanStart), func(db *store.DB, plan *actionbot.Plan) {
		vs, err := db.LatestMeasureValues(context.Background(), plan.ID, actionbot.D(2012, 9, 30))
		if err != nil {
			t.Fatal(err)
		}
		if v := vs["4.1"]; v == nil || v.Source != "[2J Kent Police figures to September" {
			t.Fatalf("stored %+v, want the source without its control and bidi characters", v)
		}
	})
}

func TestRemindEscapesWhatATerminalWouldObey(t *testing.T) {
	c := newReportCLI(t)
	c.mustStore(t, storetest.NewClock(storetest.PlanStart), func(db *store.DB, plan *actionbot.Plan) {
		if err := db.AddMember(context.Background(), "U0CSU1", "CSU", "ULEAD"); err != nil {
			t.Fatal(err)
		}
	})
	// Action text from a plan imported before cells were cleaned.
	raw, err := sql.Open("sqlite3", c.db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE actions SET text = text || ?`, " \x1b[2J\x1b[H FAKE LINE \u202eend"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	code, out, errs := c.run(t, nil, "remind", "--as-of", "2012-11-05T09:00")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "Reminders due at") || !strings.Contains(out, `\x1b`) {
		t.Errorf("the stored text is not shown escaped:\n%s", out)
	}
	mustBePrintable(t, "the output", out)
}

// mustBePrintable fails when text holds a control character other than a
// newline or a tab, or a right-to-left override: what a terminal would obey.
func mustBePrintable(tb testing.TB, what, text string) {
	tb.Helper()
	for i, r := range text {
		if r == '\r' && strings.HasPrefix(text[i+1:], "\n") {
			continue // CSV's line end
		}
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x202e {
			tb.Fatalf("%s holds %U", what, r)
		}
	}
}

// "-o" never writes over the database the command reads, or SQLite's files
// beside it, however the path is spelt: the live database would become a
// report.
func TestOutputNeverReplacesTheDatabase(t *testing.T) {
	c := newReportCLI(t)
	c.mustStore(t, storetest.NewClock(storetest.PlanStart), func(*store.DB, *actionbot.Plan) {})
	before, err := os.ReadFile(c.db)
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(c.dir, "dblink")
	if err := os.Symlink(c.db, link); err != nil {
		t.Fatal(err)
	}
	hard := filepath.Join(c.dir, "hard.db")
	if err := os.Link(c.db, hard); err != nil {
		t.Fatal(err)
	}
	dotted := filepath.Join(c.dir, ".", "sub", "..", filepath.Base(c.db))
	for _, out := range []string{c.db, link, hard, dotted, c.db + "-wal", c.db + "-journal"} {
		for _, args := range [][]string{{"report", "-o", out}, {"export", "-o", out}} {
			code, _, errs := c.run(t, nil, args...)
			if code == 0 || !strings.Contains(errs, "is the database itself") {
				t.Errorf("%v: exit %d: %s", args, code, errs)
			}
		}
	}
	if after, _ := os.ReadFile(c.db); string(after) != string(before) {
		t.Error("the database was changed")
	}
	if _, err := os.Stat(c.db + "-journal"); err == nil {
		t.Error("a -journal file was written beside the database")
	}
}
