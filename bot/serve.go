package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// ResponseURLs are the prefixes of the response URLs the bot posts replies
// to: Slack's own (https://hooks.slack.com/), each of extra (comma-separated
// http or https URLs), and SLACK_API_URL's scheme and host when it is set.
func ResponseURLs(extra, apiURL string) ([]string, error) {
	out := slices.Clone(DefaultResponseURLs)
	for _, p := range strings.Split(extra, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		u, err := url.Parse(p)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
			return nil, fmt.Errorf("ACTIONBOT_SLACK_RESPONSE_URLS: %q is not an http or https URL such as https://hooks.slack.com/", actionbot.Redact(p))
		}
		out = append(out, p)
	}
	if u, err := url.Parse(apiURL); apiURL != "" && err == nil && u.Host != "" {
		out = append(out, u.Scheme+"://"+u.Host+"/")
	}
	return out, nil
}

// RefusedToken reports whether auth.test's answer is one for a token that
// will never work.
func RefusedToken(answer string) bool {
	switch answer {
	case "invalid_auth", "not_authed", "token_revoked", "token_expired",
		"account_inactive", "not_allowed_token_type", "team_access_not_granted":
		return true
	}
	return false
}

// ListenAndServe serves Slack's HTTP requests on addr (ACTIONBOT_ADDR), with
// the link pages when pages is not nil, until ctx is done, then stops
// taking requests and finishes those in hand.
func (b *Bot) ListenAndServe(ctx context.Context, addr string, v *Verifier, l HTTPLimits, log *slog.Logger, pages http.Handler) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s (ACTIONBOT_ADDR): %w", addr, err)
	}
	// Timeouts, a cap on headers, per-route caps on bodies, and caps on
	// requests in hand and connections open: see bot.NewHTTPServer.
	srv := b.NewHTTPServer(v, l, slog.NewLogLogger(log.Handler(), slog.LevelWarn))
	// The link pages, when configured, under /a/.
	srv.Handler = WithLinkPages(srv.Handler, pages)
	log.Info("Slack HTTP mode listening", "addr", ln.Addr().String(),
		"endpoints", "/slack/events /slack/commands /slack/interactivity /healthz", "link_pages", pages != nil)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l.Listener(ln)) }()
	select {
	case err := <-errc:
		return fmt.Errorf("HTTP server: %w", err)
	case <-ctx.Done():
	}
	log.Info("stopping: finishing the requests in hand")
	sctx, cancel := context.WithTimeout(context.Background(), 25*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("stop the HTTP server: %w", err)
	}
	<-errc
	return nil
}

// WithLinkPages serves the link pages under /a/ beside the bot's own
// routes; next alone when there are none.
func WithLinkPages(next, pages http.Handler) http.Handler {
	if pages == nil {
		return next
	}
	mux := http.NewServeMux()
	mux.Handle("/a/", pages)
	mux.Handle("/", next)
	return mux
}

// ListenLinkPages serves the link pages alone on addr (ACTIONBOT_ADDR), for
// Socket Mode, with the HTTP door's limits (those of NewHTTPServer): connections (l), timeouts and
// the size of headers; the pages cap requests in hand and bodies
// themselves. It returns once listening; the server stops when ctx is done,
// and wait waits for it.
func ListenLinkPages(ctx context.Context, pages http.Handler, addr string, l HTTPLimits, log *slog.Logger) (wait func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s (ACTIONBOT_ADDR) for the link pages: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           WithLinkPages(http.NotFoundHandler(), pages),
		ReadHeaderTimeout: httpReadHeaderTimeout,
		ReadTimeout:       httpReadTimeout,
		WriteTimeout:      httpWriteTimeout,
		IdleTimeout:       httpIdleTimeout,
		MaxHeaderBytes:    httpMaxHeaderBytes,
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
