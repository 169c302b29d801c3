package bot

import (
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/sevenoaks-csp/actionbot"
)

// appendMessageBlocks appends a message's blocks as Block Kit JSON, for a
// surface allowing at most maxBlocks blocks: byte for byte what
// appendBlocksJSON(b, Blocks(msg, maxBlocks)) appends (a test holds it to
// that), with the same limits kept. It writes the JSON straight from the
// transport-neutral message, with no slack-go block structs and no
// intermediate strings, because the answer to every slash command goes
// through it. It reports how many blocks it wrote.
func appendMessageBlocks(b []byte, msg actionbot.Message, maxBlocks int) ([]byte, int) {
	total := countBlocks(msg)
	if total == 0 {
		return b, 0
	}
	sp := scratchBuffers.Get().(*[]byte)
	e := blockWriter{b: append(b, '['), scratch: *sp, limit: total}
	if total > maxBlocks {
		e.limit = maxBlocks - 1
	}
	if len(msg.Blocks) == 0 && msg.Text != "" {
		e.start(`{"type":"section","text":`)
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
				e.start(`{"type":"header","text":`)
				e.plainObject(t, maxHeaderLen)
				e.b = append(e.b, '}')
			}
		case actionbot.BlockSection:
			e.sections(bl)
		case actionbot.BlockContext:
			if len(bl.Text) > 0 {
				e.start(`{"type":"context","elements":[`)
				e.mrkdwnObject(maxTextLen, bl.Text)
				e.b = append(e.b, "]}"...)
			}
		case actionbot.BlockDivider:
			e.start(`{"type":"divider"}`)
		case actionbot.BlockActions:
			if len(bl.Buttons) > 0 {
				e.actions(bl.Buttons, i)
			}
		}
	}
	if total > maxBlocks {
		left := total - (maxBlocks - 1)
		e.start(`{"type":"context","elements":[`)
		e.mrkdwnObject(maxTextLen, actionbot.Txt("…and "+actionbot.Plural(left, "more part")+" not shown: Slack shows at most "+
			strconv.Itoa(maxBlocks)+" blocks. Narrow the request down to see them."))
		e.b = append(e.b, "]}"...)
	}
	if cap(e.scratch) <= maxPooledBuffer {
		*sp = e.scratch[:0]
		scratchBuffers.Put(sp)
	}
	return append(e.b, ']'), min(total, maxBlocks)
}

// scratchBuffers holds blockWriter's scratch buffers for reuse.
var scratchBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// appendFallbackJSON appends Fallback(msg) as a JSON string, rendered in a
// pooled scratch buffer.
func appendFallbackJSON(b []byte, msg actionbot.Message) []byte {
	t := msg.Text
	if t == "" && len(msg.Blocks) > 0 {
		t = plain(msg.Blocks[0].Text)
	}
	sp := scratchBuffers.Get().(*[]byte)
	text := [1]actionbot.Span{{Text: t}}
	s := appendMrkdwn((*sp)[:0], maxFallbackLen, text[:])
	// As in mrkdwnObject: s is not changed while read as a string here.
	b = appendJSONString(b, unsafe.String(unsafe.SliceData(s), len(s)))
	if cap(s) <= maxPooledBuffer {
		*sp = s[:0]
		scratchBuffers.Put(sp)
	}
	return b
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
// one text's mrkdwn while it is escaped into b.
type blockWriter struct {
	b        []byte
	scratch  []byte
	n, limit int
}

func (e *blockWriter) full() bool { return e.n >= e.limit }

// start begins a block with its opening JSON.
func (e *blockWriter) start(open string) {
	if e.n > 0 {
		e.b = append(e.b, ',')
	}
	e.n++
	e.b = append(e.b, open...)
}

// mrkdwnObject appends a mrkdwn text object of the parts, rendered as one
// rich text (as Mrkdwn renders it) within limit characters.
func (e *blockWriter) mrkdwnObject(limit int, parts ...actionbot.RichText) {
	e.scratch = appendMrkdwn(e.scratch[:0], limit, parts...)
	e.b = append(e.b, `{"type":"mrkdwn","text":`...)
	// The scratch buffer is not changed while its bytes are read as a
	// string here, and nothing keeps that string.
	e.b = appendJSONString(e.b, unsafe.String(unsafe.SliceData(e.scratch), len(e.scratch)))
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
		e.start(`{"type":"section"`)
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
	e.start(`{"type":"actions","block_id":"` + actionsBlockPrefix)
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
