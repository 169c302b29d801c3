package bot

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// click posts a block_actions payload and expects an empty 200 at once.
func (e *testEnv) click(tb testing.TB, payload map[string]any) {
	tb.Helper()
	status, body := e.signed(tb, "/slack/interactivity", formType, interactionForm(tb, payload), nil)
	if status != http.StatusOK || len(body) != 0 {
		tb.Fatalf("ack of a click: %d %q; want an empty 200", status, body)
	}
}

func TestButtonOnEphemeralCard(t *testing.T) {
	tests := []struct {
		name, user  string
		action      string
		replace     bool
		want        []string
		wantStatus  actionbot.Status
		wantAudited int
	}{
		{"Mark done by a lead agency member", uCSU, actionbot.ButtonDone, true,
			[]string{"✅ *5.2* is marked done.", "5.2 Promote Speedwatch", "done · 100%"}, actionbot.StatusDone, 1},
		{"Mark done by someone registered nowhere", uStranger, actionbot.ButtonDone, false,
			[]string{"🔒 Only members of Kent Police (POLICE) and Community Safety Unit (CSU), the lead agencies, or a coordinator can mark 5.2 done."}, actionbot.StatusOpen, 0},
		{"Snooze by a coordinator", uCoord, actionbot.ButtonSnooze, true,
			[]string{"Reminders for *5.2* are snoozed until Wed 27 Jun 2012."}, actionbot.StatusOpen, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := mustEnv(t)
			before := e.mustAuditCount(t, "5.2")
			e.click(t, e.blockAction(tc.user, tc.action, "5.2", "actions:7", "r2", ephemeralContainer("C0CHAN")))
			got := e.slack.Wait(t, "response:r2", 1)[0]
			if got.JSON["replace_original"] != tc.replace || got.JSON["response_type"] != "ephemeral" {
				t.Errorf("reply replace_original=%v response_type=%v", got.JSON["replace_original"], got.JSON["response_type"])
			}
			blocks := got.JSON["blocks"].([]any)
			checkLimits(t, blocks, MaxMessageBlocks)
			text := blocksText(blocks)
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("reply lacks %q:\n%s", w, text)
				}
			}
			if tc.wantStatus == actionbot.StatusDone && strings.Contains(text, "Mark done") {
				t.Errorf("a done action still offers Mark done")
			}
			if a := e.mustAction(t, "5.2"); a.Status != tc.wantStatus || e.mustAuditCount(t, "5.2") != before+tc.wantAudited {
				t.Errorf("5.2 is %s with %d new audit entries", a.Status, e.mustAuditCount(t, "5.2")-before)
			}
			e.bot.Wait()
			if n := len(e.slack.Requests("chat.update")); n != 0 {
				t.Errorf("an ephemeral card was updated with chat.update")
			}
		})
	}
}

// postedReminder delivers a reminder for ref to a CSU member through the
// sender and returns its channel and ts.
func (e *testEnv) postedReminder(tb testing.TB, ref string) (string, string) {
	tb.Helper()
	ids := e.mustEnqueue(tb, reminder("reminder:"+ref+":7", uCSU, ref))
	step(tb, e.sender())
	o := e.outgoing(tb, ids[0])
	if o.State != actionbot.OutboxSent {
		tb.Fatalf("reminder %s", o.State)
	}
	return "DCSU1", o.RemoteRef
}

