package actionbot_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
)

// summaryPlan is the shipped plan, in memory: its priorities with their
// measures and its 42 actions, none yet updated.
func mustSummaryPlan(tb testing.TB) (*actionbot.Plan, []*actionbot.Priority, map[string]*actionbot.Action) {
	tb.Helper()
	imp, err := planfile.Sevenoaks()
	if err != nil {
		tb.Fatal(err)
	}
	ps := make([]*actionbot.Priority, len(imp.Priorities))
	for i := range imp.Priorities {
		ps[i] = &imp.Priorities[i]
	}
	byRef := map[string]*actionbot.Action{}
	for _, a := range imp.Actions {
		a.Status = actionbot.StatusOpen
		a.Original = a.Deadline
		byRef[a.Ref] = a
	}
	return &actionbot.Plan{Name: imp.Name, Period: imp.Period}, ps, byRef
}

func summaryDone(a *actionbot.Action) { a.Status, a.Progress = actionbot.StatusDone, 100 }
func summaryProgress(p int) func(*actionbot.Action) {
	return func(a *actionbot.Action) { a.Progress = p }
}
func summaryUpdatedOn(t time.Time) func(*actionbot.Action) {
	return func(a *actionbot.Action) { a.LastActivity = t }
}

type summaryWant struct {
	red, amber, green, complete int
	percent                     string // the on-target share, formatted
	status                      actionbot.MeasureStatus
}

func TestOnTargetPerPriority(t *testing.T) {
	// 1 October 2012, half way through the plan year.
	now := time.Date(2012, time.October, 1, 12, 0, 0, 0, ragLondon)
	sept := time.Date(2012, time.September, 20, 10, 0, 0, 0, ragLondon)
	tests := []struct {
		name     string
		priority int
		changes  map[string]func(*actionbot.Action)
		want     summaryWant
	}{
		{"substance misuse untouched", 6, nil,
			// 6.1, 6.2, 6.4, 6.5 overdue; 6.3 ongoing with no update since April.
			summaryWant{red: 4, amber: 1, percent: "0%", status: actionbot.MeasureNotMet}},
		{"substance misuse at 80% misses its 85% target", 6, map[string]func(*actionbot.Action){
			"6.1": summaryDone, "6.2": summaryDone, "6.4": summaryDone, "6.3": summaryUpdatedOn(sept)},
			summaryWant{red: 1, green: 1, complete: 3, percent: "80%", status: actionbot.MeasureNotMet}},
		{"substance misuse at 100% meets it", 6, map[string]func(*actionbot.Action){
			"6.1": summaryDone, "6.2": summaryDone, "6.4": summaryDone, "6.5": summaryDone, "6.3": summaryUpdatedOn(sept)},
			summaryWant{green: 1, complete: 4, percent: "100%", status: actionbot.MeasureMet}},
		{"domestic abuse at 5 of 6 meets its 80% target", 7, map[string]func(*actionbot.Action){
			"7.1": summaryUpdatedOn(sept), "7.2": summaryDone, "7.3": summaryProgress(50), "7.4": summaryDone, "7.5": summaryDone},
			// 7.3: 50% with 183 of 364 days gone is a ratio of 0.99.
			summaryWant{red: 1, green: 2, complete: 3, percent: "83%", status: actionbot.MeasureMet}},
		{"domestic abuse at 4 of 6 misses it", 7, map[string]func(*actionbot.Action){
			"7.1": summaryUpdatedOn(sept), "7.2": summaryDone, "7.3": summaryProgress(40), "7.4": summaryDone, "7.5": summaryDone},
			// 7.3: 40% with half the time gone is behind schedule.
			summaryWant{red: 1, amber: 1, green: 1, complete: 3, percent: "67%", status: actionbot.MeasureNotMet}},
		{"a blocked action is off target however advanced", 7, map[string]func(*actionbot.Action){
			"7.1": summaryUpdatedOn(sept), "7.2": summaryDone, "7.4": summaryDone, "7.5": summaryDone, "7.6": summaryDone,
			"7.3": func(a *actionbot.Action) {
				a.Progress, a.Status, a.Reason = 90, actionbot.StatusBlocked, "programme provider withdrew"
			}},
			summaryWant{red: 1, green: 1, complete: 4, percent: "83%", status: actionbot.MeasureMet}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			plan, priorities, byRef := mustSummaryPlan(t)
			var actions []*actionbot.Action
			for ref, a := range byRef {
				if change := tc.changes[ref]; change != nil {
					change(a)
				}
				actions = append(actions, a)
			}
			sums := actionbot.Summarize(actionbot.DefaultRAGRules(), plan, priorities, actions, actionbot.DateOf(now), now)
			var s *actionbot.PrioritySummary
			for _, x := range sums {
				if x.Priority.Number == tc.priority {
					s = x
				}
			}
			if s == nil {
				t.Fatalf("no summary for priority %d", tc.priority)
			}
			got := summaryWant{red: s.Counts[actionbot.RAGRed], amber: s.Counts[actionbot.RAGAmber], green: s.Counts[actionbot.RAGGreen],
				complete: s.Counts[actionbot.RAGComplete], percent: actionbot.FormatPercent(s.OnTargetPercent())}
			m := s.OnTargetMeasure()
			if m == nil {
				t.Fatalf("priority %d has no on-target measure", tc.priority)
			}
			var actual string
			got.status, actual = s.Evaluate(*m, nil)
			if got != tc.want {
				t.Errorf("priority %d: got %+v, want %+v", tc.priority, got, tc.want)
			}
			if actual != tc.want.percent {
				t.Errorf("the measure's actual is %q, want %q", actual, tc.want.percent)
			}
			if s.OnTarget() != tc.want.green+tc.want.complete {
				t.Errorf("OnTarget() = %d, want %d", s.OnTarget(), tc.want.green+tc.want.complete)
			}
		})
	}
}

