package bot

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot/store"
)

// A change acknowledged just before a crash is recorded but not made: the
// next start makes it, once, and answers while the response_url lives.
func TestRecoverInboxMakesAcknowledgedChanges(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	before := e.mustAuditCount(t, "5.2")
	// What slashCommand records before it acks; the process then dies.
	for _, it := range []*store.InboxItem{
		{UserID: uCSU, ChannelID: "C0CHAN", Text: "5.2 progress 55 recovered", ResponseURL: e.slack.ResponseURL("r1")},
		{UserID: uStranger, ChannelID: "C0CHAN", Text: "5.2 done", ResponseURL: e.slack.ResponseURL("r2")},
		{UserID: uCSU, ChannelID: "C0CHAN", Text: "5.2 note too late to answer", ResponseURL: e.slack.ResponseURL("r3")},
	} {
		if _, fresh, err := e.db.Receive(ctx, it); err != nil || !fresh {
			t.Fatalf("receive: %v %v", fresh, err)
		}
		if it.Text == "5.2 progress 55 recovered" {
			e.clock.Advance(40 * time.Minute) // the third's response_url will be alive, these two's not
		}
	}
	e.clock.Advance(5 * time.Minute)
	if err := e.bot.RecoverInbox(ctx); err != nil {
		t.Fatal(err)
	}
	e.bot.Wait()
	a := e.mustAction(t, "5.2")
	if a.Progress != 55 || e.mustAuditCount(t, "5.2") != before+2 {
		t.Fatalf("after recovery: %d%%, %d audit entries (want 55%%, %d)", a.Progress, e.mustAuditCount(t, "5.2"), before+2)
	}
	if got := e.slack.Requests("response:r1"); len(got) != 0 {
		t.Errorf("answered through a response_url 45 minutes old: %v", got)
	}
	if got := e.slack.Wait(t, "response:r3", 1)[0]; !strings.Contains(blocksText(got.JSON["blocks"]), "Note added to *5.2*") {
		t.Errorf("answer %v", got.JSON)
	}
	if pending, err := e.db.PendingInbox(ctx); err != nil || len(pending) != 0 {
		t.Fatalf("pending after recovery: %v %v", pending, err)
	}
	// A second start finds nothing to do.
	if err := e.bot.RecoverInbox(ctx); err != nil {
		t.Fatal(err)
	}
	e.bot.Wait()
	if n := e.mustAuditCount(t, "5.2"); n != before+2 {
		t.Fatalf("a second recovery changed things again: %d", n)
	}
}

// Running the same recorded change twice (two recoveries racing) makes it
// once: the item is completed in the change's own transaction.
func TestInboxItemMakesItsChangeOnce(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	it := &store.InboxItem{UserID: uCSU, ChannelID: "C0CHAN", Text: "5.2 note only once"}
	if _, _, err := e.db.Receive(ctx, it); err != nil {
		t.Fatal(err)
	}
	before := e.mustAuditCount(t, "5.2")
	done := make(chan struct{})
	for range 2 {
		go func() {
			e.bot.runInbox(ctx, it)
			done <- struct{}{}
		}()
	}
	<-done
	<-done
	if n := e.mustAuditCount(t, "5.2"); n != before+1 {
		t.Fatalf("%d audit entries, want %d", n, before+1)
	}
}

// A note with personal data is refused in the ack and never stored, not
// even in the inbox.
func TestPersonalDataNeverReachesTheInbox(t *testing.T) {
	e := mustEnv(t)
	status, body := e.signed(t, "/slack/commands", formType, e.slashForm(uCSU, "5.2 note ring 07700 900123", "r1"), nil)
	if status != 200 || !strings.Contains(string(body), "personal data") {
		t.Fatalf("ack %d %s", status, body)
	}
	if n, err := e.db.InboxSize(context.Background()); err != nil || n != 0 {
		t.Fatalf("inbox rows %d, %v", n, err)
	}
}

