package actionbot

import "time"

// The clock. Everything that works out what is due, overdue or stale, or
// stamps a change, reads the clock it is given (the Now field of the
// handler, the bot, the store, the reminders' service, the link pages, the
// mail sender): the wall clock in production, the console's moving clock
// under -as-of, a fixed one in tests. This file is the one place in the
// libraries that reads the wall clock, so that a run on another clock
// cannot mix in the real one unnoticed: clock_test.go fails on a
// time.Now() anywhere else.

// WallClock is the instant now by the wall clock: the default of a
// component whose clock was not given.
func WallClock() time.Time { return time.Now() }

// Stopwatch starts timing and returns how long it has been since: real
// time taken, for a log line or a timeout, never an instant a rule reads.
func Stopwatch() func() time.Duration {
	start := time.Now()
	return func() time.Duration { return time.Since(start) }
}