func TestSummarizeGroupsInPlanOrder(t *testing.T) {
	plan, priorities, byRef := mustSummaryPlan(t)
	var actions []*actionbot.Action
	for _, a := range byRef { // map order: any order
		actions = append(actions, a)
	}
	stray := &actionbot.Action{Ref: "9.1", Priority: 9, Status: actionbot.StatusDone, Deadline: actionbot.Deadline{Ongoing: true}}
	actions = append(actions, stray)
	now := time.Date(2012, time.July, 2, 9, 0, 0, 0, ragLondon)
	sums := actionbot.Summarize(actionbot.DefaultRAGRules(), plan, priorities, actions, actionbot.DateOf(now), now)

	var numbers []int
	var refs []string
	total := 0
	for _, s := range sums {
		numbers = append(numbers, s.Priority.Number)
		n := 0
		for _, r := range s.Actions {
			refs = append(refs, r.Ref)
			if r.Priority != s.Priority.Number {
				t.Errorf("%s is summarised under priority %d", r.Ref, s.Priority.Number)
			}
		}
		for _, c := range s.Counts {
			n += c
		}
		if n != s.Total() {
			t.Errorf("priority %d: counts add up to %d, %d actions", s.Priority.Number, n, s.Total())
		}
		total += s.Total()
	}
	if want := []int{0, 1, 2, 3, 4, 5, 6, 7, 9}; !slices.Equal(numbers, want) {
		t.Errorf("priorities %v, want %v", numbers, want)
	}
	if !slices.IsSortedFunc(refs, actionbot.CompareRefs) || len(refs) != 43 || total != 43 {
		t.Errorf("actions not in plan order, or some missing (%d): %v", len(refs), refs)
	}
	if sums[0].Total() != 0 || sums[0].Priority.Title != "All recorded crime" {
		t.Errorf("priority 0 should hold the plan-wide measures and no actions: %+v", sums[0])
	}
	if last := sums[len(sums)-1]; last.Priority.Title != "Priority 9" || last.Counts[actionbot.RAGComplete] != 1 {
		t.Errorf("an action of an unknown priority gets a summary of its own: %+v", last)
	}

	all := actionbot.Overall(sums)
	if all.Total() != 43 || all.Priority.Title != "Whole plan" {
		t.Errorf("Overall: %d actions titled %q", all.Total(), all.Priority.Title)
	}
	for _, g := range actionbot.RAGs {
		sum := 0
		for _, s := range sums {
			sum += s.Counts[g]
		}
		if all.Counts[g] != sum {
			t.Errorf("Overall %s = %d, the priorities add up to %d", g, all.Counts[g], sum)
		}
	}
	if got := sums[0].OnTargetPercent(); got != 0 {
		t.Errorf("with no actions the share is %v, want 0", got)
	}
	status, actual := sums[0].Evaluate(actionbot.Measure{Kind: actionbot.MeasureOnTarget, Target: actionbot.Float(80)}, nil)
	if status != actionbot.MeasureNoData || actual != "" {
		t.Errorf("an on-target measure of a priority with no actions is %q %q, want no data", status, actual)
	}
}

