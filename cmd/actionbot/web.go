package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/linktoken"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/web"
)

// webConfig is where the link pages (package web) are, from the
// environment: ACTIONBOT_PUBLIC_URL, the address people reach the bot at
// (the links in e-mails start with it), and ACTIONBOT_LINK_SECRET, the key
// the links are signed with. nil when neither is set: no pages are served.
type webConfig struct {
	publicURL string
	secret    []byte
}

// loadWebConfig reads the link pages' settings. Both or neither: a public
// address without a secret could serve no link, and a secret without an
// address could make none. No error shows the secret.
func loadWebConfig(env getenv) (*webConfig, error) {
	pub := strings.TrimSpace(env("ACTIONBOT_PUBLIC_URL"))
	secret := strings.TrimSpace(env("ACTIONBOT_LINK_SECRET"))
	switch {
	case pub == "" && secret == "":
		return nil, nil
	case secret == "":
		return nil, errors.New("ACTIONBOT_PUBLIC_URL is set but ACTIONBOT_LINK_SECRET is not: the links' pages need the secret they are signed with (e.g. `openssl rand -hex 32`)")
	case pub == "":
		return nil, errors.New("ACTIONBOT_LINK_SECRET is set but ACTIONBOT_PUBLIC_URL is not: give the https address people reach the bot at, such as https://actions.example.org")
	}
	var problems []error
	u, err := url.Parse(pub)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		problems = append(problems, fmt.Errorf("ACTIONBOT_PUBLIC_URL=%q is not an http or https address such as https://actions.example.org (no user, query or fragment)", redactURL(pub)))
	}
	if err := linktoken.CheckKey([]byte(secret)); err != nil {
		problems = append(problems, fmt.Errorf("ACTIONBOT_LINK_SECRET: %w", err))
	}
	if err := errors.Join(problems...); err != nil {
		return nil, err
	}
	return &webConfig{publicURL: strings.TrimRight(pub, "/"), secret: []byte(secret)}, nil
}

// redactURL is a URL for an error message, without any password in it.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		u.User = url.User(u.User.Username())
		return u.String()
	}
	return s
}

// linkPages are the link pages of the configuration, through h and db, or
// nil when they are not configured.
func linkPages(c *Config, h *commands.Handler, db *store.DB, log *slog.Logger) http.Handler {
	if c.Web == nil {
		return nil
	}
	p := &web.Pages{Handler: h, Store: db, Key: c.Web.secret, Now: h.Now, Logger: log}
	if c.Slack != nil {
		p.MaxRequests = c.Slack.http.MaxRequests
	}
	return p.Routes()
}