func TestButtonsOnPostedReminderUpdateItInPlace(t *testing.T) {
	e := mustEnv(t)
	ch, ts := e.postedReminder(t, "5.2")

	e.click(t, e.blockAction(uCSU, actionbot.ButtonSnooze, "5.2", "actions:1", "r1", messageContainer(ch, ts)))
	up := e.slack.Wait(t, "chat.update", 1)[0]
	if up.Param("channel") != ch || up.Param("ts") != ts {
		t.Fatalf("chat.update of %s %s; want %s %s", up.Param("channel"), up.Param("ts"), ch, ts)
	}
	blocks := decodeAny(t, up.Param("blocks")).([]any)
	checkLimits(t, blocks, MaxMessageBlocks)
	types := blockTypes(blocks)
	if types != "section context actions" {
		t.Errorf("after a snooze the reminder is %q; want the line above its buttons", types)
	}
	if line := blocksText(blocks[1]); line != "✅ Reminders for 5.2 are snoozed until Wed 27 Jun 2012. — <@UCSU1>, 20 Jun 09:00\n" {
		t.Errorf("line %q", line)
	}
	if a := e.mustAction(t, "5.2"); !a.SnoozedUntil.Equal(e.clock.Now().Add(7 * 24 * time.Hour)) {
		t.Errorf("snoozed until %s", a.SnoozedUntil)
	}

	e.click(t, e.blockAction(uCSU, actionbot.ButtonDone, "5.2", "actions:2", "r2", messageContainer(ch, ts)))
	up = e.slack.Wait(t, "chat.update", 2)[1]
	blocks = decodeAny(t, up.Param("blocks")).([]any)
	if types := blockTypes(blocks); types != "section context" {
		t.Errorf("after Mark done the reminder is %q; want its buttons gone", types)
	}
	if line := blocksText(blocks[1]); !strings.HasPrefix(line, "✅ 5.2 is marked done. — <@UCSU1>") {
		t.Errorf("line %q", line)
	}
	if a := e.mustAction(t, "5.2"); a.Status != actionbot.StatusDone {
		t.Errorf("5.2 is %s", a.Status)
	}
	// What was recorded is what Slack shows.
	d, err := e.db.SentMessage(context.Background(), ch, ts)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := blockTypes(render(t, d.Message, MaxMessageBlocks)), "section context"; got != want {
		t.Errorf("recorded reminder is %q; want %q", got, want)
	}
	e.bot.Wait()
	if n := len(e.slack.Requests("response:r1")) + len(e.slack.Requests("response:r2")); n != 0 {
		t.Errorf("%d ephemeral replies besides the update", n)
	}
}

func TestButtonOnPostedReminderRefused(t *testing.T) {
	e := mustEnv(t)
	ch, ts := e.postedReminder(t, "5.4") // KFRS leads 5.4; the CSU member may not close it
	e.click(t, e.blockAction(uCSU, actionbot.ButtonDone, "5.4", "actions:1", "r1", messageContainer(ch, ts)))
	got := e.slack.Wait(t, "response:r1", 1)[0]
	if got.JSON["replace_original"] != false || !strings.Contains(blocksText(got.JSON["blocks"]), "🔒 Only members of Kent Fire &amp; Rescue Service (KFRS), the lead agency,") {
		t.Errorf("refusal %v", got.JSON)
	}
	e.bot.Wait()
	if n := len(e.slack.Requests("chat.update")); n != 0 {
		t.Errorf("a refused click updated the message")
	}
	if a := e.mustAction(t, "5.4"); a.Status != actionbot.StatusOpen {
		t.Errorf("5.4 is %s", a.Status)
	}
}

func blockTypes(blocks []any) string {
	var ts []string
	for _, b := range blocks {
		ts = append(ts, b.(map[string]any)["type"].(string))
	}
	return strings.Join(ts, " ")
}

func TestProgressButtonOpensTheModal(t *testing.T) {
	e := mustEnv(t)
	e.click(t, e.blockAction(uCSU, actionbot.ButtonProgress, "5.2", "actions:7", "r1", ephemeralContainer("C0CHAN")))
	got := e.slack.Wait(t, "views.open", 1)[0]
	if got.JSON["trigger_id"] != "1337.42.trigger" {
		t.Errorf("trigger_id %v", got.JSON["trigger_id"])
	}
	view := got.JSON["view"].(map[string]any)
	if view["callback_id"] != progressCallbackID || view["type"] != "modal" {
		t.Errorf("view %v", view)
	}
	var o origin
	if err := json.Unmarshal([]byte(view["private_metadata"].(string)), &o); err != nil || o.Ref != "5.2" || !o.Ephemeral || o.ResponseURL != e.slack.ResponseURL("r1") {
		t.Errorf("private_metadata %v (%v)", view["private_metadata"], err)
	}
	blocks := view["blocks"].([]any)
	checkLimits(t, blocks, MaxViewBlocks)
	inputs := map[string]map[string]any{}
	for _, b := range blocks {
		if m := b.(map[string]any); m["type"] == "input" {
			inputs[m["block_id"].(string)] = m["element"].(map[string]any)
		}
	}
	if el := inputs[blockProgress]; el["type"] != "number_input" || el["initial_value"] != "0" || el["max_value"] != "100" {
		t.Errorf("progress input %v", el)
	}
	if el := inputs[blockStatus]; el["type"] != "static_select" || el["initial_option"].(map[string]any)["value"] != "open" {
		t.Errorf("status input %v", el)
	}
	if el := inputs[blockNote]; el["type"] != "plain_text_input" || el["multiline"] != true {
		t.Errorf("note input %v", el)
	}
}

