package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot/bot"
)

const (
	testBotToken      = "xoxb-9999-8888-e2eBOTtokenNEVERprinted"
	testAppToken      = "xapp-1-A9-7777-e2eAPPtokenNEVERprinted"
	testSigningSecret = "e2e-signing-SECRET-never-printed-0123456789"
	testLinkSecret    = "a-link-secret-of-at-least-32-bytes-for-tests"
)

func TestLoadSlackConfig(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		mode string // "" when the console runs
		addr string
		api  string
		err  string
	}{
		{"nothing set: the console", map[string]string{}, "", "", "", ""},
		{"Socket Mode", map[string]string{"SLACK_APP_TOKEN": testAppToken, "SLACK_BOT_TOKEN": testBotToken}, ModeSocket, ":3000", "", ""},
		{"Socket Mode wins when both are set", map[string]string{"SLACK_APP_TOKEN": testAppToken, "SLACK_BOT_TOKEN": testBotToken, "SLACK_SIGNING_SECRET": testSigningSecret}, ModeSocket, ":3000", "", ""},
		{"HTTP on a chosen address and API URL", map[string]string{"SLACK_SIGNING_SECRET": testSigningSecret, "SLACK_BOT_TOKEN": testBotToken,
			"ACTIONBOT_ADDR": "127.0.0.1:8080", "SLACK_API_URL": "http://127.0.0.1:9/api"}, ModeHTTP, "127.0.0.1:8080", "http://127.0.0.1:9/api/", ""},
		{"bot token alone", map[string]string{"SLACK_BOT_TOKEN": testBotToken}, "", "", "", "neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET"},
		{"no bot token", map[string]string{"SLACK_APP_TOKEN": testAppToken}, "", "", "", "SLACK_BOT_TOKEN is not set"},
		{"a user token for the bot", map[string]string{"SLACK_SIGNING_SECRET": testSigningSecret, "SLACK_BOT_TOKEN": "xoxp-123-user"}, "", "", "", "starts with xoxb-"},
		{"a bot token for the app", map[string]string{"SLACK_APP_TOKEN": testBotToken, "SLACK_BOT_TOKEN": testBotToken}, "", "", "", "starts with xapp-"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := LoadSlack(func(k string) string { return tc.env[k] })
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v; want %q", err, tc.err)
				}
				for _, secret := range []string{testBotToken, testAppToken, testSigningSecret, "xoxp-123"} {
					if strings.Contains(err.Error(), secret) {
						t.Errorf("the error shows a secret: %v", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.mode == "" {
				if c != nil {
					t.Errorf("config %+v; want none", c.Mode)
				}
				return
			}
			if c == nil || c.Mode != tc.mode || c.Addr != tc.addr || c.APIURL != tc.api {
				t.Errorf("config %+v", c)
			}
		})
	}
}

func TestResponseURLsAreSlacksUnlessASettingWidensThem(t *testing.T) {
	base := map[string]string{"SLACK_SIGNING_SECRET": testSigningSecret, "SLACK_BOT_TOKEN": testBotToken}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		want []string
		err  string
	}{
		{"Slack's hooks only", base, []string{"https://hooks.slack.com/"}, ""},
		{"and a fake Slack's server", with("SLACK_API_URL", "http://127.0.0.1:9/api"), []string{"https://hooks.slack.com/", "http://127.0.0.1:9/"}, ""},
		{"and what the setting adds", with("ACTIONBOT_SLACK_RESPONSE_URLS", "http://127.0.0.1:7/response/, https://proxy.example/hooks/"),
			[]string{"https://hooks.slack.com/", "http://127.0.0.1:7/response/", "https://proxy.example/hooks/"}, ""},
		{"a setting that is not a URL", with("ACTIONBOT_SLACK_RESPONSE_URLS", "127.0.0.1:7"), nil, "ACTIONBOT_SLACK_RESPONSE_URLS"},
		{"a setting with a password", with("ACTIONBOT_SLACK_RESPONSE_URLS", "ftp://u:s3cret@h/"), nil, "ACTIONBOT_SLACK_RESPONSE_URLS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := LoadSlack(func(k string) string { return tc.env[k] })
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), "s3cret") {
					t.Fatalf("err = %v; want one naming %s, without a password", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(c.ResponseURLs, tc.want) {
				t.Errorf("response URLs %q, want %q", c.ResponseURLs, tc.want)
			}
		})
	}
}

