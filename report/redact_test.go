package report_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// A board report rebuilt from the audit trail, as of a day before a note
// was redacted, shows the redaction, never the text: in every format, and
// in the plan's export too.
func TestReportsAndExportShowARedactedNoteAsRedacted(t *testing.T) {
	f := mustReportFixture(t)
	const note = "Met the Okafor family at 14 Pembroke Road about the speeding in their street"
	const reason = "Awaiting the Okafor family's consent to share the footage"
	f.mustDo(t,
		change(london(2012, time.May, 2, 10, 0), "5.2", actionbot.VerbNote, note),
		change(london(2012, time.June, 1, 11, 0), "6.5", actionbot.VerbBlocked, reason),
	)
	ctx := context.Background()
	redactedOn := london(2012, time.December, 6, 15, 0)
	f.clock.Set(redactedOn)
	for _, n := range []struct {
		ref string
		n   int
	}{{"5.2", 1}, {"6.5", 1}} {
		if _, err := f.db.RedactNote(ctx, f.plan.ID, n.ref, n.n, "UCOORD", actionbot.RedactionMarker("UCOORD", redactedOn)); err != nil {
			t.Fatal(err)
		}
	}
	const marker = "[redacted by @UCOORD on 6 Dec 2012]"
	// As of the end of June, when both texts stood: the note the latest on
	// 5.2, the reason 6.5's block.
	r := f.mustBuild(t, london(2012, time.June, 30, 23, 0))
	for format := range formats {
		out := mustWrite(t, format, r)
		if strings.Contains(out, "Okafor") || strings.Contains(out, "Pembroke") {
			t.Errorf("the %s report holds the redacted text", format)
		}
		if format != "ics" && !strings.Contains(out, "redacted by @UCOORD on 6 Dec 2012") {
			t.Errorf("the %s report does not show the redaction:\n%.2000s", format, out)
		}
	}

	ex := &planfile.Export{Plan: f.plan, Loc: storetest.London, Rate: func(*actionbot.Action) actionbot.RAG { return "" }}
	var err error
	if ex.Priorities, err = f.db.Priorities(ctx, f.plan.ID); err != nil {
		t.Fatal(err)
	}
	if ex.Actions, err = f.db.FindActions(ctx, actionbot.ActionFilter{PlanID: f.plan.ID}); err != nil {
		t.Fatal(err)
	}
	if ex.LatestNotes, err = f.db.LatestNotes(ctx, f.plan.ID); err != nil {
		t.Fatal(err)
	}
	if ex.Agencies, err = f.db.Agencies(ctx); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := planfile.WriteExport(&b, ex); err != nil {
		t.Fatal(err)
	}
	if out := b.String(); strings.Contains(out, "Okafor") || strings.Count(out, marker) < 2 {
		t.Errorf("the export does not show both redactions (the latest note of 5.2, the reason of 6.5):\n%s", out)
	}
}