func TestMeasureEvaluate(t *testing.T) {
	value := func(v float64) *actionbot.MeasureValue {
		return &actionbot.MeasureValue{Value: v, AsOf: actionbot.D(2012, time.September, 30)}
	}
	reduction2 := actionbot.Measure{Kind: actionbot.MeasureReduction, Target: actionbot.Float(2)}
	tests := []struct {
		name     string
		m        actionbot.Measure
		onTarget float64
		latest   *actionbot.MeasureValue
		status   actionbot.MeasureStatus
		actual   string
	}{
		{"on target above the target", actionbot.Measure{Kind: actionbot.MeasureOnTarget, Target: actionbot.Float(85)}, 100, nil, actionbot.MeasureMet, "100%"},
		{"on target exactly at the target", actionbot.Measure{Kind: actionbot.MeasureOnTarget, Target: actionbot.Float(80)}, 80, nil, actionbot.MeasureMet, "80%"},
		{"on target under the target when rounded", actionbot.Measure{Kind: actionbot.MeasureOnTarget, Target: actionbot.Float(85)}, 84.4, nil, actionbot.MeasureNotMet, "84%"},
		{"on target judged as shown, rounded half up", actionbot.Measure{Kind: actionbot.MeasureOnTarget, Target: actionbot.Float(85)}, 84.5, nil, actionbot.MeasureMet, "85%"},
		{"on target ignores recorded figures", actionbot.Measure{Kind: actionbot.MeasureOnTarget, Target: actionbot.Float(85)}, 40, value(99), actionbot.MeasureNotMet, "40%"},
		{"reduction with no figure", reduction2, 0, nil, actionbot.MeasureNoData, ""},
		{"reduction reaching its target", reduction2, 0, value(2.5), actionbot.MeasureMet, "fell 2.5%"},
		{"reduction short of its target", reduction2, 0, value(1), actionbot.MeasureNotMet, "fell 1%"},
		{"a rise against a reduction", reduction2, 0, value(-1.5), actionbot.MeasureNotMet, "rose 1.5%"},
		{"no change", reduction2, 0, value(0), actionbot.MeasureNotMet, "no change"},
		{"any reduction", actionbot.Measure{Kind: actionbot.MeasureReduction}, 0, value(0.4), actionbot.MeasureMet, "fell 0.4%"},
		{"any reduction, none", actionbot.Measure{Kind: actionbot.MeasureReduction}, 0, value(0), actionbot.MeasureNotMet, "no change"},
		{"increase met", actionbot.Measure{Kind: actionbot.MeasureIncrease, Target: actionbot.Float(10)}, 0, value(12), actionbot.MeasureMet, "rose 12%"},
		{"a fall against an increase", actionbot.Measure{Kind: actionbot.MeasureIncrease, Target: actionbot.Float(10)}, 0, value(-3), actionbot.MeasureNotMet, "fell 3%"},
		{"rate met", actionbot.Measure{Kind: actionbot.MeasurePercentage, Target: actionbot.Float(75)}, 0, value(78), actionbot.MeasureMet, "78%"},
		{"rate not met", actionbot.Measure{Kind: actionbot.MeasurePercentage, Target: actionbot.Float(75)}, 0, value(74.5), actionbot.MeasureNotMet, "74.5%"},
		{"yes", actionbot.Measure{Kind: actionbot.MeasureYesNo}, 0, value(1), actionbot.MeasureMet, "yes"},
		{"no", actionbot.Measure{Kind: actionbot.MeasureYesNo}, 0, value(0), actionbot.MeasureNotMet, "no"},
		{"yes/no with no figure", actionbot.Measure{Kind: actionbot.MeasureYesNo}, 0, nil, actionbot.MeasureNoData, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, actual := tc.m.Evaluate(tc.onTarget, tc.latest)
			if status != tc.status || actual != tc.actual {
				t.Errorf("Evaluate = %q %q, want %q %q", status, actual, tc.status, tc.actual)
			}
		})
	}
}

