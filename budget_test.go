package actionbot_test

import (
	"testing"

	"github.com/sevenoaks-csp/actionbot"
)

func TestRichTextLenCountsWhatARendererWrites(t *testing.T) {
	tests := []struct {
		name string
		rt   actionbot.RichText
		want int
	}{
		{"plain characters, not bytes", actionbot.Txt("Café"), 4},
		{"& < > as their escapes", actionbot.Txt("Fire & Rescue <KFRS>"), 20 + 4 + 3 + 3},
		{"a mention with its markup", actionbot.RichText{actionbot.UserRef("U0123ABCD")}, 9 + 3},
		{"room for a style's markers", actionbot.RichText{actionbot.B("5.2")}, 3 + 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.rt.Len(); got != tc.want {
				t.Errorf("Len(%q) = %d, want %d", tc.rt.Plain(), got, tc.want)
			}
		})
	}
}
