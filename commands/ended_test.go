package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// Once its year is over a plan reads as history: lateness is counted to
// the plan's end, never to today, however many years later it is read.
func TestAnEndedPlanReadsAsItStoodWhenItEnded(t *testing.T) {
	ctx := context.Background()
	for _, now := range []time.Time{
		time.Date(2013, time.May, 7, 10, 0, 0, 0, storetest.London),
		time.Date(2026, time.December, 6, 10, 0, 0, 0, storetest.London),
	} {
		t.Run(now.Format("2006"), func(t *testing.T) {
			clock := storetest.NewClock(now)
			db := storetest.MustOpen(t, clock)
			h := &commands.Handler{Store: db, Now: clock.Now, Location: storetest.London}
			card := homePlain(h.Handle(ctx, commands.Request{UserID: "UANY", Text: "5.2"}))
			for _, want := range []string{"Deadline: March 2012 (31 Mar 2012) — not done when the plan ended, 365 days after its deadline", "ended on 31 Mar 2013: this is 5.2 as it stood then"} {
				if !strings.Contains(card, want) {
					t.Errorf("card lacks %q:\n%s", want, card)
				}
			}
			if report := homePlain(h.Handle(ctx, commands.Request{UserID: "UANY", Text: "report"})); !strings.Contains(report, "As of 31 Mar 2013") {
				t.Errorf("report is not as of the plan's end:\n%s", report)
			}
		})
	}
}
