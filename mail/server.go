package mail

import (
	"fmt"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// Server is the SMTP server e-mail is sent through, from
// ACTIONBOT_SMTP_URL: smtp://user:pass@host:587 (STARTTLS when the server
// offers it) or smtps://user:pass@host:465 (TLS from the start).
type Server struct {
	Host string
	Port int
	// ImplicitTLS is smtps://.
	ImplicitTLS bool
	User        string
	Password    string
}

// ParseServer reads an smtp:// or smtps:// URL. Its errors never hold the
// password (nor the user).
func ParseServer(raw string) (*Server, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("ACTIONBOT_SMTP_URL is not a URL such as smtp://user:password@smtp.example.org:587: %w", actionbot.RedactError(err))
	}
	s := &Server{}
	switch u.Scheme {
	case "smtp":
	case "smtps":
		s.ImplicitTLS = true
	default:
		return nil, fmt.Errorf("ACTIONBOT_SMTP_URL must start smtp:// (STARTTLS when offered) or smtps:// (TLS), not %q", u.Scheme)
	}
	if u.Opaque != "" || u.Host == "" {
		return nil, fmt.Errorf("ACTIONBOT_SMTP_URL names no server: give it as %s://user:password@smtp.example.org:587", u.Scheme)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("ACTIONBOT_SMTP_URL takes no path or options after the server: %s://…@%s", u.Scheme, u.Host)
	}
	s.Host = u.Hostname()
	if s.Host == "" {
		return nil, fmt.Errorf("ACTIONBOT_SMTP_URL names no server host")
	}
	s.Port = 587
	if s.ImplicitTLS {
		s.Port = 465
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("ACTIONBOT_SMTP_URL's port %q is not a port number", p)
		}
		s.Port = n
	}
	if u.User != nil {
		s.User = u.User.Username()
		s.Password, _ = u.User.Password()
		if s.User == "" {
			return nil, fmt.Errorf("ACTIONBOT_SMTP_URL has a password but no user name")
		}
	}
	return s, nil
}

// Addr is host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// String names the server without its user or password:
// "smtp://smtp.example.org:587 (as a user)".
func (s *Server) String() string {
	scheme := "smtp"
	if s.ImplicitTLS {
		scheme = "smtps"
	}
	out := scheme + "://" + s.Addr()
	if s.User != "" {
		out += " (with a user name and password)"
	}
	return out
}

// ParseFrom reads ACTIONBOT_MAIL_FROM: an address, with a display name if
// wanted ("Community Safety Partnership <actions@sevenoaks.gov.uk>").
func ParseFrom(raw string) (name, addr string, err error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", "", fmt.Errorf("ACTIONBOT_MAIL_FROM is empty: set the address e-mail comes from, such as actions@sevenoaks.gov.uk")
	}
	a, err := netmail.ParseAddress(raw)
	if err != nil {
		return "", "", fmt.Errorf("ACTIONBOT_MAIL_FROM=%q is not an address such as \"Community Safety Partnership <actions@sevenoaks.gov.uk>\"", actionbot.Clip(raw, 80))
	}
	n, err := actionbot.NormalizeEmail(a.Address)
	if err != nil {
		return "", "", fmt.Errorf("ACTIONBOT_MAIL_FROM: %w", err)
	}
	return a.Name, n, nil
}

// ParseAddresses reads a comma-separated list of bare addresses
// (ACTIONBOT_DIGEST_EMAIL), normalised, each once.
func ParseAddresses(name, raw string) ([]string, error) {
	var out []string
	for _, part := range strings.Split(raw, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		a, err := actionbot.NormalizeEmail(part)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if !contains(out, a) {
			out = append(out, a)
		}
	}
	return out, nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
