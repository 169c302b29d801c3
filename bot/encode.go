package bot

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// appendBlocksJSON appends blocks as JSON, exactly as encoding/json would
// encode them (a test holds it to that) but without reflection or the
// re-marshalling slack-go's element lists go through: the slash command
// answer is on the hot path. Block kinds the renderer does not produce fall
// back to encoding/json.
func appendBlocksJSON(b []byte, blocks []slack.Block) []byte {
	b = append(b, '[')
	for i, bl := range blocks {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendBlockJSON(b, bl)
	}
	return append(b, ']')
}

func appendBlockJSON(b []byte, bl slack.Block) []byte {
	switch x := bl.(type) {
	case *slack.HeaderBlock:
		if x.Level == 0 && x.Text != nil {
			b = appendType(b, string(x.Type))
			b = appendBlockID(b, x.BlockID)
			b = append(b, `,"text":`...)
			b = appendTextJSON(b, x.Text)
			return append(b, '}')
		}
	case *slack.SectionBlock:
		if x.Accessory == nil && !x.Expand {
			b = appendType(b, string(x.Type))
			if x.Text != nil {
				b = append(b, `,"text":`...)
				b = appendTextJSON(b, x.Text)
			}
			b = appendBlockID(b, x.BlockID)
			if len(x.Fields) > 0 {
				b = append(b, `,"fields":[`...)
				for i, f := range x.Fields {
					if i > 0 {
						b = append(b, ',')
					}
					b = appendTextJSON(b, f)
				}
				b = append(b, ']')
			}
			return append(b, '}')
		}
	case *slack.ContextBlock:
		if texts, ok := contextTexts(x); ok {
			b = appendType(b, string(x.Type))
			b = appendBlockID(b, x.BlockID)
			b = append(b, `,"elements":[`...)
			for i, t := range texts {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendTextJSON(b, t)
			}
			return append(b, "]}"...)
		}
	case *slack.DividerBlock:
		b = appendType(b, string(x.Type))
		b = appendBlockID(b, x.BlockID)
		return append(b, '}')
	case *slack.ActionBlock:
		if buttons, ok := plainButtons(x); ok {
			b = appendType(b, string(x.Type))
			b = appendBlockID(b, x.BlockID)
			b = append(b, `,"elements":[`...)
			for i, btn := range buttons {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendButtonJSON(b, btn)
			}
			return append(b, "]}"...)
		}
	}
	out, err := json.Marshal(bl)
	if err != nil {
		return append(b, "null"...)
	}
	return append(b, out...)
}

func contextTexts(x *slack.ContextBlock) ([]*slack.TextBlockObject, bool) {
	texts := make([]*slack.TextBlockObject, 0, len(x.ContextElements.Elements))
	for _, el := range x.ContextElements.Elements {
		t, ok := el.(*slack.TextBlockObject)
		if !ok || t == nil {
			return nil, false
		}
		texts = append(texts, t)
	}
	return texts, len(texts) > 0
}

func plainButtons(x *slack.ActionBlock) ([]*slack.ButtonBlockElement, bool) {
	if x.Elements == nil || len(x.Elements.ElementSet) == 0 {
		return nil, false
	}
	out := make([]*slack.ButtonBlockElement, 0, len(x.Elements.ElementSet))
	for _, el := range x.Elements.ElementSet {
		btn, ok := el.(*slack.ButtonBlockElement)
		if !ok || btn == nil || btn.URL != "" || btn.AccessibilityLabel != "" || btn.AgentPrompt != "" ||
			btn.AgentPromptDisplay != "" || len(btn.VisibleToUserIDs) > 0 || btn.Text == nil {
			return nil, false
		}
		out = append(out, btn)
	}
	return out, true
}

func appendType(b []byte, t string) []byte {
	b = append(b, `{"type":`...)
	return appendJSONString(b, t)
}

func appendBlockID(b []byte, id string) []byte {
	if id == "" {
		return b
	}
	b = append(b, `,"block_id":`...)
	return appendJSONString(b, id)
}

func appendTextJSON(b []byte, t *slack.TextBlockObject) []byte {
	if t == nil {
		return append(b, "null"...)
	}
	b = appendType(b, t.Type)
	b = append(b, `,"text":`...)
	b = appendJSONString(b, t.Text)
	if t.Emoji != nil {
		b = append(b, `,"emoji":`...)
		b = strconv.AppendBool(b, *t.Emoji)
	}
	if t.Verbatim {
		b = append(b, `,"verbatim":true`...)
	}
	return append(b, '}')
}

func appendButtonJSON(b []byte, btn *slack.ButtonBlockElement) []byte {
	b = appendType(b, string(btn.Type))
	b = append(b, `,"text":`...)
	b = appendTextJSON(b, btn.Text)
	if btn.ActionID != "" {
		b = append(b, `,"action_id":`...)
		b = appendJSONString(b, btn.ActionID)
	}
	if btn.Value != "" {
		b = append(b, `,"value":`...)
		b = appendJSONString(b, btn.Value)
	}
	if c := btn.Confirm; c != nil {
		b = append(b, `,"confirm":{"title":`...)
		b = appendTextJSON(b, c.Title)
		b = append(b, `,"text":`...)
		b = appendTextJSON(b, c.Text)
		b = append(b, `,"confirm":`...)
		b = appendTextJSON(b, c.Confirm)
		if c.Deny != nil {
			b = append(b, `,"deny":`...)
			b = appendTextJSON(b, c.Deny)
		}
		if c.Style != "" {
			b = append(b, `,"style":`...)
			b = appendJSONString(b, string(c.Style))
		}
		b = append(b, '}')
	}
	if btn.Style != "" {
		b = append(b, `,"style":`...)
		b = appendJSONString(b, string(btn.Style))
	}
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string, as encoding/json does with
// HTML escaping off: invalid UTF-8 becomes U+FFFD, and U+2028 and U+2029
// are escaped for JavaScript's sake.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
