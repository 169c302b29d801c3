package main

import (
	"strings"
	"testing"
)

func TestQuarterlySettings(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		env     map[string]string
		channel string
		off     bool
		wantErr string
	}{
		{"defaults", nil, "", false, ""},
		{"the tasking channel", map[string]string{"ACTIONBOT_TASKING_CHANNEL": "C0123ABCDEF", "ACTIONBOT_DIGEST_CHANNEL": "C0999ZZZZZZ"}, "C0123ABCDEF", false, ""},
		{"else the digest channel", map[string]string{"ACTIONBOT_DIGEST_CHANNEL": "C0999ZZZZZZ", "ACTIONBOT_REPORT_DIR": dir}, "C0999ZZZZZZ", false, ""},
		{"off", map[string]string{"ACTIONBOT_QUARTERLY_CRON": "off"}, "", true, ""},
		{"a bad schedule", map[string]string{"ACTIONBOT_QUARTERLY_CRON": "every morning"}, "", false, `ACTIONBOT_QUARTERLY_CRON="every morning" is not a cron schedule like "30 8 * * *"`},
		{"a channel name", map[string]string{"ACTIONBOT_TASKING_CHANNEL": "tasking"}, "", false, `ACTIONBOT_TASKING_CHANNEL="tasking" is not a Slack channel ID`},
		{"no such directory", map[string]string{"ACTIONBOT_REPORT_DIR": dir + "/missing"}, "", false, "is not a directory the quarterly paper can be written to"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, sched, err := loadQuarterly(func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || s.channel != tc.channel || (sched == nil) != tc.off {
				t.Errorf("%+v, schedule %v, %v; want channel %q, off %v", s, sched, err, tc.channel, tc.off)
			}
		})
	}
}
