package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTicks is the unit of utime and stime in /proc/PID/stat (USER_HZ). It
// is 100 on every Linux architecture Go supports; the kernel's ABI fixes it
// for user space whatever the kernel's own HZ.
const clockTicks = 100

// cpuTime is the CPU time a process has used, user and system, read from
// /proc/PID/stat.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read CPU time of process %d: %w", pid, err)
	}
	return parseStatCPU(b)
}

// parseStatCPU reads utime and stime (fields 14 and 15) from the text of
// /proc/PID/stat. The command name (field 2) is in parentheses and may hold
// spaces or parentheses itself, so fields are counted from the last ')'.
func parseStatCPU(stat []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, errors.New("/proc stat: no command name")
	}
	f := strings.Fields(string(stat[i+1:]))
	// f[0] is field 3 (state), so field n is f[n-3].
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc stat: %d fields after the name, want at least 13", len(f))
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("/proc stat: utime/stime: %w", err)
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// procStatus returns a field of /proc/PID/status in kB (VmRSS, VmHWM).
func procStatus(pid int, field string) (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read status of process %d: %w", pid, err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			fs := strings.Fields(rest)
			if len(fs) == 0 {
				break
			}
			return strconv.Atoi(fs[0])
		}
	}
	return 0, fmt.Errorf("process %d: no %s in /proc status", pid, field)
}

// mallocs reads the Go runtime's cumulative count of heap allocations from a
// profiler endpoint (ACTIONBOT_PPROF_ADDR): the text heap profile ends with
// the runtime's MemStats, "# Mallocs = N".
func mallocs(client *http.Client, pprofAddr string) (uint64, error) {
	resp, err := client.Get("http://" + pprofAddr + "/debug/pprof/heap?debug=1")
	if err != nil {
		return 0, fmt.Errorf("read allocations: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("read allocations: HTTP %d", resp.StatusCode)
	}
	return parseMallocs(resp.Body)
}

func parseMallocs(r io.Reader) (uint64, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "# Mallocs = "); ok {
			return strconv.ParseUint(strings.TrimSpace(v), 10, 64)
		}
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("read allocations: %w", err)
	}
	return 0, errors.New("read allocations: no \"# Mallocs\" line in the heap profile")
}

// meter takes the cost of one measured window of a server process: its CPU
// time and, where its profiler is reachable, its allocations.
type meter struct {
	pid    int
	pprof  string // the server's profiler address, or ""
	client *http.Client

	cpu0      time.Duration
	allocs0   uint64
	peakReset bool
}

// cost is what one server spent answering one window of requests.
type cost struct {
	cpu      time.Duration
	allocs   uint64
	hasAlloc bool
	// peakKB is the process's peak resident memory within the window, when
	// its high-water mark could be reset at the start (hasPeak).
	peakKB  int
	hasPeak bool
}

// resetPeak resets a process's resident-memory high-water mark (VmHWM) to
// its current resident memory, so that VmHWM read later is the peak since:
// writing 5 to /proc/PID/clear_refs (Linux 4.0 and later, same user).
func resetPeak(pid int) error {
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0); err != nil {
		return fmt.Errorf("reset the peak memory of process %d: %w", pid, err)
	}
	return nil
}

func (m *meter) start() error {
	m.peakReset = resetPeak(m.pid) == nil
	var err error
	if m.cpu0, err = cpuTime(m.pid); err != nil {
		return err
	}
	if m.pprof != "" {
		if m.allocs0, err = mallocs(m.client, m.pprof); err != nil {
			return err
		}
	}
	return nil
}

func (m *meter) stop() (cost, error) {
	cpu, err := cpuTime(m.pid)
	if err != nil {
		return cost{}, err
	}
	c := cost{cpu: cpu - m.cpu0}
	if m.peakReset {
		if kb, err := procStatus(m.pid, "VmHWM"); err == nil {
			c.peakKB, c.hasPeak = kb, true
		}
	}
	if m.pprof != "" {
		a, err := mallocs(m.client, m.pprof)
		if err != nil {
			return cost{}, err
		}
		// Reading the profile allocates too; a few hundred allocations a window
		// are noise against tens of thousands of requests.
		c.allocs, c.hasAlloc = a-m.allocs0, true
	}
	return c, nil
}

// perRequest formats a cost per answered request.
func (c cost) perRequest(n int) (cpu string, allocs string) {
	if n == 0 {
		return "-", "-"
	}
	cpu = fmt.Sprintf("%.1fµs", float64(c.cpu.Nanoseconds())/1000/float64(n))
	allocs = "-"
	if c.hasAlloc {
		allocs = fmt.Sprintf("%.0f", float64(c.allocs)/float64(n))
	}
	return cpu, allocs
}
