package outbox

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestSenderBackoff(t *testing.T) {
	s := &Sender{}
	tests := []struct {
		attempt int
		want    time.Duration
	}{{1, 5 * time.Second}, {2, 10 * time.Second}, {3, 20 * time.Second}, {7, 320 * time.Second}, {8, 10 * time.Minute}, {30, 10 * time.Minute}}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.attempt), func(t *testing.T) {
			if got := s.backoff(tc.attempt); got != tc.want {
				t.Errorf("backoff(%d) = %s, want %s", tc.attempt, got, tc.want)
			}
		})
	}
}

// A sender reads "now" from the clock it is given, never the machine's:
// without one it refuses to run.
func TestSenderNeedsAClock(t *testing.T) {
	s := &Sender{}
	if _, err := s.Step(context.Background()); !errors.Is(err, errNoClock) {
		t.Errorf("Step without a clock = %v, want %v", err, errNoClock)
	}
	if err := s.Run(context.Background()); !errors.Is(err, errNoClock) {
		t.Errorf("Run without a clock = %v, want %v", err, errNoClock)
	}
}
