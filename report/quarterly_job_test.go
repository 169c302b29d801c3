package report_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/calendar"
	"github.com/sevenoaks-csp/actionbot/report"
)

func mustCalendar(tb testing.TB) *calendar.Calendar {
	tb.Helper()
	cal, err := calendar.Embedded(calendar.DefaultDivision)
	if err != nil {
		tb.Fatal(err)
	}
	return cal
}

// TestQuarterlyJobPostsOnTheFirstWorkingDayAfterTheQuarter runs the job on
// the days around the end of 2012-Q3: New Year's Day is a bank holiday, so
// the paper is made on Wednesday 2 January 2013, once, however often the
// job runs; the headline is queued for the tasking channel and the HTML
// written to the report directory.
func TestQuarterlyJobPostsOnTheFirstWorkingDayAfterTheQuarter(t *testing.T) {
	f := mustReportFixture(t)
	f.mustDo(t, quarterYear(t)...)
	dir := t.TempDir()
	job := &report.QuarterlyJob{Store: f.db, Channel: "CTASKING", Dir: dir, NextWorkingDay: mustCalendar(t).NextWorkingDay}
	tests := []struct {
		at      time.Time
		made    bool
		quarter string
	}{
		{london(2012, time.December, 31, 18, 0), false, "2012-Q2"}, // Q2's paper was due on 1 October
		{london(2013, time.January, 1, 8, 30), false, "2012-Q3"},   // a bank holiday
		{london(2013, time.January, 2, 8, 30), true, "2012-Q3"},
		{london(2013, time.January, 2, 12, 0), false, "2012-Q3"}, // made already
		{london(2013, time.January, 3, 8, 30), false, "2012-Q3"},
	}
	for _, tc := range tests {
		f.clock.Set(tc.at)
		run, err := job.Run(context.Background(), tc.at)
		if err != nil {
			t.Fatalf("run at %s: %v", tc.at, err)
		}
		if run.Made != tc.made || run.Quarter.String() != tc.quarter || run.Due != actionbot.D(2013, time.January, 2) && tc.quarter == "2012-Q3" {
			t.Errorf("run at %s: made %v for %s due %s; want made %v for %s", tc.at.Format(time.RFC3339), run.Made, run.Quarter, run.Due, tc.made, tc.quarter)
		}
	}
	queued, err := f.db.Outgoing(context.Background(), actionbot.OutboxPending, 100)
	if err != nil {
		t.Fatal(err)
	}
	var posts []*actionbot.Outgoing
	for _, o := range queued {
		if o.Kind == "quarterly" {
			posts = append(posts, o)
		}
	}
	if len(posts) != 1 {
		t.Fatalf("%d quarterly posts queued, want 1", len(posts))
	}
	file := filepath.Join(dir, "sevenoaks-district-csp-action-plan-2012-13-2012-Q3.html")
	if p := posts[0]; p.To != "CTASKING" || !strings.HasPrefix(p.Message.Text, "Q3 2012-13 (October to December 2012): ") ||
		!strings.Contains(p.Message.Text, "2 completed, ") || !strings.Contains(p.Message.Blocks[len(p.Message.Blocks)-1].Text.Plain(), "The board paper is "+filepath.Base(file)+".") {
		t.Errorf("the post: to %s, %q, %q", p.To, p.Message.Text, p.Message.Blocks[len(p.Message.Blocks)-1].Text.Plain())
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("the paper was not written: %v", err)
	}
	if !strings.Contains(string(b), "<h2>This quarter: Q3 2012-13 (October to December 2012)</h2>") || !strings.Contains(string(b), "As recorded by the partners on 31 Dec 2012; produced on 2 Jan 2013") {
		t.Error("the paper written is not the quarter's")
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		t.Errorf("the report directory holds %d files (%v), want just the paper", len(entries), err)
	}
}

func TestQuarterlyJobWithNoChannelOrDirectoryRecordsTheQuarterOnly(t *testing.T) {
	f := mustReportFixture(t)
	job := &report.QuarterlyJob{Store: f.db, NextWorkingDay: mustCalendar(t).NextWorkingDay}
	at := london(2012, time.October, 1, 9, 0) // Monday, the first working day after Q2
	f.clock.Set(at)
	run, err := job.Run(context.Background(), at)
	if err != nil || !run.Made || run.File != "" || run.Quarter.String() != "2012-Q2" {
		t.Fatalf("run: %+v, %v; want Q2 made, no file", run, err)
	}
	if queued, err := f.db.Outgoing(context.Background(), actionbot.OutboxPending, 10); err != nil || len(queued) != 0 {
		t.Errorf("%d messages queued with no channel (%v)", len(queued), err)
	}
	if again, err := job.Run(context.Background(), at.Add(time.Hour)); err != nil || again.Made {
		t.Errorf("a second run made it again: %+v, %v", again, err)
	}
}

// As a job of the runner, the paper is made on the runner's instant taken
// in the plan's zone, and a failure is logged, not returned.
func TestQuarterlyJobScheduledMakesThePaperAndLogsAFailure(t *testing.T) {
	f := mustReportFixture(t)
	var logs strings.Builder
	job := &report.QuarterlyJob{Store: f.db, NextWorkingDay: mustCalendar(t).NextWorkingDay, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	at := london(2012, time.October, 1, 9, 0) // Monday, the first working day after Q2
	f.clock.Set(at)
	job.Scheduled(time.UTC)(context.Background(), at)
	if again, err := job.Run(context.Background(), at.Add(time.Hour)); err != nil || again.Made {
		t.Errorf("the scheduled run did not make the paper: %+v, %v", again, err)
	}
	f.db.Close()
	job.Scheduled(time.UTC)(context.Background(), london(2013, time.January, 2, 9, 0))
	if !strings.Contains(logs.String(), "quarterly report") {
		t.Errorf("a failure was not logged: %q", logs.String())
	}
}
