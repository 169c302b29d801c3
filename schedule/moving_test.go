package schedule

import (
	"testing"
	"time"
)

func TestTheConsoleClockRunsAtItsSpeedAndJumps(t *testing.T) {
	wall := time.Date(2026, 12, 6, 17, 0, 0, 0, time.UTC)
	start := time.Date(2012, 11, 5, 8, 29, 0, 0, time.UTC)
	m := NewMovingClock(func() time.Time { return wall }, 60, start)
	wall = wall.Add(time.Minute)
	if got := m.Now(); !got.Equal(start.Add(time.Hour)) {
		t.Fatalf("a wall minute at speed 60 reads %s, want %s", got, start.Add(time.Hour))
	}
	to := time.Date(2012, 11, 6, 8, 30, 0, 0, time.UTC)
	m.Jump(to)
	wall = wall.Add(time.Second)
	if got := m.Now(); !got.Equal(to.Add(time.Minute)) {
		t.Fatalf("a wall second after the jump reads %s, want %s", got, to.Add(time.Minute))
	}
}
