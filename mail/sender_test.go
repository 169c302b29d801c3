package mail_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/linktoken"
	"github.com/sevenoaks-csp/actionbot/mail"
	"github.com/sevenoaks-csp/actionbot/outbox"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

var ctx = context.Background()

const (
	lead      = "speedwatch.lead@kent.police.uk"
	publicURL = "https://actions.sevenoaks.example/"
	from      = "Community Safety Partnership <actions@sevenoaks.gov.uk>"
)

var linkKey = []byte("0123456789abcdef0123456789abcdef-test")

type fixture struct {
	t      *testing.T
	clock  *storetest.Clock
	db     *store.DB
	sink   *mail.Sink
	sender *outbox.Sender
	mailer *mail.Transport
	waits  []time.Duration
	plan   int64
}

// newFixture is a database with the shipped plan, a member registered by
// address with POLICE, a coordinator, a sink on loopback and a sender
// through it.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, clock: storetest.NewClock(storetest.PlanStart)}
	f.db = storetest.MustOpen(t, f.clock)
	f.db.ConfiguredCoordinators = []string{"U0COORD"}
	if _, err := f.db.AddMemberByEmail(ctx, lead, "POLICE", "U0COORD"); err != nil {
		t.Fatal(err)
	}
	p, err := f.db.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.plan = p.ID
	f.sink = &mail.Sink{}
	if _, err := f.sink.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.sink.Close() })
	srv, err := mail.ParseServer(f.sink.URL())
	if err != nil {
		t.Fatal(err)
	}
	name, addr, err := mail.ParseFrom(from)
	if err != nil {
		t.Fatal(err)
	}
	f.mailer = &mail.Transport{Store: f.db, Server: srv, FromName: name, From: addr, PublicURL: publicURL, LinkKey: linkKey, Timeout: 10 * time.Second}
	f.sender = &outbox.Sender{Store: f.db, Transport: f.mailer,
		Now: f.clock.Now, Pace: 2 * time.Second, BaseBackoff: time.Minute, MaxBackoff: time.Hour, Timeout: 10 * time.Second,
		After: func(d time.Duration) <-chan time.Time {
			f.waits = append(f.waits, d)
			f.clock.Advance(d)
			c := make(chan time.Time, 1)
			c <- f.clock.Now()
			return c
		}}
	return f
}

func (f *fixture) reminder(key, to string, refs ...string) *actionbot.Outgoing {
	blocks := []actionbot.Block{actionbot.Header("Your reminders — Mon 2 Apr"), actionbot.Section(actionbot.B("Overdue"))}
	for _, ref := range refs {
		blocks = append(blocks, actionbot.Section(actionbot.B(ref), " Speed watch <script>alert(1)</script> & checks"),
			actionbot.Buttons(actionbot.CardButtons(f.plan, ref, true)...))
	}
	return &actionbot.Outgoing{Key: key, Kind: "reminder", To: to, Message: actionbot.Message{Text: "Reminders: 2 overdue", Blocks: blocks}}
}

