package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

func TestFirstDelivery(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	db := storetest.MustOpenEmpty(t, clock)
	ctx := context.Background()
	steps := []struct {
		advance time.Duration
		id      string
		first   bool
	}{
		{0, "event:Ev1", true},
		{time.Minute, "event:Ev1", false},    // Slack's retry
		{0, "event:Ev2", true},               // another event
		{23 * time.Hour, "event:Ev1", false}, // still remembered
		{2 * time.Hour, "event:Ev1", true},   // forgotten after a day
	}
	for i, s := range steps {
		clock.Advance(s.advance)
		first, err := db.FirstDelivery(ctx, s.id, 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if first != s.first {
			t.Errorf("step %d: FirstDelivery(%s) = %v, want %v", i, s.id, first, s.first)
		}
	}
	if _, err := db.FirstDelivery(ctx, "", time.Hour); err == nil {
		t.Error("an empty id was accepted")
	}
}
