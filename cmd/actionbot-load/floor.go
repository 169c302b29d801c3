package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// The floor is what any Slack app must do for a slash command, and nothing
// more: read the body, verify the v0 signature, parse the form and answer
// with a fixed ephemeral Block Kit reply of about 2 KB, over Go's net/http.
// actionbot's CPU time per lookup is reported as a ratio to the floor's,
// measured alternately in one run, so that the machine's noise and the load
// generator's share fall on both alike.

// floorMaxBody is Slack's own limit for what an app need read.
const floorMaxBody = 1 << 20

// floorReply is the fixed answer: an ephemeral card about the size of
// actionbot's answer to /action <id>.
var floorReply = mustFloorReply()

func mustFloorReply() []byte {
	fields := make([]map[string]any, 0, 8)
	for _, label := range []string{"Lead", "Partners", "Deadline", "Status", "Progress", "RAG", "Funding", "Updated"} {
		fields = append(fields, map[string]any{"type": "mrkdwn", "text": "*" + label + "*\n" + strings.Repeat("Sevenoaks District ", 3)})
	}
	blocks := []map[string]any{
		{"type": "header", "text": map[string]any{"type": "plain_text", "text": "5.2 Promote Speedwatch across the District"}},
		{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": strings.Repeat("Promote Speedwatch across the District and support the volunteers. ", 6)}, "fields": fields},
		{"type": "context", "elements": []map[string]any{{"type": "mrkdwn", "text": "Latest note: " + strings.Repeat("on target ", 12)}}},
		{"type": "actions", "elements": []map[string]any{
			{"type": "button", "action_id": "actionbot_done", "value": "1:5.2", "text": map[string]any{"type": "plain_text", "text": "Mark done"}, "style": "primary"},
			{"type": "button", "action_id": "actionbot_progress", "value": "1:5.2", "text": map[string]any{"type": "plain_text", "text": "Update progress"}},
			{"type": "button", "action_id": "actionbot_snooze", "value": "1:5.2", "text": map[string]any{"type": "plain_text", "text": "Snooze a week"}},
		}},
	}
	b, err := json.Marshal(map[string]any{"response_type": "ephemeral", "text": "5.2 Promote Speedwatch across the District", "blocks": blocks})
	if err != nil {
		panic(err)
	}
	return b
}

// floorForm reads what every floor does before it answers: a POST of at
// most floorMaxBody, signed with secret, holding a slash command's form.
// Otherwise it answers the error itself and returns false.
func floorForm(w http.ResponseWriter, r *http.Request, secret []byte, now func() time.Time) (url.Values, bool) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return nil, false
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, floorMaxBody+1))
	if err != nil || len(body) > floorMaxBody {
		http.Error(w, "body", http.StatusRequestEntityTooLarge)
		return nil, false
	}
	if !floorVerify(secret, r.Header, body, now()) {
		http.Error(w, "signature", http.StatusUnauthorized)
		return nil, false
	}
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("command") == "" {
		http.Error(w, "form", http.StatusBadRequest)
		return nil, false
	}
	return form, true
}

// writeFloorCard answers with the lookup floor's fixed card.
func writeFloorCard(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(floorReply)
}

// floorHandler is the floor's whole server.
func floorHandler(secret []byte, now func() time.Time) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := floorForm(w, r, secret, now); !ok {
			return
		}
		writeFloorCard(w)
	})
}

// floorVerify checks Slack's v0 request signature, with the five-minute
// window Slack's documentation asks for.
func floorVerify(secret []byte, h http.Header, body []byte, now time.Time) bool {
	ts, err := strconv.ParseInt(h.Get("X-Slack-Request-Timestamp"), 10, 64)
	if err != nil {
		return false
	}
	if d := now.Unix() - ts; d > 300 || d < -300 {
		return false
	}
	sig, ok := strings.CutPrefix(h.Get("X-Slack-Signature"), "v0=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(sig)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("v0:" + h.Get("X-Slack-Request-Timestamp") + ":"))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// serveFloor runs the floor server until the process is killed; the load
// tool starts itself with -serve-floor so that the floor's CPU time is its
// own process's.
func serveFloor(addr string) error {
	secret := os.Getenv("FLOOR_SIGNING_SECRET")
	if secret == "" {
		return errors.New("-serve-floor needs FLOOR_SIGNING_SECRET")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("floor: %w", err)
	}
	h := floorHandler([]byte(secret), time.Now)
	if path := os.Getenv(floorDBEnv); path != "" { // the floor for changes
		fs, err := openFloorStore(path)
		if err != nil {
			return err
		}
		defer fs.db.Close()
		h = floorUpdateHandler([]byte(secret), fs, time.Now)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	return srv.Serve(ln)
}

// spawnFloor starts the floor server as a child process of this tool with
// the bot's signing secret, and waits until it answers. With a database
// (dbPath, a copy of the bot's) it also makes progress updates.
func spawnFloor(ctx context.Context, secret, dbPath string) (*exec.Cmd, string, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, "", fmt.Errorf("floor: find this program: %w", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, "", err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	cmd := exec.CommandContext(ctx, self, "-serve-floor", addr)
	cmd.Env = append(os.Environ(), "FLOOR_SIGNING_SECRET="+secret)
	if dbPath != "" {
		cmd.Env = append(cmd.Env, floorDBEnv+"="+dbPath)
	}
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, "", fmt.Errorf("floor: start: %w", err)
	}
	start := time.Now()
	for {
		resp, err := http.Post("http://"+addr+"/slack/commands", "text/plain", nil)
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Since(start) > 10*time.Second {
			cmd.Process.Kill()
			cmd.Wait()
			return nil, "", errors.New("floor: the server did not answer within 10 s")
		}
		time.Sleep(time.Millisecond) // polling a real process; not a test
	}
	return cmd, "http://" + addr, nil
}