func (f *fixture) enqueue(msgs ...*actionbot.Outgoing) {
	f.t.Helper()
	if _, err := f.db.Enqueue(ctx, msgs...); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) step() int {
	f.t.Helper()
	n, err := f.sender.Step(ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

func (f *fixture) row(key string) *actionbot.Outgoing {
	f.t.Helper()
	all, err := f.db.Outgoing(ctx, "", 100)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, o := range all {
		if o.Key == key {
			return o
		}
	}
	f.t.Fatalf("no outbox row %s", key)
	return nil
}

func TestAReminderGoesOutAsTextAndHTMLWithSignedLinks(t *testing.T) {
	f := newFixture(t)
	f.enqueue(f.reminder("reminders:1:2012-04-02:"+lead+":x", lead, "5.2", "1.1"))
	if n := f.step(); n != 1 {
		t.Fatalf("Step handled %d", n)
	}
	got := f.sink.Received()
	if len(got) != 1 {
		t.Fatalf("the server received %d e-mails", len(got))
	}
	r := got[0]
	if r.From != "actions@sevenoaks.gov.uk" || len(r.To) != 1 || r.To[0] != lead {
		t.Errorf("envelope from %q to %v", r.From, r.To)
	}
	row := f.row("reminders:1:2012-04-02:" + lead + ":x")
	wantID := "<" + mail.MessageID(row.ID, row.Key, "actions@sevenoaks.gov.uk") + ">"
	h := r.Header()
	if h.Get("Message-Id") != wantID || !strings.HasSuffix(wantID, "@sevenoaks.gov.uk>") || !strings.HasPrefix(wantID, "<outbox-") {
		t.Errorf("Message-ID %q, want %q", h.Get("Message-Id"), wantID)
	}
	if row.State != actionbot.OutboxSent || row.RemoteRef != wantID {
		t.Errorf("outbox row %s %q", row.State, row.RemoteRef)
	}
	if h.Get("Subject") != "Reminders: 2 overdue" || !strings.Contains(h.Get("From"), "actions@sevenoaks.gov.uk") || h.Get("To") != "<"+lead+">" ||
		h.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("headers %v", h)
	}
	if d, err := h.Date(); err != nil || !d.Equal(storetest.PlanStart) {
		t.Errorf("Date %v, %v: want the instant it was queued", d, err)
	}
	parts, err := r.Parts()
	if err != nil {
		t.Fatal(err)
	}
	text, html := parts["text/plain"], parts["text/html"]
	if text == "" || html == "" {
		t.Fatalf("parts %v", parts)
	}
	if !strings.Contains(text, "<script>alert(1)</script> & checks") || strings.Contains(html, "<script>") ||
		!strings.Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; checks") {
		t.Errorf("escaping: text %q\nhtml %q", text, html)
	}
	for _, ref := range []string{"5.2", "1.1"} {
		link := linkIn(t, text, ref)
		if !strings.Contains(html, `href="`+link+`"`) {
			t.Errorf("the HTML part lacks %s's link %s", ref, link)
		}
		tok := strings.TrimPrefix(link, "https://actions.sevenoaks.example/a/")
		l, err := linktoken.Verify(linkKey, tok, f.clock.Now())
		if err != nil || l.Person != lead || l.Plan != f.plan || l.Action != ref || !l.Expires.Equal(storetest.PlanStart.Add(linktoken.Lifetime)) {
			t.Errorf("link of %s: %+v, %v", ref, l, err)
		}
	}
	if strings.Contains(text, "Mark done]") {
		t.Errorf("Slack's buttons in the text: %s", text)
	}
}

// linkIn is the link the text part gives for ref.
func linkIn(t *testing.T, text, ref string) string {
	t.Helper()
	i := strings.Index(text, "Update "+ref+" ")
	if i < 0 {
		t.Fatalf("no link for %s in %s", ref, text)
	}
	rest := text[i:]
	j := strings.Index(rest, publicURL+"a/")
	if j < 0 {
		t.Fatalf("no link under ACTIONBOT_PUBLIC_URL for %s in %s", ref, rest)
	}
	return strings.Fields(rest[j:])[0]
}

func TestEMailsArePacedAndEachAddressKeepsItsOrder(t *testing.T) {
	f := newFixture(t)
	f.enqueue(f.reminder("a1", lead, "5.2"), f.reminder("a2", lead, "1.1"), f.reminder("b1", "csu@sevenoaks.gov.uk", "2.1"))
	if n := f.step(); n != 2 {
		t.Fatalf("first step sent %d, want one per address", n)
	}
	if len(f.waits) != 1 || f.waits[0] != 2*time.Second {
		t.Errorf("waits %v, want one pace of 2s between two e-mails", f.waits)
	}
	if n := f.step(); n != 1 {
		t.Fatalf("second step sent %d", n)
	}
	var order []string
	for _, r := range f.sink.Received() {
		order = append(order, r.To[0]+" "+r.Header().Get("Subject"))
	}
	if len(order) != 3 || f.row("a1").SentAt.After(f.row("a2").SentAt) {
		t.Errorf("order %v", order)
	}
}

