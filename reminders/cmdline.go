package reminders

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// DigestAccount is the command line's digest at an instant (at): without
// post, the digest as it would be posted; with post, the digest recorded
// and queued, once a working day. It writes to w what it did, each message
// through render (the console's plain text), and returns the messages it
// queued, for the caller to deliver; none when nothing was queued. wall is
// the wall clock's now: an earlier morning's digest is said to read the
// plan as it is now.
func (s *Service) DigestAccount(ctx context.Context, w io.Writer, at time.Time, post bool, wall time.Time, render func(actionbot.Message) string) ([]*actionbot.Outgoing, error) {
	if _, err := s.DigestDay(at); err != nil {
		fmt.Fprintln(w, actionbot.ErrorMessage(err))
		if post {
			return nil, actionbot.Errorf(actionbot.EINVALID, "Nothing was posted.")
		}
		return nil, nil
	}
	if !post {
		d, err := s.BuildDigest(ctx, at)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(w, "The digest for %s, as it would be posted to %s:\n\n%s", WhenText(at), digestChannelText(s.DigestChannel), render(d.Message))
		if at.Before(wall.Add(-time.Hour)) {
			// The digest reads the plan as it is now: an earlier morning's
			// digest shows today's statuses with that morning's day counts.
			fmt.Fprintln(w, "\nNote: this is the plan as it is now, counted from that morning: changes made since then are in it. For the plan as it stood then, run actionbot report --as-of that day.")
		}
		return nil, nil
	}
	d, queued, err := s.PostDigest(ctx, at)
	if err != nil {
		return nil, err
	}
	if d != nil && d.Skip {
		fmt.Fprintf(w, "%s\nThe plan has ended: there is no digest today; this short notice goes out instead on the week's first working day.\n", render(d.Message))
		return nil, nil
	}
	if !queued {
		fmt.Fprintf(w, "The digest for %s was queued earlier; it goes out once a working day, so nothing more was queued.\n", actionbot.DateOf(at).In(s.Rules.Location).Format("Mon 2 Jan 2006"))
		return nil, nil
	}
	msgs := append([]*actionbot.Outgoing{d.Queued}, d.QueuedAlso...)
	if len(d.QueuedAlso) == 0 {
		fmt.Fprintf(w, "%s\nPosting to #%s.\n", render(d.Message), s.DigestChannel)
	} else {
		var to []string
		for _, o := range msgs {
			to = append(to, o.Destination())
		}
		fmt.Fprintf(w, "%s\nSending to %s.\n", render(d.Message), strings.Join(to, ", "))
	}
	return msgs, nil
}

func digestChannelText(ch string) string {
	if ch == "" {
		return "no channel (ACTIONBOT_DIGEST_CHANNEL is not set)"
	}
	return "#" + ch
}

// ParsePreviewRange reads remind's --from and --to, the days a preview of
// the volume simulates (Service.Preview): both dates, the first not after
// the last, at most three years apart, and never with --post (post), since
// a preview sends nothing. Every refusal is an EUSAGE error.
func ParsePreviewRange(fromS, toS string, post bool) (from, to actionbot.Date, err error) {
	if post {
		return from, to, actionbot.Errorf(actionbot.EUSAGE, "--from and --to preview the volume and send nothing: leave out --post")
	}
	from, err1 := actionbot.ParseISODate(fromS)
	to, err2 := actionbot.ParseISODate(toS)
	if fromS == "" || toS == "" || err1 != nil || err2 != nil || to.Before(from) {
		return from, to, actionbot.Errorf(actionbot.EUSAGE, "give both --from and --to as dates, the first not after the last, such as --from 2012-04-02 --to 2013-05-03")
	}
	if from.DaysUntil(to) > 3*366 {
		return from, to, actionbot.Errorf(actionbot.EUSAGE, "preview at most three years at a time")
	}
	return from, to, nil
}

// SweepAccount is the remind command's account of the sweep at at: with
// post the sweep is made (Sweep) and the messages it queued returned,
// else what is due is found (Due) and nothing recorded. Action text may
// hold what a terminal would obey, stored before text was cleaned at the
// door: the account is written escaped.
func (s *Service) SweepAccount(ctx context.Context, w io.Writer, at time.Time, post bool, render func(actionbot.Message) string) ([]*actionbot.Outgoing, error) {
	sweep := s.Due
	if post {
		sweep = s.Sweep
	}
	run, err := sweep(ctx, at)
	if run == nil {
		return nil, err
	}
	var account strings.Builder
	run.WriteAccount(&account, render, post)
	io.WriteString(w, actionbot.PrintableCSV(account.String()))
	if err != nil || !post {
		return nil, err
	}
	return run.Messages(), nil
}
