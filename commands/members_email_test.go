package commands_test

import (
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/store"
)

func TestACoordinatorRegistersSomeoneByEMail(t *testing.T) {
	f := mustFixture(t)
	mustContain(t, f.run(coord, "admin member add Speedwatch.Lead@Kent.Police.UK POLICE"),
		"Added speedwatch.lead@kent.police.uk to POLICE (Kent Police)", "go by e-mail")
	if ags, _ := f.db.MemberAgencies(ctx, "speedwatch.lead@kent.police.uk"); len(ags) != 1 || ags[0] != "POLICE" {
		t.Fatalf("agencies %v", ags)
	}
	// As Slack links an address it is given.
	mustContain(t, f.run(coord, "admin member add <mailto:csu.officer@sevenoaks.gov.uk|csu.officer@sevenoaks.gov.uk> Community Safety Unit"),
		"Added csu.officer@sevenoaks.gov.uk to CSU")
	mustContain(t, f.run(coord, "admin member add speedwatch.lead@kent.police.uk POLICE"), "already a member of POLICE")
	mustContain(t, f.run(coord, "admin member add speedwatch.lead@kent police POLICE"), "has no domain such as example.org")
	mustContain(t, f.run(policeUser, "admin member add x@kent.police.uk POLICE"), "Only a coordinator")

	// Anyone may list the agencies: the address is masked there.
	list := plain(f.run(outsider, "agencies"))
	if strings.Contains(list, "speedwatch.lead@") || !strings.Contains(list, "s…d@kent.police.uk (e-mail)") {
		t.Errorf("agencies shows:\n%s", list)
	}

	// A Slack member's address, its route, and taking it away.
	mustContain(t, f.run(coord, "admin member email @UPOLICE pol.one@kent.police.uk both"), "@UPOLICE's e-mail address is pol.one@kent.police.uk: their reminders go there and on Slack")
	if es, _ := f.db.MemberEmails(ctx); es["UPOLICE"] == nil || es["UPOLICE"].Route != actionbot.RouteBoth {
		t.Errorf("route %+v", es["UPOLICE"])
	}
	mustContain(t, f.run(coord, "admin member email @UPOLICE speedwatch.lead@kent.police.uk"), "already")
	mustContain(t, f.run(coord, "admin member email @UPOLICE pol.one@kent.police.uk weekly"), "Reminders go by slack (the default), email or both")
	mustContain(t, f.run(coord, "admin member email @UPOLICE none"), "has no e-mail address now")
	mustContain(t, f.run(coord, "admin member email speedwatch.lead@kent.police.uk x@y.uk"), "is not a Slack member")

	// Removing someone registered by address.
	mustContain(t, f.run(coord, "admin member remove speedwatch.lead@kent.police.uk POLICE"), "Removed speedwatch.lead@kent.police.uk from POLICE")
}

func TestAdminFailedShowsEMailWaitingAndRefused(t *testing.T) {
	f := mustFixture(t)
	mustContain(t, f.run(coord, "admin failed"), "Every message has been delivered")
	if _, err := f.db.Enqueue(ctx, &actionbot.Outgoing{Key: "k1", Kind: "reminder", To: "a@kent.police.uk", Message: actionbot.Simple("Reminders: 1 overdue")},
		&actionbot.Outgoing{Key: "k2", Kind: "reminder", To: "b@kent.police.uk", Message: actionbot.Simple("Reminders: 2 overdue")}); err != nil {
		t.Fatal(err)
	}
	heads, _ := f.db.OutboxHeads(ctx, store.MailOwner, f.clock.Now(), 10)
	f.db.ReleaseOutgoing(ctx, heads[0].ID, "dial tcp 10.0.0.5:587: connect: connection refused (retrying)", f.clock.Now().Add(60e9), true)
	f.db.MarkFailed(ctx, heads[1].ID, "the mail server refused the address: 550 no such user")
	mustContain(t, f.run(coord, "admin failed"), "Undelivered messages — 1", "reminder to b@kent.police.uk (e-mail)", "550 no such user",
		"1 e-mail waiting to go", "connection refused", "ACTIONBOT_SMTP_URL")
}