func TestA4xxIsRetriedWithBackoffAndAnUnreachableServerLeavesMailQueued(t *testing.T) {
	f := newFixture(t)
	busy := true
	f.sink.Rcpt = func(string) error {
		if busy {
			return mail.SMTPError(451, "try again later")
		}
		return nil
	}
	f.enqueue(f.reminder("k", lead, "5.2"))
	f.step()
	row := f.row("k")
	if row.State != actionbot.OutboxPending || row.Attempts != 1 || !strings.Contains(row.LastError, "451") ||
		!row.NextAttempt.Equal(f.clock.Now().Add(time.Minute)) {
		t.Fatalf("after a 451: %+v", row)
	}
	if n := f.step(); n != 0 {
		t.Errorf("retried before its backoff: %d", n)
	}
	f.clock.Advance(time.Minute)
	f.step()
	if row := f.row("k"); row.State != actionbot.OutboxPending || row.Attempts != 2 || !row.NextAttempt.Equal(f.clock.Now().Add(2*time.Minute)) {
		t.Fatalf("after a second 451 the wait doubles: %+v", row)
	}
	busy = false
	f.clock.Advance(2 * time.Minute)
	f.step()
	if row := f.row("k"); row.State != actionbot.OutboxSent || len(f.sink.Received()) != 1 {
		t.Fatalf("after the server takes it: %+v, %d received", row, len(f.sink.Received()))
	}

	// A server nobody answers at: queued, and the queue says why.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := ln.Addr().String()
	ln.Close()
	f.mailer.Server, _ = mail.ParseServer("smtp://user:s3cret-pw@" + dead)
	f.enqueue(f.reminder("k2", lead, "5.2"))
	f.step()
	q, err := f.db.QueuedForMail(ctx)
	if err != nil || q.Queued != 1 || q.LastError == "" || strings.Contains(q.LastError, "s3cret") {
		t.Fatalf("queue %+v, %v", q, err)
	}
	if row := f.row("k2"); row.State != actionbot.OutboxPending {
		t.Errorf("unreachable: %+v", row)
	}
}

func TestA5xxAtRcptFailsTheMailMarksTheAddressAndTellsCoordinatorsOnce(t *testing.T) {
	f := newFixture(t)
	f.sink.Rcpt = func(to string) error {
		if to == lead {
			return mail.SMTPError(550, "5.1.1 no such mailbox")
		}
		return nil
	}
	f.enqueue(f.reminder("k1", lead, "5.2"), f.reminder("k2", lead, "1.1"))
	f.step()
	row := f.row("k1")
	if row.State != actionbot.OutboxFailed || !strings.Contains(row.LastError, "550") {
		t.Fatalf("after a 550: %+v", row)
	}
	m, err := f.db.MemberByEmail(ctx, lead)
	if err != nil || m.Undeliverable.IsZero() || !strings.Contains(m.Reason, "no such mailbox") {
		t.Fatalf("member %+v, %v", m, err)
	}
	// The next e-mail to the address is not tried: the server said no.
	f.step()
	if row := f.row("k2"); row.State != actionbot.OutboxFailed || !strings.Contains(row.LastError, "refused this address") {
		t.Fatalf("the next e-mail: %+v", row)
	}
	notices, _ := f.db.OutboxHeads(ctx, store.SlackOwner, f.clock.Now(), 10)
	if len(notices) != 1 || notices[0].To != "U0COORD" || !strings.Contains(notices[0].Message.Text, lead) {
		t.Fatalf("coordinators told %v", notices)
	}
	// A second refusal (say, after a retry) tells nobody again.
	if err := f.db.Requeue(ctx, row.ID); err != nil {
		t.Fatal(err)
	}
	f.step()
	all, _ := f.db.Outgoing(ctx, "", 100)
	told := 0
	for _, o := range all {
		if o.Kind == "notice" {
			told++
		}
	}
	if told != 1 {
		t.Errorf("coordinators told %d times", told)
	}
	if len(f.sink.Received()) != 0 {
		t.Errorf("received %d", len(f.sink.Received()))
	}
}

