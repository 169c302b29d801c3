package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
)

// The encoder writes, byte for byte, what rendering to slack-go's block
// structs and encoding them with encoding/json writes, on every surface's
// block limit; and slackBlocks hands slack-go exactly those blocks.
func TestEncoderWritesWhatSlackGoEncodes(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	msgs := map[string]actionbot.Message{}
	for _, text := range []string{"5.2", "1.1", "help", "list", "list overdue", "report", "mine", "agencies", "5.2 history",
		"whoami", "overdue", "5.2 progress 200", "nonsense words", ""} {
		msgs["/action "+text] = e.bot.Handler.Handle(ctx, commands.Request{UserID: uCSU, Text: text})
	}
	home, err := e.bot.Handler.Home(ctx, uCSU)
	if err != nil {
		t.Fatal(err)
	}
	msgs["home"] = home
	msgs["odd characters"] = actionbot.Message{Text: "odd", Blocks: []actionbot.Block{
		actionbot.Header("quote \" backslash \\ tab\t nul\x00 bell\x07"),
		actionbot.Section("invalid \xff utf-8, line\u2028separator, <>&, emoji 🔴, newline\n"),
		actionbot.Context(actionbot.UserRef("U1"), " ", actionbot.C("code"), " ", actionbot.ChannelRef("not an id")),
		actionbot.Section(actionbot.Span{Text: "a <link>", URL: "https://example.org/?a=1&b=<2>|3"}),
		actionbot.Divider(),
		actionbot.Buttons(actionbot.Button{Label: "x", Action: "a\"b", Value: "5.2", Style: "danger",
			Confirm: &actionbot.Confirm{Title: "t", Text: "u", Yes: "y"}}),
		{Kind: actionbot.BlockSection, Fields: []actionbot.Field{{Label: "L", Value: actionbot.Txt("v")}}},
	}}
	msgs["text only"] = actionbot.Message{Text: "just <text> & more"}
	msgs["nothing"] = actionbot.Message{}
	msgs["empty blocks"] = actionbot.Message{Text: "t", Blocks: []actionbot.Block{actionbot.Header("   "),
		{Kind: actionbot.BlockSection}, {Kind: actionbot.BlockContext}, {Kind: actionbot.BlockActions}}}
	long := strings.Repeat("long words 🔴 & <more> ", 400)
	var fields []actionbot.Field
	for i := range 23 {
		fields = append(fields, actionbot.Field{Label: "Field " + strconv.Itoa(i), Value: actionbot.Txt(actionbot.B(long))})
	}
	var buttons []actionbot.Button
	for i := range 30 {
		buttons = append(buttons, actionbot.Button{Label: long, Action: []string{"same", "", strings.Repeat("x", 300)}[i%3],
			Value: strings.Repeat("v", 2100), Style: []string{"primary", "danger", "other"}[i%3],
			Confirm: &actionbot.Confirm{Title: long, Text: long, Yes: long}})
	}
	msgs["every limit"] = actionbot.Message{Blocks: []actionbot.Block{actionbot.Header(long), actionbot.Context(long),
		{Kind: actionbot.BlockSection, Text: actionbot.Txt(long), Fields: fields}, actionbot.Buttons(buttons...)}}
	var many []actionbot.Block
	for i := range 60 {
		many = append(many, actionbot.Section("line "+strconv.Itoa(i)), actionbot.Divider())
		if i%7 == 0 {
			many = append(many, actionbot.Block{Kind: actionbot.BlockSection, Fields: fields})
		}
	}
	msgs["too many blocks"] = actionbot.Message{Blocks: many}
	msgs["fields only, over the limit"] = actionbot.Message{Blocks: []actionbot.Block{{Kind: actionbot.BlockSection, Fields: fields}}}

	msgs["long fallback"] = actionbot.Message{Text: long}
	msgs["fallback from a header with a mention"] = actionbot.Message{Blocks: []actionbot.Block{
		{Kind: actionbot.BlockHeader, Text: actionbot.Txt(actionbot.UserRef("U1"), " & ", actionbot.B("bold"))}}}
	for name, msg := range msgs {
		t.Run(name+"/fallback", func(t *testing.T) {
			var scratch []byte
			if got, want := appendFallbackJSON(nil, &scratch, msg), appendJSONString(nil, Fallback(msg)); !bytes.Equal(got, want) {
				t.Errorf("appendFallbackJSON:\n got %s\nwant %s", got, want)
			}
		})
		for _, max := range []int{MaxMessageBlocks, MaxViewBlocks, 3, 1} {
			t.Run(name+"/max "+strconv.Itoa(max), func(t *testing.T) {
				want := oracleJSON(t, msg, max)
				var scratch []byte
				got, n := appendMessageBlocks(nil, &scratch, msg, max)
				if !bytes.Equal(sameTokens(t, got), want) {
					t.Errorf("appendMessageBlocks:\n got %s\nwant %s", got, want)
				}
				if blocks := oracleBlocks(msg, max); n != len(blocks) {
					t.Errorf("appendMessageBlocks wrote %d blocks; slack-go's renders %d", n, len(blocks))
				}
				// What slack-go sends for slackBlocks is the same JSON.
				viaSlackGo := []byte(nil)
				if sb := slackBlocks(msg, max); len(sb) > 0 {
					var err error
					if viaSlackGo, err = json.Marshal(sb); err != nil {
						t.Fatalf("json.Marshal(slackBlocks): %v", err)
					}
				}
				if !bytes.Equal(sameTokens(t, viaSlackGo), want) {
					t.Errorf("slackBlocks, as slack-go marshals them:\n got %s\nwant %s", viaSlackGo, want)
				}
			})
		}
	}
}

