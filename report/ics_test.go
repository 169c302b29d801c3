package report_test

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sevenoaks-csp/actionbot/report"
)

// icsEvent is a VEVENT's properties: name (with parameters) to value.
type icsEvent map[string]string

// mustParseICS checks a calendar against RFC 5545's essentials (CRLF line
// endings, lines of at most 75 octets folded with a leading space and never
// inside a UTF-8 character, balanced BEGIN/END) and returns its events.
func mustParseICS(tb testing.TB, cal string) []icsEvent {
	tb.Helper()
	if !strings.HasSuffix(cal, "\r\n") {
		tb.Fatal("the calendar does not end with CRLF")
	}
	physical := strings.Split(strings.TrimSuffix(cal, "\r\n"), "\r\n")
	var logical []string
	for i, line := range physical {
		if strings.ContainsAny(line, "\r\n") {
			tb.Fatalf("line %d has a bare CR or LF: %q", i+1, line)
		}
		if len(line) > 75 {
			tb.Errorf("line %d is %d octets long: %q", i+1, len(line), line)
		}
		if !utf8.ValidString(line) {
			tb.Errorf("line %d splits a UTF-8 character: %q", i+1, line)
		}
		if strings.HasPrefix(line, " ") {
			if len(logical) == 0 {
				tb.Fatal("the calendar starts with a continuation line")
			}
			logical[len(logical)-1] += line[1:]
			continue
		}
		logical = append(logical, line)
	}
	var stack []string
	var events []icsEvent
	var ev icsEvent
	for _, line := range logical {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			tb.Fatalf("no colon in %q", line)
		}
		switch name {
		case "BEGIN":
			stack = append(stack, value)
			if value == "VEVENT" {
				ev = icsEvent{}
			}
		case "END":
			if len(stack) == 0 || stack[len(stack)-1] != value {
				tb.Fatalf("END:%s closes %v", value, stack)
			}
			stack = stack[:len(stack)-1]
			if value == "VEVENT" {
				events = append(events, ev)
				ev = nil
			}
		default:
			if ev != nil {
				if _, dup := ev[name]; dup {
					tb.Errorf("%s twice in an event", name)
				}
				ev[name] = value
			}
		}
	}
	if len(stack) != 0 {
		tb.Fatalf("left open: %v", stack)
	}
	if !strings.HasPrefix(logical[0], "BEGIN:VCALENDAR") || !strings.Contains(cal, "\r\nVERSION:2.0\r\n") || !strings.Contains(cal, "\r\nPRODID:") {
		tb.Error("not a VCALENDAR with VERSION and PRODID")
	}
	return events
}