// submission is a view_submission of the progress form.
func submission(user string, o origin, progress, status, note string) map[string]any {
	meta, _ := json.Marshal(o)
	return map[string]any{
		"type": "view_submission", "user": map[string]any{"id": user}, "api_app_id": "A1", "team": map[string]any{"id": "T1"},
		"view": map[string]any{"id": "V1", "type": "modal", "callback_id": progressCallbackID, "private_metadata": string(meta),
			"state": map[string]any{"values": map[string]any{
				blockProgress: map[string]any{inputActionID: map[string]any{"type": "number_input", "value": progress}},
				blockStatus:   map[string]any{inputActionID: map[string]any{"type": "static_select", "selected_option": map[string]any{"value": status}}},
				blockNote:     map[string]any{inputActionID: map[string]any{"type": "plain_text_input", "value": note}},
			}}},
	}
}

func TestProgressFormValidation(t *testing.T) {
	tests := []struct {
		name                   string
		progress, status, note string
		field, want            string
		setup                  func(t *testing.T, e *testEnv)
	}{
		{"progress 140", "140", "open", "", blockProgress, "Progress is a percentage from 0 to 100; 140 is outside that.", nil},
		{"negative progress", "-5", "open", "", blockProgress, "-5 is outside that", nil},
		{"progress not a number", "sixty", "open", "", blockProgress, `"sixty" is not a whole number`, nil},
		{"blocked with no reason", "0", "blocked", "  ", blockNote, "Say why 5.2 is blocked", nil},
		{"at risk with no reason", "20", "at_risk", "", blockNote, "Say why 5.2 is at risk", nil},
		{"personal data in the note", "20", "open", "spoke to the resident at TN13 1AA", blockNote, "personal data (a UK postcode)", nil},
		{"a note too long", "20", "open", strings.Repeat("x", actionbot.MaxNoteLength+1), blockNote, "the limit is 2000", nil},
		{"no status", "20", "", "", blockStatus, "Choose a status", nil},
		{"nothing to change", "0", "open", "", blockProgress, "Nothing to change: 5.2 is already open at 0%.", nil},
		{"flagging a done action", "100", "blocked", "vetting", blockStatus, "5.2 is done. To change that, choose Open", func(t *testing.T, e *testEnv) {
			e.bot.Handler.Handle(context.Background(), commandRequest(uCSU, "5.2 done"))
		}},
		{"reopening with no reason", "100", "open", "", blockNote, "Say why 5.2 is reopened", func(t *testing.T, e *testEnv) {
			e.bot.Handler.Handle(context.Background(), commandRequest(uCSU, "5.2 done"))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := mustEnv(t)
			if tc.setup != nil {
				tc.setup(t, e)
			}
			before := e.mustAuditCount(t, "5.2")
			o := origin{Ref: "5.2", Channel: "C0CHAN", Ephemeral: true, ResponseURL: e.slack.ResponseURL("r1")}
			status, body := e.signed(t, "/slack/interactivity", formType, interactionForm(t, submission(uCSU, o, tc.progress, tc.status, tc.note)), nil)
			if status != http.StatusOK {
				t.Fatalf("status %d", status)
			}
			resp := decode(t, body)
			errs, _ := resp["errors"].(map[string]any)
			if resp["response_action"] != "errors" || len(errs) != 1 || !strings.Contains(errs[tc.field].(string), tc.want) {
				t.Fatalf("answer %s; want errors on %s: %q", body, tc.field, tc.want)
			}
			e.bot.Wait()
			if n := e.mustAuditCount(t, "5.2"); n != before {
				t.Errorf("%d changes made by a refused form", n-before)
			}
			if got := e.slack.Requests(""); len(got) != 0 {
				t.Errorf("a refused form reached Slack: %s", got[0].Method)
			}
		})
	}
}

