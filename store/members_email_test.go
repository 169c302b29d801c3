package store_test

import (
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

func TestMembersByEmail(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	db := mustOpenWriting(t, clock)
	id, err := db.AddMemberByEmail(ctx, " SpeedWatch.Lead@Kent.Police.UK", "POLICE", "U0")
	if err != nil || id != "speedwatch.lead@kent.police.uk" {
		t.Fatalf("AddMemberByEmail = %q, %v", id, err)
	}
	if _, err := db.AddMemberByEmail(ctx, "speedwatch.lead@kent.police.uk", "POLICE", "U0"); actionbot.ErrorCode(err) != actionbot.EUNCHANGED {
		t.Errorf("again: %v, want EUNCHANGED", err)
	}
	if _, err := db.AddMemberByEmail(ctx, "not an address", "POLICE", "U0"); actionbot.ErrorCode(err) != actionbot.EINVALID {
		t.Errorf("bad address: %v, want EINVALID", err)
	}
	if _, err := db.AddMemberByEmail(ctx, "x@kent.police.uk", "POLICE", "UNOBODY"); actionbot.ErrorCode(err) != actionbot.EUNAUTHORIZED {
		t.Errorf("a non-coordinator: %v, want EUNAUTHORIZED", err)
	}
	ags, _ := db.MemberAgencies(ctx, id)
	if len(ags) != 1 || ags[0] != "POLICE" {
		t.Errorf("agencies %v", ags)
	}

	// A Slack member with an address beside their id.
	if err := db.AddMember(ctx, "U7", "CSU", "U0"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetMemberEmail(ctx, "U7", "speedwatch.lead@kent.police.uk", "", "U0"); actionbot.ErrorCode(err) != actionbot.ECONFLICT {
		t.Errorf("someone else's address: %v, want ECONFLICT", err)
	}
	if _, err := db.SetMemberEmail(ctx, "U7", "csu.officer@sevenoaks.gov.uk", "weekly", "U0"); actionbot.ErrorCode(err) != actionbot.EINVALID {
		t.Errorf("bad route: %v", err)
	}
	if _, err := db.SetMemberEmail(ctx, "U7", "csu.officer@sevenoaks.gov.uk", actionbot.RouteBoth, "U0"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddMemberByEmail(ctx, "csu.officer@sevenoaks.gov.uk", "CSU", "U0"); actionbot.ErrorCode(err) != actionbot.ECONFLICT {
		t.Errorf("a Slack member's address added alone: %v, want ECONFLICT", err)
	}
	all, err := db.MemberEmails(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if e := all["U7"]; e == nil || e.Email != "csu.officer@sevenoaks.gov.uk" || e.Route != actionbot.RouteBoth {
		t.Errorf("U7: %+v", e)
	}
	if e := all[id]; e == nil || e.Email != id || e.Route != actionbot.RouteAuto {
		t.Errorf("%s: %+v", id, e)
	}

	// A refusal marks the address once, queuing its notices once.
	notice := func() []*actionbot.Outgoing {
		return []*actionbot.Outgoing{{Key: "bounce:" + id + ":U0", Kind: "notice", To: "U0", Message: actionbot.Simple("refused")}}
	}
	clock.Advance(time.Hour)
	if ok, err := db.MarkEmailUndeliverable(ctx, id, "550 5.1.1 no such user", notice()); !ok || err != nil {
		t.Fatalf("first refusal: %v, %v", ok, err)
	}
	if ok, err := db.MarkEmailUndeliverable(ctx, id, "550 5.1.1 no such user", notice()); ok || err != nil {
		t.Fatalf("second refusal: %v, %v", ok, err)
	}
	m, err := db.MemberByEmail(ctx, id)
	if err != nil || m.Undeliverable.IsZero() || m.Reason != "550 5.1.1 no such user" {
		t.Errorf("after refusal: %+v, %v", m, err)
	}
	if slack, mail := actionbot.Routes(id, m); slack != "" || mail != "" {
		t.Errorf("a refused address still routes to %q %q", slack, mail)
	}
	// Setting U7's address again clears a refusal of it.
	db.MarkEmailUndeliverable(ctx, "csu.officer@sevenoaks.gov.uk", "550", nil)
	if _, err := db.SetMemberEmail(ctx, "U7", "csu.officer@sevenoaks.gov.uk", "", "U0"); err != nil {
		t.Fatal(err)
	}
	if m, _ := db.MemberByEmail(ctx, "csu.officer@sevenoaks.gov.uk"); !m.Undeliverable.IsZero() || m.Route != actionbot.RouteBoth {
		t.Errorf("set again: %+v", m)
	}
}

func TestMailOutbox(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	db := mustOpenWriting(t, clock)
	msgs := []*actionbot.Outgoing{
		{Key: "k1", Kind: "reminder", To: "a@x.org", Message: actionbot.Simple("one")},
		{Key: "k2", Kind: "reminder", To: "a@x.org", Message: actionbot.Simple("two")},
		{Key: "k3", Kind: "reminder", To: "U1", Message: actionbot.Simple("slack")},
	}
	if n, err := db.Enqueue(ctx, msgs...); n != 3 || err != nil {
		t.Fatal(n, err)
	}
	slack, _ := db.OutboxHeads(ctx, store.SlackOwner, clock.Now(), 10)
	if len(slack) != 1 || slack[0].To != "U1" {
		t.Errorf("the Slack sender is given %v", slack)
	}
	heads, err := db.OutboxHeads(ctx, store.MailOwner, clock.Now(), 10)
	if err != nil || len(heads) != 1 || heads[0].Key != "k1" {
		t.Fatalf("mail heads %v, %v", heads, err)
	}
	if err := db.ClaimOutgoing(ctx, store.MailOwner, heads[0].ID, "", heads[0].ClaimedAt, db.Now()); err != nil {
		t.Fatal(err)
	}
	if err := db.ClaimOutgoing(ctx, store.MailOwner, heads[0].ID, "", time.Time{}, db.Now()); actionbot.ErrorCode(err) != actionbot.ECONFLICT {
		t.Errorf("claimed twice: %v", err)
	}
	// Interrupted: after the lease it is given again, still 'sending'.
	if h, _ := db.OutboxHeads(ctx, store.MailOwner, clock.Now(), 10); len(h) != 0 {
		t.Errorf("within the lease: %v", h)
	}
	clock.Advance(store.SendingLease)
	h, _ := db.OutboxHeads(ctx, store.MailOwner, clock.Now(), 10)
	if len(h) != 1 || h[0].State != actionbot.OutboxSending || h[0].ID != heads[0].ID {
		t.Fatalf("after the lease: %v", h)
	}
	if err := db.ClaimOutgoing(ctx, store.MailOwner, h[0].ID, "", h[0].ClaimedAt, db.Now()); err != nil {
		t.Fatalf("reclaim: %v", err)
	}
	if err := db.ClaimOutgoing(ctx, store.MailOwner, h[0].ID, "", h[0].ClaimedAt, db.Now()); actionbot.ErrorCode(err) != actionbot.ECONFLICT {
		t.Errorf("reclaimed twice: %v", err)
	}
	q, err := db.QueuedForMail(ctx)
	if err != nil || q.Queued != 2 || !q.Oldest.Equal(storetest.PlanStart) {
		t.Errorf("queue %+v, %v", q, err)
	}
	if err := db.MarkSent(ctx, h[0].ID, "", "<outbox-1@x.org>"); err != nil {
		t.Fatal(err)
	}
	if err := db.ReleaseOutgoing(ctx, heads[0].ID+1, "dial tcp: connection refused (retrying)", clock.Now().Add(time.Minute), true); err != nil {
		t.Fatal(err)
	}
	q, _ = db.QueuedForMail(ctx)
	if q.Queued != 1 || q.LastError != "dial tcp: connection refused (retrying)" {
		t.Errorf("queue %+v", q)
	}
	// A console run keeps its own, e-mail or not.
	db.Owner = store.ConsoleOwner()
	db.Enqueue(ctx, &actionbot.Outgoing{Key: "k4", Kind: "reminder", To: "b@x.org", Message: actionbot.Simple("console")})
	if p, _ := db.OutboxHeads(ctx, db.Owner, clock.Now(), 10); len(p) != 1 || p[0].Key != "k4" {
		t.Errorf("console's own: %v", p)
	}
}
