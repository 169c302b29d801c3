package store

import (
	"errors"
	"io/fs"
	"os"

	"github.com/sevenoaks-csp/actionbot"
)

// ExistsForInit says what is at path for init, which only creates a new
// database: nothing, or an empty file (touched, or truncated, with no
// -wal), is where a new one goes (false); a file that is something else is
// there already (true), and the caller says what it is (a database of ours
// to use, or why not); anything that is not a file is refused (EINVALID).
// A PostgreSQL URL is never a path: it exists before init (false).
func ExistsForInit(path string) (bool, error) {
	st, err := os.Stat(path)
	switch {
	case err != nil || IsPostgresURL(path):
		return false, nil
	case st.Mode().IsRegular() && st.Size() == 0 && !exists(path+"-wal"):
		return false, nil
	case !st.Mode().IsRegular():
		return false, actionbot.Errorf(actionbot.EINVALID, "%s is not a file (a directory, a device or a pipe), so nothing was changed: give init the path of a new file.", actionbot.Redact(path))
	}
	return true, nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, fs.ErrNotExist)
}
