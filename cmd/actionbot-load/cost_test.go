package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseStatCPUCountsFieldsAfterTheCommandName(t *testing.T) {
	// A command name with a space and a parenthesis, as /proc allows.
	stat := "4242 (act ion) bot) S 1 4242 4242 0 -1 4194560 1500 0 0 0 250 75 0 0 20 0 9 0 100 0 0"
	got, err := parseStatCPU([]byte(stat))
	if err != nil {
		t.Fatal(err)
	}
	if want := 3250 * time.Millisecond; got != want { // (250+75) ticks of 10 ms
		t.Errorf("CPU = %v, want %v", got, want)
	}
	if _, err := parseStatCPU([]byte("4242 (x) S 1 2")); err == nil {
		t.Error("a truncated stat line was accepted")
	}
}

func TestParseMallocsReadsTheRuntimeStatsOfAHeapProfile(t *testing.T) {
	prof := "heap profile: 1: 2 [3: 4] @ heap/1048576\n\n# runtime.MemStats\n# Alloc = 1\n# Mallocs = 123456\n# Frees = 5\n"
	n, err := parseMallocs(strings.NewReader(prof))
	if err != nil || n != 123456 {
		t.Fatalf("parseMallocs = %d, %v; want 123456", n, err)
	}
	if _, err := parseMallocs(strings.NewReader("heap profile: nothing\n")); err == nil {
		t.Error("a profile without MemStats was accepted")
	}
}

func signed(t *testing.T, secret, body string, ts time.Time) *http.Request {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader(body))
	stamp := strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	io.WriteString(mac, "v0:"+stamp+":"+body)
	req.Header.Set("X-Slack-Request-Timestamp", stamp)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return req
}

func TestTheFloorAnswersOnlyWhatSlackSigned(t *testing.T) {
	now := time.Date(2012, 11, 5, 9, 0, 0, 0, time.UTC)
	h := floorHandler([]byte("s3cret"), func() time.Time { return now })
	body := url.Values{"command": {"/action"}, "text": {"5.2"}, "user_id": {"U1"}}.Encode()
	tests := []struct {
		name string
		req  *http.Request
		want int
	}{
		{"signed now", signed(t, "s3cret", body, now), http.StatusOK},
		{"another secret", signed(t, "other", body, now), http.StatusUnauthorized},
		{"six minutes old", signed(t, "s3cret", body, now.Add(-6*time.Minute)), http.StatusUnauthorized},
		{"signed but not a command", signed(t, "s3cret", "text=5.2", now), http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, tt.req)
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d", rec.Code, tt.want)
			}
			if tt.want != http.StatusOK {
				return
			}
			var reply struct {
				ResponseType string            `json:"response_type"`
				Blocks       []json.RawMessage `json:"blocks"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &reply); err != nil {
				t.Fatal(err)
			}
			if reply.ResponseType != "ephemeral" || len(reply.Blocks) == 0 {
				t.Errorf("reply %+v: want an ephemeral Block Kit card", reply)
			}
			if n := rec.Body.Len(); n < 1500 || n > 3000 {
				t.Errorf("reply is %d bytes, want about 2 KB", n)
			}
		})
	}
}
