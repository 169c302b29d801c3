package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot/linktoken"
)

// A link whose person has since been removed from their agency opens no
// card and no forms: the link was their only standing.
func TestALinkOfSomeoneRemovedFromTheirAgencyShowsNothing(t *testing.T) {
	f := mustFixture(t)
	u, _ := f.link(t, policeLead, "5.2")
	done := formsOf(t, f.do(t, http.MethodGet, u, nil).body)["done"]
	// Someone else's note is on the card.
	other, _ := f.link(t, dvlaLead, "5.2")
	note := formsOf(t, f.do(t, http.MethodGet, other, nil).body)["note"].values("note", "DVLA data shared with the scheme")
	if r := f.do(t, http.MethodPost, other, note); r.status != http.StatusSeeOther {
		t.Fatal(r.status)
	}
	if err := f.db.RemoveMember(ctx, policeLead, "POLICE", coord); err != nil {
		t.Fatal(err)
	}
	before := f.state(t, "5.2")
	r := f.do(t, http.MethodGet, u, nil)
	if r.status == http.StatusOK || strings.Contains(r.body, "<form") || strings.Contains(r.body, "DVLA data shared") {
		t.Errorf("GET by a removed member: %d\n%s", r.status, r.body)
	}
	r = f.do(t, http.MethodPost, u, done.values())
	if r.status == http.StatusSeeOther {
		r = f.do(t, http.MethodGet, followed(t, u, r.header.Get("Location")), nil)
	}
	if strings.Contains(r.body, "DVLA data shared") {
		t.Errorf("POST by a removed member shows the card:\n%s", r.body)
	}
	if after := f.state(t, "5.2"); after != before {
		t.Errorf("something changed: %+v → %+v", before, after)
	}
	if logs := f.logs.String(); !strings.Contains(logs, "reason=\"not a member\"") || strings.Contains(logs, policeLead) {
		t.Errorf("the refusal is not logged, or logged with the address:\n%s", logs)
	}
	// Added back, the same link works again.
	if err := f.db.AddMember(ctx, policeLead, "POLICE", coord); err != nil {
		t.Fatal(err)
	}
	if r := f.do(t, http.MethodGet, u, nil); r.status != http.StatusOK || !strings.Contains(r.body, "<form") {
		t.Errorf("GET once a member again: %d", r.status)
	}
}

// A coordinator's link works though they belong to no agency.
func TestACoordinatorsLinkWorks(t *testing.T) {
	f := mustFixture(t)
	u, _ := f.link(t, coord, "5.2")
	if r := f.do(t, http.MethodGet, u, nil); r.status != http.StatusOK || !strings.Contains(r.body, "<form") {
		t.Errorf("GET: %d\n%s", r.status, r.body)
	}
}

// A link to an action the plan no longer has, or to a plan that does not
// exist, shows no forms and changes nothing.
func TestALinkToNoSuchActionOrPlan(t *testing.T) {
	f := mustFixture(t)
	before := f.state(t, "5.2")
	before.inbox = 0 // a refused change is recorded with its refusal
	for name, l := range map[string]linktoken.Link{
		"no such action": linktoken.New(policeLead, f.plan.ID, "99.9", f.clock.Now()),
		"no such plan":   linktoken.New(policeLead, f.plan.ID+41, "5.2", f.clock.Now()),
	} {
		tok, err := linktoken.Sign(testKey, l)
		if err != nil {
			t.Fatal(err)
		}
		r := f.do(t, http.MethodGet, linktoken.URL(f.srv.URL, tok), nil)
		if strings.Contains(r.body, "<form") {
			t.Errorf("%s: %d, with forms", name, r.status)
		}
		form := url.Values{"csrf": {linktoken.FormToken(testKey, tok)}, "submission": {newSubmission(testKey, tok, f.clock.Now())}, "do": {"done"}}
		f.do(t, http.MethodPost, linktoken.URL(f.srv.URL, tok), form)
	}
	after := f.state(t, "5.2")
	if after.inbox = 0; after != before {
		t.Errorf("something changed: %+v → %+v", before, after)
	}
}
