package actionbot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// ragLondon is the partnership's time zone.
var ragLondon = mustRAGLocation("Europe/London")

func mustRAGLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// ragPlanStart is the first day of the 2012-13 plan year.
var ragPlanStart = actionbot.D(2012, time.April, 1)

// ragDated is an open action due on due with the given progress.
func ragDated(due actionbot.Date, progress int) *actionbot.Action {
	return &actionbot.Action{Ref: "5.2", Status: actionbot.StatusOpen, Progress: progress,
		Deadline: actionbot.Deadline{Written: due.String(), Due: due}}
}

// ragOngoing is an open ongoing action last updated at lastActivity (zero:
// never).
func ragOngoing(lastActivity time.Time) *actionbot.Action {
	return &actionbot.Action{Ref: "1.1", Status: actionbot.StatusOpen,
		Deadline: actionbot.Deadline{Written: "On going", Ongoing: true}, LastActivity: lastActivity}
}

func ragWith(a *actionbot.Action, change func(*actionbot.Action)) *actionbot.Action {
	change(a)
	return a
}

func TestAssess(t *testing.T) {
	march2013 := actionbot.D(2013, time.March, 31)
	april2012 := actionbot.D(2012, time.April, 30)
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, ragLondon) }
	tests := []struct {
		name  string
		rules actionbot.RAGRules // zero: the defaults
		a     *actionbot.Action
		now   time.Time
		want  actionbot.RAG
		why   string
	}{
		// Complete and red.
		{"done is complete even when overdue", actionbot.RAGRules{},
			ragWith(ragDated(actionbot.D(2012, time.March, 31), 100), func(a *actionbot.Action) { a.Status = actionbot.StatusDone }),
			at(2012, time.October, 1), actionbot.RAGComplete, "done"},
		{"blocked is red although not due", actionbot.RAGRules{},
			ragWith(ragDated(march2013, 40), func(a *actionbot.Action) { a.Status, a.Reason = actionbot.StatusBlocked, "waiting for vetting" }),
			at(2012, time.June, 1), actionbot.RAGRed, "blocked: waiting for vetting"},
		{"blocked with no reason", actionbot.RAGRules{},
			ragWith(ragDated(march2013, 40), func(a *actionbot.Action) { a.Status = actionbot.StatusBlocked }),
			at(2012, time.June, 1), actionbot.RAGRed, "blocked"},
		{"the day after the deadline is overdue", actionbot.RAGRules{}, ragDated(april2012, 90),
			at(2012, time.May, 1), actionbot.RAGRed, "1 day overdue"},
		{"overdue beats at risk", actionbot.RAGRules{},
			ragWith(ragDated(april2012, 90), func(a *actionbot.Action) { a.Status, a.Reason = actionbot.StatusAtRisk, "venue lost" }),
			at(2012, time.May, 10), actionbot.RAGRed, "10 days overdue"},
		{"a deadline before the plan started is overdue from its first day", actionbot.RAGRules{}, ragDated(actionbot.D(2012, time.March, 31), 0),
			at(2012, time.April, 1), actionbot.RAGRed, "1 day overdue"},

		// The deadline day itself.
		{"due today and nearly done is green", actionbot.RAGRules{}, ragDated(april2012, 95),
			at(2012, time.April, 30), actionbot.RAGGreen, "on schedule"},
		{"due today at 40% is amber", actionbot.RAGRules{}, ragDated(april2012, 40),
			at(2012, time.April, 30), actionbot.RAGAmber, "due today at 40%"},

		// At risk.
		{"flagged at risk by its lead", actionbot.RAGRules{},
			ragWith(ragDated(march2013, 60), func(a *actionbot.Action) { a.Status, a.Reason = actionbot.StatusAtRisk, "venue lost" }),
			at(2012, time.June, 1), actionbot.RAGAmber, "at risk: venue lost"},

		// Due soon: within 14 days with progress under 50%.
		{"due in 14 days at 49%", actionbot.RAGRules{}, ragDated(april2012, 49),
			at(2012, time.April, 16), actionbot.RAGAmber, "due in 14 days at 49%"},
		{"due in 14 days at 50%", actionbot.RAGRules{}, ragDated(april2012, 50),
			at(2012, time.April, 16), actionbot.RAGGreen, "on schedule"},
		{"due in 15 days at 49%", actionbot.RAGRules{}, ragDated(april2012, 49),
			at(2012, time.April, 15), actionbot.RAGGreen, "on schedule"},
		{"due in 1 day", actionbot.RAGRules{}, ragDated(april2012, 10),
			at(2012, time.April, 29), actionbot.RAGAmber, "due in 1 day at 10%"},

		// Behind schedule: 91 of the 364 days to 31 March 2013 is exactly a
		// quarter on 1 July 2012.
		{"a quarter gone at 22% is behind (0.88)", actionbot.RAGRules{}, ragDated(march2013, 22),
			at(2012, time.July, 1), actionbot.RAGAmber, "behind schedule: 22% done with 25% of the time gone"},
		{"a quarter gone at 23% is on schedule (0.92)", actionbot.RAGRules{}, ragDated(march2013, 23),
			at(2012, time.July, 1), actionbot.RAGGreen, "on schedule"},
		{"under a quarter gone nothing is behind yet", actionbot.RAGRules{}, ragDated(march2013, 0),
			at(2012, time.June, 30), actionbot.RAGGreen, "on schedule"},
		{"about half gone at 45% is on schedule (0.904)", actionbot.RAGRules{}, ragDated(actionbot.D(2012, time.November, 30), 45),
			at(2012, time.July, 31), actionbot.RAGGreen, "on schedule"},
		{"about half gone at 44% is behind (0.884)", actionbot.RAGRules{}, ragDated(actionbot.D(2012, time.November, 30), 44),
			at(2012, time.July, 31), actionbot.RAGAmber, "behind schedule: 44% done with 50% of the time gone"},
		{"a stricter ratio", actionbot.RAGRules{BehindRatio: 1, MinElapsed: 0.25, DueSoonDays: 14, DueSoonProgress: 50, StaleDays: 30},
			ragDated(actionbot.D(2012, time.November, 30), 45), at(2012, time.July, 31), actionbot.RAGAmber, "behind schedule: 45% done with 50% of the time gone"},

		// Deadlines at or before the plan's start leave no time to share out.
		{"deadline on the plan's first day, rated that day", actionbot.RAGRules{}, ragDated(ragPlanStart, 60),
			at(2012, time.April, 1), actionbot.RAGGreen, "on schedule"},
		{"deadline before the plan, rated before it", actionbot.RAGRules{}, ragDated(actionbot.D(2012, time.March, 31), 80),
			at(2012, time.February, 1), actionbot.RAGGreen, "on schedule"},
		{"rated before the plan starts", actionbot.RAGRules{}, ragDated(march2013, 0),
			at(2012, time.March, 1), actionbot.RAGGreen, "on schedule"},
		{"no minimum share, rated on the first day", actionbot.RAGRules{BehindRatio: 0.9, DueSoonDays: 14, DueSoonProgress: 50, StaleDays: 30},
			ragDated(march2013, 0), at(2012, time.April, 1), actionbot.RAGGreen, "on schedule"},

		// Ongoing actions: green while updated within the last 30 days; stale,
		// amber, from the 30th day without an update (as lists, the digest
		// and the check-in reminders count it).
		{"ongoing, never updated, 29 days into the plan", actionbot.RAGRules{}, ragOngoing(time.Time{}),
			at(2012, time.April, 30), actionbot.RAGGreen, "ongoing, no update yet"},
		{"ongoing, never updated, 30 days into the plan", actionbot.RAGRules{}, ragOngoing(time.Time{}),
			at(2012, time.May, 1), actionbot.RAGAmber, "ongoing, no update since the plan started 30 days ago"},
		{"ongoing, never updated, 31 days into the plan", actionbot.RAGRules{}, ragOngoing(time.Time{}),
			at(2012, time.May, 2), actionbot.RAGAmber, "ongoing, no update since the plan started 31 days ago"},
		{"ongoing, updated 29 days ago", actionbot.RAGRules{}, ragOngoing(at(2012, time.June, 1)),
			at(2012, time.June, 30), actionbot.RAGGreen, "ongoing, updated 29 days ago"},
		{"ongoing, updated 30 days ago", actionbot.RAGRules{}, ragOngoing(at(2012, time.June, 1)),
			at(2012, time.July, 1), actionbot.RAGAmber, "ongoing, no update for 30 days"},
		{"ongoing, updated 31 days ago", actionbot.RAGRules{}, ragOngoing(at(2012, time.June, 1)),
			at(2012, time.July, 2), actionbot.RAGAmber, "ongoing, no update for 31 days"},
		{"ongoing, updated today", actionbot.RAGRules{}, ragOngoing(at(2012, time.July, 2).Add(-2 * time.Hour)),
			at(2012, time.July, 2), actionbot.RAGGreen, "ongoing, updated today"},
		{"days are counted in London: 00:30 BST on 2 June is 2 June", actionbot.RAGRules{},
			ragOngoing(time.Date(2012, time.June, 1, 23, 30, 0, 0, time.UTC)),
			at(2012, time.July, 1), actionbot.RAGGreen, "ongoing, updated 29 days ago"},
		{"ongoing, at risk although updated", actionbot.RAGRules{},
			ragWith(ragOngoing(at(2012, time.June, 25)), func(a *actionbot.Action) { a.Status, a.Reason = actionbot.StatusAtRisk, "no CCTV operator" }),
			at(2012, time.July, 1), actionbot.RAGAmber, "at risk: no CCTV operator"},
		{"ongoing, blocked is red", actionbot.RAGRules{},
			ragWith(ragOngoing(at(2012, time.June, 25)), func(a *actionbot.Action) { a.Status, a.Reason = actionbot.StatusBlocked, "camera budget frozen" }),
			at(2012, time.July, 1), actionbot.RAGRed, "blocked: camera budget frozen"},
		{"ongoing and long stale is amber, never red", actionbot.RAGRules{}, ragOngoing(time.Time{}),
			at(2013, time.March, 31), actionbot.RAGAmber, "ongoing, no update since the plan started 364 days ago"},
		{"an update after the instant does not count", actionbot.RAGRules{}, ragOngoing(at(2012, time.September, 1)),
			at(2012, time.July, 1), actionbot.RAGAmber, "ongoing, no update since the plan started 91 days ago"},
		{"a shorter staleness", actionbot.RAGRules{BehindRatio: 0.9, MinElapsed: 0.25, DueSoonDays: 14, DueSoonProgress: 50, StaleDays: 7},
			ragOngoing(at(2012, time.June, 1)), at(2012, time.June, 9), actionbot.RAGAmber, "ongoing, no update for 8 days"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rules := tc.rules
			if rules == (actionbot.RAGRules{}) {
				rules = actionbot.DefaultRAGRules()
			}
			got := rules.Assess(tc.a, ragPlanStart, actionbot.DateOf(tc.now), tc.now)
			if got.RAG != tc.want || got.Why != tc.why {
				t.Errorf("Assess = %s %q, want %s %q", got.RAG, got.Why, tc.want, tc.why)
			}
			if strings.Contains(got.Why, "NaN") || strings.Contains(got.Why, "Inf") {
				t.Errorf("the reason holds a non-number: %q", got.Why)
			}
		})
	}
}