func TestA5xxForTheMessageFailsIt(t *testing.T) {
	f := newFixture(t)
	f.sink.Accept = func(*mail.Received) error { return mail.SMTPError(554, "5.7.1 message refused as spam") }
	f.enqueue(f.reminder("k", lead, "5.2"))
	f.step()
	if row := f.row("k"); row.State != actionbot.OutboxFailed || !strings.Contains(row.LastError, "554") {
		t.Fatalf("%+v", row)
	}
	if m, _ := f.db.MemberByEmail(ctx, lead); !m.Undeliverable.IsZero() {
		t.Error("a refused message is not a refused address")
	}
}

// losing loses the record of a delivery, as a kill between the server's
// acceptance and the outbox's commit does.
type losing struct {
	*store.DB
	lose bool
}

func (l *losing) MarkSent(ctx context.Context, id int64, channel, ref string) error {
	if l.lose {
		return errors.New("killed before the commit")
	}
	return l.DB.MarkSent(ctx, id, channel, ref)
}

func TestAnInterruptedSendGoesAgainWithTheSameMessageID(t *testing.T) {
	f := newFixture(t)
	lose := &losing{DB: f.db, lose: true}
	f.sender.Store = lose
	f.enqueue(f.reminder("k", lead, "5.2"))
	f.step()
	lose.lose = false
	if row := f.row("k"); row.State != actionbot.OutboxSending {
		t.Fatalf("after a lost record: %+v", row)
	}
	if n := f.step(); n != 0 {
		t.Fatalf("sent again within its claim: %d", n)
	}
	f.clock.Advance(store.SendingLease)
	f.step()
	got := f.sink.Received()
	if len(got) != 2 || got[0].Header().Get("Message-Id") == "" || got[0].Header().Get("Message-Id") != got[1].Header().Get("Message-Id") {
		t.Fatalf("%d copies, Message-IDs differ or missing", len(got))
	}
	p0, _ := got[0].Parts()
	p1, _ := got[1].Parts()
	if p0["text/plain"] != p1["text/plain"] || p0["text/html"] != p1["text/html"] {
		t.Error("the second copy differs from the first")
	}
	if row := f.row("k"); row.State != actionbot.OutboxSent {
		t.Fatalf("%+v", row)
	}
}

// relay makes the fixture's sink an office relay that asks for a login
// after STARTTLS (with httptest's certificate for 127.0.0.1, which the
// transport is told to trust), and points the transport at it with the
// given user and password ("" for none). The sink is started again for
// its TLS.
func (f *fixture) relay(user, password string) {
	f.t.Helper()
	if f.sink.TLS == nil {
		https := httptest.NewUnstartedServer(nil)
		https.StartTLS()
		roots := x509.NewCertPool()
		roots.AddCert(https.Certificate())
		cert := https.TLS.Certificates[0]
		https.Close()
		f.sink.Close()
		f.sink = &mail.Sink{User: "csp-relay", Password: "c0rrect-h0rse", TLS: &tls.Config{Certificates: []tls.Certificate{cert}}}
		if _, err := f.sink.Listen("127.0.0.1:0"); err != nil {
			f.t.Fatal(err)
		}
		f.t.Cleanup(func() { f.sink.Close() })
		f.mailer.TLSConfig = &tls.Config{RootCAs: roots, ServerName: "127.0.0.1"}
	}
	u := "smtp://"
	if user != "" {
		u += user + ":" + password + "@"
	}
	srv, err := mail.ParseServer(u + strings.TrimPrefix(f.sink.URL(), "smtp://"))
	if err != nil {
		f.t.Fatal(err)
	}
	f.mailer.Server = srv
}

func TestTheSenderLogsInToARelayThatAsksForALogin(t *testing.T) {
	f := newFixture(t)
	f.relay("csp-relay", "c0rrect-h0rse")
	f.enqueue(f.reminder("k", lead, "5.2"))
	f.step()
	got := f.sink.Received()
	if row := f.row("k"); row.State != actionbot.OutboxSent || len(got) != 1 {
		t.Fatalf("after a step: %+v, %d received", row, len(got))
	}
	if got[0].User != "csp-relay" || len(got[0].To) != 1 || got[0].To[0] != lead {
		t.Errorf("received as %q to %v", got[0].User, got[0].To)
	}
}

