package planfile_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
)

// Import pointed at a file that is not a plan (a link to /etc/passwd, a
// note with a password in it) says what is wrong without echoing any of the
// file's content: its first line was printed in the error (issue 24, 7).
func TestAnImportErrorNeverEchoesTheFilesContent(t *testing.T) {
	for _, tc := range []struct{ name, file, secret string }{
		{"a passwd file", "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n", "root:x:0:0"},
		{"a text note", "the wifi password is hunter2-secret\nsee you Tuesday\n", "hunter2-secret"},
		{"a CSV of something else", "username,password\nalice,s3cr3t-pa55\n", "password"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := actionbot.NewDirectory(nil)
			_, err := planfile.ReadFile(bytes.NewReader([]byte(tc.file)), "", dir, planfile.Options{})
			if err == nil {
				t.Fatal("a file that is not a plan was read as one")
			}
			msg := err.Error()
			if strings.Contains(msg, tc.secret) {
				t.Fatalf("the error echoes the file's content (%q):\n%s", tc.secret, msg)
			}
			if !strings.Contains(msg, "no header row") {
				t.Fatalf("the error does not say what is wrong:\n%s", msg)
			}
		})
	}
}
