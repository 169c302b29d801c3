package actionbot_test

import (
	"encoding/json"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
)

// messageOf builds a message using s in every text it holds, in every
// shape the store encodes: a card with fields and buttons (one confirming),
// spans of each kind and style, nil and empty texts.
func messageOf(s string, style uint8, public bool) actionbot.Message {
	return actionbot.Message{
		Text: s,
		Blocks: []actionbot.Block{
			actionbot.Section(actionbot.Txt("✅ ", actionbot.B(s))),
			{Kind: actionbot.BlockHeader, Text: actionbot.RichText{{Text: s, Style: actionbot.Style(style)}}},
			{Kind: actionbot.BlockSection, Fields: []actionbot.Field{
				{Label: s, Value: actionbot.Txt(s, " · ", s)},
				{Label: "nil", Value: nil},
				{Label: "empty", Value: actionbot.RichText{}},
			}},
			{Kind: actionbot.BlockContext, Text: actionbot.Txt(actionbot.UserRef(s), actionbot.ChannelRef(s), actionbot.Span{Text: s, URL: s}, actionbot.Span{})},
			{Kind: actionbot.BlockDivider},
			{Kind: actionbot.BlockKind(s), Text: actionbot.RichText{}},
			{Kind: actionbot.BlockActions, Buttons: []actionbot.Button{
				{Label: s, Action: s, Value: s, Style: s, Confirm: &actionbot.Confirm{Title: s, Text: s, Yes: s, No: s}},
				{Label: "Update progress", Action: actionbot.ButtonProgress, Value: "p1:" + s},
			}},
		},
		Public: public,
	}
}

func TestAMessagesJSONIsJSONMarshals(t *testing.T) {
	for _, m := range []actionbot.Message{
		{},
		{Text: "plain"},
		{Blocks: []actionbot.Block{}},
		messageOf("3.997 is now at 91% — “quoted” <b>&amp;</b>", 1, true),
		messageOf("\x00\x01\b\f\n\r\t\x1f\"\\/\x7f", 15, false),
		messageOf("bad \xff\xfe utf-8, \u2028 and \u2029, 🟢 emoji", 255, true),
	} {
		want, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.AppendJSON(nil); string(got) != string(want) {
			t.Errorf("AppendJSON:\n got %s\nwant %s", got, want)
		}
	}
}

func FuzzMessageJSON(f *testing.F) {
	for _, s := range []string{"", "a", "<>&", "\u2028\u2029", "\xff", "é\x80", "\"\\", "\x00\x1f\x7f", "🟢 Green — on schedule"} {
		f.Add(s, uint8(0), false)
		f.Add(s, uint8(3), true)
	}
	f.Fuzz(func(t *testing.T, s string, style uint8, public bool) {
		m := messageOf(s, style, public)
		want, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		prefix := []byte("x")
		if got := m.AppendJSON(prefix); string(got) != "x"+string(want) {
			t.Fatalf("AppendJSON(%q):\n got %s\nwant x%s", s, got, want)
		}
	})
}
