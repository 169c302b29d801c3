package bot

import (
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// The packages that word the bot's messages (commands, reminders, report)
// know nothing of Slack and write its command as /action, the manifest's.
// A workspace whose app defines another (ACTIONBOT_SLASH_COMMAND, say
// /csp, because /action is another app's) must read that one wherever a
// message tells people what to type: help, cards, refusals, reminders. So
// every message leaving for Slack is spoken in the app's own command here,
// at the edge, as mentions and mrkdwn are.

// speak returns msg with each /action that names the command written as
// cmd instead; msg itself when cmd is /action (or unset) or msg never says
// it. The message given is not changed: its blocks are copied.
func speak(msg actionbot.Message, cmd string) actionbot.Message {
	if cmd == "" || cmd == DefaultCommand || !says(msg) {
		return msg
	}
	out := msg
	out.Text = speakText(msg.Text, cmd)
	out.Blocks = make([]actionbot.Block, len(msg.Blocks))
	for i, bl := range msg.Blocks {
		bl.Text = speakRich(bl.Text, cmd)
		if bl.Fields != nil {
			fs := make([]actionbot.Field, len(bl.Fields))
			for j, f := range bl.Fields {
				f.Label = speakText(f.Label, cmd)
				f.Value = speakRich(f.Value, cmd)
				fs[j] = f
			}
			bl.Fields = fs
		}
		if bl.Buttons != nil {
			bs := make([]actionbot.Button, len(bl.Buttons))
			for j, b := range bl.Buttons {
				b.Label = speakText(b.Label, cmd)
				if b.Confirm != nil {
					c := *b.Confirm
					c.Title, c.Text = speakText(c.Title, cmd), speakText(c.Text, cmd)
					b.Confirm = &c
				}
				bs[j] = b
			}
			bl.Buttons = bs
		}
		out.Blocks[i] = bl
	}
	return out
}

// says reports whether any text of msg holds /action.
func says(msg actionbot.Message) bool {
	if strings.Contains(msg.Text, DefaultCommand) {
		return true
	}
	for _, bl := range msg.Blocks {
		for _, s := range bl.Text {
			if strings.Contains(s.Text, DefaultCommand) {
				return true
			}
		}
		for _, f := range bl.Fields {
			if strings.Contains(f.Label, DefaultCommand) {
				return true
			}
			for _, s := range f.Value {
				if strings.Contains(s.Text, DefaultCommand) {
					return true
				}
			}
		}
		for _, b := range bl.Buttons {
			if strings.Contains(b.Label, DefaultCommand) || (b.Confirm != nil && strings.Contains(b.Confirm.Title+b.Confirm.Text, DefaultCommand)) {
				return true
			}
		}
	}
	return false
}

func speakRich(rt actionbot.RichText, cmd string) actionbot.RichText {
	if rt == nil {
		return nil
	}
	out := make(actionbot.RichText, len(rt))
	for i, s := range rt {
		s.Text = speakText(s.Text, cmd)
		out[i] = s
	}
	return out
}

// speakText writes cmd for each /action in s that names the command: one
// not inside a word or a path ("/actionbot", "https://…/action/5") is left.
func speakText(s, cmd string) string {
	if !strings.Contains(s, DefaultCommand) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, DefaultCommand)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + len(DefaultCommand)
		if (i == 0 || !inWord(s[i-1], "_-/.:@")) && (end == len(s) || !inWord(s[end], "_-/")) {
			b.WriteString(s[:i])
			b.WriteString(cmd)
		} else {
			b.WriteString(s[:end])
		}
		s = s[end:]
	}
}

// inWord says whether c, beside /action, makes it part of a word, a path or
// an address rather than the command: a letter, a digit, or one of also.
func inWord(c byte, also string) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(also, c) >= 0
}