// With a place free, a change is made before the ack and answered in it;
// with none free in time, it is recorded, acked empty and answered after.
func TestChangeMadeBeforeTheAckWhileThereIsRoom(t *testing.T) {
	e := mustEnv(t)
	e.bot.SyncChanges = 1
	status, body := e.signed(t, "/slack/commands", formType, e.slashForm(uCSU, "5.2 progress 30 on track", "r1"), nil)
	if status != 200 || !strings.Contains(string(body), "*5.2* is now at 30%.") {
		t.Fatalf("ack %d %s", status, body)
	}
	if a := e.mustAction(t, "5.2"); a.Progress != 30 {
		t.Fatalf("not made before the ack: %d%%", a.Progress)
	}
	// It is recorded (a replay is answered from the record) and confirmed
	// by the ack itself: a restart has nothing to confirm.
	if n, _ := e.db.InboxSize(context.Background()); n != 1 {
		t.Errorf("the inbox holds %d, want 1", n)
	}
	if un, err := e.db.UnconfirmedInbox(context.Background()); err != nil || len(un) != 0 {
		t.Errorf("a change confirmed in its ack is left to confirm: %v %v", un, err)
	}
	// The only place is taken, and the change may not wait for it: it goes
	// through the inbox.
	e.bot.SyncWait = -1
	release, ok := e.bot.syncSlot(context.Background())
	if !ok {
		t.Fatal("the place was not free")
	}
	defer release()
	status, body = e.signed(t, "/slack/commands", formType, e.slashForm(uCSU, "5.2 progress 40", "r2"), nil)
	if status != 200 || len(body) != 0 {
		t.Fatalf("ack %d %s; want an empty ack", status, body)
	}
	if got := e.slack.Wait(t, "response:r2", 1)[0]; !strings.Contains(blocksText(got.JSON["blocks"]), "*5.2* is now at 40%.") {
		t.Errorf("answer %v", got.JSON)
	}
	if n, _ := e.db.InboxSize(context.Background()); n != 2 {
		t.Errorf("inbox holds %d, want 2", n)
	}
}

// A burst of typed changes beyond the places to make them waits its turn:
// each is made before its ack and confirmed in it, and nothing goes through
// the response_url, so that each person sees exactly one answer.
func TestABurstBeyondThePlacesIsStillConfirmedInEachAck(t *testing.T) {
	e := mustEnv(t)
	e.bot.SyncChanges = 1
	const n = 12
	var wg sync.WaitGroup
	bodies := make([]string, n)
	statuses := make([]int, n)
	errs := make([]error, n)
	srv := e.httpServer(t) // started once, before the burst
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := e.postSlash(srv, uCSU, fmt.Sprintf("5.2 note burst %d", i), fmt.Sprintf("b%d", i))
			if err != nil {
				errs[i] = err
				return
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			statuses[i], bodies[i], errs[i] = resp.StatusCode, string(body), err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("change %d: %v", i, err)
		}
	}
	for i := range n {
		if statuses[i] != 200 || !strings.Contains(bodies[i], "✅") {
			t.Errorf("change %d: ack %d %q; want its confirmation in the ack", i, statuses[i], bodies[i])
		}
	}
	for _, r := range e.slack.Requests("") {
		if strings.HasPrefix(r.Method, "response:") {
			t.Errorf("a change was confirmed again through its response_url (%s)", r.Method)
		}
	}
	if un, err := e.db.UnconfirmedInbox(context.Background()); err != nil || len(un) != 0 {
		t.Errorf("left to confirm after a restart: %d (%v)", len(un), err)
	}
	h, err := e.db.History(context.Background(), e.plan.ID, "5.2", 0)
	if err != nil {
		t.Fatal(err)
	}
	notes := 0
	for _, en := range h {
		if strings.HasPrefix(en.Note, "burst ") {
			notes++
		}
	}
	if notes != n {
		t.Errorf("%d notes in the history, want %d", notes, n)
	}
}

// A typed change refused in its one pass (here, by the store's permission
// check) changes nothing and is recorded after without its text; the same
// request again is answered from that record with the same refusal.
func TestAChangeRefusedInItsOnePassIsRecordedWithoutItsText(t *testing.T) {
	e := mustEnv(t)
	e.bot.SyncChanges = 1
	body := e.slashForm(uStranger, "5.2 note the stranger's note", "r1")
	status, first := e.signed(t, "/slack/commands", formType, body, nil)
	if status != 200 || !strings.Contains(string(first), "Only members of") {
		t.Fatalf("ack %d %s", status, first)
	}
	if n, err := e.db.AuditCount(context.Background(), e.plan.ID, "5.2"); err != nil || n != 0 {
		t.Fatalf("5.2 has %d audit entries (%v): the refused note was written", n, err)
	}
	if n, _ := e.db.InboxSize(context.Background()); n != 1 {
		t.Fatalf("the inbox holds %d, want the refusal's record", n)
	}
	_, sig := Sign(testSigningSecret, e.clock.Now(), body)
	it, err := e.db.InboxByDelivery(context.Background(), signaturePrefix+strings.ToLower(sig))
	if err != nil {
		t.Fatal(err)
	}
	if it.Text != "" || it.Payload != "" || it.Reply == nil || it.Changed {
		t.Fatalf("the record: text %q, payload %q, reply %v, changed %v; want no text, the refusal, nothing changed", it.Text, it.Payload, it.Reply, it.Changed)
	}
	status, again := e.signed(t, "/slack/commands", formType, body, nil)
	if status != 200 || string(again) != string(first) {
		t.Fatalf("the same request again: %d\n%s\nwant\n%s", status, again, first)
	}
}
