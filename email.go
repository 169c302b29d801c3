package actionbot

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Members reached by e-mail (issue 27). A person registered by address
// alone has the address itself, normalised, as their member id: it is what
// the members table, the audit trail and a link token name. A person with a
// Slack id may have an address beside it (store's member_emails).

// Reminder routes: how a person with both a Slack id and an address hears
// from the bot. A person with an address only always gets e-mail.
const (
	RouteAuto  = "auto"  // Slack when they have a Slack id, else e-mail
	RouteEmail = "email" // e-mail only
	RouteBoth  = "both"  // Slack and e-mail
)

// MaxEmailLen is the longest address accepted (RFC 5321's path limit).
const MaxEmailLen = 254

// NormalizeEmail checks an address typed by a coordinator and returns it as
// stored: a bare address (no display name, no angle brackets), its domain
// in lower case, and its local part in lower case too (every mail system a
// partnership meets treats it so, and one person must not be two members).
// EINVALID says what is wrong.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "mailto:")
	if s == "" {
		return "", Errorf(EINVALID, "No e-mail address given.")
	}
	if len(s) > MaxEmailLen || !utf8.ValidString(s) {
		return "", Errorf(EINVALID, "That e-mail address is too long (at most %d characters).", MaxEmailLen)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return "", Errorf(EINVALID, "%q is not an e-mail address: give it bare, as name@example.org.", Clip(s, 60))
	}
	local, domain, ok := strings.Cut(a.Address, "@")
	if !ok || local == "" || strings.ContainsAny(local, "\" ") || strings.Contains(domain, "[") {
		return "", Errorf(EINVALID, "%q is not an address the bot can send to: give it as name@example.org.", Clip(s, 60))
	}
	// A domain of labels of letters, digits and hyphens, with a dot: no
	// "localhost", no IP literal, no trailing dot.
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return "", Errorf(EINVALID, "%q has no domain such as example.org after the @.", Clip(s, 60))
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return "", Errorf(EINVALID, "%q has a malformed domain.", Clip(s, 60))
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return "", Errorf(EINVALID, "%q has a malformed domain.", Clip(s, 60))
			}
		}
	}
	return strings.ToLower(local) + "@" + strings.ToLower(domain), nil
}

// IsEmail reports whether a member id or a recipient is an e-mail address
// (it holds an @): Slack ids and channel ids never do.
func IsEmail(s string) bool {
	return strings.IndexByte(s, '@') > 0
}

// MaskEmail shows an address to someone who is not a coordinator: the first
// and last character of its local part and the whole domain,
// "s…d@kent.police.uk". The domain says which organisation; the person is
// not spelled out.
func MaskEmail(addr string) string {
	local, domain, ok := strings.Cut(addr, "@")
	if !ok {
		return addr
	}
	r := []rune(local)
	switch len(r) {
	case 0:
		return "…@" + domain
	case 1, 2:
		return string(r[0]) + "…@" + domain
	}
	return string(r[0]) + "…" + string(r[len(r)-1]) + "@" + domain
}

// PersonName shows a member id, in text that is not a Slack mention: an
// address whole for a coordinator, masked for anyone else; anything else as
// it is.
func PersonName(id string, coordinator bool) string {
	if IsEmail(id) && !coordinator {
		return MaskEmail(id)
	}
	return id
}

// MemberEmail is a person's e-mail address as the bot holds it.
type MemberEmail struct {
	// UserID is the person's member id: a Slack id, or the address itself.
	UserID string
	Email  string
	// Route is RouteAuto, RouteEmail or RouteBoth.
	Route string
	// Undeliverable is set when the mail server refused the address for
	// good; Reason is its answer.
	Undeliverable time.Time
	Reason        string
}

// Routes says where a person's direct messages go: to their Slack id, to
// their address, or both. id is their member id; e is their address, nil
// when they have none. An address the server refused is not used; a
// person left with nowhere is given nothing (no route).
func Routes(id string, e *MemberEmail) (slack, email string) {
	usable := e != nil && e.Email != "" && e.Undeliverable.IsZero()
	if IsEmail(id) {
		if usable {
			return "", e.Email
		}
		if e == nil { // registered by address, with no row of its own
			return "", id
		}
		return "", ""
	}
	if !usable {
		return id, ""
	}
	switch e.Route {
	case RouteEmail:
		return "", e.Email
	case RouteBoth:
		return id, e.Email
	}
	return id, ""
}

// MailQueue is how the e-mail waiting to go stands, for /healthz and
// `/action admin failed`.
type MailQueue struct {
	Queued int
	// Oldest is when the oldest waiting e-mail was queued.
	Oldest time.Time
	// LastError is the latest failed attempt's cause, "" when none failed.
	LastError string
	Failed    int
}
