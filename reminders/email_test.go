package reminders_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/reminders"
	"github.com/sevenoaks-csp/actionbot/store"
)

const (
	policeLead = "speedwatch.lead@kent.police.uk"
	pol1Mail   = "pol1@kent.police.uk"
	csuMail    = "csu1@sevenoaks.gov.uk"
)

// TestRemindersGoByEMailToMembersWithAnAddress: a person registered by
// address gets their bundle by e-mail, one per sweep; a Slack member with
// an address and the route "both" gets it on Slack and by e-mail, one with
// "email" by e-mail only; the e-mail names the person's agency's actions,
// carries each action's buttons (the mailer makes them links), and closes
// without slash commands.
func TestRemindersGoByEMailToMembersWithAnAddress(t *testing.T) {
	ctx := context.Background()
	f := mustFixture(t, at(2012, 4, 2, 9, 0))
	if _, err := f.db.AddMemberByEmail(ctx, policeLead, "POLICE", userCoord); err != nil {
		t.Fatal(err)
	}
	f.mustAddMember(userPolice, "POLICE")
	f.mustAddMember(userCSU, "CSU")
	if _, err := f.db.SetMemberEmail(ctx, userPolice, pol1Mail, actionbot.RouteBoth, userCoord); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.SetMemberEmail(ctx, userCSU, csuMail, actionbot.RouteEmail, userCoord); err != nil {
		t.Fatal(err)
	}
	run := f.mustSweep(at(2012, 4, 2, 9, 0))
	lead := bundleTo(run, policeLead)
	if lead == nil || !lead.Queued || !lead.Direct || lead.Person != policeLead || lead.Message.To != policeLead || !lead.Message.IsEmail() {
		t.Fatalf("the address-only member's bundle: %+v", lead)
	}
	pol, polMail := bundleTo(run, userPolice), bundleTo(run, pol1Mail)
	if pol == nil || polMail == nil || polMail.Person != userPolice || len(pol.Items) != len(polMail.Items) {
		t.Fatalf("route both: Slack %v, e-mail %v", pol, polMail)
	}
	if pol.Message.Key == polMail.Message.Key {
		t.Error("the Slack and e-mail copies share an outbox key")
	}
	if bundleTo(run, userCSU) != nil {
		t.Error("route email: a Slack message too")
	}
	if csu := bundleTo(run, csuMail); csu == nil || !csu.Queued {
		t.Fatalf("route email: no e-mail")
	}
	text := plain(lead.Message.Message)
	for _, want := range []string{"5.2 Promote Speedwatch", "You are registered with POLICE.", "Each action's link opens its page"} {
		if !strings.Contains(text, want) {
			t.Errorf("the e-mail bundle lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "/action remind weekly") {
		t.Errorf("an e-mail offers a slash command:\n%s", text)
	}
	hasButtons := slices.ContainsFunc(lead.Message.Message.Blocks, func(b actionbot.Block) bool {
		return b.Kind == actionbot.BlockActions && len(b.Buttons) > 0 && b.Buttons[0].Value == actionbot.ButtonValue(f.plan.ID, "5.2")
	})
	if !hasButtons {
		t.Error("the e-mail bundle's items carry no action for the mailer to link")
	}
	for _, a := range lead.Items {
		if !slices.ContainsFunc(a.Action.Lead, func(p actionbot.Party) bool { return p.Agency == "POLICE" }) {
			t.Errorf("%s is not POLICE's", a.Action.Ref)
		}
	}

	// Exactly one e-mail per person per sweep: the same sweep again, and a
	// sweep an hour later, queue none to them.
	again := f.mustSweep(at(2012, 4, 2, 9, 0))
	later := f.mustSweep(at(2012, 4, 2, 10, 0))
	for _, r := range []*reminders.Run{again, later} {
		if b := bundleTo(r, policeLead); b != nil && b.Queued {
			t.Errorf("a second e-mail to the member on the same day, at %s", r.At)
		}
	}
	heads, err := f.db.OutboxHeads(ctx, store.MailOwner, at(2012, 4, 2, 11, 0), 100)
	if err != nil {
		t.Fatal(err)
	}
	var to []string
	for _, h := range heads {
		to = append(to, h.To)
	}
	slices.Sort(to)
	if !slices.Equal(to, []string{csuMail, pol1Mail, policeLead}) {
		t.Errorf("e-mails queued to %v", to)
	}
}

// TestARefusedAddressCountsAsNobody: once the mail server refused a
// member's only address, their agency's reminders go to its channel as if
// nobody were registered.
func TestARefusedAddressCountsAsNobody(t *testing.T) {
	ctx := context.Background()
	f := mustFixture(t, at(2012, 4, 2, 9, 0))
	if _, err := f.db.AddMemberByEmail(ctx, policeLead, "POLICE", userCoord); err != nil {
		t.Fatal(err)
	}
	if ok, err := f.db.MarkEmailUndeliverable(ctx, policeLead, "550 no such mailbox", nil); !ok || err != nil {
		t.Fatal(ok, err)
	}
	run := f.mustSweep(at(2012, 4, 2, 9, 0))
	if bundleTo(run, policeLead) != nil {
		t.Error("a bundle to a refused address")
	}
	if !slices.Contains(run.NobodyFor, "POLICE") {
		t.Errorf("nobody for %v; want POLICE among them", run.NobodyFor)
	}
}

// TestTheDigestIsEMailedToDigestEmail: the day's digest goes to the
// channel and, as the same message, to each ACTIONBOT_DIGEST_EMAIL
// address, queued together once; with no channel, by e-mail alone.
func TestTheDigestIsEMailedToDigestEmail(t *testing.T) {
	ctx := context.Background()
	f := mustFixture(t, at(2012, 4, 11, 8, 30))
	f.svc.DigestEmail = []string{"tasking@sevenoaks.gov.uk", "chair@kent.police.uk"}
	d, ok, err := f.svc.PostDigest(ctx, at(2012, 4, 11, 8, 30))
	if err != nil || !ok {
		t.Fatalf("PostDigest: %v, %v", ok, err)
	}
	if _, ok, _ := f.svc.PostDigest(ctx, at(2012, 4, 11, 9, 30)); ok {
		t.Error("the digest was queued twice")
	}
	heads, _ := f.db.OutboxHeads(ctx, store.MailOwner, at(2012, 4, 11, 9, 0), 100)
	var to []string
	for _, h := range heads {
		to = append(to, h.To)
		if h.Kind != "digest" || h.Message.Text != d.Message.Text {
			t.Errorf("e-mail %s: %s %q", h.To, h.Kind, h.Message.Text)
		}
	}
	slices.Sort(to)
	if !slices.Equal(to, []string{"chair@kent.police.uk", "tasking@sevenoaks.gov.uk"}) {
		t.Errorf("digest e-mailed to %v", to)
	}
	if slack, _ := f.db.OutboxHeads(ctx, store.SlackOwner, at(2012, 4, 11, 9, 0), 100); len(slack) != 1 || slack[0].To != "CDIGEST" {
		t.Errorf("digest posted to %v", slack)
	}

	f.svc.DigestChannel = ""
	if _, ok, err := f.svc.PostDigest(ctx, at(2012, 4, 12, 8, 30)); err != nil || !ok {
		t.Fatalf("by e-mail alone: %v, %v", ok, err)
	}
}

// TestWithoutAMailServerNobodyIsEMailed: with no mail server, a person
// registered by address counts as nobody, and a Slack member who chose
// e-mail gets Slack.
func TestWithoutAMailServerNobodyIsEMailed(t *testing.T) {
	ctx := context.Background()
	f := mustFixture(t, at(2012, 4, 2, 9, 0))
	f.svc.NoEmail = true
	if _, err := f.db.AddMemberByEmail(ctx, policeLead, "POLICE", userCoord); err != nil {
		t.Fatal(err)
	}
	f.mustAddMember(userCSU, "CSU")
	if _, err := f.db.SetMemberEmail(ctx, userCSU, csuMail, actionbot.RouteEmail, userCoord); err != nil {
		t.Fatal(err)
	}
	run := f.mustSweep(at(2012, 4, 2, 9, 0))
	if bundleTo(run, policeLead) != nil || bundleTo(run, csuMail) != nil || bundleTo(run, userCSU) == nil {
		t.Errorf("bundles to %v", func() (to []string) {
			for _, b := range run.Bundles {
				to = append(to, b.To)
			}
			return
		}())
	}
	if !slices.Contains(run.NobodyFor, "POLICE") {
		t.Errorf("nobody for %v", run.NobodyFor)
	}
}
