// Package outbox delivers the outbox: one loop, Sender, for every
// transport. A message queued in the outbox (actionbot.Outgoing) belongs to
// an owner — Slack's, the mail server's, or one console run's — and each
// owner's messages go out through that owner's Transport:
//
//	cmd/actionbot            wires one Sender per owner, on the bot's clock
//	     │
//	bot, mail, console       the transports: bot.Transport posts to Slack (Slack's
//	     │                   text format is known only there), mail.Transport sends
//	     │                   through SMTP, console.Transport prints
//	     │
//	outbox (this package)    Sender: reads each recipient's oldest due message,
//	     │                   paces, claims, records the outcome, backs off, gives up
//	     │
//	actionbot (root)         Outgoing, OutboxState
//
// The store (store.DB) gives the Sender its Store; the Sender knows no
// transport's format and no SQL.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// Store is what the Sender needs of the outbox (store.DB).
type Store interface {
	// OutboxHeads returns, for each recipient of owner's messages, its
	// oldest message still to deliver when due by now (a 'sending' one only
	// once its claim has lapsed), oldest first, at most limit.
	OutboxHeads(ctx context.Context, owner string, now time.Time, limit int) ([]*actionbot.Outgoing, error)
	// ClaimOutgoing marks an owner's message 'sending' to channel from at
	// (the sender's clock, which reads the lease too): a pending one when
	// lapsed is zero, else a 'sending' one whose claim made at lapsed has
	// lapsed. ECONFLICT when another sender claimed it.
	ClaimOutgoing(ctx context.Context, owner string, id int64, channel string, lapsed, at time.Time) error
	// MarkSent records a message sent, to channel, as ref on the transport.
	MarkSent(ctx context.Context, id int64, channel, ref string) error
	// ReleaseOutgoing puts a message back to 'pending', to be tried at
	// next; count says whether this was a failed attempt.
	ReleaseOutgoing(ctx context.Context, id int64, cause string, next time.Time, count bool) error
	// MarkRetry leaves a message 'sending' (it may have got through) and
	// sets when to try again.
	MarkRetry(ctx context.Context, id int64, cause string, next time.Time) error
	// MarkFailed records that a message will not be delivered.
	MarkFailed(ctx context.Context, id int64, cause string) error
}

// Transport sends an owner's messages: Slack's API, an SMTP server, a
// console's output.
type Transport interface {
	// Owner is whose messages it sends ("slack", "mail", "console:…").
	Owner() string
	// Name names it in the log ("slack sender").
	Name() string
	// Send delivers a claimed message to channel (Where's answer, or where
	// an interrupted attempt went): where it went and its reference there,
	// or why not. It is not cut short by ctx's end.
	Send(ctx context.Context, m *actionbot.Outgoing, channel string) (Sent, *Failure)
}

// Router is a Transport whose messages go to a conversation it must find
// before a message is claimed (Slack: a person's direct-message channel).
type Router interface {
	Where(ctx context.Context, m *actionbot.Outgoing) (channel string, f *Failure)
}

// Finder is a Transport that can tell whether an interrupted attempt got
// through (Slack: the message carries its outbox key). Its 'sending'
// messages are looked for before they are sent again; a transport that
// cannot look (SMTP) claims them again and sends them again.
type Finder interface {
	Find(ctx context.Context, m *actionbot.Outgoing) (ref string, found bool, f *Failure)
}

// Sent is where a message went and its reference on the transport (a
// Slack ts, an e-mail's Message-ID).
type Sent struct {
	Channel, Ref string
	// Note, when set, is logged at Info instead of the routine line.
	Note string
}

// Failure is why a message did not go, as its transport judges it.
type Failure struct {
	// Cause is what went wrong, recorded for a coordinator.
	Cause string
	// Last is the error alone, for "gave up after N attempts; last: …";
	// Cause when empty.
	Last string
	// Permanent: no retry will change it. The message fails with Cause.
	Permanent bool
	// Wait: the transport asked to wait this long; it is not a failed
	// attempt.
	Wait time.Duration
	// Unsure: the message may have got through. It stays 'sending' and is
	// looked for (Finder) before it is sent again.
	Unsure bool
	// GiveUpNote is added to the cause when the message is given up.
	GiveUpNote string
	// Untried: nothing reached the transport; the pace is not spent.
	Untried bool
	// Then runs after the failure is recorded (mail: tell the
	// coordinators of a refused address).
	Then func(ctx context.Context)
}