// Rendered mrkdwn never exceeds its limit as Slack counts it, and is cut
// exactly when the text in full is over it, whatever the spans: user text
// with entities, mentions, styles, links and broken UTF-8 (whose pieces can
// join into one character across spans).
func FuzzMrkdwnKeepsItsLimit(f *testing.F) {
	f.Add("Tom & Jerry <b>", "U123", "🔴 bold", uint8(1), "https://x.org/?a=1&b=2|3", 40)
	f.Add("a\xffb\u2028", "not an id", " *x* ", uint8(15), "", 5)
	f.Add("0", "\xd2", "\x9c", uint8('@'), "0", 5)
	f.Add("abcd\xd2", "U1", "\x9c", uint8(0), "", 9)
	f.Add("\uFFFD\uFFFD", "", "", uint8(0), "", 2)
	f.Fuzz(func(t *testing.T, text, user, styled string, style uint8, url string, limit int) {
		rt := actionbot.RichText{{Text: text}, {User: user}, {Text: styled, Style: actionbot.Style(style & 15)},
			{Text: text, URL: url}, {Channel: user}}
		cut := int(uint(limit)%200) + 1
		s := Mrkdwn(rt, cut)
		if textLen(s) > cut {
			t.Fatalf("Mrkdwn(limit %d) = %q, %d characters", cut, s, textLen(s))
		}
		// Rendered in full and measured, cut only when over: the writer's
		// own count may decide only where it is the text's length.
		want := string(appendSpans(nil, 1<<30, []actionbot.RichText{rt}).b)
		if textLen(want) > cut {
			want = string(appendSpans(nil, cut, []actionbot.RichText{rt}).b)
		}
		if s != want {
			t.Fatalf("Mrkdwn(limit %d) = %q; measured afresh it is %q", cut, s, want)
		}
	})
}

// sameTokens is b re-written as the oracle's output is (rewriteJSON): the
// same tokens in the same order, strings escaped one way; nil for none. It
// fails the test on invalid JSON.
func sameTokens(tb testing.TB, b []byte) []byte {
	tb.Helper()
	if len(b) == 0 {
		return nil
	}
	out, err := rewriteJSON(b)
	if err != nil {
		tb.Fatalf("invalid JSON: %v\n%s", err, b)
	}
	return out
}

// The encoder, fuzzed: whatever the text, styles, buttons and limits, it
// writes valid JSON, byte for byte what slack-go's structs encode to, and
// never more blocks than the surface allows.
func FuzzEncoderWritesWhatSlackGoEncodes(f *testing.F) {
	f.Add("Tom & Jerry <b>", "U123", "🔴 bold", uint8(1), "https://x.org/?a=1&b=2|3", "Mark done", "p1:5.2", 3, 50)
	f.Add("a\xffb\u2028", "not an id", " *x* ", uint8(15), "", "\x00", "", 30, 1)
	f.Add("", "", "", uint8(0), "", "", "", 0, 3)
	f.Fuzz(func(t *testing.T, text, user, styled string, style uint8, url, label, value string, repeat, max int) {
		rt := actionbot.RichText{{Text: text}, {User: user}, {Text: styled, Style: actionbot.Style(style & 15)}, {Text: text, URL: url}}
		n := int(uint(repeat) % 40)
		var blocks []actionbot.Block
		var fields []actionbot.Field
		var buttons []actionbot.Button
		for i := range n {
			fields = append(fields, actionbot.Field{Label: label, Value: rt})
			buttons = append(buttons, actionbot.Button{Label: label, Action: label, Value: value, Style: []string{"primary", "danger", styled}[i%3],
				Confirm: &actionbot.Confirm{Title: text, Text: styled, Yes: label}})
			kinds := []actionbot.BlockKind{actionbot.BlockHeader, actionbot.BlockSection, actionbot.BlockContext, actionbot.BlockDivider, actionbot.BlockActions, "unknown"}
			blocks = append(blocks, actionbot.Block{Kind: kinds[i%len(kinds)], Text: rt, Buttons: buttons[i:]})
		}
		blocks = append(blocks, actionbot.Block{Kind: actionbot.BlockSection, Text: rt, Fields: fields}, actionbot.Buttons(buttons...),
			actionbot.Block{Kind: actionbot.BlockHeader, Text: rt})
		msg := actionbot.Message{Text: text, Blocks: blocks}
		limit := int(uint(max)%MaxViewBlocks) + 1
		var scratch []byte
		got, wrote := appendMessageBlocks(nil, &scratch, msg, limit)
		if want := oracleJSON(t, msg, limit); !bytes.Equal(sameTokens(t, got), want) {
			t.Fatalf("limit %d:\n got %s\nwant %s", limit, got, want)
		}
		if wrote > limit || len(got) > 0 && !json.Valid(got) {
			t.Fatalf("limit %d: wrote %d blocks, valid JSON %v", limit, wrote, json.Valid(got))
		}
	})
}
