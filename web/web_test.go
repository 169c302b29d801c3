package web

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/linktoken"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

var ctx = context.Background()

var testKey = []byte("web-test-link-secret-0123456789abcdef")

const (
	// policeLead is registered by e-mail address with Kent Police, a lead
	// agency of 5.2; dvlaLead with DVLA, only a partner on it.
	policeLead = "speedwatch.lead@kent.police.uk"
	dvlaLead   = "UDVLA1"
	coord      = "UCOORD"
	task5      = "C0TASK5"
)

// June1 is a Friday morning in the shipped plan's first quarter.
var June1 = time.Date(2012, time.June, 1, 10, 0, 0, 0, storetest.London)

type fixture struct {
	db    *store.DB
	clock *storetest.Clock
	plan  *actionbot.Plan
	logs  *storetest.LogBuffer
	srv   *httptest.Server
	c     *http.Client
}

func mustFixture(t *testing.T) *fixture {
	t.Helper()
	clock := storetest.NewClock(June1)
	db := storetest.MustOpen(t, clock)
	db.ConfiguredCoordinators = []string{coord}
	for user, agency := range map[string]string{policeLead: "POLICE", dvlaLead: "DVLA"} {
		if err := db.AddMember(ctx, user, agency, coord); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SetPriorityChannel(ctx, 5, task5, coord); err != nil {
		t.Fatal(err)
	}
	plan, err := db.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	logs := &storetest.LogBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := &commands.Handler{Store: db, Now: clock.Now, Location: storetest.London, Logger: log}
	p := &Pages{Handler: h, Store: db, Key: testKey, Now: clock.Now, Logger: log}
	srv := httptest.NewServer(p.Routes()) // on loopback
	t.Cleanup(srv.Close)
	c := srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &fixture{db: db, clock: clock, plan: plan, logs: logs, srv: srv, c: c}
}

// link is the address of a fresh link for person to ref in the current plan.
func (f *fixture) link(t *testing.T, person, ref string) (string, string) {
	t.Helper()
	tok, err := linktoken.Sign(testKey, linktoken.New(person, f.plan.ID, ref, f.clock.Now()))
	if err != nil {
		t.Fatal(err)
	}
	return linktoken.URL(f.srv.URL, tok), tok
}

type response struct {
	status int
	header http.Header
	body   string
}

func (f *fixture) do(t *testing.T, method, u string, form url.Values, hdr ...string) response {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := f.c.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, string(b)}
}

// state is everything a change would touch: 5.2 and its audit, the inbox
// and the outbox.
type state struct {
	status   actionbot.Status
	progress int
	snoozed  time.Time
	audits   int
	inbox    int
	queued   int
}

