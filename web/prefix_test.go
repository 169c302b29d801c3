package web

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
)

// followed resolves a redirect's Location against the address the form was
// posted to, as a browser does.
func followed(tb testing.TB, posted, location string) string {
	tb.Helper()
	base, err := url.Parse(posted)
	if err != nil {
		tb.Fatal(err)
	}
	loc, err := url.Parse(location)
	if err != nil {
		tb.Fatalf("Location %q: %v", location, err)
	}
	return base.ResolveReference(loc).String()
}

// ACTIONBOT_PUBLIC_URL may have a path: the pages then sit behind a proxy
// that serves them under it (https://council.example/actionbot/a/…) and
// passes them on without it. The redirect after a form must bring the
// browser back under the same path, not to the site's /a/….
func TestAFormPostedUnderAPathPrefixComesBackUnderIt(t *testing.T) {
	f := mustFixture(t)
	_, tok := f.link(t, policeLead, "5.2")
	target, err := url.Parse(f.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	const prefix = "/actionbot"
	front := httptest.NewServer(http.StripPrefix(prefix, proxy))
	t.Cleanup(front.Close)

	page := front.URL + prefix + "/a/" + tok
	done := formsOf(t, f.do(t, http.MethodGet, page, nil).body)["done"]
	r := f.do(t, http.MethodPost, page, done.values())
	if r.status != http.StatusSeeOther {
		t.Fatalf("POST through the proxy: %d %s", r.status, r.body)
	}
	back := followed(t, page, r.header.Get("Location"))
	if want := page + "?done=" + url.QueryEscape(done["submission"]); back != want {
		t.Fatalf("the browser is sent to %s; want %s", back, want)
	}
	if got := f.do(t, http.MethodGet, back, nil); got.status != http.StatusOK || !strings.Contains(got.body, "5.2 is marked done.") {
		t.Errorf("the confirmation page under the prefix: %d\n%s", got.status, got.body)
	}
}
