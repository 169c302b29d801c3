package bot

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot/commands"
)

func TestPlainTextTurnsSlackMentionsIntoPlainIDs(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"a person, with the name Slack adds", "admin member add <@U0123ABCD|sam> CSU", "admin member add @U0123ABCD CSU"},
		{"a person, without a name", "admin coordinator add <@W42>", "admin coordinator add @W42"},
		{"a channel", "admin channel 5 <#C0SPEED|speeding>", "admin channel 5 #C0SPEED"},
		{"a channel, without a name", "<#C123>", "#C123"},
		{"escapes undone", "list agency T&amp;CG", "list agency T&CG"},
		{"a mention typed out by hand", "&lt;@W9&gt;", "@W9"},
		{"an escaped escape stays one", "5.2 note &amp;lt; is less-than", "5.2 note &lt; is less-than"},
		{"several", "<@U1|a> and <@U2> in <#C3|x>", "@U1 and @U2 in #C3"},
		{"a broadcast is left for the renderer to escape", "5.2 note <!channel> and <!here>", "5.2 note <!channel> and <!here>"},
		{"a domain typed bare is what was typed", "5.3 note guidance on <http://gov.uk|gov.uk>", "5.3 note guidance on gov.uk"},
		{"an address pasted is the address", "5.3 note see <https://www.kent.police.uk/speedwatch> for details", "5.3 note see https://www.kent.police.uk/speedwatch for details"},
		{"a labelled link keeps label and address", "5.3 note <https://x.example/a?b=1|the Speedwatch page>", "5.3 note the Speedwatch page (https://x.example/a?b=1)"},
		{"a link whose label hides another address shows both", "5.3 note <http://evil.example|gov.uk>", "5.3 note gov.uk (http://evil.example)"},
		{"an e-mail address typed is what was typed", "5.3 note ask <mailto:team@kent.example|team@kent.example>", "5.3 note ask team@kent.example"},
		{"a user group is its name", "5.3 note cc <!subteam^S123|@roads>", "5.3 note cc @roads"},
		{"a link to something else is left", "5.3 note <ftp://x.example|x>", "5.3 note <ftp://x.example|x>"},
		{"an empty mention is left", "<@>", "<@>"},
		{"a bracket that opens nothing", "5.2 note a < b <@U1>", "5.2 note a < b @U1"},
		{"an unclosed bracket", "5.2 note <@U1", "5.2 note <@U1"},
		{"plain text untouched", "5.2 progress 60 two schemes", "5.2 progress 60 two schemes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := PlainText(tc.in); got != tc.want {
				t.Errorf("PlainText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// What Slack sends parses as the plain form would: these cases were the
// commands' own until Slack's text format moved to bot.
func TestSlackTextParsesAsItsPlainForm(t *testing.T) {
	tests := []struct {
		name, in string
		check    func(*commands.Command) bool
	}{
		{"list slack-escaped ampersand", "list agency T&amp;CG", func(c *commands.Command) bool { return c.Filter.Agency == "T&CG" }},
		{"admin member add mention", "admin member add <@U123ABC|jo> CSU", func(c *commands.Command) bool {
			return c.Admin.Op == commands.AdminMemberAdd && c.Admin.User == "U123ABC" && c.Admin.Agency == "CSU"
		}},
		{"admin member add slack-escaped", "admin member add &lt;@U123ABC&gt; Kent Police", func(c *commands.Command) bool {
			return c.Admin.User == "U123ABC" && c.Admin.Agency == "Kent Police"
		}},
		{"admin coordinator add", "admin coordinator add <@W42>", func(c *commands.Command) bool {
			return c.Admin.Op == commands.AdminCoordinatorAdd && c.Admin.User == "W42"
		}},
		{"admin channel", "admin channel 5 <#C0SPEED|speeding>", func(c *commands.Command) bool {
			return c.Admin.Op == commands.AdminChannel && c.Admin.Priority == 5 && c.Admin.Channel == "C0SPEED"
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := commands.Parse(PlainText(tc.in))
			if err != nil {
				t.Fatalf("Parse(PlainText(%q)): %v", tc.in, err)
			}
			if !tc.check(c) {
				t.Errorf("Parse(PlainText(%q)) = %+v (admin %+v)", tc.in, c, c.Admin)
			}
		})
	}
	users := map[string]string{"<@U123|jo>": "U123", "<@U123>": "U123", "&lt;@W9&gt;": "W9"}
	for in, want := range users {
		if got, ok := commands.ParseUser(PlainText(in)); !ok || got != want {
			t.Errorf("ParseUser(PlainText(%q)) = %q, %v", in, got, ok)
		}
	}
	for _, bad := range []string{"<#C1>", "<@>"} {
		if got, ok := commands.ParseUser(PlainText(bad)); ok {
			t.Errorf("ParseUser(PlainText(%q)) = %q, want not ok", bad, got)
		}
	}
	chans := map[string]string{"<#C123|general>": "C123", "<#C123>": "C123"}
	for in, want := range chans {
		if got, ok := commands.ParseChannel(PlainText(in)); !ok || got != want {
			t.Errorf("ParseChannel(PlainText(%q)) = %q, %v", in, got, ok)
		}
	}
}

// A coordinator registers someone by mentioning them in the slash command:
// Slack sends the mention in its own syntax, and the person is registered
// under their id alone.
func TestSlashCommandWithAMentionRegistersThePerson(t *testing.T) {
	e := mustEnv(t)
	const sam = "U0123ABCD"
	status, body := e.signed(t, "/slack/commands", formType, e.slashForm(uCoord, "admin member add <@"+sam+"|sam> CSU", "r1"), nil)
	if status != http.StatusOK || len(body) != 0 {
		t.Fatalf("ack: %d %q; want an empty 200", status, body)
	}
	text := blocksText(e.slack.Wait(t, "response:r1", 1)[0].JSON["blocks"])
	if !strings.Contains(text, "Added <@"+sam+"> to CSU") {
		t.Errorf("the reply does not confirm the registration:\n%s", text)
	}
	ags, err := e.db.MemberAgencies(context.Background(), sam)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ags, []string{"CSU"}) {
		t.Errorf("%s is registered with %v, want [CSU]", sam, ags)
	}
}
