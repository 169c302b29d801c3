package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
)

// TestActionHistoryAsOf shows 6.5 as it stood on days between the changes
// typed in Slack: the same replay of the audit trail as the board report.
func TestActionHistoryAsOf(t *testing.T) {
	f := mustRepFixture(t)
	repFirstQuarter(t, f) // 6.5 blocked on 1 June
	f.mustSay(t, repAt(2012, time.July, 20, 10), repCoordinator, "6.5 unblock KDAAT agreed funding")
	f.mustSay(t, repAt(2012, time.August, 1, 10), repCoordinator, "6.5 due September 2012 Recruitment takes longer")
	f.mustSay(t, repAt(2012, time.September, 28, 10), repCoordinator, "6.5 done Worker in post")
	asked := repAt(2013, time.January, 8, 9)
	tests := []struct {
		text string
		want []string
		not  []string
	}{
		{"6.5 history as of 2012-05-31", []string{"6.5 as it stood on 31 May 2012", "Status Open", "Progress 0%", "Deadline June 2012 (30 Jun 2012)", "No changes by then", "As recorded by the partners on 31 May 2012."}, []string{"Blocked"}},
		{"6.5 history as of 2012-06-30", []string{"6.5 as it stood on 30 Jun 2012", "Status Blocked: Awaiting KDAAT decision on funding the post", "RAG 🔴 Red — blocked: Awaiting KDAAT decision", "Latest note (1 Jun 2012) “Awaiting KDAAT decision on funding the post”"}, []string{"Worker in post"}},
		{"6.5 history as at 15/08/2012", []string{"6.5 as it stood on 15 Aug 2012", "Status Open", "Deadline September 2012 (30 Sep 2012) (moved; plan: June 2012 (30 Jun 2012))", "Latest note (1 Aug 2012) “Recruitment takes longer”"}, []string{"Worker in post"}},
		{"6.5 history as of December 2012", []string{"6.5 as it stood on 31 Dec 2012", "Status Done", "Progress 100%", "RAG 🔵 Complete", "“Worker in post”"}, nil},
		{"6.5 history as of 2099-01-01", []string{"1 Jan 2099 is in the future"}, nil},
		{"6.5 history as of someday", []string{`"someday" is not a date: ` + "`/action 6.5 history as of 2012-12-31`"}, nil},
		{"6.5 history lately", []string{"`/action 6.5 history` takes a date to show the action as it stood then"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			reply := f.say(asked, repCSU, tc.text)
			for _, w := range tc.want {
				if !strings.Contains(reply, w) {
					t.Errorf("/action %s lacks %q:\n%s", tc.text, w, reply)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(reply, w) {
					t.Errorf("/action %s says %q, which came later:\n%s", tc.text, w, reply)
				}
			}
		})
	}
}

// TestActionReportQuarter gives the latest quarter's headline, or the one
// asked for, with the quarter's changes.
func TestActionReportQuarter(t *testing.T) {
	f := mustRepFixture(t)
	repFirstQuarter(t, f)
	f.mustSay(t, repAt(2012, time.July, 20, 10), repCoordinator, "6.5 unblock KDAAT agreed funding")
	f.mustSay(t, repAt(2012, time.August, 1, 10), repCoordinator, "6.5 due September 2012 Recruitment takes longer")
	f.mustSay(t, repAt(2012, time.September, 28, 10), repCoordinator, "6.5 done Worker in post")
	tests := []struct {
		at   time.Time
		text string
		want []string
	}{
		{repAt(2012, time.October, 2, 9), "report quarter", []string{"Quarterly monitoring — Q2 2012-13 (July to September 2012)",
			"Q2 2012-13 (July to September 2012): ", "1 completed, ", "0 newly blocked, 1 deadline moved, 0 measure figures recorded.",
			"Completed: 6.5", "Deadline moved: 6.5 from June 2012 to September 2012", "As recorded by the partners on 30 Sep 2012; produced on 2 Oct 2012."}},
		{repAt(2012, time.October, 2, 9), "report quarter 2012-Q1", []string{"Quarterly monitoring — Q1 2012-13 (April to June 2012)",
			"1 newly blocked", "was 86% when the plan started", "Completed: 6.1", "Newly blocked: 6.5"}},
		{repAt(2012, time.October, 2, 9), "report quarter 2012-Q3", []string{"Q3 2012-13 (October to December 2012) ends on 31 Dec 2012, which is still to come"}},
		{repAt(2012, time.October, 2, 9), "report quarter summer", []string{`"summer" is not a quarter`}},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			reply := f.say(tc.at, repCSU, tc.text)
			for _, w := range tc.want {
				if !strings.Contains(reply, w) {
					t.Errorf("/action %s lacks %q:\n%s", tc.text, w, reply)
				}
			}
		})
	}
}

func TestSnoozeHistoryNamesTheDayInTheLocalTimeZone(t *testing.T) {
	f := mustRepFixture(t)
	// Half past midnight in London on 3 June is still 2 June in UTC; three
	// days on is Wednesday 6 June in London and Tuesday 5 June in UTC.
	at := repAt(2012, time.June, 3, 0).Add(30 * time.Minute)
	f.mustSay(t, at, repCoordinator, "1.7 snooze 3")
	hist := f.say(at, repCoordinator, "1.7 history")
	if !strings.Contains(hist, "reminders held until Wed 6 Jun") {
		t.Errorf("history does not give the London day of the snooze:\n%s", hist)
	}
}

// TestActionHistoryAsOfBeforeTheActionWasAdded: 5.8 came into the plan with
// August's re-import; asked how it stood on 1 July, the bot says it was not
// in the plan then, and since when it is, rather than show it as agreed.
func TestActionHistoryAsOfBeforeTheActionWasAdded(t *testing.T) {
	f := mustRepFixture(t)
	imp, err := planfile.Sevenoaks()
	if err != nil {
		t.Fatal(err)
	}
	due, err := actionbot.ParseDeadline("March 2013")
	if err != nil {
		t.Fatal(err)
	}
	imp.Actions = append(imp.Actions, &actionbot.Action{Ref: "5.8", Priority: 5, Text: "Pilot average-speed cameras on the A25",
		Lead: []actionbot.Party{{Agency: "HIGHWAYS"}}, Deadline: due})
	f.clock.Set(repAt(2012, time.August, 6, 10))
	if _, err := f.db.ImportPlan(context.Background(), imp); err != nil {
		t.Fatal(err)
	}
	asked := repAt(2013, time.January, 8, 9)
	if reply := f.say(asked, repCSU, "5.8 history as of 2012-07-01"); !strings.Contains(reply, "5.8 was not in the plan on 1 Jul 2012: it was added on 6 Aug 2012.") ||
		strings.Contains(reply, "as the plan agreed it") {
		t.Errorf("5.8 as of 1 July:\n%s", reply)
	}
	if reply := f.say(asked, repCSU, "5.8 history as of 2012-08-31"); !strings.Contains(reply, "5.8 as it stood on 31 Aug 2012") {
		t.Errorf("5.8 as of 31 August:\n%s", reply)
	}
}
