package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

var ctx = context.Background()

// Users of the tests: a CSU officer, a police officer, a DVLA officer (a
// partner on 5.2), someone registered with no agency, and a coordinator
// named by configuration.
const (
	csuUser    = "UCSU"
	policeUser = "UPOLICE"
	dvlaUser   = "UDVLA"
	outsider   = "UOUT"
	coord      = "UCOORD"
)

type fixture struct {
	db    *store.DB
	clock *storetest.Clock
	h     *commands.Handler
	plan  *actionbot.Plan
}

// June1 is a Friday morning in the first quarter of the plan year.
var June1 = time.Date(2012, time.June, 1, 10, 0, 0, 0, storetest.London)

func mustFixture(tb testing.TB) *fixture {
	tb.Helper()
	clock := storetest.NewClock(June1)
	db := storetest.MustOpen(tb, clock)
	db.ConfiguredCoordinators = []string{coord} // coordinators by the wiring's word
	for user, agency := range map[string]string{csuUser: "CSU", policeUser: "POLICE", dvlaUser: "DVLA"} {
		if err := db.AddMember(ctx, user, agency, coord); err != nil {
			tb.Fatal(err)
		}
	}
	p, err := db.CurrentPlan(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	return &fixture{db: db, clock: clock, plan: p, h: &commands.Handler{
		Store: db, Now: clock.Now, Location: storetest.London,
	}}
}

func (f *fixture) run(user, text string) actionbot.Message {
	return f.h.Handle(ctx, commands.Request{UserID: user, ChannelID: "C1", Text: text})
}

func (f *fixture) audits(tb testing.TB, ref string) int {
	tb.Helper()
	n, err := f.db.AuditCount(ctx, f.plan.ID, ref)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func (f *fixture) action(tb testing.TB, ref string) *actionbot.Action {
	tb.Helper()
	a, err := f.db.FindAction(ctx, f.plan.ID, ref)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

// plain flattens a message to text, as a reader would see it.
func plain(m actionbot.Message) string {
	var b strings.Builder
	for _, bl := range m.Blocks {
		b.WriteString(bl.Text.Plain() + "\n")
		for _, fl := range bl.Fields {
			b.WriteString(fl.Label + ": " + fl.Value.Plain() + "\n")
		}
		for _, btn := range bl.Buttons {
			b.WriteString("[" + btn.Label + "]\n")
		}
	}
	return b.String()
}

func mustContain(tb testing.TB, m actionbot.Message, wants ...string) {
	tb.Helper()
	text := plain(m)
	for _, w := range wants {
		if !strings.Contains(text, w) {
			tb.Errorf("reply does not contain %q:\n%s", w, text)
		}
	}
}

func TestCardShowsTheActionAsThePlanHasIt(t *testing.T) {
	f := mustFixture(t)
	m := f.run(outsider, "5.2")
	mustContain(t, m, "5.2 Promote Speedwatch across the District including training for volunteers",
		"Lead: Kent Police (POLICE) – Training, Community Safety Unit (CSU) – Promotion/Volunteers",
		"Partners: DVLA", "Deadline: March 2012 (31 Mar 2012) — 62 days overdue", "Funding: Existing resources",
		"Status: open · 0%", "RAG: 🔴 Red", "No updates yet.", "[Mark done]", "[Update progress]",
		"Priority 5: Speeding vehicles including road safety")
	if m.Public {
		t.Error("a card is private unless shared")
	}
	if !f.run(outsider, "share 5.2").Public {
		t.Error("a shared card is public")
	}
	mustContain(t, f.run(outsider, "#1.1"), "Deadline: Ongoing", "RAG: 🟠 Amber — ongoing", "61 days")
	mustContain(t, f.run(outsider, "7.5"), "Needs review", "mid-sentence")
	mustContain(t, f.run(outsider, "2.6"), "June 2013 (30 Jun 2013) — due in 394 days")
}

func TestUnknownIDSuggestsNearest(t *testing.T) {
	f := mustFixture(t)
	tests := map[string]string{
		"4.4": "No action 4.4 — did you mean 4.3 or 4.5?",
		"5.9": "No action 5.9 — did you mean 5.7 or 5.6?",
		"9.1": "No action 9.1 — did you mean 7.1 or 6.1?",
	}
	for in, want := range tests {
		for _, text := range []string{in, in + " done", in + " history"} {
			if got := plain(f.run(coord, text)); !strings.Contains(got, want) {
				t.Errorf("%q: %q, want %q", text, got, want)
			}
		}
	}
}

// An action number typed without its dot, as thumbs do on a phone
// ("/action 52 done"), is offered the plan's action with those digits; it
// was answered "I don't know "52"", as if it were a verb.
func TestAnActionNumberWithoutItsDotSuggestsTheAction(t *testing.T) {
	f := mustFixture(t)
	tests := map[string]string{
		"52 done":       "No action 52 — did you mean 5.2?",
		"11":            "No action 11 — did you mean 1.1?",
		"74 note x":     "No action 74 — did you mean 7.4?",
		"99 done":       `I don't know "99"`,
		"52 progress 5": "No action 52 — did you mean 5.2?",
	}
	for text, want := range tests {
		if got := plain(f.run(coord, text)); !strings.Contains(got, want) {
			t.Errorf("%q: %q, want %q", text, got, want)
		}
	}
	if a := f.action(t, "5.2"); a.Status != "open" {
		t.Errorf("5.2 changed by a refused command: %s", a.Status)
	}
}

func TestPermissions(t *testing.T) {
	tests := []struct {
		name    string
		user    string
		text    string
		allowed bool
	}{
		{"lead member marks done", csuUser, "5.2 done", true},
		{"other lead member", policeUser, "5.2 progress 40", true},
		{"partner cannot change status", dvlaUser, "5.2 done", false},
		{"partner cannot move deadline", dvlaUser, "5.2 due June 2013 late", false},
		{"partner can add a note", dvlaUser, "5.2 note data request sent", true},
		{"outsider cannot add a note", outsider, "5.2 note hello", false},
		{"outsider cannot snooze", outsider, "5.2 snooze", false},
		{"coordinator can do anything", coord, "5.2 blocked vetting", true},
		{"all partners means every agency may note", policeUser, "3.3 note tweeted", true},
		{"all partners does not make them lead", policeUser, "3.3 done", false},
		{"no agency is not a partner of all partners", outsider, "3.3 note x", false},
		{"not lead elsewhere", csuUser, "7.6 at-risk x", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := mustFixture(t)
			ref := strings.Fields(tc.text)[0]
			before := f.audits(t, ref)
			m := f.run(tc.user, tc.text)
			after := f.audits(t, ref)
			if tc.allowed {
				if after != before+1 || !strings.HasPrefix(plain(m), "✅") {
					t.Fatalf("allowed change: audits %d→%d, reply %s", before, after, plain(m))
				}
				return
			}
			if after != before {
				t.Fatalf("refused change wrote %d audit entries", after-before)
			}
			mustContain(t, m, "🔒 Only", "or a coordinator can", "@"+coord)
		})
	}
}

func TestRefusalNamesWhoCan(t *testing.T) {
	f := mustFixture(t)
	mustContain(t, f.run(dvlaUser, "5.2 done"), "Only members of Kent Police (POLICE) and Community Safety Unit (CSU), the lead agencies, or a coordinator can mark 5.2 done. You are registered with DVLA.")
	mustContain(t, f.run(outsider, "5.2 note x"), "Only members of the lead and partner agencies or a coordinator can add notes to 5.2. You are not registered with any agency yet.")
	mustContain(t, f.run(dvlaUser, "6.5 done"), "members of CRI (substance misuse charity commissioned by KDAAT), the lead agency,")
}

func TestEveryVerbChangesAndAudits(t *testing.T) {
	f := mustFixture(t)
	steps := []struct {
		text  string
		reply string
		check func(a *actionbot.Action) bool
	}{
		{"5.2 progress 40 volunteers recruited", "5.2 is now at 40%.", func(a *actionbot.Action) bool { return a.Progress == 40 }},
		{"5.2 60%", "5.2 is now at 60%.", func(a *actionbot.Action) bool { return a.Progress == 60 }},
		{"5.2 at-risk trainer off sick", "5.2 is flagged at risk.", func(a *actionbot.Action) bool {
			return a.Status == actionbot.StatusAtRisk && a.Reason == "trainer off sick"
		}},
		{"5.2 blocked no trainer", "5.2 is marked blocked.", func(a *actionbot.Action) bool { return a.Status == actionbot.StatusBlocked }},
		{"5.2 unblock new trainer", "5.2 is unblocked; it is now 🔴 Red — 62 days overdue.", func(a *actionbot.Action) bool { return a.Status == actionbot.StatusOpen && a.Reason == "" }},
		{"5.2 due June 2013 volunteers recruited late", "5.2 is now due June 2013 (30 Jun 2013) (the plan said March 2012 (31 Mar 2012)); it is now 🟢 Green — on schedule.", func(a *actionbot.Action) bool {
			return a.Deadline.Due == actionbot.D(2013, 6, 30) && a.Original.Written == "March 2012"
		}},
		{"5.2 note DVLA data received", "Note added to 5.2.", func(a *actionbot.Action) bool { return true }},
		{"5.2 snooze 14", "Reminders for 5.2 are snoozed until Fri 15 Jun 2012.", func(a *actionbot.Action) bool { return a.SnoozedUntil.Equal(f.clock.Now().Add(14 * 24 * time.Hour)) }},
		{"5.2 done 14 volunteers trained", "5.2 is marked done.", func(a *actionbot.Action) bool { return a.Status == actionbot.StatusDone && a.Progress == 100 }},
		// Reopened where it stood before it was done (issue 23).
		{"5.2 reopen second round agreed", "5.2 is reopened at 60%; it is now 🟢 Green — on schedule.", func(a *actionbot.Action) bool { return a.Status == actionbot.StatusOpen && a.Progress == 60 }},
	}
	for i, s := range steps {
		f.clock.Advance(time.Minute)
		m := f.run(csuUser, s.text)
		mustContain(t, m, s.reply)
		if !s.check(f.action(t, "5.2")) {
			t.Fatalf("after %q: %+v", s.text, f.action(t, "5.2"))
		}
		if n := f.audits(t, "5.2"); n != i+1 {
			t.Fatalf("after %q: %d audit entries, want %d", s.text, n, i+1)
		}
	}
	card := f.run(outsider, "5.2")
	mustContain(t, card, "June 2013 (30 Jun 2013) — due in 394 days (moved from March 2012 (31 Mar 2012))",
		"Latest: @"+csuUser, "status done → open", "“second round agreed”")
	hist := plain(f.run(outsider, "5.2 history"))
	if strings.Index(hist, "second round agreed") > strings.Index(hist, "volunteers recruited") {
		t.Errorf("history is not newest first:\n%s", hist)
	}
	if got := strings.Count(hist, "@"+csuUser); got != len(steps) {
		t.Errorf("history shows %d entries by the officer, want %d", got, len(steps))
	}
}

// A deadline moved outside the plan's year, most often a slip of the
// keyboard, is made and warned of: before it, the action is long overdue;
// after it, no reminder will come for it.
func TestADeadlineMovedOutsideThePlanYearIsWarnedOf(t *testing.T) {
	f := mustFixture(t)
	tests := []struct {
		text, want, not string
	}{
		{"5.7 due 2012-01-01 slipped back", "That is before this plan's year began (1 Apr 2012)", "after this plan's year"},
		{"5.6 due June 2013 agreed at board", "That is after this plan's year ends (31 Mar 2013): reminders stop at the year end", "before this plan's year"},
		{"5.3 due Feb 2013 slipped", "5.3 is now due Feb 2013", "⚠️"},
		{"5.4 due ongoing now rolling work", "5.4 is now", "⚠️"},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			m := plain(f.run(coord, tc.text))
			if !strings.Contains(m, tc.want) || strings.Contains(m, tc.not) {
				t.Errorf("%q:\n%s\nwant %q, not %q", tc.text, m, tc.want, tc.not)
			}
		})
	}
}

