// Package safefile writes a command's output safely: to a file replaced
// whole once complete (never half a report), to a device or FIFO in place
// (never replaced), never over the database the command reads, and with
// what a terminal would obey shown escaped.
package safefile

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/store"
)

// Write writes to the named file, or to stdout when name is empty.
//
// A regular file (or a new one) is replaced only once the output is
// complete: it is written beside the file and renamed over it, so a reader
// never sees half a report. A symbolic link is followed, and the file it
// names is the one replaced. Anything else (a device such as /dev/null, a
// FIFO, a socket) is written in place and never replaced: renaming over
// /dev/null as root would turn the device into a regular file for every
// user of the machine.
//
// A new file is created with mode 0666 less the umask, as any program's
// output is (reports hold notes and blocked reasons: a umask of 077 keeps
// them private); a file that exists keeps its mode.
func Write(name string, stdout io.Writer, write func(io.Writer) error) error {
	if name == "" {
		return write(stdout)
	}
	st, err := os.Stat(name) // follows a symbolic link
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// A symbolic link to a file not made yet: the file it names is
		// made, and the link kept.
		target := linkTarget(name)
		if dir := filepath.Dir(target); !Exists(dir) {
			return fmt.Errorf("write %s: the directory %s does not exist", name, dir)
		}
		return replaceFile(target, 0, write)
	case err != nil:
		return fmt.Errorf("write %s: %w", name, err)
	case st.Mode().IsRegular():
		target, err := filepath.EvalSymlinks(name)
		if err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
		return replaceFile(target, st.Mode().Perm(), write)
	case st.IsDir():
		return fmt.Errorf("write %s: it is a directory; give a file name", name)
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// linkTarget follows name through symbolic links to the path of the file
// they end at, which need not exist; each link is read relative to the
// directory it is in, that directory's own links resolved.
func linkTarget(name string) string {
	target := name
	for range 40 {
		lt, err := os.Readlink(target)
		if err != nil {
			break
		}
		if !filepath.IsAbs(lt) {
			dir := filepath.Dir(target)
			if real, err := filepath.EvalSymlinks(dir); err == nil {
				dir = real
			}
			lt = filepath.Join(dir, lt)
		}
		target = lt
	}
	return target
}

// realPath is where name ends up after its links and its directory's
// links are followed, made absolute; a file not made yet keeps its name in
// its directory's real path.
func realPath(name string) string {
	t := linkTarget(name)
	if real, err := filepath.EvalSymlinks(t); err == nil {
		t = real
	} else if dir, err := filepath.EvalSymlinks(filepath.Dir(t)); err == nil {
		t = filepath.Join(dir, filepath.Base(t))
	}
	if abs, err := filepath.Abs(t); err == nil {
		t = abs
	}
	return t
}

// NotTheDatabase refuses an output file that is the database the command
// reads, or one of SQLite's files beside it, however it is spelt (through
// links, "./", "..", or a hard link): "report -db a.db -o a.db" would
// otherwise replace the live database with a report.
func NotTheDatabase(out, db string) error {
	if out == "" || store.IsPostgresURL(db) {
		return nil
	}
	o, d := realPath(out), realPath(db)
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		same := o == d+suffix
		if !same {
			os1, err1 := os.Stat(out)
			os2, err2 := os.Stat(db + suffix)
			same = err1 == nil && err2 == nil && os.SameFile(os1, os2)
		}
		if same {
			return actionbot.Errorf(actionbot.EINVALID, "%s is the database itself (%s); nothing was written. Give the output another name.", out, filepath.Base(db)+suffix)
		}
	}
	return nil
}

// replaceFile writes a file beside name and renames it over name once
// complete. perm is the mode to give it; 0 means a new file's usual mode,
// 0666 less the umask, which the kernel applies at creation.
func replaceFile(name string, perm fs.FileMode, write func(io.Writer) error) error {
	var tmp *os.File
	for range 10 {
		var b [8]byte
		rand.Read(b[:])
		t := filepath.Join(filepath.Dir(name), ".actionbot-"+hex.EncodeToString(b[:]))
		var err error
		tmp, err = os.OpenFile(t, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		} else if err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
		break
	}
	if tmp == nil {
		return fmt.Errorf("write %s: could not create a temporary file beside it", name)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if perm != 0 {
		if err := tmp.Chmod(perm); err != nil {
			tmp.Close()
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// Printable makes a writer's text safe for a terminal: anything
// non-printable already in the database (an escape sequence, a bidi
// override) is shown escaped rather than obeyed (actionbot.Printable).
func Printable(write func(io.Writer) error) func(io.Writer) error {
	return func(w io.Writer) error {
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			return err
		}
		// CSV ends its lines with "\r\n": those stay.
		_, err := io.WriteString(w, actionbot.PrintableCSV(buf.String()))
		return err
	}
}

// Exists reports whether something (a file, a directory, a link) is at
// path, or might be: only "does not exist" is false.
func Exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, fs.ErrNotExist)
}
