package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// ChromiumPackage is the Debian package that prints the paper.
const ChromiumPackage = "chromium"

// PrintTimeout bounds one print by the browser.
const PrintTimeout = 2 * time.Minute

// Printer prints the HTML paper to PDF with headless Chromium, as a board
// member's browser would print it on A4, without the browser's own date and
// title on each page.
type Printer struct {
	// Browser is the program; "" finds Debian's chromium on the PATH.
	Browser string
	// Root says the browser runs as root, where Chromium's sandbox cannot
	// start: it is then run with --no-sandbox. Nil asks the system.
	Root *bool
	// LookPath finds a program (exec.LookPath when nil); tests replace it.
	LookPath func(string) (string, error)
}

// ErrNoBrowser is returned (wrapped, with the package to install) when no
// Chromium is installed.
var ErrNoBrowser = errors.New("chromium is not installed")

// browser finds the program that prints.
func (p *Printer) browser() (string, error) {
	look := p.LookPath
	if look == nil {
		look = exec.LookPath
	}
	names := []string{"chromium", "chromium-browser"}
	if p.Browser != "" {
		names = []string{p.Browser}
	}
	for _, n := range names {
		if path, err := look(n); err == nil {
			return path, nil
		}
	}
	return "", fmt.Errorf("%w: %w", actionbot.Errorf(actionbot.EINVALID, "The PDF is printed by Chromium, which is not installed here: install Debian's package with `apt-get install %s` (or write the paper with --format html and print it from a browser).", ChromiumPackage), ErrNoBrowser)
}

// Check says whether a PDF can be printed here: nil, or why not, naming the
// package to install.
func (p *Printer) Check() error {
	_, err := p.browser()
	return err
}

// Args are the browser's arguments to print page to pdf, with its profile
// in profile.
func (p *Printer) Args(page, pdf, profile string) []string {
	args := []string{"--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-pdf-header-footer",
		"--user-data-dir=" + profile, "--print-to-pdf=" + pdf, "file://" + page}
	root := os.Geteuid() == 0
	if p.Root != nil {
		root = *p.Root
	}
	if root {
		// Chromium refuses to start its sandbox as root.
		args = append([]string{"--no-sandbox"}, args...)
	}
	return args
}

// PrintPDF writes r as HTML and prints it to a PDF, returned whole.
func (p *Printer) PrintPDF(ctx context.Context, r *Report) ([]byte, error) {
	var page bytes.Buffer
	if err := WriteHTML(&page, r); err != nil {
		return nil, err
	}
	return p.Print(ctx, page.Bytes())
}

// Print prints an HTML page to PDF.
func (p *Printer) Print(ctx context.Context, html []byte) ([]byte, error) {
	browser, err := p.browser()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "actionbot-print-")
	if err != nil {
		return nil, fmt.Errorf("print the paper: %w", err)
	}
	defer os.RemoveAll(dir)
	page := filepath.Join(dir, "paper.html")
	if err := os.WriteFile(page, html, 0o600); err != nil {
		return nil, fmt.Errorf("print the paper: %w", err)
	}
	pdf := filepath.Join(dir, "paper.pdf")
	ctx, cancel := context.WithTimeout(ctx, PrintTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, p.Args(page, pdf, filepath.Join(dir, "profile"))...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("print the paper with %s: %w: %s", browser, err, lastLines(string(out), 5))
	}
	b, err := os.ReadFile(pdf)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		return nil, fmt.Errorf("print the paper with %s: no PDF was written (%v): %s", browser, err, lastLines(string(out), 5))
	}
	return b, nil
}

// lastLines is the last n lines of a program's output, for an error.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
