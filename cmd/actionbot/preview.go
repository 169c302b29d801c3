package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

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
	from, to, err := reminders.ParsePreviewRange(fromS, toS, r.post)
	if err != nil {
		return err
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
