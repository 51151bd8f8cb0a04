package redis

import (
	"context"
	"fmt"
	"time"

	"github.com/go-redis/redis_rate/v10"
)

// rateKeyPrefix is what redis_rate puts before every key it is given: the limiter's
// keys are "rate:<prefix>rate:<key>".
const rateKeyPrefix = "rate:"

// Limiter is a rate limiter shared by every instance that uses the same Redis and
// prefix (GCRA, via go-redis/redis_rate).
type Limiter struct {
	c       *Client
	limiter *redis_rate.Limiter
}

// Limiter returns the shared limiter.
func (c *Client) Limiter() *Limiter {
	return &Limiter{c: c, limiter: redis_rate.NewLimiter(c.rdb)}
}

// Allow takes one token from the bucket named key, filled at perSecond with room for
// burst. When none is left it reports how long to wait; it never blocks. A zero rate
// means no limit.
func (l *Limiter) Allow(ctx context.Context, key string, perSecond float64, burst int) (time.Duration, error) {
	if perSecond <= 0 {
		return 0, nil
	}
	limit := toLimit(perSecond, burst)
	res, err := l.limiter.Allow(ctx, l.c.key("rate", key), limit)
	if err != nil {
		return 0, fmt.Errorf("redis: rate limit %s: %w", key, err)
	}
	if res.Allowed > 0 {
		return 0, nil
	}
	return res.RetryAfter, nil
}

// toLimit expresses a fractional rate (0.5/s is one every two seconds) in
// redis_rate's whole events per period.
func toLimit(perSecond float64, burst int) redis_rate.Limit {
	burst = max(burst, 1)
	if perSecond >= 1 {
		return redis_rate.Limit{Rate: int(perSecond + 0.5), Period: time.Second, Burst: burst}
	}
	return redis_rate.Limit{Rate: 1, Period: time.Duration(float64(time.Second) / perSecond), Burst: burst}
}
