package bot

import (
	"context"
	"fmt"
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
