package mail

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/linktoken"
)

// Outbox is what the mail sender needs of the store: its share of the one
// outbox (the messages to addresses), and the members' addresses.
type Outbox interface {
	MailHeads(ctx context.Context, now time.Time, limit int) ([]*actionbot.Delivery, error)
	ClaimMail(ctx context.Context, id int64, state actionbot.OutboxState, claimedAt, at time.Time) error
	MarkDelivered(ctx context.Context, id int64, channel, ref string) error
	ReleaseOutgoing(ctx context.Context, id int64, cause string, next time.Time, count bool) error
	MarkFailed(ctx context.Context, id int64, cause string) error
	MemberByEmail(ctx context.Context, addr string) (*actionbot.MemberEmail, error)
	MarkEmailUndeliverable(ctx context.Context, addr, reason string, notices []*actionbot.Outgoing) (bool, error)
	Coordinators(ctx context.Context) ([]string, error)
}

// Sender defaults.
const (
	DefaultPace        = 500 * time.Millisecond
	DefaultPoll        = 2 * time.Second
	DefaultMaxAttempts = 12
	DefaultBaseBackoff = 30 * time.Second
	DefaultMaxBackoff  = 30 * time.Minute
	DefaultTimeout     = 30 * time.Second
)

// Sender delivers the outbox's e-mails through an SMTP server, as
// bot.Sender delivers its Slack posts: each address's e-mails in the order
// they were queued, one e-mail per Pace at most, transient failures (a 4xx
// answer, a server that cannot be reached) retried with capped exponential
// backoff and left queued meanwhile, a 5xx answer recorded as failed where
// `/action admin failed` shows it. A 5xx at RCPT also marks the member's
// address undeliverable and tells the coordinators, once.
//
// Once across restarts: an e-mail is claimed ('sending') before it is sent
// and recorded sent after the server accepts it. SMTP offers no way to ask
// a server whether it took a message, so an e-mail whose outcome was lost
// (a kill between the server's acceptance and the record) is sent again
// once its claim lapses — with the same Message-ID, which is stable per
// outbox row (MessageID), so that mail systems and people can tell the two
// copies for one.
type Sender struct {
	Outbox Outbox
	Server *Server
	// FromName and From are who e-mail comes from (ACTIONBOT_MAIL_FROM).
	FromName, From string
	// PublicURL and LinkKey make the links to the bot's pages
	// (linktoken); without both, e-mails carry no links.
	PublicURL string
	LinkKey   []byte
	// TLSConfig replaces the default (the system's roots, the server's
	// name); tests give their own.
	TLSConfig *tls.Config
	Logger    *slog.Logger
	// Now returns the current instant; After waits (time.After). Tests
	// replace both and never sleep.
	Now   func() time.Time
	After func(d time.Duration) <-chan time.Time

	Pace        time.Duration // at most one e-mail per Pace
	Poll        time.Duration // how often the outbox is read
	MaxAttempts int
	BaseBackoff time.Duration
	MaxBackoff  time.Duration
	Timeout     time.Duration // one SMTP conversation

	mu   sync.Mutex
	last time.Time // the last e-mail's sending
	wake chan struct{}
}

func (s *Sender) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Sender) after(d time.Duration) <-chan time.Time {
	if s.After != nil {
		return s.After(d)
	}
	return time.After(d)
}

func (s *Sender) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

func durOr(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// Notify wakes the sender to read the outbox now.
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

// Run delivers until ctx is done. An e-mail being sent when ctx ends is
// finished (or times out) and its outcome recorded before Run returns.
func (s *Sender) Run(ctx context.Context) error {
	s.Notify()
	for {
		if _, err := s.Step(ctx); err != nil && ctx.Err() == nil {
			s.log().Error("mail sender: read the outbox", "err", err)
		}
		s.mu.Lock()
		wake := s.wake
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		case <-s.after(durOr(s.Poll, DefaultPoll)):
		}
	}
}

// Step sends each address's oldest due e-mail, one per Pace, and returns
// how many it handled. It stops between e-mails when ctx ends.
func (s *Sender) Step(ctx context.Context) (int, error) {
	heads, err := s.Outbox.MailHeads(ctx, s.now(), 100)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range heads {
		s.mu.Lock()
		wait := durOr(s.Pace, DefaultPace) - s.now().Sub(s.last)
		s.mu.Unlock()
		if !s.last.IsZero() && wait > 0 {
			select {
			case <-ctx.Done():
			case <-s.after(wait):
			}
		}
		if ctx.Err() != nil {
			break
		}
		s.deliver(ctx, d)
		n++
	}
	return n, nil
}

