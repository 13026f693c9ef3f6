-- takeover: drop a stale ownership record, only if nobody touched it since it was
-- probed (see ownership.go).
-- KEYS: 1 ownership record. ARGV: 1 owner, 2 generation seen.
local rec = redis.call('HMGET', KEYS[1], 'owner', 'gen')
if rec[1] == ARGV[1] and (rec[2] or '0') == ARGV[2] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