// Defaults of a Sender.
const (
	DefaultPoll        = time.Second
	DefaultMaxAttempts = 12
	DefaultBaseBackoff = 5 * time.Second
	DefaultMaxBackoff  = 10 * time.Minute
	DefaultTimeout     = 15 * time.Second // half store.SendingLease: mail.TestAClaimOutlastsTheLongestSend
)

// Sender delivers one owner's messages through its Transport: each
// recipient's messages in the order they were queued, at most one per Pace
// (per recipient, or for all), each claimed ('sending') before it is sent
// and recorded after, transient failures retried with capped exponential
// backoff, permanent ones and those tried MaxAttempts times recorded as
// failed where `/action admin failed` shows them.
type Sender struct {
	Store     Store
	Transport Transport
	Logger    *slog.Logger
	// Now is the bot's clock; required. After waits (time.After when nil):
	// tests replace both and never sleep.
	Now   func() time.Time
	After func(d time.Duration) <-chan time.Time

	// Pace is the least time between two sends: to one recipient when
	// PerRecipient (a recipient sent to within Pace is left for a later
	// pass), else to anyone (the pass waits it out). Zero: no pace.
	Pace         time.Duration
	PerRecipient bool
	// InOrder sends one message per read of the outbox, so that messages
	// go in the order they were queued across recipients too (a console's
	// output reads in order).
	InOrder     bool
	Poll        time.Duration // how often the outbox is read
	MaxAttempts int           // failed attempts before a message is given up
	BaseBackoff time.Duration // the first retry's wait, doubled each time…
	MaxBackoff  time.Duration // …up to this
	Timeout     time.Duration // one call to the transport

	mu   sync.Mutex
	last map[string]time.Time // recipient ("" when not PerRecipient) → last send
	wake chan struct{}
}

// errNoClock: a Sender is given the bot's clock.
var errNoClock = errors.New("outbox: the sender has no clock (Sender.Now)")

func (s *Sender) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

func (s *Sender) after(d time.Duration) <-chan time.Time {
	if s.After != nil {
		return s.After(d)
	}
	return time.After(d)
}

func durOr(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// Notify wakes the sender to read the outbox now: the wiring has the store
// call it when a change queues messages (store.DB.WakeOnQueue), so that an
// announcement leaves at once, not at the next poll.
func (s *Sender) Notify() {
	s.mu.Lock()
	if s.wake == nil {
		s.wake = make(chan struct{}, 1)
	}
	w := s.wake
	s.mu.Unlock()
	select {
	case w <- struct{}{}:
	default:
	}
}

// Waker is the store's hook for a change that queues messages
// (store.DB.WakeOnQueue).
type Waker interface{ WakeOnQueue(wake func()) }

// RunAll runs every sender that is not nil until ctx is done, each
// finishing the send in hand, with w waking them all when a change queues
// messages, so that announcements leave at once.
func RunAll(ctx context.Context, w Waker, senders ...*Sender) {
	senders = slices.DeleteFunc(senders, func(s *Sender) bool { return s == nil })
	w.WakeOnQueue(func() {
		for _, s := range senders {
			s.Notify()
		}
	})
	defer w.WakeOnQueue(nil)
	var wg sync.WaitGroup
	for _, s := range senders {
		wg.Go(func() { s.Run(ctx) })
	}
	wg.Wait()
}

// Run delivers until ctx is done. A send in progress when ctx ends is
// finished (or times out) and its outcome recorded before Run returns.
func (s *Sender) Run(ctx context.Context) error {
	if s.Now == nil {
		return errNoClock
	}
	s.Notify() // create the wake channel
	for {
		n, recorded, err := s.step(ctx)
		if err != nil && ctx.Err() == nil {
			s.log().Error(s.Transport.Name()+": read the outbox", "err", err)
		}
		// After sending, the next message is due one pace later (at once
		// without a pace, when an outcome was recorded); otherwise read the
		// outbox again after Poll.
		wait := durOr(s.Poll, DefaultPoll)
		if n > 0 && (s.Pace > 0 || recorded > 0) {
			wait = min(wait, s.Pace)
		}
		if wait <= 0 {
			if ctx.Err() != nil {
				return nil
			}
			continue
		}
		s.mu.Lock()
		wake := s.wake
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		case <-s.after(wait):
		}
	}
}

