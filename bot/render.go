package bot

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/sevenoaks-csp/actionbot"
)

// Slack's Block Kit limits. Lengths are counted as Slack counts characters
// (UTF-16 code units, so an emoji outside the basic plane counts two), which
// is never fewer than the characters a person sees.
const (
	MaxMessageBlocks  = 50
	MaxViewBlocks     = 100
	maxTextLen        = 3000
	maxFieldLen       = 2000
	maxFields         = 10
	maxHeaderLen      = 150
	maxButtonTextLen  = 75
	maxActionIDLen    = 255
	maxBlockIDLen     = 255
	maxButtonValueLen = 2000
	maxActionElements = 25
	maxConfirmTitle   = 100
	maxConfirmText    = 300
	maxConfirmButton  = 30
	maxFallbackLen    = 3000
)

// ellipsis marks text cut to fit a limit.
const ellipsis = "…"

// actionsBlockPrefix starts the block_id of a row of buttons; the rest is the
// block's index in the transport-neutral message, so that a click can be
// traced back to the row it came from.
const actionsBlockPrefix = "actions:"

// textLen is the length of s as Slack counts it.
func textLen(s string) int {
	n := 0
	for _, r := range s {
		n += runeLen(r)
	}
	return n
}

// textLenValid is textLen, and whether s is valid UTF-8.
func textLenValid(s string) (n int, valid bool) {
	valid = true
	for i, r := range s {
		if r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD") {
			valid = false
		}
		n += runeLen(r)
	}
	return n, valid
}

// plainLen is textLenValid of text with nothing to escape; plain is false
// (and the rest unset) when s holds &, < or >.
func plainLen(s string) (n int, plain, valid bool) {
	valid = true
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == '&' || c == '<' || c == '>' {
				return 0, false, false
			}
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			valid = false
		}
		n += runeLen(r)
		i += size
	}
	return n, true, valid
}

