// Package linktoken signs and checks the links in the bot's e-mails: each
// names one person, one plan and one action, and expires. It is a leaf on
// the standard library only, so that the mailer (which writes links) and
// the web pages (which read them) depend on it and never on each other.
//
// A token is two base64url parts joined by ".": the fields, and an
// HMAC-SHA256 over them with the partnership's link secret
// (a setting read by cmd). Nothing in a token is secret, but nothing in it
// can be changed without the key.
package linktoken

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// MinKeyLen is the shortest link secret accepted, in bytes.
const MinKeyLen = 32

// Lifetime is how long a link works after it is made: 14 days.
const Lifetime = 14 * 24 * time.Hour

// version is the first field of every token; a token of another version is
// refused as malformed.
const version = "1"

// sep separates the fields: a unit separator, which no member id, plan id or
// action id holds (action ids are cleaned text).
const sep = "\x1f"

// Link is what a token names: the person it was sent to (their member id,
// as the members table stores it), the plan and the action, and when it
// stops working.
type Link struct {
	Person  string
	Plan    int64
	Action  string
	Expires time.Time
}

// Errors Verify returns; callers word them for the person (the page says
// what to do) and never log the token itself.
var (
	ErrMalformed = errors.New("linktoken: malformed")
	ErrSignature = errors.New("linktoken: signature does not match")
	ErrExpired   = errors.New("linktoken: expired")
)

// CheckKey says why a link secret cannot be used, or nil.
func CheckKey(key []byte) error {
	if len(key) < MinKeyLen {
		return fmt.Errorf("linktoken: the link secret is %d bytes; it must be at least %d (e.g. `openssl rand -hex 32`)", len(key), MinKeyLen)
	}
	return nil
}

// New is a link for person, plan and action made at now: it expires
// Lifetime later (to the second).
func New(person string, plan int64, action string, now time.Time) Link {
	return Link{Person: person, Plan: plan, Action: action, Expires: now.Add(Lifetime).Truncate(time.Second)}
}

// Sign returns the token for l. It fails on a short key or a field holding
// the separator.
func Sign(key []byte, l Link) (string, error) {
	if err := CheckKey(key); err != nil {
		return "", err
	}
	if l.Person == "" || l.Action == "" || l.Plan <= 0 {
		return "", fmt.Errorf("linktoken: sign: person, plan and action are required")
	}
	if strings.Contains(l.Person, sep) || strings.Contains(l.Action, sep) {
		return "", fmt.Errorf("linktoken: sign: a field holds a control character")
	}
	fields := strings.Join([]string{version, l.Person, strconv.FormatInt(l.Plan, 10), l.Action, strconv.FormatInt(l.Expires.Unix(), 10)}, sep)
	body := base64.RawURLEncoding.EncodeToString([]byte(fields))
	return body + "." + base64.RawURLEncoding.EncodeToString(mac(key, "link", body)), nil
}

// Verify checks token against key and returns its link when the signature
// holds and now is before its expiry. An expired token's link is returned
// with ErrExpired, so that the page can say whose link it was.
func Verify(key []byte, token string, now time.Time) (Link, error) {
	if err := CheckKey(key); err != nil {
		return Link{}, err
	}
	body, sig, ok := strings.Cut(token, ".")
	if !ok || body == "" || len(token) > 1024 {
		return Link{}, ErrMalformed
	}
	if strings.ContainsFunc(sig, notBase64URL) {
		return Link{}, ErrMalformed
	}
	// The signature is compared as Sign wrote it, not decoded: base64's
	// decoder skips CR and LF and ignores the last character's spare bits,
	// so decoding would accept one signature written several ways.
	if !hmac.Equal([]byte(sig), []byte(base64.RawURLEncoding.EncodeToString(mac(key, "link", body)))) {
		return Link{}, ErrSignature
	}
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		return Link{}, ErrMalformed
	}
	f := strings.Split(string(raw), sep)
	if len(f) != 5 || f[0] != version {
		return Link{}, ErrMalformed
	}
	plan, err1 := strconv.ParseInt(f[2], 10, 64)
	exp, err2 := strconv.ParseInt(f[4], 10, 64)
	if err1 != nil || err2 != nil || plan <= 0 || f[1] == "" || f[3] == "" {
		return Link{}, ErrMalformed
	}
	l := Link{Person: f[1], Plan: plan, Action: f[3], Expires: time.Unix(exp, 0).UTC()}
	if !now.Before(l.Expires) {
		return l, ErrExpired
	}
	return l, nil
}

// FormToken is the anti-forgery value a page's form carries for token: an
// HMAC of the token under a purpose of its own, so that only a page the bot
// served can post a change, and a link alone (as a mail scanner follows it)
// cannot.
func FormToken(key []byte, token string) string {
	return base64.RawURLEncoding.EncodeToString(mac(key, "form", token))
}

// CheckFormToken reports whether form is FormToken(key, token), exactly as
// written (no other encoding of the same bytes), in constant time.
func CheckFormToken(key []byte, token, form string) bool {
	return hmac.Equal([]byte(form), []byte(FormToken(key, token)))
}

// notBase64URL reports a rune outside the unpadded base64url alphabet.
func notBase64URL(r rune) bool {
	return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_')
}

// URL is the page of token under the bot's public address:
// https://actions.example.org/a/<token>.
func URL(publicURL, token string) string {
	return strings.TrimRight(publicURL, "/") + "/a/" + token
}

func mac(key []byte, purpose, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(purpose))
	h.Write([]byte{0})
	h.Write([]byte(msg))
	return h.Sum(nil)
}
