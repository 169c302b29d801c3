package actionbot

import (
	"strings"
	"testing"
	"time"
)

func TestNotesAreNumberedOldestFirstWithoutUndos(t *testing.T) {
	at := time.Date(2012, 10, 1, 9, 0, 0, 0, time.UTC)
	trail := []*AuditEntry{
		{ID: 4, At: at.Add(3 * time.Hour), Verb: VerbUndo, Note: "undo of progress 0% → 60% by @U1, 09:12"},
		{ID: 3, At: at.Add(2 * time.Hour), Verb: VerbBlocked, Note: "waiting for the data"},
		{ID: 2, At: at.Add(time.Hour), Verb: VerbProgress},
		{ID: 1, At: at, Verb: VerbNote, Note: "first note"},
		{ID: 5, At: at.Add(2 * time.Hour), Verb: VerbNote, Note: "same instant, later id"},
	}
	got := NoteNumbers(trail)
	want := map[int64]int{1: 1, 3: 2, 5: 3}
	if len(got) != len(want) {
		t.Fatalf("numbers = %v, want %v", got, want)
	}
	for id, n := range want {
		if got[id] != n {
			t.Errorf("entry %d is note %d, want %d", id, got[id], n)
		}
	}
}

func TestRedactionMarker(t *testing.T) {
	now := time.Date(2026, 12, 6, 19, 0, 0, 0, time.UTC)
	if got, want := RedactionMarker("U0COORD", now), "[redacted by @U0COORD on 6 Dec 2026]"; got != want {
		t.Errorf("marker = %q, want %q", got, want)
	}
	if got, want := RedactionMarker("cli", now), "[redacted by cli on 6 Dec 2026]"; got != want {
		t.Errorf("marker = %q, want %q", got, want)
	}
	if !IsRedacted(RedactionMarker("U1", now)) || IsRedacted("spoke to [redacted by x] today") {
		t.Error("IsRedacted misreads a marker")
	}
}

func TestScrubText(t *testing.T) {
	const m = "[X]"
	long := "Spoke to Mrs Jones at 12 Swanley Road about the youths on the green, she will log calls"
	cases := []struct {
		name, in, text, want string
	}{
		{"whole", long, long, m},
		{"quoted in a line", "@U1 updated 5.2 to 60% — Promote Speedwatch: “" + long + "”", long, "@U1 updated 5.2 to 60% — Promote Speedwatch: “" + m + "”"},
		{"clipped", "Latest: “" + Clip(long, 40) + "”", long, "Latest: “" + m + "”"},
		{"clipped at 80", "(" + Clip(long, 80) + ")", long, "(" + m + ")"},
		{"short text alone", "ok", "ok", m},
		{"short text quoted", "note: “ok”", "ok", "note: “" + m + "”"},
		{"short text ending a command", "5.2 note ok", "ok", "5.2 note " + m},
		{"short text inside words is kept", "booking ok’d by the book", "ok", "booking ok’d by the book"},
		{"an unrelated ellipsis is kept", "Spoke to the council…", long, "Spoke to the council…"},
		{"a different continuation is kept", "Spoke to Mrs Jones at 12 Swanley Road next…", "Spoke to Mrs Jones at 12 Swanley Road about it", "Spoke to Mrs Jones at 12 Swanley Road next…"},
	}
	for _, c := range cases {
		got, changed := ScrubText(c.in, []string{c.text}, m)
		if got != c.want {
			t.Errorf("%s: ScrubText(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
		if changed != (c.in != c.want) {
			t.Errorf("%s: changed = %v", c.name, changed)
		}
	}
}

func TestScrubMessageAndJSON(t *testing.T) {
	text := "John Smith (aged 15) seen at the skate park again"
	msg := Message{Text: "5.2 progress: “" + text + "”", Blocks: []Block{
		Section("Latest ", Span{Text: Clip(text, 30)}),
		{Kind: BlockSection, Fields: []Field{{Label: "Note", Value: Txt(text)}}},
		Context("nothing here"),
	}}
	if !ScrubMessage(&msg, []string{text}, "[R]") {
		t.Fatal("ScrubMessage changed nothing")
	}
	flat := msg.Text
	for _, b := range msg.Blocks {
		flat += b.Text.Plain()
		for _, f := range b.Fields {
			flat += f.Value.Plain()
		}
	}
	if strings.Contains(flat, "John Smith") || strings.Count(flat, "[R]") != 3 || !strings.Contains(flat, "nothing here") {
		t.Errorf("scrubbed message reads %q", flat)
	}
	doc := `{"id":12345678901234567890,"view":{"state":{"note":{"value":"` + text + `"}}}}`
	got, ok := ScrubJSON(doc, []string{text}, "[R]")
	if !ok || strings.Contains(got, "John") || !strings.Contains(got, "12345678901234567890") || !strings.Contains(got, `"[R]"`) {
		t.Errorf("ScrubJSON = %q, %v", got, ok)
	}
}

func TestRedactedTextsTakeTheReasonToo(t *testing.T) {
	e := &AuditEntry{Verb: VerbImport, Note: "from the plan: victim DOB 1/2/1990", Changes: []Change{{Field: "reason", From: "", To: "victim DOB 1/2/1990"}, {Field: "status", From: "open", To: "blocked"}}}
	got := RedactedTexts(e)
	if len(got) != 2 || got[0] != e.Note || got[1] != "victim DOB 1/2/1990" {
		t.Errorf("RedactedTexts = %q", got)
	}
}

func TestNoNoteError(t *testing.T) {
	err := NoNoteError("5.2", 5, 3)
	if ErrorCode(err) != ENOTFOUND || !strings.Contains(ErrorMessage(err), "5.2 has 3 notes; say `/action 5.2 history` to see them") {
		t.Errorf("error = %v", err)
	}
}
