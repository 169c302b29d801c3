package surfaces_test

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/calendar"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/console"
	"github.com/sevenoaks-csp/actionbot/reminders"
	"github.com/sevenoaks-csp/actionbot/report"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

var ctx = context.Background()

const (
	coord  = "UCOORD"
	lead   = "ULEAD"
	viewer = "UVIEW"
)

// state is one combination: which action (5.2, due March 2012 in the plan;
// 1.1, ongoing in the plan), where its deadline is moved to, its status, its
// progress, and whether its reminders are snoozed.
type state struct {
	ref      string
	moveTo   string // "" keeps the plan's deadline
	status   string // "open", "at-risk", "blocked", "unblocked" (blocked, then not), "done"
	progress int
	snoozed  bool
}

func (s state) String() string {
	move := "plan's deadline"
	if s.moveTo != "" {
		move = "moved to " + s.moveTo
	}
	snooze := ""
	if s.snoozed {
		snooze = ", snoozed"
	}
	return fmt.Sprintf("%s %s, %s at %d%%%s", s.ref, move, s.status, s.progress, snooze)
}

// commands are what a coordinator types to put the action in the state.
func (s state) commands() []string {
	var out []string
	if s.moveTo != "" {
		out = append(out, s.ref+" due "+s.moveTo+" agreed at the task group")
	}
	if s.progress > 0 && s.progress < 100 {
		out = append(out, fmt.Sprintf("%s progress %d", s.ref, s.progress))
	}
	if s.snoozed {
		out = append(out, s.ref+" snooze 90")
	}
	switch s.status {
	case "at-risk":
		out = append(out, s.ref+" at-risk venue uncertain")
	case "blocked":
		out = append(out, s.ref+" blocked waiting for vetting")
	case "unblocked":
		out = append(out, s.ref+" blocked waiting for vetting", s.ref+" unblock vetting done")
	case "done":
		if s.progress == 100 {
			out = append(out, s.ref+" progress 100") // 100% is done
		} else {
			out = append(out, s.ref+" done evidence filed")
		}
	}
	return out
}

// every returns every combination: overdue (the plan's deadline, or one
// moved but still past), due later (moved), ongoing (moved to it, or the
// plan's own), each open, at risk, blocked or unblocked at 0% and 60%, or done (by done,
// or by progress 100), snoozed or not.
func every() []state {
	var out []state
	for _, d := range []struct{ ref, move string }{{"5.2", ""}, {"5.2", "April 2012"}, {"5.2", "June 2013"}, {"5.2", "ongoing"}, {"1.1", ""}} {
		for _, snoozed := range []bool{false, true} {
			for _, st := range []string{"open", "at-risk", "blocked", "unblocked"} {
				for _, p := range []int{0, 60} {
					out = append(out, state{d.ref, d.move, st, p, snoozed})
				}
			}
			done := []state{{d.ref, d.move, "done", 0, snoozed}, {d.ref, d.move, "done", 100, snoozed}}
			out = append(out, done...)
		}
	}
	return out
}

// The changes are made on Friday 1 June 2012 and read five weeks later, on
// Friday 6 July: an ongoing action nobody has touched since is stale by
// then, and a 90-day snooze still holds.
var (
	changed = time.Date(2012, time.June, 1, 10, 0, 0, 0, storetest.London)
	read    = time.Date(2012, time.July, 6, 10, 0, 0, 0, storetest.London)
)

