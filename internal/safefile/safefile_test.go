package safefile

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func mustWriteOut(tb testing.TB, name, text string) {
	tb.Helper()
	if err := Write(name, io.Discard, func(w io.Writer) error {
		_, err := io.WriteString(w, text)
		return err
	}); err != nil {
		tb.Fatalf("Write(%s): %v", name, err)
	}
}

func mustMode(tb testing.TB, name string) fs.FileMode {
	tb.Helper()
	st, err := os.Lstat(name)
	if err != nil {
		tb.Fatal(err)
	}
	return st.Mode()
}

// withUmask runs fn under a umask, restoring the old one after.
func withUmask(mask int, fn func()) {
	old := syscall.Umask(mask)
	defer syscall.Umask(old)
	fn()
}

func TestOutputReplacesARegularFileWhole(t *testing.T) {
	dir := t.TempDir()
	t.Run("a new file honours the umask", func(t *testing.T) {
		for _, tc := range []struct {
			mask int
			want fs.FileMode
		}{{0o022, 0o644}, {0o077, 0o600}, {0o027, 0o640}} {
			name := filepath.Join(dir, "new-"+tc.want.String()+".md")
			withUmask(tc.mask, func() { mustWriteOut(t, name, "report\n") })
			if got := mustMode(t, name).Perm(); got != tc.want {
				t.Errorf("umask %03o: mode %v, want %v", tc.mask, got, tc.want)
			}
		}
	})
	t.Run("an existing file keeps its mode and gets the new text", func(t *testing.T) {
		name := filepath.Join(dir, "board.md")
		if err := os.WriteFile(name, []byte("old report, much longer than the new one\n"), 0o640); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(name, 0o640); err != nil {
			t.Fatal(err)
		}
		mustWriteOut(t, name, "new\n")
		if b, _ := os.ReadFile(name); string(b) != "new\n" {
			t.Errorf("content %q", b)
		}
		if got := mustMode(t, name); got != 0o640 {
			t.Errorf("mode %v, want -rw-r----- kept", got)
		}
	})
	t.Run("a failed write leaves the old file and no temporary file", func(t *testing.T) {
		name := filepath.Join(dir, "kept.md")
		if err := os.WriteFile(name, []byte("whole\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		err := Write(name, io.Discard, func(w io.Writer) error {
			io.WriteString(w, "half")
			return io.ErrUnexpectedEOF
		})
		if err == nil {
			t.Fatal("the failure was not returned")
		}
		if b, _ := os.ReadFile(name); string(b) != "whole\n" {
			t.Errorf("content %q: the old file was damaged", b)
		}
		if left, _ := filepath.Glob(filepath.Join(dir, ".actionbot-*")); len(left) != 0 {
			t.Errorf("temporary files left: %v", left)
		}
	})
	t.Run("a symbolic link is followed and stays a link", func(t *testing.T) {
		target := filepath.Join(dir, "target.md")
		link := filepath.Join(dir, "link.md")
		if err := os.WriteFile(target, []byte("old\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		mustWriteOut(t, link, "through the link\n")
		if mustMode(t, link)&fs.ModeSymlink == 0 {
			t.Error("the link was replaced by a file")
		}
		if b, _ := os.ReadFile(target); string(b) != "through the link\n" {
			t.Errorf("target holds %q", b)
		}
	})
	t.Run("a symbolic link to a file not made yet makes the file and stays a link", func(t *testing.T) {
		link := filepath.Join(dir, "dangling.md")
		if err := os.Symlink("new-target.md", link); err != nil { // relative, as ln -s writes it
			t.Fatal(err)
		}
		mustWriteOut(t, link, "made through the link\n")
		if mustMode(t, link)&fs.ModeSymlink == 0 {
			t.Error("the link was replaced by a file")
		}
		if b, _ := os.ReadFile(filepath.Join(dir, "new-target.md")); string(b) != "made through the link\n" {
			t.Errorf("target holds %q", b)
		}
	})
	t.Run("a missing directory is named, not a temporary file", func(t *testing.T) {
		err := Write(filepath.Join(dir, "nodir", "x.md"), io.Discard, func(w io.Writer) error { return nil })
		if err == nil || !strings.Contains(err.Error(), "the directory "+filepath.Join(dir, "nodir")+" does not exist") || strings.Contains(err.Error(), ".actionbot-") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("a directory is refused", func(t *testing.T) {
		err := Write(dir, io.Discard, func(w io.Writer) error { return nil })
		if err == nil || !strings.Contains(err.Error(), "is a directory") {
			t.Errorf("err = %v", err)
		}
	})
}
