-- append: the whole commit, atomically (see append.go, ownership.go). On a cluster every
-- key is in the plan's slot; on a single server every claimed and released objectId is
-- local, so this one script decides and writes all of their ownership records.
-- KEYS: 1 snapshot hash, 2 event list, 3 owned-objectId set, 4 txn lock, 5 log stream,
--       then one ownership record per local claim, then one per local release.
-- ARGV: 1 aggregate id, 2 expected version, 3 txn token ('' = no transaction),
--       4 '1' if deleted, 5 snapshot document, 6 notify channel, 7 partition,
--       8 #events, 9 #local claims, 10 #local releases, 11 #foreign claims,
--       12 #foreign releases, then the events and the four objectId lists in that order.
-- Reply: {'ok'} | {'conflict', current} | {'busy'} | {'lease'} | {'needtxn'}
--        | {'taken', objectId, owner, pending token, generation, version}
local agg, expected, token = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local nEv, nLC, nLR, nFC, nFR =
  tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12])
local evAt = 13
local lcAt = evAt + nEv
local lrAt = lcAt + nLC
local fcAt = lrAt + nLR
local frAt = fcAt + nFC

-- each runs cmd on key with list[from], ..., list[from + n - 1] as arguments, in chunks
-- that stay well below the limit of Lua's unpack.
local function each(cmd, key, list, from, n)
  for i = from, from + n - 1, 1000 do
    redis.call(cmd, key, unpack(list, i, math.min(i + 999, from + n - 1)))
  end
end

local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if current ~= expected then
  return {'conflict', tostring(current)}
end
local holder = redis.call('GET', KEYS[4])
if token == '' then
  -- A transaction of this aggregate is under way and decided on this same version.
  if holder then return {'busy'} end
elseif holder ~= token then
  return {'lease'}
end

if token == '' then
  -- Without a transaction, foreign objectIds must already be ours.
  for i = fcAt, fcAt + nFC - 1 do
    if redis.call('SISMEMBER', KEYS[3], ARGV[i]) == 0 then return {'needtxn'} end
  end
end
-- Local claims: as for foreign ones, objectIds the aggregate owns already need nothing
-- (their records cannot be taken while they are in its oids set). Of the others, a
-- record naming another aggregate, reserved or owned, stops the commit: Append asks that
-- aggregate's state (probe.lua) whether the record is stale. claims[j] is the index of
-- a claim to write, new[j] whether its record is missing, ids[j] its objectId.
-- Without an oids set (a new plan) there is nothing to look up.
local owns = nLC > 0 and redis.call('EXISTS', KEYS[3]) == 1
local claims, new, ids = {}, {}, {}
for i = 1, nLC do
  local id = ARGV[lcAt + i - 1]
  if not owns or redis.call('SISMEMBER', KEYS[3], id) == 0 then
    local rec = redis.call('HMGET', KEYS[5 + i], 'owner', 'pend', 'gen', 'ver')
    if rec[1] and rec[1] ~= agg then
      return {'taken', id, rec[1], rec[2] or '', rec[3] or '0', rec[4] or '0'}
    end
    local j = #claims + 1
    claims[j], new[j], ids[j] = i, not rec[1], id
  end
end

local version = expected + nEv
for i = evAt, lcAt - 1 do
  redis.call('RPUSH', KEYS[2], ARGV[i])
  redis.call('XADD', KEYS[5], '*', 'e', ARGV[i])
end
if ARGV[4] == '1' then
  redis.call('HSET', KEYS[1], 'v', version, 'd', '1')
  redis.call('HDEL', KEYS[1], 'doc')
else
  redis.call('HSET', KEYS[1], 'v', version, 'd', '0', 'doc', ARGV[5])
end
for j, i in ipairs(claims) do
  local k = KEYS[5 + i]
  if new[j] then
    -- The record the three calls below would leave, written in one.
    redis.call('HSET', k, 'owner', agg, 'ver', version, 'pend', '', 'gen', 1)
  else
    redis.call('HSET', k, 'owner', agg, 'ver', version, 'pend', '')
    redis.call('HINCRBY', k, 'gen', 1)
    redis.call('HDEL', k, 'fresh', 'pver')
  end
end
each('SADD', KEYS[3], ids, 1, #ids)
for i = 1, nLR do
  local k = KEYS[5 + nLC + i]
  local rec = redis.call('HMGET', k, 'owner', 'ver')
  if rec[1] == agg and tonumber(rec[2] or '0') < version then
    redis.call('DEL', k)
  end
end
each('SREM', KEYS[3], ARGV, lrAt, nLR)
each('SADD', KEYS[3], ARGV, fcAt, nFC)
each('SREM', KEYS[3], ARGV, frAt, nFR)
if token ~= '' then redis.call('DEL', KEYS[4]) end
redis.call('PUBLISH', ARGV[6], ARGV[7])
return {'ok'}
