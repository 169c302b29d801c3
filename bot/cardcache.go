package bot

import (
	"bytes"
	"context"
	"sync"

	"github.com/sevenoaks-csp/actionbot/commands"
)

// DefaultCardCacheBytes is how much the card cache holds unless
// Bot.CardCacheBytes says otherwise: every card of a 10,000-action plan
// (about 0.8 KB each as kept, with the map's share: 8 MB), with room.
const DefaultCardCacheBytes = 12 << 20

// cardEntryOverhead is what an entry costs beside its bytes: the map's
// slot, the entry and its stamp.
const cardEntryOverhead = 192

// cardWords are what every card's JSON says in the same words: a kept
// answer holds each as one byte, the word's place in this list plus one
// (JSON never holds a raw control character, so the byte is never the
// answer's own; put checks). The longer first, as they are replaced in
// this order. Any list gives back the answer byte for byte: the list only
// decides how small it is kept.
var cardWords = [...][]byte{
	[]byte(`{"response_type":"ephemeral","replace_original":false,"text":"`),
	[]byte(`","blocks":[{"type":"header","text":{"type":"plain_text","text":"`),
	[]byte(`"}]},{"type":"context","elements":[{"type":"mrkdwn","text":"`),
	[]byte(`"}},{"type":"context","elements":[{"type":"mrkdwn","text":"`),
	[]byte(`"}},{"type":"section","fields":[{"type":"mrkdwn","text":"`),
	[]byte(`"}]},{"type":"section","text":{"type":"mrkdwn","text":"`),
	[]byte(`"}},{"type":"section","text":{"type":"mrkdwn","text":"`),
	[]byte(`"},{"type":"mrkdwn","text":"`),
	[]byte(`*Partners*\n`),
	[]byte(`*Deadline*\n`),
	[]byte(`*Funding*\n`),
	[]byte(`*Status*\n`),
	[]byte(`*Lead*\n`),
	[]byte(`*RAG*\n`),
	[]byte(` days overdue`),
	[]byte(`"}]}]}`),
}

// packCard returns b with each of cardWords replaced by its byte; ok is
// false when b holds a control character of its own.
func packCard(b []byte) (packed []byte, ok bool) {
	for _, c := range b {
		if c < ' ' {
			return nil, false
		}
	}
	for i, w := range cardWords {
		if bytes.Contains(b, w) {
			b = bytes.ReplaceAll(b, w, []byte{byte(i + 1)})
		}
	}
	h, title := cardTitle(b)
	if len(title) < 8 {
		return bytes.Clone(b), true
	}
	// The title's other places: its own code, and its text without the
	// id (after its first space) another; the header's is kept as it is.
	before, after := b[:h], b[h+len(title):]
	text := title[bytes.IndexByte(title, ' ')+1:]
	pack := func(part []byte) []byte {
		part = bytes.ReplaceAll(part, title, []byte{cardTitleCode})
		if len(text) >= 8 && len(text) < len(title) {
			part = bytes.ReplaceAll(part, text, []byte{cardTextCode})
		}
		return part
	}
	before, after = pack(before), pack(after)
	out := make([]byte, 0, len(before)+len(title)+len(after))
	return append(append(append(out, before...), title...), after...), true
}

// cardTitleCode and cardTextCode stand, in a kept card, for its title (the
// header's text: the action's id and text) and for the title after its
// first space (the action's text), which a card repeats: its fallback text
// and its first section. Codes after cardWords' and below ' '.
const (
	cardLineCode  = 0x1d // see cardCache.lines
	cardTitleCode = 0x1e
	cardTextCode  = 0x1f
)

// cardTitle returns where the header's text starts in b, packed (after the
// header's word, cardWords[1]), and the text, up to the next code; an empty
// title when b has no header.
func cardTitle(b []byte) (int, []byte) {
	i := bytes.IndexByte(b, 2)
	if i < 0 {
		return 0, nil
	}
	t := b[i+1:]
	for j, c := range t {
		if c < ' ' {
			return i + 1, t[:j]
		}
	}
	return i + 1, t
}

