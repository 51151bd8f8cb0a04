// Package telegramtest provides a fake Telegram Bot API server for
// end-to-end tests.
//
// The fake speaks the real wire protocol — multipart/form-data as sent by
// github.com/go-telegram/bot, application/json as sent by hand-written
// pollers, and url-encoded forms — and it enforces the rules of the real API
// that bots tend to break in production:
//
//   - message text must be 1..4096 UTF-16 code units after entity parsing;
//   - parse_mode=HTML text must use only supported tags, be balanced and
//     escape every '<' and '&' that is not markup (this fake is deliberately
//     stricter than Telegram about a bare '&');
//   - inline buttons need non-empty text and an action; callback_data is
//     1..64 bytes;
//   - edits of missing messages and no-op edits fail; editMessageText without
//     reply_markup removes the inline keyboard, as on Telegram;
//   - messages older than 48 hours (by the fake clock) cannot be deleted;
//   - a callback query can be answered once;
//   - a user who blocked the bot makes every send to the chat fail with 403;
//   - optional flood limits answer 429 with parameters.retry_after;
//   - getUpdates confirms updates only through offset, long-polls, conflicts
//     with a webhook and with a concurrent getUpdates;
//   - webhooks get every update in order, with the secret header, retried
//     until the receiver answers 2xx.
//
// Typical use:
//
//	srv := telegramtest.New(t, "123:TEST")
//	b, _ := bot.New("123:TEST", bot.WithServerURL(srv.URL()), bot.WithSkipGetMe())
//	// ... start the bot under test ...
//	srv.SendCommand(42, "ru", "/start")
//	msgs := srv.WaitSent(t, 42, 1, 2*time.Second)
//
// Every method of Server is safe for concurrent use.
package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
)

// Server is a fake Telegram Bot API server. Create it with New.
type Server struct {
	token   string
	botUser models.User
	httpSrv *httptest.Server

	ctx           context.Context // canceled when the test ends
	cancel        context.CancelFunc
	delivererDone chan struct{}

	clock atomic.Pointer[func() time.Time]

	mu sync.Mutex
	// onSent, when set, is told of every message sent (see OnSent).
	onSent atomic.Pointer[func(Message)]

	// changed is closed (and replaced) on every state change, waking long
	// polls, the webhook deliverer and WaitFor.
	changed chan struct{}

	// Incoming side: updates waiting for confirmation, users, callbacks.
	nextUpdateID   int64
	queue          []queuedUpdate
	users          map[int64]*userState
	callbacks      map[string]*callbackState
	callbackByUpd  map[int64]string
	nextCallbackID int64
	activePoll     *longPoll

	// Outgoing side: what the bot did.
	chats    map[int64]*chatState
	commands map[commandKey][]models.BotCommand
	calls    map[string]int
	errors   []string

	webhook webhookState

	// Limits and fault injection.
	down            bool
	chatLimit       limit
	globalLimit     limit
	chatBuckets     map[int64]*bucket
	globalBucket    *bucket
	faults          []*fault
	tooManyRequests int
}

// New starts a fake Bot API server that accepts requests for token. The
// server, its long polls and its webhook deliverer stop when the test ends.
func New(t testing.TB, token string) *Server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		token:          token,
		botUser:        botUserFor(token),
		ctx:            ctx,
		cancel:         cancel,
		delivererDone:  make(chan struct{}),
		changed:        make(chan struct{}),
		nextUpdateID:   1000,
		users:          make(map[int64]*userState),
		callbacks:      make(map[string]*callbackState),
		callbackByUpd:  make(map[int64]string),
		nextCallbackID: 4_000_000_000_000_000_000,
		chats:          make(map[int64]*chatState),
		commands:       make(map[commandKey][]models.BotCommand),
		calls:          make(map[string]int),
		chatBuckets:    make(map[int64]*bucket),
		webhook: webhookState{
			retryDelay:  50 * time.Millisecond,
			maxAttempts: 200,
		},
	}
	s.SetNow(time.Now)
	s.httpSrv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	go s.deliverWebhooks()
	t.Cleanup(func() {
		s.cancel()
		<-s.delivererDone
		s.httpSrv.Close()
	})
	return s
}

// URL returns the base URL of the server, to be passed as the bot's server
// URL (for example bot.WithServerURL). Requests go to URL()+"/bot<token>/<method>".
func (s *Server) URL() string { return s.httpSrv.URL }

// Bot returns the bot's own user, as answered by getMe. Its ID is the numeric
// prefix of the token (1 when the token has none).
func (s *Server) Bot() models.User { return s.botUser }

// SetNow replaces the clock used for message dates and the 48-hour delete
// rule. The default is time.Now. Flood limits always use the real time.
// now is called with the server's lock held, so it must not call the Server.
func (s *Server) SetNow(now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	s.clock.Store(&now)
}

// OnSent calls fn with every message the bot sends, as it is stored. fn runs under
// the fake's lock: it must be quick and must not call the Server. Load tests use it
// to time replies without polling.
func (s *Server) OnSent(fn func(Message)) { s.onSent.Store(&fn) }

func (s *Server) now() time.Time { return (*s.clock.Load())() }

func botUserFor(token string) models.User {
	id, err := strconv.ParseInt(strings.SplitN(token, ":", 2)[0], 10, 64)
	if err != nil || id <= 0 {
		id = 1
	}
	return models.User{
		ID:            id,
		IsBot:         true,
		FirstName:     "Test Bot",
		Username:      "test_bot",
		CanJoinGroups: true,
	}
}

