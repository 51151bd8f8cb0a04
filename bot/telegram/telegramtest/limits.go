package telegramtest

import (
	"math"
	"net/http"
	"strings"
	"time"
)

// messageMethods are the calls that produce or change messages: they count
// against flood limits and are the targets of FailNext.
var messageMethods = map[string]bool{
	"sendmessage":            true,
	"editmessagetext":        true,
	"editmessagereplymarkup": true,
}

// limit is a token-bucket configuration; perSecond <= 0 disables it.
type limit struct {
	perSecond float64
	burst     int
}

// bucket is a token bucket over the real clock.
type bucket struct {
	limit
	tokens float64
	last   time.Time
}

func newBucket(l limit, now time.Time) *bucket {
	return &bucket{limit: l, tokens: float64(l.burst), last: now}
}

// wait returns how long until a token is available (0: available now).
func (b *bucket) wait(now time.Time) time.Duration {
	b.tokens = math.Min(float64(b.burst), b.tokens+now.Sub(b.last).Seconds()*b.perSecond)
	b.last = now
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) / b.perSecond * float64(time.Second))
}

// SetChatLimit limits message calls per chat to perSecond with bursts of up
// to burst calls; perSecond <= 0 removes the limit (the default). Calls over
// the limit answer 429 with retry_after.
func (s *Server) SetChatLimit(perSecond float64, burst int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chatLimit = limit{perSecond: perSecond, burst: max(burst, 1)}
	s.chatBuckets = make(map[int64]*bucket)
}

// SetGlobalLimit limits message calls over all chats, like SetChatLimit.
func (s *Server) SetGlobalLimit(perSecond float64, burst int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.globalLimit = limit{perSecond: perSecond, burst: max(burst, 1)}
	s.globalBucket = nil
}

// TooManyRequests returns how many 429 answers the server gave, whether
// caused by limits or by FailNext.
func (s *Server) TooManyRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tooManyRequests
}

// takeTokenLocked consumes a token for a message call in chatID from the
// chat and global buckets, or reports the retry_after to answer.
func (s *Server) takeTokenLocked(chatID int64) *apiError {
	now := time.Now()
	var buckets []*bucket
	if s.chatLimit.perSecond > 0 {
		b := s.chatBuckets[chatID]
		if b == nil {
			b = newBucket(s.chatLimit, now)
			s.chatBuckets[chatID] = b
		}
		buckets = append(buckets, b)
	}
	if s.globalLimit.perSecond > 0 {
		if s.globalBucket == nil {
			s.globalBucket = newBucket(s.globalLimit, now)
		}
		buckets = append(buckets, s.globalBucket)
	}
	var wait time.Duration
	for _, b := range buckets {
		wait = max(wait, b.wait(now))
	}
	if wait > 0 {
		return tooManyRequests(int(math.Ceil(wait.Seconds())))
	}
	for _, b := range buckets {
		b.tokens--
	}
	return nil
}

// fault is an injected failure for the next calls in a chat.
type fault struct {
	method     string // lower-cased; "" means any message call
	chatID     int64  // 0 means any chat
	status     int
	retryAfter int
	remaining  int
}

// FailNext makes the next n message calls (sendMessage, editMessageText,
// editMessageReplyMarkup) for chatID fail with status: 429 carries
// retry_after (at least 1), 400, 403, 500 and 502 get realistic
// descriptions. Injected failures are checked before flood limits and after
// request validation.
func (s *Server) FailNext(chatID int64, status int, retryAfter int, n int) {
	s.FailNextMethod("", chatID, status, retryAfter, n)
}

// FailNextMethod is FailNext for one method (any method, e.g. "deleteMessage"
// or "getUpdates"); chatID 0 matches calls for any chat and calls without one.
func (s *Server) FailNextMethod(method string, chatID int64, status int, retryAfter int, n int) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{
		method:     strings.ToLower(method),
		chatID:     chatID,
		status:     status,
		retryAfter: retryAfter,
		remaining:  n,
	})
}

// SetDown makes every call answer 502 Bad Gateway until SetDown(false),
// simulating network trouble between the bot and Telegram.
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

// injectedFault applies FailNextMethod failures to a call that is not a
// message call; the chat is chat_id or the user of callback_query_id.
func (s *Server) injectedFault(method string, p params) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) == 0 {
		return nil
	}
	chatID := p.int("chat_id", 0)
	if cb := s.callbacks[p.str("callback_query_id")]; chatID == 0 && cb != nil {
		chatID = cb.userID
	}
	return s.injectedFaultLocked(method, chatID)
}

// injectedFaultLocked returns the injected failure for this call, if any.
func (s *Server) injectedFaultLocked(method string, chatID int64) *apiError {
	method = strings.ToLower(method)
	for i, f := range s.faults {
		methodMatches := f.method == method || f.method == "" && messageMethods[method]
		if !methodMatches || f.chatID != 0 && f.chatID != chatID {
			continue
		}
		f.remaining--
		if f.remaining == 0 {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		return faultError(f.status, f.retryAfter)
	}
	return nil
}

func faultError(status, retryAfter int) *apiError {
	switch status {
	case http.StatusTooManyRequests:
		return tooManyRequests(retryAfter)
	case http.StatusBadRequest:
		return badRequest("chat not found")
	case http.StatusForbidden:
		return forbidden("bot was blocked by the user")
	case http.StatusBadGateway:
		return errBadGateway
	}
	desc := http.StatusText(status)
	if desc == "" {
		desc = "Error"
	}
	return &apiError{code: status, description: desc}
}

// admitMessageCallLocked applies, in order, injected failures, the blocked
// user rule and flood limits to a message call in chatID.
func (s *Server) admitMessageCallLocked(method string, chatID int64) *apiError {
	if err := s.injectedFaultLocked(method, chatID); err != nil {
		return err
	}
	if u := s.users[chatID]; u != nil && u.blocked {
		return forbidden("bot was blocked by the user")
	}
	return s.takeTokenLocked(chatID)
}