// MessageID is the Message-ID of an outbox row's e-mail, without the angle
// brackets: the same every time it is sent, and no other row's.
// "outbox-42.1a2b3c4d5e6f@sevenoaks.gov.uk".
func MessageID(id int64, key, from string) string {
	h := sha256.Sum256([]byte(key))
	domain := from
	if _, d, ok := strings.Cut(from, "@"); ok {
		domain = d
	}
	return fmt.Sprintf("outbox-%d.%s@%s", id, hex.EncodeToString(h[:6]), domain)
}

// deliver sends one e-mail and records the outcome. The SMTP conversation
// is not cut short by ctx: once begun, it is finished and recorded.
func (s *Sender) deliver(ctx context.Context, d *actionbot.Delivery) {
	rctx := context.WithoutCancel(ctx)
	if err := s.Outbox.ClaimMail(rctx, d.ID, d.State, d.ClaimedAt, s.now()); actionbot.ErrorCode(err) == actionbot.ECONFLICT {
		s.log().Debug("mail sender: another sender claimed the e-mail first", "id", d.ID)
		return
	} else if err != nil {
		s.log().Error("mail sender: claim an e-mail", "id", d.ID, "err", err)
		return
	}
	member, err := s.Outbox.MemberByEmail(rctx, d.To)
	if err != nil && actionbot.ErrorCode(err) != actionbot.ENOTFOUND {
		s.record(d.ID, s.Outbox.ReleaseOutgoing(rctx, d.ID, "reading the member's address: "+describe(err)+" (retrying)", s.now().Add(s.backoff(d.Attempts+1)), true))
		return
	}
	if member != nil && !member.Undeliverable.IsZero() {
		s.record(d.ID, s.Outbox.MarkFailed(rctx, d.ID, "not sent: the mail server refused this address on "+member.Undeliverable.Format("2 Jan 2006")+
			" ("+member.Reason+"); set it again with `/action admin member email`, then `/action admin retry`"))
		return
	}
	msg, err := s.build(d, member)
	if err != nil {
		s.record(d.ID, s.Outbox.MarkFailed(rctx, d.ID, "could not build the e-mail: "+describe(err)))
		s.log().Error("mail sender: build an e-mail", "id", d.ID, "err", describe(err))
		return
	}
	sctx, cancel := context.WithTimeout(rctx, durOr(s.Timeout, DefaultTimeout))
	err = s.send(sctx, msg)
	cancel()
	s.mu.Lock()
	s.last = s.now()
	s.mu.Unlock()
	if err != nil {
		s.failed(rctx, d, err)
		return
	}
	if err := s.Outbox.MarkDelivered(rctx, d.ID, "", "<"+MessageID(d.ID, d.Key, s.From)+">"); err != nil {
		// The e-mail stays 'sending' and is sent again, with the same
		// Message-ID, once its claim lapses.
		s.log().Error("mail sender: record delivery", "id", d.ID, "err", err)
		return
	}
	s.log().Debug("mail sender: sent", "id", d.ID, "kind", d.Kind)
}

func (s *Sender) record(id int64, err error) {
	if err != nil {
		s.log().Error("mail sender: record an outcome", "id", id, "err", err)
	}
}

// build makes the e-mail of an outbox row: its links name the member it
// goes to and expire Lifetime after the row was queued, so that a second
// copy is the first one again.
func (s *Sender) build(d *actionbot.Delivery, member *actionbot.MemberEmail) (*gomail.Msg, error) {
	var links Links
	if member != nil && s.PublicURL != "" && len(s.LinkKey) > 0 {
		links = func(plan int64, ref string) string {
			tok, err := linktoken.Sign(s.LinkKey, linktoken.New(member.UserID, plan, ref, d.CreatedAt))
			if err != nil {
				return ""
			}
			return linktoken.URL(s.PublicURL, tok)
		}
	}
	r, err := Render(d.Message, links)
	if err != nil {
		return nil, err
	}
	m := gomail.NewMsg()
	if s.FromName != "" {
		err = m.FromFormat(s.FromName, s.From)
	} else {
		err = m.From(s.From)
	}
	if err != nil {
		return nil, fmt.Errorf("from: %w", err)
	}
	if err := m.To(d.To); err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	m.Subject(r.Subject)
	m.SetMessageIDWithValue(MessageID(d.ID, d.Key, s.From))
	m.SetDateWithValue(d.CreatedAt)
	m.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	m.SetGenHeader(gomail.Header("X-Auto-Response-Suppress"), "All")
	m.SetBodyString(gomail.TypeTextPlain, r.Text)
	m.AddAlternativeString(gomail.TypeTextHTML, r.HTML)
	return m, nil
}

