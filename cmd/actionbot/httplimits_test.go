package main

import (
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot/bot"
)

// ACTIONBOT_HTTP_MAX_REQUESTS and ACTIONBOT_HTTP_MAX_CONNS bound the HTTP
// door; they default to bot's defaults and refuse what is not a count.
func TestHTTPLimitSettings(t *testing.T) {
	base := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1-2-x", "SLACK_SIGNING_SECRET": "s"}
	load := func(extra map[string]string) (*slackConfig, error) {
		return loadSlackConfig(func(k string) string {
			if v, ok := extra[k]; ok {
				return v
			}
			return base[k]
		})
	}
	c, err := load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.http != (bot.HTTPLimits{MaxRequests: bot.DefaultMaxRequests, MaxConns: bot.DefaultMaxConns}) {
		t.Errorf("defaults %+v", c.http)
	}
	c, err = load(map[string]string{"ACTIONBOT_HTTP_MAX_REQUESTS": " 8 ", "ACTIONBOT_HTTP_MAX_CONNS": "100"})
	if err != nil {
		t.Fatal(err)
	}
	if c.http != (bot.HTTPLimits{MaxRequests: 8, MaxConns: 100}) {
		t.Errorf("set: %+v", c.http)
	}
	for _, bad := range []map[string]string{
		{"ACTIONBOT_HTTP_MAX_REQUESTS": "0"},
		{"ACTIONBOT_HTTP_MAX_REQUESTS": "lots"},
		{"ACTIONBOT_HTTP_MAX_CONNS": "-1"},
	} {
		if _, err := load(bad); err == nil || !strings.Contains(err.Error(), "ACTIONBOT_HTTP_MAX_") {
			t.Errorf("%v: error %v", bad, err)
		}
	}
}