// "unblock" clears an at-risk flag too, and says so in those words.
func TestUnblockingAnAtRiskActionSaysTheRiskIsCleared(t *testing.T) {
	f := mustFixture(t)
	f.run(csuUser, "5.2 at-risk trainer off sick")
	mustContain(t, f.run(csuUser, "5.2 unblock trainer back"), "5.2 is no longer at risk; it is now")
	f.run(csuUser, "5.2 blocked no venue")
	mustContain(t, f.run(csuUser, "5.2 unblock venue found"), "5.2 is unblocked; it is now")
}

func TestRepeatingAChangeWritesNothing(t *testing.T) {
	f := mustFixture(t)
	tests := []struct{ setup, repeat, want string }{
		{"5.2 done", "5.2 done", "5.2 is already done. Nothing was changed."},
		{"5.1 progress 50", "5.1 progress 50%", "5.1 is already at 50%. Nothing was changed."},
		{"5.3 blocked vetting", "5.3 blocked vetting", "already blocked for that reason"},
		{"", "5.4 unblock", "5.4 is not blocked or at risk"},
		{"", "5.5 reopen because", "5.5 is not done, so there is nothing to reopen"},
		{"", "5.6 due March 2013 because", "5.6 is already due March 2013"},
	}
	for _, tc := range tests {
		if tc.setup != "" {
			f.run(coord, tc.setup)
		}
		ref := strings.Fields(tc.repeat)[0]
		before := f.audits(t, ref)
		m := f.run(coord, tc.repeat)
		mustContain(t, m, "ℹ️", tc.want)
		if f.audits(t, ref) != before {
			t.Errorf("%q wrote an audit entry", tc.repeat)
		}
	}
	mustContain(t, f.run(coord, "5.2 progress 20"), "5.2 is done, so it cannot be given progress. Reopen it first")
}

