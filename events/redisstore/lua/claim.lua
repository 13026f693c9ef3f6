-- claim: reserve objectIds of one slot for a transaction, all or none (see ownership.go).
-- KEYS: ownership records. ARGV: 1 aggregate id, 2 token, 3 target version, then the
-- objectIds of KEYS, for the reply.
-- Reply: {'ok'} | {'taken', objectId, owner, pending token, generation, version}
local agg, token, target = ARGV[1], ARGV[2], ARGV[3]
for i, k in ipairs(KEYS) do
  local rec = redis.call('HMGET', k, 'owner', 'pend', 'gen', 'ver')
  if rec[1] and rec[1] ~= agg then
    return {'taken', ARGV[3 + i], rec[1], rec[2] or '', rec[3] or '0', rec[4] or '0'}
  end
end
for _, k in ipairs(KEYS) do
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
