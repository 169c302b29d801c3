package commands

import (
	"runtime"
	"syscall"
	"testing"
	"time"
)

// threadCPU is the CPU time the calling OS thread has used: on a machine
// shared with other work, wall-clock ns/op counts the time spent waiting
// for a core, this does not.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	const rusageThread = 1 // RUSAGE_THREAD
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkGuardCPU reports the guard's CPU time per note (cpu-ns/op), on
// the typical note and over the corpus.
func BenchmarkGuardCPU(b *testing.B) {
	notes := append(readGuardNotes(b, "personal.txt"), readGuardNotes(b, "harmless.txt")...)
	for _, bc := range []struct {
		name  string
		notes []string
	}{{"typical", []string{typicalNote}}, {"corpus", notes}} {
		b.Run(bc.name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			personalDataIn(bc.notes[0]) // load the lists outside the timing
			start, n := threadCPU(), 0
			for i := 0; b.Loop(); i++ {
				personalDataIn(bc.notes[i%len(bc.notes)])
				n++
			}
			b.ReportMetric(float64(threadCPU()-start)/float64(n), "cpu-ns/op")
		})
	}
}