func TestICSCalendar(t *testing.T) {
	f := mustReportFixture(t)
	f.mustDo(t, firstHalf(t)...)
	export := func(tb testing.TB, r *report.Report) string {
		tb.Helper()
		var b bytes.Buffer
		if err := report.WriteICS(&b, r); err != nil {
			tb.Fatal(err)
		}
		return b.String()
	}
	first := export(t, f.mustBuild(t, london(2012, time.July, 1, 12, 0)))
	f.mustDo(t, secondHalf(t)...)
	second := export(t, f.mustBuild(t, london(2013, time.January, 15, 12, 0)))
	// A database built afresh has other ids; the events must be the same.
	fresh := mustReportFixture(t)
	third := export(t, fresh.mustBuild(t, london(2013, time.January, 15, 12, 0)))

	byUID := func(events []icsEvent) map[string]icsEvent {
		out := map[string]icsEvent{}
		for _, e := range events {
			if _, dup := out[e["UID"]]; dup {
				t.Errorf("UID %s twice", e["UID"])
			}
			out[e["UID"]] = e
		}
		return out
	}
	evFirst, evSecond, evThird := byUID(mustParseICS(t, first)), byUID(mustParseICS(t, second)), byUID(mustParseICS(t, third))

	t.Run("every dated deadline, and only those", func(t *testing.T) {
		// 42 actions, 7 of them ongoing: 1.1, 1.2, 1.4, 2.1, 3.5, 6.3, 7.1.
		for name, evs := range map[string]map[string]icsEvent{"July": evFirst, "January": evSecond, "fresh": evThird} {
			if len(evs) != 35 {
				t.Errorf("%s: %d events, want 35", name, len(evs))
			}
		}
		for _, ongoing := range []string{"1.1", "1.2", "1.4", "2.1", "3.5", "6.3", "7.1"} {
			if _, ok := evSecond["plan-20120401-20130331-action-"+ongoing+"@actionbot"]; ok {
				t.Errorf("ongoing action %s has an event", ongoing)
			}
		}
	})

	t.Run("stable UIDs", func(t *testing.T) {
		for uid := range evFirst {
			if _, ok := evSecond[uid]; !ok {
				t.Errorf("%s is gone from the second export: a calendar would keep a stale copy", uid)
			}
			if _, ok := evThird[uid]; !ok {
				t.Errorf("%s is not in an export from another database", uid)
			}
		}
	})

	t.Run("every event has the essentials", func(t *testing.T) {
		for uid, e := range evSecond {
			for _, p := range []string{"UID", "DTSTAMP", "DTSTART;VALUE=DATE", "DTEND;VALUE=DATE", "SUMMARY", "DESCRIPTION", "SEQUENCE"} {
				if e[p] == "" {
					t.Errorf("%s has no %s", uid, p)
				}
			}
			if e["DTSTAMP"] != "20130115T120000Z" {
				t.Errorf("%s: DTSTAMP %q, want the export's instant in UTC", uid, e["DTSTAMP"])
			}
			start, err1 := time.Parse("20060102", e["DTSTART;VALUE=DATE"])
			end, err2 := time.Parse("20060102", e["DTEND;VALUE=DATE"])
			if err1 != nil || err2 != nil || !end.Equal(start.AddDate(0, 0, 1)) {
				t.Errorf("%s: an all-day event ends the day after it starts: %q to %q", uid, e["DTSTART;VALUE=DATE"], e["DTEND;VALUE=DATE"])
			}
			if e["TRANSP"] != "TRANSPARENT" {
				t.Errorf("%s: a deadline should not block the day as busy", uid)
			}
		}
	})

	tests := []struct {
		name   string
		events map[string]icsEvent
		ref    string
		want   map[string]string
		holds  []string // substrings of the DESCRIPTION
	}{
		{"5.2 as the plan has it", evSecond, "5.2", map[string]string{
			"DTSTART;VALUE=DATE": "20120331", "DTEND;VALUE=DATE": "20120401", "SEQUENCE": "0",
			"SUMMARY": "5.2 Promote Speedwatch across the District including training for volunteers"},
			[]string{`Lead: Kent Police – Training\, Community Safety Unit – Promotion/Volunteers\n`, `Partners: DVLA\n`,
				`Status: Open\, 0% done\n`, `RAG as of 15 Jan 2013: Red — 290 days overdue\n`}},
		{"5.5 before its deadline moved", evFirst, "5.5", map[string]string{
			"DTSTART;VALUE=DATE": "20130331", "SEQUENCE": "1"},
			[]string{`Deadline: March 2013 (31 Mar 2013)\; plan: December 2012 (31 Dec 2012)\n`}},
		{"6.5 moved to December and done", evSecond, "6.5", map[string]string{
			"DTSTART;VALUE=DATE": "20121231", "DTEND;VALUE=DATE": "20130101", "SEQUENCE": "1",
			"SUMMARY": "6.5 Locate a drugs worker in the Community Safety Unit (done)"},
			[]string{`Status: Done\, 100% done\n`, `RAG as of 15 Jan 2013: Complete — done`}},
		{"6.5 in a fresh database", evThird, "6.5", map[string]string{
			"DTSTART;VALUE=DATE": "20120630", "SEQUENCE": "0"}, nil},
		{"a long action's summary is cut", evSecond, "1.6", map[string]string{
			"SUMMARY": `1.6 Undertake monthly Environmental Visual Audits (EVA) across the District in conjunction…`}, nil},
		{"text is escaped", evSecond, "3.4", map[string]string{
			"CATEGORIES": `Priority 3 – Burglary & Vehicle Crime`},
			[]string{`Partners: Kent Police\, KCC Trading Standards\, KCC Wardens\n`, `Priority 3: Burglary & Vehicle Crime\n`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, ok := tc.events["plan-20120401-20130331-action-"+tc.ref+"@actionbot"]
			if !ok {
				t.Fatalf("no event for %s", tc.ref)
			}
			for k, v := range tc.want {
				if e[k] != v {
					t.Errorf("%s = %q, want %q", k, e[k], v)
				}
			}
			for _, h := range tc.holds {
				if !strings.Contains(e["DESCRIPTION"], h) {
					t.Errorf("DESCRIPTION lacks %q:\n%s", h, e["DESCRIPTION"])
				}
			}
		})
	}
}
