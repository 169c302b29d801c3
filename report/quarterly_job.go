package report

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// JobStore is what the quarterly job reads and records.
type JobStore interface {
	QuarterStore
	CurrentPlan(ctx context.Context) (*actionbot.Plan, error)
	QuarterlyRecorded(ctx context.Context, planID int64, quarter string) (bool, error)
	RecordQuarterly(ctx context.Context, planID int64, quarter, file string, msg *actionbot.Outgoing) (bool, error)
}

// QuarterlyJob makes the quarterly monitoring paper on the first working
// day after a quarter ends: the headline goes to the tasking channel and the
// HTML paper is written to a directory, once per quarter however often the
// job runs (the store records it with the queued message). Run is called on
// a schedule (each working morning); it does nothing on other days.
type QuarterlyJob struct {
	Store JobStore
	// Channel is where the headline is posted; "" posts nothing.
	Channel string
	// Dir is where the HTML paper is written; "" writes none.
	Dir string
	// NextWorkingDay returns the first working day after a date (weekends
	// and bank holidays skipped).
	NextWorkingDay func(actionbot.Date) actionbot.Date
	Rules          actionbot.RAGRules
	Logger         *slog.Logger
}

// LateDays is how long after its first working day a quarter's paper is
// still made, when the bot was not running that day.
const LateDays = 14

// QuarterlyRun says what a run did.
type QuarterlyRun struct {
	Quarter actionbot.Quarter
	// Due is the day the quarter's paper is due: the first working day
	// after the quarter.
	Due actionbot.Date
	// Made is true when this run made the paper (false when it is not due,
	// was made before, or falls outside the plan).
	Made bool
	// File is the paper written, "" when none.
	File   string
	Report *Report
}

// Scheduled is Run as a job of the bot's runner, on its instants taken in
// loc: an error is logged (Logger, else slog's default), and the runner
// carries on.
func (j *QuarterlyJob) Scheduled(loc *time.Location) func(ctx context.Context, now time.Time) {
	log := j.Logger
	if log == nil {
		log = slog.Default()
	}
	return func(ctx context.Context, now time.Time) {
		if _, err := j.Run(ctx, now.In(loc)); err != nil {
			log.Error("quarterly report", "err", err)
		}
	}
}

// Run makes the paper of the quarter that ended last, if it is due at now
// and not made yet.
func (j *QuarterlyJob) Run(ctx context.Context, now time.Time) (*QuarterlyRun, error) {
	today := actionbot.DateOf(now)
	q := actionbot.QuarterOf(today).Previous()
	run := &QuarterlyRun{Quarter: q, Due: j.NextWorkingDay(q.Period().End)}
	if today.Before(run.Due) || today.After(run.Due.AddDays(LateDays)) {
		return run, nil
	}
	plan, err := j.Store.CurrentPlan(ctx)
	if err != nil {
		return nil, fmt.Errorf("quarterly report %s: %w", q, err)
	}
	if p := q.Period(); p.End.Before(plan.Period.Start) || p.Start.After(plan.Period.End) {
		return run, nil // not this plan's quarter
	}
	if done, err := j.Store.QuarterlyRecorded(ctx, plan.ID, q.String()); err != nil || done {
		return run, err
	}
	r, err := BuildQuarter(ctx, j.Store, plan, q, now, Options{Rules: j.Rules, Produced: now})
	if err != nil {
		return nil, fmt.Errorf("quarterly report %s: %w", q, err)
	}
	run.Report = r
	if j.Dir != "" {
		if run.File, err = writePaper(j.Dir, FileName(plan, q), r); err != nil {
			return nil, fmt.Errorf("quarterly report %s: %w", q, err)
		}
	}
	var msg *actionbot.Outgoing
	if j.Channel != "" {
		msg = &actionbot.Outgoing{Key: fmt.Sprintf("quarterly:%d:%s", plan.ID, q), Kind: "quarterly", To: j.Channel, Message: QuarterMessage(r, filepath.Base(run.File))}
	}
	if run.Made, err = j.Store.RecordQuarterly(ctx, plan.ID, q.String(), run.File, msg); err != nil {
		return nil, err
	}
	if j.Logger != nil && run.Made {
		j.Logger.Info("quarterly report made", "quarter", q.String(), "file", run.File, "posted", msg != nil)
	}
	return run, nil
}

// FileName is "sevenoaks-district-csp-action-plan-2012-13-2012-Q3.html".
func FileName(plan *actionbot.Plan, q actionbot.Quarter) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(plan.Name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-") + "-" + q.String() + ".html"
}

// writePaper writes the HTML paper to dir/name, whole or not at all: to a
// temporary file in dir, then renamed over name.
func writePaper(dir, name string, r *Report) (string, error) {
	var b bytes.Buffer
	if err := WriteHTML(&b, r); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, "."+name+".*")
	if err != nil {
		return "", fmt.Errorf("write paper to ACTIONBOT_REPORT_DIR: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b.Bytes()); err != nil {
		f.Close()
		return "", fmt.Errorf("write paper %s: %w", name, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", fmt.Errorf("write paper %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("write paper %s: %w", name, err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return "", fmt.Errorf("write paper %s: %w", name, err)
	}
	path := filepath.Join(dir, name)
	if err := os.Rename(f.Name(), path); err != nil {
		return "", fmt.Errorf("write paper %s: %w", name, err)
	}
	return path, nil
}
