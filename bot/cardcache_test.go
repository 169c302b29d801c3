package bot

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/planfile"
)

// lookUp answers /action text as user through b, as the slash command's
// door does.
func lookUp(t *testing.T, e *testEnv, b *Bot, user, text string) reply {
	t.Helper()
	sc := slack.SlashCommand{Command: DefaultCommand, UserID: user, ChannelID: "C0CHAN", Text: text, ResponseURL: e.slack.ResponseURL("q")}
	return b.slashCommand(context.Background(), &sc, "")
}

// A look-up answered from the card cache is byte for byte what the card
// built afresh says, after everything that changes a card: a change, a
// snooze and its end, a new day, the plan's end, a note and its
// redaction, a plan imported again. Each step checks that the card did
// change, and that the second look-up came from the cache.
func TestCardCacheNeverAnswersWithAStaleCard(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	fresh := &Bot{Handler: e.bot.Handler, Store: e.db, Logger: e.bot.Logger, Now: e.clock.Now, CardCacheBytes: -1}
	var last string
	check := func(step, want string) {
		t.Helper()
		lookUp(t, e, e.bot, uCSU, "5.2") // fills the cache
		hits := e.bot.cardCache().hits
		got := lookUp(t, e, e.bot, uKFRS, "5.2")
		if e.bot.cardCache().hits != hits+1 {
			t.Errorf("%s: the second look-up was built again, not taken from the cache", step)
		}
		built := lookUp(t, e, fresh, uCSU, "5.2")
		if string(got.body) != string(built.body) {
			t.Fatalf("%s: the cache answered\n%s\nbuilt afresh:\n%s", step, got.body, built.body)
		}
		if want != "" && !strings.Contains(string(got.body), want) {
			t.Errorf("%s: the card lacks %q:\n%s", step, want, got.body)
		}
		if string(got.body) == last {
			t.Errorf("%s: the card did not change", step)
		}
		last = string(got.body)
	}
	do := func(user, text string) {
		t.Helper()
		if _, err := e.bot.Handler.Do(ctx, commands.Request{UserID: user, ChannelID: "C0CHAN", Text: text}, mustParse(t, e, text)); err != nil {
			t.Fatalf("%s: %v", text, err)
		}
	}

	check("first", "Promote Speedwatch")
	do(uCSU, "5.2 progress 40")
	check("a change", "40%")
	do(uCSU, "5.2 snooze 7")
	check("a snooze", "snoozed until")
	e.clock.Advance(24 * time.Hour)
	check("a new day", "")
	e.clock.Advance(7 * 24 * time.Hour)
	check("the snooze over", "")
	if strings.Contains(last, "snoozed") {
		t.Errorf("the snooze is over, the card still says it:\n%s", last)
	}
	do(uCSU, "5.2 note ring Tunbridge volunteers")
	check("a note", "ring Tunbridge volunteers")
	do(uCoord, "5.2 redact note 1")
	check("the note redacted", "")
	if strings.Contains(last, "Tunbridge") {
		t.Errorf("the redacted note is still on the card:\n%s", last)
	}

	next, err := planfile.Sevenoaks()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range next.Actions {
		if a.Ref == "5.2" {
			a.Text = "Promote Speedwatch in every parish"
		}
	}
	if _, err := e.db.ImportPlan(ctx, next); err != nil {
		t.Fatal(err)
	}
	check("the plan imported again", "in every parish")

	e.clock.Set(time.Date(2013, time.May, 2, 9, 0, 0, 0, e.clock.Now().Location()))
	check("the plan over", "when the plan ended")
}

func mustParse(t *testing.T, e *testEnv, text string) *commands.Command {
	t.Helper()
	cmd, err := e.bot.Handler.Parse(context.Background(), text)
	if err != nil {
		t.Fatalf("parse %q: %v", text, err)
	}
	return cmd
}

// The cache holds no more than its bytes: past them, cards make room for
// others, and every answer is still the card built afresh.
func TestCardCacheKeepsToItsBytes(t *testing.T) {
	e := mustEnv(t)
	e.bot.CardCacheBytes = 4 << 10
	fresh := &Bot{Handler: e.bot.Handler, Store: e.db, Logger: e.bot.Logger, Now: e.clock.Now, CardCacheBytes: -1}
	refs := []string{"1.1", "1.2", "2.1", "3.1", "5.2", "5.4", "6.1"}
	for round := 0; round < 3; round++ {
		for _, ref := range refs {
			lookUp(t, e, e.bot, uCSU, ref)
			hits := e.bot.cardCache().hits
			got := lookUp(t, e, e.bot, uCSU, ref)
			if e.bot.cardCache().hits != hits+1 {
				t.Errorf("%s: a card just kept was not answered from the cache", ref)
			}
			if want := lookUp(t, e, fresh, uCSU, ref); string(got.body) != string(want.body) {
				t.Fatalf("%s: the cache answered\n%s\nbuilt afresh:\n%s", ref, got.body, want.body)
			}
			c := e.bot.cardCache()
			c.mu.Lock()
			size, n := c.size, len(c.cards)
			c.mu.Unlock()
			if size > c.max || n == 0 {
				t.Fatalf("after %s: %d cards in %d bytes, the limit %d", ref, n, size, c.max)
			}
		}
	}
	if n := len(e.bot.cardCache().cards); n >= len(refs) {
		t.Errorf("%d cards kept in %d bytes: none made room", n, e.bot.cardCache().max)
	}
}

