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
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/linktoken"
	"github.com/sevenoaks-csp/actionbot/outbox"
)

// Store is what the mail transport needs of the store beyond the outbox
// (outbox.Store): the members' addresses.
type Store interface {
	MemberByEmail(ctx context.Context, addr string) (*actionbot.MemberEmail, error)
	MarkEmailUndeliverable(ctx context.Context, addr, reason string, notices []*actionbot.Outgoing) (bool, error)
	Coordinators(ctx context.Context) ([]string, error)
}

// Defaults of the mail sender (outbox.Sender's Pace, Poll, backoff and
// Timeout for e-mail).
const (
	DefaultPace        = 500 * time.Millisecond
	DefaultPoll        = 2 * time.Second
	DefaultBaseBackoff = 30 * time.Second
	DefaultMaxBackoff  = 30 * time.Minute
	DefaultTimeout     = 15 * time.Second // half store.SendingLease: TestAClaimOutlastsTheLongestSend
)

// Transport sends the outbox's e-mails (owner "mail") through an SMTP
// server for the one delivery loop, outbox.Sender, as bot.Transport posts
// to Slack: each address's e-mails in the order they were queued, one
// e-mail per Pace at most (NewSender), transient failures (a 4xx answer, a
// server that cannot be reached) retried with capped exponential backoff
// and left queued meanwhile, a 5xx answer recorded as failed where
// `/action admin failed` shows it. A 5xx at RCPT also marks the member's
// address undeliverable and tells the coordinators, once.
//
// Once across restarts: an e-mail is claimed ('sending') before it is sent
// and recorded sent after the server accepts it. SMTP offers no way to ask
// a server whether it took a message, so an e-mail whose outcome was lost
// (a kill between the server's acceptance and the record) is claimed again
// once its claim lapses and sent again — with the same Message-ID, which is
// stable per outbox row (MessageID), so that mail systems and people can
// tell the two copies for one.
type Transport struct {
	Store  Store
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
	// Timeout bounds one SMTP conversation (DefaultTimeout when zero).
	Timeout time.Duration
}

// NewSender is the delivery loop of the mail outbox on the clock now:
// paced at DefaultPace for all addresses, polled every DefaultPoll.
func NewSender(box outbox.Store, t *Transport, now func() time.Time, log *slog.Logger) *outbox.Sender {
	return &outbox.Sender{Store: box, Transport: t, Logger: log, Now: now, Pace: DefaultPace, Poll: DefaultPoll,
		BaseBackoff: DefaultBaseBackoff, MaxBackoff: DefaultMaxBackoff, Timeout: durOr(t.Timeout, DefaultTimeout)}
}

// Owner is the owner of the e-mails (store.MailOwner).
func (t *Transport) Owner() string { return "mail" }

// Name names the transport in the log.
func (t *Transport) Name() string { return "mail sender" }

func (t *Transport) log() *slog.Logger {
	if t.Logger != nil {
		return t.Logger
	}
	return slog.Default()
}

