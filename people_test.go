package actionbot_test

import (
	"testing"

	"github.com/sevenoaks-csp/actionbot"
)

func TestAnAuditActorIsAMentionOnlyWhenItIsAUserID(t *testing.T) {
	tests := []struct {
		actor    string
		mentions bool
	}{
		{"U0123ABCD", true},
		{"W0123ABCD", true},
		{"import", false},
		{"cli", false},
		{"C0123ABCD", false}, // a channel is not a person
		{"U", false},
		{"u0123abcd", false},
	}
	for _, tc := range tests {
		t.Run(tc.actor, func(t *testing.T) {
			s := actionbot.ActorSpan(tc.actor)
			if got := s.User != ""; got != tc.mentions || actionbot.IsUserID(tc.actor) != tc.mentions {
				t.Errorf("ActorSpan(%q) = %+v; want a mention: %v", tc.actor, s, tc.mentions)
			}
			if !tc.mentions && (s.Text != tc.actor || s.Style&actionbot.Italic == 0) {
				t.Errorf("ActorSpan(%q) = %+v, want the name in italics", tc.actor, s)
			}
		})
	}
}
