package bot

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// Answers are encoded into reused buffers: answers written at once, to
// many clients, are each whole and each the answer to its own request.
func TestConcurrentAnswersAreEachTheirOwn(t *testing.T) {
	e := mustEnv(t)
	srv := e.httpServer(t)
	refs := []string{"1.1", "2.1", "3.1", "4.1", "5.2", "6.1"}
	want := map[string][]byte{}
	for _, ref := range refs {
		code, body := e.signed(t, "/slack/commands", formType, e.slashForm(uCSU, ref, "r-"+ref), nil)
		if code != http.StatusOK || !strings.Contains(string(body), `"text":"`+ref+" ") {
			t.Fatalf("/action %s: %d %s", ref, code, body)
		}
		want[ref] = body
	}
	var wg sync.WaitGroup
	for c := range 8 {
		wg.Go(func() {
			for i := range 30 {
				ref := refs[(c+i)%len(refs)]
				resp, err := e.postSlash(srv, uCSU, ref, "r-"+ref)
				if err != nil {
					t.Errorf("/action %s: %v", ref, err)
					return
				}
				got, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if !bytes.Equal(got, want[ref]) {
					t.Errorf("/action %s answered, at once with others:\n%s\nwant\n%s", ref, got, want[ref])
					return
				}
			}
		})
	}
	wg.Wait()
}

// Slack shows an answer as a message only when it says it is JSON; the
// header value is shared between answers, so a handler that added to one
// answer's header must not change the next's.
func TestAnswersAreLabelledJSONEveryTime(t *testing.T) {
	e := mustEnv(t)
	srv := e.httpServer(t)
	for i, ref := range []string{"1.1", "5.2", "1.1"} {
		resp, err := e.postSlash(srv, uCSU, ref, "r-"+ref)
		if err != nil {
			t.Fatalf("/action %s: %v", ref, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if got := resp.Header.Values("Content-Type"); len(got) != 1 || got[0] != "application/json; charset=utf-8" {
			t.Errorf("answer %d (/action %s): Content-Type %q, want one, application/json; charset=utf-8", i+1, ref, got)
		}
	}
	if len(jsonContentType) != 1 || jsonContentType[0] != "application/json; charset=utf-8" {
		t.Errorf("the shared Content-Type was changed: %q", jsonContentType)
	}
}
