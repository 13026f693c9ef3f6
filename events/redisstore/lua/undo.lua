-- undo: give back what a failed transaction reserved in one slot (see ownership.go).
-- KEYS: ownership records. ARGV: 1 token.
for _, k in ipairs(KEYS) do
  if redis.call('HGET', k, 'pend') == ARGV[1] then
    if redis.call('HGET', k, 'fresh') == '1' then
      redis.call('DEL', k)
    else
      redis.call('HSET', k, 'pend', '', 'ver', redis.call('HGET', k, 'pver') or '0')
      redis.call('HDEL', k, 'pver')
    end
  end
end
return 'ok'
