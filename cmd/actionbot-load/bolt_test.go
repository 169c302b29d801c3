package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot/internal/fakeplan"
)

// fakeBoltEnv makes the test binary a stand-in for the Bolt app
// (bench/bolt/index.js), so that the child-process side of -bolt is tested
// without Node.js: it reads the same environment and makes the same change
// (the floor's handler, one transaction).
const fakeBoltEnv = "ACTIONBOT_LOAD_TEST_FAKE_BOLT"

func TestMain(m *testing.M) {
	if os.Getenv(fakeBoltEnv) != "" {
		if err := fakeBolt(); err != nil {
			fmt.Fprintln(os.Stderr, "fake Bolt:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func fakeBolt() error {
	fs, err := openFloorStore(os.Getenv(boltDBEnv))
	if err != nil {
		return err
	}
	defer fs.db.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:"+os.Getenv(boltPortEnv))
	if err != nil {
		return err
	}
	// SIGTERM ends the process, as it ends a Node.js server without a handler.
	return http.Serve(ln, floorUpdateHandler([]byte(os.Getenv(boltSecretEnv)), fs, time.Now))
}

func TestCheckAuditWantsEveryAcknowledgedChangeAndNothingUnsent(t *testing.T) {
	tests := []struct {
		name               string
		added, acked, sent int64
		wantErr            string
	}{
		{"every change sent was acknowledged and audited", 100, 100, 100, ""},
		{"a failed request that committed anyway", 101, 100, 101, ""},
		{"a failed request that did not commit", 100, 100, 101, ""},
		{"an acknowledged change missing", 99, 100, 100, "1 acknowledged changes are missing"},
		{"more entries than changes sent", 102, 100, 101, "102 audit entries for 101 changes sent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkAudit("Bolt", tt.added, tt.acked, tt.sent)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("checkAudit = %v, want nil", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("checkAudit = %v, want an error saying %q", err, tt.wantErr)
			}
		})
	}
}

func TestBoltCommandWantsTheAppsPackagesInstalled(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.js"), []byte("// app\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := boltCommand(dir); err == nil {
		t.Fatal("boltCommand accepted an app without node_modules")
	}
}

func TestAChildServerChangesItsOwnDatabaseAndEveryAcknowledgedChangeIsCounted(t *testing.T) {
	ctx := context.Background()
	c := config{bot: "unused", db: filepath.Join(t.TempDir(), "load.db"), actions: 20, seed: fakeplan.Seed, conc: 1, secret: "s3cret"}
	refs, open, err := prepare(&c)
	if err != nil {
		t.Fatal(err)
	}
	copyPath := c.db + ".bolt"
	if err := copyDB(c.db, copyPath); err != nil {
		t.Fatal(err)
	}
	before, err := auditCount(ctx, copyPath)
	if err != nil {
		t.Fatal(err)
	}

	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ch, err := spawnChild(ctx, []string{self}, t.TempDir(), boltPortEnv,
		fakeBoltEnv+"=1", boltSecretEnv+"="+c.secret, boltDBEnv+"="+copyPath)
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			ch.stop()
		}
	}()

	rs := newReplyServer()
	defer rs.close()
	sent := &countingTransport{base: http.DefaultTransport}
	l := &loader{c: c, url: ch.url, refs: refs, rs: rs, client: &http.Client{Timeout: 10 * time.Second, Transport: sent}}
	for _, ref := range refs {
		if p, ok := open[ref]; ok {
			l.open = append(l.open, ref)
			l.progress.Store(ref, p)
		}
	}
	m := &meter{pid: ch.cmd.Process.Pid}
	if err := m.start(); err != nil {
		t.Fatalf("reading the child's CPU time: %v", err)
	}
	const changes = 3
	for i := range changes {
		if _, err := l.update(ctx, 0, i); err != nil {
			t.Fatalf("change %d: %v", i, err)
		}
	}
	if _, err := m.stop(); err != nil {
		t.Fatalf("reading the child's CPU time: %v", err)
	}
	stopped = true
	if err := ch.stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}

	after, err := auditCount(ctx, copyPath)
	if err != nil {
		t.Fatal(err)
	}
	if got := sent.n.Load(); got != changes {
		t.Errorf("%d requests counted, want %d", got, changes)
	}
	if got := l.acked.Load(); got != changes {
		t.Errorf("%d changes acknowledged, want %d", got, changes)
	}
	if err := checkAudit("fake Bolt", after-before, l.acked.Load(), sent.n.Load()); err != nil {
		t.Error(err)
	}
	if after-before != changes {
		t.Errorf("%d audit entries added to the child's copy, want %d", after-before, changes)
	}
	if orig, err := auditCount(ctx, c.db); err != nil || orig != before {
		t.Errorf("the original database has %d entries by the load user (%v), want %d: the child changed its own copy only", orig, err, before)
	}
}

func TestAChildThatExitsBeforeAnsweringIsReported(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// The stand-in without its database: it exits at once.
	_, err = spawnChild(context.Background(), []string{self}, t.TempDir(), boltPortEnv,
		fakeBoltEnv+"=1", boltDBEnv+"="+filepath.Join(t.TempDir(), "missing", "x.db"))
	if err == nil || !strings.Contains(err.Error(), "exited before answering") {
		t.Fatalf("spawnChild = %v, want an error saying it exited before answering", err)
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Errorf("spawnChild = %v, want its exit status 1 wrapped", err)
	}
}
