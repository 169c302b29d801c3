package report_test

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/sevenoaks-csp/actionbot/report"
)

// voidElements have no end tag in HTML.
var voidElements = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true,
	"img": true, "input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}

// mustWellFormed checks that every element is closed, in order: the
// tokenizer sees what a browser would, and nothing is left to the
// browser's error recovery.
func mustWellFormed(tb testing.TB, doc string) {
	tb.Helper()
	z := html.NewTokenizer(strings.NewReader(doc))
	var stack []string
	for {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				tb.Fatalf("tokenize: %v", z.Err())
			}
			if len(stack) > 0 {
				tb.Fatalf("elements left open: %v", stack)
			}
			return
		case html.StartTagToken:
			name, _ := z.TagName()
			if !voidElements[string(name)] {
				stack = append(stack, string(name))
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if len(stack) == 0 || stack[len(stack)-1] != string(name) {
				tb.Fatalf("</%s> closes %v", name, stack)
			}
			stack = stack[:len(stack)-1]
		}
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

// find returns the elements under n that match.
func find(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func tag(name string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == name }
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// cells returns the texts of a row's th and td cells.
func cells(tr *html.Node) []string {
	var out []string
	for c := tr.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (c.Data == "td" || c.Data == "th") {
			out = append(out, text(c))
		}
	}
	return out
}

func TestHTMLReport(t *testing.T) {
	f := mustReportFixture(t)
	f.mustDo(t, firstHalf(t)...)
	f.mustDo(t, secondHalf(t)...)
	r := f.mustBuild(t, london(2013, time.January, 15, 12, 0))
	var hb, mb bytes.Buffer
	if err := report.WriteHTML(&hb, r); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteMarkdown(&mb, r); err != nil {
		t.Fatal(err)
	}
	page, md := hb.String(), mb.String()
	mustWellFormed(t, page)
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}

	t.Run("a document", func(t *testing.T) {
		if !strings.HasPrefix(page, "<!DOCTYPE html>") {
			t.Error("no doctype")
		}
		if h := find(doc, tag("html")); len(h) != 1 || attr(h[0], "lang") != "en-GB" {
			t.Error("no <html lang=en-GB>")
		}
		if m := find(doc, func(n *html.Node) bool { return n.Data == "meta" && strings.EqualFold(attr(n, "charset"), "utf-8") }); len(m) != 1 {
			t.Error("no <meta charset=utf-8>")
		}
		if ti := find(doc, tag("title")); len(ti) == 0 || text(ti[0]) != "Sevenoaks District CSP Action Plan 2012-13 — monitoring report — 15 Jan 2013" {
			t.Errorf("title %q", text(ti[0]))
		}
	})

	t.Run("self-contained", func(t *testing.T) {
		for _, name := range []string{"script", "link", "img", "iframe", "object", "embed", "video", "audio", "source", "image", "use", "foreignObject"} {
			if n := find(doc, tag(name)); len(n) > 0 {
				t.Errorf("%d <%s> elements: the page must need nothing else", len(n), name)
			}
		}
		for _, n := range find(doc, func(*html.Node) bool { return true }) {
			for _, a := range n.Attr {
				switch {
				case a.Key == "src" || a.Key == "srcset" || a.Key == "xlink:href" || strings.HasPrefix(a.Key, "on"):
					t.Errorf("<%s %s=%q>", n.Data, a.Key, a.Val)
				case a.Key == "href" && !strings.HasPrefix(a.Val, "#"):
					t.Errorf("<%s href=%q> leads off the page", n.Data, a.Val)
				}
			}
		}
		styles := find(doc, tag("style"))
		if len(styles) != 1 {
			t.Fatalf("%d <style> elements, want 1", len(styles))
		}
		css := text(styles[0])
		for _, bad := range []string{"url(", "@import", "@font-face", "http:", "https:"} {
			if strings.Contains(css, bad) {
				t.Errorf("the style sheet has %q", bad)
			}
		}
		for _, want := range []string{"@page", "size: A4", "break-before: page", "print-color-adjust: exact", "display: table-header-group"} {
			if !strings.Contains(css, want) {
				t.Errorf("the style sheet lacks %q, for printing on A4", want)
			}
		}
		if strings.Contains(page, "http://") || strings.Contains(page, "https://") {
			t.Error("the page names a web address")
		}
	})

	rows := find(doc, func(n *html.Node) bool { return n.Data == "tr" && hasClass(n, "action") })
	mdRows := mdActions(t, md)
	t.Run("a row per action, as the Markdown has it", func(t *testing.T) {
		if len(rows) != 42 {
			t.Fatalf("%d action rows, want 42", len(rows))
		}
		seen := map[string]bool{}
		for _, tr := range rows {
			ref := attr(tr, "data-ref")
			seen[ref] = true
			want, ok := mdRows[ref]
			if !ok {
				t.Errorf("%s is not in the Markdown", ref)
				continue
			}
			c := cells(tr)
			rag := find(tr, func(n *html.Node) bool { return n.Data == "td" && hasClass(n, "rag") })
			label := find(tr, func(n *html.Node) bool { return hasClass(n, "rag-label") })
			pct := find(tr, func(n *html.Node) bool { return hasClass(n, "pct") })
			if len(rag) != 1 || len(label) != 1 || len(pct) != 1 {
				t.Fatalf("%s: no RAG or progress cell", ref)
			}
			if got, wantRAG := text(label[0]), strings.Trim(strings.SplitN(want[6], " — ", 2)[0], "*"); got != wantRAG {
				t.Errorf("%s: RAG %q, the Markdown says %q", ref, got, wantRAG)
			}
			if !hasClass(rag[0], "rag-"+strings.ToLower(text(label[0]))) || attr(tr, "data-rag") != strings.ToLower(text(label[0])) {
				t.Errorf("%s: the colour (class %q) and the word %q disagree", ref, attr(rag[0], "class"), text(label[0]))
			}
			if text(pct[0]) != want[5] {
				t.Errorf("%s: progress %q, the Markdown says %q", ref, text(pct[0]), want[5])
			}
			if c[4] != want[4] {
				t.Errorf("%s: status %q, the Markdown says %q", ref, c[4], want[4])
			}
		}
		if len(seen) != 42 {
			t.Errorf("%d distinct actions", len(seen))
		}
	})

	t.Run("the summary's figures are the Markdown's", func(t *testing.T) {
		mdSummary := mdTable(t, md, "## Summary")
		var htmlSummary [][]string
		for _, table := range find(doc, func(n *html.Node) bool { return n.Data == "table" && hasClass(n, "summary") }) {
			for _, tr := range find(table, func(n *html.Node) bool { return n.Data == "tr" && attr(n, "data-priority") != "" }) {
				htmlSummary = append(htmlSummary, cells(tr))
			}
		}
		if len(htmlSummary) != len(mdSummary) {
			t.Fatalf("%d summary rows, the Markdown has %d", len(htmlSummary), len(mdSummary))
		}
		for i := range mdSummary {
			want := append([]string(nil), mdSummary[i]...)
			want[0] = strings.Trim(strings.ReplaceAll(want[0], `\&`, "&"), "*")
			got := htmlSummary[i]
			if got[len(got)-1] == "" { // the whole-plan row has no target
				got[len(got)-1], got[len(got)-2] = "—", "—"
			}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("summary row %d:\n html %q\n   md %q", i, got, want)
			}
		}
	})

	t.Run("user text stays text", func(t *testing.T) {
		if n := find(doc, tag("exec")); len(n) > 0 {
			t.Error("a note's <Exec Group> became an element")
		}
		var note string
		for _, tr := range rows {
			if attr(tr, "data-ref") == "7.4" {
				note = text(find(tr, func(n *html.Node) bool { return hasClass(n, "note") })[0])
			}
		}
		if want := "25 Jun 2012: +6 volunteers booked on training, agreed at the <Exec Group> meeting & minuted"; note != want {
			t.Errorf("7.4's note reads %q, want %q", note, want)
		}
	})

	t.Run("a chart per priority", func(t *testing.T) {
		sections := find(doc, func(n *html.Node) bool { return n.Data == "section" && hasClass(n, "priority") })
		if len(sections) != 8 {
			t.Fatalf("%d priority sections, want 8 (the plan-wide measures and 7 priorities)", len(sections))
		}
		for _, s := range sections {
			svgs := find(s, tag("svg"))
			wantCharts := 1
			if attr(s, "data-priority") == "0" {
				wantCharts = 0 // measures only, no actions
			}
			if len(svgs) != wantCharts {
				t.Errorf("priority %s has %d charts, want %d", attr(s, "data-priority"), len(svgs), wantCharts)
				continue
			}
			for _, svg := range svgs {
				if attr(svg, "role") != "img" || attr(svg, "aria-label") == "" {
					t.Errorf("priority %s's chart has no text for screen readers", attr(s, "data-priority"))
				}
			}
		}
		// Substance misuse on 15 January 2013: 4 complete, 1 amber, against
		// a target of 85% — the blue runs to 80%, short of the target line.
		var six *html.Node
		for _, s := range sections {
			if attr(s, "data-priority") == "6" {
				six = find(s, tag("svg"))[0]
			}
		}
		geometry := func(class string) []string {
			var out []string
			for _, n := range find(six, func(n *html.Node) bool { return hasClass(n, class) }) {
				out = append(out, n.Data+" x="+attr(n, "x")+attr(n, "x1")+" w="+attr(n, "width")+" "+attr(n, "d")+text(n))
			}
			return out
		}
		tests := []struct {
			class string
			want  []string
		}{
			{"rag-complete", []string{"rect x=0 w=512 Complete: 4 actions"}},
			{"rag-amber", []string{"rect x=512 w=128 Amber: 1 action"}},
			{"rag-red", nil},
			{"target", []string{"line x=544 w= "}},
			{"target-label", []string{"text x=544 w= Target 85%"}},
			{"bracket", []string{"path x= w= M0 56 v6 H512 v-6"}},
			{"ot-label", []string{"text x=0 w= On target 80%"}},
			{"seg-label", []string{"text x=256 w= Complete 4", "text x=576 w= Amber 1"}},
		}
		for _, tc := range tests {
			if got := geometry(tc.class); strings.Join(got, ";") != strings.Join(tc.want, ";") {
				t.Errorf("%s: %q, want %q", tc.class, got, tc.want)
			}
		}
	})
}
