package reminders_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/reminders"
)

func renderStub(actionbot.Message) string { return "[the digest]\n" }

// The command line's digest: shown as it would be posted, or posted once a
// working day, with what was done said; a day with no digest is said too.
func TestDigestAccount(t *testing.T) {
	ctx := context.Background()
	mon := at(2012, 11, 5, 8, 30)
	f := mustFixture(t, mon)
	var w bytes.Buffer

	msgs, err := f.svc.DigestAccount(ctx, &w, mon, false, mon, renderStub)
	if err != nil || msgs != nil {
		t.Fatalf("preview: %v, %v", msgs, err)
	}
	if want := "The digest for Mon 5 Nov 2012 08:30 GMT, as it would be posted to #CDIGEST:\n\n[the digest]\n"; w.String() != want {
		t.Errorf("preview:\n%q\nwant\n%q", w.String(), want)
	}
	w.Reset()
	f.svc.DigestAccount(ctx, &w, mon, false, mon.Add(48*time.Hour), renderStub)
	if !strings.Contains(w.String(), "Note: this is the plan as it is now, counted from that morning") {
		t.Errorf("an earlier morning's preview has no note:\n%s", w.String())
	}

	w.Reset()
	msgs, err = f.svc.DigestAccount(ctx, &w, mon, true, mon, renderStub)
	if err != nil || len(msgs) != 1 || msgs[0].To != "CDIGEST" {
		t.Fatalf("post: %+v, %v", msgs, err)
	}
	if w.String() != "[the digest]\n\nPosting to #CDIGEST.\n" {
		t.Errorf("post: %q", w.String())
	}
	w.Reset()
	msgs, err = f.svc.DigestAccount(ctx, &w, mon.Add(time.Hour), true, mon, renderStub)
	if err != nil || msgs != nil || !strings.Contains(w.String(), "The digest for Mon 5 Nov 2012 was queued earlier") {
		t.Errorf("a second post the same day: %v, %v\n%s", msgs, err, w.String())
	}

	sat := at(2012, 11, 3, 8, 30)
	w.Reset()
	if msgs, err := f.svc.DigestAccount(ctx, &w, sat, false, sat, renderStub); err != nil || msgs != nil || w.Len() == 0 {
		t.Errorf("a Saturday's preview: %v, %v, %q", msgs, err, w.String())
	}
	if _, err := f.svc.DigestAccount(ctx, &w, sat, true, sat, renderStub); actionbot.ErrorCode(err) != actionbot.EINVALID || actionbot.ErrorMessage(err) != "Nothing was posted." {
		t.Errorf("a Saturday's post: %v", err)
	}

	f.svc.DigestChannel = ""
	w.Reset()
	f.svc.DigestAccount(ctx, &w, mon, false, mon, renderStub)
	if !strings.Contains(w.String(), "as it would be posted to no channel (ACTIONBOT_DIGEST_CHANNEL is not set)") {
		t.Errorf("no digest channel:\n%s", w.String())
	}
}

func TestParsePreviewRange(t *testing.T) {
	from, to, err := reminders.ParsePreviewRange("2012-04-02", "2013-05-03", false)
	if err != nil || from.String() != "2012-04-02" || to.String() != "2013-05-03" {
		t.Errorf("a year: %v..%v, %v", from, to, err)
	}
	for _, tc := range []struct {
		from, to string
		post     bool
		want     string
	}{
		{"2012-04-02", "2013-05-03", true, "leave out --post"},
		{"2012-04-02", "", false, "give both --from and --to"},
		{"2 April", "2013-05-03", false, "give both --from and --to"},
		{"2013-05-03", "2012-04-02", false, "the first not after the last"},
		{"2012-04-02", "2015-05-03", false, "at most three years"},
	} {
		_, _, err := reminders.ParsePreviewRange(tc.from, tc.to, tc.post)
		if actionbot.ErrorCode(err) != actionbot.EUSAGE || !strings.Contains(actionbot.ErrorMessage(err), tc.want) {
			t.Errorf("%s..%s (post %v): %v; want %q", tc.from, tc.to, tc.post, err, tc.want)
		}
	}
}

// The command line's sweep: what is due shown and nothing recorded, or
// the sweep made and its messages returned to be sent; a second sweep the
// same day sends nothing again.
func TestSweepAccount(t *testing.T) {
	ctx := context.Background()
	now := at(2013, 3, 1, 9, 0)
	f := mustFixture(t, now)
	var w bytes.Buffer
	msgs, err := f.svc.SweepAccount(ctx, &w, now, false, renderStub)
	if err != nil || msgs != nil || w.Len() == 0 {
		t.Fatalf("due: %v, %v, %q", msgs, err, w.String())
	}
	due := w.String()
	w.Reset()
	msgs, err = f.svc.SweepAccount(ctx, &w, now, true, renderStub)
	if err != nil || len(msgs) == 0 {
		t.Fatalf("sweep: %d messages, %v\n%s", len(msgs), err, w.String())
	}
	if w.String() == due {
		t.Errorf("the sweep's account is the preview's:\n%s", due)
	}
	w.Reset()
	if msgs, err = f.svc.SweepAccount(ctx, &w, now, true, renderStub); err != nil || len(msgs) != 0 {
		t.Errorf("a second sweep: %d messages, %v\n%s", len(msgs), err, w.String())
	}
}
