package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/sevenoaks-csp/actionbot"
)

// ExitCode maps err to the exit code at the edge, saying what went wrong
// on stderr: a mistake on the command line (EUSAGE) prints the usage line
// and exits 2; any other error exits 1, an internal one as it is.
func ExitCode(stderr io.Writer, err error) int {
	switch code := actionbot.ErrorCode(err); {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case code == actionbot.EUSAGE:
		fmt.Fprintf(stderr, "actionbot: %s\n\nRun actionbot help for the commands.\n", actionbot.ErrorMessage(err))
		return 2
	case code != actionbot.EINTERNAL:
		fmt.Fprintf(stderr, "actionbot: %s\n", actionbot.ErrorMessage(err))
		return 1
	default:
		fmt.Fprintf(stderr, "actionbot: %v\n", err)
		return 1
	}
}

// IsTerminal reports whether f (a reader or a writer) is a terminal.
func IsTerminal(f any) bool {
	file, ok := f.(*os.File)
	if !ok {
		return false
	}
	st, err := file.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// redactingWriter passes each write through actionbot.Redact. Each write is
// one message, one log record or one usage line, so a secret is never split
// between two.
type redactingWriter struct{ w io.Writer }

// Redacting wraps w in a writer that passes each write through
// actionbot.Redact (once).
func Redacting(w io.Writer) io.Writer {
	if _, ok := w.(redactingWriter); ok {
		return w
	}
	return redactingWriter{w}
}

func (r redactingWriter) Write(p []byte) (int, error) {
	s := string(p)
	red := actionbot.Redact(s)
	if red == s {
		return r.w.Write(p)
	}
	if _, err := io.WriteString(r.w, red); err != nil {
		return 0, err
	}
	return len(p), nil
}
