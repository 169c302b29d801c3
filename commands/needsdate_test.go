package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

func TestHomeListsWhatNeedsADateForCoordinators(t *testing.T) {
	ctx := context.Background()
	clock := storetest.NewClock(time.Date(2023, time.June, 1, 9, 0, 0, 0, storetest.London))
	db := storetest.MustOpenEmpty(t, clock)
	plan := "Action,Lead,Timescale\n" +
		"Agree the referral pathway,Council,TBC\n" +
		"Publish the figures,Council,March 2024\n" +
		"Find a venue for the forum,,When funding allows\n"
	res, err := planfile.Read(strings.NewReader(plan), actionbot.NewDirectory(nil), planfile.Options{Name: "Westshire"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportPlan(ctx, res.Import); err != nil {
		t.Fatal(err)
	}
	db.ConfiguredCoordinators = []string{"UCOORD1"} // coordinators by the wiring's word
	if err := db.AddMember(ctx, "UCOUNCIL1", "COUNCIL", "UCOORD1"); err != nil {
		t.Fatal(err)
	}
	h := &commands.Handler{Store: db, Now: clock.Now, Location: storetest.London}

	msg, err := h.Home(ctx, "UCOORD1")
	if err != nil {
		t.Fatal(err)
	}
	groups := homeGroupsOf(msg)
	if g := groups["Needs a date"]; g == nil || fmt.Sprint(g.refs) != "[1.1 1.3]" {
		t.Fatalf("needs a date: %+v\n%s", g, homePlain(msg))
	}
	if g := groups["No lead"]; g == nil || fmt.Sprint(g.refs) != "[1.3]" {
		t.Fatalf("no lead: %+v", g)
	}
	// The hints are in the plan's own words: its first undated action and
	// a month of its year; its unled action and an agency it names.
	if !strings.Contains(homePlain(msg), "/action 1.1 due March 2024 <reason>") {
		t.Errorf("the coordinator is not told how to set a date:\n%s", homePlain(msg))
	}
	if !strings.Contains(homePlain(msg), "set it with /action 1.3 lead Council") {
		t.Errorf("the coordinator is not told how to set a lead:\n%s", homePlain(msg))
	}

	member, err := h.Home(ctx, "UCOUNCIL1")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(homePlain(member), "Needs a date (") {
		t.Error("a member who is not a coordinator sees the coordinator's list")
	}

	text := "1.1 due June 2023 agreed at the June meeting"
	if out, err := h.Do(ctx, commands.Request{UserID: "UCOORD1", Text: text}, homeMustParse(t, text)); err != nil {
		t.Fatalf("%s: %v (%s)", text, err, out.Text)
	}
	msg, err = h.Home(ctx, "UCOORD1")
	if err != nil {
		t.Fatal(err)
	}
	if g := homeGroupsOf(msg)["Needs a date"]; g == nil || fmt.Sprint(g.refs) != "[1.3]" {
		t.Fatalf("after setting a date, needs a date: %+v", g)
	}
}

func TestCardShowsThePlansOwnIdAndColumns(t *testing.T) {
	ctx := context.Background()
	clock := storetest.NewClock(time.Date(2023, time.June, 1, 9, 0, 0, 0, storetest.London))
	db := storetest.MustOpenEmpty(t, clock)
	plan := "Ref,Action,Lead,Timescale,Outcome\n" +
		"a),Agree the referral pathway,Council,Monthly,Fewer repeat referrals\n"
	res, err := planfile.Read(strings.NewReader(plan), actionbot.NewDirectory(nil), planfile.Options{Name: "Westshire", Today: actionbot.DateOf(clock.Now())})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportPlan(ctx, res.Import); err != nil {
		t.Fatal(err)
	}
	db.ConfiguredCoordinators = []string{"UCOORD1"} // coordinators by the wiring's word
	h := &commands.Handler{Store: db, Now: clock.Now, Location: storetest.London}
	cmd, err := h.Parse(ctx, "A)") // the plan's own id, typed as people type it
	if err != nil {
		t.Fatal(err)
	}
	msg, err := h.Do(ctx, commands.Request{UserID: "UCOORD1", Text: "A)"}, cmd)
	if err != nil {
		t.Fatal(err)
	}
	card := homePlain(msg)
	for _, want := range []string{"From the plan: Outcome: Fewer repeat referrals", "Monthly (ongoing, checked monthly)"} {
		if !strings.Contains(card, want) {
			t.Errorf("card lacks %q:\n%s", want, card)
		}
	}
}
