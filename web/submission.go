package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// SubmissionLife is how long a page's forms can be sent after the page was
// served: an older page is shown again, fresh, and nothing is changed. It
// is well inside the time the inbox remembers a submission (a day), so a
// form sent twice (the browser's back and resubmit) always finds the first
// and is not applied again.
const SubmissionLife = 12 * time.Hour

// newSubmission is the one-time id of one form on one page, for token,
// served at now: "<unix seconds>.<16 random bytes>.<MAC>", all URL-safe.
// The MAC (under the link secret, with the token) says the bot made it, for
// this link, at that time.
func newSubmission(key []byte, token string, now time.Time) string {
	var r [16]byte
	if _, err := rand.Read(r[:]); err != nil {
		panic("web: no randomness: " + err.Error()) // crypto/rand never fails on Linux
	}
	body := strconv.FormatInt(now.Unix(), 10) + "." + base64.RawURLEncoding.EncodeToString(r[:])
	return body + "." + submissionMAC(key, token, body)
}

// submissionError says why a submission id is refused.
type submissionError string

const (
	submissionBad   submissionError = "not a submission id of this link"
	submissionStale submissionError = "served too long ago"
)

// checkSubmission returns the id's delivery key (its first two parts) when
// it was made for token and is younger than SubmissionLife at now.
func checkSubmission(key []byte, token, sid string, now time.Time) (string, submissionError) {
	if len(sid) > 128 {
		return "", submissionBad
	}
	i := strings.LastIndexByte(sid, '.')
	if i < 0 {
		return "", submissionBad
	}
	body, mac := sid[:i], sid[i+1:]
	if !hmac.Equal([]byte(mac), []byte(submissionMAC(key, token, body))) {
		return "", submissionBad
	}
	secs, _, ok := strings.Cut(body, ".")
	unix, err := strconv.ParseInt(secs, 10, 64)
	if !ok || err != nil {
		return "", submissionBad
	}
	made := time.Unix(unix, 0)
	if now.Sub(made) > SubmissionLife || made.After(now.Add(time.Minute)) {
		return "", submissionStale
	}
	return body, ""
}

func submissionMAC(key []byte, token, body string) string {
	h := hmac.New(sha256.New, key)
	h.Write([]byte("submission\x00"))
	h.Write([]byte(token))
	h.Write([]byte{0})
	h.Write([]byte(body))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:18])
}
