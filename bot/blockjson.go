package bot

import (
	"strconv"
	"strings"
	"sync"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/slack-go/slack"
)

// This file is the bot's one Block Kit encoder: every payload the bot sends
// (the slash command's answer and response_url replies, announcements,
// reminders and digests, ephemeral messages, the Home tab) is written from
// the transport-neutral message by writeBlocks, straight to JSON, with no
// intermediate slack-go structs or strings. Slack's limits (blocks per
// surface, characters per text, fields per section, buttons per row) are
// kept here. Where slack-go's API calls want []slack.Block, slackBlocks
// hands them the encoded blocks as they are. The test suite holds the
// encoder to what slack-go's own structs encode to (slackgo_oracle_test.go),
// and fuzzes it.

// encoder holds the two buffers a payload is written with: out, the JSON,
// and scratch, one text's mrkdwn while it is escaped into out. They come
// from one pool and go back to it together, once out has been written.
type encoder struct{ out, scratch []byte }

// encoders is the bot's one pool of encoding buffers.
var encoders = sync.Pool{New: func() any {
	return &encoder{out: make([]byte, 0, 4096), scratch: make([]byte, 0, 1024)}
}}

// getEncoder takes an encoder from the pool, its output empty.
func getEncoder() *encoder {
	e := encoders.Get().(*encoder)
	e.out = e.out[:0]
	return e
}

// release returns e to the pool, unless a long answer grew its buffers
// past maxPooledBuffer; nothing may use e.out after.
func (e *encoder) release() {
	if cap(e.out) <= maxPooledBuffer && cap(e.scratch) <= maxPooledBuffer {
		encoders.Put(e)
	}
}

// appendMessageBlocks appends a message's blocks as Block Kit JSON, for a
// surface allowing at most maxBlocks blocks, rendering each text in
// *scratch (which it may grow). It reports how many blocks it wrote.
func appendMessageBlocks(b []byte, scratch *[]byte, msg actionbot.Message, maxBlocks int) ([]byte, int) {
	w := blockWriter{b: b, scratch: *scratch}
	n := w.write(msg, maxBlocks)
	*scratch = w.scratch
	return w.b, n
}

// slackBlocks encodes a message's blocks for slack-go's API calls
// (chat.postMessage, chat.update, chat.postEphemeral, views.publish): each
// block is the JSON writeBlocks wrote, which slack-go marshals as it is.
func slackBlocks(msg actionbot.Message, maxBlocks int) []slack.Block {
	w := blockWriter{record: true}
	if w.write(msg, maxBlocks) == 0 {
		return nil
	}
	out := make([]slack.Block, len(w.marks))
	for i, m := range w.marks {
		end := len(w.b) - 1 // the closing ']'
		if i+1 < len(w.marks) {
			end = w.marks[i+1].at - 1 // the ',' before the next
		}
		out[i] = encodedBlock{kind: m.kind, id: m.id, raw: w.b[m.at:end:end]}
	}
	return out
}

// encodedBlock is one block as the encoder wrote it, for slack-go.
type encodedBlock struct {
	kind slack.MessageBlockType
	id   string
	raw  []byte
}

func (b encodedBlock) BlockType() slack.MessageBlockType { return b.kind }
func (b encodedBlock) ID() string                        { return b.id }
func (b encodedBlock) MarshalJSON() ([]byte, error)      { return b.raw, nil }

// blockMark is where a block starts in the writer's output, and what it is.
type blockMark struct {
	at   int
	kind slack.MessageBlockType
	id   string
}

