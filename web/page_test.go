package web

import (
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

func TestRichTextIsEscapedAndOnlyWebLinksAreKept(t *testing.T) {
	got := string(richHTML(actionbot.RichText{
		{Text: "<script>alert(1)</script> & \"q\"\nline two"},
		{Text: "bold", Style: actionbot.Bold},
		{User: "U0POL1"},
		{Text: "evil", URL: "javascript:alert(1)"},
		{Text: "plan", URL: "https://example.org/plan?a=1&b=2"},
		{Text: "esc\x1b[31m"},
	}))
	for _, want := range []string{
		"&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;q&#34;<br>line two",
		"<strong>bold</strong>", "@U0POL1", "evil",
		`<a href="https://example.org/plan?a=1&amp;b=2">plan</a>`,
		`esc\x1b[31m`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("richHTML lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "javascript:") || strings.Contains(got, "<script") || strings.Contains(got, "\x1b") {
		t.Errorf("richHTML lets through what it must not:\n%s", got)
	}
}

func TestASubmissionIDIsThisLinksAndRecent(t *testing.T) {
	now := time.Date(2012, time.June, 1, 10, 0, 0, 0, time.UTC)
	sid := newSubmission(testKey, "tok", now)
	if key, bad := checkSubmission(testKey, "tok", sid, now.Add(SubmissionLife)); bad != "" || !strings.HasPrefix(sid, key+".") {
		t.Errorf("at 12 hours: %q %q", key, bad)
	}
	if _, bad := checkSubmission(testKey, "tok", sid, now.Add(SubmissionLife+time.Second)); bad != submissionStale {
		t.Errorf("after 12 hours: %q", bad)
	}
	if _, bad := checkSubmission(testKey, "tok", sid, now.Add(-2*time.Minute)); bad != submissionStale {
		t.Errorf("made in the future: %q", bad)
	}
	body := sid[:strings.LastIndexByte(sid, '.')]
	for name, c := range map[string]struct{ token, sid string }{
		"another link":      {"tok2", sid},
		"another time":      {"tok", "1" + sid},
		"no MAC":            {"tok", body},
		"empty":             {"tok", ""},
		"over-long":         {"tok", strings.Repeat("a", 200) + sid},
		"another key's MAC": {"tok", newSubmission([]byte("another key, 32 bytes or more....."), "tok", now)},
	} {
		if _, bad := checkSubmission(testKey, c.token, c.sid, now); bad != submissionBad {
			t.Errorf("%s: %q, want refused", name, bad)
		}
	}
	if newSubmission(testKey, "tok", now) == sid {
		t.Error("two submission ids are the same")
	}
}
