package main

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/bot/fakeslack"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/internal/config"
	"github.com/sevenoaks-csp/actionbot/linktoken"
	"github.com/sevenoaks-csp/actionbot/mail"
	"github.com/sevenoaks-csp/actionbot/store"
)

const testLinkSecret = "a-link-secret-of-at-least-32-bytes-for-tests"

// mailEnv adds the mail settings, sending through sink, to env.
func mailEnv(env map[string]string, sink *mail.Sink) map[string]string {
	env["ACTIONBOT_SMTP_URL"] = sink.URL()
	env["ACTIONBOT_MAIL_FROM"] = "Community Safety Partnership <actions@sevenoaks.gov.uk>"
	env["ACTIONBOT_PUBLIC_URL"] = "https://actions.sevenoaks.example"
	env["ACTIONBOT_LINK_SECRET"] = testLinkSecret
	return env
}

func mustSink(t *testing.T) *mail.Sink {
	t.Helper()
	sink := &mail.Sink{}
	if _, err := sink.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() })
	return sink
}

// The mail sender's links are the link pages' settings.
func TestMailTransportLinksAreTheLinkPages(t *testing.T) {
	env := map[string]string{"ACTIONBOT_SMTP_URL": "smtps://bot:Pa55word-x@smtp.office365.com", "ACTIONBOT_MAIL_FROM": "actions@sevenoaks.gov.uk",
		"ACTIONBOT_PUBLIC_URL": "https://actions.sevenoaks.gov.uk/", "ACTIONBOT_LINK_SECRET": testLinkSecret}
	c, err := config.LoadSlackApp(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if s := mailTransport(c, nil, nil); s.PublicURL != "https://actions.sevenoaks.gov.uk" || string(s.LinkKey) != testLinkSecret {
		t.Errorf("the sender's links: %q", s.PublicURL)
	}
}

// TestRemindPostSendsEMail: a member registered by address on the command
// line gets exactly one e-mail per sweep through the configured server,
// naming their agency's actions with links under ACTIONBOT_PUBLIC_URL; the
// Slack members get Slack; the digest goes to ACTIONBOT_DIGEST_EMAIL too.
func TestRemindPostSendsEMail(t *testing.T) {
	fake := fakeslack.New(t)
	sink := mustSink(t)
	env := mailEnv(slackEnv(fake), sink)
	env["ACTIONBOT_DIGEST_EMAIL"] = "tasking@sevenoaks.gov.uk"
	c := newRemindCLI(t, env)
	c.mustRun("member", "add", "U0CSU1", "CSU")
	out := c.mustRun("member", "add", "Speedwatch.Lead@kent.police.uk", "Kent Police")
	if !strings.Contains(out, "Added speedwatch.lead@kent.police.uk to POLICE (Kent Police)") {
		t.Errorf("member add:\n%s", out)
	}
	out = c.mustRun("remind", "--as-of", "2013-03-01", "--post")
	if !strings.Contains(out, "accepted 1 of 1 e-mail.") || !strings.Contains(out, "Slack accepted 2 of 2 messages.") {
		t.Errorf("remind --post:\n%s", out)
	}
	got := sink.Received()
	if len(got) != 1 || got[0].To[0] != "speedwatch.lead@kent.police.uk" {
		t.Fatalf("the server received %d e-mails", len(got))
	}
	parts, err := got[0].Parts()
	if err != nil {
		t.Fatal(err)
	}
	text := parts["text/plain"]
	for _, want := range []string{"You are registered with POLICE.", "https://actions.sevenoaks.example/a/"} {
		if !strings.Contains(text, want) || parts["text/html"] == "" {
			t.Errorf("the e-mail lacks %q:\n%s", want, text)
		}
	}
	// Every link names the person and one of POLICE's actions.
	links := 0
	for _, f := range strings.Fields(text) {
		if tok, ok := strings.CutPrefix(f, "https://actions.sevenoaks.example/a/"); ok {
			links++
			l, err := linktoken.Verify([]byte(testLinkSecret), tok, time.Now())
			if err != nil || l.Person != "speedwatch.lead@kent.police.uk" {
				t.Errorf("link %+v, %v", l, err)
			}
		}
	}
	if links == 0 {
		t.Error("no links")
	}
	id := got[0].Header().Get("Message-Id")
	if !strings.HasPrefix(id, "<outbox-") || !strings.HasSuffix(id, "@sevenoaks.gov.uk>") {
		t.Errorf("Message-ID %q", id)
	}
	// A second sweep of the same day sends nothing more.
	c.mustRun("remind", "--as-of", "2013-03-01T09:30", "--post")
	if n := len(sink.Received()); n != 1 {
		t.Errorf("after a second sweep the server has %d e-mails", n)
	}
	out = c.mustRun("digest", "--as-of", "2013-03-01T08:30", "--post")
	if !strings.Contains(out, "accepted 1 of 1 e-mail.") {
		t.Errorf("digest --post:\n%s", out)
	}
	if got := sink.Received(); len(got) != 2 || got[1].To[0] != "tasking@sevenoaks.gov.uk" {
		t.Errorf("digest e-mail: %d received", len(got))
	}
	for _, o := range c.outbox() {
		if o.State != actionbot.OutboxSent {
			t.Errorf("%s to %s is %s", o.Key, o.To, o.State)
		}
	}
}

// TestAnEMailedLinkOpensItsPageAndItsFormMarksTheActionDone follows a link
// from a reminder e-mail the SMTP server received to the link pages:
// opening it (as a mail scanner does) changes nothing; its "Mark done"
// form marks the action done, audited as the person registered by address.
func TestAnEMailedLinkOpensItsPageAndItsFormMarksTheActionDone(t *testing.T) {
	ctx := context.Background()
	fake := fakeslack.New(t)
	sink := mustSink(t)
	env := mailEnv(slackEnv(fake), sink)
	c := newRemindCLI(t, env)
	c.mustRun("member", "add", "speedwatch.lead@kent.police.uk", "POLICE")
	c.mustRun("remind", "--as-of", "2013-03-01", "--post")
	got := sink.Received()
	if len(got) != 1 {
		t.Fatalf("%d e-mails", len(got))
	}
	parts, _ := got[0].Parts()
	var link string
	for _, f := range strings.Fields(parts["text/plain"]) {
		if strings.HasPrefix(f, "https://actions.sevenoaks.example/a/") {
			link = f
			break
		}
	}
	if link == "" {
		t.Fatalf("no link in:\n%s", parts["text/plain"])
	}
	path := strings.TrimPrefix(link, "https://actions.sevenoaks.example")
	l, err := linktoken.Verify([]byte(testLinkSecret), strings.TrimPrefix(path, "/a/"), time.Now())
	if err != nil {
		t.Fatal(err)
	}

	cfg, err := config.LoadSlackApp(func(k string) string { return c.env[k] })
	if err != nil {
		t.Fatal(err)
	}
	db := store.NewDB(c.db)
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	plan, _ := db.CurrentPlan(ctx)
	before, _ := db.AuditCount(ctx, plan.ID, l.Action)
	h := &commands.Handler{Store: db, Now: time.Now, Location: cfg.TZ, RAG: cfg.RAG}
	pages := linkPages(cfg, h, db, nil)

	get := httptest.NewRecorder()
	pages.ServeHTTP(get, httptest.NewRequest(http.MethodGet, path, nil))
	if get.Code != http.StatusOK || !strings.Contains(get.Body.String(), l.Action) {
		t.Fatalf("GET %s: %d\n%s", l.Action, get.Code, get.Body.String())
	}
	if n, _ := db.AuditCount(ctx, plan.ID, l.Action); n != before {
		t.Fatalf("opening the link changed %s", l.Action)
	}
	// The Mark done form's hidden fields, as a browser submits them.
	page := get.Body.String()
	i := strings.Index(page, `name="do" value="done"`)
	if i < 0 {
		t.Fatalf("no Mark done form:\n%s", page)
	}
	form := page[strings.LastIndex(page[:i], "<form"):i]
	field := func(name string) string {
		m := regexp.MustCompile(`name="` + name + `" value="([^"]*)"`).FindStringSubmatch(form)
		if m == nil {
			t.Fatalf("no %s in the form:\n%s", name, form)
		}
		return html.UnescapeString(m[1])
	}
	body := url.Values{"csrf": {field("csrf")}, "submission": {field("submission")}, "do": {"done"}}.Encode()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	post := httptest.NewRecorder()
	pages.ServeHTTP(post, req)
	if post.Code >= 400 {
		t.Fatalf("POST: %d\n%s", post.Code, post.Body.String())
	}
	a, err := db.FindAction(ctx, plan.ID, l.Action)
	if err != nil || !a.IsDone() {
		t.Fatalf("%s after the form: %+v, %v", l.Action, a, err)
	}
	hist, _ := db.History(ctx, plan.ID, l.Action, 0)
	if len(hist) == 0 || hist[len(hist)-1].Actor != "speedwatch.lead@kent.police.uk" && hist[0].Actor != "speedwatch.lead@kent.police.uk" {
		t.Errorf("the change is not audited as the person: %+v", hist)
	}
}
