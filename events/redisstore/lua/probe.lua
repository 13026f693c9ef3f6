-- probe: does the owner named by an ownership record really own the objectId? Runs in
-- the owner's slot (see ownership.go).
-- KEYS: 1 owner's txn lock, 2 owner's owned-objectId set. ARGV: 1 record's pending
-- token, 2 objectId.
-- Reply: 'busy' (its transaction is still under way) | 'owned' | 'free'
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) == ARGV[1] then
  return 'busy'
end
if redis.call('SISMEMBER', KEYS[2], ARGV[2]) == 1 then
  return 'owned'
end
return 'free'
