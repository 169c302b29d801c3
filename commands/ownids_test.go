package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// ownIDsPlan numbers its actions as Dorset's and Sheffield's plans do.
const ownIDsPlan = "Westshire Community Safety Plan 2019-20\n" +
	"Ref,Action,Lead,Timescale\n" +
	"DAB 1,Update the documents,Council,March 2020\n" +
	"DAB 12,Brief the staff,Council,March 2020\n" +
	"1a,Train the trainers,Police,June 2019\n" +
	"1b,Collate the reporting routes,Police,June 2019\n" +
	"1d*,Run the awareness campaign,Police,June 2019\n"

func mustOwnIDsHandler(tb testing.TB) *commands.Handler {
	tb.Helper()
	ctx := context.Background()
	clock := storetest.NewClock(time.Date(2019, time.May, 1, 9, 0, 0, 0, storetest.London))
	db := storetest.MustOpenEmpty(tb, clock)
	res, err := planfile.Read(strings.NewReader(ownIDsPlan), actionbot.NewDirectory(nil), planfile.Options{Today: actionbot.DateOf(clock.Now())})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := db.ImportPlan(ctx, res.Import); err != nil {
		tb.Fatal(err)
	}
	db.ConfiguredCoordinators = []string{"UCOORD1"}
	return &commands.Handler{Store: db, Now: clock.Now, Location: storetest.London}
}

func TestAnOfficerReachesThePlansOwnIdsHoweverTheyTypeThem(t *testing.T) {
	h := mustOwnIDsHandler(t)
	tests := []struct {
		typed string
		want  string
	}{
		{"DAB 1", "Update the documents"},
		{"dab1", "Update the documents"},
		{"DAB 12", "Brief the staff"},
		{"1A", "Train the trainers"},
		{"1d", "Run the awareness campaign"},
		{"(1b)", "Collate the reporting routes"},
		// An id the plan lacks, written as its ids are: the nearest of its own.
		{"DAB 2", "No action DAB 2 — did you mean DAB 1"},
		{"1e", "did you mean 1d*"},
		// The number its ids are under.
		{"1", "1 is not an action in Westshire Community Safety Plan 2019-20: the actions under it are 1a, 1b, 1d*"},
		// A verb is never taken for an id.
		{"me", "You are"},
	}
	for _, tc := range tests {
		t.Run(tc.typed, func(t *testing.T) {
			got := homePlain(h.Handle(context.Background(), commands.Request{UserID: "UCOORD1", Text: tc.typed}))
			if !strings.Contains(got, tc.want) {
				t.Fatalf("/action %s:\n%s\nwant %q", tc.typed, got, tc.want)
			}
		})
	}
}

func TestAChangeReachesTheIdTypedAndNoOther(t *testing.T) {
	h := mustOwnIDsHandler(t)
	ctx := context.Background()
	msg := homePlain(h.Handle(ctx, commands.Request{UserID: "UCOORD1", Text: "dab 1 progress 40 leaflets printed"}))
	if !strings.Contains(msg, "DAB 1 is now at 40%") {
		t.Fatalf("reply:\n%s", msg)
	}
	for ref, want := range map[string]string{"DAB 1": "open · 40%", "DAB 12": "open · 0%"} {
		if card := homePlain(h.Handle(ctx, commands.Request{UserID: "UCOORD1", Text: ref})); !strings.Contains(card, want) {
			t.Errorf("%s card lacks %q:\n%s", ref, want, card)
		}
	}
}
