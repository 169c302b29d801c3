package web

import (
	"net/http"
	"strings"
	"testing"
)

// A partner's page names who made the latest change; another member's
// e-mail address is masked there, as in lists, and shown in full only to
// its owner and to a coordinator.
func TestAPageMasksAnotherMembersAddress(t *testing.T) {
	f := mustFixture(t)
	u, _ := f.link(t, policeLead, "5.2")
	note := formsOf(t, f.do(t, http.MethodGet, u, nil).body)["note"].values("note", "Two schemes running")
	if r := f.do(t, http.MethodPost, u, note); r.status != http.StatusSeeOther {
		t.Fatal(r.status)
	}
	const masked = "s…@kent.police.uk"
	for who, want := range map[string]string{dvlaLead: masked, policeLead: policeLead, coord: policeLead} {
		link, _ := f.link(t, who, "5.2")
		r := f.do(t, http.MethodGet, link, nil)
		if r.status != http.StatusOK || !strings.Contains(r.body, "Latest: <em>"+want+"</em>") {
			t.Errorf("%s's page: %d, want the latest change by %q:\n%s", who, r.status, want, r.body)
		}
		if want == masked && strings.Contains(r.body, policeLead) {
			t.Errorf("%s's page shows %s", who, policeLead)
		}
	}
}

func TestOnlyAWholeAddressSpanIsMasked(t *testing.T) {
	for in, want := range map[string]bool{
		"speedwatch.lead@kent.police.uk": true,
		"a@b.uk":                         true,
		"Kent Police":                    false,
		"write to a@b.uk":                false,
		"@U0POL1":                        false,
		"x@localhost":                    false,
	} {
		if got := isAddress(in); got != want {
			t.Errorf("isAddress(%q) = %v", in, got)
		}
	}
}
