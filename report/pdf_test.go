package report_test

import (
	"context"
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/report"
)

// Without Chromium, printing is refused saying which Debian package to
// install, before anything is written.
func TestPrintingWithoutChromiumNamesThePackage(t *testing.T) {
	p := &report.Printer{LookPath: func(string) (string, error) { return "", exec.ErrNotFound }}
	_, err := p.Print(context.Background(), []byte("<!DOCTYPE html><p>x"))
	if !errors.Is(err, report.ErrNoBrowser) || !strings.Contains(actionbot.ErrorMessage(err), "apt-get install chromium") {
		t.Errorf("print without a browser: %v; want ErrNoBrowser naming apt-get install chromium", err)
	}
	if err := p.Check(); err == nil {
		t.Error("Check passes without a browser")
	}
}

// Chromium's sandbox cannot start as root: the printer runs it with
// --no-sandbox then, and only then.
func TestPrinterDropsTheSandboxOnlyAsRoot(t *testing.T) {
	yes, no := true, false
	root := (&report.Printer{Root: &yes}).Args("/tmp/p.html", "/tmp/p.pdf", "/tmp/profile")
	user := (&report.Printer{Root: &no}).Args("/tmp/p.html", "/tmp/p.pdf", "/tmp/profile")
	if !slices.Contains(root, "--no-sandbox") || slices.Contains(user, "--no-sandbox") {
		t.Errorf("as root %q; as a user %q", root, user)
	}
	for _, want := range []string{"--headless", "--no-pdf-header-footer", "--print-to-pdf=/tmp/p.pdf", "file:///tmp/p.html"} {
		if !slices.Contains(user, want) {
			t.Errorf("the browser is not given %s: %q", want, user)
		}
	}
}
