package bot

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/calendar"
	"github.com/sevenoaks-csp/actionbot/reminders"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// TestButtonsOnABundleActOnTheirOwnAction: a person's one message of the
// sweep lists several actions, each with its own buttons; Mark done on one
// marks that action done and updates the message in place, its row giving
// way to the line saying so, the others' rows untouched.
func TestButtonsOnABundleActOnTheirOwnAction(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	cal, err := calendar.Embedded(calendar.DefaultDivision)
	if err != nil {
		t.Fatal(err)
	}
	svc := &reminders.Service{Store: e.db, Rules: reminders.DefaultRules(storetest.London, cal), TaskingChannel: "C0TASKING", Logger: e.bot.Logger}
	run, err := svc.Sweep(ctx, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	var bundle *reminders.Bundle
	for _, b := range run.Bundles {
		if b.To == uCSU {
			bundle = b
		}
	}
	if bundle == nil || len(bundle.Items) < 2 {
		t.Fatalf("want a message to %s with several actions; got %+v", uCSU, bundle)
	}
	step(t, e.sender())
	o := e.outgoing(t, bundle.Message.ID)
	if o.State != actionbot.OutboxSent {
		t.Fatalf("the bundle is %s", o.State)
	}
	first, second := bundle.Items[0].Action.Ref, bundle.Items[1].Action.Ref
	row := -1
	for i, bl := range bundle.Message.Message.Blocks {
		if rowFor(bl, first) {
			row = i
		}
	}
	e.click(t, e.blockAction(uCSU, actionbot.ButtonDone, first, fmt.Sprintf("%s%d", actionsBlockPrefix, row), "r1", messageContainer("DCSU1", o.RemoteRef)))
	up := e.slack.Wait(t, "chat.update", 1)[0]
	if up.Param("channel") != "DCSU1" || up.Param("ts") != o.RemoteRef {
		t.Fatalf("chat.update of %s %s", up.Param("channel"), up.Param("ts"))
	}
	text := blocksText(decodeAny(t, up.Param("blocks")))
	if !strings.Contains(text, "✅ "+first+" is marked done. — <@"+uCSU+">") {
		t.Errorf("the updated message does not say %s was marked done:\n%s", first, text)
	}
	d, err := e.db.SentMessage(ctx, "DCSU1", o.RemoteRef)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]bool{}
	for _, bl := range d.Message.Blocks {
		for _, ref := range []string{first, second} {
			if rowFor(bl, ref) {
				rows[ref] = true
			}
		}
	}
	if rows[first] || !rows[second] {
		t.Errorf("after Mark done on %s: its buttons shown %v, %s's shown %v; want only %s's", first, rows[first], second, rows[second], second)
	}
	if a := e.mustAction(t, first); a.Status != actionbot.StatusDone {
		t.Errorf("%s is %s", first, a.Status)
	}
	if a := e.mustAction(t, second); a.Status == actionbot.StatusDone {
		t.Errorf("%s was marked done too", second)
	}
}

