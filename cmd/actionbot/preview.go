package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
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

// preview simulates the digest and the sweep at their scheduled times on
// each working day of a range, against the current members, on a copy of
// the database (the database itself is not changed), and prints how many
// messages went where: per day, per person and channel, the busiest day
// and the totals. A coordinator runs it before switching reminders on.
func (a *app) preview(ctx context.Context, r *remindRun, fromS, toS string) error {
	if r.post {
		return &usageError{"--from and --to preview the volume and send nothing: leave out --post"}
	}
	from, err1 := actionbot.ParseISODate(fromS)
	to, err2 := actionbot.ParseISODate(toS)
	if fromS == "" || toS == "" || err1 != nil || err2 != nil || to.Before(from) {
		return &usageError{"give both --from and --to as dates, the first not after the last, such as --from 2012-04-02 --to 2013-05-03"}
	}
	if from.DaysUntil(to) > 3*366 {
		return &usageError{"preview at most three years at a time"}
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
	svc := r.rc.service(r.c, sim, slog.New(slog.DiscardHandler))
	at := func(day actionbot.Date, spec, def string) time.Time {
		t, _ := parseAsOf(day.String(), time.Now, r.c.TZ, spec, def)
		return t
	}
	type dayCount struct {
		day              actionbot.Date
		direct, channel  int
		digests, yearEnd int
	}
	var days []dayCount
	perTo := map[string]int{}
	total := dayCount{}
	for d := from; !d.After(to); d = d.AddDays(1) {
		if !r.rc.rules.Calendar.IsWorkingDay(d) {
			continue
		}
		dc := dayCount{day: d}
		if r.rc.digestCron != "" {
			clock = at(d, r.rc.digestCron, reminders.DefaultDigestCron)
			if dg, queued, err := svc.PostDigest(ctx, clock); err != nil {
				return fmt.Errorf("preview: digest of %s: %w", d, err)
			} else if queued {
				dc.digests++
				perTo[dg.Queued.To+" (digest)"]++
			}
		}
		clock = at(d, r.rc.remindCron, reminders.DefaultRemindCron)
		run, err := svc.Sweep(ctx, clock)
		if err != nil {
			return fmt.Errorf("preview: sweep of %s: %w", d, err)
		}
		for _, b := range run.Bundles {
			if !b.Queued {
				continue
			}
			if b.Direct {
				dc.direct++
			} else {
				dc.channel++
			}
			perTo[b.To]++
		}
		for _, m := range run.YearEnd {
			dc.yearEnd++
			perTo[m.To+" (year-end)"]++
		}
		total.direct += dc.direct
		total.channel += dc.channel
		total.digests += dc.digests
		total.yearEnd += dc.yearEnd
		days = append(days, dc)
	}
	w := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(a.stdout, "A preview of %s to %s (%s), with the members registered now, on a copy of %s (nothing was sent or recorded).\n\n",
		from.In(r.c.TZ).Format("Mon 2 Jan 2006"), to.In(r.c.TZ).Format("Mon 2 Jan 2006"), actionbot.Plural(len(days), "working day"), r.c.DB)
	fmt.Fprintln(w, "Day\tDirect\tChannel\tDigest\tYear-end\t")
	busiest := dayCount{}
	for _, dc := range days {
		n := dc.direct + dc.channel + dc.digests + dc.yearEnd
		if n == 0 {
			continue
		}
		if n > busiest.direct+busiest.channel+busiest.digests+busiest.yearEnd {
			busiest = dc
		}
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t\n", dc.day.In(r.c.TZ).Format("Mon 2 Jan 2006"), dc.direct, dc.channel, dc.digests, dc.yearEnd)
	}
	fmt.Fprintf(w, "Total\t%d\t%d\t%d\t%d\t\n", total.direct, total.channel, total.digests, total.yearEnd)
	w.Flush()
	fmt.Fprintf(a.stdout, "\nPer person and channel:\n")
	var tos []string
	for to := range perTo {
		tos = append(tos, to)
	}
	sort.Slice(tos, func(i, j int) bool {
		if perTo[tos[i]] != perTo[tos[j]] {
			return perTo[tos[i]] > perTo[tos[j]]
		}
		return tos[i] < tos[j]
	})
	w = tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	for _, to := range tos {
		prefix := "#"
		if strings.HasPrefix(to, "U") || strings.HasPrefix(to, "W") {
			prefix = "@"
		}
		fmt.Fprintf(w, "  %s%s\t%d\n", prefix, to, perTo[to])
	}
	w.Flush()
	all := total.direct + total.channel + total.digests + total.yearEnd
	if all == 0 {
		fmt.Fprintf(a.stdout, "\nNothing would be sent in that range.\n")
		return nil
	}
	fmt.Fprintf(a.stdout, "\nBusiest day: %s, %s. In all: %s (%d direct, %d channel posts, %d digests and notices, %d year-end).\n",
		busiest.day.In(r.c.TZ).Format("Mon 2 Jan 2006"), actionbot.Plural(busiest.direct+busiest.channel+busiest.digests+busiest.yearEnd, "message"),
		actionbot.Plural(all, "message"), total.direct, total.channel, total.digests, total.yearEnd)
	return nil
}
