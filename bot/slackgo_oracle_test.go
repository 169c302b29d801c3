package bot

// The encoder's oracle: the same message rendered to slack-go's block
// structs and encoded by encoding/json. The encoder (blockjson.go) must
// write byte for byte what this writes, on every surface's limit; the
// oracle lives here, in the tests, and never in the bot.

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/slack-go/slack"
)

// oracleJSON is oracleBlocks encoded by encoding/json; nil for no blocks.
// slack-go's nested types escape "<", ">" and "&" as \u003c… whatever the
// encoder is told, where the bot's encoder writes them as they are (both
// are the same JSON): the oracle's output is re-written token by token,
// keys in their order, with the bot's string escaping, so that the two are
// compared byte for byte.
func oracleJSON(tb interface{ Fatalf(string, ...any) }, msg actionbot.Message, maxBlocks int) []byte {
	blocks := oracleBlocks(msg, maxBlocks)
	if len(blocks) == 0 {
		return nil
	}
	raw, err := json.Marshal(blocks)
	if err != nil {
		tb.Fatalf("encoding the oracle's blocks: %v", err)
	}
	out, err := rewriteJSON(raw)
	if err != nil {
		tb.Fatalf("re-reading the oracle's blocks: %v\n%s", err, raw)
	}
	return out
}

// rewriteJSON writes the JSON value in b again, compactly, with strings
// escaped by appendJSONString.
func rewriteJSON(b []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out []byte
	// inObject[i] says whether the i-th open container is an object, and
	// next whether the coming string is a key.
	var inObject []bool
	expectKey := false
	first := true
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		closing := false
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			closing = true
		}
		if !first && !closing {
			switch {
			case len(inObject) > 0 && inObject[len(inObject)-1] && !expectKey:
				out = append(out, ':')
			default:
				out = append(out, ',')
			}
		}
		first = false
		isKey := expectKey
		switch t := tok.(type) {
		case json.Delim:
			out = append(out, byte(t))
			switch t {
			case '{', '[':
				inObject = append(inObject, t == '{')
				first = true
			default:
				inObject = inObject[:len(inObject)-1]
			}
		case string:
			out = appendJSONString(out, t)
		case json.Number:
			out = append(out, t.String()...)
		case bool:
			out = strconv.AppendBool(out, t)
		case nil:
			out = append(out, "null"...)
		}
		// After a key comes its value; after a value in an object, a key.
		if len(inObject) > 0 && inObject[len(inObject)-1] {
			if d, ok := tok.(json.Delim); ok && d == '{' {
				expectKey = true
			} else {
				expectKey = !isKey
			}
		} else {
			expectKey = false
		}
	}
}

// oracleBlocks renders a message's blocks as slack-go's own structs, for a
// surface allowing at most maxBlocks blocks, keeping every limit of Block
// Kit as the encoder does: text cut with a visible "…", a section with more
// than ten fields continued in another, blocks past the limit replaced by a
// line saying how many were left out. It is the test suite's independent
// statement of what the encoder must write.
func oracleBlocks(msg actionbot.Message, maxBlocks int) []slack.Block {
	out := make([]slack.Block, 0, len(msg.Blocks)+1)
	if len(msg.Blocks) == 0 && msg.Text != "" {
		out = append(out, slack.NewSectionBlock(mrkdwnText(actionbot.Txt(msg.Text), maxTextLen), nil, nil))
	}
	for i, bl := range msg.Blocks {
		switch bl.Kind {
		case actionbot.BlockHeader:
			if t := strings.TrimSpace(bl.Text.Plain()); t != "" {
				out = append(out, slack.NewHeaderBlock(plainText(t, maxHeaderLen)))
			}
		case actionbot.BlockSection:
			out = appendSections(out, bl)
		case actionbot.BlockContext:
			if len(bl.Text) > 0 {
				out = append(out, slack.NewContextBlock("", mrkdwnText(bl.Text, maxTextLen)))
			}
		case actionbot.BlockDivider:
			out = append(out, slack.NewDividerBlock())
		case actionbot.BlockActions:
			if ab := actionsBlock(bl.Buttons, actionsBlockPrefix+strconv.Itoa(i)); ab != nil {
				out = append(out, ab)
			}
		}
	}
	if len(out) > maxBlocks {
		left := len(out) - (maxBlocks - 1)
		out = append(out[:maxBlocks-1], slack.NewContextBlock("", mrkdwnText(actionbot.Txt(
			"…and "+actionbot.Plural(left, "more part")+" not shown: Slack shows at most "+strconv.Itoa(maxBlocks)+" blocks. Narrow the request down to see them."), maxTextLen)))
	}
	return out
}

func appendSections(out []slack.Block, bl actionbot.Block) []slack.Block {
	var text *slack.TextBlockObject
	if len(bl.Text) > 0 {
		text = mrkdwnText(bl.Text, maxTextLen)
	}
	fields := make([]*slack.TextBlockObject, 0, len(bl.Fields))
	for _, f := range bl.Fields {
		rt := make(actionbot.RichText, 0, len(f.Value)+2)
		rt = append(append(rt, actionbot.B(f.Label), actionbot.Span{Text: "\n"}), f.Value...)
		fields = append(fields, mrkdwnText(rt, maxFieldLen))
	}
	if text == nil && len(fields) == 0 {
		return out
	}
	for first := true; first || len(fields) > 0; first = false {
		n := min(len(fields), maxFields)
		var fs []*slack.TextBlockObject
		if n > 0 {
			fs = fields[:n:n]
		}
		if first {
			out = append(out, slack.NewSectionBlock(text, fs, nil))
		} else {
			out = append(out, slack.NewSectionBlock(nil, fs, nil))
		}
		fields = fields[n:]
	}
	return out
}

// actionsBlock renders a row of buttons. Action ids are unique within the
// row: a repeated one gets "#2", "#3"… (ActionID strips it).
func actionsBlock(bs []actionbot.Button, blockID string) *slack.ActionBlock {
	if len(bs) == 0 {
		return nil
	}
	seen := map[string]int{}
	var els []slack.BlockElement
	for _, b := range bs {
		if len(els) == maxActionElements {
			break
		}
		id := clipPlain(b.Action, maxActionIDLen-4)
		if seen[id]++; seen[id] > 1 {
			id += "#" + strconv.Itoa(seen[id])
		}
		value := b.Value
		if len(value) > maxButtonValueLen {
			value = value[:maxButtonValueLen]
		}
		btn := slack.NewButtonBlockElement(id, value, plainText(b.Label, maxButtonTextLen))
		if b.Style == "primary" || b.Style == "danger" {
			btn.Style = slack.Style(b.Style)
		}
		if c := b.Confirm; c != nil {
			btn.Confirm = slack.NewConfirmationBlockObject(plainText(c.Title, maxConfirmTitle), plainText(c.Text, maxConfirmText),
				plainText(or(c.Yes, "Yes"), maxConfirmButton), plainText(or(c.No, "Cancel"), maxConfirmButton))
			if b.Style == "danger" {
				btn.Confirm.Style = slack.StyleDanger
			}
		}
		els = append(els, btn)
	}
	return slack.NewActionBlock(clipPlain(blockID, maxBlockIDLen), els...)
}