func TestUserTextIsKeptAsPlainText(t *testing.T) {
	f := mustFixture(t)
	note := "ping <!channel> see <https://evil.example|docs> & *bold* `code` <@U999>"
	m := f.run(csuUser, "5.2 note "+note)
	if !strings.HasPrefix(plain(m), "✅") {
		t.Fatalf("reply %s", plain(m))
	}
	a := f.action(t, "5.2")
	if a.LastUpdate.Note != note {
		t.Fatalf("stored note %q, want it verbatim", a.LastUpdate.Note)
	}
	for _, reply := range []actionbot.Message{m, f.run(outsider, "5.2"), f.run(outsider, "5.2 history")} {
		found := false
		for _, bl := range reply.Blocks {
			for _, sp := range bl.Text {
				if strings.Contains(sp.Text, "<!channel>") {
					found = true
					if sp.User != "" || sp.Channel != "" || sp.URL != "" {
						t.Fatalf("user text carried as a mention or link: %+v", sp)
					}
				}
				if sp.User == "U999" {
					t.Fatalf("a mention typed in a note became a real mention: %+v", bl.Text)
				}
			}
		}
		if !found {
			t.Fatalf("note not shown in %s", plain(reply))
		}
	}
}

func TestLongAndOddTexts(t *testing.T) {
	f := mustFixture(t)
	long := strings.Repeat("a", actionbot.MaxNoteLength+1)
	mustContain(t, f.run(csuUser, "5.2 note "+long), "2001 characters long; the limit is 2000")
	// What was typed is given back, whole, to shorten: in Slack it is gone
	// from the message box once sent.
	longer := strings.Repeat("partnership work ", 300) // 5,100 characters
	m := f.run(csuUser, "5.2 note "+longer)
	mustContain(t, m, "Here is your text, to shorten and send again:")
	var echoed strings.Builder
	for _, b := range m.Blocks[2:] {
		echoed.WriteString(b.Text.Plain())
	}
	if echoed.String() != strings.TrimSpace(longer) {
		t.Errorf("the text given back is %d characters, want the %d typed", len(echoed.String()), len(strings.TrimSpace(longer)))
	}
	if f.audits(t, "5.2") != 0 {
		t.Fatal("a refused note was stored")
	}
	rtl := "Agreed \u202eto\u202c roll out; control\x07char"
	mustContain(t, f.run(csuUser, "5.2 note "+rtl), "Note added")
	if got, want := f.action(t, "5.2").LastUpdate.Note, "Agreed to roll out; controlchar"; got != want {
		t.Fatalf("note %q, want %q: the bidi override and BEL removed", got, want)
	}
}

