package main

import (
	"log/slog"
	"net/http"

	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/internal/config"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/web"
)

// linkPages are the link pages of the configuration, through h and db, or
// nil when they are not configured.
func linkPages(c *config.Config, h *commands.Handler, db *store.DB, log *slog.Logger) http.Handler {
	if c.Web == nil {
		return nil
	}
	p := &web.Pages{Handler: h, Store: db, Key: c.Web.Secret, Now: h.Now, Logger: log}
	if c.Slack != nil {
		p.MaxRequests = c.Slack.HTTP.MaxRequests
	}
	return p.Routes()
}