// write writes msg's blocks as a JSON array into w.b, at most maxBlocks of
// them (the last replaced by a line saying how many were left out), and
// returns how many; none writes nothing.
func (e *blockWriter) write(msg actionbot.Message, maxBlocks int) int {
	total := countBlocks(msg)
	if total == 0 {
		return 0
	}
	e.b = append(e.b, '[')
	e.limit = total
	if total > maxBlocks {
		e.limit = maxBlocks - 1
	}
	if len(msg.Blocks) == 0 && msg.Text != "" {
		e.start(slack.MBTSection, "", `{"type":"section","text":`)
		e.mrkdwnObject(maxTextLen, actionbot.RichText{{Text: msg.Text}})
		e.b = append(e.b, '}')
	}
	for i, bl := range msg.Blocks {
		if e.full() {
			break
		}
		switch bl.Kind {
		case actionbot.BlockHeader:
			if t := strings.TrimSpace(plain(bl.Text)); t != "" {
				e.start(slack.MBTHeader, "", `{"type":"header","text":`)
				e.plainObject(t, maxHeaderLen)
				e.b = append(e.b, '}')
			}
		case actionbot.BlockSection:
			e.sections(bl)
		case actionbot.BlockContext:
			if len(bl.Text) > 0 {
				e.start(slack.MBTContext, "", `{"type":"context","elements":[`)
				e.mrkdwnObject(maxTextLen, bl.Text)
				e.b = append(e.b, "]}"...)
			}
		case actionbot.BlockDivider:
			e.start(slack.MBTDivider, "", `{"type":"divider"}`)
		case actionbot.BlockActions:
			if len(bl.Buttons) > 0 {
				e.actions(bl.Buttons, i)
			}
		}
	}
	if total > maxBlocks {
		left := total - (maxBlocks - 1)
		e.start(slack.MBTContext, "", `{"type":"context","elements":[`)
		e.mrkdwnObject(maxTextLen, actionbot.Txt("…and "+actionbot.Plural(left, "more part")+" not shown: Slack shows at most "+
			strconv.Itoa(maxBlocks)+" blocks. Narrow the request down to see them."))
		e.b = append(e.b, "]}"...)
	}
	e.b = append(e.b, ']')
	return min(total, maxBlocks)
}

// appendFallbackJSON appends Fallback(msg) as a JSON string, rendered in
// *scratch.
func appendFallbackJSON(b []byte, scratch *[]byte, msg actionbot.Message) []byte {
	t := msg.Text
	if t == "" && len(msg.Blocks) > 0 {
		t = plain(msg.Blocks[0].Text)
	}
	text := [1]actionbot.Span{{Text: t}}
	*scratch = appendMrkdwn((*scratch)[:0], maxFallbackLen, text[:])
	return appendJSONString(b, *scratch)
}

// countBlocks is how many blocks Blocks renders a message as, before the
// limit on their number.
func countBlocks(msg actionbot.Message) int {
	n := 0
	if len(msg.Blocks) == 0 && msg.Text != "" {
		n++
	}
	for _, bl := range msg.Blocks {
		switch bl.Kind {
		case actionbot.BlockHeader:
			if strings.TrimSpace(plain(bl.Text)) != "" {
				n++
			}
		case actionbot.BlockSection:
			switch {
			case len(bl.Fields) > 0:
				n += (len(bl.Fields) + maxFields - 1) / maxFields
			case len(bl.Text) > 0:
				n++
			}
		case actionbot.BlockContext:
			if len(bl.Text) > 0 {
				n++
			}
		case actionbot.BlockDivider:
			n++
		case actionbot.BlockActions:
			if len(bl.Buttons) > 0 {
				n++
			}
		}
	}
	return n
}

// plain is rt.Plain(), without building a string for one plain span.
func plain(rt actionbot.RichText) string {
	if len(rt) == 1 && rt[0].User == "" && rt[0].Channel == "" {
		return rt[0].Text
	}
	return rt.Plain()
}

// blockWriter appends blocks to b, at most limit of them; scratch holds
// one text's mrkdwn while it is escaped into b. With record, it marks
// where each block starts (for slackBlocks).
type blockWriter struct {
	b        []byte
	scratch  []byte
	n, limit int
	record   bool
	marks    []blockMark
}

func (e *blockWriter) full() bool { return e.n >= e.limit }

// start begins a block of a kind (and block_id, if any) with its opening
// JSON.
func (e *blockWriter) start(kind slack.MessageBlockType, id, open string) {
	if e.n > 0 {
		e.b = append(e.b, ',')
	}
	e.n++
	if e.record {
		e.marks = append(e.marks, blockMark{at: len(e.b), kind: kind, id: id})
	}
	e.b = append(e.b, open...)
}