func TestProgressFormApplied(t *testing.T) {
	tests := []struct {
		name                   string
		user                   string
		progress, status, note string
		posted                 bool // the form came from a reminder the bot posted
		wantStatus             actionbot.Status
		wantProgress           int
		wantReason             string
		wantChanges            int
		want                   []string
	}{
		{"progress and at risk, from an ephemeral card", uCSU, "60", "at_risk", "training venue fell through", false,
			actionbot.StatusAtRisk, 60, "training venue fell through", 2,
			[]string{"✅ *5.2* is flagged at risk. *5.2* is now at 60%.", "at risk: training venue fell through · 60%"}},
		{"progress with a note, from a posted reminder", uCSU, "35", "open", "two schemes running", true,
			actionbot.StatusOpen, 35, "", 1, []string{"✅ 5.2 is now at 35%. — <@UCSU1>, 20 Jun 09:00"}},
		{"a note alone", uCSU, "0", "open", "DVLA data requested", false, actionbot.StatusOpen, 0, "", 1, []string{"Note added to *5.2*."}},
		{"done with evidence", uCoord, "40", "done", "14 volunteers trained", false, actionbot.StatusDone, 100, "", 1, []string{"✅ *5.2* is marked done."}},
		{"refused: not a lead", uKFRS, "60", "open", "", false, actionbot.StatusOpen, 0, "", 0,
			[]string{"🔒 Only members of Kent Police (POLICE) and Community Safety Unit (CSU), the lead agencies, or a coordinator can update the progress of 5.2."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := mustEnv(t)
			o := origin{Ref: "5.2", Channel: "C0CHAN", Ephemeral: true, ResponseURL: e.slack.ResponseURL("r1")}
			if tc.posted {
				ch, ts := e.postedReminder(t, "5.2")
				o = origin{Ref: "5.2", Channel: ch, TS: ts, ResponseURL: e.slack.ResponseURL("r1"), BlockID: "actions:1"}
			}
			before := e.mustAuditCount(t, "5.2")
			status, body := e.signed(t, "/slack/interactivity", formType, interactionForm(t, submission(tc.user, o, tc.progress, tc.status, tc.note)), nil)
			if status != http.StatusOK || len(body) != 0 {
				t.Fatalf("ack %d %s; want an empty 200 (the modal closes)", status, body)
			}
			var text string
			switch {
			case tc.posted && tc.wantChanges > 0:
				text = blocksText(decodeAny(t, e.slack.Wait(t, "chat.update", 1)[0].Param("blocks")))
			default:
				got := e.slack.Wait(t, "response:r1", 1)[0]
				if got.JSON["replace_original"] != (tc.wantChanges > 0) {
					t.Errorf("replace_original %v", got.JSON["replace_original"])
				}
				text = blocksText(got.JSON["blocks"])
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("shown %q lacks %q", text, w)
				}
			}
			e.bot.Wait()
			a := e.mustAction(t, "5.2")
			if a.Status != tc.wantStatus || a.Progress != tc.wantProgress || a.Reason != tc.wantReason {
				t.Errorf("5.2 is %s %d%% %q", a.Status, a.Progress, a.Reason)
			}
			if n := e.mustAuditCount(t, "5.2") - before; n != tc.wantChanges {
				t.Errorf("%d audit entries; want %d", n, tc.wantChanges)
			}
			if tc.note != "" && tc.wantChanges > 0 && !strings.Contains(a.LastUpdate.Note+a.Reason, tc.note) {
				hist, _ := e.db.History(context.Background(), e.plan.ID, "5.2", 3)
				found := false
				for _, h := range hist {
					found = found || h.Note == tc.note
				}
				if !found {
					t.Errorf("the note is not on the record")
				}
			}
		})
	}
}

