package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// unitCommand returns the shell command a unit's setting (ExecStart=…)
// runs through /bin/sh -c, with systemd's escapes ($$, %%) undone.
func unitCommand(tb testing.TB, unit, key string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "deploy", unit))
	if err != nil {
		tb.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		v, ok := strings.CutPrefix(line, key+"=")
		if !ok {
			continue
		}
		v, ok = strings.CutPrefix(v, "/bin/sh -c '")
		if !ok || !strings.HasSuffix(v, "'") {
			tb.Fatalf("%s %s is not /bin/sh -c '…': %s", unit, key, line)
		}
		v = strings.TrimSuffix(v, "'")
		return strings.NewReplacer("$$", "$", "%%", "%").Replace(v)
	}
	tb.Fatalf("%s has no %s", unit, key)
	return ""
}

func TestTheNightlyBackupKeepsTheNewest14(t *testing.T) {
	dir := t.TempDir()
	backups := filepath.Join(dir, "backups")
	if err := os.Mkdir(backups, 0o700); err != nil {
		t.Fatal(err)
	}
	// The copies of 20 nights, named as ExecStart names them.
	start := unitCommand(t, "actionbot-backup.service", "ExecStart")
	if !strings.Contains(start, `/var/lib/actionbot/backups/actionbot-$(date -u +%Y%m%dT%H%M%SZ).db`) {
		t.Fatalf("ExecStart names its copy otherwise than the rotation expects: %s", start)
	}
	var names []string
	for night := 1; night <= 20; night++ {
		name := fmt.Sprintf("actionbot-202611%02dT023000Z.db", night)
		names = append(names, name)
		if err := os.WriteFile(filepath.Join(backups, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Something else in the directory is not the rotation's to remove.
	if err := os.WriteFile(filepath.Join(backups, "before-the-move.db"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	rotate := strings.ReplaceAll(unitCommand(t, "actionbot-backup.service", "ExecStartPost"), "/var/lib/actionbot", dir)
	if out, err := exec.Command("/bin/sh", "-c", rotate).CombinedOutput(); err != nil {
		t.Fatalf("rotation: %v: %s", err, out)
	}
	entries, err := os.ReadDir(backups)
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	want := append(slices.Clone(names[6:]), "before-the-move.db")
	slices.Sort(want)
	if !slices.Equal(left, want) {
		t.Fatalf("after the rotation:\n%v\nwant the newest 14 and the other file:\n%v", left, want)
	}
}
