package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/sevenoaks-csp/actionbot/reminders"
	"github.com/sevenoaks-csp/actionbot/store"
)

// preview simulates the digest and the sweep over a range of days on a
// copy of the database (reminders.Service.Preview).
func (a *app) preview(ctx context.Context) error {
	r := a.remind
	dir, err := os.MkdirTemp("", "actionbot-preview-")
	if err != nil {
		return fmt.Errorf("preview: %w", err)
	}
	defer os.RemoveAll(dir)
	copyPath := filepath.Join(dir, "preview.db")
	if err := a.db.Backup(ctx, copyPath); err != nil {
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
	svc := remindService(r.rc, a.c, sim, slog.New(slog.DiscardHandler))
	return svc.Preview(ctx, a.stdout, reminders.Preview{From: r.from, To: r.to, RemindSpec: r.rc.RemindCron, DigestSpec: r.rc.DigestCron,
		SetClock: func(t time.Time) { clock = t }, DBName: a.c.DB})
}