func TestLoadWebConfig(t *testing.T) {
	const secret = "a-link-secret-of-32-bytes-or-more-hunter2"
	for _, c := range []struct {
		name string
		env  map[string]string
		on   bool
		err  string
	}{
		{"neither: no pages", map[string]string{}, false, ""},
		{"both", map[string]string{"ACTIONBOT_PUBLIC_URL": "https://actions.example.org/", "ACTIONBOT_LINK_SECRET": secret}, true, ""},
		{"an address alone", map[string]string{"ACTIONBOT_PUBLIC_URL": "https://actions.example.org"}, false, "ACTIONBOT_LINK_SECRET is not"},
		{"a secret alone", map[string]string{"ACTIONBOT_LINK_SECRET": secret}, false, "ACTIONBOT_PUBLIC_URL is not"},
		{"a short secret", map[string]string{"ACTIONBOT_PUBLIC_URL": "https://actions.example.org", "ACTIONBOT_LINK_SECRET": "short-hunter2"}, false, "at least 32"},
		{"not an address", map[string]string{"ACTIONBOT_PUBLIC_URL": "actions.example.org", "ACTIONBOT_LINK_SECRET": secret}, false, "not an http or https address"},
		{"a password in the address", map[string]string{"ACTIONBOT_PUBLIC_URL": "https://bob:hunter2@actions.example.org", "ACTIONBOT_LINK_SECRET": secret}, false, "no user"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w, err := LoadWeb(func(k string) string { return c.env[k] })
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v; want %q", err, c.err)
				}
				if strings.Contains(err.Error(), "hunter2") {
					t.Errorf("the error shows a secret: %v", err)
				}
				return
			}
			if err != nil || (w != nil) != c.on {
				t.Fatalf("config %+v, %v", w, err)
			}
			if w != nil && w.PublicURL != "https://actions.example.org" {
				t.Errorf("public URL %q", w.PublicURL)
			}
		})
	}
	// serve, remind and digest report it with the others; the commands
	// that make no links (a nightly backup) do not read it.
	env := func(k string) string {
		return map[string]string{"ACTIONBOT_PUBLIC_URL": "https://x.example", "ACTIONBOT_SYNC": "sometimes"}[k]
	}
	if _, err := LoadSlackApp(env); err == nil || !strings.Contains(err.Error(), "ACTIONBOT_LINK_SECRET") || !strings.Contains(err.Error(), "ACTIONBOT_SYNC") {
		t.Errorf("loadSlackAppConfig: %v", err)
	}
	if _, err := Load(env); err == nil || strings.Contains(err.Error(), "ACTIONBOT_LINK_SECRET") {
		t.Errorf("loadConfig: %v; want ACTIONBOT_SYNC's problem alone", err)
	}
}

// The wait is bounded whatever the setting: at most a minute.
func TestPostWaitSetting(t *testing.T) {
	for _, tc := range []struct {
		set  string
		want time.Duration
		err  bool
	}{
		{"", DefaultPostWait, false},
		{"5s", 5 * time.Second, false},
		{"60s", time.Minute, false},
		{"61s", 0, true},
		{"0s", 0, true},
		{"soon", 0, true},
	} {
		got, err := LoadPostWait(func(k string) string { return map[string]string{"ACTIONBOT_POST_WAIT": tc.set}[k] })
		if (err != nil) != tc.err || (!tc.err && got != tc.want) {
			t.Errorf("%q: %v, %v; want %v (error %v)", tc.set, got, err, tc.want, tc.err)
		}
	}
	if DefaultPostWait > time.Minute {
		t.Errorf("the default wait %v is over a minute", DefaultPostWait)
	}
}