// send holds one SMTP conversation: connect, STARTTLS when offered (or TLS
// from the start), log in when a user is given, send.
func (s *Sender) send(ctx context.Context, m *gomail.Msg) error {
	if s.Server == nil {
		return errors.New("no SMTP server is configured (ACTIONBOT_SMTP_URL)")
	}
	opts := []gomail.Option{gomail.WithPort(s.Server.Port), gomail.WithTimeout(durOr(s.Timeout, DefaultTimeout))}
	if s.Server.ImplicitTLS {
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if s.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(s.TLSConfig))
	}
	if s.Server.User != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(s.Server.User), gomail.WithPassword(s.Server.Password))
	}
	c, err := gomail.NewClient(s.Server.Host, opts...)
	if err != nil {
		return fmt.Errorf("set up the SMTP client: %w", err)
	}
	return c.DialAndSendWithContext(ctx, m)
}

// failed records a failure: a refused recipient (5xx at RCPT) is failed
// and its address marked undeliverable; any other 5xx is failed; anything
// else is tried again later, until MaxAttempts.
func (s *Sender) failed(ctx context.Context, d *actionbot.Delivery, err error) {
	attempt := d.Attempts + 1
	cause := describe(err)
	var se *gomail.SendError
	permanent := errors.As(err, &se) && !se.IsTemp() && se.ErrorCode() >= 500
	switch {
	case permanent && se.Reason == gomail.ErrSMTPRcptTo:
		s.record(d.ID, s.Outbox.MarkFailed(ctx, d.ID, "the mail server refused the address: "+cause))
		s.log().Error("mail sender: address refused", "id", d.ID, "kind", d.Kind, "code", se.ErrorCode())
		s.bounced(ctx, d, cause)
	case permanent:
		s.record(d.ID, s.Outbox.MarkFailed(ctx, d.ID, "the mail server refused the e-mail: "+cause))
		s.log().Error("mail sender: e-mail refused", "id", d.ID, "kind", d.Kind, "code", se.ErrorCode())
	case attempt >= s.maxAttempts():
		s.record(d.ID, s.Outbox.MarkFailed(ctx, d.ID, fmt.Sprintf("gave up after %d attempts; last: %s", attempt, cause)))
		s.log().Error("mail sender: e-mail given up", "id", d.ID, "kind", d.Kind, "attempts", attempt, "err", cause)
	default:
		s.record(d.ID, s.Outbox.ReleaseOutgoing(ctx, d.ID, cause+" (retrying)", s.now().Add(s.backoff(attempt)), true))
		s.log().Warn("mail sender: will retry", "id", d.ID, "attempt", attempt, "err", cause)
	}
}

func (s *Sender) maxAttempts() int {
	if s.MaxAttempts > 0 {
		return s.MaxAttempts
	}
	return DefaultMaxAttempts
}

// bounced marks the address undeliverable and, the first time, tells the
// coordinators in the same transaction.
func (s *Sender) bounced(ctx context.Context, d *actionbot.Delivery, cause string) {
	coords, err := s.Outbox.Coordinators(ctx)
	if err != nil {
		s.log().Error("mail sender: list the coordinators to tell of a refused address", "err", err)
	}
	var notices []*actionbot.Outgoing
	for _, c := range coords {
		msg := actionbot.Message{
			Text: "An e-mail address was refused: " + d.To,
			Blocks: []actionbot.Block{actionbot.Section("📭 The mail server refused ", actionbot.B(d.To), " (", actionbot.C(actionbot.Clip(cause, 200)), ")."),
				actionbot.Context("Nothing more is sent there. Check the address with the person, then set it again (",
					actionbot.C("/action admin member email <person> <address>"), ", or remove and add them by their new address), and ",
					actionbot.C(fmt.Sprintf("/action admin retry %d", d.ID)), " to send the e-mail again.")},
		}
		notices = append(notices, &actionbot.Outgoing{Key: fmt.Sprintf("mail-refused:%d:%s", d.ID, c), Kind: "notice", To: c, Message: msg})
	}
	first, err := s.Outbox.MarkEmailUndeliverable(ctx, d.To, cause, notices)
	if err != nil {
		s.log().Error("mail sender: mark an address undeliverable", "id", d.ID, "err", err)
		return
	}
	if first {
		s.log().Warn("mail sender: an address was refused; coordinators told", "id", d.ID, "coordinators", len(notices))
	}
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

// describe says what went wrong, without a password, clipped.
func describe(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "the mail server did not answer in time"
	}
	return actionbot.Clip(actionbot.RedactError(err).Error(), 300)
}