// mrkdwnObject appends a mrkdwn text object of the parts, rendered as one
// rich text (as Mrkdwn renders it) within limit characters.
func (e *blockWriter) mrkdwnObject(limit int, parts ...actionbot.RichText) {
	e.scratch = appendMrkdwn(e.scratch[:0], limit, parts...)
	e.b = append(e.b, `{"type":"mrkdwn","text":`...)
	e.b = appendJSONString(e.b, e.scratch)
	e.b = append(e.b, '}')
}

// plainObject appends a plain_text text object cut to limit characters.
func (e *blockWriter) plainObject(s string, limit int) {
	e.b = append(e.b, `{"type":"plain_text","text":`...)
	e.b = appendJSONString(e.b, clipPlain(s, limit))
	e.b = append(e.b, '}')
}

// sections appends a section block, continued in further sections when it
// has more than maxFields fields (as appendSections does).
func (e *blockWriter) sections(bl actionbot.Block) {
	if len(bl.Text) == 0 && len(bl.Fields) == 0 {
		return
	}
	fields := bl.Fields
	for first := true; (first || len(fields) > 0) && !e.full(); first = false {
		e.start(slack.MBTSection, "", `{"type":"section"`)
		if first && len(bl.Text) > 0 {
			e.b = append(e.b, `,"text":`...)
			e.mrkdwnObject(maxTextLen, bl.Text)
		}
		n := min(len(fields), maxFields)
		if n > 0 {
			e.b = append(e.b, `,"fields":[`...)
			for i, f := range fields[:n] {
				if i > 0 {
					e.b = append(e.b, ',')
				}
				label := [2]actionbot.Span{actionbot.B(f.Label), {Text: "\n"}}
				e.mrkdwnObject(maxFieldLen, label[:], f.Value)
			}
			e.b = append(e.b, ']')
		}
		e.b = append(e.b, '}')
		fields = fields[n:]
	}
}

// actions appends a row of buttons (as actionsBlock renders it): action
// ids unique within the row, a repeated one with "#2", "#3"….
func (e *blockWriter) actions(bs []actionbot.Button, index int) {
	blockID := ""
	if e.record {
		blockID = actionsBlockPrefix + strconv.Itoa(index)
	}
	e.start(slack.MBTAction, blockID, `{"type":"actions","block_id":"`+actionsBlockPrefix)
	e.b = strconv.AppendInt(e.b, int64(index), 10)
	e.b = append(e.b, `","elements":[`...)
	for i, btn := range bs {
		if i == maxActionElements {
			break
		}
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.b = append(e.b, `{"type":"button","text":`...)
		e.plainObject(btn.Label, maxButtonTextLen)
		id := clipPlain(btn.Action, maxActionIDLen-4)
		seen := 1
		for _, prev := range bs[:i] {
			if clipPlain(prev.Action, maxActionIDLen-4) == id {
				seen++
			}
		}
		if id != "" || seen > 1 {
			e.b = append(e.b, `,"action_id":`...)
			if seen > 1 {
				id += "#" + strconv.Itoa(seen)
			}
			e.b = appendJSONString(e.b, id)
		}
		if value := btn.Value; value != "" {
			if len(value) > maxButtonValueLen {
				value = value[:maxButtonValueLen]
			}
			e.b = append(e.b, `,"value":`...)
			e.b = appendJSONString(e.b, value)
		}
		if c := btn.Confirm; c != nil {
			e.b = append(e.b, `,"confirm":{"title":`...)
			e.plainObject(c.Title, maxConfirmTitle)
			e.b = append(e.b, `,"text":`...)
			e.plainObject(c.Text, maxConfirmText)
			e.b = append(e.b, `,"confirm":`...)
			e.plainObject(or(c.Yes, "Yes"), maxConfirmButton)
			e.b = append(e.b, `,"deny":`...)
			e.plainObject(or(c.No, "Cancel"), maxConfirmButton)
			if btn.Style == "danger" {
				e.b = append(e.b, `,"style":"danger"`...)
			}
			e.b = append(e.b, '}')
		}
		if btn.Style == "primary" || btn.Style == "danger" {
			e.b = append(e.b, `,"style":`...)
			e.b = appendJSONString(e.b, btn.Style)
		}
		e.b = append(e.b, '}')
	}
	e.b = append(e.b, "]}"...)
}