func durOr(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
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

// Send sends one claimed e-mail: its reference is its Message-ID. The
// SMTP conversation is not cut short by ctx's end.
func (t *Transport) Send(ctx context.Context, d *actionbot.Outgoing, _ string) (outbox.Sent, *outbox.Failure) {
	member, err := t.Store.MemberByEmail(ctx, d.To)
	if err != nil && actionbot.ErrorCode(err) != actionbot.ENOTFOUND {
		return outbox.Sent{}, &outbox.Failure{Untried: true, Cause: "reading the member's address: " + describe(err)}
	}
	if member != nil && !member.Undeliverable.IsZero() {
		return outbox.Sent{}, &outbox.Failure{Untried: true, Permanent: true, Cause: "not sent: the mail server refused this address on " + member.Undeliverable.Format("2 Jan 2006") +
			" (" + member.Reason + "); set it again with `/action admin member email`, then `/action admin retry`"}
	}
	msg, err := t.build(d, member)
	if err != nil {
		return outbox.Sent{}, &outbox.Failure{Untried: true, Permanent: true, Cause: "could not build the e-mail: " + describe(err)}
	}
	if err := t.send(ctx, msg); err != nil {
		return outbox.Sent{}, t.failed(d, err)
	}
	return outbox.Sent{Ref: "<" + MessageID(d.ID, d.Key, t.From) + ">"}, nil
}

// build makes the e-mail of an outbox row: its links name the member it
// goes to and expire Lifetime after the row was queued, so that a second
// copy is the first one again.
func (t *Transport) build(d *actionbot.Outgoing, member *actionbot.MemberEmail) (*gomail.Msg, error) {
	var links Links
	if member != nil && t.PublicURL != "" && len(t.LinkKey) > 0 {
		links = func(plan int64, ref string) string {
			tok, err := linktoken.Sign(t.LinkKey, linktoken.New(member.UserID, plan, ref, d.CreatedAt))
			if err != nil {
				return ""
			}
			return linktoken.URL(t.PublicURL, tok)
		}
	}
	r, err := Render(d.Message, links)
	if err != nil {
		return nil, err
	}
	m := gomail.NewMsg()
	if t.FromName != "" {
		err = m.FromFormat(t.FromName, t.From)
	} else {
		err = m.From(t.From)
	}
	if err != nil {
		return nil, fmt.Errorf("from: %w", err)
	}
	if err := m.To(d.To); err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	m.Subject(r.Subject)
	m.SetMessageIDWithValue(MessageID(d.ID, d.Key, t.From))
	m.SetDateWithValue(d.CreatedAt)
	m.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	m.SetGenHeader(gomail.Header("X-Auto-Response-Suppress"), "All")
	m.SetBodyString(gomail.TypeTextPlain, r.Text)
	m.AddAlternativeString(gomail.TypeTextHTML, r.HTML)
	return m, nil
}

// send holds one SMTP conversation: connect, STARTTLS when offered (or TLS
// from the start), log in when a user is given, send.
func (t *Transport) send(ctx context.Context, m *gomail.Msg) error {
	if t.Server == nil {
		return errors.New("no SMTP server is configured (ACTIONBOT_SMTP_URL)")
	}
	opts := []gomail.Option{gomail.WithPort(t.Server.Port), gomail.WithTimeout(durOr(t.Timeout, DefaultTimeout))}
	if t.Server.ImplicitTLS {
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if t.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(t.TLSConfig))
	}
	if t.Server.User != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(t.Server.User), gomail.WithPassword(t.Server.Password))
	}
	c, err := gomail.NewClient(t.Server.Host, opts...)
	if err != nil {
		return fmt.Errorf("set up the SMTP client: %w", err)
	}
	return c.DialAndSendWithContext(ctx, m)
}

// failed judges a failure for the Sender: a refused recipient (5xx at
// RCPT) fails the e-mail and marks its address undeliverable; any other
// 5xx fails it; anything else is tried again later, until the Sender gives
// up.
func (t *Transport) failed(d *actionbot.Outgoing, err error) *outbox.Failure {
	cause := describe(err)
	var se *gomail.SendError
	permanent := errors.As(err, &se) && !se.IsTemp() && se.ErrorCode() >= 500
	switch {
	case permanent && se.Reason == gomail.ErrSMTPRcptTo:
		t.log().Error("mail sender: address refused", "id", d.ID, "kind", d.Kind, "code", se.ErrorCode())
		return &outbox.Failure{Permanent: true, Cause: "the mail server refused the address: " + cause,
			Then: func(ctx context.Context) { t.bounced(ctx, d, cause) }}
	case permanent && loginRefused(se.ErrorCode()):
		// The settings are at fault, not the e-mail: keep every e-mail
		// queued until they are put right.
		t.log().Error("mail sender: the mail server refused to take e-mail without the right login", "id", d.ID, "code", se.ErrorCode())
		return &outbox.Failure{Cause: "the mail server wants a login that ACTIONBOT_SMTP_URL does not give (user and password): " + cause}
	case permanent:
		return &outbox.Failure{Permanent: true, Cause: "the mail server refused the e-mail: " + cause}
	case errors.Is(err, gomail.ErrNoSupportedAuthDiscovered):
		return &outbox.Failure{Cause: "the mail server asks for a login but offers no TLS (or no way to log in that actionbot knows), so the password is not sent: use smtps:// or a server with STARTTLS"}
	}
	return &outbox.Failure{Cause: cause}
}

// loginRefused says whether an SMTP reply code means the server wants a
// login, or another one (RFC 4954: 530 authentication required, 534 a
// stronger mechanism, 535 credentials invalid, 538 encryption required).
func loginRefused(code int) bool {
	return code == 530 || code == 534 || code == 535 || code == 538
}

// bounced marks the address undeliverable and, the first time, tells the
// coordinators in the same transaction.
func (t *Transport) bounced(ctx context.Context, d *actionbot.Outgoing, cause string) {
	coords, err := t.Store.Coordinators(ctx)
	if err != nil {
		t.log().Error("mail sender: list the coordinators to tell of a refused address", "err", err)
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
	first, err := t.Store.MarkEmailUndeliverable(ctx, d.To, cause, notices)
	if err != nil {
		t.log().Error("mail sender: mark an address undeliverable", "id", d.ID, "err", err)
		return
	}
	if first {
		t.log().Warn("mail sender: an address was refused; coordinators told", "id", d.ID, "coordinators", len(notices))
	}
}

// describe says what went wrong, without a password, clipped.
func describe(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "the mail server did not answer in time"
	}
	return actionbot.Clip(actionbot.RedactError(err).Error(), 300)
}
