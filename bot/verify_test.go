package bot

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestVerify(t *testing.T) {
	now := time.Date(2012, time.June, 20, 9, 0, 0, 0, time.UTC)
	body := []byte("token=x&team_id=T1&user_id=UCSU1&command=%2Faction&text=5.2+done")
	header := func(secret string, at time.Time, b []byte) http.Header {
		ts, sig := Sign(secret, at, b)
		h := http.Header{}
		h.Set("X-Slack-Request-Timestamp", ts)
		h.Set("X-Slack-Signature", sig)
		return h
	}
	with := func(h http.Header, k, v string) http.Header {
		h = h.Clone()
		if v == "" {
			h.Del(k)
		} else {
			h.Set(k, v)
		}
		return h
	}
	good := header(testSigningSecret, now, body)
	tests := []struct {
		name   string
		header http.Header
		body   []byte
		want   error
	}{
		{"valid", good, body, nil},
		{"valid 4m59s old", header(testSigningSecret, now.Add(-299*time.Second), body), body, nil},
		{"valid 4m59s ahead", header(testSigningSecret, now.Add(299*time.Second), body), body, nil},
		{"tampered body", good, []byte(strings.Replace(string(body), "5.2", "5.3", 1)), ErrBadSignature},
		{"wrong secret", header("another-secret", now, body), body, ErrBadSignature},
		{"missing signature", with(good, "X-Slack-Signature", ""), body, ErrNoSignature},
		{"missing timestamp", with(good, "X-Slack-Request-Timestamp", ""), body, ErrNoSignature},
		{"timestamp not a number", with(good, "X-Slack-Request-Timestamp", "12:00"), body, ErrBadTimestamp},
		{"stale", header(testSigningSecret, now.Add(-6*time.Minute), body), body, ErrStaleSignature},
		{"from the future", header(testSigningSecret, now.Add(6*time.Minute), body), body, ErrStaleSignature},
		{"another timestamp than the one signed", with(good, "X-Slack-Request-Timestamp", strconv.FormatInt(now.Unix()-1, 10)), body, ErrBadSignature},
		{"no v0= prefix", with(good, "X-Slack-Signature", strings.TrimPrefix(good.Get("X-Slack-Signature"), "v0=")), body, ErrBadSignature},
		{"v1 scheme", with(good, "X-Slack-Signature", "v1="+strings.TrimPrefix(good.Get("X-Slack-Signature"), "v0=")), body, ErrBadSignature},
		{"not hex", with(good, "X-Slack-Signature", "v0="+strings.Repeat("zz", 32)), body, ErrBadSignature},
		{"short", with(good, "X-Slack-Signature", good.Get("X-Slack-Signature")[:20]), body, ErrBadSignature},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := NewVerifier(testSigningSecret)
			v.Now = func() time.Time { return now }
			if err := v.Verify(tc.header, tc.body); !errors.Is(err, tc.want) {
				t.Errorf("Verify = %v, want %v", err, tc.want)
			}
		})
	}
}