// notifyLocked wakes everything waiting for a state change. s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// changedChan returns the channel closed on the next state change.
func (s *Server) changedChan() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

// ---------------------------------------------------------------------------
// HTTP plumbing.

// apiError is a failed Bot API answer.
type apiError struct {
	code        int
	description string
	retryAfter  int
}

func badRequest(format string, args ...any) *apiError {
	return &apiError{code: http.StatusBadRequest, description: "Bad Request: " + fmt.Sprintf(format, args...)}
}

func forbidden(what string) *apiError {
	return &apiError{code: http.StatusForbidden, description: "Forbidden: " + what}
}

func conflict(what string) *apiError {
	return &apiError{code: http.StatusConflict, description: "Conflict: " + what}
}

func tooManyRequests(retryAfter int) *apiError {
	if retryAfter < 1 {
		retryAfter = 1
	}
	return &apiError{
		code:        http.StatusTooManyRequests,
		description: fmt.Sprintf("Too Many Requests: retry after %d", retryAfter),
		retryAfter:  retryAfter,
	}
}

var (
	errUnauthorized = &apiError{code: http.StatusUnauthorized, description: "Unauthorized"}
	errNotFound     = &apiError{code: http.StatusNotFound, description: "Not Found"}
	errBadGateway   = &apiError{code: http.StatusBadGateway, description: "Bad Gateway"}
)

type apiResponse struct {
	OK          bool                `json:"ok"`
	Result      any                 `json:"result,omitempty"`
	ErrorCode   int                 `json:"error_code,omitempty"`
	Description string              `json:"description,omitempty"`
	Parameters  *responseParameters `json:"parameters,omitempty"`
}

type responseParameters struct {
	RetryAfter int `json:"retry_after,omitempty"`
}

// call is one Bot API request as seen by a method handler.
type call struct {
	ctx    context.Context
	method string // as spelled by the client
	params params
}

type methodHandler func(s *Server, c *call) (any, *apiError)

// methods maps lower-cased method names (Telegram ignores their case) to handlers.
var methods = map[string]methodHandler{
	"getme":                  (*Server).getMe,
	"getupdates":             (*Server).getUpdates,
	"setwebhook":             (*Server).setWebhook,
	"deletewebhook":          (*Server).deleteWebhook,
	"getwebhookinfo":         (*Server).getWebhookInfo,
	"sendmessage":            (*Server).sendMessage,
	"editmessagetext":        (*Server).editMessageText,
	"editmessagereplymarkup": (*Server).editMessageReplyMarkup,
	"deletemessage":          (*Server).deleteMessage,
	"deletemessages":         (*Server).deleteMessages,
	"answercallbackquery":    (*Server).answerCallbackQuery,
	"setmycommands":          (*Server).setMyCommands,
	"getmycommands":          (*Server).getMyCommands,
	"deletemycommands":       (*Server).deleteMyCommands,
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	token, method, ok := splitPath(r.URL.Path)
	if !ok {
		writeAnswer(w, nil, errNotFound)
		return
	}

	s.mu.Lock()
	s.calls[strings.ToLower(method)]++
	down := s.down
	s.mu.Unlock()

	result, apiErr := s.dispatch(r, token, method, down)
	if apiErr != nil {
		s.mu.Lock()
		s.errors = append(s.errors, fmt.Sprintf("%s: %d %s", method, apiErr.code, apiErr.description))
		if apiErr.code == http.StatusTooManyRequests {
			s.tooManyRequests++
		}
		s.mu.Unlock()
	}
	writeAnswer(w, result, apiErr)
}

func (s *Server) dispatch(r *http.Request, token, method string, down bool) (any, *apiError) {
	if down {
		return nil, errBadGateway
	}
	if token != s.token {
		return nil, errUnauthorized
	}
	handler, ok := methods[strings.ToLower(method)]
	if !ok {
		return nil, errNotFound
	}
	p, apiErr := readParams(r)
	if apiErr != nil {
		return nil, apiErr
	}
	// Message calls check injected failures themselves, after validation.
	if !messageMethods[strings.ToLower(method)] {
		if apiErr := s.injectedFault(method, p); apiErr != nil {
			return nil, apiErr
		}
	}
	return handler(s, &call{ctx: r.Context(), method: method, params: p})
}

// splitPath splits "/bot<token>/<method>" (optionally "/bot<token>/test/<method>").
func splitPath(path string) (token, method string, ok bool) {
	rest, found := strings.CutPrefix(path, "/bot")
	if !found {
		return "", "", false
	}
	token, method, found = strings.Cut(rest, "/")
	method = strings.TrimPrefix(method, "test/")
	if !found || method == "" || strings.Contains(method, "/") {
		return "", "", false
	}
	return token, method, true
}

func writeAnswer(w http.ResponseWriter, result any, apiErr *apiError) {
	w.Header().Set("Content-Type", "application/json")
	resp := apiResponse{OK: true, Result: result}
	status := http.StatusOK
	if apiErr != nil {
		status = apiErr.code
		resp = apiResponse{ErrorCode: apiErr.code, Description: apiErr.description}
		if apiErr.retryAfter > 0 {
			resp.Parameters = &responseParameters{RetryAfter: apiErr.retryAfter}
		}
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(resp)
}

// getMe answers with the bot's user.
func (s *Server) getMe(*call) (any, *apiError) { return s.botUser, nil }
