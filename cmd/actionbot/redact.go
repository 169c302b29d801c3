package main

import (
	"io"

	"github.com/sevenoaks-csp/actionbot"
)

// redactingWriter passes each write through actionbot.Redact. Each write is
// one message, one log record or one usage line, so a secret is never split
// between two.
type redactingWriter struct{ w io.Writer }

// redacting wraps w in a redactingWriter (once).
func redacting(w io.Writer) io.Writer {
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
