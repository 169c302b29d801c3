package actionbot

import (
	"strings"
	"unicode/utf8"
)

// Message is a transport-neutral reply or post: the Slack adapter renders it
// as Block Kit, the console as plain text. Text in it is held as spans, never
// as markup, so that user text cannot be mistaken for formatting: each
// renderer escapes it for its own surface.
type Message struct {
	// Text is the one-line plain-text fallback shown in notifications.
	Text   string  `json:"text"`
	Blocks []Block `json:"blocks,omitempty"`
	// Public makes a reply visible to the whole channel; replies are private
	// to the person who asked unless they ask to share.
	Public bool `json:"public,omitempty"`
}

// BlockKind is the kind of a block of a message.
type BlockKind string

const (
	BlockHeader  BlockKind = "header"  // a title line
	BlockSection BlockKind = "section" // a paragraph, with optional fields
	BlockContext BlockKind = "context" // small print
	BlockDivider BlockKind = "divider"
	BlockActions BlockKind = "actions" // a row of buttons
)

// Block is one part of a message.
type Block struct {
	Kind    BlockKind `json:"kind"`
	Text    RichText  `json:"text,omitempty"`
	Fields  []Field   `json:"fields,omitempty"`
	Buttons []Button  `json:"buttons,omitempty"`
}

// Field is a labelled value in a section.
type Field struct {
	Label string   `json:"label"`
	Value RichText `json:"value"`
}

// Button action identifiers, shared by the command handler, the reminders
// and the Slack adapter.
const (
	ButtonDone     = "actionbot_done"
	ButtonProgress = "actionbot_progress"
	ButtonSnooze   = "actionbot_snooze"
	ButtonView     = "actionbot_view"
	// ButtonUndo is on the confirmation of a change: it undoes it, as
	// "/action 5.2 undo" does.
	ButtonUndo = "actionbot_undo"
)

// Button is a button on a message. Value carries the action reference.
type Button struct {
	Label   string   `json:"label"`
	Action  string   `json:"action"`
	Value   string   `json:"value"`
	Style   string   `json:"style,omitempty"` // "", "primary" or "danger"
	Confirm *Confirm `json:"confirm,omitempty"`
}

// Confirm asks the person to confirm before a button acts.
type Confirm struct {
	Title string `json:"title"`
	Text  string `json:"text"`
	Yes   string `json:"yes"`
	No    string `json:"no"`
}

// Style is a text style; styles combine.
type Style uint8

const (
	Bold Style = 1 << iota
	Italic
	Code
	Strike
)

// Span is a run of text in one style, or a mention of a user or channel, or
// a link.
type Span struct {
	Text    string `json:"t,omitempty"`
	Style   Style  `json:"s,omitempty"`
	User    string `json:"u,omitempty"`   // a user ID to mention
	Channel string `json:"c,omitempty"`   // a channel ID to mention
	URL     string `json:"url,omitempty"` // makes Text a link
}

// RichText is a sequence of spans.
type RichText []Span

// Txt builds rich text from parts: a string is plain text, a Span is itself,
// a RichText is appended.
func Txt(parts ...any) RichText {
	// Sized once: every card and list line is built of these.
	n := 0
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			if v != "" {
				n++
			}
		case Span:
			n++
		case RichText:
			n += len(v)
		}
	}
	if n == 0 {
		return nil
	}
	return AppendTxt(make(RichText, 0, n), parts...)
}

// AppendTxt appends parts to rt as Txt builds them: a line of several
// pieces grows in one slice, not a slice a piece copied into it.
func AppendTxt(rt RichText, parts ...any) RichText {
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			if v != "" {
				rt = append(rt, Span{Text: v})
			}
		case Span:
			rt = append(rt, v)
		case RichText:
			rt = append(rt, v...)
		}
	}
	return rt
}

// B is bold text.
func B(s string) Span { return Span{Text: s, Style: Bold} }

// I is italic text.
func I(s string) Span { return Span{Text: s, Style: Italic} }

// C is code text.
func C(s string) Span { return Span{Text: s, Style: Code} }

// UserRef mentions a user.
func UserRef(id string) Span { return Span{User: id} }

// ChannelRef mentions a channel.
func ChannelRef(id string) Span { return Span{Channel: id} }

// Plain renders rich text without styles; mentions as @U123 and #C123.
func (rt RichText) Plain() string {
	n := 0
	for _, s := range rt {
		n += 1 + len(s.User) + len(s.Channel) + len(s.Text) // at most
	}
	var b strings.Builder
	b.Grow(n)
	for _, s := range rt {
		switch {
		case s.User != "":
			b.WriteByte('@')
			b.WriteString(s.User)
		case s.Channel != "":
			b.WriteByte('#')
			b.WriteString(s.Channel)
		default:
			b.WriteString(s.Text)
		}
	}
	return b.String()
}

// Header returns a header block.
func Header(text string) Block { return Block{Kind: BlockHeader, Text: Txt(text)} }

// Section returns a paragraph block.
func Section(parts ...any) Block { return Block{Kind: BlockSection, Text: Txt(parts...)} }

// Context returns a small-print block.
func Context(parts ...any) Block { return Block{Kind: BlockContext, Text: Txt(parts...)} }

// Divider returns a divider block.
func Divider() Block { return Block{Kind: BlockDivider} }

// Buttons returns a row of buttons.
func Buttons(bs ...Button) Block { return Block{Kind: BlockActions, Buttons: bs} }

// Simple returns a message of one paragraph of plain text.
func Simple(text string) Message {
	return Message{Text: text, Blocks: []Block{Section(text)}}
}

// Clip shortens s to at most n characters, ending with an ellipsis when it
// cuts.
func Clip(s string, n int) string {
	if len(s) <= n { // no more bytes than n: no more characters either
		return s
	}
	count := 0
	for i := range s {
		if count == n-1 {
			if utf8.RuneCountInString(s[i:]) <= 1 {
				return s
			}
			return strings.TrimSpace(s[:i]) + "…"
		}
		count++
	}
	return s
}

// JoinAnd joins words as a sentence does: "CSU", "CSU and SDC", "CSU, SDC and KCC".
func JoinAnd(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}