func runeLen(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// clipPlain cuts plain text (no markup) to at most max characters, ending
// with an ellipsis when cut.
func clipPlain(s string, max int) string {
	if textLen(s) <= max {
		return s
	}
	n := 0
	for i, r := range s {
		if n+runeLen(r) > max-1 {
			return strings.TrimRightFunc(s[:i], unicode.IsSpace) + ellipsis
		}
		n += runeLen(r)
	}
	return s
}

// mrkdwn writes rich text as Slack mrkdwn within a length limit. Text is
// escaped (&, < and > become entities, so user text can never be read as a
// mention, a link or a command); mentions become <@U…> and <#C…>. When the
// limit is reached the text is cut between characters, never inside an
// entity, a mention or a link, and ends with an ellipsis.
type mrkdwn struct {
	b     []byte
	n     int // length so far, as Slack counts it
	limit int
	cut   bool
	// broken is set when text with invalid UTF-8 was copied in: pieces of
	// it may join into one character, so n may exceed the text's length.
	broken bool
}

func newMrkdwn(limit int) *mrkdwn { return &mrkdwn{limit: limit} }

func (w *mrkdwn) String() string { return string(w.b) }

// room is what is left before the limit, keeping one character for an
// ellipsis.
func (w *mrkdwn) room() int { return w.limit - w.n - 1 }

func (w *mrkdwn) atom(s string) bool {
	if w.cut {
		return false
	}
	l, valid := textLenValid(s)
	if l > w.room() {
		w.finish()
		return false
	}
	w.broken = w.broken || !valid
	w.b = append(w.b, s...)
	w.n += l
	return true
}

func (w *mrkdwn) finish() {
	if !w.cut {
		w.cut = true
		w.b = append(w.b, ellipsis...)
		w.n++
	}
}

// escaped writes s escaped, keeping reserve characters free for what must
// follow (a closing style marker). It reports whether all of s fitted.
func (w *mrkdwn) escaped(s string, reserve int) bool {
	// Most text has nothing to escape and fits: copy it whole.
	if l, plain, valid := plainLen(s); plain && l <= w.room()-reserve {
		w.b = append(w.b, s...)
		w.n += l
		w.broken = w.broken || !valid
		return true
	}
	for _, r := range s {
		var enc string
		var l int
		switch r {
		case '&':
			enc, l = "&amp;", 5
		case '<':
			enc, l = "&lt;", 4
		case '>':
			enc, l = "&gt;", 4
		default:
			l = runeLen(r)
		}
		if l > w.room()-reserve {
			return false
		}
		if enc != "" {
			w.b = append(w.b, enc...)
		} else {
			w.b = utf8.AppendRune(w.b, r)
		}
		w.n += l
	}
	return true
}

// markers returns the mrkdwn markers of a style, outermost first.
func markers(st actionbot.Style) string {
	var m []byte
	if st&actionbot.Bold != 0 {
		m = append(m, '*')
	}
	if st&actionbot.Italic != 0 {
		m = append(m, '_')
	}
	if st&actionbot.Strike != 0 {
		m = append(m, '~')
	}
	if st&actionbot.Code != 0 {
		m = append(m, '`')
	}
	return string(m)
}

func reverse(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

// span writes one span.
func (w *mrkdwn) span(s actionbot.Span) {
	if w.cut {
		return
	}
	switch {
	case s.User != "" && isID(s.User):
		w.atom("<@" + s.User + ">")
		return
	case s.Channel != "" && isID(s.Channel):
		w.atom("<#" + s.Channel + ">")
		return
	case s.User != "":
		s = actionbot.Span{Text: "@" + s.User} // not an ID: shown as text
	case s.Channel != "":
		s = actionbot.Span{Text: "#" + s.Channel}
	case s.URL != "":
		label := s.Text
		if label == "" {
			label = s.URL
		}
		esc := newMrkdwn(w.limit)
		esc.escaped(label, 0)
		link := "<" + linkURL(s.URL) + "|" + esc.String() + ">"
		if l, valid := textLenValid(link); l <= w.room() {
			w.b = append(w.b, link...)
			w.n += l
			w.broken = w.broken || !valid
			return
		}
		s = actionbot.Span{Text: label} // no room for the link: its label, cut
	}
	m := markers(s.Style)
	// A marker inside the text would end the style early: show such text
	// plain. Spaces at the edges go outside the markers, or Slack ignores
	// them.
	if m != "" && strings.ContainsAny(s.Text, m) {
		m = ""
	}
	core := strings.TrimSpace(s.Text)
	if m == "" || core == "" {
		if !w.escaped(s.Text, 0) {
			w.finish()
		}
		return
	}
	lead := s.Text[:strings.Index(s.Text, core)]
	trail := s.Text[len(lead)+len(core):]
	if !w.escaped(lead, 0) || w.room() < 2*len(m)+1 {
		w.finish()
		return
	}
	w.b = append(w.b, m...)
	w.n += len(m)
	if !w.escaped(core, len(m)) {
		w.b = append(w.b, ellipsis...)
		w.n++
		w.b = append(w.b, reverse(m)...)
		w.n += len(m)
		w.cut = true
		return
	}
	w.b = append(w.b, reverse(m)...)
	w.n += len(m)
	if !w.escaped(trail, 0) {
		w.finish()
	}
}

// isID reports whether s is a Slack ID (U0123ABC, C0456DEF…), which alone
// may go inside a mention.
func isID(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// linkURL makes a URL safe inside <url|label>.
func linkURL(u string) string { return linkEscaper.Replace(u) }

// linkEscaper is built once (a Replacer is safe for concurrent use).
var linkEscaper = strings.NewReplacer("&", "&amp;", "<", "%3C", ">", "%3E", "|", "%7C")

// Mrkdwn renders rich text as Slack mrkdwn of at most limit characters.
func Mrkdwn(rt actionbot.RichText, limit int) string {
	return string(appendMrkdwn(nil, limit, rt))
}

// appendMrkdwn appends the parts, as one rich text, rendered as Slack mrkdwn
// of at most limit characters.
func appendMrkdwn(dst []byte, limit int, parts ...actionbot.RichText) []byte {
	// Render in full; only text over the limit is rendered again, cut.
	start := len(dst)
	w := appendSpans(dst, 1<<30, parts)
	// The writer's count is the text's length unless broken UTF-8 was
	// copied in; then the text is measured.
	n := w.n
	if w.broken {
		n = textLenBytes(w.b[start:])
	}
	if n <= limit {
		return w.b
	}
	return appendSpans(w.b[:start], limit, parts).b
}

func appendSpans(dst []byte, limit int, parts []actionbot.RichText) mrkdwn {
	w := mrkdwn{b: dst, limit: limit}
	for _, rt := range parts {
		for _, s := range rt {
			w.span(s)
			if w.cut {
				return w
			}
		}
	}
	return w
}

// textLenBytes is textLen of text held in bytes.
func textLenBytes(b []byte) int {
	n := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		n += runeLen(r)
		b = b[size:]
	}
	return n
}

// EscapeText escapes plain text for a mrkdwn field or the text fallback, and
// cuts it to limit characters.
func EscapeText(s string, limit int) string {
	return Mrkdwn(actionbot.RichText{{Text: s}}, limit)
}

func plainText(s string, limit int) *slack.TextBlockObject {
	return &slack.TextBlockObject{Type: slack.PlainTextType, Text: clipPlain(s, limit)}
}

func mrkdwnText(rt actionbot.RichText, limit int) *slack.TextBlockObject {
	return &slack.TextBlockObject{Type: slack.MarkdownType, Text: Mrkdwn(rt, limit)}
}

// ActionID returns the button action id a rendered action_id stands for.
func ActionID(renderedID string) string {
	if i := strings.IndexByte(renderedID, '#'); i >= 0 {
		return renderedID[:i]
	}
	return renderedID
}

// sourceBlock returns the index, in the transport-neutral message, of the
// row of buttons a rendered block_id names, or -1.
func sourceBlock(blockID string) int {
	s, ok := strings.CutPrefix(blockID, actionsBlockPrefix)
	if !ok {
		return -1
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// Fallback returns the message's plain text for notifications, escaped.
func Fallback(msg actionbot.Message) string {
	t := msg.Text
	if t == "" && len(msg.Blocks) > 0 {
		t = msg.Blocks[0].Text.Plain()
	}
	return EscapeText(t, maxFallbackLen)
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
