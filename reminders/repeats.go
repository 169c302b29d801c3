package reminders

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// RepeatDays is the least time between two bundles to a person that name
// exactly the same items, with nothing about them changed: a bundle that
// would repeat the person's previous one sooner is not sent.
const RepeatDays = 28

// shownHash sums up what a bundle shows of its items, whatever day it is:
// each action, where it stands (a step of the ladder before its deadline,
// due today, overdue, to confirm or move, a check-in, due this week), its
// status, progress, reason, deadline and latest note. Two bundles with the
// same sum tell a person nothing new; the week count of an overdue item is
// left out, as "5 weeks overdue" after "4 weeks overdue" is not news.
func shownHash(e *env, b *Bundle) string {
	items := slices.Clone(b.Items)
	slices.SortFunc(items, func(x, y *Reminder) int {
		switch {
		case x.Action.ID < y.Action.ID:
			return -1
		case x.Action.ID > y.Action.ID:
			return 1
		}
		return 0
	})
	h := fnv.New64a()
	var buf []byte
	for _, r := range items {
		a := r.Action
		buf = strconv.AppendInt(buf[:0], a.ID, 10)
		buf = append(buf, '|')
		buf = append(buf, shownAs(r)...)
		buf = append(buf, '|')
		buf = append(buf, a.Status...)
		buf = append(buf, '|')
		buf = strconv.AppendInt(buf, int64(a.Progress), 10)
		buf = append(buf, '|')
		buf = append(buf, a.Reason...)
		buf = append(buf, '|')
		buf = append(buf, a.Deadline.String()...)
		buf = append(buf, '|')
		if n := e.notes[a.ID]; n != nil {
			buf = strconv.AppendInt(buf, n.ID, 10)
		}
		buf = append(buf, ';')
		h.Write(buf)
	}
	return fmt.Sprintf("%x", h.Sum64())
}

// shownAs is where an item stands, as far as a repeat is concerned.
func shownAs(r *Reminder) string {
	switch {
	case r.Confirm:
		return "confirm"
	case r.Step.Kind == StepCheckIn:
		return "checkin"
	case r.Step.Kind == "":
		return "week"
	case r.Days < 0:
		return "overdue"
	case r.Step.Kind == StepBefore:
		return r.Step.Key()
	}
	return string(r.Step.Kind)
}

// dropRepeats leaves out the direct bundles that would name exactly the
// items of the person's previous bundle, showing the same of each, fewer
// than RepeatDays days after it. Their steps are recorded all the same:
// the next of them goes out when something changes, or RepeatDays after
// the previous bundle.
func (s *Service) dropRepeats(ctx context.Context, e *env, run *Run) error {
	var to []string
	for _, b := range run.Bundles {
		if b.Direct {
			to = append(to, b.To)
		}
	}
	if len(to) == 0 {
		return nil
	}
	prev, err := s.Store.LatestQueuedTo(ctx, fmt.Sprintf("reminders:%d:", e.plan.ID), to)
	if err != nil {
		return err
	}
	kept := run.Bundles[:0]
	for _, b := range run.Bundles {
		if p := prev[b.To]; b.Direct && p != nil && strings.HasSuffix(p.Key, ":"+shownHash(e, b)) &&
			actionbot.DateOf(p.CreatedAt.In(s.Rules.Location)).DaysUntil(e.today) < RepeatDays {
			run.Repeats = append(run.Repeats, b.To)
			continue
		}
		kept = append(kept, b)
	}
	run.Bundles = kept
	return nil
}

// noteText is an item's latest note: "📝 @U0POL1, Mon 5 Nov 2012: “14
// volunteers…”", the note clipped, in a plain span of its own.
func noteText(n *actionbot.AuditEntry, loc *time.Location) actionbot.RichText {
	who := actionbot.Span{Text: n.Actor}
	switch {
	case actionbot.IsEmail(n.Actor):
		who = actionbot.Span{Text: actionbot.MaskEmail(n.Actor)}
	case strings.HasPrefix(n.Actor, "U") || strings.HasPrefix(n.Actor, "W"):
		who = actionbot.Span{User: n.Actor}
	}
	return actionbot.RichText{{Text: "📝 "}, who, {Text: ", " + n.At.In(loc).Format("Mon 2 Jan 2006") + ": “"},
		{Text: actionbot.Clip(n.Note, 140)}, {Text: "”"}}
}
