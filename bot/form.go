package bot

import (
	"errors"
	"net/url"
	"strings"
)

// The fields of a form-encoded Slack request (a slash command, an
// interaction's payload, Slack's ssl_check) that this app reads.
const (
	formCommand = iota
	formText
	formTeamID
	formChannelID
	formUserID
	formResponseURL
	formTriggerID
	formAPIAppID
	formPayload
	formSSLCheck
	formFields
)

var formKeys = [formFields]string{
	formCommand: "command", formText: "text", formTeamID: "team_id", formChannelID: "channel_id",
	formUserID: "user_id", formResponseURL: "response_url", formTriggerID: "trigger_id",
	formAPIAppID: "api_app_id", formPayload: "payload", formSSLCheck: "ssl_check",
}

// slackForm is what parseSlackForm read: the first value of each field
// this app reads, and which of them were present.
type slackForm struct {
	values [formFields]string
	seen   uint16
}

// get returns the first value of a field, or "" (as url.Values.Get).
func (f *slackForm) get(i int) string { return f.values[i] }

// has reports whether a field was present, even empty (as url.Values.Has).
func (f *slackForm) has(i int) bool { return f.seen&(1<<i) != 0 }

// errFormSemicolon is url.ParseQuery's refusal of a ';' in a form.
var errFormSemicolon = errors.New("invalid semicolon separator in query")

// parseSlackForm reads the fields of a form body that this app uses. It
// accepts and refuses exactly what url.ParseQuery does (a test holds it to
// that), but builds no map and unescapes only the fields it keeps: every
// request is parsed, on the hot path.
func parseSlackForm(body string) (slackForm, error) {
	var f slackForm
	var firstErr error
	for body != "" {
		var pair string
		pair, body, _ = strings.Cut(body, "&")
		if strings.Contains(pair, ";") {
			firstErr = firstOf(firstErr, errFormSemicolon)
			continue
		}
		if pair == "" {
			continue
		}
		rawKey, rawValue, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(rawKey)
		if err != nil {
			firstErr = firstOf(firstErr, err)
			continue
		}
		i := formField(key)
		if i < 0 || f.has(i) {
			// Not kept, but a bad escape in it still makes the form bad.
			if err := checkEscapes(rawValue); err != nil {
				firstErr = firstOf(firstErr, err)
			}
			continue
		}
		value, err := url.QueryUnescape(rawValue)
		if err != nil {
			firstErr = firstOf(firstErr, err)
			continue
		}
		f.values[i] = value
		f.seen |= 1 << i
	}
	return f, firstErr
}

// firstOf keeps the first error.
func firstOf(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

func formField(key string) int {
	for i, k := range formKeys {
		if k == key {
			return i
		}
	}
	return -1
}

// checkEscapes returns the error url.QueryUnescape would return for s,
// without unescaping it: a '%' not followed by two hex digits.
func checkEscapes(s string) error {
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			_, err := url.QueryUnescape(s)
			return err
		}
		i += 2
	}
	return nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