// fullBundle posts the sweep's message to a CSU member registered with
// every agency: a bundle at its fullest (twenty items with their buttons,
// "and N more", the footer), within a few blocks of Slack's fifty. It
// returns the bundle, its channel and ts.
func (e *testEnv) fullBundle(t *testing.T) (*reminders.Bundle, string, string) {
	t.Helper()
	ctx := context.Background()
	agencies, err := e.db.Agencies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, ag := range agencies {
		if ag.Code != actionbot.AllPartners && ag.Code != "CSU" {
			if err := e.db.AddMember(ctx, uCSU, ag.Code, uCoord); err != nil {
				t.Fatalf("add %s: %v", ag.Code, err)
			}
		}
	}
	cal, err := calendar.Embedded(calendar.DefaultDivision)
	if err != nil {
		t.Fatal(err)
	}
	svc := &reminders.Service{Store: e.db, Rules: reminders.DefaultRules(storetest.London, cal), TaskingChannel: "C0TASKING", Logger: e.bot.Logger}
	run, err := svc.Sweep(ctx, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	var bundle *reminders.Bundle
	for _, b := range run.Bundles {
		if b.To == uCSU {
			bundle = b
		}
	}
	if bundle == nil || len(bundle.Items) <= 20 {
		t.Fatalf("want a full bundle to %s; got %+v", uCSU, bundle)
	}
	step(t, e.sender())
	o := e.outgoing(t, bundle.Message.ID)
	if o.State != actionbot.OutboxSent {
		t.Fatalf("the bundle is %s", o.State)
	}
	if n := countBlocks(bundle.Message.Message); n < MaxMessageBlocks-5 || n > MaxMessageBlocks {
		t.Fatalf("the bundle has %d blocks; want a nearly full one", n)
	}
	return bundle, "DCSU1", o.RemoteRef
}

// rowsShown maps each action with a row of buttons in rendered blocks to
// the row's block id.
func rowsShown(blocks []any) map[string]string {
	rows := map[string]string{}
	for _, bv := range blocks {
		b := bv.(map[string]any)
		if b["type"] != "actions" {
			continue
		}
		els, _ := b["elements"].([]any)
		for _, el := range els {
			v, _ := el.(map[string]any)["value"].(string)
			if _, ref, ok := actionbot.ParseButtonValue(v); ok {
				rows[ref], _ = b["block_id"].(string)
			}
		}
	}
	return rows
}

// TestFullBundleStaysWithinFiftyBlocksAfterClicks: a full bundle updated in
// place after clicks on several of its items (Snooze and Update progress,
// which keep an item's buttons, and Mark done, which takes them away)
// stays within Slack's 50 blocks, and keeps every item the message showed,
// the buttons of those not done, and its footer: none is cut off the end.
func TestFullBundleStaysWithinFiftyBlocksAfterClicks(t *testing.T) {
	e := mustEnv(t)
	bundle, ch, ts := e.fullBundle(t)
	shown := rowsShown(render(t, bundle.Message.Message, MaxMessageBlocks))
	var refs []string // the items shown, in order
	for _, it := range bundle.Items {
		if _, ok := shown[it.Action.Ref]; ok {
			refs = append(refs, it.Action.Ref)
		}
	}
	if len(refs) != 20 {
		t.Fatalf("%d items shown with buttons; want 20", len(refs))
	}
	footer := "Buttons, or `/action " + bundle.Items[0].Action.Ref + " done`"
	blocks := render(t, bundle.Message.Message, MaxMessageBlocks)
	updates := 0
	done := map[string]bool{}
	check := func(after string) {
		t.Helper()
		checkLimits(t, blocks, MaxMessageBlocks)
		last := blocksText(blocks[len(blocks)-1])
		if !strings.Contains(last, footer) {
			t.Errorf("after %s the message ends %q; want its footer", after, last)
		}
		text := blocksText(blocks)
		if strings.Contains(text, "not shown: Slack shows at most") {
			t.Errorf("after %s parts of the message are cut off", after)
		}
		rows := rowsShown(blocks)
		for _, ref := range refs {
			if _, ok := rows[ref]; ok == done[ref] {
				t.Errorf("after %s, %s (done: %v) has buttons: %v", after, ref, done[ref], ok)
			}
			if !strings.Contains(text, "*"+ref+"*") {
				t.Errorf("after %s, %s is no longer listed", after, ref)
			}
		}
	}
	act := func(user, button, ref string) {
		t.Helper()
		blockID := rowsShown(blocks)[ref]
		e.click(t, e.blockAction(user, button, ref, blockID, "r"+strconv.Itoa(updates), messageContainer(ch, ts)))
		updates++
		blocks = decodeAny(t, e.slack.Wait(t, "chat.update", updates)[updates-1].Param("blocks")).([]any)
		if button == actionbot.ButtonDone {
			done[ref] = true
		}
		check(button + " on " + ref)
	}
	for _, ref := range refs[:8] {
		act(uCSU, actionbot.ButtonSnooze, ref)
	}
	act(uCSU, actionbot.ButtonDone, refs[8])
	act(uCSU, actionbot.ButtonDone, refs[1]) // snoozed, then done
	act(uCoord, actionbot.ButtonSnooze, refs[9])
	// The progress form, from a snoozed item and from the bundle's last.
	for _, ref := range []string{refs[0], refs[19]} {
		o := origin{Ref: ref, Plan: e.plan.ID, Channel: ch, TS: ts, ResponseURL: e.slack.ResponseURL("rf"), BlockID: rowsShown(blocks)[ref]}
		if status, body := e.signed(t, "/slack/interactivity", formType, interactionForm(t, submission(uCSU, o, "45", "open", "")), nil); status != http.StatusOK || len(body) != 0 {
			t.Fatalf("form ack %d %s", status, body)
		}
		updates++
		blocks = decodeAny(t, e.slack.Wait(t, "chat.update", updates)[updates-1].Param("blocks")).([]any)
		check("the progress form on " + ref)
	}
	text := blocksText(blocks)
	if strings.Contains(text, "Reminders for "+refs[0]+" are snoozed") {
		t.Errorf("%s's snooze is still shown after its progress was updated", refs[0])
	}
	for _, w := range []string{refs[0] + " is now at 45%", refs[19] + " is now at 45%", refs[8] + " is marked done", refs[1] + " is marked done",
		"Reminders for " + refs[7] + " are snoozed", "Reminders for " + refs[9] + " are snoozed until Wed 27 Jun 2012. — <@" + uCoord + ">"} {
		if !strings.Contains(text, w) {
			t.Errorf("the message does not say %q:\n%s", w, text)
		}
	}
	// What was recorded is what Slack shows.
	d, err := e.db.SentMessage(context.Background(), ch, ts)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := blockTypes(render(t, d.Message, MaxMessageBlocks)), blockTypes(blocks); got != want {
		t.Errorf("recorded %q; shown %q", got, want)
	}
}

// TestFoldedLineShownAgainLeavesTheMessage: a change shown again (reshow,
// after a restart) whose line was folded into its action's section to
// keep a full message within 50 blocks leaves the message as it was.
func TestFoldedLineShownAgainLeavesTheMessage(t *testing.T) {
	m := actionbot.Message{Blocks: []actionbot.Block{actionbot.Header("Your reminders")}}
	for i := range 24 {
		ref := fmt.Sprintf("1.%d", i+1)
		m.Blocks = append(m.Blocks, actionbot.Section(actionbot.B(ref), " an action"), actionbot.Buttons(actionbot.CardButtons(1, ref, true)...))
	}
	m.Blocks = append(m.Blocks, actionbot.Context("the footer"))
	line := func(ref string) actionbot.RichText {
		return actionbot.Txt(statusMark + "Reminders for " + ref + " are snoozed.")
	}
	for i := range 5 {
		ref := fmt.Sprintf("1.%d", i+1)
		if !markActed(&m, origin{Ref: ref}, line(ref), false) {
			t.Fatalf("snooze on %s not shown", ref)
		}
	}
	if n := countBlocks(m); n > MaxMessageBlocks {
		t.Fatalf("%d blocks", n)
	}
	before := slices.Clone(m.Blocks)
	if _, ok := foldedLine(m.Blocks[1]); !ok {
		t.Fatalf("1.1's line is not folded: %+v", m.Blocks[1])
	}
	if markActed(&m, origin{Ref: "1.1"}, line("1.1"), false) || !reflect.DeepEqual(before, m.Blocks) {
		t.Errorf("the same change shown again changed the message")
	}
	if last := m.Blocks[len(m.Blocks)-1]; last.Text.Plain() != "the footer" {
		t.Errorf("the message ends %q", last.Text.Plain())
	}
}
