package actionbot

import (
	"strings"
	"unicode/utf8"
)

// Budgets that keep a transport-neutral message whole on every surface. A
// producer (the digest, the reminders) cuts its lists to fit them, saying
// what it left out; each renderer then enforces its own surface's limits
// (bot, Slack's Block Kit), which a message within these budgets never
// reaches.
const (
	// MaxBlocks is the most blocks a message has: the fewest any surface
	// shows (Slack's 50).
	MaxBlocks = 50
	// SectionBudget is the most a section's text holds, as RichText.Len
	// counts it, leaving room under the strictest surface's limit (Slack's
	// 3000) for separators a renderer adds.
	SectionBudget = 2800
)

// Len is the length of rich text for a budget, counted generously as any
// markup renderer (HTML, Slack's mrkdwn) would write it: its characters,
// with &, < and > as their escapes (&amp;, &lt;, &gt;), a mention's or
// link's target, and room for the markers of each style.
func (rt RichText) Len() int {
	n := 0
	for _, s := range rt {
		switch {
		case s.User != "":
			n += len(s.User) + 3
		case s.Channel != "":
			n += len(s.Channel) + 3
		default:
			n += utf8.RuneCountInString(s.Text) + 4*strings.Count(s.Text, "&") + 3*(strings.Count(s.Text, "<")+strings.Count(s.Text, ">"))
			if s.URL != "" {
				n += len(s.URL) + 3
			}
			for st := Bold; st <= Strike; st <<= 1 {
				if s.Style&st != 0 {
					n += 4
				}
			}
		}
	}
	return n
}
