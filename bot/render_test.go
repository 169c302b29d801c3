package bot

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
)

func TestMrkdwn(t *testing.T) {
	tests := []struct {
		name  string
		rt    actionbot.RichText
		limit int
		want  string
	}{
		{"user text is escaped", actionbot.Txt("Tom & Jerry <script> a>b"), 3000, "Tom &amp; Jerry &lt;script&gt; a&gt;b"},
		{"user text cannot mention or broadcast", actionbot.Txt("<!channel> <@U999> <#C1|x> <http://x|y>"), 3000,
			"&lt;!channel&gt; &lt;@U999&gt; &lt;#C1|x&gt; &lt;http://x|y&gt;"},
		{"a mention that is not an ID is text", actionbot.Txt(actionbot.UserRef("U1>|<!channel"), actionbot.ChannelRef("general")), 3000, "@U1&gt;|&lt;!channel#general"},
		{"mentions", actionbot.Txt("by ", actionbot.UserRef("U123"), " in ", actionbot.ChannelRef("C456")), 3000, "by <@U123> in <#C456>"},
		{"styles", actionbot.Txt(actionbot.B("5.2"), " ", actionbot.I("late"), " ", actionbot.C("/action 5.2"), " ",
			actionbot.Span{Text: "old", Style: actionbot.Strike}), 3000, "*5.2* _late_ `/action 5.2` ~old~"},
		{"combined styles", actionbot.Txt(actionbot.Span{Text: "x", Style: actionbot.Bold | actionbot.Italic}), 3000, "*_x_*"},
		{"spaces go outside the markers", actionbot.Txt(actionbot.B(" Overdue ")), 3000, " *Overdue* "},
		{"a marker inside styled text drops the style", actionbot.Txt(actionbot.B("2*3")), 3000, "2*3"},
		{"styled user text is escaped", actionbot.Txt(actionbot.B("A&B")), 3000, "*A&amp;B*"},
		{"link", actionbot.RichText{{Text: "gov.uk <holidays>", URL: "https://www.gov.uk/bank-holidays?a=1&b=2|x"}}, 3000,
			"<https://www.gov.uk/bank-holidays?a=1&amp;b=2%7Cx|gov.uk &lt;holidays&gt;>"},
		{"cut plain text", actionbot.Txt("abcdefghij"), 5, "abcd…"},
		{"cut never splits an entity", actionbot.Txt("ab&&&"), 8, "ab&amp;…"},
		{"cut keeps the closing marker", actionbot.Txt("x ", actionbot.B("bolder text")), 9, "x *bold…*"},
		{"a mention that does not fit is left out", actionbot.Txt("hello ", actionbot.UserRef("U123456789")), 10, "hello …"},
		{"emoji count two", actionbot.Txt("🔴🔴🔴"), 5, "🔴🔴…"},
		{"exactly at the limit is not cut", actionbot.Txt("abcde"), 5, "abcde"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Mrkdwn(tc.rt, tc.limit)
			if got != tc.want {
				t.Errorf("Mrkdwn = %q, want %q", got, tc.want)
			}
			if textLen(got) > tc.limit {
				t.Errorf("%d characters; limit %d", textLen(got), tc.limit)
			}
		})
	}
}