// appendUnpacked appends packed to out with each word's byte as the word.
// line is the kept line cardLineCode stands for (cardCache.lines).
func appendUnpacked(out, packed, line []byte) []byte {
	start := 0
	var title []byte
	for i, c := range packed {
		if c < ' ' {
			out = append(out, packed[start:i]...)
			start = i + 1
			if c == cardLineCode {
				out = append(out, line...)
				continue
			}
			if c < cardTitleCode {
				out = append(out, cardWords[c-1]...)
				continue
			}
			if title == nil {
				_, title = cardTitle(packed)
			}
			if c == cardTitleCode {
				out = append(out, title...)
			} else {
				out = append(out, title[bytes.IndexByte(title, ' ')+1:]...)
			}
		}
	}
	return append(out, packed[start:]...)
}

// maxCardTails bounds the last blocks kept once for many cards.
const maxCardTails = 64

// refMark stands for the action's id in a kept last block: JSON never
// holds a raw control character, so it is never the block's own.
const refMark = 0

// cardCache remembers the encoded answer to a look-up of one action
// ("/action 5.2"), by action, with the stamp of what the card depends on
// (commands.CardStamp): an answer is given again only for the same stamp,
// so a change, a snooze, a new day, a plan's reload or a note's redaction
// is never answered with the card from before it. It holds at most max
// bytes; past that, entries chosen at random make room.
//
// An answer is kept in two parts, so that 10,000 cards fit in a few MB: its
// bytes up to its last block, and the last block (a card's buttons) with
// the action's id taken out, which is the same for most cards and kept
// once. Put back together they are the answer byte for byte (put checks).
type cardCache struct {
	mu    sync.Mutex
	max   int
	size  int
	plan  commands.CardStamp // a stamp of the plan's revision the entries are of
	cards map[int64]*cardEntry
	hits  int               // answers given again, for the tests
	tails map[string][]byte // last blocks with the id taken out, by themselves
	// lines are the lines under cards' headers (cardLine: a priority's
	// name and the plan's), kept once for all the cards that have them.
	lines map[string][]byte
}

// maxCardLines bounds the lines kept once for many cards.
const maxCardLines = 256

// cardLine returns where, in packed, the line under the header starts
// (after the context's word, cardWords[3]) and ends (the next code); i < 0
// when there is none.
func cardLine(packed []byte) (i, j int) {
	i = bytes.IndexByte(packed, 4)
	if i < 0 {
		return -1, -1
	}
	i++
	for j = i; j < len(packed) && packed[j] >= ' '; j++ {
	}
	return i, j
}

type cardEntry struct {
	stamp commands.CardStamp
	// head is the answer up to its last block (without the closing "]}"),
	// or the whole answer when tail is nil, packed (packCard). Neither is
	// modified once kept.
	head []byte
	tail []byte
	line []byte // the line cardLineCode stands for in head: shared, in lines
}

// get appends the answer kept for s to out; ok is false when none is.
func (c *cardCache) get(out []byte, s commands.CardStamp) ([]byte, bool) {
	c.mu.Lock()
	e := c.cards[s.ActionID]
	if e == nil || e.stamp != s {
		c.mu.Unlock()
		return out, false
	}
	head, tail, line := e.head, e.tail, e.line
	c.hits++
	c.mu.Unlock()
	out = appendUnpacked(out, head, line)
	if tail == nil {
		return out, true
	}
	var buf [64]byte
	ref := appendJSONString(buf[:0], s.Ref)
	ref = ref[1 : len(ref)-1] // as the answer has it: escaped, without quotes
	for {
		i := bytes.IndexByte(tail, refMark)
		if i < 0 {
			break
		}
		out = append(out, tail[:i]...)
		out = append(out, ref...)
		tail = tail[i+1:]
	}
	out = append(out, tail...)
	return append(out, ']', '}'), true
}