// Step makes one pass over the outbox: for each recipient whose oldest
// undelivered message is due, it sends that message, pacing as Pace says.
// It returns how many it handled, and stops between messages when ctx ends.
func (s *Sender) Step(ctx context.Context) (int, error) {
	n, _, err := s.step(ctx)
	return n, err
}

// step is Step, saying also how many outcomes it recorded.
func (s *Sender) step(ctx context.Context) (n, recorded int, err error) {
	if s.Now == nil {
		return 0, 0, errNoClock
	}
	limit := 100
	if s.InOrder {
		limit = 1
	}
	heads, err := s.Store.OutboxHeads(ctx, s.Transport.Owner(), s.Now(), limit)
	if err != nil {
		return 0, 0, err
	}
	for _, m := range heads {
		if ctx.Err() != nil {
			break
		}
		if !s.paced(ctx, m) {
			continue
		}
		if ctx.Err() != nil {
			break
		}
		if s.deliver(ctx, m) {
			recorded++
		}
		n++
	}
	return n, recorded, nil
}

// Drain steps until no message is due, or none could be recorded: what a
// console shows at once.
func (s *Sender) Drain(ctx context.Context) error {
	for {
		_, recorded, err := s.step(ctx)
		if err != nil || recorded == 0 || ctx.Err() != nil {
			return err
		}
	}
}

// paced reports whether m may be sent now: when the pace is per recipient,
// whether its recipient was sent to more than Pace ago; otherwise it
// waits out the pace first (false only when ctx ends meanwhile).
func (s *Sender) paced(ctx context.Context, m *actionbot.Outgoing) bool {
	if s.Pace <= 0 {
		return true
	}
	key := ""
	if s.PerRecipient {
		key = m.To
	}
	s.mu.Lock()
	last, sent := s.last[key]
	s.mu.Unlock()
	if !sent {
		return true
	}
	wait := s.Pace - s.Now().Sub(last)
	if wait <= 0 {
		return true
	}
	if s.PerRecipient {
		return false
	}
	select {
	case <-ctx.Done():
		return false
	case <-s.after(wait):
		return true
	}
}

func (s *Sender) spent(m *actionbot.Outgoing) {
	key := ""
	if s.PerRecipient {
		key = m.To
	}
	s.mu.Lock()
	if s.last == nil {
		s.last = map[string]time.Time{}
	}
	s.last[key] = s.Now()
	s.mu.Unlock()
}

// deliver sends one message and records the outcome, saying whether it
// did. Calls to the transport are not cut short by ctx: once begun, a send
// is finished and recorded.
func (s *Sender) deliver(ctx context.Context, m *actionbot.Outgoing) bool {
	rctx := context.WithoutCancel(ctx)
	tctx, cancel := context.WithTimeout(rctx, durOr(s.Timeout, DefaultTimeout))
	defer cancel()
	name, owner := s.Transport.Name(), s.Transport.Owner()
	channel := m.Channel
	finder, finds := s.Transport.(Finder)
	switch {
	case m.State == actionbot.OutboxSending && finds:
		// An interrupted attempt: look for it before sending it again.
		ref, found, f := finder.Find(tctx, m)
		if f != nil {
			return s.failed(rctx, m, f)
		}
		if found {
			if err := s.Store.MarkSent(rctx, m.ID, channel, ref); err != nil {
				s.log().Error(name+": record a send", "id", m.ID, "err", err)
				return false
			}
			s.log().Info(name+": an interrupted attempt had got through; recorded, not sent again", "id", m.ID, "kind", m.Kind, "channel", channel)
			return true
		}
		// Not there: claim it again before sending, on the lapsed claim
		// as read, so that of two senders that both looked and found
		// nothing (a serving bot and a --post run) one sends it.
		if !m.ClaimedAt.IsZero() {
			if err := s.Store.ClaimOutgoing(rctx, owner, m.ID, channel, m.ClaimedAt, s.Now()); actionbot.ErrorCode(err) == actionbot.ECONFLICT {
				s.log().Debug(name+": another sender took up the interrupted message first", "id", m.ID)
				return false
			} else if err != nil {
				s.log().Error(name+": claim a message", "id", m.ID, "err", err)
				return false
			}
		}
	default:
		var lapsed time.Time
		if m.State == actionbot.OutboxSending {
			lapsed = m.ClaimedAt
		} else if r, ok := s.Transport.(Router); ok {
			var f *Failure
			if channel, f = r.Where(tctx, m); f != nil {
				return s.failed(rctx, m, f)
			}
		}
		if err := s.Store.ClaimOutgoing(rctx, owner, m.ID, channel, lapsed, s.Now()); actionbot.ErrorCode(err) == actionbot.ECONFLICT {
			s.log().Debug(name+": another sender claimed the message first", "id", m.ID)
			return false
		} else if err != nil {
			s.log().Error(name+": claim a message", "id", m.ID, "err", err)
			return false
		}
	}
	sent, f := s.Transport.Send(tctx, m, channel)
	if f == nil || !f.Untried {
		s.spent(m)
	}
	if f != nil {
		return s.failed(rctx, m, f)
	}
	if err := s.Store.MarkSent(rctx, m.ID, sent.Channel, sent.Ref); err != nil {
		// The message stays 'sending': looked for, or sent again, later.
		s.log().Error(name+": record a send", "id", m.ID, "err", err)
		return false
	}
	if sent.Note != "" {
		s.log().Info(name+": "+sent.Note, "id", m.ID)
		return true
	}
	s.log().Debug(name+": sent", "id", m.ID, "kind", m.Kind, "channel", sent.Channel)
	return true
}