func TestOnTargetMeansCompleteOrGreen(t *testing.T) {
	tests := []struct {
		rag  actionbot.RAG
		want bool
	}{
		{actionbot.RAGComplete, true},
		{actionbot.RAGGreen, true},
		{actionbot.RAGAmber, false},
		{actionbot.RAGRed, false},
	}
	for _, tc := range tests {
		t.Run(string(tc.rag), func(t *testing.T) {
			if got := tc.rag.OnTarget(); got != tc.want {
				t.Errorf("%s.OnTarget() = %v, want %v", tc.rag, got, tc.want)
			}
		})
	}
}

func TestRAGRulesValidate(t *testing.T) {
	def := actionbot.DefaultRAGRules()
	tests := []struct {
		name    string
		change  func(*actionbot.RAGRules)
		naming  string // the variable the error names; "" for valid
		message string
	}{
		{"the defaults", func(*actionbot.RAGRules) {}, "", ""},
		{"a ratio of 1", func(r *actionbot.RAGRules) { r.BehindRatio = 1 }, "", ""},
		{"a zero ratio", func(r *actionbot.RAGRules) { r.BehindRatio = 0 }, "ACTIONBOT_RAG_BEHIND_RATIO", "above 0"},
		{"a NaN ratio", func(r *actionbot.RAGRules) { r.BehindRatio = nan() }, "ACTIONBOT_RAG_BEHIND_RATIO", ""},
		{"elapsed over 1", func(r *actionbot.RAGRules) { r.MinElapsed = 1.5 }, "ACTIONBOT_RAG_MIN_ELAPSED", "from 0 to 1"},
		{"negative due-soon days", func(r *actionbot.RAGRules) { r.DueSoonDays = -1 }, "ACTIONBOT_RAG_DUE_SOON_DAYS", ""},
		{"due-soon progress over 100", func(r *actionbot.RAGRules) { r.DueSoonProgress = 101 }, "ACTIONBOT_RAG_DUE_SOON_PROGRESS", ""},
		{"zero stale days", func(r *actionbot.RAGRules) { r.StaleDays = 0 }, "ACTIONBOT_STALE_DAYS", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := def
			tc.change(&r)
			err := r.Validate()
			if tc.naming == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if actionbot.ErrorCode(err) != actionbot.EINVALID {
				t.Fatalf("Validate() = %v, want EINVALID", err)
			}
			if msg := actionbot.ErrorMessage(err); !strings.Contains(msg, tc.naming) || !strings.Contains(msg, tc.message) {
				t.Errorf("message %q does not name %s (%q)", msg, tc.naming, tc.message)
			}
		})
	}
}

