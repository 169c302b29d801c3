package web

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/linktoken"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// An outsider edits a real link every way the URL allows: each edit is
// refused before anything is shown, and the log never holds the token.
func TestAnAlteredLinkIsRefusedHoweverItIsWritten(t *testing.T) {
	f := mustFixture(t)
	_, tok := f.link(t, policeLead, "5.2")
	body, sig, _ := strings.Cut(tok, ".")
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	// The last of the signature's 43 characters carries 4 bits of it and 2
	// spare ones: another character with the same 4 bits decodes the same.
	last := sig[len(sig)-1]
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	twin := alphabet[strings.IndexByte(alphabet, last)^1]
	before := f.state(t, "5.2")
	for name, path := range map[string]string{
		"a body character changed":      "/a/" + flip(body, 3) + "." + sig,
		"a signature character changed": "/a/" + body + "." + flip(sig, 5),
		"the signature's spare bits":    "/a/" + body + "." + sig[:len(sig)-1] + string(twin),
		"a newline in the signature":    "/a/" + body + "." + sig[:10] + "%0A" + sig[10:],
		"a CR LF in the signature":      "/a/" + body + "." + sig[:10] + "%0D%0A" + sig[10:],
		"a newline at the end":          "/a/" + tok + "%0A",
		"padding added":                 "/a/" + tok + "=",
		"standard base64":               "/a/" + strings.NewReplacer("-", "+", "_", "/").Replace(tok),
		"trailing data":                 "/a/" + tok + "AAAA",
		"a second dot":                  "/a/" + tok + ".x",
		"a NUL":                         "/a/" + tok + "%00",
		"very long":                     "/a/" + body + strings.Repeat("A", 4000) + "." + sig,
		"body and signature swapped":    "/a/" + sig + "." + body,
		"empty body":                    "/a/." + sig,
		"dots":                          "/a/%2e%2e",
		"an encoded slash":              "/a/" + body + "%2F" + sig,
	} {
		for _, m := range []string{http.MethodGet, http.MethodHead} {
			r := f.do(t, m, f.srv.URL+path, nil)
			if r.status < 300 || r.status >= 500 || strings.Contains(r.body, "<form") {
				t.Errorf("%s, %s: %d, want a refusal:\n%.300s", name, m, r.status, r.body)
			}
		}
	}
	if after := f.state(t, "5.2"); after != before {
		t.Errorf("something changed: %+v → %+v", before, after)
	}
	if logs := f.logs.String(); strings.Contains(logs, body) || strings.Contains(logs, sig) {
		t.Errorf("the log holds a token:\n%s", logs)
	}
}

// The paths around a link (double slashes, dot segments, a query) either
// show the same link or refuse; a query string never adds anything.
func TestPathTricksAroundALink(t *testing.T) {
	f := mustFixture(t)
	u, tok := f.link(t, policeLead, "5.2")
	done := formsOf(t, f.do(t, http.MethodGet, u, nil).body)["done"]
	before := f.state(t, "5.2")
	for _, path := range []string{"//a/" + tok, "/a//" + tok, "/a/x/../" + tok, "/a/x/%2e%2e/" + tok, "/a/" + tok + "/", "/a/" + tok + "/x"} {
		r := f.do(t, http.MethodPost, f.srv.URL+path, done.values())
		if r.status == http.StatusSeeOther && strings.HasPrefix(r.header.Get("Location"), tok+"?done=") {
			t.Errorf("POST %s made a change", path)
		}
	}
	if after := f.state(t, "5.2"); after != before {
		t.Errorf("something changed: %+v → %+v", before, after)
	}
	// A query on the POST is not read as the form.
	q := url.Values{"csrf": {done["csrf"]}, "submission": {done["submission"]}, "do": {"done"}}
	r := f.do(t, http.MethodPost, u+"?"+q.Encode(), url.Values{"x": {"1"}})
	if r.status != http.StatusForbidden {
		t.Errorf("a form in the query: %d", r.status)
	}
	if after := f.state(t, "5.2"); after != before {
		t.Errorf("something changed: %+v → %+v", before, after)
	}
}

// A form sent as multipart, text/plain (what a cross-site form can send
// without a preflight) or JSON is refused.
func TestContentTypeTricks(t *testing.T) {
	f := mustFixture(t)
	u, _ := f.link(t, policeLead, "5.2")
	done := formsOf(t, f.do(t, http.MethodGet, u, nil).body)["done"]
	before := f.state(t, "5.2")
	enc := done.values().Encode()
	for _, ct := range []string{"multipart/form-data; boundary=x", "text/plain", "application/json", "", "application/x-www-form-urlencoded-x"} {
		req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(enc))
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		resp, err := f.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("%q: %d, want 415", ct, resp.StatusCode)
		}
	}
	// A chunked body of unknown length over the limit.
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(enc+"&note="+strings.Repeat("x", 2*MaxBodyBytes)))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := f.c.Do(req)
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("a chunked body over the limit: %d", resp.StatusCode)
		}
	}
	if after := f.state(t, "5.2"); after != before {
		t.Errorf("something changed: %+v → %+v", before, after)
	}
}