func TestPersonalDataIsRefused(t *testing.T) {
	tests := []struct {
		note string
		kind string // "" when the note is fine
	}{
		{"resident at TN13 1GP complained", "a UK postcode"},
		{"call them on 01732 227000", "a phone number"},
		{"mobile 07700 900123", "a phone number"},
		{"ring +44 7700 900123", "a phone number"},
		{"email jo.bloggs@example.org", "an e-mail address"},
		{"Slack link <mailto:jo@example.org|jo@example.org>", "an e-mail address"},
		{"NI QQ 12 34 56 C", "a National Insurance number"},
		{"DOB 12/03/1980", "a date of birth"},
		{"born on 3 March 1990", "a date of birth"},
		{"spoke to Mr Smith", "a person's name"},
		{"visited 12 Swanley Road", "a street address"},
		// A date of birth needs a cue: the plan's own dates are not one,
		// however long ago.
		{"seen 12/03/1979 at the park", ""},
		{"baseline 31/03/2010, data since 01/04/2005", ""},
		{"meeting on 12/06/2012 agreed the route", ""},
		{"A21 closure delayed the event", ""},
		{"9 out of 12 cameras deployed, 75%", ""},
		{"Met 14 volunteers at 10:30 in Swanley", ""},
		{"Op Zig Zag at 5 schools", ""},
	}
	for _, tc := range tests {
		t.Run(tc.note, func(t *testing.T) {
			f := mustFixture(t)
			for _, text := range []string{"5.2 note " + tc.note, "5.2 blocked " + tc.note, "5.2 done " + tc.note} {
				m := f.run(coord, text)
				if tc.kind == "" {
					if !strings.HasPrefix(plain(m), "✅") {
						t.Fatalf("%q refused: %s", text, plain(m))
					}
					f.run(coord, "5.2 reopen again")
					f.run(coord, "5.2 unblock")
					continue
				}
				mustContain(t, m, "personal data ("+tc.kind+")", "haven't saved it")
				if m.Public {
					t.Fatal("a refusal must be private")
				}
				if f.audits(t, "5.2") != 0 {
					t.Fatalf("%q was stored", text)
				}
			}
		})
	}
}