func nan() float64 {
	zero := 0.0
	return zero / zero
}

func TestRateAtIsAssessOfEachAction(t *testing.T) {
	rules := actionbot.DefaultRAGRules()
	plan := &actionbot.Plan{Period: actionbot.Period{Start: actionbot.D(2012, 4, 1), End: actionbot.D(2013, 3, 31)}}
	now := time.Date(2012, 11, 5, 9, 0, 0, 0, ragLondon)
	overdue := &actionbot.Action{Ref: "1.1", Status: actionbot.StatusOpen, Deadline: actionbot.Deadline{Due: actionbot.D(2012, 9, 30)}}
	done := &actionbot.Action{Ref: "1.2", Status: actionbot.StatusDone, Progress: 100, Deadline: actionbot.Deadline{Due: actionbot.D(2012, 9, 30)}}
	rate := rules.RateAt(plan, now)
	for _, a := range []*actionbot.Action{overdue, done} {
		if got, want := rate(a), rules.Assess(a, plan.Period.Start, actionbot.DateOf(now), now).RAG; got != want {
			t.Errorf("RateAt(%s) = %s, want Assess's %s", a.Ref, got, want)
		}
	}
	if rate(overdue) != actionbot.RAGRed || rate(done) != actionbot.RAGComplete {
		t.Errorf("overdue rated %s, done rated %s: want red and complete", rate(overdue), rate(done))
	}
}

func TestOverdueIsWordedOneWay(t *testing.T) {
	for n, want := range map[int]string{1: "1 day overdue", 12: "12 days overdue"} {
		if got := actionbot.OverdueText(n); got != want {
			t.Errorf("OverdueText(%d) = %q, want %q", n, got, want)
		}
	}
}
