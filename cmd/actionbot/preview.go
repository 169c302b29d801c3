package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/reminders"
	"github.com/sevenoaks-csp/actionbot/store"
)

func previewFlags(from, to *string) func(*flag.FlagSet) {
	return func(fs *flag.FlagSet) {
		fs.StringVar(from, "from", "", "preview the volume: simulate the digest and the sweep on each working day from this `date` (with --to), on a copy of the database")
		fs.StringVar(to, "to", "", "the last `date` of the preview")
	}
}

// preview simulates the digest and the sweep over a range of days on a
// copy of the database (reminders.Service.Preview).
func (a *app) preview(ctx context.Context, r *remindRun, fromS, toS string) error {
	if r.post {
		return actionbot.Errorf(actionbot.EUSAGE, "--from and --to preview the volume and send nothing: leave out --post")
	}
	from, err1 := actionbot.ParseISODate(fromS)
	to, err2 := actionbot.ParseISODate(toS)
	if fromS == "" || toS == "" || err1 != nil || err2 != nil || to.Before(from) {
		return actionbot.Errorf(actionbot.EUSAGE, "give both --from and --to as dates, the first not after the last, such as --from 2012-04-02 --to 2013-05-03")
	}
	if from.DaysUntil(to) > 3*366 {
		return actionbot.Errorf(actionbot.EUSAGE, "preview at most three years at a time")
	}
	dir, err := os.MkdirTemp("", "actionbot-preview-")
	if err != nil {
		return fmt.Errorf("preview: %w", err)
	}
	defer os.RemoveAll(dir)
	copyPath := filepath.Join(dir, "preview.db")
	if err := r.db.Backup(ctx, copyPath); err != nil {
		return fmt.Errorf("preview: copy the database: %w", err)
	}
	sim := store.NewDB(copyPath)
	var clock time.Time
	sim.Now = func() time.Time { return clock }
	if err := sim.Open(); err != nil {
		return fmt.Errorf("preview: %w", err)
	}
	defer sim.Close()
	// The simulation's own log is not the coordinator's business: only
	// its counts are.
	svc := remindService(r.rc, r.c, sim, slog.New(slog.DiscardHandler))
	return svc.Preview(ctx, a.stdout, reminders.Preview{From: from, To: to, RemindSpec: r.rc.RemindCron, DigestSpec: r.rc.DigestCron,
		SetClock: func(t time.Time) { clock = t }, DBName: r.c.DB})
}
