package main

import (
	"strings"
	"testing"
)

// ACTIONBOT_SLASH_COMMAND names the slash command the bot answers (the
// manifest's /action by default); a name that is not a slash command stops
// the bot at start.
func TestSlashCommandSetting(t *testing.T) {
	for _, tc := range []struct{ set, want, err string }{
		{"", "/action", ""},
		{"/plan", "/plan", ""},
		{" /csp-action ", "/csp-action", ""},
		{"action", "", "ACTIONBOT_SLASH_COMMAND"},
		{"/Action", "", "ACTIONBOT_SLASH_COMMAND"},
		{"/two words", "", "ACTIONBOT_SLASH_COMMAND"},
	} {
		env := map[string]string{"SLACK_SIGNING_SECRET": e2eSigningSecret, "SLACK_BOT_TOKEN": e2eBotToken, "ACTIONBOT_SLASH_COMMAND": tc.set}
		c, err := loadSlackConfig(func(k string) string { return env[k] })
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: err %v, want one naming %s", tc.set, err, tc.err)
			}
			continue
		}
		if err != nil || c.command != tc.want {
			t.Errorf("%q: %v; want the command %q", tc.set, err, tc.want)
		}
	}
}