// put keeps body, the answer to msg, under s. head is the answer with the
// last of msg's blocks left out, to split body at.
func (c *cardCache) put(s commands.CardStamp, body, head []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.max <= 0 {
		return
	}
	if c.cards == nil || !c.plan.SamePlan(s) {
		// Another revision of the plan: none of the entries can be given
		// again.
		c.cards, c.tails, c.lines, c.size, c.plan = map[int64]*cardEntry{}, map[string][]byte{}, map[string][]byte{}, 0, s
	}
	e := &cardEntry{stamp: s}
	cost := cardEntryOverhead
	if h, tail, ok := splitLastBlock(body, head); ok {
		if bytes.IndexByte(tail, refMark) >= 0 {
			return // not JSON as the encoder writes it
		}
		tail = bytes.ReplaceAll(tail, escapedRef(s.Ref), []byte{refMark})
		shared, ok := c.tails[string(tail)]
		if !ok && len(c.tails) < maxCardTails {
			shared, ok = tail, true
			c.tails[string(tail)] = tail
			c.size += len(tail) + cardEntryOverhead
		}
		if !ok {
			shared = tail
			cost += len(tail)
		}
		e.head, e.tail = h, shared
	} else {
		e.head = body
	}
	var ok bool
	if e.head, ok = packCard(e.head); !ok {
		return
	}
	if i, j := cardLine(e.head); j-i >= 16 {
		line, ok := c.lines[string(e.head[i:j])]
		if !ok && len(c.lines) < maxCardLines {
			line, ok = bytes.Clone(e.head[i:j]), true
			c.lines[string(line)] = line
			c.size += len(line) + cardEntryOverhead
		}
		if ok {
			head := make([]byte, 0, len(e.head)-(j-i)+1)
			e.head = append(append(append(head, e.head[:i]...), cardLineCode), e.head[j:]...)
			e.line = line
		}
	}
	cost += len(e.head)
	if cost > c.max {
		return
	}
	if old := c.cards[s.ActionID]; old != nil {
		c.size -= old.cost(c)
		delete(c.cards, s.ActionID)
	}
	for id, old := range c.cards { // the map's order: at random
		if c.size+cost <= c.max {
			break
		}
		c.size -= old.cost(c)
		delete(c.cards, id)
	}
	c.cards[s.ActionID] = e
	c.size += cost
}

// cost is what e counts against the cache's bytes.
func (e *cardEntry) cost(c *cardCache) int {
	n := cardEntryOverhead + len(e.head)
	if e.tail != nil {
		if shared, ok := c.tails[string(e.tail)]; !ok || &shared[0] != &e.tail[0] {
			n += len(e.tail)
		}
	}
	return n
}

// splitLastBlock splits body, an answer ending in its blocks, at the start
// of its last block, given head, the same answer encoded without that
// block: h is body up to it (without head's closing "]}"), tail the block
// with its leading comma (without body's closing "]}"). ok is false when
// body is not head with one block more.
func splitLastBlock(body, head []byte) (h, tail []byte, ok bool) {
	const end = "]}"
	if !bytes.HasSuffix(head, []byte(end)) || !bytes.HasSuffix(body, []byte(end)) {
		return nil, nil, false
	}
	h = head[:len(head)-len(end)]
	if len(body) <= len(head) || !bytes.HasPrefix(body, h) || body[len(h)] != ',' {
		return nil, nil, false
	}
	return h, body[len(h) : len(body)-len(end)], true
}

// escapedRef is ref as a JSON string holds it, without the quotes.
func escapedRef(ref string) []byte {
	b := appendJSONString(nil, ref)
	return b[1 : len(b)-1]
}

// queryReply answers a command that changes nothing, as Handler.Do does;
// a look-up of one action is answered from the card cache when its card
// has been encoded already for the same stamp. A card is kept only when
// the stamp taken after it was built is the one taken before: nothing it
// depends on moved meanwhile.
func (b *Bot) queryReply(ctx context.Context, req commands.Request, cmd *commands.Command, responseURL string) reply {
	stamp, ok := b.Handler.CardStamp(ctx, cmd)
	if ok {
		enc := getEncoder()
		if out, hit := b.cardCache().get(enc.out, stamp); hit {
			enc.out = out
			return reply{body: out, responseURL: responseURL, enc: enc}
		}
		enc.release()
	}
	msg, err := b.Handler.Do(ctx, req, cmd)
	msg = replyOf(msg, err)
	rep := pooledResponse(b.speak(msg), responseURL)
	if ok && err == nil && b.cardCache().max > 0 {
		if again, ok := b.Handler.CardStamp(ctx, cmd); ok && again == stamp {
			var head []byte
			if n := len(msg.Blocks); n > 1 {
				less := msg
				less.Blocks = msg.Blocks[:n-1]
				head = encodeResponse(b.speak(less), false)
			}
			b.cardCache().put(stamp, rep.body, head)
		}
	}
	return rep
}

// cardCache returns the bot's card cache, sized by CardCacheBytes.
func (b *Bot) cardCache() *cardCache {
	b.cardsOnce.Do(func() {
		switch {
		case b.CardCacheBytes == 0:
			b.cards.max = DefaultCardCacheBytes
		case b.CardCacheBytes > 0:
			b.cards.max = b.CardCacheBytes
		}
	})
	return &b.cards
}
