package bot

import (
	"testing"

	"github.com/sevenoaks-csp/actionbot"
)

func TestSpeakTextWritesTheAppsCommandWhereTheTextNamesIt(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/action 5.2 done", "/csp 5.2 done"},
		{"Type `/action help`.", "Type `/csp help`."},
		{"(/action mine, then /action mine page 2)", "(/csp mine, then /csp mine page 2)"},
		{"Same as /action list overdue.", "Same as /csp list overdue."},
		{"say /action.", "say /csp."},
		{"/action", "/csp"},
		{"“/action 4.2”", "“/csp 4.2”"},
		{"*/action report*", "*/csp report*"},
		{"the /actionbot page", "the /actionbot page"},
		{"https://csp.example/action/5", "https://csp.example/action/5"},
		{"docs/action and ./action", "docs/action and ./action"},
		{"no command here", "no command here"},
	} {
		if got := speakText(tc.in, "/csp"); got != tc.want {
			t.Errorf("speakText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSpeakLeavesTheMessageItWasGivenAlone(t *testing.T) {
	msg := actionbot.Message{Text: "Try /action 5.2", Blocks: []actionbot.Block{
		actionbot.Section("Type ", actionbot.C("/action 5.2 done")),
		{Kind: actionbot.BlockSection, Fields: []actionbot.Field{{Label: "Next", Value: actionbot.RichText{{Text: "/action due"}}}}},
		actionbot.Buttons(actionbot.Button{Label: "Done", Action: actionbot.ButtonDone, Value: "p1:5.2",
			Confirm: &actionbot.Confirm{Title: "Sure?", Text: "Undo with /action 5.2 undo", Yes: "Yes", No: "No"}}),
	}}
	got := speak(msg, "/csp")
	if got.Text != "Try /csp 5.2" || got.Blocks[0].Text[1].Text != "/csp 5.2 done" || got.Blocks[1].Fields[0].Value[0].Text != "/csp due" ||
		got.Blocks[2].Buttons[0].Confirm.Text != "Undo with /csp 5.2 undo" || got.Blocks[0].Text[1].Style != actionbot.Code {
		t.Errorf("spoken: %+v", got)
	}
	if msg.Text != "Try /action 5.2" || msg.Blocks[0].Text[1].Text != "/action 5.2 done" || msg.Blocks[1].Fields[0].Value[0].Text != "/action due" ||
		msg.Blocks[2].Buttons[0].Confirm.Text != "Undo with /action 5.2 undo" {
		t.Errorf("the message given was changed: %+v", msg)
	}
	for _, cmd := range []string{"", DefaultCommand} {
		if same := speak(msg, cmd); &same.Blocks[0] != &msg.Blocks[0] {
			t.Errorf("speak(%q) copied the message", cmd)
		}
	}
}