func TestButtonOnSharedCardReplacesItForEveryone(t *testing.T) {
	e := mustEnv(t)
	// /action share 5.2 posted the card in the channel through the
	// response_url; it is not one of the bot's own posts.
	e.click(t, e.blockAction(uCSU, actionbot.ButtonDone, "5.2", "actions:7", "r4", messageContainer("C0CHAN", "1340179000.000100")))
	got := e.slack.Wait(t, "response:r4", 1)[0]
	if got.JSON["replace_original"] != true || got.JSON["response_type"] != "in_channel" {
		t.Errorf("reply replace_original=%v response_type=%v", got.JSON["replace_original"], got.JSON["response_type"])
	}
	if text := blocksText(got.JSON["blocks"]); !strings.Contains(text, "✅ *5.2* is marked done.") {
		t.Errorf("reply %s", text)
	}
	e.bot.Wait()
	if n := len(e.slack.Requests("chat.update")); n != 0 {
		t.Errorf("chat.update called for a message the bot did not post")
	}
}

// TestProgressFormRepeatedAfterItsChangeIsAnsweredAsTheOriginal: a
// submission of the progress form whose change was saved, posted again
// (a replay of the signed request) or delivered again (a Socket Mode
// envelope redelivered after a late ack), is answered as the original
// was: the form closes with no error, though the form now matches the
// action and would be "Nothing to change" if checked afresh; the change is
// made and confirmed once.
func TestProgressFormRepeatedAfterItsChangeIsAnsweredAsTheOriginal(t *testing.T) {
	forms := []struct {
		name                   string
		progress, status, note string
	}{
		{"progress", "35", "open", ""},
		{"done", "100", "done", ""},
		{"at risk with a reason", "20", "at_risk", "venue fell through"},
	}
	for _, f := range forms {
		t.Run(f.name+" posted again", func(t *testing.T) {
			e := mustEnv(t)
			o := origin{Ref: "5.2", Channel: "C0CHAN", Ephemeral: true, ResponseURL: e.slack.ResponseURL("r1")}
			body := interactionForm(t, submission(uCSU, o, f.progress, f.status, f.note))
			before := e.mustAuditCount(t, "5.2")
			for i := range 3 {
				status, ack := e.signed(t, "/slack/interactivity", formType, body, nil)
				if status != http.StatusOK || len(ack) != 0 {
					t.Fatalf("post %d: ack %d %s; want an empty 200 (the form closes)", i+1, status, ack)
				}
				e.bot.Wait()
			}
			if n := e.mustAuditCount(t, "5.2") - before; n == 0 || n > 2 {
				t.Errorf("%d audit entries", n)
			}
			if n := len(e.slack.Requests("response:r1")); n != 1 {
				t.Errorf("%d confirmations; want 1", n)
			}
			e.mustNothingLeft(t)
		})
		t.Run(f.name+" redelivered", func(t *testing.T) {
			e := mustEnv(t)
			r := e.runSocket(t)
			o := origin{Ref: "5.2", Channel: "C0CHAN", Ephemeral: true, ResponseURL: e.slack.ResponseURL("r1")}
			payload := submission(uCSU, o, f.progress, f.status, f.note)
			before := e.mustAuditCount(t, "5.2")
			r.sock.Envelope(t, "env-form", "interactive", payload, 0)
			if ack := r.sock.Ack(t, "env-form"); len(ack) != 0 && string(ack) != "null" && string(ack) != "{}" {
				t.Fatalf("first ack %s", ack)
			}
			e.bot.Wait()
			after := e.mustAuditCount(t, "5.2")
			r.sock.Envelope(t, "env-form", "interactive", payload, 1)
			if ack := r.sock.Ack(t, "env-form"); len(ack) != 0 && string(ack) != "null" && string(ack) != "{}" {
				t.Errorf("redelivery acked with %s; want the original empty ack (the form closes)", ack)
			}
			e.bot.Wait()
			if after == before || e.mustAuditCount(t, "5.2") != after {
				t.Errorf("audit entries: %d by the first delivery, %d by the second", after-before, e.mustAuditCount(t, "5.2")-after)
			}
			if n := len(e.slack.Requests("response:r1")); n != 1 {
				t.Errorf("%d confirmations; want 1", n)
			}
			e.mustNothingLeft(t)
		})
	}
}
