package actionbot

import (
	"strconv"
	"unicode/utf8"
)

// AppendJSON appends the message's JSON to b: the bytes json.Marshal gives
// it, field for field and escape for escape, without reflection. The store
// writes one for every change (its reply, for a replay, and each
// announcement), where encoding/json's reflection was 3-4% of a change's
// CPU (issue 25).
func (m *Message) AppendJSON(b []byte) []byte {
	b = append(b, `{"text":`...)
	b = appendJSONString(b, m.Text)
	if len(m.Blocks) > 0 {
		b = append(b, `,"blocks":[`...)
		for i := range m.Blocks {
			if i > 0 {
				b = append(b, ',')
			}
			b = m.Blocks[i].appendJSON(b)
		}
		b = append(b, ']')
	}
	if m.Public {
		b = append(b, `,"public":true`...)
	}
	return append(b, '}')
}

func (k *Block) appendJSON(b []byte) []byte {
	b = append(b, `{"kind":`...)
	b = appendJSONString(b, string(k.Kind))
	if len(k.Text) > 0 {
		b = append(b, `,"text":`...)
		b = k.Text.appendJSON(b)
	}
	if len(k.Fields) > 0 {
		b = append(b, `,"fields":[`...)
		for i, f := range k.Fields {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"label":`...)
			b = appendJSONString(b, f.Label)
			b = append(b, `,"value":`...)
			b = f.Value.appendJSON(b)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if len(k.Buttons) > 0 {
		b = append(b, `,"buttons":[`...)
		for i := range k.Buttons {
			if i > 0 {
				b = append(b, ',')
			}
			b = k.Buttons[i].appendJSON(b)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func (bt *Button) appendJSON(b []byte) []byte {
	b = append(b, `{"label":`...)
	b = appendJSONString(b, bt.Label)
	b = append(b, `,"action":`...)
	b = appendJSONString(b, bt.Action)
	b = append(b, `,"value":`...)
	b = appendJSONString(b, bt.Value)
	if bt.Style != "" {
		b = append(b, `,"style":`...)
		b = appendJSONString(b, bt.Style)
	}
	if c := bt.Confirm; c != nil {
		b = append(b, `,"confirm":{"title":`...)
		b = appendJSONString(b, c.Title)
		b = append(b, `,"text":`...)
		b = appendJSONString(b, c.Text)
		b = append(b, `,"yes":`...)
		b = appendJSONString(b, c.Yes)
		b = append(b, `,"no":`...)
		b = appendJSONString(b, c.No)
		b = append(b, '}')
	}
	return append(b, '}')
}

// appendJSON appends rich text as json.Marshal does: null when nil.
func (rt RichText) appendJSON(b []byte) []byte {
	if rt == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range rt {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		comma := false
		field := func(name string) {
			if comma {
				b = append(b, ',')
			}
			comma = true
			b = append(b, '"')
			b = append(b, name...)
			b = append(b, `":`...)
		}
		if s.Text != "" {
			field("t")
			b = appendJSONString(b, s.Text)
		}
		if s.Style != 0 {
			field("s")
			b = strconv.AppendUint(b, uint64(s.Style), 10)
		}
		if s.User != "" {
			field("u")
			b = appendJSONString(b, s.User)
		}
		if s.Channel != "" {
			field("c")
			b = appendJSONString(b, s.Channel)
		}
		if s.URL != "" {
			field("url")
			b = appendJSONString(b, s.URL)
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string, escaped as json.Marshal
// escapes it: HTML's <, > and & too (AppendJSONString).
func appendJSONString(b []byte, s string) []byte { return AppendJSONString(b, s, true) }

// AppendJSONString appends s, a string or bytes, as a JSON string, as
// encoding/json escapes it: invalid UTF-8 becomes U+FFFD, U+2028 and U+2029
// are escaped for JavaScript's sake, and with html HTML's <, > and & are
// too (json.Marshal's default; Slack's payloads leave them, bot). The one
// JSON string writer: the store's records of messages and every payload
// the bot sends. Bytes are escaped without a copy.
func AppendJSONString[T string | []byte](b []byte, s T, html bool) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && (!html || c != '<' && c != '>' && c != '&') {
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
		r, size := decodeRune(s[i:])
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

// decodeRune decodes the first character of s, a string or bytes, with no
// allocation either way.
func decodeRune[T string | []byte](s T) (rune, int) {
	var buf [utf8.UTFMax]byte
	n := copy(buf[:], s)
	return utf8.DecodeRune(buf[:n])
}
