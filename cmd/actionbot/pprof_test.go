package main

import (
	"strings"
	"testing"
)

// The profiler is not authenticated: ACTIONBOT_PPROF_ADDR is refused at
// start unless it listens on loopback, or ACTIONBOT_PPROF_FORCE=1 says the
// operator means it (issue 24, 7: it accepted all interfaces).
func TestPprofAddrIsLoopbackOnlyUnlessForced(t *testing.T) {
	for _, tc := range []struct {
		addr, force string
		want        string // the address served, or
		wantErr     string
	}{
		{"", "", "", ""},
		{"127.0.0.1:6060", "", "127.0.0.1:6060", ""},
		{"127.0.0.2:6060", "", "127.0.0.2:6060", ""},
		{"[::1]:6060", "", "[::1]:6060", ""},
		{"localhost:6060", "", "localhost:6060", ""},
		{"LocalHost:6060", "", "LocalHost:6060", ""},
		{":6060", "", "", "listens on every interface"},
		{"0.0.0.0:6060", "", "", "listens on every interface"},
		{"[::]:6060", "", "", "listens on every interface"},
		{"10.0.0.5:6060", "", "", "is not a loopback address"},
		{"pprof.example.org:6060", "", "", "is not a loopback address"},
		{"6060", "", "", "host:port"},
		{"0.0.0.0:6060", "1", "0.0.0.0:6060", ""},
		{":6060", "true", ":6060", ""},
		{"10.0.0.5:6060", "0", "", "is not a loopback address"},
		{"10.0.0.5:6060", "please", "", "ACTIONBOT_PPROF_FORCE"},
	} {
		env := map[string]string{"ACTIONBOT_PPROF_ADDR": tc.addr, "ACTIONBOT_PPROF_FORCE": tc.force}
		got, err := loadPprofAddr(func(k string) string { return env[k] })
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%q (force %q): %q, %v; want an error saying %q", tc.addr, tc.force, got, err, tc.wantErr)
			} else if !strings.Contains(err.Error(), "ACTIONBOT_PPROF_") {
				t.Errorf("%q: the error does not name the variable: %v", tc.addr, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q (force %q): %q, %v; want %q", tc.addr, tc.force, got, err, tc.want)
		}
	}
}
