package bot

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingHandler serves h, counting the body bytes h reads.
type countingHandler struct {
	h    http.Handler
	read atomic.Int64
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (c countingBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func (c *countingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.Body = countingBody{r.Body, &c.read}
	c.h.ServeHTTP(w, r)
}

// rawRequest writes a request's line and headers to addr, and as much of a
// body of contentLength bytes as send says (none when nil), and reads the
// answer's status without sending the rest.
func rawRequest(t testing.TB, addr, path string, contentLength int, header http.Header, send []byte) int {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	var req bytes.Buffer
	fmt.Fprintf(&req, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", path, addr, contentLength)
	header.Write(&req)
	req.WriteString("\r\n")
	req.Write(send)
	if _, err := conn.Write(req.Bytes()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer before the body was sent: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// A request that cannot be Slack's from its headers alone (unsigned, stale,
// malformed signature, or a Content-Length over the route's cap) is
// answered before a byte of its body is sent, and none is read.
func TestHTTPRefusedBeforeBodyRead(t *testing.T) {
	e := mustEnv(t)
	v := NewVerifier(testSigningSecret)
	v.Now = e.clock.Now
	ch := &countingHandler{h: e.bot.HTTPHandler(v)}
	srv := httptest.NewServer(ch)
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	form := http.Header{"Content-Type": {formType}}
	withHeaders := func(at time.Time, sig string) http.Header {
		h := form.Clone()
		h.Set("X-Slack-Request-Timestamp", strconv.FormatInt(at.Unix(), 10))
		h.Set("X-Slack-Signature", sig)
		return h
	}
	goodLooking := "v0=" + strings.Repeat("ab", 32)
	tests := []struct {
		name   string
		path   string
		length int
		header http.Header
		status int
	}{
		{"unsigned 900 KB", "/slack/events", 900 << 10, form, http.StatusUnauthorized},
		{"unsigned 1 KB", "/slack/commands", 1 << 10, form, http.StatusUnauthorized},
		{"unsigned JSON", "/slack/events", 100, http.Header{"Content-Type": {"application/json"}}, http.StatusUnauthorized},
		{"no timestamp", "/slack/events", 900 << 10, func() http.Header { h := form.Clone(); h.Set("X-Slack-Signature", goodLooking); return h }(), http.StatusUnauthorized},
		{"stale", "/slack/events", 900 << 10, withHeaders(e.clock.Now().Add(-6*time.Minute), goodLooking), http.StatusUnauthorized},
		{"timestamp not a number", "/slack/events", 900 << 10, func() http.Header {
			h := withHeaders(e.clock.Now(), goodLooking)
			h.Set("X-Slack-Request-Timestamp", "soon")
			return h
		}(), http.StatusUnauthorized},
		{"malformed signature", "/slack/events", 900 << 10, withHeaders(e.clock.Now(), "v0=zz"), http.StatusUnauthorized},
		{"signed-looking, over the commands cap", "/slack/commands", MaxCommandBodyBytes + 1, withHeaders(e.clock.Now(), goodLooking), http.StatusRequestEntityTooLarge},
		{"signed-looking, over the events cap", "/slack/events", MaxInteractionBodyBytes + 1, withHeaders(e.clock.Now(), goodLooking), http.StatusRequestEntityTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := ch.read.Load()
			if got := rawRequest(t, addr, tc.path, tc.length, tc.header, nil); got != tc.status {
				t.Errorf("status %d, want %d", got, tc.status)
			}
			if n := ch.read.Load() - before; n != 0 {
				t.Errorf("%d bytes of the body were read", n)
			}
		})
	}
	// Slack's unsigned ssl_check is still answered: a body that small is read.
	if got := rawRequest(t, addr, "/slack/events", len("ssl_check=1&token=x"), form, []byte("ssl_check=1&token=x")); got != http.StatusOK {
		t.Errorf("unsigned ssl_check: status %d, want 200", got)
	}
}

// Each route has its cap: 64 KB for slash commands, 256 KB for
// interactions and events, whether the body's length is declared or not.
func TestHTTPBodyCapsPerRoute(t *testing.T) {
	e := mustEnv(t)
	padded := func(size int) []byte {
		b := e.slashForm(uCSU, "5.2", "r1")
		b = append(b, "&pad="...)
		return append(b, bytes.Repeat([]byte("x"), size-len(b))...)
	}
	tests := []struct {
		name    string
		path    string
		size    int
		chunked bool
		status  int
	}{
		{"command at its cap", "/slack/commands", MaxCommandBodyBytes, false, http.StatusOK},
		{"command over its cap", "/slack/commands", MaxCommandBodyBytes + 1, false, http.StatusRequestEntityTooLarge},
		{"command over its cap, chunked", "/slack/commands", MaxCommandBodyBytes + 1, true, http.StatusRequestEntityTooLarge},
		{"interactivity takes more", "/slack/interactivity", MaxCommandBodyBytes + 1, false, http.StatusOK},
		{"interactivity at its cap", "/slack/interactivity", MaxInteractionBodyBytes, false, http.StatusOK},
		{"interactivity over its cap", "/slack/interactivity", MaxInteractionBodyBytes + 1, false, http.StatusRequestEntityTooLarge},
		{"events over the cap, chunked", "/slack/events", MaxInteractionBodyBytes + 1, true, http.StatusRequestEntityTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := padded(tc.size)
			h := signedHeader(e.clock.Now(), testSigningSecret, body)
			h.Set("Content-Type", formType)
			var r io.Reader = bytes.NewReader(body)
			if tc.chunked {
				r = io.MultiReader(r) // no length: sent chunked
			}
			req, err := http.NewRequest(http.MethodPost, e.httpServer(t).URL+tc.path, r)
			if err != nil {
				t.Fatal(err)
			}
			req.Header = h
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.status)
			}
		})
	}
}

// The server of HTTP mode takes MaxRequests requests at once and answers
// one more 503 at once; it caps headers, and has read timeouts.
func TestHTTPServerLimits(t *testing.T) {
	e := mustEnv(t)
	v := NewVerifier(testSigningSecret)
	v.Now = e.clock.Now
	limits := HTTPLimits{MaxRequests: 2, MaxConns: 8}
	srv := e.bot.NewHTTPServer(v, limits, nil)
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.WriteTimeout <= 0 || srv.IdleTimeout <= 0 || srv.MaxHeaderBytes <= 0 || srv.MaxHeaderBytes > 64<<10 {
		t.Fatalf("server without its limits: %+v", srv)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(limits.Listener(ln))
	defer srv.Close()
	addr := ln.Addr().String()
	url := "http://" + addr

	// Two requests that look signed and send their body slowly hold both places.
	var holders []net.Conn
	for range 2 {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: 1000\r\nX-Slack-Request-Timestamp: %d\r\nX-Slack-Signature: v0=%s\r\n\r\nsome",
			formType, e.clock.Now().Unix(), strings.Repeat("ab", 32))
		holders = append(holders, conn)
	}
	query := func() (int, time.Duration) {
		start := time.Now()
		body := e.slashForm(uCSU, "5.2", "r1")
		req, _ := http.NewRequest(http.MethodPost, url+"/slack/commands", bytes.NewReader(body))
		req.Header = signedHeader(e.clock.Now(), testSigningSecret, body)
		req.Header.Set("Content-Type", formType)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, time.Since(start)
	}
	// A probe that looks signed but is not takes a place, if one is free,
	// only to be refused 401; with both taken it is refused 503. It needs
	// no database, so waiting for the holders costs nothing under load
	// (a real query would first load the plan, seconds on a busy machine).
	probe := func() int {
		req, _ := http.NewRequest(http.MethodPost, url+"/slack/events", strings.NewReader("x=1"))
		req.Header.Set("Content-Type", formType)
		req.Header.Set("X-Slack-Request-Timestamp", fmt.Sprint(e.clock.Now().Unix()))
		req.Header.Set("X-Slack-Signature", "v0="+strings.Repeat("cd", 32))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	deadline := time.Now().Add(30 * time.Second)
	for probe() != http.StatusServiceUnavailable && time.Now().Before(deadline) {
	} // until the holders have their places
	status, took := query()
	if status != http.StatusServiceUnavailable {
		t.Fatalf("with both places taken: status %d, want 503", status)
	}
	if took > time.Second {
		t.Errorf("the 503 took %v", took)
	}
	for _, c := range holders {
		c.Close()
	}
	for status != http.StatusOK && time.Now().Before(deadline) {
		status, _ = query()
	}
	if status != http.StatusOK {
		t.Errorf("with the places free again: status %d, want 200", status)
	}

	// Headers beyond the cap are refused.
	req, _ := http.NewRequest(http.MethodPost, url+"/slack/events", strings.NewReader("x"))
	req.Header.Set("X-Padding", strings.Repeat("x", 64<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("64 KB of headers: status %d, want 431", resp.StatusCode)
	}
}

// MaxConns connections are served at once; one more waits until one closes.
func TestHTTPConnectionCap(t *testing.T) {
	e := mustEnv(t)
	limits := HTTPLimits{MaxConns: 2}
	srv := e.bot.NewHTTPServer(NewVerifier(testSigningSecret), limits, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(limits.Listener(ln))
	defer srv.Close()
	addr := ln.Addr().String()
	var idle []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		idle = append(idle, c)
	}
	third, err := net.Dial("tcp", addr) // the kernel accepts it; the server does not yet
	if err != nil {
		t.Fatal(err)
	}
	defer third.Close()
	fmt.Fprintf(third, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	r := bufio.NewReader(third)
	third.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if _, err := r.ReadByte(); err == nil {
		t.Fatal("a third connection was served while two were open")
	}
	idle[0].Close()
	third.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatalf("the third connection was not served once one closed: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("healthz: %d", resp.StatusCode)
	}
}

// A flood of refused requests writes one line per reason per minute, with
// the number refused since the last line; the clock is the bot's.
func TestHTTPRefusalLogRateLimited(t *testing.T) {
	e := mustEnv(t)
	body := []byte("command=%2Faction&text=5.2+done")
	unsigned := http.Header{}
	stale := signedHeader(e.clock.Now().Add(-10*time.Minute), testSigningSecret, body)
	for range 1000 {
		if status, _ := e.raw(t, http.MethodPost, "/slack/commands", formType, body, unsigned); status != http.StatusUnauthorized {
			t.Fatalf("unsigned: status %d", status)
		}
		if status, _ := e.raw(t, http.MethodPost, "/slack/commands", formType, body, stale); status != http.StatusUnauthorized {
			t.Fatalf("stale: status %d", status)
		}
	}
	lines := func() []string {
		var out []string
		for _, l := range strings.Split(e.logs.String(), "\n") {
			if strings.Contains(l, "request refused") {
				out = append(out, l)
			}
		}
		return out
	}
	if got := lines(); len(got) != 2 {
		t.Fatalf("2,000 refused requests of two reasons in a minute logged %d lines, want 2:\n%s", len(got), strings.Join(got, "\n"))
	}
	e.clock.Advance(refusalLogEvery + time.Second)
	e.raw(t, http.MethodPost, "/slack/commands", formType, body, unsigned)
	got := lines()
	if len(got) != 3 {
		t.Fatalf("a minute on, %d lines, want 3:\n%s", len(got), strings.Join(got, "\n"))
	}
	if !strings.Contains(got[2], "refused_since_last_line=999") || !strings.Contains(got[2], "not signed") {
		t.Errorf("the line a minute on does not count the 999 not logged: %s", got[2])
	}
	t.Logf("%s", strings.Join(got, "\n"))
}

// BenchmarkHTTPFlood opens 600 connections at once, each posting a 900 KB
// body (unsigned; or, with /fake-signed, with signature headers that look
// right and 250 KB), and reports the test process's peak RSS and the
// server's peak heap while they are answered. Run with -benchtime=1x:
//
//	go test ./bot/ -run '^$' -bench HTTPFlood -benchtime=1x
func BenchmarkHTTPFlood(b *testing.B) {
	for _, tc := range []struct {
		name   string
		size   int
		signed bool
	}{{"unsigned-900KB", 900 << 10, false}, {"fake-signed-250KB", 250 << 10, true}} {
		b.Run(tc.name, func(b *testing.B) {
			e := mustEnv(b)
			v := NewVerifier(testSigningSecret)
			v.Now = e.clock.Now
			srv := httptest.NewServer(e.bot.HTTPHandler(v))
			defer srv.Close()
			addr := srv.Listener.Addr().String()
			body := bytes.Repeat([]byte("x"), tc.size)
			head := fmt.Sprintf("POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: %d\r\n", formType, len(body))
			if tc.signed {
				head += fmt.Sprintf("X-Slack-Request-Timestamp: %d\r\nX-Slack-Signature: v0=%s\r\n", e.clock.Now().Unix(), strings.Repeat("ab", 32))
			}
			head += "\r\n"
			const conns = 600
			runtime.GC()
			rssBefore := procStatus("VmRSS")
			os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // resets VmHWM, the peak
			var peakHeap atomic.Uint64
			stop := make(chan struct{})
			sampled := make(chan struct{})
			go func() {
				defer close(sampled)
				var ms runtime.MemStats
				for {
					runtime.ReadMemStats(&ms)
					if ms.HeapInuse > peakHeap.Load() {
						peakHeap.Store(ms.HeapInuse)
					}
					select {
					case <-stop:
						return
					case <-time.After(5 * time.Millisecond):
					}
				}
			}()
			statuses := map[int]int{}
			var mu sync.Mutex
			for b.Loop() {
				var wg sync.WaitGroup
				for range conns {
					wg.Go(func() {
						c, err := net.Dial("tcp", addr)
						if err != nil {
							return
						}
						defer c.Close()
						c.SetDeadline(time.Now().Add(30 * time.Second))
						done := make(chan struct{})
						go func() {
							defer close(done)
							io.WriteString(c, head)
							c.Write(body) // fails once the server has answered and closed
						}()
						status := 0
						if resp, err := http.ReadResponse(bufio.NewReader(c), nil); err == nil {
							status = resp.StatusCode
						}
						c.Close()
						<-done
						mu.Lock()
						statuses[status]++
						mu.Unlock()
					})
				}
				wg.Wait()
			}
			close(stop)
			<-sampled
			b.ReportMetric(float64(procStatus("VmHWM"))/1024, "peak-RSS-MB")
			b.ReportMetric(float64(rssBefore)/1024, "RSS-before-MB")
			b.ReportMetric(float64(peakHeap.Load())/(1<<20), "peak-heap-MB")
			b.Logf("answers by status: %v", statuses)
		})
	}
}

// procStatus is a field of /proc/self/status in KB (0 where there is none).
func procStatus(field string) int64 {
	data, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}