// OPTIONS, TRACE and the rest change nothing and say 405.
func TestOtherMethods(t *testing.T) {
	f := mustFixture(t)
	u, _ := f.link(t, policeLead, "5.2")
	before := f.state(t, "5.2")
	for _, m := range []string{http.MethodOptions, http.MethodTrace, "PROPFIND", http.MethodConnect} {
		r := f.do(t, m, u, nil)
		if r.status != http.StatusMethodNotAllowed && r.status != http.StatusBadRequest {
			t.Errorf("%s: %d", m, r.status)
		}
	}
	if after := f.state(t, "5.2"); after != before {
		t.Errorf("something changed: %+v → %+v", before, after)
	}
}

// A form replayed after the bot restarts (new pages, same database), and
// in parallel across the two, is made once.
func TestAFormReplayedAfterARestartIsMadeOnce(t *testing.T) {
	f := mustFixture(t)
	u, tok := f.link(t, policeLead, "5.2")
	note := formsOf(t, f.do(t, http.MethodGet, u, nil).body)["note"].values("note", "Training booked")
	if r := f.do(t, http.MethodPost, u, note); r.status != http.StatusSeeOther {
		t.Fatalf("%d", r.status)
	}
	after := f.state(t, "5.2")
	h := &commands.Handler{Store: f.db, Now: f.clock.Now, Location: storetest.London}
	p := &Pages{Handler: h, Store: f.db, Key: testKey, Now: f.clock.Now, Logger: slog.New(slog.NewTextHandler(f.logs, nil))}
	srv := httptest.NewServer(p.Routes())
	defer srv.Close()
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			base := f.srv.URL
			if i%2 == 1 {
				base = srv.URL
			}
			req, _ := http.NewRequest(http.MethodPost, linktoken.URL(base, tok), strings.NewReader(note.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if resp, err := f.c.Do(req); err == nil {
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	// Just inside the page's 12 hours, too.
	f.clock.Advance(SubmissionLife)
	f.do(t, http.MethodPost, linktoken.URL(srv.URL, tok), note)
	if st := f.state(t, "5.2"); st != after {
		t.Errorf("a replay changed something: %+v → %+v", after, st)
	}
	// At 24 hours the page is stale: refused, nothing made.
	f.clock.Advance(12 * time.Hour)
	if r := f.do(t, http.MethodPost, linktoken.URL(srv.URL, tok), note); r.status != http.StatusBadRequest {
		t.Errorf("after 24 hours: %d", r.status)
	}
	if st := f.state(t, "5.2"); st != after {
		t.Errorf("a replay changed something: %+v → %+v", after, st)
	}
}

// A note with markup, controls and bidi overrides is stored clean and
// shown escaped; one with personal data is refused, never stored or logged.
func TestHostileNotes(t *testing.T) {
	f := mustFixture(t)
	u, _ := f.link(t, policeLead, "5.2")
	submit := func(text string) response {
		t.Helper()
		fs := formsOf(t, f.do(t, http.MethodGet, u, nil).body)
		return f.do(t, http.MethodPost, u, fs["note"].values("note", text))
	}
	if r := submit(`<script>alert(1)</script><img src=x onerror=alert(2)> "quoted" ` + "\x1b[31m red \u202egnp.exe\u2066 \x00 end"); r.status != http.StatusSeeOther {
		t.Fatalf("%d %s", r.status, r.body)
	}
	page := f.do(t, http.MethodGet, u, nil).body
	low := strings.ToLower(page)
	if strings.Contains(low, "<script") || strings.Contains(low, "<img") || strings.ContainsAny(page, "\x1b\u202e\u2066\x00") {
		t.Errorf("the note is not shown safely:\n%s", page)
	}
	h, err := f.db.History(ctx, f.plan.ID, "5.2", 1)
	if err != nil || len(h) != 1 || strings.ContainsAny(h[0].Note, "\x1b\u202e\u2066\x00") {
		t.Errorf("stored: %+v %v", h, err)
	}
	before := f.state(t, "5.2")
	for _, text := range []string{
		"Called Mr John Smith on 07700 900123 about it",
		"Spoke to jane.doe@example.com at 12 Swanley Road",
		strings.Repeat("long ", actionbot.MaxNoteLength/5+1),
	} {
		r := submit(text)
		if r.status != http.StatusUnprocessableEntity {
			t.Errorf("%.40q: %d", text, r.status)
		}
	}
	if after := f.state(t, "5.2"); after != before {
		t.Errorf("a refused note changed something: %+v → %+v", before, after)
	}
	logs := f.logs.String()
	for _, s := range []string{"07700", "jane.doe", "Smith", "script", "long long"} {
		if strings.Contains(logs, s) {
			t.Errorf("the log holds %q:\n%s", s, logs)
		}
	}
}
