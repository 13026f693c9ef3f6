-- claim: reserve objectIds of one slot for transactions, all or none per transaction
-- (see ownership.go). One call serves several concurrent transactions (claim_batch.go):
-- each is a group of keys and arguments, decided on its own, in order.
-- KEYS: per group, its ownership records.
-- ARGV: 1 number of groups, then per group: aggregate id, token, target version, number
-- of keys, then the objectIds of its keys, for the reply.
-- Reply: per group {'ok'} | {'taken', objectId, owner, pending token, generation, version}
local function claim(keys, agg, token, target, ids)
  for i, k in ipairs(keys) do
    local rec = redis.call('HMGET', k, 'owner', 'pend', 'gen', 'ver')
    if rec[1] and rec[1] ~= agg then
      return {'taken', ids[i], rec[1], rec[2] or '', rec[3] or '0', rec[4] or '0'}
    end
  end
  for _, k in ipairs(keys) do
    if redis.call('EXISTS', k) == 0 then
      redis.call('HSET', k, 'owner', agg, 'gen', 1, 'pend', token, 'fresh', '1', 'ver', target, 'pver', 0)
    else
      -- Ours already but not in our state (a leftover): bump the generation so a
      -- concurrent takeover that saw the old one fails.
      local ver = redis.call('HGET', k, 'ver') or '0'
      redis.call('HSET', k, 'pend', token, 'pver', ver, 'ver', target)
      redis.call('HINCRBY', k, 'gen', 1)
    end
  end
  return {'ok'}
end

local replies, at, keyAt = {}, 2, 1
for g = 1, tonumber(ARGV[1]) do
  local agg, token, target, n = ARGV[at], ARGV[at + 1], ARGV[at + 2], tonumber(ARGV[at + 3])
  local keys, ids = {}, {}
  for i = 1, n do
    keys[i], ids[i] = KEYS[keyAt + i - 1], ARGV[at + 3 + i]
  end
  replies[g] = claim(keys, agg, token, target, ids)
  at, keyAt = at + 4 + n, keyAt + n
end
return replies
