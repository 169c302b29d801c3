package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot/bot"
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

// withLinkPages serves the link pages under /a/ beside the bot's own
// routes; next alone when there are none.
func withLinkPages(next, pages http.Handler) http.Handler {
	if pages == nil {
		return next
	}
	mux := http.NewServeMux()
	mux.Handle("/a/", pages)
	mux.Handle("/", next)
	return mux
}

// Timeouts and sizes of the link pages' own server (Socket Mode, which has
// no HTTP server for Slack): those of bot.NewHTTPServer.
const (
	webReadHeaderTimeout = 5 * time.Second
	webReadTimeout       = 10 * time.Second
	webWriteTimeout      = 30 * time.Second
	webIdleTimeout       = 90 * time.Second
	webMaxHeaderBytes    = 16 << 10
)

// listenLinkPages serves the link pages alone on addr (ACTIONBOT_ADDR), for
// Socket Mode, with the HTTP door's limits: connections (l), timeouts and
// the size of headers; the pages cap requests in hand and bodies
// themselves. It returns once listening; the server stops when ctx is done,
// and wait waits for it.
func listenLinkPages(ctx context.Context, pages http.Handler, addr string, l bot.HTTPLimits, log *slog.Logger) (wait func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s (ACTIONBOT_ADDR) for the link pages: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           withLinkPages(http.NotFoundHandler(), pages),
		ReadHeaderTimeout: webReadHeaderTimeout,
		ReadTimeout:       webReadTimeout,
		WriteTimeout:      webWriteTimeout,
		IdleTimeout:       webIdleTimeout,
		MaxHeaderBytes:    webMaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("link pages listening", "addr", ln.Addr().String(), "path", "/a/")
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(l.Listener(ln)); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("link pages: the server stopped", "err", err)
		}
	}()
	go func() {
		select {
		case <-ctx.Done():
		case <-done:
			return
		}
		sctx, cancel := context.WithTimeout(context.Background(), 25*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			log.Warn("link pages: stop", "err", err)
		}
	}()
	return func() { <-done }, nil
}