func TestAnnouncementInTheTaskGroupChannel(t *testing.T) {
	f := mustFixture(t)
	mustContain(t, f.run(coord, "admin channel 5 #C0SPEED"), "Priority 5's task group talks in")
	f.run(csuUser, "5.2 note not announced")
	f.run(csuUser, "5.2 progress 60 trainers booked")
	f.run(csuUser, "1.5 progress 10") // priority 1 has no channel
	out, err := f.db.Outgoing(ctx, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 {
		t.Fatalf("%d messages queued, want 1: %+v", len(out), out)
	}
	o := out[0]
	if o.To != "C0SPEED" || o.Kind != "announce" || !o.Message.Public {
		t.Fatalf("announcement %+v", o)
	}
	if got := o.Message.Text; !strings.Contains(got, "@"+csuUser+" updated 5.2 to 60% — Promote Speedwatch") || !strings.Contains(got, "“trainers booked”") {
		t.Fatalf("announcement text %q", got)
	}
	mustContain(t, f.run(coord, "admin channel 5 none"), "no task-group channel now")
	f.run(csuUser, "5.2 progress 70")
	if out, _ := f.db.Outgoing(ctx, "", 10); len(out) != 1 {
		t.Fatalf("announced after the channel was cleared: %d", len(out))
	}
}

// expectRefs returns the refs of the shipped plan that satisfy keep, in
// plan order, computed from the plan data rather than from the store.
func expectRefs(tb testing.TB, keep func(a *actionbot.Action) bool) []string {
	tb.Helper()
	imp, err := planfile.Sevenoaks()
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, a := range imp.Actions {
		if keep(a) {
			out = append(out, a.Ref)
		}
	}
	return out
}

// listed returns the action refs a list reply shows, in its order.
func listed(m actionbot.Message) []string {
	var out []string
	for _, bl := range m.Blocks {
		for i, sp := range bl.Text {
			if sp.Style == actionbot.Bold && i > 0 {
				if _, ok := actionbot.ParseRef(sp.Text); ok {
					out = append(out, sp.Text)
				}
			}
		}
	}
	return out
}

func TestListsOnTheRealPlan(t *testing.T) {
	f := mustFixture(t)
	today := actionbot.DateOf(June1)
	f.run(coord, "1.5 blocked waiting for Probation")
	f.run(coord, "3.2 done")
	f.run(coord, "4.7 at-risk no venue")
	tests := []struct {
		text string
		keep func(a *actionbot.Action) bool
		sort bool // by deadline
	}{
		{"overdue", func(a *actionbot.Action) bool { return !a.Deadline.Ongoing && a.Deadline.Due.Before(today) }, true},
		{"list overdue priority 5", func(a *actionbot.Action) bool {
			return a.Priority == 5 && !a.Deadline.Ongoing && a.Deadline.Due.Before(today)
		}, true},
		{"due 30", func(a *actionbot.Action) bool {
			return !a.Deadline.Ongoing && !a.Deadline.Due.Before(today) && !a.Deadline.Due.After(today.AddDays(30))
		}, true},
		{"list ongoing", func(a *actionbot.Action) bool { return a.Deadline.Ongoing }, false},
		// An agency's list is what "mine" would show its members: led, or
		// partner (named, or as one of "All Partners").
		{"list agency kent police", func(a *actionbot.Action) bool { return a.RoleOf([]string{"POLICE"}) != actionbot.RoleNone }, false},
		{"list blocked", func(a *actionbot.Action) bool { return a.Ref == "1.5" }, false},
		{"list at-risk", func(a *actionbot.Action) bool { return a.Ref == "4.7" }, false},
		{"list done", func(a *actionbot.Action) bool { return a.Ref == "3.2" }, false},
		{"list open priority 3", func(a *actionbot.Action) bool { return a.Priority == 3 && a.Ref != "3.2" }, false},
		{"find speedwatch", func(a *actionbot.Action) bool { return strings.Contains(strings.ToLower(a.Text), "speedwatch") }, false},
		// Stale is the domain's definition: open ongoing work not updated for 30 days.
		{"list stale", func(a *actionbot.Action) bool {
			_, stale := actionbot.DefaultRAGRules().Stale(a, f.plan.Period.Start, today, June1)
			return stale
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			want := expectRefs(t, tc.keep)
			if tc.sort {
				imp, _ := planfile.Sevenoaks()
				due := map[string]actionbot.Date{}
				for _, a := range imp.Actions {
					due[a.Ref] = a.Deadline.Due
				}
				sortStable(want, func(a, b string) bool { return due[a].Before(due[b]) })
			}
			m := f.run(outsider, tc.text)
			mustContain(t, m, fmt.Sprintf("— %d action", len(want))) // the header counts them all
			if len(want) > 25 {                                      // a reply shows 25 and says how to see the rest
				mustContain(t, m, fmt.Sprintf("Page 1 of 2: 1–25 of %d. Next page: /action list ", len(want)))
				want = want[:25]
			}
			if got := listed(m); strings.Join(got, " ") != strings.Join(want, " ") {
				t.Fatalf("%q listed %v, want %v", tc.text, got, want)
			}
		})
	}
	mustContain(t, f.run(outsider, "list priority 9"), "There is no priority 9 in") // as /action report priority 9 says
	mustContain(t, f.run(outsider, "list priority 4 blocked"), "Nothing matches.")
	mustContain(t, f.run(outsider, "list agency Polise"), "I don't know the agency \"Polise\"")
}

func sortStable(xs []string, less func(a, b string) bool) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && less(xs[j], xs[j-1]); j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

func TestStaleIsEmptyEarlyInThePlan(t *testing.T) {
	f := mustFixture(t)
	f.clock.Set(time.Date(2012, 4, 20, 9, 0, 0, 0, storetest.London))
	mustContain(t, f.run(outsider, "list stale"), "— 0 actions", "Nothing matches.")
}

func TestMineLeadsThenPartners(t *testing.T) {
	f := mustFixture(t)
	m := f.run(csuUser, "mine")
	led := expectRefs(t, func(a *actionbot.Action) bool { return a.LeadBy([]string{"CSU"}) })
	partner := expectRefs(t, func(a *actionbot.Action) bool {
		return !a.LeadBy([]string{"CSU"}) && a.PartneredBy([]string{"CSU"})
	})
	mustContain(t, m, "Your actions — CSU", "Led by CSU (19)", "Partner on (13)")
	if len(led) != 19 || len(partner) != 13 {
		t.Fatalf("expected counts from the plan: led %d partner %d", len(led), len(partner))
	}
	if got := listed(m); strings.Join(got, " ") != strings.Join(append(led, partner...), " ") {
		t.Fatalf("mine listed %v", got)
	}
	mustContain(t, f.run(outsider, "mine"), "not registered with an agency yet")
}

func TestAdmin(t *testing.T) {
	f := mustFixture(t)
	mustContain(t, f.run(csuUser, "admin member add @UNEW CSU"), "Only a coordinator can do that")
	mustContain(t, f.run(coord, "admin member add @UNEW Community Safety Unit"), "Added @UNEW to CSU (Community Safety Unit)")
	mustContain(t, f.run(coord, "admin member add @UNEW csu"), "already a member of CSU")
	mustContain(t, f.run(coord, "admin member add @UNEW Comunity Safety Unit"), "did you mean CSU")
	mustContain(t, f.run(coord, "admin member add @UNEW All Partners"), "not an agency anyone can join")
	mustContain(t, f.run("UNEW", "5.2 progress 10"), "5.2 is now at 10%")
	mustContain(t, f.run(coord, "admin member remove @UNEW CSU"), "Removed @UNEW from CSU")
	mustContain(t, f.run("UNEW", "5.2 progress 20"), "🔒")
	mustContain(t, f.run(coord, "admin coordinator add @UBOSS"), "@UBOSS is now a coordinator")
	mustContain(t, f.run("UBOSS", "admin channel 2 #C2"), "Priority 2's task group talks in")
	mustContain(t, f.run(coord, "admin coordinator remove @UCOORD"), "by configuration, not in the database, so there is nothing to remove here")
	mustContain(t, f.run(coord, "admin channel 8 #C2"), "There is no priority 8")
	mustContain(t, f.run(coord, "admin failed"), "none failed")
	mustContain(t, f.run(coord, "admin retry 99"), "No queued message 99")
	log, err := f.db.AdminLog(ctx)
	if err != nil || len(log) != 3+4 { // three setup members, add, remove, coordinator, channel
		t.Fatalf("admin log %d entries, %v", len(log), err)
	}
}

func TestWhoamiAgenciesHelp(t *testing.T) {
	f := mustFixture(t)
	mustContain(t, f.run(csuUser, "whoami"), "You are @UCSU", "Agencies: Community Safety Unit (CSU)", "update the 19 actions")
	mustContain(t, f.run(coord, "whoami"), "You are a coordinator")
	mustContain(t, f.run(outsider, "agencies"), "CSU Community Safety Unit — leads 19, partner on 7", "@UCSU", "KFRS Kent Fire & Rescue Service", "nobody registered")
	mustContain(t, f.run(outsider, ""), "/action 5.2 done [evidence]", "/action list [priority N]")
	mustContain(t, f.run(outsider, "help due"), "The deadline the plan agreed is kept")
}

func TestInternalErrorsAreNotShown(t *testing.T) {
	f := mustFixture(t)
	if err := f.db.Close(); err != nil {
		t.Fatal(err)
	}
	m := f.run(csuUser, "5.2 done")
	mustContain(t, m, "Something went wrong on our side and nothing was changed")
	if strings.Contains(plain(m), "sql") {
		t.Fatalf("internal detail shown: %s", plain(m))
	}
}

func FuzzHandle(f *testing.F) {
	for _, s := range []string{"5.2", "5.2 done x", "list overdue", "admin member add @U1 CSU", "4.4 history", "measure 6 1 yes", "report priority 99", "5.2 due 1/1/2013 x"} {
		f.Add(s)
	}
	fx := mustFixture(f)
	f.Fuzz(func(t *testing.T, s string) {
		for _, user := range []string{coord, outsider} {
			m := fx.run(user, s)
			if len(m.Blocks) == 0 || m.Text == "" {
				t.Fatalf("%q as %s: empty reply", s, user)
			}
			if strings.Contains(plain(m), "Something went wrong") {
				t.Fatalf("%q as %s: internal error", s, user)
			}
		}
	})
}

func TestDoWithNoCommandsChangesNothing(t *testing.T) {
	f := mustFixture(t)
	msg, err := f.h.Do(ctx, commands.Request{UserID: csuUser, ChannelID: "C1"})
	if actionbot.ErrorCode(err) != actionbot.EINVALID {
		t.Fatalf("err = %v, want EINVALID", err)
	}
	mustContain(t, msg, "Nothing to change.")
	if n := f.audits(t, "5.2"); n != 0 {
		t.Fatalf("%d audit entries, want none", n)
	}
}

func TestSeveralStepsAreOneChange(t *testing.T) {
	f := mustFixture(t)
	req := commands.Request{UserID: csuUser, ChannelID: "C1"}
	// A later step fails: the earlier one is not applied either.
	_, err := f.h.Do(ctx, req, []*commands.Command{
		{Verb: actionbot.VerbAtRisk, Ref: "5.2", Text: "venue lost"},
		{Verb: actionbot.VerbProgress, Ref: "5.2", Progress: 140},
	}...)
	if actionbot.ErrorCode(err) != actionbot.EINVALID {
		t.Fatalf("err = %v, want EINVALID", err)
	}
	if a := f.action(t, "5.2"); a.Status != actionbot.StatusOpen || f.audits(t, "5.2") != 0 {
		t.Fatalf("half applied: %s, %d audit entries", a.Status, f.audits(t, "5.2"))
	}
	// A step that changes nothing is skipped; the others apply, each audited.
	msg, err := f.h.Do(ctx, req, []*commands.Command{
		{Verb: actionbot.VerbProgress, Ref: "5.2", Progress: 0},
		{Verb: actionbot.VerbBlocked, Ref: "5.2", Text: "no trainer"},
		{Verb: actionbot.VerbNote, Ref: "5.2", Text: "asked KFRS"},
	}...)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, msg, "5.2 is marked blocked. Note added to 5.2.")
	if a := f.action(t, "5.2"); a.Status != actionbot.StatusBlocked || f.audits(t, "5.2") != 2 {
		t.Fatalf("after the form: %s, %d audit entries", a.Status, f.audits(t, "5.2"))
	}
	// Permissions are checked for every step.
	_, err = f.h.Do(ctx, commands.Request{UserID: dvlaUser}, []*commands.Command{
		{Verb: actionbot.VerbNote, Ref: "5.2", Text: "partner note"},
		{Verb: actionbot.VerbDone, Ref: "5.2"},
	}...)
	if actionbot.ErrorCode(err) != actionbot.EUNAUTHORIZED || f.audits(t, "5.2") != 2 {
		t.Fatalf("partner marking done: %v, %d audit entries", err, f.audits(t, "5.2"))
	}
}
