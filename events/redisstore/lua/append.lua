-- append: the whole commit in the plan's slot, atomically (see append.go, ownership.go).
-- KEYS: 1 snapshot hash, 2 event list, 3 owned-objectId set, 4 txn lock, 5 log stream,
--       then one ownership record per local claim, then one per local release.
-- ARGV: 1 aggregate id, 2 expected version, 3 txn token ('' = no transaction),
--       4 '1' if deleted, 5 snapshot document, 6 notify channel, 7 partition,
--       8 #events, 9 #local claims, 10 #local releases, 11 #foreign claims,
--       12 #foreign releases, then the events and the four objectId lists in that order.
-- Reply: {'ok'} | {'conflict', current} | {'busy'} | {'lease'} | {'needtxn'}
--        | {'taken', objectId, owner, pending token, generation}
local agg, expected, token = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local nEv, nLC, nLR, nFC, nFR =
  tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12])
local evAt = 13
local lcAt = evAt + nEv
local lrAt = lcAt + nLC
local fcAt = lrAt + nLR
local frAt = fcAt + nFC

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
for i = 1, nLC do
  local owner = redis.call('HGET', KEYS[5 + i], 'owner')
  if owner and owner ~= agg then
    local rec = redis.call('HMGET', KEYS[5 + i], 'pend', 'gen')
    return {'taken', ARGV[lcAt + i - 1], owner, rec[1] or '', rec[2] or '0'}
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
for i = 1, nLC do
  local k = KEYS[5 + i]
  redis.call('HSET', k, 'owner', agg, 'ver', version, 'pend', '')
  redis.call('HINCRBY', k, 'gen', 1)
  redis.call('HDEL', k, 'fresh', 'pver')
  redis.call('SADD', KEYS[3], ARGV[lcAt + i - 1])
end
for i = 1, nLR do
  local k = KEYS[5 + nLC + i]
  if redis.call('HGET', k, 'owner') == agg and tonumber(redis.call('HGET', k, 'ver') or '0') < version then
    redis.call('DEL', k)
  end
  redis.call('SREM', KEYS[3], ARGV[lrAt + i - 1])
end
for i = fcAt, fcAt + nFC - 1 do redis.call('SADD', KEYS[3], ARGV[i]) end
for i = frAt, frAt + nFR - 1 do redis.call('SREM', KEYS[3], ARGV[i]) end
if token ~= '' then redis.call('DEL', KEYS[4]) end
redis.call('PUBLISH', ARGV[6], ARGV[7])
return {'ok'}
