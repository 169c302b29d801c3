package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/store"
)

// stored is personal data that got past the guard (a name without a
// title, as officers write): stored through the store, so that the test
// holds whatever the guard learns to catch.
const stored = "spoke to Kai Reynolds (16) and his mum about the damage at the skate park"

// storeNote adds a note to ref as user straight through the store.
func storeNote(t *testing.T, db *store.DB, planID int64, ref, user string, op actionbot.Op) {
	t.Helper()
	if _, _, err := db.UpdateAction(context.Background(), planID, ref, func(a *actionbot.Action) (*actionbot.AuditEntry, error) {
		return a.Apply(op, user, db.Now())
	}, nil); err != nil {
		t.Fatal(err)
	}
}

func TestACoordinatorRedactsANoteByItsNumberInTheHistory(t *testing.T) {
	f := mustFixture(t)
	mustContain(t, f.run(csuUser, "5.2 note volunteers briefed"), "Note added to 5.2.")
	f.clock.Advance(time.Hour)
	storeNote(t, f.db, f.plan.ID, "5.2", csuUser, actionbot.Op{Verb: actionbot.VerbProgress, Progress: 30, Note: stored})
	f.clock.Advance(time.Hour)
	mustContain(t, f.run(csuUser, "5.2 progress 40"), "5.2 is now at 40%.")
	f.clock.Advance(time.Hour)
	mustContain(t, f.run(csuUser, "5.2 note kit ordered"), "Note added to 5.2.")

	// The history numbers the notes, oldest first; a change without a note
	// has no number.
	h := plain(f.run(coord, "5.2 history"))
	for _, want := range []string{"“volunteers briefed” · note 1", "“" + stored + "” · note 2", "“kit ordered” · note 3"} {
		if !strings.Contains(h, want) {
			t.Fatalf("history lacks %q:\n%s", want, h)
		}
	}
	before := f.audits(t, "5.2")

	// A lead is refused, kindly, and nothing changes.
	m := f.run(csuUser, "5.2 redact note 2")
	mustContain(t, m, "🔒", "Only a coordinator can redact a note", "ask a coordinator (@UCOORD)")
	if h2 := plain(f.run(coord, "5.2 history")); !strings.Contains(h2, stored) {
		t.Fatalf("a lead's refused redaction changed the history:\n%s", h2)
	}

	f.clock.Set(time.Date(2026, 12, 6, 14, 30, 0, 0, time.UTC))
	m = f.run(coord, "5.2 redact note 2")
	mustContain(t, m, "✅ Note 2 of 5.2 is redacted", "[redacted by @UCOORD on 6 Dec 2026]")
	if strings.Contains(plain(m), "Kai") {
		t.Errorf("the confirmation repeats the text: %s", plain(m))
	}
	h = plain(f.run(outsider, "5.2 history"))
	if strings.Contains(h, "Kai") || !strings.Contains(h, "progress 0% → 30%: “[redacted by @UCOORD on 6 Dec 2026]” · note 2") ||
		!strings.Contains(h, "“kit ordered” · note 3") {
		t.Errorf("history after:\n%s", h)
	}
	if n := f.audits(t, "5.2"); n != before {
		t.Errorf("the redaction added %d audit entries to 5.2: it is in the admin audit", n-before)
	}
	if a := f.action(t, "5.2"); a.Progress != 40 {
		t.Errorf("the redaction changed the progress: %d%%", a.Progress)
	}

	// Bad input: each says what to do, and changes nothing.
	for _, tc := range []struct{ text, want string }{
		{"5.2 redact note 2", "Note 2 of 5.2 is already redacted"},
		{"5.2 redact note 7", "There is no note 7: 5.2 has 3 notes; say /action 5.2 history to see them"},
		{"4.2 redact note 1", "4.2 has no notes"},
		{"4.4 redact note 1", "No action 4.4 — did you mean"},
		{"5.2 redact note", "/action 5.2 redact note N removes the text"},
		{"5.2 redact note two", "/action 5.2 redact note N removes the text"},
		{"5.2 redact note 0", "Notes are numbered from 1"},
	} {
		mustContain(t, f.run(coord, tc.text), tc.want)
	}
	// The verb first, and the note's number alone, read the same.
	mustContain(t, f.run(coord, "redact 5.2 note 3"), "✅ Note 3 of 5.2 is redacted")
	mustContain(t, f.run(coord, "5.2 redact 1"), "✅ Note 1 of 5.2 is redacted")
}

func TestRedactReachesThePlansOwnIds(t *testing.T) {
	h := mustOwnIDsHandler(t)
	run := func(user, text string) actionbot.Message {
		return h.Handle(context.Background(), commands.Request{UserID: user, ChannelID: "C1", Text: text})
	}
	mustContain(t, run("UCOORD1", "1a note first"), "Note added to 1a.")
	mustContain(t, run("UCOORD1", "1a note second, naming someone"), "Note added to 1a.")
	mustContain(t, run("UCOORD1", "1a redact note 2"), "✅ Note 2 of 1a is redacted")
	mustContain(t, run("UCOORD1", "DAB 1 redact note 1"), "DAB 1 has no notes")
	if hist := plain(run("UCOORD1", "1a history")); strings.Contains(hist, "naming someone") || !strings.Contains(hist, "“first” · note 1") {
		t.Errorf("history:\n%s", hist)
	}
}

func TestRedactIsInTheHelp(t *testing.T) {
	f := mustFixture(t)
	mustContain(t, f.run(outsider, "help"), "/action 5.2 redact note <n>")
	mustContain(t, f.run(outsider, "help redact"), "Coordinators remove personal data", "/action 5.2 redact note 2")
}