func (f *fixture) state(t *testing.T, ref string) state {
	t.Helper()
	a, err := f.db.FindAction(ctx, f.plan.ID, ref)
	if err != nil {
		t.Fatal(err)
	}
	n, err := f.db.AuditCount(ctx, f.plan.ID, ref)
	if err != nil {
		t.Fatal(err)
	}
	in, err := f.db.InboxSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out, err := f.db.Outgoing(ctx, actionbot.OutboxPending, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return state{a.Status, a.Progress, a.SnoozedUntil, n, in, len(out)}
}

// pageForm is one of a page's forms: its fields by name.
type pageForm map[string]string

// formsOf reads the page's forms, by their "do" field, checking that every
// visible control has a label.
func formsOf(t *testing.T, page string) map[string]pageForm {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]pageForm{}
	labels := map[string]bool{}
	var controls []string
	var cur pageForm
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			attr := map[string]string{}
			for _, a := range n.Attr {
				attr[a.Key] = a.Val
			}
			switch n.Data {
			case "form":
				cur = pageForm{"method": attr["method"], "action": attr["action"]}
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					walk(c)
				}
				out[cur["do"]] = cur
				cur = nil
				return
			case "label":
				labels[attr["for"]] = true
			case "input", "textarea":
				if cur != nil {
					cur[attr["name"]] = attr["value"]
				}
				if attr["type"] != "hidden" {
					controls = append(controls, attr["id"])
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for _, id := range controls {
		if id == "" || !labels[id] {
			t.Errorf("a control (id %q) has no label", id)
		}
	}
	return out
}

func (s pageForm) values(extra ...string) url.Values {
	v := url.Values{}
	for k, x := range s {
		if k != "method" && k != "action" {
			v.Set(k, x)
		}
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

func TestOpeningTheLinkChangesNothing(t *testing.T) {
	f := mustFixture(t)
	u, _ := f.link(t, policeLead, "5.2")
	before := f.state(t, "5.2")
	// A mail scanner follows the link, and a preview fetches its head; a
	// person opens it twice.
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodGet} {
		r := f.do(t, m, u, nil)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", m, r.status, r.body)
		}
		if m == http.MethodHead && r.body != "" {
			t.Errorf("HEAD has a body")
		}
		for h, want := range map[string]string{
			"Content-Security-Policy": "default-src 'none'; style-src 'sha256-",
			"X-Frame-Options":         "DENY",
			"Referrer-Policy":         "no-referrer",
			"Cache-Control":           "no-store",
			"Content-Type":            "text/html; charset=utf-8",
		} {
			if got := r.header.Get(h); !strings.HasPrefix(got, want) {
				t.Errorf("%s: %s = %q, want %q…", m, h, got, want)
			}
		}
	}
	if !strings.Contains(f.do(t, http.MethodGet, u, nil).header.Get("Content-Security-Policy"), "form-action 'self'") {
		t.Error("the CSP does not keep forms to this site")
	}
	r := f.do(t, http.MethodGet, u+"?done=made-up", nil)
	for _, want := range []string{`<html lang="en-GB">`, "5.2 Promote Speedwatch across the District", "Kent Police", "Mark 5.2 done", "Save progress", "Add note", "Snooze reminders for 7 days"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(strings.ToLower(r.body), "<script") {
		t.Error("the page has a script")
	}
	fs := formsOf(t, r.body)
	if fs["progress"]["progress"] != "0" {
		t.Errorf("the progress field starts at %q, not where 5.2 stands (0)", fs["progress"]["progress"])
	}
	for _, do := range []string{"done", "progress", "note", "snooze"} {
		if fs[do]["method"] != "post" || fs[do]["csrf"] == "" || fs[do]["submission"] == "" {
			t.Errorf("form %q: %v", do, fs[do])
		}
	}
	if after := f.state(t, "5.2"); after != before {
		t.Errorf("opening the link changed something: %+v → %+v", before, after)
	}
}

func TestSubmittingTheFormMarksTheActionDoneAsThePersonOnce(t *testing.T) {
	f := mustFixture(t)
	u, tok := f.link(t, policeLead, "5.2")
	before := f.state(t, "5.2")
	done := formsOf(t, f.do(t, http.MethodGet, u, nil).body)["done"]
	r := f.do(t, http.MethodPost, u, done.values())
	if r.status != http.StatusSeeOther {
		t.Fatalf("POST: %d %s", r.status, r.body)
	}
	loc := r.header.Get("Location")
	if want := tok + "?done=" + url.QueryEscape(done["submission"]); loc != want {
		t.Fatalf("redirect to %q, want %q (relative to the page)", loc, want)
	}
	page := f.do(t, http.MethodGet, followed(t, u, loc), nil)
	if page.status != http.StatusOK || !strings.Contains(page.body, `class="banner ok" role="status"><p><strong>5.2 is marked done.`) {
		t.Errorf("the confirmation page: %d\n%s", page.status, page.body)
	}
	after := f.state(t, "5.2")
	if after.status != actionbot.StatusDone || after.progress != 100 || after.audits != before.audits+1 || after.queued != before.queued+1 {
		t.Fatalf("after the form: %+v (before %+v)", after, before)
	}
	h, err := f.db.History(ctx, f.plan.ID, "5.2", 1)
	if err != nil || len(h) != 1 || h[0].Actor != policeLead || h[0].Verb != actionbot.VerbDone {
		t.Fatalf("audit: %+v %v; want done by %s", h, err, policeLead)
	}
	out, err := f.db.Outgoing(ctx, actionbot.OutboxPending, 10)
	if err != nil || len(out) != 1 || out[0].Kind != "announce" || out[0].To != task5 || !strings.Contains(out[0].Message.Text, "@"+policeLead+" marked 5.2 done") {
		t.Fatalf("announcement: %+v %v", out, err)
	}

	// The browser's back and resubmit sends the same form again: it is
	// answered from its record, and nothing changes twice.
	again := f.do(t, http.MethodPost, u, done.values())
	if again.status != http.StatusSeeOther || again.header.Get("Location") != loc {
		t.Fatalf("the form again: %d %q", again.status, again.header.Get("Location"))
	}
	if st := f.state(t, "5.2"); st != after {
		t.Errorf("the same form sent again changed something: %+v → %+v", after, st)
	}
	if !strings.Contains(f.logs.String(), "not applied again") {
		t.Errorf("the repeat is not logged:\n%s", f.logs)
	}
	if strings.Contains(f.logs.String(), tok) || strings.Contains(f.logs.String(), policeLead) {
		t.Errorf("the log shows the token or the person's address:\n%s", f.logs)
	}
}

func TestProgressNoteAndSnoozeGoThroughTheHandler(t *testing.T) {
	f := mustFixture(t)
	u, _ := f.link(t, policeLead, "5.2")
	submit := func(do string, kv ...string) response {
		t.Helper()
		fs := formsOf(t, f.do(t, http.MethodGet, u, nil).body)
		r := f.do(t, http.MethodPost, u, fs[do].values(kv...))
		if r.status == http.StatusSeeOther {
			return f.do(t, http.MethodGet, followed(t, u, r.header.Get("Location")), nil)
		}
		return r
	}
	if r := submit("progress", "progress", "60"); !strings.Contains(r.body, "5.2 is now at 60%.") {
		t.Errorf("progress: %d %s", r.status, r.body)
	}
	if r := submit("note", "note", "Two schemes running in Swanley & Edenbridge <b>"); !strings.Contains(r.body, "Note added to 5.2.") {
		t.Errorf("note: %d %s", r.status, r.body)
	}
	if r := f.do(t, http.MethodGet, u, nil); !strings.Contains(r.body, "Swanley &amp; Edenbridge &lt;b&gt;") {
		t.Errorf("the card does not show the note, escaped:\n%s", r.body)
	}
	if r := submit("snooze"); !strings.Contains(r.body, "Reminders for 5.2 are snoozed until Fri 8 Jun 2012.") {
		t.Errorf("snooze: %d %s", r.status, r.body)
	}
	st := f.state(t, "5.2")
	if st.progress != 60 || st.audits != 3 || !st.snoozed.Equal(June1.Add(7*24*time.Hour)) {
		t.Errorf("after progress, note, snooze: %+v", st)
	}

	// What the guard or the form's rules refuse is answered on the page,
	// with what was typed, and nothing is recorded.
	before := f.state(t, "5.2")
	for _, c := range []struct {
		do, field, value, want string
	}{
		{"note", "note", "Spoke to Mr Smith at 12 Swanley Road", "personal data"},
		{"note", "note", "   ", "The note is empty."},
		{"progress", "progress", "150", "Progress is a whole number from 0 to 100."},
		{"progress", "progress", "sixty", "Progress is a whole number from 0 to 100."},
	} {
		r := submit(c.do, c.field, c.value)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, c.want) || !strings.Contains(r.body, "Nothing was changed.") {
			t.Errorf("%s %q: %d, want 422 saying %q:\n%s", c.do, c.value, r.status, c.want, r.body)
		}
		if c.field == "note" && strings.TrimSpace(c.value) != "" && !strings.Contains(r.body, html.EscapeString(c.value)+"</textarea>") {
			t.Errorf("the refused note is not given back to correct")
		}
	}
	if after := f.state(t, "5.2"); after != before {
		t.Errorf("a refused form changed something: %+v → %+v", before, after)
	}
	if strings.Contains(f.logs.String(), "Swanley") {
		t.Errorf("a note is in the log:\n%s", f.logs)
	}
}

func TestAPartnerIsRefusedAsInSlack(t *testing.T) {
	f := mustFixture(t)
	u, _ := f.link(t, dvlaLead, "5.2")
	before := f.state(t, "5.2")
	done := formsOf(t, f.do(t, http.MethodGet, u, nil).body)["done"]
	r := f.do(t, http.MethodPost, u, done.values())
	if r.status != http.StatusSeeOther {
		t.Fatalf("POST: %d", r.status)
	}
	page := f.do(t, http.MethodGet, followed(t, u, r.header.Get("Location")), nil)
	if !strings.Contains(page.body, `class="banner refused"`) || !strings.Contains(page.body, "Only members of Kent Police (POLICE)") {
		t.Errorf("the refusal:\n%s", page.body)
	}
	if after := f.state(t, "5.2"); after.status != before.status || after.audits != before.audits || after.queued != before.queued {
		t.Errorf("a refused change changed something: %+v → %+v", before, after)
	}
}

func TestOnlyThePagesOwnFormChangesAnything(t *testing.T) {
	f := mustFixture(t)
	u, _ := f.link(t, policeLead, "5.2")
	other, _ := f.link(t, policeLead, "5.3")
	done := formsOf(t, f.do(t, http.MethodGet, u, nil).body)["done"]
	otherDone := formsOf(t, f.do(t, http.MethodGet, other, nil).body)["done"]
	before := f.state(t, "5.2")
	for name, c := range map[string]struct {
		form   url.Values
		hdr    []string
		status int
		want   string
	}{
		"no form token":               {url.Values{"do": {"done"}, "submission": {done["submission"]}}, nil, 403, "did not come from this link"},
		"another link's form token":   {otherDone.values("submission", done["submission"]), nil, 403, "did not come from this link"},
		"another link's submission":   {done.values("submission", otherDone["submission"]), nil, 400, "could not be read"},
		"no submission id":            {done.values("submission", ""), nil, 400, "could not be read"},
		"sent from another site":      {done.values(), []string{"Sec-Fetch-Site", "cross-site"}, 403, "sent from another site"},
		"asks for something else":     {done.values("do", "reopen"), nil, 422, "asks for nothing the page can do"},
		"a form over the size":        {done.values("note", strings.Repeat("x", MaxBodyBytes)), nil, 413, "too long"},
		"not a form's content (JSON)": {done.values(), []string{"Content-Type", "application/json"}, 415, "Not a form"},
	} {
		r := f.do(t, http.MethodPost, u, c.form, c.hdr...)
		if r.status != c.status || !strings.Contains(r.body, c.want) {
			t.Errorf("%s: %d, want %d saying %q:\n%.600s", name, r.status, c.status, c.want, r.body)
		}
	}
	for _, m := range []string{http.MethodPut, http.MethodDelete, http.MethodPatch} {
		if r := f.do(t, m, u, done.values()); r.status != http.StatusMethodNotAllowed || r.header.Get("Content-Security-Policy") == "" {
			t.Errorf("%s: %d, want 405 with the headers", m, r.status)
		}
	}
	if r := f.do(t, http.MethodGet, f.srv.URL+"/a/x/y", nil); r.status != http.StatusNotFound {
		t.Errorf("GET /a/x/y: %d", r.status)
	}
	if after := f.state(t, "5.2"); after != before {
		t.Errorf("something changed: %+v → %+v", before, after)
	}
}

func TestAnExpiredTamperedOrBrokenLinkSaysWhatToDoAndChangesNothing(t *testing.T) {
	f := mustFixture(t)
	u, tok := f.link(t, policeLead, "5.2")
	done := formsOf(t, f.do(t, http.MethodGet, u, nil).body)["done"]
	before := f.state(t, "5.2")
	body, sig, _ := strings.Cut(tok, ".")
	forged, err := linktoken.Sign([]byte("another secret, also 32 bytes long!!"), linktoken.New(policeLead, f.plan.ID, "5.2", f.clock.Now()))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, token string
		status      int
		want        string
		at          time.Time
	}{
		// Made at 10:00 on 1 June: it works until 10:00 on 15 June.
		{"a second before it expires", tok, http.StatusOK, "Mark 5.2 done", June1.Add(linktoken.Lifetime - time.Second)},
		{"expired", tok, http.StatusGone, "next reminder e-mail will carry a fresh link", June1.Add(linktoken.Lifetime)},
		{"signed with another key", forged, http.StatusForbidden, "not one the bot made, or it was changed", June1},
		{"its signature cut short", body + "." + sig[:len(sig)-4], http.StatusForbidden, "changed on the way", June1},
		{"no signature", body, http.StatusBadRequest, "not complete", June1},
		{"not a token", "hello", http.StatusBadRequest, "not complete", June1},
	}
	for _, c := range cases {
		f.clock.Set(c.at)
		link := linktoken.URL(f.srv.URL, c.token)
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			var form url.Values
			if m == http.MethodPost {
				form = done.values()
				if c.status == http.StatusOK {
					continue
				}
			}
			r := f.do(t, m, link, form)
			if r.status != c.status || !strings.Contains(r.body, c.want) {
				t.Errorf("%s, %s: %d, want %d saying %q:\n%.800s", c.name, m, r.status, c.status, c.want, r.body)
			}
			if r.header.Get("Referrer-Policy") != "no-referrer" || !strings.HasPrefix(r.header.Get("Content-Security-Policy"), "default-src 'none'") || r.header.Get("Cache-Control") != "no-store" {
				t.Errorf("%s, %s: the security headers are missing: %v", c.name, m, r.header)
			}
			if c.status != http.StatusOK && (!strings.Contains(r.body, "coordinator for a new link") || strings.Contains(r.body, "<form")) {
				t.Errorf("%s, %s: the page does not say what to do, or offers a form:\n%s", c.name, m, r.body)
			}
		}
	}
	f.clock.Set(June1)
	if after := f.state(t, "5.2"); after != before {
		t.Errorf("something changed: %+v → %+v", before, after)
	}
	logs := f.logs.String()
	for _, want := range []string{"reason=expired", "person=s…@kent.police.uk", "reason=signature", "reason=malformed"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log lacks %q:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, body) || strings.Contains(logs, sig) || strings.Contains(logs, policeLead) {
		t.Errorf("the log shows a token or the person's address:\n%s", logs)
	}
}