func TestMeasureTargetLabel(t *testing.T) {
	tests := []struct {
		m    actionbot.Measure
		want string
	}{
		{actionbot.Measure{Kind: actionbot.MeasureOnTarget, Target: actionbot.Float(85)}, "85% on target"},
		{actionbot.Measure{Kind: actionbot.MeasureReduction, Target: actionbot.Float(2)}, "2% reduction"},
		{actionbot.Measure{Kind: actionbot.MeasureReduction}, "any reduction"},
		{actionbot.Measure{Kind: actionbot.MeasureIncrease, Target: actionbot.Float(10)}, "10% increase"},
		{actionbot.Measure{Kind: actionbot.MeasureIncrease}, "any increase"},
		{actionbot.Measure{Kind: actionbot.MeasurePercentage, Target: actionbot.Float(75)}, "75%"},
		{actionbot.Measure{Kind: actionbot.MeasureYesNo}, "achieved"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			if got := tc.m.TargetLabel(); got != tc.want {
				t.Errorf("TargetLabel() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestParseMeasureValue(t *testing.T) {
	tests := []struct {
		name    string
		kind    actionbot.MeasureKind
		in      string
		want    float64
		wantErr string // part of the message; "" for no error
	}{
		// Stored in the measure's direction: a fall is +2.5 for a reduction.
		{"a fall typed with a minus", actionbot.MeasureReduction, "-2.5", 2.5, ""},
		{"a fall with a percent sign", actionbot.MeasureReduction, "-2.5%", 2.5, ""},
		{"a fall in words", actionbot.MeasureReduction, "fell 1.5%", 1.5, ""},
		{"a fall said after the figure", actionbot.MeasureReduction, "1.5% fall", 1.5, ""},
		{"reduced by", actionbot.MeasureReduction, "reduced by 2%", 2, ""},
		{"a rise typed with a plus", actionbot.MeasureReduction, "+1.5", -1.5, ""},
		{"a rise in words", actionbot.MeasureReduction, "rose 2%", -2, ""},
		{"a rise against an increase", actionbot.MeasureIncrease, " +12 ", 12, ""},
		{"a fall against an increase", actionbot.MeasureIncrease, "down 3%", -3, ""},
		{"no change", actionbot.MeasureReduction, "0", 0, ""},
		{"no change in words", actionbot.MeasureIncrease, "no change", 0, ""},
		{"a bare figure has no direction", actionbot.MeasureReduction, "2.5", 0, `"fell 2.5%" for a fall`},
		{"a bare figure against an increase", actionbot.MeasureIncrease, "12", 0, "Did it fall or rise"},
		{"both directions", actionbot.MeasureReduction, "fell +2", 0, "is not a change I can read"},
		{"a rate with a percent sign", actionbot.MeasurePercentage, "82%", 82, ""},
		{"a rate", actionbot.MeasurePercentage, "78", 78, ""},
		{"a rate of 100", actionbot.MeasurePercentage, "100%", 100, ""},
		{"a rate over 100", actionbot.MeasurePercentage, "140", 0, "from 0% to 100%"},
		{"a negative rate", actionbot.MeasurePercentage, "-3", 0, "from 0% to 100%"},
		{"yes", actionbot.MeasureYesNo, "Yes", 1, ""},
		{"achieved", actionbot.MeasureYesNo, "achieved", 1, ""},
		{"no", actionbot.MeasureYesNo, "no", 0, ""},
		{"a number for a yes/no measure", actionbot.MeasureYesNo, "75", 0, "record yes or no"},
		{"words for a figure", actionbot.MeasureReduction, "lots", 0, "is not a change I can read"},
		{"not a number", actionbot.MeasureReduction, "NaN", 0, "is not a change I can read"},
		{"infinity", actionbot.MeasureIncrease, "Inf", 0, "is not a change I can read"},
		{"words for a rate", actionbot.MeasurePercentage, "most", 0, "for example 82%"},
		{"an on-target measure", actionbot.MeasureOnTarget, "85", 0, "worked out from the actions"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := actionbot.ParseMeasureValue(tc.kind, tc.in)
			if tc.wantErr != "" {
				if actionbot.ErrorCode(err) != actionbot.EINVALID || !strings.Contains(actionbot.ErrorMessage(err), tc.wantErr) {
					t.Fatalf("ParseMeasureValue(%q) = %v, %v; want EINVALID saying %q", tc.in, got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParseMeasureValue(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestFormatPercent(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0%"},
		{80, "80%"},
		{100, "100%"},
		{100 * 5.0 / 6, "83%"},
		{100 * 2.0 / 3, "67%"},
		{100 * 1.0 / 7, "14%"},
		{100 * 2.0 / 42, "5%"},
		{100 * 1.0 / 8, "13%"}, // 12.5: half up
		{84.96, "85%"},
		{84.49, "84%"},
		{100 * 3.0 / 10, "30%"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			if got := actionbot.FormatPercent(tc.in); got != tc.want {
				t.Errorf("FormatPercent(%v) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
