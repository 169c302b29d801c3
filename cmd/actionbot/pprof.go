package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot/store"
)

// ACTIONBOT_PPROF_ADDR serves Go's profiler (net/http/pprof) on its own
// listener, for finding what a loaded bot spends its time on. It must be a
// loopback address (127.0.0.1:6060): the profiles are not authenticated.
func pprofJob(ctx context.Context, a *app, c *Config, _ *store.DB) error {
	addr := a.jobs.pprofAddr
	if addr == "" {
		return nil
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("ACTIONBOT_PPROF_ADDR=%q: %w", addr, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	newLogger(c, os.Stderr).Info("profiler listening", "addr", ln.Addr().String())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("profiler: %w", err)
	}
	return nil
}

// loadPprofAddr reads ACTIONBOT_PPROF_ADDR, refusing at start an address
// that is not loopback (127.0.0.0/8, ::1, localhost): the profiler, which
// shows memory and command line, would be open to anyone who can reach
// the host. ACTIONBOT_PPROF_FORCE=1 allows any address.
func loadPprofAddr(env getenv) (string, error) {
	addr := strings.TrimSpace(env("ACTIONBOT_PPROF_ADDR"))
	if addr == "" {
		return "", nil
	}
	force := false
	if v := strings.TrimSpace(env("ACTIONBOT_PPROF_FORCE")); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return "", fmt.Errorf("ACTIONBOT_PPROF_FORCE=%q is not 1 or 0", v)
		}
		force = b
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("ACTIONBOT_PPROF_ADDR=%q is not host:port, e.g. 127.0.0.1:6060", addr)
	}
	if force {
		return addr, nil
	}
	ip := net.ParseIP(host)
	switch {
	case strings.EqualFold(host, "localhost") || ip != nil && ip.IsLoopback():
		return addr, nil
	case host == "" || ip != nil && ip.IsUnspecified():
		return "", fmt.Errorf("ACTIONBOT_PPROF_ADDR=%q listens on every interface, and the profiler is not authenticated: give a loopback address such as 127.0.0.1:6060, or set ACTIONBOT_PPROF_FORCE=1 to serve it there anyway", addr)
	}
	return "", fmt.Errorf("ACTIONBOT_PPROF_ADDR=%q is not a loopback address, and the profiler is not authenticated: give one such as 127.0.0.1:6060, or set ACTIONBOT_PPROF_FORCE=1 to serve it there anyway", addr)
}