// A relay that refuses the login (a wrong or missing password) is the
// bot's settings at fault, not the e-mail's: every e-mail stays queued and
// goes once the settings are put right, and the password is never shown.
func TestARefusedLoginKeepsEveryEMailQueuedUntilTheSettingsAreRight(t *testing.T) {
	for _, tc := range []struct{ name, user, password, says string }{
		{"a wrong password", "csp-relay", "wr0ng-pa55", "535"},
		{"no login at all", "", "", "530"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.relay(tc.user, tc.password)
			f.enqueue(f.reminder("k1", lead, "5.2"), f.reminder("k2", lead, "1.1"))
			f.step()
			for _, k := range []string{"k1", "k2"} {
				row := f.row(k)
				if row.State != actionbot.OutboxPending {
					t.Fatalf("%s after a refused login: %+v", k, row)
				}
				if strings.Contains(row.LastError, "wr0ng") || strings.Contains(row.LastError, "c0rrect") {
					t.Fatalf("%s: the password is in the error: %q", k, row.LastError)
				}
			}
			if row := f.row("k1"); row.Attempts != 1 || !strings.Contains(row.LastError, tc.says) {
				t.Fatalf("k1 says %q after %d attempts, want %s", row.LastError, row.Attempts, tc.says)
			}
			q, err := f.db.QueuedForMail(ctx)
			if err != nil || q.Queued != 2 || !strings.Contains(q.LastError, tc.says) {
				t.Fatalf("the queue the health check reads: %+v, %v", q, err)
			}
			if m, _ := f.db.MemberByEmail(ctx, lead); !m.Undeliverable.IsZero() {
				t.Error("a refused login marked the address undeliverable")
			}

			f.relay("csp-relay", "c0rrect-h0rse")
			f.clock.Advance(time.Hour)
			for i := 0; i < 3 && len(f.sink.Received()) < 2; i++ {
				f.step()
			}
			if a, b := f.row("k1"), f.row("k2"); a.State != actionbot.OutboxSent || b.State != actionbot.OutboxSent {
				t.Fatalf("after the settings are put right: %+v, %+v", a, b)
			}
		})
	}
}

// A relay that asks for a login but offers no TLS would take the password
// in clear: the transport does not send it, and keeps the e-mail queued
// saying why.
func TestAPasswordIsNeverSentToARelayWithoutTLS(t *testing.T) {
	f := newFixture(t)
	f.sink.User, f.sink.Password = "csp-relay", "c0rrect-h0rse"
	srv, err := mail.ParseServer("smtp://csp-relay:c0rrect-h0rse@" + strings.TrimPrefix(f.sink.URL(), "smtp://"))
	if err != nil {
		t.Fatal(err)
	}
	f.mailer.Server = srv
	f.enqueue(f.reminder("k", lead, "5.2"))
	f.step()
	row := f.row("k")
	if row.State != actionbot.OutboxPending || len(f.sink.Received()) != 0 {
		t.Fatalf("%+v, %d received", row, len(f.sink.Received()))
	}
	if !strings.Contains(row.LastError, "no TLS") || strings.Contains(row.LastError, "c0rrect") {
		t.Errorf("the queue says %q", row.LastError)
	}
}

// TestAClaimOutlastsTheLongestSend: a message is claimed before it is sent,
// and another sender (a `remind --post` beside the bot, another replica)
// takes it up again only once the claim is store.SendingLease old. A send
// may last its transport's whole timeout and its outcome is recorded just
// after, so the lease must outlast each timeout with room for the record and
// for two machines' clocks to differ: else a slow relay's e-mail, accepted
// at the timeout's end, is sent twice.
func TestAClaimOutlastsTheLongestSend(t *testing.T) {
	for name, timeout := range map[string]time.Duration{"e-mail": mail.DefaultTimeout, "Slack": outbox.DefaultTimeout} {
		if 2*timeout > store.SendingLease {
			t.Errorf("%s: a send may last %s, and a claim lapses after %s; want the lease at least twice the timeout", name, timeout, store.SendingLease)
		}
	}
}