func TestEveryStateReadsTheSameOnEverySurface(t *testing.T) {
	cal, err := calendar.Embedded(calendar.DefaultDivision)
	if err != nil {
		t.Fatal(err)
	}
	rules := actionbot.DefaultRAGRules()
	for _, s := range every() {
		t.Run(s.String(), func(t *testing.T) {
			clock := storetest.NewClock(changed)
			db := storetest.MustOpen(t, clock)
			db.ConfiguredCoordinators = []string{coord} // coordinators by the wiring's word
			// The App Home shows ten actions a group: the home's reader is of
			// the lead agency with fewest actions (Kent Police for 5.2, CSU
			// for 1.1, which comes first in each of CSU's groups).
			if err := db.AddMember(ctx, lead, map[string]string{"5.2": "POLICE", "1.1": "CSU"}[s.ref], coord); err != nil {
				t.Fatal(err)
			}
			plan, err := db.CurrentPlan(ctx)
			if err != nil {
				t.Fatal(err)
			}
			h := &commands.Handler{Store: db, Now: clock.Now, Location: storetest.London, RAG: rules}
			run := func(user, text string) actionbot.Message {
				return h.Handle(ctx, commands.Request{UserID: user, ChannelID: "C1", Text: text})
			}

			// The replies to the changes say where the action stands as its
			// rating does at that moment.
			for _, cmd := range s.commands() {
				reply := text(run(coord, cmd))
				if !strings.HasPrefix(reply, "✅") {
					t.Fatalf("%q: %s", cmd, reply)
				}
				now := mustAction(t, db, plan, s.ref)
				at := rules.Assess(now, plan.Period.Start, actionbot.DateOf(changed), changed)
				checkWords(t, "the reply to "+cmd, reply, at)
				if i := strings.Index(reply, "it is now "); i >= 0 && !strings.Contains(reply[i:], at.StateWords()) {
					t.Errorf("the reply to %q says %q, but the action is %s", cmd, reply[i:], at.StateWords())
				}
			}

			clock.Set(read)
			today := actionbot.DateOf(read)
			a := mustAction(t, db, plan, s.ref)
			want := rules.Assess(a, plan.Period.Start, today, read)
			if s.status == "done" && want.RAG != actionbot.RAGComplete {
				t.Fatalf("a done action is rated %s", want.RAG)
			}
			_, stale := rules.Stale(a, plan.Period.Start, today, read)
			line := want.RAG.Emoji() + " " + s.ref + " "

			// The card, in Slack's terms and as the console prints it.
			card := run(viewer, s.ref)
			for surface, got := range map[string]string{"card": text(card), "console": console.Render(card)} {
				checkWords(t, surface, got, want)
				if !strings.Contains(got, "RAG: "+want.StateWords()) {
					t.Errorf("the %s does not rate it %q:\n%s", surface, want.StateWords(), got)
				}
				status := a.Status.Label()
				if !strings.Contains(got, fmt.Sprintf("Status: %s", status)) || !strings.Contains(got, fmt.Sprintf("· %d%%", a.Progress)) {
					t.Errorf("the %s does not give the status %s at %d%%:\n%s", surface, status, a.Progress, got)
				}
			}

			if snoozedShown := strings.Contains(text(card), "💤 Reminders snoozed until"); snoozedShown != (s.snoozed && !a.IsDone()) {
				t.Errorf("the card shows a snooze: %v, want %v", snoozedShown, s.snoozed && !a.IsDone())
			}

			// Lists.
			list := text(run(viewer, fmt.Sprintf("list priority %d", a.Priority)))
			checkLine(t, "list", list, line, want)
			for word, in := range map[string]bool{"overdue": a.Overdue(today), "stale": stale, "done": a.IsDone(), "blocked": a.Status == actionbot.StatusBlocked} {
				got := text(run(viewer, fmt.Sprintf("list priority %d %s", a.Priority, word)))
				if strings.Contains(got, line) != in {
					t.Errorf("list %s: listed %v, want %v:\n%s", word, !in, in, got)
				}
			}

			// The App Home of a member of the lead agency.
			home, err := h.Home(ctx, lead)
			if err != nil {
				t.Fatal(err)
			}
			homeText := text(home)
			checkLine(t, "App Home", homeText, line, want)
			group := map[bool]string{true: "Overdue ("}[a.Overdue(today)]
			if a.IsDone() {
				group = "Done ("
			}
			if group != "" && !strings.HasPrefix(sectionOf(homeText, line), group) {
				t.Errorf("the App Home does not list it under %q:\n%s", group, homeText)
			}

			// The digest of the tasking meeting.
			svc := &reminders.Service{Store: db, Rules: reminders.DefaultRules(storetest.London, cal), TaskingChannel: "CTASK", DigestChannel: "CDIGEST", RAG: rules}
			digest, err := svc.BuildDigest(ctx, read)
			if err != nil {
				t.Fatal(err)
			}
			dt := text(digest.Message)
			checkWords(t, "digest", dt, want)
			for mark, in := range map[string]bool{"🔴 ": a.Overdue(today), "⛔ ": a.Status == actionbot.StatusBlocked, "💤 ": stale} {
				if strings.Contains(dt, mark+s.ref+" ") != in {
					t.Errorf("the digest has %s%s: %v, want %v:\n%s", mark, s.ref, !in, in, dt)
				}
			}
			if a.Overdue(today) && want.RAG != actionbot.RAGRed || stale && want.RAG != actionbot.RAGAmber && want.RAG != actionbot.RAGRed {
				t.Errorf("the digest's sections disagree with the rating %s", want.RAG)
			}

			// The reminders due: none for a done or snoozed action; a red
			// reminder only for a red action; a check-in only for a stale one.
			due, err := svc.Due(ctx, read)
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range due.Bundles {
				for _, r := range b.Items {
					if r.Action.Ref != s.ref {
						continue
					}
					if a.IsDone() || s.snoozed {
						t.Errorf("a reminder is due for a done or snoozed action: %+v", r.Step)
					}
					if r.Step.Kind == reminders.StepCheckIn && !stale {
						t.Errorf("a check-in for an action that is not stale: %+v", r.Step)
					}
					if r.Escalated && want.RAG != actionbot.RAGRed {
						t.Errorf("an escalation for a %s action: %+v", want.RAG, r.Step)
					}
					// A bundle holds other actions too: its line for this one
					// says nothing the rating contradicts.
					for _, l := range strings.Split(text(b.Message.Message), "\n") {
						if strings.HasPrefix(l, s.ref+" ") {
							checkWords(t, "reminder line", l, want)
						}
					}
				}
			}

			// The board report, as Markdown.
			rep, err := report.Build(ctx, db, plan, report.Options{At: read, Rules: rules})
			if err != nil {
				t.Fatal(err)
			}
			var md bytes.Buffer
			if err := report.WriteMarkdown(&md, rep); err != nil {
				t.Fatal(err)
			}
			row := rowOf(md.String(), s.ref)
			checkWords(t, "report", row, want)
			if !strings.Contains(row, "**"+want.RAG.Label()+"** — "+want.Why) {
				t.Errorf("the report rates it otherwise than %s — %s:\n%s", want.RAG.Label(), want.Why, row)
			}
		})
	}
}

