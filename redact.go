package actionbot

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
)

// Redacted is what a secret is replaced with: the same mask url.URL's
// Redacted uses, so a redacted database URL reads as Go would show it.
const Redacted = "xxxxx"

var (
	// urlPassword is the password of a URL's user information:
	// scheme://user:PASSWORD@host. The password runs to the last "@" before
	// the path, as a URL parser reads it.
	urlPassword = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.\-]*://[^\s/?#@:'"]*):[^\s/?#'"]*@`)
	// passwordParam is a password given as a parameter: a URL's
	// ?password=…, a keyword/value connection string's password='…', an
	// environment variable's PGPASSWORD=… (and sslpassword, passwd, pwd).
	passwordParam = regexp.MustCompile(`(?i)((?:^|[^A-Za-z0-9])(?:[A-Za-z_]*password|passwd|pwd))(=|%3D)('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s&;'"]*)`)
)

// Redact hides every secret in text meant for a person or a log: the
// password of any URL (postgres://bob:xxxxx@host/db), and the value of any
// password parameter (?password=xxxxx, password=xxxxx in a keyword/value
// connection string, PGPASSWORD=xxxxx). Everything else is kept, so the
// text still says which database or server it is about. It is the one
// place secrets are hidden: database locations, transport errors, command
// output and logs all pass through it.
func Redact(s string) string {
	if !mayHoldSecret(s) {
		return s
	}
	s = urlPassword.ReplaceAllString(s, "${1}:"+Redacted+"@")
	return passwordParam.ReplaceAllStringFunc(s, func(m string) string {
		sub := passwordParam.FindStringSubmatch(m)
		if sub[3] == "" || sub[3] == Redacted {
			return m
		}
		return sub[1] + sub[2] + Redacted
	})
}

// mayHoldSecret is Redact's fast path: text with neither a URL's user
// information nor a password parameter is returned as it is.
func mayHoldSecret(s string) bool {
	if strings.Contains(s, "@") && strings.Contains(s, "://") {
		return true
	}
	for i := 0; i+3 <= len(s); i++ {
		if s[i]|0x20 == 'p' && (hasFoldPrefix(s[i:], "pass") || hasFoldPrefix(s[i:], "pwd")) {
			return true
		}
	}
	return false
}

func hasFoldPrefix(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// RedactError is err with its message passed through Redact, and a
// transport error (*url.Error) without the URL it was sent to: a URL such
// as a response_url is itself a credential. errors.Is and errors.As still
// see err.
func RedactError(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		msg = strings.ReplaceAll(msg, ue.Error(), ue.Op+": "+ue.Err.Error())
	}
	return &redactedError{msg: Redact(msg), err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
