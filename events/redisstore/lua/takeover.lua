-- takeover: drop a stale ownership record, only if it is still the record that was
-- probed: same owner, generation, pending token and version (see ownership.go).
-- KEYS: 1 ownership record. ARGV: 1 owner, 2 generation, 3 pending token, 4 version, as
-- a 'taken' reply reported them.
local rec = redis.call('HMGET', KEYS[1], 'owner', 'gen', 'pend', 'ver')
if rec[1] == ARGV[1] and (rec[2] or '0') == ARGV[2] and (rec[3] or '') == ARGV[3]
    and (rec[4] or '0') == ARGV[4] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
