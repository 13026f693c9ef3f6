-- finalize: after commits, confirm their reservations and drop what they released, in
-- one slot (see ownership.go). One call finalizes several commits (finalize_batch.go):
-- each is a group of keys and arguments, handled on its own.
-- KEYS: per group, its claimed records, then its released records.
-- ARGV: 1 number of groups, then per group five: aggregate id, token ('' when nothing
-- was reserved), committed version, number of claimed records, number of keys.
local at, keyAt = 2, 1
for _ = 1, tonumber(ARGV[1]) do
  local agg, token, version = ARGV[at], ARGV[at + 1], tonumber(ARGV[at + 2])
  local nClaimed, nKeys = tonumber(ARGV[at + 3]), tonumber(ARGV[at + 4])
  for i = keyAt, keyAt + nClaimed - 1 do
    if token ~= '' and redis.call('HGET', KEYS[i], 'pend') == token then
      redis.call('HSET', KEYS[i], 'pend', '')
      redis.call('HDEL', KEYS[i], 'fresh', 'pver')
    end
  end
  for i = keyAt + nClaimed, keyAt + nKeys - 1 do
    -- A later claim of the same aggregate carries a higher version: leave it alone.
    if redis.call('HGET', KEYS[i], 'owner') == agg and tonumber(redis.call('HGET', KEYS[i], 'ver') or '0') < version then
      redis.call('DEL', KEYS[i])
    end
  end
  at, keyAt = at + 5, keyAt + nKeys
end
return 'ok'
