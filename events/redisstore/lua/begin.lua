-- begin: open a transaction of one aggregate, in its slot (see ownership.go).
-- KEYS: 1 snapshot hash, 2 owned-objectId set, 3 txn lock.
-- ARGV: 1 expected version, 2 token, 3 lease in ms, then the foreign objectIds to claim.
-- Reply: {'ok', objectIds not owned yet...} | {'conflict', current} | {'busy'}
local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if current ~= tonumber(ARGV[1]) then
  return {'conflict', tostring(current)}
end
if not redis.call('SET', KEYS[3], ARGV[2], 'NX', 'PX', ARGV[3]) then
  return {'busy'}
end
local reply = {'ok'}
for i = 4, #ARGV do
  if redis.call('SISMEMBER', KEYS[2], ARGV[i]) == 0 then reply[#reply + 1] = ARGV[i] end
end
return reply
