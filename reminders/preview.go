package reminders

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// Preview is a simulation of the digest and the sweep at their scheduled
// times on each working day of a range, against the current members, run
// by Service.Preview on a copy of the database.
type Preview struct {
	From, To actionbot.Date
	// RemindSpec and DigestSpec are the schedules; DigestSpec is empty
	// when the digest is off.
	RemindSpec, DigestSpec string
	// SetClock sets the clock of the copy the service works on: each run
	// is recorded at its own instant.
	SetClock func(time.Time)
	// DBName is the database copied, for the heading.
	DBName string
}

// Preview runs p on s, whose store is a copy of the database (the
// database itself is not changed), and writes how many messages went
// where: per day, per person and channel, the busiest day and the totals.
// A coordinator runs it before switching reminders on.
func (s *Service) Preview(ctx context.Context, w io.Writer, p Preview) error {
	from, to, loc := p.From, p.To, s.Rules.Location
	type dayCount struct {
		day              actionbot.Date
		direct, channel  int
		digests, yearEnd int
	}
	var days []dayCount
	perTo := map[string]int{}
	total := dayCount{}
	for d := from; !d.After(to); d = d.AddDays(1) {
		if !s.Rules.Calendar.IsWorkingDay(d) {
			continue
		}
		dc := dayCount{day: d}
		if p.DigestSpec != "" {
			at := RunOn(d, loc, p.DigestSpec, DefaultDigestCron)
			p.SetClock(at)
			if dg, queued, err := s.PostDigest(ctx, at); err != nil {
				return fmt.Errorf("preview: digest of %s: %w", d, err)
			} else if queued {
				dc.digests++
				perTo[dg.Queued.To+" (digest)"]++
			}
		}
		at := RunOn(d, loc, p.RemindSpec, DefaultRemindCron)
		p.SetClock(at)
		run, err := s.Sweep(ctx, at)
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
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "A preview of %s to %s (%s), with the members registered now, on a copy of %s (nothing was sent or recorded).\n\n",
		from.In(loc).Format("Mon 2 Jan 2006"), to.In(loc).Format("Mon 2 Jan 2006"), actionbot.Plural(len(days), "working day"), p.DBName)
	fmt.Fprintln(tw, "Day\tDirect\tChannel\tDigest\tYear-end\t")
	busiest := dayCount{}
	for _, dc := range days {
		n := dc.direct + dc.channel + dc.digests + dc.yearEnd
		if n == 0 {
			continue
		}
		if n > busiest.direct+busiest.channel+busiest.digests+busiest.yearEnd {
			busiest = dc
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t\n", dc.day.In(loc).Format("Mon 2 Jan 2006"), dc.direct, dc.channel, dc.digests, dc.yearEnd)
	}
	fmt.Fprintf(tw, "Total\t%d\t%d\t%d\t%d\t\n", total.direct, total.channel, total.digests, total.yearEnd)
	tw.Flush()
	fmt.Fprintf(w, "\nPer person and channel:\n")
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
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, to := range tos {
		prefix := "#"
		if strings.HasPrefix(to, "U") || strings.HasPrefix(to, "W") {
			prefix = "@"
		}
		fmt.Fprintf(tw, "  %s%s\t%d\n", prefix, to, perTo[to])
	}
	tw.Flush()
	all := total.direct + total.channel + total.digests + total.yearEnd
	if all == 0 {
		fmt.Fprintf(w, "\nNothing would be sent in that range.\n")
		return nil
	}
	fmt.Fprintf(w, "\nBusiest day: %s, %s. In all: %s (%d direct, %d channel posts, %d digests and notices, %d year-end).\n",
		busiest.day.In(loc).Format("Mon 2 Jan 2006"), actionbot.Plural(busiest.direct+busiest.channel+busiest.digests+busiest.yearEnd, "message"),
		actionbot.Plural(all, "message"), total.direct, total.channel, total.digests, total.yearEnd)
	return nil
}

// RunOn is the first time on day (in loc) that the first of specs that
// runs that day runs; noon when none does. An empty spec is skipped.
func RunOn(day actionbot.Date, loc *time.Location, specs ...string) time.Time {
	for _, spec := range specs {
		if spec == "" {
			continue
		}
		if sc, err := ParseSchedule(spec); err == nil {
			if t, ok := FirstRunOn(sc, day, loc); ok {
				return t
			}
		}
	}
	return day.At(12, 0, loc)
}

// ParseInstant reads an instant in the partnership's time zone (--as-of):
// a date and time ("2012-11-05T08:30"), an RFC 3339 instant, or a date
// alone, meaning the first time sched runs that day (or def's, when sched
// does not run then; RunOn). Empty means now. Its only error, a mistake on
// the command line (EUSAGE), says what to write instead.
func ParseInstant(s string, now func() time.Time, loc *time.Location, sched, def string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return now().In(loc), nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(loc), nil
	}
	day, err := actionbot.ParseISODate(s)
	if err != nil {
		return time.Time{}, actionbot.Errorf(actionbot.EUSAGE, "--as-of %q: give a date and time in ACTIONBOT_TZ such as 2012-11-05T08:30, or a date such as 2012-11-05", s)
	}
	return RunOn(day, loc, sched, def), nil
}
