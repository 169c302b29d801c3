package schedule

import (
	"sync"
	"time"
)

// MovingClock is the console's -as-of clock: it starts at an instant, runs
// forward speed times as fast as the wall clock, and can jump ahead (/next).
type MovingClock struct {
	wall  func() time.Time
	speed float64

	mu    sync.Mutex
	base  time.Time // the clock's reading at wall0
	wall0 time.Time
}

// Now reads the clock.
func (m *MovingClock) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.base.Add(time.Duration(float64(m.wall().Sub(m.wall0)) * m.speed))
}

// Jump sets the clock to t, from which it runs on at its speed.
func (m *MovingClock) Jump(t time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.base, m.wall0 = t, m.wall()
}

// NewMovingClock is a clock that reads start now, on wall, and runs
// forward speed times as fast as wall.
func NewMovingClock(wall func() time.Time, speed float64, start time.Time) *MovingClock {
	return &MovingClock{wall: wall, speed: speed, base: start, wall0: wall()}
}