// render renders a message and decodes it back from JSON, as Slack reads it.
func render(t *testing.T, msg actionbot.Message, maxBlocks int) []any {
	t.Helper()
	b, err := json.Marshal(slackBlocks(msg, maxBlocks))
	if err != nil {
		t.Fatal(err)
	}
	var out []any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestBlocksLimits(t *testing.T) {
	long := strings.Repeat("Speedwatch & volunteers <trained> ", 200) // 6800 characters
	many := func(n int) []actionbot.Block {
		var bs []actionbot.Block
		for i := 0; i < n; i++ {
			bs = append(bs, actionbot.Section("line"))
		}
		return bs
	}
	fields := func(n int, value string) []actionbot.Field {
		var fs []actionbot.Field
		for i := 0; i < n; i++ {
			fs = append(fs, actionbot.Field{Label: "Lead", Value: actionbot.Txt(value)})
		}
		return fs
	}
	tests := []struct {
		name      string
		msg       actionbot.Message
		maxBlocks int
		check     func(t *testing.T, blocks []any)
	}{
		{"long section text is cut with an ellipsis", actionbot.Message{Blocks: []actionbot.Block{actionbot.Section(long)}}, MaxMessageBlocks,
			func(t *testing.T, blocks []any) {
				text := blocks[0].(map[string]any)["text"].(map[string]any)["text"].(string)
				if textLen(text) > maxTextLen || !strings.HasSuffix(text, "…") || !strings.HasPrefix(text, "Speedwatch &amp; volunteers &lt;trained&gt;") {
					t.Errorf("text of %d characters: %.60q…%q", textLen(text), text, text[len(text)-20:])
				}
			}},
		{"long header is cut to 150", actionbot.Message{Blocks: []actionbot.Block{actionbot.Header(long)}}, MaxMessageBlocks,
			func(t *testing.T, blocks []any) {
				text := blocks[0].(map[string]any)["text"].(map[string]any)["text"].(string)
				if textLen(text) > maxHeaderLen || textLen(text) < maxHeaderLen-2 || !strings.HasSuffix(text, "…") || strings.Contains(text, "&amp;") {
					t.Errorf("header %q (%d)", text, textLen(text))
				}
			}},
		{"more than ten fields continue in another section", actionbot.Message{Blocks: []actionbot.Block{{Kind: actionbot.BlockSection, Text: actionbot.Txt("5.2"), Fields: fields(12, "CSU")}}}, MaxMessageBlocks,
			func(t *testing.T, blocks []any) {
				if len(blocks) != 2 {
					t.Fatalf("%d blocks", len(blocks))
				}
				first, second := blocks[0].(map[string]any), blocks[1].(map[string]any)
				if len(first["fields"].([]any)) != 10 || len(second["fields"].([]any)) != 2 || second["text"] != nil {
					t.Errorf("fields split %v / %v", first["fields"], second)
				}
				if f := first["fields"].([]any)[0].(map[string]any)["text"]; f != "*Lead*\nCSU" {
					t.Errorf("field = %q", f)
				}
			}},
		{"a long field is cut to 2000", actionbot.Message{Blocks: []actionbot.Block{{Kind: actionbot.BlockSection, Fields: fields(1, long)}}}, MaxMessageBlocks,
			func(t *testing.T, blocks []any) {
				f := blocks[0].(map[string]any)["fields"].([]any)[0].(map[string]any)["text"].(string)
				if textLen(f) > maxFieldLen || !strings.HasSuffix(f, "…") {
					t.Errorf("field of %d characters", textLen(f))
				}
			}},
		{"past 50 blocks a line says how many were left out", actionbot.Message{Blocks: many(60)}, MaxMessageBlocks,
			func(t *testing.T, blocks []any) {
				if len(blocks) != 50 {
					t.Fatalf("%d blocks", len(blocks))
				}
				if got := blocksText(blocks[49]); !strings.Contains(got, "…and 11 more parts not shown") {
					t.Errorf("last block %q", got)
				}
			}},
		{"views allow 100 blocks", actionbot.Message{Blocks: many(100)}, MaxViewBlocks,
			func(t *testing.T, blocks []any) {
				if len(blocks) != 100 || strings.Contains(blocksText(blocks), "not shown") {
					t.Errorf("%d blocks", len(blocks))
				}
			}},
		{"buttons: label, action id, style and confirmation", actionbot.Message{Blocks: []actionbot.Block{actionbot.Buttons(
			actionbot.Button{Label: strings.Repeat("Mark done ", 10), Action: actionbot.ButtonDone, Value: "5.2", Style: "primary",
				Confirm: &actionbot.Confirm{Title: "Mark 5.2 done?", Text: "This records it.", Yes: "Mark done", No: "Cancel"}},
			actionbot.Button{Label: "Again", Action: actionbot.ButtonDone, Value: "5.3"},
			actionbot.Button{Label: "Long id", Action: strings.Repeat("x", 300), Value: "5.4", Style: "fancy"},
		)}}, MaxMessageBlocks,
			func(t *testing.T, blocks []any) {
				b := blocks[0].(map[string]any)
				if b["block_id"] != "actions:0" {
					t.Errorf("block_id %v", b["block_id"])
				}
				els := b["elements"].([]any)
				first := els[0].(map[string]any)
				if label := first["text"].(map[string]any)["text"].(string); textLen(label) > maxButtonTextLen || !strings.HasSuffix(label, "…") {
					t.Errorf("label %q", label)
				}
				if first["action_id"] != actionbot.ButtonDone || first["value"] != "5.2" || first["style"] != "primary" {
					t.Errorf("button %v", first)
				}
				confirm := first["confirm"].(map[string]any)
				if confirm["title"].(map[string]any)["text"] != "Mark 5.2 done?" || confirm["confirm"].(map[string]any)["text"] != "Mark done" ||
					confirm["deny"].(map[string]any)["text"] != "Cancel" || confirm["text"].(map[string]any)["text"] != "This records it." {
					t.Errorf("confirm %v", confirm)
				}
				if id := els[1].(map[string]any)["action_id"]; id != actionbot.ButtonDone+"#2" || ActionID(id.(string)) != actionbot.ButtonDone {
					t.Errorf("repeated action id %v", id)
				}
				third := els[2].(map[string]any)
				if id := third["action_id"].(string); len(id) > maxActionIDLen {
					t.Errorf("action id of %d", len(id))
				}
				if _, ok := third["style"]; ok {
					t.Errorf("unknown style rendered: %v", third)
				}
			}},
		{"a message with text only becomes a section", actionbot.Message{Text: "Hello <you>"}, MaxMessageBlocks,
			func(t *testing.T, blocks []any) {
				if got := blocksText(blocks); got != "Hello &lt;you&gt;\n" {
					t.Errorf("%q", got)
				}
			}},
		{"empty blocks are left out", actionbot.Message{Blocks: []actionbot.Block{actionbot.Section(""), actionbot.Context(), actionbot.Header("  "), actionbot.Buttons(), actionbot.Divider()}}, MaxMessageBlocks,
			func(t *testing.T, blocks []any) {
				if len(blocks) != 1 || blocks[0].(map[string]any)["type"] != "divider" {
					t.Errorf("%v", blocks)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			blocks := render(t, tc.msg, tc.maxBlocks)
			checkLimits(t, blocks, tc.maxBlocks)
			tc.check(t, blocks)
		})
	}
}

func TestFallback(t *testing.T) {
	tests := []struct {
		name string
		msg  actionbot.Message
		want string
	}{
		{"text escaped", actionbot.Message{Text: "5.2 <done> & dusted"}, "5.2 &lt;done&gt; &amp; dusted"},
		{"first block when no text", actionbot.Message{Blocks: []actionbot.Block{actionbot.Section("Hi ", actionbot.UserRef("U1"))}}, "Hi @U1"},
		{"cut", actionbot.Message{Text: strings.Repeat("a", 4000)}, strings.Repeat("a", maxFallbackLen-1) + "…"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Fallback(tc.msg); got != tc.want {
				t.Errorf("Fallback = %.80q, want %.80q", got, tc.want)
			}
		})
	}
}

// The handler's real replies render within every limit.
func TestHandlerRepliesRender(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	tests := []struct {
		name, user, text string
		want             []string
	}{
		{"card", uCSU, "5.2", []string{"5.2 Promote Speedwatch", "*Lead*", "Mark done"}},
		{"help", uCSU, "help", []string{"/action 5.2 done"}},
		{"list", uCSU, "list", []string{"*1.1*", "*5.1*", "Page 1 of 2: 1–25 of 42. Next page: `/action list page 2`"}},
		{"report", uCSU, "report", []string{"where we stand"}},
		{"history", uCSU, "5.2 history", []string{"History of 5.2"}},
		{"agencies", uCSU, "agencies", []string{"<@UCSU1>"}},
		{"refusal", uStranger, "5.2 done", []string{"🔒"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := e.bot.Handler.Handle(ctx, commands.Request{UserID: tc.user, ChannelID: "C1", Text: tc.text})
			blocks := render(t, msg, MaxMessageBlocks)
			checkLimits(t, blocks, MaxMessageBlocks)
			text := blocksText(blocks)
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("rendered %s lacks %q:\n%s", tc.name, w, text)
				}
			}
			// The JSON is what slack-go decodes as Block Kit.
			raw, _ := json.Marshal(slackBlocks(msg, MaxMessageBlocks))
			var bs slack.Blocks
			if err := json.Unmarshal(raw, &bs); err != nil || len(bs.BlockSet) != len(blocks) {
				t.Errorf("slack-go reads %d blocks (%v), rendered %d", len(bs.BlockSet), err, len(blocks))
			}
		})
	}
}

func BenchmarkRenderCard(b *testing.B) {
	e := mustEnv(b)
	msg := e.bot.Handler.Handle(context.Background(), commands.Request{UserID: uCSU, Text: "5.2"})
	b.ReportAllocs()
	for b.Loop() {
		encodeResponse(msg, false)
	}
}
