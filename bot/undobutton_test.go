package bot

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
)

// The confirmation of a change carries an Undo button; clicking it undoes
// the change as "/action 5.2 undo" does, through the same handler.
func TestUndoButtonOnAConfirmationUndoesTheChange(t *testing.T) {
	e := mustEnv(t)
	before := e.mustAuditCount(t, "5.2")
	v := actionbot.ButtonValue(e.plan.ID, "5.2")
	e.click(t, e.blockAction(uCSU, actionbot.ButtonDone, v, "actions:7", "r1", ephemeralContainer("C0CHAN")))
	raw, err := json.Marshal(e.slack.Wait(t, "response:r1", 1)[0].JSON["blocks"])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), actionbot.ButtonUndo) {
		t.Fatalf("the confirmation of Mark done has no Undo button:\n%s", raw)
	}
	e.bot.Wait()
	if a := e.mustAction(t, "5.2"); !a.IsDone() {
		t.Fatalf("Mark done did not: %s", a.Status)
	}
	e.click(t, e.blockAction(uCSU, actionbot.ButtonUndo, v, "actions:1", "r2", ephemeralContainer("C0CHAN")))
	text := blocksText(e.slack.Wait(t, "response:r2", 1)[0].JSON["blocks"].([]any))
	if !strings.Contains(text, "Undone on *5.2*: status open → done") {
		t.Errorf("the undo's reply:\n%s", text)
	}
	e.bot.Wait()
	if a := e.mustAction(t, "5.2"); a.IsDone() || e.mustAuditCount(t, "5.2") != before+2 {
		t.Fatalf("after Undo: %s, %d new audit entries", a.Status, e.mustAuditCount(t, "5.2")-before)
	}
}
