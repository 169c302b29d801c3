package reminders

import (
	"context"
	"fmt"
	"time"
)

// RunNext is the console's /next: the clock jumps (jump) from now to the
// next run of the digest or the reminders' sweep, which is made there and
// then (the scheduler on the console's clock would make it a moment later;
// a run made twice sends nothing twice). It says what ran.
func (s *Scheduler) RunNext(ctx context.Context, now time.Time, jump func(time.Time)) (string, error) {
	type run struct {
		name string
		spec string
		do   func(context.Context)
	}
	var best time.Time
	var next run
	for _, r := range []run{{"the reminders' sweep", s.RemindSpec, s.Sweep}, {"the daily tasking digest", s.DigestSpec, s.Digest}} {
		if r.spec == "" {
			continue
		}
		sched, err := ParseSchedule(r.spec)
		if err != nil {
			return "", fmt.Errorf("%s schedule %q: %w", r.name, r.spec, err)
		}
		if t := sched.Next(now); !t.IsZero() && (best.IsZero() || t.Before(best)) {
			best, next = t, r
		}
	}
	if best.IsZero() {
		return "Nothing is scheduled: the digest and the reminders are off.", nil
	}
	jump(best)
	next.do(ctx)
	return fmt.Sprintf("⏩ The clock is now %s: %s ran. What it sent is printed as it goes out.", WhenText(best.In(s.Service.Rules.Location)), next.name), nil
}
