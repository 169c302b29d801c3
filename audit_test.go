package actionbot_test

import (
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

func TestANoteTypedAgainWithinMinutesIsRetyped(t *testing.T) {
	at := time.Date(2012, time.June, 20, 10, 0, 0, 0, time.UTC)
	last := &actionbot.AuditEntry{Actor: "UCSU1", Verb: actionbot.VerbNote, Note: "DVLA data request sent", At: at}
	note := func(actor, text string, after time.Duration) *actionbot.AuditEntry {
		return &actionbot.AuditEntry{Actor: actor, Verb: actionbot.VerbNote, Note: text, At: at.Add(after)}
	}
	tests := []struct {
		name string
		next *actionbot.AuditEntry
		want bool
	}{
		{"the same note by the same person a moment later", note("UCSU1", "DVLA data request sent", 20*time.Second), true},
		{"the same note nine minutes later", note("UCSU1", "DVLA data request sent", 9*time.Minute), true},
		{"the same note ten minutes later", note("UCSU1", "DVLA data request sent", actionbot.RetypeWindow), false},
		{"the same note the next week", note("UCSU1", "DVLA data request sent", 7*24*time.Hour), false},
		{"the same note by someone else", note("UPOLICE1", "DVLA data request sent", time.Minute), false},
		{"another note by the same person", note("UCSU1", "DVLA data received", time.Minute), false},
		{"the same words as a blocked reason", &actionbot.AuditEntry{Actor: "UCSU1", Verb: actionbot.VerbBlocked, Note: "DVLA data request sent", At: at.Add(time.Minute)}, false},
		{"a note dated before the last one", note("UCSU1", "DVLA data request sent", -time.Minute), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := actionbot.Retyped(last, tc.next); got != tc.want {
				t.Errorf("Retyped = %v, want %v", got, tc.want)
			}
		})
	}
	if actionbot.Retyped(nil, note("UCSU1", "DVLA data request sent", 0)) {
		t.Error("a first note is retyped")
	}
}