// Only a look-up of one action is kept: a list, a refusal and a card
// shared with the channel answer as they did.
func TestCardCacheKeepsLookUpsOnly(t *testing.T) {
	e := mustEnv(t)
	for _, text := range []string{"mine", "list overdue", "9.9", "5.2 dne", "help"} {
		lookUp(t, e, e.bot, uCSU, text)
	}
	if n := len(e.bot.cardCache().cards); n != 0 {
		t.Errorf("%d answers kept that are not a look-up of one action", n)
	}
	mine := string(lookUp(t, e, e.bot, uCSU, "5.2").body)
	shared := string(lookUp(t, e, e.bot, uCSU, "share 5.2").body)
	if !strings.Contains(shared, `"in_channel"`) || strings.Contains(mine, `"in_channel"`) {
		t.Errorf("shared and not shared answered alike:\n%s\n%s", mine, shared)
	}
	if again := string(lookUp(t, e, e.bot, uCSU, "5.2").body); again != mine {
		t.Errorf("the card changed with nothing changed:\n%s\n%s", mine, again)
	}
	_ = actionbot.VerbShow
}

// realCard is a card as the bot answers it, its title (the action's id
// and text) three times over, as a look-up's card says it.
const realCard = `{"response_type":"ephemeral","replace_original":false,"text":"5.2 Promote Speedwatch across the District including training for volunteers — open, 81 days overdue","blocks":[{"type":"header","text":{"type":"plain_text","text":"5.2 Promote Speedwatch across the District including training for volunteers"}},{"type":"context","elements":[{"type":"mrkdwn","text":"Priority 5: Speeding vehicles including road safety · Sevenoaks District CSP Action Plan 2012-13"}]},{"type":"section","text":{"type":"mrkdwn","text":"Promote Speedwatch across the District including training for volunteers"}},{"type":"section","fields":[{"type":"mrkdwn","text":"*Lead*\nKent Police (POLICE)"},{"type":"mrkdwn","text":"*Status*\nopen · 40%"}]}]}`

// A card's title is kept once: the fallback text and the section that
// repeat it (the second without its id) cost a byte each.
func TestAKeptCardHoldsItsTitleOnce(t *testing.T) {
	const text = "Promote Speedwatch across the District including training for volunteers"
	packed, ok := packCard([]byte(realCard))
	if !ok {
		t.Fatal("the card was refused")
	}
	if n := bytes.Count(packed, []byte(text)); n != 1 {
		t.Errorf("the kept card holds the action's text %d times, want once:\n%q", n, packed)
	}
	if got := appendUnpacked(nil, packed, nil); string(got) != realCard {
		t.Fatalf("given back\n%s\nwant\n%s", got, realCard)
	}
}

// The line under a card's header (its priority and plan) is the same for
// every card of a priority: the cache keeps it once for all of them.
func TestKeptCardsOfAPriorityShareTheLineUnderTheirHeader(t *testing.T) {
	c := &cardCache{max: 1 << 20}
	const line = "Priority 5: Speeding vehicles including road safety · Sevenoaks District CSP Action Plan 2012-13"
	other := strings.NewReplacer("5.2", "5.3", "Promote Speedwatch", "Run Speedwatch").Replace(realCard)
	cards := []string{realCard, other}
	for i, body := range cards {
		c.put(commands.CardStamp{ActionID: int64(i + 1), Ref: "5." + string(rune('2'+i))}, []byte(body), nil)
	}
	a, b := c.cards[1], c.cards[2]
	if a == nil || b == nil {
		t.Fatal("the cards were not kept")
	}
	if bytes.Contains(a.head, []byte(line)) || bytes.Contains(b.head, []byte(line)) || len(a.line) == 0 || &a.line[0] != &b.line[0] {
		t.Errorf("the line under the header is not kept once: %q, %q", a.head, b.head)
	}
	for i, body := range cards {
		got, ok := c.get(nil, commands.CardStamp{ActionID: int64(i + 1), Ref: "5." + string(rune('2'+i))})
		if !ok || string(got) != body {
			t.Fatalf("card %d given back\n%s\nwant\n%s", i, got, body)
		}
	}
}

// A card kept packed is given back byte for byte, whatever it holds.
func FuzzCardPack(f *testing.F) {
	f.Add([]byte(`{"response_type":"ephemeral","replace_original":false,"text":"5.2 — open","blocks":[{"type":"header","text":{"type":"plain_text","text":"5.2"}},{"type":"section","fields":[{"type":"mrkdwn","text":"*Lead*\nCSU"},{"type":"mrkdwn","text":"*RAG*\n🔴 Red — 3 days overdue"}]}]}`))
	f.Add([]byte(`"},{"type":"mrkdwn","text":""},{"type":"mrkdwn","text":"`))
	f.Add([]byte(realCard))
	f.Add([]byte(`","blocks":[{"type":"header","text":{"type":"plain_text","text":"ab a"}}ab a a a ab a`))
	f.Add([]byte(`","blocks":[{"type":"header","text":{"type":"plain_text","text":"`))
	f.Add([]byte("a\x01b"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, b []byte) {
		packed, ok := packCard(b)
		if !ok {
			if !bytes.ContainsFunc(b, func(r rune) bool { return r < ' ' }) {
				t.Fatalf("refused %q, which holds no control character", b)
			}
			return
		}
		if got := appendUnpacked([]byte("x"), packed, nil); string(got) != "x"+string(b) {
			t.Fatalf("packed %q, given back %q", b, got[1:])
		}
		if len(packed) > len(b) {
			t.Fatalf("packed %d bytes into %d", len(b), len(packed))
		}
	})
}
