package report

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sevenoaks-csp/actionbot"
)

// Writers are the text formats of a report, by name (pdf is printed by
// Printer).
func Writers() map[string]func(io.Writer, *Report) error {
	return map[string]func(io.Writer, *Report) error{
		"md":   WriteMarkdown,
		"csv":  WriteCSV,
		"html": WriteHTML,
	}
}

// Format chooses the format: the one given, else the output file's
// extension, else Markdown. An unknown format is an actionbot.EUSAGE error.
func Format(format, out string) (string, error) {
	if format == "" {
		switch strings.ToLower(filepath.Ext(out)) {
		case ".csv":
			return "csv", nil
		case ".html", ".htm":
			return "html", nil
		case ".pdf":
			return "pdf", nil
		}
		return "md", nil
	}
	f := strings.ToLower(format)
	switch f {
	case "markdown":
		f = "md"
	case "htm":
		f = "html"
	}
	if _, ok := Writers()[f]; !ok && f != "pdf" {
		return "", actionbot.Errorf(actionbot.EUSAGE, "unknown report format %q: use md, csv, html or pdf", format)
	}
	return f, nil
}

// maxRecommendations caps the recommendations file: a board paper's notes
// run to a page, not megabytes.
const maxRecommendations = 64 << 10

// ReadCover reads the paper's cover from the flags: the meeting and author
// on one line each, the recommendations from a file of UTF-8 text. A file
// too large or not UTF-8 is an actionbot.EUSAGE error.
func ReadCover(meeting, author, notesFile string) (Cover, error) {
	cv := Cover{Meeting: strings.Join(strings.Fields(actionbot.CleanText(meeting)), " "), Author: strings.Join(strings.Fields(actionbot.CleanText(author)), " ")}
	if notesFile == "" {
		return cv, nil
	}
	f, err := os.Open(notesFile)
	if err != nil {
		return cv, fmt.Errorf("read the recommendations: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxRecommendations+1))
	if err != nil {
		return cv, fmt.Errorf("read the recommendations %s: %w", notesFile, err)
	}
	if len(b) > maxRecommendations {
		return cv, actionbot.Errorf(actionbot.EUSAGE, "--recommendations %s is over %d KB: a board paper's notes fit on a page", notesFile, maxRecommendations>>10)
	}
	if !utf8.Valid(b) {
		return cv, actionbot.Errorf(actionbot.EUSAGE, "--recommendations %s is not UTF-8 text: save it as UTF-8", notesFile)
	}
	// What a terminal or a page would obey (escapes, bidi overrides) is
	// dropped; line breaks and tabs stay.
	cv.Recommendations = strings.TrimSpace(actionbot.CleanText(strings.TrimPrefix(string(b), "\ufeff")))
	return cv, nil
}

// CurrentStore is a Store that knows the current plan.
type CurrentStore interface {
	QuarterStore
	CurrentPlan(ctx context.Context) (*actionbot.Plan, error)
}

// BuildCurrent builds the report of the current plan (Build).
func BuildCurrent(ctx context.Context, st CurrentStore, opt Options) (*Report, error) {
	plan, err := st.CurrentPlan(ctx)
	if err != nil {
		return nil, err
	}
	return Build(ctx, st, plan, opt)
}

// BuildCurrentQuarter builds the quarterly report of the current plan
// (BuildQuarter).
func BuildCurrentQuarter(ctx context.Context, st CurrentStore, q actionbot.Quarter, now time.Time, opt Options) (*Report, error) {
	plan, err := st.CurrentPlan(ctx)
	if err != nil {
		return nil, err
	}
	return BuildQuarter(ctx, st, plan, q, now, opt)
}

// WriteICSAt writes the deadlines calendar of the current plan as it
// stands at now, in loc.
func WriteICSAt(ctx context.Context, st CurrentStore, rules actionbot.RAGRules, now time.Time, loc *time.Location, w io.Writer) error {
	now = now.In(loc)
	r, err := BuildCurrent(ctx, st, Options{At: now, Rules: rules, Produced: now})
	if err != nil {
		return err
	}
	return WriteICS(w, r)
}
