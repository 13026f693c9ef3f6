-- finalize: after a commit, confirm its reservations and drop what it released, in one
-- slot (see ownership.go).
-- KEYS: claimed records, then released records. ARGV: 1 aggregate id, 2 token ('' when
-- nothing was reserved), 3 committed version, 4 number of claimed records.
local agg, token, version, nClaimed = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
for i = 1, nClaimed do
  if token ~= '' and redis.call('HGET', KEYS[i], 'pend') == token then
    redis.call('HSET', KEYS[i], 'pend', '')
    redis.call('HDEL', KEYS[i], 'fresh', 'pver')
  end
end
for i = nClaimed + 1, #KEYS do
  -- A later claim of the same aggregate carries a higher version: leave it alone.
  if redis.call('HGET', KEYS[i], 'owner') == agg and tonumber(redis.call('HGET', KEYS[i], 'ver') or '0') < version then
    redis.call('DEL', KEYS[i])
  end
end
return 'ok'