func TestAPageOlderThanTwelveHoursIsShownAgainNotApplied(t *testing.T) {
	f := mustFixture(t)
	u, _ := f.link(t, policeLead, "5.2")
	done := formsOf(t, f.do(t, http.MethodGet, u, nil).body)["done"]
	before := f.state(t, "5.2")
	f.clock.Advance(SubmissionLife + time.Minute)
	r := f.do(t, http.MethodPost, u, done.values())
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "opened more than 12 hours ago, so nothing was changed") {
		t.Fatalf("%d:\n%s", r.status, r.body)
	}
	if after := f.state(t, "5.2"); after != before {
		t.Errorf("something changed: %+v → %+v", before, after)
	}
	// The page it shows again works.
	r = f.do(t, http.MethodPost, u, formsOf(t, r.body)["done"].values())
	if r.status != http.StatusSeeOther || f.state(t, "5.2").status != actionbot.StatusDone {
		t.Errorf("the fresh form: %d", r.status)
	}
}

func TestALinkToAnEarlierPlanIsReadOnly(t *testing.T) {
	f := mustFixture(t)
	u, _ := f.link(t, policeLead, "5.2") // a link sent in 2012-13
	done := formsOf(t, f.do(t, http.MethodGet, u, nil).body)["done"]
	next, err := planfile.Sevenoaks()
	if err != nil {
		t.Fatal(err)
	}
	next.Name = "Sevenoaks District CSP Action Plan 2013-14"
	next.Period = actionbot.Period{Start: actionbot.D(2013, 4, 1), End: actionbot.D(2014, 3, 31)}
	res, err := f.db.ImportPlan(ctx, next)
	if err != nil {
		t.Fatal(err)
	}
	old := f.plan
	f.plan = res.Plan // the state of the new plan's 5.2
	before := f.state(t, "5.2")
	r := f.do(t, http.MethodGet, u, nil)
	if r.status != http.StatusOK || !strings.Contains(r.body, "This link is for action 5.2 of Sevenoaks District CSP Action Plan 2012-13, which is no longer the current plan (Sevenoaks District CSP Action Plan 2013-14), so nothing can be changed through it") || strings.Contains(r.body, "<form") {
		t.Errorf("GET: %d\n%s", r.status, r.body)
	}
	r = f.do(t, http.MethodPost, u, done.values())
	if r.status != http.StatusConflict || !strings.Contains(r.body, "no longer the current plan") {
		t.Errorf("POST: %d\n%s", r.status, r.body)
	}
	if after := f.state(t, "5.2"); after != before {
		t.Errorf("the current plan's 5.2 changed: %+v → %+v", before, after)
	}
	f.plan = old
	if a := f.state(t, "5.2"); a.status == actionbot.StatusDone {
		t.Errorf("the earlier plan's 5.2 changed: %+v", a)
	}
}

