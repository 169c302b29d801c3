package actionbot_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
)

func TestRedactHidesEveryPasswordAndKeepsWhichDatabase(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"actionbot.db", "actionbot.db"},
		{"/var/lib/actionbot/actionbot.db", "/var/lib/actionbot/actionbot.db"},
		{"postgres://bot@db.internal/actionbot?sslmode=require", "postgres://bot@db.internal/actionbot?sslmode=require"},
		{"postgres://db.internal:5432/actionbot", "postgres://db.internal:5432/actionbot"},
		{"postgresql://bot:s3cret@db.internal:5432/actionbot", "postgresql://bot:xxxxx@db.internal:5432/actionbot"},
		{"postgres://bob:s3cret@127.0.0.1:1/db?password=s3cret2&sslmode=disable",
			"postgres://bob:xxxxx@127.0.0.1:1/db?password=xxxxx&sslmode=disable"},
		{"open database postgres://bob:p@ss:w0rd@host/db: refused", "open database postgres://bob:xxxxx@host/db: refused"},
		{"postgres://:only@host/db", "postgres://:xxxxx@host/db"},
		{"file.db?password=x", "file.db?password=xxxxx"},
		{"file.db?_pragma=busy_timeout(5000)&Password=x&mode=rwc", "file.db?_pragma=busy_timeout(5000)&Password=xxxxx&mode=rwc"},
		{"host=db user=bot password='a b c' sslmode=require", "host=db user=bot password=xxxxx sslmode=require"},
		{"host=db sslpassword=k3y", "host=db sslpassword=xxxxx"},
		{"PGPASSWORD=hunter2 actionbot serve", "PGPASSWORD=xxxxx actionbot serve"},
		{`-db "file.db?password=x"`, `-db "file.db?password=xxxxx"`},
		{"the password is set", "the password is set"},
		{"password=", "password="},
		{"mailto:someone@example.org", "mailto:someone@example.org"},
	} {
		if got := actionbot.Redact(tc.in); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := actionbot.Redact(actionbot.Redact(tc.in)); got != tc.want {
			t.Errorf("Redact twice (%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRedactErrorDropsTheURLOfATransportErrorAndKeepsTheChain(t *testing.T) {
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, "http://127.0.0.1:1/actions/T1/B2/SECRETTOKEN", nil)
	_, err := http.DefaultClient.Do(req)
	if err == nil {
		t.Fatal("a post to a closed port succeeded")
	}
	wrapped := fmt.Errorf("post reply: %w", err)
	got := actionbot.RedactError(wrapped)
	if strings.Contains(got.Error(), "SECRETTOKEN") || strings.Contains(got.Error(), "127.0.0.1:1/actions") {
		t.Errorf("the URL is still in %q", got)
	}
	if !strings.Contains(got.Error(), "post reply: Post: ") || !strings.Contains(got.Error(), "connection refused") {
		t.Errorf("the error lost what happened: %q", got)
	}
	if !errors.Is(got, err) {
		t.Errorf("errors.Is no longer finds the transport error in %q", got)
	}
	if actionbot.RedactError(nil) != nil {
		t.Error("RedactError(nil) is not nil")
	}
	db := actionbot.RedactError(errors.New("open database postgres://bob:s3cret@h/db?password=s3cret2: refused"))
	if strings.Contains(db.Error(), "s3cret") {
		t.Errorf("a password is still in %q", db)
	}
}
