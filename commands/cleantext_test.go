package commands_test

import (
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
)

// hostile is a partner's note from the issue, with a NUL and the
// right-to-left override added: it must reach the database clean.
const hostile = "\x1b[2J\x1b[H FAKE LINE \x1b]8;;http://evil\x07 cones\x00 at \u202eA21\u202c\u2066 junction\u2069"

// mustBeClean fails when text holds a byte below 0x20 other than newline
// and tab, a C1 control, or a bidi embedding, override or isolate.
func mustBeClean(tb testing.TB, where, text string) {
	tb.Helper()
	if text == "" {
		tb.Fatalf("%s: nothing stored", where)
	}
	for _, r := range text {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || r >= 0x80 && r <= 0x9f ||
			r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
			tb.Fatalf("%s holds %U: %q", where, r, text)
		}
	}
	if !strings.Contains(text, "FAKE LINE") || !strings.Contains(text, "cones at A21 junction") {
		tb.Fatalf("%s lost the words: %q", where, text)
	}
}

func TestSlashCommandTextIsCleanedBeforeItIsStored(t *testing.T) {
	for _, tc := range []struct{ verb, command string }{
		{"a note", "5.2 note "},
		{"a blocked reason", "5.2 blocked "},
		{"done with evidence", "5.2 done "},
		{"an at-risk reason", "5.2 at risk "},
	} {
		t.Run(tc.verb, func(t *testing.T) {
			f := mustFixture(t)
			mustContain(t, f.run(csuUser, tc.command+hostile), "✅")
			mustBeClean(t, "the stored note", f.action(t, "5.2").LastUpdate.Note)
			h, err := f.db.History(ctx, f.plan.ID, "5.2", 10)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range h {
				mustBeClean(t, "the audit entry", e.Note)
			}
		})
	}
}

func TestFormStepsAreCleanedBeforeTheyAreStored(t *testing.T) {
	f := mustFixture(t)
	// The Slack form builds its steps without Parse; the handler cleans them.
	req := commands.Request{UserID: csuUser, ChannelID: "C1"}
	if _, err := f.h.Do(ctx, req, []*commands.Command{
		{Verb: actionbot.VerbProgress, Ref: "5.2", Progress: 30},
		{Verb: actionbot.VerbBlocked, Ref: "5.2", Text: hostile},
	}...); err != nil {
		t.Fatal(err)
	}
	mustBeClean(t, "the form's reason", f.action(t, "5.2").LastUpdate.Note)
	// The form checks its note field first, with the same rules.
	if err := f.h.CheckText("resident at TN13\x00 1HG"); err == nil {
		t.Fatal("a postcode split by a NUL passed the form's check")
	}
}

func TestMeasureSourceIsCleanedBeforeItIsStored(t *testing.T) {
	f := mustRepFixture(t)
	f.mustSay(t, repAt(2012, 9, 30, 12), repCoordinator, "measure 3 1 -2.5 "+hostile)
	vs, err := f.db.LatestMeasureValues(ctx, f.plan.ID, actionbot.D(2012, 9, 30))
	if err != nil {
		t.Fatal(err)
	}
	v := vs["3.1"]
	if v == nil {
		t.Fatalf("no figure stored for 3.1: %v", vs)
	}
	mustBeClean(t, "the measure's source", v.Source)
}