// failed records a failure: waits as the transport asks without counting
// an attempt, fails a permanent one, gives up after MaxAttempts, and
// otherwise tries again after a backoff — leaving 'sending' a message
// that may have got through, so that it is looked for first. It says
// whether the outcome was recorded.
func (s *Sender) failed(ctx context.Context, m *actionbot.Outgoing, f *Failure) bool {
	attempt := m.Attempts + 1
	now := s.Now()
	name := s.Transport.Name()
	var record error
	switch {
	case f.Wait > 0:
		if f.Unsure {
			record = s.Store.MarkRetry(ctx, m.ID, f.Cause, now.Add(f.Wait))
		} else {
			record = s.Store.ReleaseOutgoing(ctx, m.ID, f.Cause, now.Add(f.Wait), false)
		}
		s.log().Warn(name+": asked to wait", "id", m.ID, "retry_after", f.Wait)
	case f.Permanent:
		record = s.Store.MarkFailed(ctx, m.ID, f.Cause)
		s.log().Error(name+": message not delivered", "id", m.ID, "kind", m.Kind, "recipient", m.To, "error", f.Cause)
	case attempt >= s.maxAttempts():
		last := f.Last
		if last == "" {
			last = f.Cause
		}
		record = s.Store.MarkFailed(ctx, m.ID, fmt.Sprintf("gave up after %d attempts; last: %s", attempt, last)+f.GiveUpNote)
		s.log().Error(name+": message given up", "id", m.ID, "kind", m.Kind, "recipient", m.To, "attempts", attempt, "err", last)
	case f.Unsure:
		record = s.Store.MarkRetry(ctx, m.ID, f.Cause+" (will check, then retry)", now.Add(s.backoff(attempt)))
		s.log().Warn(name+": no clear answer; will check before retrying", "id", m.ID, "attempt", attempt, "err", f.Cause)
	default:
		record = s.Store.ReleaseOutgoing(ctx, m.ID, f.Cause+" (retrying)", now.Add(s.backoff(attempt)), true)
		s.log().Warn(name+": will retry", "id", m.ID, "attempt", attempt, "err", f.Cause)
	}
	if record != nil {
		s.log().Error(name+": record a failure", "id", m.ID, "err", record)
	}
	if f.Then != nil {
		f.Then(ctx)
	}
	return record == nil
}

func (s *Sender) maxAttempts() int {
	if s.MaxAttempts > 0 {
		return s.MaxAttempts
	}
	return DefaultMaxAttempts
}

// backoff is the wait before attempt+1: BaseBackoff doubled per attempt,
// capped at MaxBackoff.
func (s *Sender) backoff(attempt int) time.Duration {
	base, limit := durOr(s.BaseBackoff, DefaultBaseBackoff), durOr(s.MaxBackoff, DefaultMaxBackoff)
	d := base
	for i := 1; i < attempt && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}