func mustAction(tb testing.TB, db *store.DB, plan *actionbot.Plan, ref string) *actionbot.Action {
	tb.Helper()
	a, err := db.FindAction(ctx, plan.ID, ref)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

// text flattens a message as a reader sees it.
func text(m actionbot.Message) string {
	var b strings.Builder
	for _, bl := range m.Blocks {
		b.WriteString(bl.Text.Plain() + "\n")
		for _, f := range bl.Fields {
			b.WriteString(f.Label + ": " + f.Value.Plain() + "\n")
		}
	}
	return b.String()
}

// contradictions are words that no surface may use of an action with the
// rating given; "due Ongoing" and "back on track" are never right.
var contradictions = map[actionbot.RAG]*regexp.Regexp{
	actionbot.RAGRed:      regexp.MustCompile(`(?i)on track|on schedule|🟢|🔵`),
	actionbot.RAGAmber:    regexp.MustCompile(`(?i)on track|🟢|🔵|days? overdue`),
	actionbot.RAGGreen:    regexp.MustCompile(`(?i)days? overdue|🔴 Red|🔵`),
	actionbot.RAGComplete: regexp.MustCompile(`(?i)days? overdue|🔴 Red|at risk:|blocked:`),
}

var never = regexp.MustCompile(`(?i)due ongoing|back on track`)

// checkWords checks what a surface says of the action: the part of its
// text about the action, which for a card or a reply is all of it and for
// a list, digest or report its own line.
func checkWords(t *testing.T, surface, got string, want actionbot.Assessment) {
	t.Helper()
	if m := never.FindString(got); m != "" {
		t.Errorf("the %s says %q:\n%s", surface, m, got)
	}
	if surface == "digest" || surface == "reminder" {
		return // these hold other actions too: checked line by line
	}
	if m := contradictions[want.RAG].FindString(got); m != "" {
		t.Errorf("the %s says %q of an action rated %s:\n%s", surface, m, want.StateWords(), got)
	}
}

// checkLine checks the action's line of a list: its rating first.
func checkLine(t *testing.T, surface, got, line string, want actionbot.Assessment) {
	t.Helper()
	if !strings.Contains(got, line) {
		t.Errorf("the %s does not show it as %q:\n%s", surface, line, got)
		return
	}
	for _, l := range strings.Split(got, "\n") {
		if strings.Contains(l, line) {
			checkWords(t, surface+" line", l, want)
		}
	}
}

// groupHeading is a heading of the App Home's groups: "Overdue (3)".
var groupHeading = regexp.MustCompile(`^(Overdue|Due in the next \d+ days|Open|Done) \(\d+\)$`)

// sectionOf returns the heading of the App Home group that holds line.
func sectionOf(text, line string) string {
	heading := ""
	for _, l := range strings.Split(text, "\n") {
		if groupHeading.MatchString(l) {
			heading = l
		}
		if strings.Contains(l, line) {
			return heading
		}
	}
	return ""
}

// rowOf returns the report's table row for ref.
func rowOf(md, ref string) string {
	for _, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(l, "| "+ref+" |") {
			return l
		}
	}
	return ""
}
