/**
 * Sliding-window counter (api.md §1.5): the count of the current fixed window plus the previous window's count
 * weighted by how much of it still lies inside the sliding minute. One hash per principal, one script call per
 * request; Redis's clock decides, so every gateway instance sees the same window.
 */
export const WINDOW_MS = 60_000;

/**
 * KEYS[1] the principal's window; ARGV[1] limit, ARGV[2] window ms.
 * Returns {allowed (0|1), previous count, current count (after this request), now ms, window start ms}.
 */
export const SLIDING_WINDOW_SCRIPT = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local start = now - (now % window)
local state = redis.call('HMGET', KEYS[1], 's', 'c', 'p')
local s = tonumber(state[1])
local c = tonumber(state[2]) or 0
local p = tonumber(state[3]) or 0
if s ~= start then
  if s == start - window then p = c else p = 0 end
  c = 0
end
if p * (window - (now - start)) / window + c + 1 > limit then
  return {0, p, c, now, start}
end
c = c + 1
redis.call('HSET', KEYS[1], 's', start, 'c', c, 'p', p)
redis.call('PEXPIRE', KEYS[1], window * 2)
return {1, p, c, now, start}
`;

export interface WindowState {
  allowed: boolean;
  previous: number;
  current: number;
  nowMs: number;
  windowStartMs: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Unix seconds: the end of the current window; on a refusal, when a request would be accepted again. */
  resetAt: number;
  /** Seconds to wait after a refusal (≥ 1). */
  retryAfter: number;
}

/** Headers and wait time from the script's answer (kept out of Lua so it can be unit-tested). */
export function decide(state: WindowState, limit: number, windowMs = WINDOW_MS): RateLimitDecision {
  const elapsed = state.nowMs - state.windowStartMs;
  const weighted = (state.previous * (windowMs - elapsed)) / windowMs + state.current;
  const windowEnd = state.windowStartMs + windowMs;
  if (state.allowed) {
    return {
      allowed: true,
      limit,
      remaining: Math.max(0, Math.floor(limit - weighted)),
      resetAt: Math.ceil(windowEnd / 1000),
      retryAfter: 0,
    };
  }
  const waitMs = msUntilAccepted(state, limit, windowMs, elapsed);
  const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
  return {
    allowed: false,
    limit,
    remaining: 0,
    resetAt: Math.ceil(state.nowMs / 1000) + retryAfter,
    retryAfter,
  };
}

/** When `previous·(window − t)/window + current + 1 ≤ limit` first holds again. */
function msUntilAccepted(state: WindowState, limit: number, windowMs: number, elapsed: number): number {
  const room = limit - 1 - state.current;
  if (room >= 0 && state.previous > 0) return windowMs * (1 - room / state.previous) - elapsed;
  // This window is full: in the next one the current count becomes the weighted previous one.
  const untilNext = windowMs - elapsed;
  if (state.current <= limit - 1) return untilNext;
  return untilNext + windowMs * (1 - (limit - 1) / state.current);
}
