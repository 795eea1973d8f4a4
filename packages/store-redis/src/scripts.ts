/*
 * The Lua scripts a `RedisStore` runs. Each names exactly one key (KEYS[1]), so each
 * is atomic on that key and Cluster-safe.
 *
 * What a session key holds:
 * - a string: the bytes of a session without an owner (also every key written before
 *   session management existed, so those read as before);
 * - a hash { d = bytes, o = owner }: a session with an owner;
 * - a hash { t = "1" } without `d`: a revocation (tombstone), expiring when it ends.
 */
import { createHash } from "node:crypto";

/** A script and its SHA-1, for EVALSHA. */
export interface Script {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
  /** Whether it writes what a caller was promised (with Sentinel, a replica must acknowledge it). */
  readonly writes: boolean;
}

/**
 * How much later than its session an owner index member ends: the index and the
 * session may live on two Cluster masters whose clocks differ, and the index is
 * written a round trip before the session.
 */
export const INDEX_SLACK_MS = 5_000;

const NOW = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end`;

// 'none', 'revoked', 'owned' or 'plain' (a string, or a key of another type, which
// the commands below then treat as Redis treats it: GET raises WRONGTYPE, DEL deletes).
const KIND = `
local function kind(k)
  local t = redis.call('TYPE', k).ok
  if t == 'none' then return 'none' end
  if t ~= 'hash' then return 'plain' end
  if redis.call('HEXISTS', k, 'd') == 1 then return 'owned' end
  return 'revoked'
end`;

function script(name: string, source: string, writes = false): Script {
  return { name, source, sha: createHash("sha1").update(source).digest("hex"), writes };
}

/** The bytes, or nil. A plain session costs one GET, as before. */
export const LOAD = script(
  "load",
  `local v = redis.pcall('GET', KEYS[1])
if type(v) == 'table' and v.err then return redis.call('HGET', KEYS[1], 'd') end
return v`,
);

/** ARGV: data, ttlMs[, owner]. 1 when written, 0 (writing nothing) while revoked. */
export const STORE = script(
  "store",
  `${KIND}
local k = KEYS[1]
if kind(k) == 'revoked' then return 0 end
if ARGV[3] then
  redis.call('DEL', k)
  redis.call('HSET', k, 'd', ARGV[1], 'o', ARGV[3])
  redis.call('PEXPIRE', k, ARGV[2])
else
  redis.call('SET', k, ARGV[1], 'PX', ARGV[2])
end
return 1`,
  true,
);

/** 1 when it deleted a live session; a revocation stays. */
export const REMOVE = script(
  "remove",
  `${KIND}
local s = kind(KEYS[1])
if s == 'none' or s == 'revoked' then return 0 end
return redis.call('DEL', KEYS[1])`,
  true,
);

/**
 * ARGV: ttlMs, the owner whose index already holds the new expiry ('' for none),
 * '1' to touch regardless. 1 touched, 0 absent or revoked; the owner (a string)
 * when the session has an owner whose index must be updated first.
 */
export const TOUCH = script(
  "touch",
  `${KIND}
local k = KEYS[1]
local s = kind(k)
if s == 'none' or s == 'revoked' then return 0 end
if s == 'owned' and ARGV[3] ~= '1' then
  local o = redis.call('HGET', k, 'o')
  if o ~= ARGV[2] then return o end
end
return redis.call('PEXPIRE', k, ARGV[1])`,
  true,
);

/** { data, expiresAt[, owner] } by the server's clock, or nil when absent or revoked. */
export const ENTRY = script(
  "entry",
  `${NOW}
${KIND}
local k = KEYS[1]
local s = kind(k)
if s == 'none' or s == 'revoked' then return false end
local data, owner
if s == 'owned' then
  local r = redis.call('HMGET', k, 'd', 'o')
  data, owner = r[1], r[2]
else
  data = redis.call('GET', k)
end
local ttl = redis.call('PTTL', k)
local at = -1
if ttl >= 0 then at = now_ms() + ttl end
if owner then return { data, at, owner } end
return { data, at }`,
);

/** 1 for a live session, 0 for none or a revocation. */
export const LIVE = script(
  "live",
  `${KIND}
local s = kind(KEYS[1])
if s == 'plain' or s == 'owned' then return 1 end
return 0`,
);

/**
 * ARGV: graceMs[, owner]. Leaves a revocation until max(the session's end, now + grace)
 * (a revocation already there keeps the later end). With an owner it revokes only a
 * live session of that owner. { 1 if a live session was revoked, else 0 or 2 when the
 * key is a revocation, how long the revocation lasts in ms (0 when none was written) }.
 */
export const REVOKE = script(
  "revoke",
  `${NOW}
${KIND}
local k = KEYS[1]
local s = kind(k)
local ttl = redis.call('PTTL', k)
if ARGV[2] and (s ~= 'owned' or redis.call('HGET', k, 'o') ~= ARGV[2]) then
  if s == 'revoked' then return { 2, ttl } end
  return { 0, 0 }
end
local now = now_ms()
local ends = now + tonumber(ARGV[1])
if ttl > 0 and now + ttl > ends then ends = now + ttl end
redis.call('DEL', k)
redis.call('HSET', k, 't', '1')
redis.call('PEXPIREAT', k, ends)
local live = 0
if s == 'plain' or s == 'owned' then live = 1 end
return { live, ends - now }`,
  true,
);

/**
 * On a session key, ARGV: owner. { 1, expiresAt } for a live session of that owner,
 * { 2, ms left } for a revocation, { 0, 0 } otherwise.
 */
export const OWNED = script(
  "owned",
  `${NOW}
${KIND}
local k = KEYS[1]
local s = kind(k)
if s == 'revoked' then return { 2, redis.call('PTTL', k) } end
if s ~= 'owned' or redis.call('HGET', k, 'o') ~= ARGV[1] then return { 0, 0 } end
return { 1, now_ms() + redis.call('PTTL', k) }`,
);

/**
 * On an owner index (a sorted set, score = end of the member's session + slack),
 * ARGV: id, ttlMs. Drops ended members, files the id (never lowering its score: a
 * concurrent store may be writing a longer session), and expires the index with its
 * latest member.
 */
export const INDEX = script(
  "index",
  `${NOW}
local k = KEYS[1]
local now = now_ms()
redis.call('ZREMRANGEBYSCORE', k, '-inf', now - 1)
local score = now + tonumber(ARGV[2]) + ${INDEX_SLACK_MS}
local old = redis.call('ZSCORE', k, ARGV[1])
if old and tonumber(old) > score then score = tonumber(old) end
redis.call('ZADD', k, score, ARGV[1])
local last = redis.call('ZRANGE', k, -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', k, tonumber(last[2]))
return 1`,
  true,
);

/** On an owner index: drops ended members and lists the rest. */
export const MEMBERS = script(
  "members",
  `${NOW}
local k = KEYS[1]
redis.call('ZREMRANGEBYSCORE', k, '-inf', now_ms() - 1)
return redis.call('ZRANGE', k, 0, -1)`,
);
