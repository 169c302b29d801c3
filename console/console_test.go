package console_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/console"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// mustRun runs a console session over the lines, as UCONSOLE (a
// coordinator) in CCONSOLE, on the shipped plan, and returns what it printed.
func mustRun(tb testing.TB, lines ...string) string {
	tb.Helper()
	clock := storetest.NewClock(time.Date(2012, time.June, 1, 10, 0, 0, 0, storetest.London))
	db := storetest.MustOpen(tb, clock)
	db.ConfiguredCoordinators = []string{"UCONSOLE"} // coordinators by the wiring's word
	var out bytes.Buffer
	c := &console.Console{
		Handler: &commands.Handler{Store: db, Now: clock.Now, Location: storetest.London},
		In:      strings.NewReader(strings.Join(lines, "\n") + "\n"),
		Out:     &out,
		User:    "UCONSOLE",
		Channel: "CCONSOLE",
	}
	if err := c.Run(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return out.String()
}

func TestTheConsoleDocumentsItself(t *testing.T) {
	out := mustRun(t, "/help")
	for _, want := range []string{"/action <command>", "/action help", "/as <user>", "/in <channel>", "/help", "/quit"} {
		if !strings.Contains(out, want) {
			t.Errorf("/help does not list %q:\n%s", want, out)
		}
	}
	if out := mustRun(t, "/nosuch"); !strings.Contains(out, "/help lists the console's commands") {
		t.Errorf("an unknown console command does not point to /help:\n%s", out)
	}
}

// The console has no @: a bare ID, or one typed after @ or #, works wherever
// Slack takes a mention.
func TestTheConsoleTakesBareIDsForMentions(t *testing.T) {
	tests := []struct {
		line, want string
	}{
		{"/action admin member add UOUT CSU", "Added @UOUT to CSU"},
		{"/action admin member add @UOUT CSU", "Added @UOUT to CSU"},
		{"/action admin coordinator add @UCOORD2", "@UCOORD2"},
		{"/action admin channel 5 #CTASK", "#CTASK"},
		{"/action admin channel 5 CTASK", "#CTASK"},
		{"/as @UOUT", "You are now UOUT."},
		{"/in #CTASK", "You are now in #CTASK."},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			out := mustRun(t, tt.line)
			if !strings.Contains(out, tt.want) || strings.Contains(out, "⚠️") {
				t.Fatalf("%q printed:\n%s\nwant %q", tt.line, out, tt.want)
			}
		})
	}
}

// A shared reply is marked as posted to the channel; a private one is not.
func TestSharedRepliesAreMarkedAsPostedToTheChannel(t *testing.T) {
	const mark = "── shared: posted to #CCONSOLE for everyone in it ──"
	shared := mustRun(t, "/action share 5.2")
	if !strings.HasPrefix(shared, mark+"\n5.2 Promote Speedwatch") {
		t.Errorf("a shared card is not marked:\n%s", shared)
	}
	if private := mustRun(t, "/action 5.2"); strings.Contains(private, "shared") {
		t.Errorf("a private reply is marked shared:\n%s", private)
	}
}

// docs/console.md lists every console command /help does.
func TestDocsListTheConsoleCommands(t *testing.T) {
	b, err := os.ReadFile("../docs/console.md")
	if err != nil {
		t.Fatal(err)
	}
	section := string(b)
	help := mustRun(t, "/help")
	for _, cmd := range []string{"/action <command>", "/as <user>", "/in <channel>", "/help", "/quit"} {
		if !strings.Contains(help, cmd) || !strings.Contains(section, "`"+cmd+"`") {
			t.Errorf("%q is not in both /help and docs/console.md", cmd)
		}
	}
}
