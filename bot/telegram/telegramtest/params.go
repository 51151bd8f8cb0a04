package telegramtest

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// params holds request parameters in their wire form: scalars as text and
// nested values (reply_markup, commands, message_ids...) as JSON text, which
// is how multipart/form-data carries them. JSON bodies are converted to the
// same form, so handlers do not care how a request was encoded.
type params map[string]string

const maxRequestBody = 32 << 20

func readParams(r *http.Request) (params, *apiError) {
	p := params{}
	for name, values := range r.URL.Query() {
		p[name] = values[0]
	}

	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody))
	if err != nil {
		return nil, badRequest("can't read request body: %v", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return p, nil
	}

	mediaType, mediaParams, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mediaType {
	case "application/json":
		return p, p.addJSON(body)
	case "multipart/form-data":
		form, err := multipart.NewReader(bytes.NewReader(body), mediaParams["boundary"]).ReadForm(maxRequestBody)
		if err != nil {
			return nil, badRequest("can't parse multipart/form-data: %v", err)
		}
		defer func() { _ = form.RemoveAll() }()
		for name, values := range form.Value {
			p[name] = values[0]
		}
		return p, nil
	default: // application/x-www-form-urlencoded and friends
		values, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, badRequest("can't parse request body: %v", err)
		}
		for name, vs := range values {
			p[name] = vs[0]
		}
		return p, nil
	}
}

func (p params) addJSON(body []byte) *apiError {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return badRequest("can't parse JSON object: %v", err)
	}
	for name, raw := range fields {
		raw = bytes.TrimSpace(raw)
		switch {
		case string(raw) == "null":
			continue
		case len(raw) > 0 && raw[0] == '"':
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return badRequest("can't parse field %q: %v", name, err)
			}
			p[name] = s
		default:
			p[name] = string(raw)
		}
	}
	return nil
}

func (p params) has(name string) bool {
	_, ok := p[name]
	return ok
}

func (p params) str(name string) string { return p[name] }

// int returns an integer parameter, or def when it is absent or malformed.
func (p params) int(name string, def int64) int64 {
	v, err := strconv.ParseInt(strings.TrimSpace(p[name]), 10, 64)
	if err != nil {
		return def
	}
	return v
}

func (p params) bool(name string) bool {
	v, _ := strconv.ParseBool(strings.TrimSpace(p[name]))
	return v
}

// chatID returns the chat_id parameter. Usernames (@channel) are not
// supported by the fake and answer "chat not found", like unknown chats do.
func (p params) chatID() (int64, *apiError) {
	raw := strings.TrimSpace(p["chat_id"])
	if raw == "" {
		return 0, badRequest("chat_id is empty")
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id == 0 {
		return 0, badRequest("chat not found")
	}
	return id, nil
}

// messageID returns the message_id parameter.
func (p params) messageID() (int, *apiError) {
	raw := strings.TrimSpace(p["message_id"])
	if raw == "" {
		return 0, badRequest("message identifier is not specified")
	}
	id, err := strconv.Atoi(raw)
	if err != nil || id <= 0 {
		return 0, badRequest("invalid message identifier specified")
	}
	return id, nil
}
