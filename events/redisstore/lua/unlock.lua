-- unlock: end a transaction that will not commit, if it still holds the lock.
-- KEYS: 1 txn lock. ARGV: 1 token.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
end
return 'ok'
