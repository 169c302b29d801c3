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
		fmt.Fprintf(w, "The digest for %s has already been posted; it goes out once a working day, so nothing more was queued.\n", actionbot.DateOf(at).In(s.Rules.Location).Format("Mon 2 Jan 2006"))
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
