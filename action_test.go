package actionbot_test

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

func TestParseRef(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"5.2", "5.2", true},
		{"#5.2", "5.2", true},
		{"5.2.", "5.2", true},
		{" 5.2 ", "5.2", true},
		{"05.02", "5.2", true},
		{"1.10", "1.10", true},
		{"2.1.3", "2.1.3", true},
		{"5", "", false},
		{"5.", "", false},
		{".2", "", false},
		{"5..2", "", false},
		{"5.x", "", false},
		{"-5.2", "", false},
		{"", "", false},
		{"#", "", false},
		{"12345.1", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := actionbot.ParseRef(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("ParseRef(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestCompareRefsPlanOrder(t *testing.T) {
	refs := []string{"1.10", "2.1", "1.2", "10.1", "1.1", "4.5", "4.3"}
	sort.Slice(refs, func(i, j int) bool { return actionbot.CompareRefs(refs[i], refs[j]) < 0 })
	want := "1.1 1.2 1.10 2.1 4.3 4.5 10.1"
	if got := strings.Join(refs, " "); got != want {
		t.Fatalf("sorted = %s, want %s", got, want)
	}
}

func openAction() *actionbot.Action {
	dl, _ := actionbot.ParseDeadline("March 2013")
	return &actionbot.Action{Ref: "5.2", Status: actionbot.StatusOpen, Deadline: dl, Original: dl}
}

func TestApply(t *testing.T) {
	now := time.Date(2012, 6, 1, 10, 0, 0, 0, time.UTC)
	june, _ := actionbot.ParseDeadline("June 2013")
	tests := []struct {
		name     string
		setup    func(a *actionbot.Action)
		op       actionbot.Op
		wantCode string // error code, "" for success
		check    func(t *testing.T, a *actionbot.Action, e *actionbot.AuditEntry)
	}{
		{name: "done sets status and 100%", op: actionbot.Op{Verb: actionbot.VerbDone, Note: "evidence"},
			check: func(t *testing.T, a *actionbot.Action, e *actionbot.AuditEntry) {
				if a.Status != actionbot.StatusDone || a.Progress != 100 {
					t.Fatalf("status %s progress %d", a.Status, a.Progress)
				}
				if e.Summary() != "status open → done, progress 0% → 100%" || e.Note != "evidence" {
					t.Fatalf("entry %q note %q", e.Summary(), e.Note)
				}
			}},
		{name: "done twice is unchanged", setup: func(a *actionbot.Action) { a.Status = actionbot.StatusDone }, op: actionbot.Op{Verb: actionbot.VerbDone}, wantCode: actionbot.EUNCHANGED},
		{name: "done clears a block", setup: func(a *actionbot.Action) { a.Status, a.Reason = actionbot.StatusBlocked, "x" }, op: actionbot.Op{Verb: actionbot.VerbDone},
			check: func(t *testing.T, a *actionbot.Action, e *actionbot.AuditEntry) {
				if a.Reason != "" {
					t.Fatalf("reason %q kept", a.Reason)
				}
			}},
		{name: "progress", op: actionbot.Op{Verb: actionbot.VerbProgress, Progress: 60},
			check: func(t *testing.T, a *actionbot.Action, e *actionbot.AuditEntry) {
				if a.Progress != 60 || a.Status != actionbot.StatusOpen {
					t.Fatalf("progress %d status %s", a.Progress, a.Status)
				}
				if c, ok := e.Changed("progress"); !ok || c.From != "0" || c.To != "60" {
					t.Fatalf("change %+v", c)
				}
			}},
		{name: "same progress is unchanged", setup: func(a *actionbot.Action) { a.Progress = 60 }, op: actionbot.Op{Verb: actionbot.VerbProgress, Progress: 60}, wantCode: actionbot.EUNCHANGED},
		{name: "progress over 100", op: actionbot.Op{Verb: actionbot.VerbProgress, Progress: 140}, wantCode: actionbot.EINVALID},
		{name: "progress below 0", op: actionbot.Op{Verb: actionbot.VerbProgress, Progress: -1}, wantCode: actionbot.EINVALID},
		{name: "progress on done action", setup: func(a *actionbot.Action) { a.Status = actionbot.StatusDone }, op: actionbot.Op{Verb: actionbot.VerbProgress, Progress: 50}, wantCode: actionbot.ECONFLICT},
		{name: "note needs text", op: actionbot.Op{Verb: actionbot.VerbNote, Note: "  "}, wantCode: actionbot.EINVALID},
		{name: "note changes nothing but is recorded", op: actionbot.Op{Verb: actionbot.VerbNote, Note: "DVLA contacted"},
			check: func(t *testing.T, a *actionbot.Action, e *actionbot.AuditEntry) {
				if len(e.Changes) != 0 || e.Note != "DVLA contacted" || !a.LastActivity.Equal(now) {
					t.Fatalf("entry %+v last activity %v", e, a.LastActivity)
				}
			}},
		{name: "note too long", op: actionbot.Op{Verb: actionbot.VerbNote, Note: strings.Repeat("é", actionbot.MaxNoteLength+1)}, wantCode: actionbot.EINVALID},
		{name: "note at the limit", op: actionbot.Op{Verb: actionbot.VerbNote, Note: strings.Repeat("é", actionbot.MaxNoteLength)}},
		{name: "blocked needs reason", op: actionbot.Op{Verb: actionbot.VerbBlocked}, wantCode: actionbot.EINVALID},
		{name: "blocked", op: actionbot.Op{Verb: actionbot.VerbBlocked, Note: "vetting"},
			check: func(t *testing.T, a *actionbot.Action, e *actionbot.AuditEntry) {
				if a.Status != actionbot.StatusBlocked || a.Reason != "vetting" {
					t.Fatalf("status %s reason %q", a.Status, a.Reason)
				}
			}},
		{name: "blocked again same reason", setup: func(a *actionbot.Action) { a.Status, a.Reason = actionbot.StatusBlocked, "vetting" }, op: actionbot.Op{Verb: actionbot.VerbBlocked, Note: "vetting"}, wantCode: actionbot.EUNCHANGED},
		{name: "blocked again new reason", setup: func(a *actionbot.Action) { a.Status, a.Reason = actionbot.StatusBlocked, "vetting" }, op: actionbot.Op{Verb: actionbot.VerbBlocked, Note: "venue"},
			check: func(t *testing.T, a *actionbot.Action, e *actionbot.AuditEntry) {
				if c, ok := e.Changed("reason"); !ok || c.From != "vetting" || c.To != "venue" {
					t.Fatalf("change %+v", c)
				}
			}},
		{name: "blocked when done", setup: func(a *actionbot.Action) { a.Status = actionbot.StatusDone }, op: actionbot.Op{Verb: actionbot.VerbBlocked, Note: "x"}, wantCode: actionbot.ECONFLICT},
		{name: "unblock when open", op: actionbot.Op{Verb: actionbot.VerbUnblock}, wantCode: actionbot.EUNCHANGED},
		{name: "unblock", setup: func(a *actionbot.Action) { a.Status, a.Reason = actionbot.StatusBlocked, "x" }, op: actionbot.Op{Verb: actionbot.VerbUnblock},
			check: func(t *testing.T, a *actionbot.Action, e *actionbot.AuditEntry) {
				if a.Status != actionbot.StatusOpen || a.Reason != "" {
					t.Fatalf("status %s reason %q", a.Status, a.Reason)
				}
			}},
		{name: "unblock clears at risk", setup: func(a *actionbot.Action) { a.Status, a.Reason = actionbot.StatusAtRisk, "x" }, op: actionbot.Op{Verb: actionbot.VerbUnblock}},
		{name: "at risk", op: actionbot.Op{Verb: actionbot.VerbAtRisk, Note: "venue"},
			check: func(t *testing.T, a *actionbot.Action, e *actionbot.AuditEntry) {
				if a.Status != actionbot.StatusAtRisk {
					t.Fatalf("status %s", a.Status)
				}
			}},
		{name: "at risk needs reason", op: actionbot.Op{Verb: actionbot.VerbAtRisk}, wantCode: actionbot.EINVALID},
		{name: "reopen needs reason", setup: func(a *actionbot.Action) { a.Status = actionbot.StatusDone }, op: actionbot.Op{Verb: actionbot.VerbReopen}, wantCode: actionbot.EINVALID},
		{name: "reopen open action", op: actionbot.Op{Verb: actionbot.VerbReopen, Note: "x"}, wantCode: actionbot.EUNCHANGED},
		{name: "reopen sets progress below 100", setup: func(a *actionbot.Action) { a.Status, a.Progress = actionbot.StatusDone, 100 }, op: actionbot.Op{Verb: actionbot.VerbReopen, Note: "second round"},
			check: func(t *testing.T, a *actionbot.Action, e *actionbot.AuditEntry) {
				if a.Status != actionbot.StatusOpen || a.Progress != actionbot.ReopenProgress {
					t.Fatalf("status %s progress %d, want open at %d%%", a.Status, a.Progress, actionbot.ReopenProgress)
				}
				if c, ok := e.Changed("progress"); !ok || c.From != "100" || c.To != "90" {
					t.Fatalf("progress change %+v", c)
				}
			}},
		{name: "progress 100 marks it done", setup: func(a *actionbot.Action) { a.Status, a.Reason, a.Progress = actionbot.StatusAtRisk, "venue", 60 }, op: actionbot.Op{Verb: actionbot.VerbProgress, Progress: 100},
			check: func(t *testing.T, a *actionbot.Action, e *actionbot.AuditEntry) {
				if a.Status != actionbot.StatusDone || a.Progress != 100 || a.Reason != "" {
					t.Fatalf("status %s progress %d reason %q, want done at 100%%", a.Status, a.Progress, a.Reason)
				}
				if !strings.Contains(e.Summary(), "→ done") {
					t.Fatalf("entry %q", e.Summary())
				}
			}},
		{name: "progress 99 leaves it open", op: actionbot.Op{Verb: actionbot.VerbProgress, Progress: 99},
			check: func(t *testing.T, a *actionbot.Action, e *actionbot.AuditEntry) {
				if a.Status != actionbot.StatusOpen || a.Progress != 99 {
					t.Fatalf("status %s progress %d", a.Status, a.Progress)
				}
			}},
		{name: "due moves the deadline and keeps the original", op: actionbot.Op{Verb: actionbot.VerbDue, Deadline: june, Note: "late start"},
			check: func(t *testing.T, a *actionbot.Action, e *actionbot.AuditEntry) {
				if a.Deadline.Due != actionbot.D(2013, 6, 30) || a.Original.Due != actionbot.D(2013, 3, 31) || !a.Moved() {
					t.Fatalf("deadline %+v original %+v", a.Deadline, a.Original)
				}
				if c, _ := e.Changed("deadline"); c.From != "March 2013" || c.To != "June 2013" {
					t.Fatalf("change %+v", c)
				}
			}},
		{name: "due to the same date", op: actionbot.Op{Verb: actionbot.VerbDue, Deadline: actionbot.Deadline{Written: "31/03/2013", Due: actionbot.D(2013, 3, 31)}, Note: "x"}, wantCode: actionbot.EUNCHANGED},
		{name: "due needs reason", op: actionbot.Op{Verb: actionbot.VerbDue, Deadline: june}, wantCode: actionbot.EINVALID},
		{name: "snooze", op: actionbot.Op{Verb: actionbot.VerbSnooze, Until: now.Add(7 * 24 * time.Hour)},
			check: func(t *testing.T, a *actionbot.Action, e *actionbot.AuditEntry) {
				if !a.SnoozedUntil.Equal(now.Add(7*24*time.Hour)) || !a.LastActivity.IsZero() {
					t.Fatalf("snoozed until %v, last activity %v", a.SnoozedUntil, a.LastActivity)
				}
			}},
		{name: "snooze repeated a minute later changes nothing", setup: func(a *actionbot.Action) { a.SnoozedUntil = now.Add(3 * 24 * time.Hour) }, op: actionbot.Op{Verb: actionbot.VerbSnooze, Until: now.Add(3*24*time.Hour + time.Minute)}, wantCode: actionbot.EUNCHANGED},
		{name: "snooze a day longer", setup: func(a *actionbot.Action) { a.SnoozedUntil = now.Add(3 * 24 * time.Hour) }, op: actionbot.Op{Verb: actionbot.VerbSnooze, Until: now.Add(4 * 24 * time.Hour)},
			check: func(t *testing.T, a *actionbot.Action, e *actionbot.AuditEntry) {
				if !a.SnoozedUntil.Equal(now.Add(4 * 24 * time.Hour)) {
					t.Fatalf("snoozed until %v", a.SnoozedUntil)
				}
			}},
		{name: "snooze shorter than current", setup: func(a *actionbot.Action) { a.SnoozedUntil = now.Add(10 * 24 * time.Hour) }, op: actionbot.Op{Verb: actionbot.VerbSnooze, Until: now.Add(7 * 24 * time.Hour)}, wantCode: actionbot.EUNCHANGED},
		{name: "unknown verb", op: actionbot.Op{Verb: "explode"}, wantCode: actionbot.EINVALID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := openAction()
			if tc.setup != nil {
				tc.setup(a)
			}
			before := *a
			e, err := a.Apply(tc.op, "U1", now)
			if tc.wantCode != "" {
				if code := actionbot.ErrorCode(err); code != tc.wantCode {
					t.Fatalf("error %v (code %q), want code %q", err, code, tc.wantCode)
				}
				if a.Status != before.Status || a.Progress != before.Progress || a.Reason != before.Reason || a.Deadline != before.Deadline {
					t.Fatalf("action changed on error: %+v", a)
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if e.Actor != "U1" || e.Verb != tc.op.Verb || !e.At.Equal(now) || e.Ref != "5.2" {
				t.Fatalf("entry %+v", e)
			}
			if tc.check != nil {
				tc.check(t, a, e)
			}
		})
	}
}

func TestDirectoryResolvesAliasesAndRoles(t *testing.T) {
	dir := actionbot.NewDirectory([]*actionbot.Agency{
		{Code: "POLICE", Name: "Kent Police", Aliases: []string{"Police"}},
		{Code: "KFRS", Name: "Kent Fire & Rescue Service"},
		{Code: "T&CG", Name: "Tasking and Co-ordination Group"},
		{Code: "TIER12", Name: "Tier 1 & 2 (information and advice) workers"},
	})
	tests := []struct {
		in   string
		want actionbot.Party
		ok   bool
	}{
		{"Police", actionbot.Party{Agency: "POLICE"}, true},
		{"kent police", actionbot.Party{Agency: "POLICE"}, true},
		{"Kent Police (Training)", actionbot.Party{Agency: "POLICE", Role: "Training"}, true},
		{"Kent Fire and Rescue Service", actionbot.Party{Agency: "KFRS"}, true},
		{"kfrs", actionbot.Party{Agency: "KFRS"}, true},
		{"T&CG", actionbot.Party{Agency: "T&CG"}, true},
		{"t and cg", actionbot.Party{Agency: "T&CG"}, true},
		{"Tier 1 & 2 (information and advice) workers", actionbot.Party{Agency: "TIER12"}, true},
		{"Kent Polise", actionbot.Party{}, false},
		{"(Training)", actionbot.Party{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := dir.ResolveParty(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("ResolveParty(%q) = %+v, %v; want %+v, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
	if got := dir.Suggest("Kent Polise", 2); len(got) == 0 || got[0] != "POLICE" {
		t.Fatalf("Suggest = %v, want POLICE first", got)
	}
}

func TestDateArithmetic(t *testing.T) {
	if n := actionbot.D(2012, 3, 24).DaysUntil(actionbot.D(2012, 3, 26)); n != 2 {
		t.Fatalf("days across the clock change = %d, want 2", n)
	}
	if d := actionbot.D(2013, 3, 31).FinancialYear(); d.Start != actionbot.D(2012, 4, 1) || d.End != actionbot.D(2013, 3, 31) {
		t.Fatalf("financial year of 31 Mar 2013 = %v", d)
	}
	if d := actionbot.D(2013, 4, 1).FinancialYear(); d.Label() != "2013-14" {
		t.Fatalf("label = %s", d.Label())
	}
	if _, err := actionbot.ParsePeriod("2015-04-01..2016-03-31"); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"2015-04-01", "2016-03-31..2015-04-01", "x..y"} {
		if _, err := actionbot.ParsePeriod(bad); actionbot.ErrorCode(err) != actionbot.EINVALID {
			t.Errorf("ParsePeriod(%q) error = %v, want EINVALID", bad, err)
		}
	}
}

func TestSnoozeHistoryReadsInWords(t *testing.T) {
	london := mustLondon(t)
	for _, tc := range []struct {
		name     string
		from, to string
		want     string
	}{
		{"a first snooze", "", "2026-12-03T12:13:58Z", "reminders held until Thu 3 Dec"},
		{"a longer one", "2026-12-03T12:13:58Z", "2026-12-10T09:00:00Z", "reminders held until Thu 10 Dec (were held until Thu 3 Dec)"},
		{"late in a summer evening is the next day in London", "", "2026-06-03T23:30:00Z", "reminders held until Thu 4 Jun"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &actionbot.AuditEntry{Verb: actionbot.VerbSnooze, Changes: []actionbot.Change{{Field: "snoozed_until", From: tc.from, To: tc.to}}}
			if got := e.SummaryIn(london); got != tc.want {
				t.Errorf("SummaryIn = %q, want %q", got, tc.want)
			}
			if strings.Contains(e.Summary(), "T12:13") || strings.Contains(e.Summary(), "—") {
				t.Errorf("Summary = %q: still a timestamp", e.Summary())
			}
		})
	}
}

func mustLondon(tb testing.TB) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

func TestDescribeDeadlineSaysWhatEachFormMeans(t *testing.T) {
	tests := []struct{ written, want string }{
		{"March 2013", "March 2013 (31 Mar 2013)"},
		{"On going", "Ongoing"},
		{"Monthly", "Monthly (ongoing, checked monthly)"},
		{"Adoption from April 2026", "Adoption from April 2026 (ongoing from 1 Apr 2026)"},
		{"Ongoing to 2027", "Ongoing to 2027 (ongoing until 31 Dec 2027)"},
		{"TBC", "TBC"},
	}
	for _, tc := range tests {
		dl, _ := actionbot.ReadDeadline(tc.written)
		if got := actionbot.DescribeDeadline(dl); got != tc.want {
			t.Errorf("DescribeDeadline(%q) = %q, want %q", tc.written, got, tc.want)
		}
	}
}