// failingInbox is the store with an inbox that cannot record.
type failingInbox struct{ *store.DB }

func (failingInbox) Receive(context.Context, *actionbot.InboxItem) (int64, bool, error) {
	return 0, false, errors.New("disk I/O error")
}

func TestAFormThatCannotBeRecordedChangesNothingAndSaysSo(t *testing.T) {
	f := mustFixture(t)
	h := &commands.Handler{Store: f.db, Now: f.clock.Now, Location: storetest.London}
	p := &Pages{Handler: h, Store: failingInbox{f.db}, Key: testKey, Now: f.clock.Now, Logger: slog.New(slog.NewTextHandler(f.logs, nil))}
	srv := httptest.NewServer(p.Routes())
	defer srv.Close()
	f.srv = srv
	u, _ := f.link(t, policeLead, "5.2")
	before := f.state(t, "5.2")
	r := f.do(t, http.MethodPost, u, formsOf(t, f.do(t, http.MethodGet, u, nil).body)["done"].values())
	if r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, "could not be recorded, so nothing was changed") {
		t.Errorf("%d:\n%s", r.status, r.body)
	}
	if after := f.state(t, "5.2"); after != before {
		t.Errorf("something changed: %+v → %+v", before, after)
	}
	if !strings.Contains(f.logs.String(), "disk I/O error") {
		t.Errorf("the failure is not logged:\n%s", f.logs)
	}
}

// A double click sends the same form twice at once: one change.
func TestTheSameFormSentTwiceAtOnceChangesOnce(t *testing.T) {
	f := mustFixture(t)
	u, _ := f.link(t, policeLead, "5.2")
	note := formsOf(t, f.do(t, http.MethodGet, u, nil).body)["note"].values("note", "Training booked for the volunteers")
	before := f.state(t, "5.2")
	statuses := make(chan int, 4)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(note.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := f.c.Do(req)
			if err != nil {
				statuses <- 0
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s != http.StatusSeeOther {
			t.Errorf("a copy of the form got %d", s)
		}
	}
	if after := f.state(t, "5.2"); after.audits != before.audits+1 || after.inbox != before.inbox+1 {
		t.Errorf("four copies of one form: %+v → %+v; want one note, one inbox item", before, after)
	}
}