func TestRemindConfig(t *testing.T) {
	holidays := filepath.Join(t.TempDir(), "bank-holidays.json")
	if err := os.WriteFile(holidays, []byte(`{"scotland": {"division": "scotland", "events": [{"title": "St Andrew's Day", "date": "2030-12-02", "notes": "", "bunting": true}]}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name                          string
		env                           map[string]string
		remindCron, digestCron        string
		digestChannel, taskingChannel string
		days                          []int
		escalate, stale               int
		division                      string
		console                       bool
	}{
		{
			name: "console defaults", env: map[string]string{},
			remindCron: "0 9 * * 1-5", digestCron: "30 8 * * 1-5", digestChannel: "CCONSOLE", taskingChannel: "CCONSOLE",
			days: []int{28, 14, 7, 1, 0}, escalate: 14, stale: 30, division: "england-and-wales", console: true,
		},
		{
			name: "Slack without channels: no digest, no tasking channel", env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-not-real", "SLACK_SIGNING_SECRET": "not-a-real-secret"},
			remindCron: "0 9 * * 1-5", digestCron: "", digestChannel: "", taskingChannel: "",
			days: []int{28, 14, 7, 1, 0}, escalate: 14, stale: 30, division: "england-and-wales",
		},
		{
			name:       "Slack with a digest channel: tasking defaults to it",
			env:        map[string]string{"SLACK_BOT_TOKEN": "xoxb-not-real", "SLACK_SIGNING_SECRET": "not-a-real-secret", "ACTIONBOT_DIGEST_CHANNEL": "<#C0DIGEST|tasking>"},
			remindCron: "0 9 * * 1-5", digestCron: "30 8 * * 1-5", digestChannel: "C0DIGEST", taskingChannel: "C0DIGEST",
			days: []int{28, 14, 7, 1, 0}, escalate: 14, stale: 30, division: "england-and-wales",
		},
		{
			name: "everything set",
			env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-not-real", "SLACK_SIGNING_SECRET": "not-a-real-secret", "ACTIONBOT_DIGEST_CHANNEL": "C0DIGEST", "ACTIONBOT_TASKING_CHANNEL": "G0TASKING",
				"ACTIONBOT_REMIND_CRON": "15 10 * * 1-5", "ACTIONBOT_DIGEST_CRON": "off", "ACTIONBOT_REMIND_DAYS": "0,7,21,7",
				"ACTIONBOT_ESCALATE_AFTER": "21", "ACTIONBOT_STALE_DAYS": "45", "ACTIONBOT_HOLIDAYS_FILE": holidays, "ACTIONBOT_HOLIDAY_DIVISION": "scotland"},
			remindCron: "15 10 * * 1-5", digestCron: "", digestChannel: "C0DIGEST", taskingChannel: "G0TASKING",
			days: []int{21, 7, 0}, escalate: 21, stale: 45, division: "scotland",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := func(k string) string { return tc.env[k] }
			c, err := LoadSlackApp(env)
			if err != nil {
				t.Fatal(err)
			}
			rc, err := LoadRemind(env, c)
			if err != nil {
				t.Fatal(err)
			}
			if rc.RemindCron != tc.remindCron || rc.DigestCron != tc.digestCron || rc.DigestChannel != tc.digestChannel || rc.TaskingChannel != tc.taskingChannel ||
				!slices.Equal(rc.Rules.Days, tc.days) || rc.Rules.EscalateAfter != tc.escalate || rc.Rules.StaleDays != tc.stale ||
				rc.Rules.Calendar.Division() != tc.division || rc.Console != tc.console || rc.Rules.Location.String() != "Europe/London" {
				t.Errorf("config: %+v (days %v, escalate %d, stale %d, division %s)", rc, rc.Rules.Days, rc.Rules.EscalateAfter, rc.Rules.StaleDays, rc.Rules.Calendar.Division())
			}
		})
	}
}

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
		env := map[string]string{"SLACK_SIGNING_SECRET": testSigningSecret, "SLACK_BOT_TOKEN": testBotToken, "ACTIONBOT_SLASH_COMMAND": tc.set}
		c, err := LoadSlack(func(k string) string { return env[k] })
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: err %v, want one naming %s", tc.set, err, tc.err)
			}
			continue
		}
		if err != nil || c.Command != tc.want {
			t.Errorf("%q: %v; want the command %q", tc.set, err, tc.want)
		}
	}
}

// ACTIONBOT_HTTP_MAX_REQUESTS and ACTIONBOT_HTTP_MAX_CONNS bound the HTTP
// door; they default to bot's defaults and refuse what is not a count.
func TestHTTPLimitSettings(t *testing.T) {
	base := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1-2-x", "SLACK_SIGNING_SECRET": "s"}
	load := func(extra map[string]string) (*Slack, error) {
		return LoadSlack(func(k string) string {
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
	if c.HTTP != (bot.HTTPLimits{MaxRequests: bot.DefaultMaxRequests, MaxConns: bot.DefaultMaxConns}) {
		t.Errorf("defaults %+v", c.HTTP)
	}
	c, err = load(map[string]string{"ACTIONBOT_HTTP_MAX_REQUESTS": " 8 ", "ACTIONBOT_HTTP_MAX_CONNS": "100"})
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTP != (bot.HTTPLimits{MaxRequests: 8, MaxConns: 100}) {
		t.Errorf("set: %+v", c.HTTP)
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

// The profiler is not authenticated: ACTIONBOT_PPROF_ADDR is refused at
// start unless it listens on loopback, or ACTIONBOT_PPROF_FORCE=1 says the
// operator means it (issue 24, 7: it accepted all interfaces).
func TestPprofAddrIsLoopbackOnlyUnlessForced(t *testing.T) {
	for _, tc := range []struct {
		addr, force string
		want        string // the address served, or
		wantErr     string
	}{
		{"", "", "", ""},
		{"127.0.0.1:6060", "", "127.0.0.1:6060", ""},
		{"127.0.0.2:6060", "", "127.0.0.2:6060", ""},
		{"[::1]:6060", "", "[::1]:6060", ""},
		{"localhost:6060", "", "localhost:6060", ""},
		{"LocalHost:6060", "", "LocalHost:6060", ""},
		{":6060", "", "", "listens on every interface"},
		{"0.0.0.0:6060", "", "", "listens on every interface"},
		{"[::]:6060", "", "", "listens on every interface"},
		{"10.0.0.5:6060", "", "", "is not a loopback address"},
		{"pprof.example.org:6060", "", "", "is not a loopback address"},
		{"6060", "", "", "host:port"},
		{"0.0.0.0:6060", "1", "0.0.0.0:6060", ""},
		{":6060", "true", ":6060", ""},
		{"10.0.0.5:6060", "0", "", "is not a loopback address"},
		{"10.0.0.5:6060", "please", "", "ACTIONBOT_PPROF_FORCE"},
	} {
		env := map[string]string{"ACTIONBOT_PPROF_ADDR": tc.addr, "ACTIONBOT_PPROF_FORCE": tc.force}
		got, err := LoadPprofAddr(func(k string) string { return env[k] })
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%q (force %q): %q, %v; want an error saying %q", tc.addr, tc.force, got, err, tc.wantErr)
			} else if !strings.Contains(err.Error(), "ACTIONBOT_PPROF_") {
				t.Errorf("%q: the error does not name the variable: %v", tc.addr, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q (force %q): %q, %v; want %q", tc.addr, tc.force, got, err, tc.want)
		}
	}
}

func TestQuarterlySettings(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		env     map[string]string
		channel string
		off     bool
		wantErr string
	}{
		{"defaults", nil, "", false, ""},
		{"the tasking channel", map[string]string{"ACTIONBOT_TASKING_CHANNEL": "C0123ABCDEF", "ACTIONBOT_DIGEST_CHANNEL": "C0999ZZZZZZ"}, "C0123ABCDEF", false, ""},
		{"else the digest channel", map[string]string{"ACTIONBOT_DIGEST_CHANNEL": "C0999ZZZZZZ", "ACTIONBOT_REPORT_DIR": dir}, "C0999ZZZZZZ", false, ""},
		{"off", map[string]string{"ACTIONBOT_QUARTERLY_CRON": "off"}, "", true, ""},
		{"a bad schedule", map[string]string{"ACTIONBOT_QUARTERLY_CRON": "every morning"}, "", false, `ACTIONBOT_QUARTERLY_CRON="every morning" is not a cron schedule like "30 8 * * *"`},
		{"a channel name", map[string]string{"ACTIONBOT_TASKING_CHANNEL": "tasking"}, "", false, `ACTIONBOT_TASKING_CHANNEL="tasking" is not a Slack channel ID`},
		{"no such directory", map[string]string{"ACTIONBOT_REPORT_DIR": dir + "/missing"}, "", false, "is not a directory the quarterly paper can be written to"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, sched, err := LoadQuarterly(func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || s.Channel != tc.channel || (sched == nil) != tc.off {
				t.Errorf("%+v, schedule %v, %v; want channel %q, off %v", s, sched, err, tc.channel, tc.off)
			}
		})
	}
}

func TestMailSettings(t *testing.T) {
	good := map[string]string{"ACTIONBOT_SMTP_URL": "smtps://bot:Pa55word-x@smtp.office365.com", "ACTIONBOT_MAIL_FROM": "actions@sevenoaks.gov.uk",
		"ACTIONBOT_PUBLIC_URL": "https://actions.sevenoaks.gov.uk/", "ACTIONBOT_LINK_SECRET": testLinkSecret, "ACTIONBOT_DIGEST_EMAIL": "a@b.org, c@d.org"}
	get := func(m map[string]string) Getenv { return func(k string) string { return m[k] } }
	c, err := LoadSlackApp(get(good))
	if err != nil {
		t.Fatal(err)
	}
	if c.Mail == nil || len(c.Mail.DigestEmail) != 2 || len(c.DigestEmail()) != 2 || !c.Mail.Server.ImplicitTLS || c.Mail.From != "actions@sevenoaks.gov.uk" {
		t.Errorf("mail %+v", c.Mail)
	}
	if c.Web == nil || c.Web.PublicURL != "https://actions.sevenoaks.gov.uk" || string(c.Web.Secret) != testLinkSecret {
		t.Errorf("the links' settings: %+v", c.Web)
	}
	if c, err := LoadSlackApp(get(map[string]string{})); err != nil || c.Mail != nil {
		t.Errorf("no mail settings: %v, %v", c, err)
	}
	noLinks := map[string]string{"ACTIONBOT_SMTP_URL": good["ACTIONBOT_SMTP_URL"], "ACTIONBOT_MAIL_FROM": good["ACTIONBOT_MAIL_FROM"]}
	if _, err := LoadSlackApp(get(noLinks)); err == nil || !strings.Contains(err.Error(), "needs ACTIONBOT_PUBLIC_URL and ACTIONBOT_LINK_SECRET") {
		t.Errorf("e-mail without links: %v", err)
	}
	for name, bad := range map[string]struct{ key, value, says string }{
		"short secret":  {"ACTIONBOT_LINK_SECRET", "too-short", "ACTIONBOT_LINK_SECRET"},
		"no server":     {"ACTIONBOT_SMTP_URL", "", "ACTIONBOT_SMTP_URL is not set"},
		"no from":       {"ACTIONBOT_MAIL_FROM", "", "ACTIONBOT_MAIL_FROM is empty"},
		"bad scheme":    {"ACTIONBOT_SMTP_URL", "imap://bot:Pa55word-x@mail.example.org", "must start smtp://"},
		"bad port":      {"ACTIONBOT_SMTP_URL", "smtp://bot:Pa55word-x@mail.example.org:70000", "is not a port number"},
		"bad url":       {"ACTIONBOT_SMTP_URL", "smtp://bot:Pa55word-x@mail.example.org:x/%zz", "ACTIONBOT_SMTP_URL"},
		"bad from":      {"ACTIONBOT_MAIL_FROM", "actions", "ACTIONBOT_MAIL_FROM"},
		"bad digest to": {"ACTIONBOT_DIGEST_EMAIL", "tasking@", "ACTIONBOT_DIGEST_EMAIL"},
	} {
		env := map[string]string{}
		for k, v := range good {
			env[k] = v
		}
		env[bad.key] = bad.value
		_, err := LoadSlackApp(get(env))
		if err == nil || !strings.Contains(err.Error(), bad.says) {
			t.Errorf("%s: %v; want %q", name, err, bad.says)
			continue
		}
		if strings.Contains(err.Error(), "Pa55word") || strings.Contains(err.Error(), testLinkSecret) {
			t.Errorf("%s: the error shows a secret: %v", name, err)
		}
	}
}
