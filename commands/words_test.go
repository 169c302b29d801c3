package commands_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
)

// The card names agencies in the plan's words with the code beside them,
// whatever the code's length.
func TestCardNamesAgenciesInThePlansWords(t *testing.T) {
	f := mustFixture(t)
	tests := map[string][]string{
		"1.3": {"Lead: Anti-Social Behaviour Task Group (ASBTG), KCC Children & Families (KCC-CFE)"},
		"2.5": {"Lead: Integrated Youth Service KCC (KCC-YS)"},
		"5.1": {"Kent & Medway Safer Cameras partnership (KMSCP)"},
		"6.3": {"Landlords/Off License (LANDLORDS)"},
	}
	for ref, wants := range tests {
		mustContain(t, f.run(outsider, ref), wants...)
	}
}

// A list names lead agencies as the card does.
func TestListLinesNameAgenciesAsTheCardDoes(t *testing.T) {
	f := mustFixture(t)
	mustContain(t, f.run(outsider, "list priority 1"), "1.3 Where possible", "— Anti-Social Behaviour Task Group (ASBTG), KCC Children & Families (KCC-CFE) —")
}

// "list agency KCC" includes KCC's departments, each line saying which
// department plays which part.
func TestAgencyListIncludesItsDepartmentsAndSaysLedOrPartner(t *testing.T) {
	f := mustFixture(t)
	family := []string{"KCC", "HIGHWAYS", "KCC-CFE", "KCC-CS", "KCC-SS", "KCC-YS", "TS", "WARDENS", "YOS"}
	want := expectRefs(t, func(a *actionbot.Action) bool { return a.RoleOf(family) != actionbot.RoleNone })
	led := expectRefs(t, func(a *actionbot.Action) bool { return a.LeadBy(family) })
	m := f.run(outsider, "list agency KCC")
	if got := listed(m); !slices.Equal(got, want[:min(25, len(want))]) {
		t.Fatalf("listed %v, want %v", got, want)
	}
	text := plain(m)
	for _, s := range []string{
		"Actions: KCC and its departments (HIGHWAYS, KCC-CFE, KCC-CS, KCC-SS, KCC-YS, TS, WARDENS, YOS)",
		"· led by KCC Highways (HIGHWAYS)",                                  // 5.6
		"· led by Integrated Youth Service KCC (KCC-YS)",                    // 2.5
		"· partner: KCC Wardens (WARDENS)",                                  // 1.1
		fmt.Sprintf("%d led, %d as partner.", len(led), len(want)-len(led)), // the header's count
	} {
		if !strings.Contains(text, s) {
			t.Errorf("reply lacks %q:\n%s", s, text)
		}
	}
	if n := strings.Count(text, "· led by ") + strings.Count(text, "· partner: "); n != len(listed(m)) {
		t.Errorf("%d of %d lines say led or partner:\n%s", n, len(listed(m)), text)
	}
	// led and partner narrow it to one part.
	if got := listed(f.run(outsider, "list agency KCC led")); !slices.Equal(got, led) {
		t.Errorf("led: %v, want %v", got, led)
	}
	partner := expectRefs(t, func(a *actionbot.Action) bool { return a.RoleOf(family) == actionbot.RolePartner })
	if got := listed(f.run(outsider, "list agency KCC partner")); !slices.Equal(got, partner) {
		t.Errorf("partner: %v, want %v", got, partner)
	}
	mustContain(t, f.run(outsider, "list led"), "led and partner narrow an agency's list: /action list agency CSU led.")
}

// A long list pages, with the command for the next page, and the pages
// together are the whole list, once each.
func TestLongListsPageWithANextPageCommand(t *testing.T) {
	f := mustFixture(t)
	want := expectRefs(t, func(a *actionbot.Action) bool { return true })
	first := f.run(outsider, "list")
	mustContain(t, first, "Page 1 of 2: 1–25 of 42. Next page: /action list page 2")
	second := f.run(outsider, "list page 2")
	mustContain(t, second, "Page 2 of 2: 26–42 of 42, the last.")
	if got := append(listed(first), listed(second)...); !slices.Equal(got, want) {
		t.Fatalf("the two pages list %v, want %v", got, want)
	}
	mustContain(t, f.run(outsider, "list page 3"), "Page 3 is past the end: there are 42 actions, on 2 pages. First page: /action list.")
	mustContain(t, f.run(outsider, "list priority 1 agency CSU page 2"), "Page 2 is past the end")

	// The next-page command keeps the filters it was given.
	police := f.run(outsider, "list agency kent police")
	if text := plain(police); strings.Contains(text, "Next page") {
		mustContain(t, police, "Next page: /action list agency kent police page 2")
		mustContain(t, f.run(outsider, "list agency kent police page 2"), ", the last.")
	}
}

// mine pages both of its parts with one command.
func TestMinePages(t *testing.T) {
	f := mustFixture(t)
	f.run(coord, "admin member add "+outsider+" CSU")
	f.run(coord, "admin member add "+outsider+" POLICE")
	f.run(coord, "admin member add "+outsider+" SDC")
	f.run(coord, "admin member add "+outsider+" KCC")
	led := expectRefs(t, func(a *actionbot.Action) bool { return a.LeadBy([]string{"CSU", "POLICE", "SDC", "KCC"}) })
	if len(led) <= 25 {
		t.Fatalf("the fixture needs more than 25 actions led, has %d", len(led))
	}
	first := f.run(outsider, "mine")
	mustContain(t, first, "Next page: /action mine page 2")
	second := f.run(outsider, "mine page 2")
	var got []string
	for _, r := range append(listed(first), listed(second)...) {
		if slices.Contains(led, r) {
			got = append(got, r)
		}
	}
	if !slices.Equal(got, led) {
		t.Fatalf("mine's pages list %v as led, want %v", got, led)
	}
}

// A coordinator with no agency is told to register themselves, not to ask a
// list of coordinators that includes them.
func TestACoordinatorIsNotToldToAskThemselves(t *testing.T) {
	f := mustFixture(t)
	for _, text := range []string{"mine", "whoami"} {
		m := f.run(coord, text)
		mustContain(t, m, "As a coordinator you can register yourself")
		if strings.Contains(plain(m), "@"+coord) && text == "mine" {
			t.Errorf("%s names the coordinator asking:\n%s", text, plain(m))
		}
	}
	mustContain(t, f.run(outsider, "mine"), "Ask a coordinator (@"+coord+")")
}

// The command the App Home gives for the rest of a group lists that group:
// as many actions as the group counts.
func TestHomesMoreCommandListsTheSameSet(t *testing.T) {
	f := mustFixture(t)
	home, err := f.h.Home(ctx, csuUser)
	if err != nil {
		t.Fatal(err)
	}
	heading := regexp.MustCompile(`^[A-Z][\w ]* \((\d+)\)$`)
	more := regexp.MustCompile(`^…and \d+ more: /action (list [^\n]+?)(?: lists all (\d+) open.*)?$`)
	count, n := "", 0
	for _, line := range strings.Split(plain(home), "\n") {
		if h := heading.FindStringSubmatch(line); h != nil {
			count = h[1]
		}
		if m := more.FindStringSubmatch(line); m != nil {
			n++
			if m[2] != "" { // the Open group's command lists every open one, and says how many
				count = m[2]
			}
			mustContain(t, f.run(csuUser, m[1]), "— "+count+" action")
		}
	}
	if n == 0 {
		t.Fatalf("the fixture's home has no cut group:\n%s", plain(home))
	}
}
