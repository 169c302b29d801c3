package report

import (
	"context"
	"io"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// Request is a report asked for on the command line ("actionbot report"),
// its flags as given.
type Request struct {
	AsOf, Quarter, Format, Out string
	Measures                   bool
	Meeting, Author, Notes     string
}

// Job is a Request checked, before any database is opened: the format,
// its writer (or the Printer, for pdf), the cover, and the day or quarter
// the report stands at.
type Job struct {
	Format  string
	Write   func(io.Writer, *Report) error // nil for pdf
	Printer *Printer                       // pdf only, checked ready
	Cover   Cover
	quarter *actionbot.Quarter
	at, now time.Time
}

// ParseAsOfDate reads a command line's --as-of date (2012-10-01).
func ParseAsOfDate(s string) (actionbot.Date, error) {
	d, err := actionbot.ParseISODate(strings.TrimSpace(s))
	if err != nil {
		return actionbot.Date{}, actionbot.Errorf(actionbot.EUSAGE, "--as-of %q is not a date like 2012-10-01", s)
	}
	return d, nil
}

// Check checks the request at now (in the plan's time zone): the format
// and what goes with it (pdf needs -o, a browser, and no --measures;
// --measures needs csv), the cover, and --as-of or --quarter, not both.
// A mistake in the flags is an EUSAGE error.
func (rq Request) Check(now time.Time) (*Job, error) {
	f, err := Format(rq.Format, rq.Out)
	if err != nil {
		return nil, err
	}
	j := &Job{Format: f, Write: Writers()[f], now: now}
	if f == "pdf" {
		if rq.Out == "" {
			return nil, actionbot.Errorf(actionbot.EUSAGE, "--format pdf writes a file: add -o paper.pdf")
		}
		if rq.Measures {
			return nil, actionbot.Errorf(actionbot.EUSAGE, "--measures writes the measures as a CSV table: add --format csv")
		}
		// Said before the database is opened: nothing is done without a
		// browser to print it.
		j.Printer = &Printer{}
		if err := j.Printer.Check(); err != nil {
			return nil, err
		}
	}
	if j.Cover, err = ReadCover(rq.Meeting, rq.Author, rq.Notes); err != nil {
		return nil, err
	}
	if rq.Measures {
		if f != "csv" {
			return nil, actionbot.Errorf(actionbot.EUSAGE, "--measures writes the measures as a CSV table: add --format csv")
		}
		j.Write = WriteMeasuresCSV
	}
	if rq.Quarter != "" {
		if rq.AsOf != "" {
			return nil, actionbot.Errorf(actionbot.EUSAGE, "give --as-of or --quarter, not both: a quarterly report stands at the quarter's last day")
		}
		q, err := actionbot.ParseQuarter(rq.Quarter)
		if err != nil {
			return nil, err
		}
		j.quarter = &q
	}
	day := actionbot.DateOf(now)
	if rq.AsOf != "" {
		if day, err = ParseAsOfDate(rq.AsOf); err != nil {
			return nil, err
		}
	}
	if j.at, err = Instant(day, now); err != nil {
		return nil, err
	}
	return j, nil
}

// Build builds the job's report of the current plan, under rules: the
// quarter's, or as of the day asked for, with the cover.
func (j *Job) Build(ctx context.Context, st CurrentStore, rules actionbot.RAGRules) (*Report, error) {
	if j.quarter != nil {
		return BuildCurrentQuarter(ctx, st, *j.quarter, j.now, Options{Rules: rules, Produced: j.now, Cover: j.Cover})
	}
	r, err := BuildCurrent(ctx, st, Options{At: j.at, Rules: rules, Produced: j.now})
	if r != nil {
		r.Cover = j.Cover
	}
	return r, err
}
