// Package console is the bot without Slack: a line-oriented adapter, like
// Hubot's shell, that reads /action commands from standard input, answers
// in plain text, lets you switch the acting user, and prints the messages
// the bot would post to Slack as they are sent.
package console

import (
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// Render renders a message as plain text for a terminal: anything
// non-printable in it (text stored before CleanText, or by another program)
// is shown escaped, never obeyed (actionbot.Printable).
func Render(m actionbot.Message) string { return actionbot.Printable(render(m)) }

func render(m actionbot.Message) string {
	var b strings.Builder
	if len(m.Blocks) == 0 {
		b.WriteString(m.Text)
		b.WriteByte('\n')
		return b.String()
	}
	for _, bl := range m.Blocks {
		switch bl.Kind {
		case actionbot.BlockHeader:
			t := bl.Text.Plain()
			b.WriteString(t + "\n" + strings.Repeat("=", min(len([]rune(t)), 72)) + "\n")
		case actionbot.BlockSection:
			if len(bl.Text) > 0 {
				b.WriteString(bl.Text.Plain() + "\n")
			}
			for _, f := range bl.Fields {
				b.WriteString("  " + f.Label + ": " + f.Value.Plain() + "\n")
			}
		case actionbot.BlockContext:
			for _, line := range strings.Split(bl.Text.Plain(), "\n") {
				b.WriteString("  · " + line + "\n")
			}
		case actionbot.BlockDivider:
			b.WriteString(strings.Repeat("-", 40) + "\n")
		case actionbot.BlockActions:
			var bs []string
			for _, btn := range bl.Buttons {
				bs = append(bs, "["+btn.Label+"]")
			}
			b.WriteString("  " + strings.Join(bs, " ") + "  (buttons work in Slack; here type the command)\n")
		}
	}
	return b.String()
}
