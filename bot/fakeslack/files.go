package fakeslack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
)

// File uploads, as Slack's files.uploadV2 takes them (the way slack-go's
// UploadFileContext makes it, after Slack's documentation):
//
//  1. files.getUploadURLExternal with filename and length (bytes) answers
//     an upload_url and a file_id; a missing filename is invalid_arguments,
//     a length of 0 or none missing_argument (as Slack's reference says).
//  2. The file is POSTed to the upload URL, raw or as a multipart form
//     (slack-go sends a "file" part), with the token as a Bearer header;
//     Slack answers 200 "OK - <bytes>". An unknown URL is a 404.
//  3. files.completeUploadExternal with files, a JSON array of {id, title},
//     and channel_id shares the file there; it answers the files. An id
//     never issued, or not uploaded yet, is file_not_found (the fake's
//     name: Slack's reference lists none for it).
//
// The fake keeps every file with what was said of it; a file shared in a
// conversation also appears in its history, as Slack's message does.

// uploadPath is where the fake's upload URLs live.
const uploadPath = "/upload/v1/"

// File is a file uploaded to the fake.
type File struct {
	ID       string
	Name     string // filename given to files.getUploadURLExternal
	Length   int    // length given to files.getUploadURLExternal
	Title    string // given to files.completeUploadExternal
	Content  []byte // what was posted to the upload URL; nil until then
	Uploaded bool
	// Channel is where files.completeUploadExternal shared it ("" private),
	// with its initial comment.
	Channel, InitialComment string
	Completed               bool
}

// Files returns the files uploaded to the fake, in the order their upload
// URLs were given.
func (s *Server) Files() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]File, 0, len(s.files))
	for i := 1; i <= len(s.files); i++ {
		if f, ok := s.files[fileID(i)]; ok {
			out = append(out, *f)
		}
	}
	return out
}

func fileID(n int) string { return fmt.Sprintf("F%08d", n) }

func (s *Server) getUploadURL(r Request, hr *http.Request) *Reply {
	name := r.Param("filename")
	length, err := strconv.Atoi(r.Param("length"))
	switch {
	case name == "":
		return Error("invalid_arguments")
	case err != nil || length <= 0:
		return Error("missing_argument")
	}
	s.mu.Lock()
	if s.files == nil {
		s.files, s.uploads = map[string]*File{}, map[string]string{}
	}
	id := fileID(len(s.files) + 1)
	key := "T1-" + id + "-" + strconv.Itoa(len(s.uploads)+1)
	s.files[id] = &File{ID: id, Name: name, Length: length}
	s.uploads[key] = id
	s.mu.Unlock()
	return ok(map[string]any{"upload_url": "http://" + hr.Host + uploadPath + key, "file_id": id})
}

// serveUpload takes a file posted to an upload URL, recorded as a request
// of method "upload:<file id>".
func (s *Server) serveUpload(w http.ResponseWriter, hr *http.Request) {
	key := strings.TrimPrefix(hr.URL.Path, uploadPath)
	body, _ := io.ReadAll(hr.Body)
	s.mu.Lock()
	id, found := s.uploads[key]
	s.mu.Unlock()
	if hr.Method != http.MethodPost || !found {
		http.NotFound(w, hr)
		return
	}
	content := body
	if mt, params, err := mime.ParseMediaType(hr.Header.Get("Content-Type")); err == nil && mt == "multipart/form-data" {
		content = nil
		mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		for {
			part, err := mr.NextPart()
			if err != nil {
				break
			}
			if part.FormName() == "file" || part.FileName() != "" {
				content, _ = io.ReadAll(part)
			}
		}
		if content == nil {
			http.Error(w, "no file in the form", http.StatusBadRequest)
			return
		}
	}
	rep := s.record(Request{Method: "upload:" + id, Header: hr.Header.Clone(), Body: body, Token: strings.TrimPrefix(hr.Header.Get("Authorization"), "Bearer ")})
	if rep == nil {
		s.mu.Lock()
		f := s.files[id]
		f.Content, f.Uploaded = content, true
		s.mu.Unlock()
		rep = &Reply{Status: http.StatusOK, Body: "OK - " + strconv.Itoa(len(content))}
	}
	for k, vs := range rep.Header {
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(max(rep.Status, 200))
	if b, isString := rep.Body.(string); isString {
		io.WriteString(w, b)
	}
}

func (s *Server) completeUpload(r Request) *Reply {
	var want []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal([]byte(r.Param("files")), &want); err != nil || len(want) == 0 {
		return Error("invalid_arguments")
	}
	channel := r.Param("channel_id")
	var out []map[string]any
	s.mu.Lock()
	for _, w := range want {
		f, found := s.files[w.ID]
		if !found || !f.Uploaded {
			s.mu.Unlock()
			return Error("file_not_found")
		}
		if w.Title != "" {
			f.Title = w.Title
		} else {
			f.Title = f.Name
		}
		f.Channel, f.InitialComment, f.Completed = channel, r.Param("initial_comment"), true
		out = append(out, map[string]any{"id": f.ID, "title": f.Title})
	}
	s.mu.Unlock()
	if channel != "" {
		s.AddHistory(Message{Channel: channel, Text: r.Param("initial_comment"), BotID: "BBOT"})
	}
	return ok(map[string]any{"files": out})
}
