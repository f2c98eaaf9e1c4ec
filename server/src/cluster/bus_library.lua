#!lua name=bmcp_bus
-- The shared bus of a blender-mcp cluster, as Redis functions: every call that reads and
-- changes one user's bus runs here, atomically, so that nodes never see half a registration
-- or half a send. The C++ side (server/src/cluster/redis_bus.cpp) builds record texts and
-- reads the results; nothing here parses or re-encodes a payload.
--
-- Keys of one user share the prefix `bmcp:{<user>}:` given as the first argument:
--   clients        ZSET  uuid -> registration order
--   order          STRING the next registration order
--   c:<uuid>       HASH  type, persistent (0/1), caps (JSON text), group, uj (the uuid as a
--                        JSON string), order, connected_at, registered_at, session, node,
--                        unbound_seen (Unix seconds; the latter three only while relevant),
--                        bv, host (what the client reported: Blender's version, its host)
--   s:<session>    HASH  node ('' while no node serves it), level (0..7), attached (0/1),
--                        detached_at, last_request_at, created_at, seq (the last event id),
--                        delivered (the last event id a node took), queued (records the
--                        serving node took but has not sent on the session's stream yet, as
--                        its last report said): a session with a client bound to it
--   e:<session>    STREAM the records for that session's clients (fields t text, u uuid, p
--                        priority), entry ids 0-<event id>, read by the node that serves it and
--                        kept a while for Last-Event-ID
--   m:<session>    HASH  account, protocol, level: the session directory (any MCP session of
--                        the user), expiring with the idle timeout unless refreshed
--   h:<uuid>       STREAM records held for an offline persistent client (fields t, b)
--   hb             HASH  uuid -> bytes held for it
--   pj:<job_id>    HASH  originator, targets (JSON text), generation; expires with the TTL
--   pjz            ZSET  job_id -> generation, for the per-user bound
-- Cluster-wide keys: bmcp:job-records (ZSET job record key -> its expiry in ms: the count of
-- job records; every write of a record with a time to live goes through index_job),
-- bmcp:nodes (ZSET node -> expiry in ms), bmcp:node:<node> (SET of
-- "<prefix>\n<session>" the node serves), bmcp:holds (SET of "<prefix>\n<uuid>" holding
-- records), bmcp:users (SET of the prefixes of users with clients), bmcp:orphans (ZSET of
-- released sessions waiting for a node), bmcp:generation (STRING). Wake-ups: PUBLISH
-- bmcp:wake:<node> "<prefix>\n<session>[\n<event id>\n<record text>]" (publish_wakes).

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function node_alive(node, now)
  if not node or node == '' then return false end
  local expiry = redis.call('ZSCORE', 'bmcp:nodes', node)
  return expiry ~= false and tonumber(expiry) > now
end

-- Unbinds a client: persistent ones stay (offline), ephemeral ones leave.
local function unbind(prefix, uuid, seen)
  local key = prefix .. 'c:' .. uuid
  if redis.call('HGET', key, 'persistent') == '1' then
    redis.call('HDEL', key, 'session', 'node')
    redis.call('HSET', key, 'unbound_seen', tostring(seen))
    return false
  end
  redis.call('DEL', key)
  redis.call('ZREM', prefix .. 'clients', uuid)
  if redis.call('ZCARD', prefix .. 'clients') == 0 then redis.call('SREM', 'bmcp:users', prefix) end
  return true
end

-- Defined below; end_session needs it.
local hold

-- The session ended: unbind its clients (ephemeral ones leave, persistent ones go offline),
-- move what its stream still had undelivered for its persistent clients to their holds, in
-- order, and forget the session.
local function end_session(prefix, session, seen, hold_count, hold_bytes)
  local skey = prefix .. 's:' .. session
  local persistent = {}
  for _, uuid in ipairs(redis.call('ZRANGE', prefix .. 'clients', 0, -1)) do
    if redis.call('HGET', prefix .. 'c:' .. uuid, 'session') == session then
      if redis.call('HGET', prefix .. 'c:' .. uuid, 'persistent') == '1' then
        persistent[uuid] = true
      end
      unbind(prefix, uuid, seen)
    end
  end
  local delivered = redis.call('HGET', skey, 'delivered') or '0'
  if next(persistent) ~= nil and hold_count then
    local ekey = prefix .. 'e:' .. session
    for _, entry in ipairs(redis.call('XRANGE', ekey, '(0-' .. delivered, '+')) do
      local fields = {}
      for i = 1, #entry[2], 2 do fields[entry[2][i]] = entry[2][i + 1] end
      if fields.u and persistent[fields.u] then
        hold(prefix, fields.u, fields.t, fields.p, tonumber(hold_count), tonumber(hold_bytes))
      end
    end
  end
  local node = redis.call('HGET', skey, 'node')
  if node then redis.call('SREM', 'bmcp:node:' .. node, prefix .. '\n' .. session) end
  redis.call('ZREM', 'bmcp:orphans', prefix .. '\n' .. session)
  redis.call('DEL', skey, prefix .. 'e:' .. session)
end

-- Holds `text` for an offline persistent client within its bounds (oldest give way).
-- Returns kept (bool), dropped_oldest (bool).
hold = function(prefix, uuid, text, priority, max_count, max_bytes)
  local bytes = string.len(text)
  if bytes > max_bytes then return false, false end
  local key = prefix .. 'h:' .. uuid
  local held = tonumber(redis.call('HGET', prefix .. 'hb', uuid) or '0')
  local dropped = false
  while redis.call('XLEN', key) > 0 and
      (held + bytes > max_bytes or redis.call('XLEN', key) >= max_count) do
    local oldest = redis.call('XRANGE', key, '-', '+', 'COUNT', 1)[1]
    redis.call('XDEL', key, oldest[1])
    held = held - tonumber(oldest[2][4])
    dropped = true
  end
  redis.call('XADD', key, '*', 't', text, 'b', bytes, 'p', priority)
  redis.call('HSET', prefix .. 'hb', uuid, held + bytes)
  redis.call('SADD', 'bmcp:holds', prefix .. '\n' .. uuid)
  return true, dropped
end

-- The session of a bound client if it can take records now: its hash, or nil when the session
-- is gone or its node is dead.
-- The session of a bound client: its hash {node, level, attached, detached_at}, or nil when
-- the session ended. Its node may be dead or '' (a session no node serves right now, kept for
-- the node that takes it over): records still go to its stream.
local function live_session(prefix, session, now)
  if not session then return nil end
  local s = redis.call('HMGET', prefix .. 's:' .. session, 'node', 'level', 'attached',
                       'detached_at')
  if not s[2] then return nil end
  return s
end

local function is_online(s, now, grace_ms)
  if not node_alive(s[1], now) then return false end
  if s[3] == '1' then return true end
  return now - tonumber(s[4] or '0') < grace_ms
end

-- Appends a record for `uuid` to the session's stream. Entry ids are 0-<n> with n counting up
-- per session: n is the record's event id on the session's GET stream on every node.
local function append(prefix, session, node, uuid, text, priority, maxlen, wakes)
  local n = redis.call('HINCRBY', prefix .. 's:' .. session, 'seq', 1)
  redis.call('XADD', prefix .. 'e:' .. session, 'MAXLEN', '~', maxlen, '0-' .. n, 't', text,
             'u', uuid, 'p', priority)
  if node and node ~= '' then
    local member = node .. '\0' .. session
    local wake = wakes[member]
    if wake then
      wake.text = nil  -- several records: the node reads them from the stream
    else
      wakes[member] = {node = node, session = session, id = n, text = text}
    end
  end
end

-- Records up to this size ride along with their wake-up (see publish_wakes).
local INLINE_BYTES = 65536

-- One wake-up per session that got records: "<prefix>\n<session>", followed by
-- "\n<event id>\n<text>" when it got exactly one small record, which the serving node then
-- delivers without reading the stream (it reads the stream whenever that record does not
-- follow the last one it took).
local function publish_wakes(prefix, wakes)
  for _, wake in pairs(wakes) do
    local message = prefix .. '\n' .. wake.session
    if wake.text and string.len(wake.text) <= INLINE_BYTES then
      message = message .. '\n' .. wake.id .. '\n' .. wake.text
    end
    redis.call('PUBLISH', 'bmcp:wake:' .. wake.node, message)
  end
end

-- The target of a dispatch among the clients of `ctype` (as jobs::choose_target does it on one
-- node): the requested uuid when it is such a client and online, else the only online one.
-- Returns the uuid, or nil and {'no_target', kind, candidates} with kind 'unknown', 'offline',
-- 'no_client' or 'ambiguous' (candidates: the online uuids, sorted).
local function choose(prefix, ctype, requested, now, grace_ms)
  local function online(uuid)
    local c = redis.call('HMGET', prefix .. 'c:' .. uuid, 'type', 'session')
    if c[1] ~= ctype then return nil end
    local s = live_session(prefix, c[2], now)
    return s ~= nil and is_online(s, now, grace_ms)
  end
  if requested ~= '' then
    local state = online(requested)
    if state == nil then return nil, {'no_target', 'unknown', {}} end
    if not state then return nil, {'no_target', 'offline', {}} end
    return requested
  end
  local found = {}
  for _, uuid in ipairs(redis.call('ZRANGE', prefix .. 'clients', 0, -1)) do
    if online(uuid) then found[#found + 1] = uuid end
  end
  if #found == 0 then return nil, {'no_target', 'no_client', {}} end
  if #found > 1 then
    table.sort(found)
    return nil, {'no_target', 'ambiguous', found}
  end
  return found[1]
end

-- Args: prefix, route kind (direct|group|type_filter|broadcast|choose), route key, origin,
-- priority (0..7), text before the target uuid, text after it, too_large (0/1),
-- track (0/1), job_id, hold count bound, hold byte bound, stream length bound, grace ms,
-- pending bound, pending ttl seconds, close_job ('' or job id), close_generation, and for
-- 'choose' the client type and the text after the route's target (the route key is then the
-- requested uuid, '' for any: see choose(); the text after the recipient's uuid ends where
-- the record's route names the chosen client). Returns {status, targets, filtered, offline, dropped, counts} where status is
-- 'ok' or 'too_large' and counts = {delivered, filtered, held, hold_overflow, dropped}, or
-- choose()'s {'no_target', kind, candidates}. 'too_large' lists the targets it would have had.
local function send(keys, args)
  local prefix, kind, key, origin = args[1], args[2], args[3], args[4]
  local priority, before, after = tonumber(args[5]), args[6], args[7]
  local too_large, track, job_id = args[8] == '1', args[9] == '1', args[10]
  local hold_count, hold_bytes = tonumber(args[11]), tonumber(args[12])
  local maxlen, grace_ms = tonumber(args[13]), tonumber(args[14])
  local pending_max, pending_ttl = tonumber(args[15]), tonumber(args[16])
  local close_job, close_generation = args[17], args[18]
  local now = now_ms()

  local recipients = {}
  if kind == 'choose' then
    local target, refusal = choose(prefix, args[19], key, now, grace_ms)
    if not target then return refusal end
    recipients[1] = target
    if not too_large then
      after = after .. redis.call('HGET', prefix .. 'c:' .. target, 'uj') .. args[20]
    end
  elseif kind == 'direct' then
    if redis.call('EXISTS', prefix .. 'c:' .. key) == 1 then recipients[1] = key end
  else
    for _, uuid in ipairs(redis.call('ZRANGE', prefix .. 'clients', 0, -1)) do
      local wanted
      if kind == 'broadcast' then
        wanted = uuid ~= origin
      elseif kind == 'group' then
        wanted = redis.call('HGET', prefix .. 'c:' .. uuid, 'group') == key
      else
        wanted = redis.call('HGET', prefix .. 'c:' .. uuid, 'type') == key
      end
      if wanted then recipients[#recipients + 1] = uuid end
    end
  end
  if #recipients > 0 and too_large then return {'too_large', recipients, {}, {}, {}, {}} end

  if track then
    local pkey = prefix .. 'pj:' .. job_id
    local existing = redis.call('HMGET', pkey, 'targets')
    local keep = false
    if existing[1] then
      for _, target in ipairs(cjson.decode(existing[1])) do
        if target == origin then keep = true end
      end
    end
    if not keep then
      local generation = redis.call('INCR', 'bmcp:generation')
      local targets = '[]'
      if #recipients > 0 then targets = cjson.encode(recipients) end
      redis.call('DEL', pkey)
      redis.call('HSET', pkey, 'originator', origin, 'targets', targets, 'generation', generation)
      redis.call('EXPIRE', pkey, pending_ttl)
      redis.call('ZADD', prefix .. 'pjz', generation, job_id)
      while redis.call('ZCARD', prefix .. 'pjz') > pending_max do
        local oldest = redis.call('ZPOPMIN', prefix .. 'pjz')
        redis.call('DEL', prefix .. 'pj:' .. oldest[1])
      end
    end
  end
  if close_job ~= '' then
    local pkey = prefix .. 'pj:' .. close_job
    if redis.call('HGET', pkey, 'generation') == close_generation then
      redis.call('DEL', pkey)
      redis.call('ZREM', prefix .. 'pjz', close_job)
    end
  end

  local filtered, offline, dropped = {}, {}, {}
  local counts = {0, 0, 0, 0, 0}
  local wakes = {}
  for _, uuid in ipairs(recipients) do
    local c = redis.call('HMGET', prefix .. 'c:' .. uuid, 'uj', 'persistent', 'session')
    local text = before .. c[1] .. after
    local s = live_session(prefix, c[3], now)
    if s == nil and c[3] then
      -- Its session ended or its node died a moment ago and nobody has swept it yet.
      if unbind(prefix, uuid, now / 1000) then
        dropped[#dropped + 1] = uuid
        counts[5] = counts[5] + 1
      end
    end
    if s == nil then
      if c[2] == '1' then
        offline[#offline + 1] = uuid
        local kept, overflow = hold(prefix, uuid, text, priority, hold_count, hold_bytes)
        if kept then counts[3] = counts[3] + 1 else counts[5] = counts[5] + 1 end
        if overflow then counts[4] = counts[4] + 1 end
        if overflow or not kept then dropped[#dropped + 1] = uuid end
      end
    elseif priority > tonumber(s[2]) then
      filtered[#filtered + 1] = uuid
      counts[2] = counts[2] + 1
    else
      append(prefix, c[3], s[1], uuid, text, priority, maxlen, wakes)
      counts[1] = counts[1] + 1
      if not is_online(s, now, grace_ms) then offline[#offline + 1] = uuid end
    end
  end
  publish_wakes(prefix, wakes)
  return {'ok', recipients, filtered, offline, dropped, counts}
end

-- Args: prefix, uuid, uuid as JSON, type, persistent (0/1), caps (JSON text), group ('' for
-- none), session, node, level, max clients, hold TTL ms, stream length bound, Blender version
-- and host ('' or absent for none: a node of an older release does not send them).
-- Returns {status, order, connected_at, registered_at, persistent, flushed, expired,
-- filtered, serving node, last event id delivered} with
-- status 'ok' or 'too_many_clients'.
local function register(keys, args)
  local prefix, uuid, uj, ctype, persistent = args[1], args[2], args[3], args[4], args[5]
  local caps, group, session, node, level = args[6], args[7], args[8], args[9], args[10]
  local max_clients, hold_ttl, maxlen = tonumber(args[11]), tonumber(args[12]), tonumber(args[13])
  local now = now_ms()
  local key = prefix .. 'c:' .. uuid
  if redis.call('EXISTS', key) == 0 then
    if redis.call('ZCARD', prefix .. 'clients') >= max_clients then
      return {'too_many_clients', 0, '0', '0', '0', 0, 0, 0, '', 0}
    end
    local order = redis.call('INCR', prefix .. 'order')
    redis.call('HSET', key, 'uj', uj, 'persistent', persistent, 'order', order,
               'connected_at', tostring(now / 1000))
    redis.call('ZADD', prefix .. 'clients', order, uuid)
    redis.call('SADD', 'bmcp:users', prefix)
  end
  -- A client moving to another session takes along what its old session had not delivered to
  -- it yet (the old session's node died or it moved on), in order.
  local moved = {}
  local old = redis.call('HGET', key, 'session')
  if old and old ~= session and redis.call('EXISTS', prefix .. 's:' .. old) == 1 then
    local ekey = prefix .. 'e:' .. old
    local delivered = redis.call('HGET', prefix .. 's:' .. old, 'delivered') or '0'
    for _, entry in ipairs(redis.call('XRANGE', ekey, '(0-' .. delivered, '+')) do
      local fields = {}
      for i = 1, #entry[2], 2 do fields[entry[2][i]] = entry[2][i + 1] end
      if fields.u == uuid then
        moved[#moved + 1] = fields
        redis.call('XDEL', ekey, entry[1])
      end
    end
  end
  redis.call('HSET', key, 'type', ctype, 'caps', caps, 'registered_at', tostring(now / 1000),
             'session', session)
  if group == '' then redis.call('HDEL', key, 'group') else redis.call('HSET', key, 'group', group) end
  for field, value in pairs({bv = args[14] or '', host = args[15] or ''}) do
    if value == '' then redis.call('HDEL', key, field) else redis.call('HSET', key, field, value) end
  end
  redis.call('HDEL', key, 'unbound_seen')
  -- The session keeps the node that serves its stream, unless none does (then this one).
  local skey = prefix .. 's:' .. session
  if redis.call('EXISTS', skey) == 0 then
    redis.call('HSET', skey, 'node', node, 'level', level, 'attached', '0', 'detached_at',
               tostring(now), 'last_request_at', tostring(now / 1000), 'created_at', tostring(now),
               'seq', 0, 'delivered', 0)
  else
    local serving = redis.call('HGET', skey, 'node')
    if serving == '' or not node_alive(serving, now) then
      if serving ~= '' then redis.call('SREM', 'bmcp:node:' .. serving, prefix .. '\n' .. session) end
      redis.call('HSET', skey, 'node', node)
    end
    redis.call('HSET', skey, 'level', level)
  end
  redis.call('ZREM', 'bmcp:orphans', prefix .. '\n' .. session)
  node = redis.call('HGET', skey, 'node')
  redis.call('SADD', 'bmcp:node:' .. node, prefix .. '\n' .. session)

  -- What was held while it was offline goes to its session now, in order, before anything
  -- newer can be appended.
  local flushed, expired, filtered = 0, 0, 0
  if #moved > 0 then
    local wakes = {}
    for _, fields in ipairs(moved) do
      if tonumber(fields.p) > tonumber(level) then
        filtered = filtered + 1
      else
        append(prefix, session, node, uuid, fields.t, fields.p, maxlen, wakes)
        flushed = flushed + 1
      end
    end
    publish_wakes(prefix, wakes)
  end
  local hkey = prefix .. 'h:' .. uuid
  if redis.call('EXISTS', hkey) == 1 then
    local wakes = {}
    for _, entry in ipairs(redis.call('XRANGE', hkey, '-', '+')) do
      local ms = tonumber(string.match(entry[1], '^(%d+)'))
      if now - ms > hold_ttl then
        expired = expired + 1
      elseif tonumber(entry[2][6]) > tonumber(level) then
        filtered = filtered + 1
      else
        append(prefix, session, node, uuid, entry[2][2], entry[2][6], maxlen, wakes)
        flushed = flushed + 1
      end
    end
    redis.call('DEL', hkey)
    redis.call('HDEL', prefix .. 'hb', uuid)
    redis.call('SREM', 'bmcp:holds', prefix .. '\n' .. uuid)
    publish_wakes(prefix, wakes)
  end
  local c = redis.call('HMGET', key, 'order', 'connected_at', 'registered_at', 'persistent')
  return {'ok', tonumber(c[1]), c[2], c[3], c[4], flushed, expired, filtered, node,
          tonumber(redis.call('HGET', skey, 'delivered') or '0')}
end

local function unregister(keys, args)
  local prefix, uuid = args[1], args[2]
  if redis.call('EXISTS', prefix .. 'c:' .. uuid) == 0 then return 0 end
  redis.call('DEL', prefix .. 'c:' .. uuid, prefix .. 'h:' .. uuid)
  redis.call('ZREM', prefix .. 'clients', uuid)
  redis.call('HDEL', prefix .. 'hb', uuid)
  redis.call('SREM', 'bmcp:holds', prefix .. '\n' .. uuid)
  if redis.call('ZCARD', prefix .. 'clients') == 0 then redis.call('SREM', 'bmcp:users', prefix) end
  return 1
end

-- No args. {users with at least one client, clients}, over the whole cluster (for /health).
local function counts(keys, args)
  local users, clients = 0, 0
  for _, prefix in ipairs(redis.call('SMEMBERS', 'bmcp:users')) do
    local n = redis.call('ZCARD', prefix .. 'clients')
    if n > 0 then
      users = users + 1
      clients = clients + n
    end
  end
  return {users, clients}
end

-- Args: grace ms. Every client of every user as {type, online (0/1)}, for operators' counts.
local function client_states(keys, args)
  local grace_ms = tonumber(args[1])
  local now = now_ms()
  local out = {}
  for _, prefix in ipairs(redis.call('SMEMBERS', 'bmcp:users')) do
    for _, uuid in ipairs(redis.call('ZRANGE', prefix .. 'clients', 0, -1)) do
      local c = redis.call('HMGET', prefix .. 'c:' .. uuid, 'type', 'session')
      local online = 0
      local s = live_session(prefix, c[2], now)
      if s and is_online(s, now, grace_ms) then online = 1 end
      out[#out + 1] = {c[1] or '', online}
    end
  end
  return out
end

-- Args: prefix. Returns one entry per client, by registration order:
-- {uuid, type, persistent, caps, group, connected_at, registered_at, unbound_seen, online,
--  last_request_at}; online is 1 or 0; absent fields are ''.
local function list(keys, args)
  local prefix, grace_ms = args[1], tonumber(args[2])
  local now = now_ms()
  local out = {}
  for _, uuid in ipairs(redis.call('ZRANGE', prefix .. 'clients', 0, -1)) do
    local c = redis.call('HMGET', prefix .. 'c:' .. uuid, 'type', 'persistent', 'caps', 'group',
                         'connected_at', 'registered_at', 'unbound_seen', 'session')
    local online, last_request = 0, ''
    local s = live_session(prefix, c[8], now)
    if s then
      if is_online(s, now, grace_ms) then online = 1 end
      last_request = redis.call('HGET', prefix .. 's:' .. c[8], 'last_request_at') or ''
    end
    out[#out + 1] = {uuid, c[1] or '', c[2] or '0', c[3] or '[]', c[4] or '', c[5] or '0',
                     c[6] or '0', c[7] or '', online, last_request}
  end
  return out
end

-- Args: prefix. One entry per client, by registration order: {uuid, queued, held, Blender
-- version, host} where queued counts the records for it in its session's stream that no node
-- took yet plus what the serving node last reported waiting in that session, held counts the
-- records held for it while offline, and absent reports are ''.
local function client_details(keys, args)
  local prefix = args[1]
  local out = {}
  for _, uuid in ipairs(redis.call('ZRANGE', prefix .. 'clients', 0, -1)) do
    local c = redis.call('HMGET', prefix .. 'c:' .. uuid, 'session', 'bv', 'host')
    local queued = 0
    if c[1] then
      local s = redis.call('HMGET', prefix .. 's:' .. c[1], 'delivered', 'queued')
      if s[1] then
        queued = tonumber(s[2] or '0')
        for _, entry in ipairs(redis.call('XRANGE', prefix .. 'e:' .. c[1], '(0-' .. s[1], '+')) do
          for i = 1, #entry[2], 2 do
            if entry[2][i] == 'u' and entry[2][i + 1] == uuid then queued = queued + 1 end
          end
        end
      end
    end
    out[#out + 1] = {uuid, queued, redis.call('XLEN', prefix .. 'h:' .. uuid), c[2] or '',
                     c[3] or ''}
  end
  return out
end

-- Args: pairs of "<prefix>\n<session>" and how many records wait unsent in that session on
-- the node that serves it. Sent by that node every heartbeat.
local function report_queued(keys, args)
  for i = 1, #args - 1, 2 do
    local member = args[i]
    local cut = string.find(member, '\n', 1, true)
    local skey = string.sub(member, 1, cut - 1) .. 's:' .. string.sub(member, cut + 1)
    if redis.call('EXISTS', skey) == 1 then redis.call('HSET', skey, 'queued', args[i + 1]) end
  end
  return 1
end

local jobs_index = 'bmcp:job-records'

-- Redis's clock in milliseconds.
local function now_ms()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end

-- A job record `key` was written to live `seconds` more: the count of job records sees it until
-- then. Entries of expired records go here too, so that the index stays as small as the records
-- kept even when nobody counts (each entry is removed once: amortised O(log n) per write).
local function index_job(key, seconds)
  local now = now_ms()
  redis.call('ZREMRANGEBYSCORE', jobs_index, '-inf', now)
  redis.call('ZADD', jobs_index, now + tonumber(seconds) * 1000, key)
end

-- A job update applied to the job's record (the record is JSON text, as RedisJobStore writes
-- it). `a` holds, from index `at` on: key, job id, progress ('' for none), terminal state (''
-- for none), result, error, now (Unix seconds), create (0/1: start a pending record when there
-- is none), seconds to keep a settled record, seconds to keep a pending one. A finished record
-- (completed, failed, cancelled) is left alone. Returns 1 when written, 0 otherwise.
local function apply_job_update(a, at)
  local key, job_id, progress, state = a[at], a[at + 1], a[at + 2], a[at + 3]
  local now = tonumber(a[at + 6])
  local text = redis.call('GET', key)
  local record
  if text then
    record = cjson.decode(text)
  elseif a[at + 7] == '1' then
    record = {job_id = job_id, target_uuids = {}, state = 'pending', result = '', error = '',
              created_at = now}
  else
    return 0
  end
  if record.state == 'completed' or record.state == 'failed' or record.state == 'cancelled' then
    return 0
  end
  if progress ~= '' then record.progress = tonumber(progress) end
  if state ~= '' then
    record.state = state
    record.result = a[at + 4]
    record.error = a[at + 5]
    record.finished_at = now
  end
  local keep = a[at + 9]
  if record.state ~= 'pending' then keep = a[at + 8] end
  redis.call('SET', key, cjson.encode(record), 'EX', keep)
  index_job(key, keep)
  return 1
end

-- The first half of a job update, in one call. Args: prefix, job id, session, terminal (0/1).
-- Returns {'unknown'} when the job is not pending (the update is broadcast), {'not_target'}
-- when `session` is bound to none of its targets, {'nobody'} when its originator is no client
-- (a dispatch origin, or a client that left): the update reaches nobody, so nothing is routed
-- and a terminal one closes the job here; else {'route', originator, generation} and the
-- caller sends the update to the originator, closing the job with that send.
-- Optional args 5 on: the update's job event as the nodes announce it (pending) and the
-- arguments of apply_job_update. With them, an update that reaches nobody is also applied to
-- the job's record and announced on bmcp:jobs here, in the same call, and the answer is
-- {'nobody', '1'}: the dispatch's reply reaches its caller's node one round trip sooner.
local function job_reply(keys, args)
  local prefix, job_id, session, terminal = args[1], args[2], args[3], args[4] == '1'
  local pkey = prefix .. 'pj:' .. job_id
  local p = redis.call('HMGET', pkey, 'originator', 'targets', 'generation')
  if not p[1] then return {'unknown'} end
  local bound = false
  for _, target in ipairs(cjson.decode(p[2])) do
    if redis.call('HGET', prefix .. 'c:' .. target, 'session') == session then bound = true end
  end
  if not bound then return {'not_target'} end
  if redis.call('EXISTS', prefix .. 'c:' .. p[1]) == 0 then
    if terminal then
      redis.call('DEL', pkey)
      redis.call('ZREM', prefix .. 'pjz', job_id)
    end
    if args[5] and args[5] ~= '' then
      apply_job_update(args, 6)
      redis.call('PUBLISH', 'bmcp:jobs', args[5])
      return {'nobody', '1'}
    end
    return {'nobody'}
  end
  return {'route', p[1], p[3]}
end

-- Args: prefix, session, last_seen seconds, hold count bound, hold byte bound.
local function end_session_fn(keys, args)
  end_session(args[1], args[2], args[3], args[4], args[5])
  return 1
end

-- A node stops serving its sessions (it died, or it is shutting down): each session another
-- node may take over (its directory record m:<session> is alive) waits for one, with no node;
-- the others end. Hold bounds as in end_session.
local function release_node(node, now, hold_count, hold_bytes)
  for _, member in ipairs(redis.call('SMEMBERS', 'bmcp:node:' .. node)) do
    local cut = string.find(member, '\n', 1, true)
    local prefix, session = string.sub(member, 1, cut - 1), string.sub(member, cut + 1)
    if redis.call('EXISTS', prefix .. 'm:' .. session) == 1 then
      redis.call('HSET', prefix .. 's:' .. session, 'node', '', 'attached', '0',
                 'detached_at', tostring(now))
      redis.call('ZADD', 'bmcp:orphans', now, member)
    else
      end_session(prefix, session, now / 1000, hold_count, hold_bytes)
    end
  end
  redis.call('DEL', 'bmcp:node:' .. node)
  redis.call('ZREM', 'bmcp:nodes', node)
end

-- Args: node, hold count bound, hold byte bound. A node shutting down releases its sessions.
local function leave(keys, args)
  release_node(args[1], now_ms(), args[2], args[3])
  return 1
end

-- Args: prefix, session, node. This node serves the session's stream from now on (a request
-- or a GET stream named it here). Returns {last event id delivered, the node that served it}, or
-- -1 when no client is bound to the session (nothing to serve).
local function claim(keys, args)
  local prefix, session, node = args[1], args[2], args[3]
  local skey = prefix .. 's:' .. session
  local old = redis.call('HGET', skey, 'node')
  if not old then return -1 end
  local member = prefix .. '\n' .. session
  if old ~= '' and old ~= node then redis.call('SREM', 'bmcp:node:' .. old, member) end
  redis.call('SADD', 'bmcp:node:' .. node, member)
  redis.call('ZREM', 'bmcp:orphans', member)
  redis.call('HSET', skey, 'node', node)
  return {tonumber(redis.call('HGET', skey, 'delivered') or '0'), old}
end

-- Args: prefix, session, last event id delivered, how many delivered records to keep for
-- Last-Event-ID. Trims what nobody can ask for again.
local function delivered(keys, args)
  local prefix, session, n, keep = args[1], args[2], tonumber(args[3]), tonumber(args[4])
  local skey = prefix .. 's:' .. session
  if redis.call('EXISTS', skey) == 0 then return 0 end
  if n > tonumber(redis.call('HGET', skey, 'delivered') or '0') then
    redis.call('HSET', skey, 'delivered', n)
  end
  if n - keep > 0 then
    redis.call('XTRIM', prefix .. 'e:' .. session, 'MINID', '0-' .. (n - keep + 1))
  end
  return 1
end

-- The session directory (RedisSessionDirectory): m:<session> HASH account, protocol, level,
-- expiring after the idle timeout unless a node that uses the session refreshes it.
-- Args: prefix, session, account, protocol version, level, ttl seconds.
local function announce(keys, args)
  local key = args[1] .. 'm:' .. args[2]
  redis.call('HSET', key, 'account', args[3], 'protocol', args[4], 'level', args[5])
  redis.call('EXPIRE', key, args[6])
  return 1
end

-- Args: prefix, session. {account, protocol, level, the node that used it last} or an empty
-- array.
local function lookup(keys, args)
  local m = redis.call('HMGET', args[1] .. 'm:' .. args[2], 'account', 'protocol', 'level', 'by')
  if not m[1] then return {} end
  m[4] = m[4] or ''
  return m
end

-- Args: node, ttl seconds, then "<prefix>\n<session>" members the node used lately.
local function touch_sessions(keys, args)
  for i = 3, #args do
    local cut = string.find(args[i], '\n', 1, true)
    local key = string.sub(args[i], 1, cut - 1) .. 'm:' .. string.sub(args[i], cut + 1)
    if redis.call('EXISTS', key) == 1 then
      redis.call('HSET', key, 'by', args[1])
      redis.call('EXPIRE', key, args[2])
    end
  end
  return 1
end

-- Args: prefix, session. The session ended for good: every node drops its copy.
local function withdraw(keys, args)
  redis.call('DEL', args[1] .. 'm:' .. args[2])
  redis.call('PUBLISH', 'bmcp:session-ended', args[1] .. '\n' .. args[2])
  return 1
end

-- Args: prefix, session, level. Level of a session with clients bound (nothing otherwise).
local function set_level(keys, args)
  local skey = args[1] .. 's:' .. args[2]
  if redis.call('EXISTS', skey) == 1 then redis.call('HSET', skey, 'level', args[3]) end
  local mkey = args[1] .. 'm:' .. args[2]
  if redis.call('EXISTS', mkey) == 1 then redis.call('HSET', mkey, 'level', args[3]) end
  return 1
end

-- Args: node, expiry ms from now, then four per session of the node (prefix\nsession,
-- attached 0/1, ms since its stream closed, last_request_at). The node's heartbeat. Returns
-- 1 when the node was still known, 0 when it was new (or had been reaped as dead).
local function heartbeat(keys, args)
  local node, ttl = args[1], tonumber(args[2])
  local now = now_ms()
  local added = redis.call('ZADD', 'bmcp:nodes', now + ttl, node)
  local i = 3
  while args[i] do
    local member = args[i]
    local cut = string.find(member, '\n', 1, true)
    local skey = string.sub(member, 1, cut - 1) .. 's:' .. string.sub(member, cut + 1)
    if redis.call('EXISTS', skey) == 1 then
      redis.call('HSET', skey, 'attached', args[i + 1],
                 'detached_at', tostring(now - tonumber(args[i + 2])), 'last_request_at',
                 args[i + 3])
    end
    i = i + 4
  end
  return 1 - added
end

-- Args: node id or '', hold count bound, hold byte bound. Releases the sessions of nodes whose
-- heartbeat expired (and, given a node id, of that node: a node starting again under its old
-- id), and ends the released sessions nobody took over before their directory record expired.
-- Returns the nodes released.
local function reap(keys, args)
  local now = now_ms()
  local nodes = redis.call('ZRANGEBYSCORE', 'bmcp:nodes', '-inf', now)
  if args[1] and args[1] ~= '' then nodes[#nodes + 1] = args[1] end
  for _, node in ipairs(nodes) do
    release_node(node, now, args[2], args[3])
  end
  for _, member in ipairs(redis.call('ZRANGE', 'bmcp:orphans', 0, -1)) do
    local cut = string.find(member, '\n', 1, true)
    local prefix, session = string.sub(member, 1, cut - 1), string.sub(member, cut + 1)
    if redis.call('EXISTS', prefix .. 'm:' .. session) == 0 then
      end_session(prefix, session, now / 1000, args[2], args[3])
    end
  end
  return nodes
end

-- Args: hold TTL ms. Drops held records older than the TTL; returns how many.
local function expire_held(keys, args)
  local cutoff = now_ms() - tonumber(args[1])
  local expired = 0
  for _, member in ipairs(redis.call('SMEMBERS', 'bmcp:holds')) do
    local cut = string.find(member, '\n', 1, true)
    local prefix, uuid = string.sub(member, 1, cut - 1), string.sub(member, cut + 1)
    local key = prefix .. 'h:' .. uuid
    local held = tonumber(redis.call('HGET', prefix .. 'hb', uuid) or '0')
    for _, entry in ipairs(redis.call('XRANGE', key, '-', cutoff)) do
      redis.call('XDEL', key, entry[1])
      held = held - tonumber(entry[2][4])
      expired = expired + 1
    end
    if redis.call('XLEN', key) == 0 then
      redis.call('DEL', key)
      redis.call('HDEL', prefix .. 'hb', uuid)
      redis.call('SREM', 'bmcp:holds', member)
    else
      redis.call('HSET', prefix .. 'hb', uuid, held)
    end
  end
  return expired
end

-- Args: prefix. Counts of blender://bus/stats: {persistent, ephemeral, pending jobs}.
local function stats(keys, args)
  local prefix = args[1]
  local persistent, ephemeral = 0, 0
  for _, uuid in ipairs(redis.call('ZRANGE', prefix .. 'clients', 0, -1)) do
    if redis.call('HGET', prefix .. 'c:' .. uuid, 'persistent') == '1' then
      persistent = persistent + 1
    else
      ephemeral = ephemeral + 1
    end
  end
  -- Entries past their TTL expired by themselves; their index entries go now.
  for _, job_id in ipairs(redis.call('ZRANGE', prefix .. 'pjz', 0, -1)) do
    if redis.call('EXISTS', prefix .. 'pj:' .. job_id) == 0 then
      redis.call('ZREM', prefix .. 'pjz', job_id)
    end
  end
  return {persistent, ephemeral, redis.call('ZCARD', prefix .. 'pjz')}
end

-- Args: prefix. Forgets everything of one user (its account was removed).
local function drop_user(keys, args)
  local prefix = args[1]
  local cursor = '0'
  repeat
    local pattern = string.gsub(prefix, '[%*%?%[%]\\]', '\\%0') .. '*'
    local page = redis.call('SCAN', cursor, 'MATCH', pattern, 'COUNT', 200)
    cursor = page[1]
    for _, key in ipairs(page[2]) do
      local session = string.match(key, '^.*}:s:(.*)$')
      if session then
        local node = redis.call('HGET', key, 'node')
        if node then redis.call('SREM', 'bmcp:node:' .. node, prefix .. '\n' .. session) end
      end
      local uuid = string.match(key, '^.*}:h:(.*)$')
      if uuid then redis.call('SREM', 'bmcp:holds', prefix .. '\n' .. uuid) end
      if string.match(key, '^.*}:job:') then redis.call('ZREM', jobs_index, key) end
      redis.call('DEL', key)
    end
  until cursor == '0'
  redis.call('SREM', 'bmcp:users', prefix)
  return 1
end

-- Job records (RedisJobStore): args key. The record's JSON text, or nil.
local function job_get(keys, args)
  return redis.call('GET', args[1])
end

-- Args: key, expected text ('' for none), new text, seconds to keep. Writes only if the
-- record is still what the caller read; returns 1 when written, 0 otherwise.
local function job_put(keys, args)
  local current = redis.call('GET', args[1])
  if (current or '') ~= args[2] then return 0 end
  redis.call('SET', args[1], args[3], 'EX', args[4])
  index_job(args[1], args[4])
  return 1
end

-- A tracked job's first record, unless one is there already (a reply that overtook it). Args:
-- key, record (JSON text), seconds to keep. Returns 1 when written.
local function job_track(keys, args)
  if not redis.call('SET', args[1], args[2], 'EX', args[3], 'NX') then return 0 end
  index_job(args[1], args[3])
  return 1
end

-- Args: key. Forgets a job record. Returns 1 when it was there.
local function job_forget(keys, args)
  redis.call('ZREM', jobs_index, args[1])
  return redis.call('DEL', args[1])
end

-- The job records kept now, of every user (the index's expired entries are dropped first).
local function job_count(keys, args)
  redis.call('ZREMRANGEBYSCORE', jobs_index, '-inf', now_ms())
  return redis.call('ZCARD', jobs_index)
end

-- A dispatch job's record, written once its send went ahead. Args: key, record (JSON text,
-- pending), seconds to keep it. When a reply overtook the start and its update created the
-- record already, the start only adds what the update could not know (command, targets,
-- creation time) and keeps the rest. Returns 1.
local function job_start(keys, args)
  local key = args[1]
  local text = redis.call('GET', key)
  if not text then
    redis.call('SET', key, args[2], 'EX', args[3])
    index_job(key, args[3])
    return 1
  end
  local record = cjson.decode(text)
  local start = cjson.decode(args[2])
  record.command = start.command
  record.target_uuids = start.target_uuids
  record.created_at = start.created_at
  redis.call('SET', key, cjson.encode(record), 'KEEPTTL')
  return 1
end

-- A job update applied to the job's record, in one call. Args: those of apply_job_update.
local function job_apply(keys, args)
  return apply_job_update(args, 1)
end

-- Console sign-ins (signins::RedisConsoleSessions). Keys, none under a user's prefix (a
-- session is found by its id alone):
--   bmcp:console:s:<digest>  HASH  user, uid, roles, scopes (JSON arrays), csrf, address,
--                                  created, seen (Unix seconds), idle_until, absolute_until
--                                  (Unix ms), mcp (the run box's MCP session); <digest> is the
--                                  SHA-256 of the session id (the cookie itself is nowhere),
--                                  expiring at idle_until
--   bmcp:console:u:<user>    ZSET  digest -> created (ms): the user's sessions
--   bmcp:console:all         ZSET  digest -> created (ms): every session, for the total bound
-- Members whose hash expired are dropped when met. Times come from the calling node's clock
-- (`now` arguments, Unix ms), so the deadlines it stored are the ones it checks.

local console_all = 'bmcp:console:all'

local function console_key(digest) return 'bmcp:console:s:' .. digest end
local function console_user_key(user) return 'bmcp:console:u:' .. user end
-- Whole milliseconds as a command argument (never in exponent form).
local function ms_text(ms) return string.format('%d', ms) end

-- Ends one session: its hash and both index entries. Returns 1 when the hash was there.
local function console_end(digest, user)
  if not user then user = redis.call('HGET', console_key(digest), 'user') end
  local removed = redis.call('DEL', console_key(digest))
  redis.call('ZREM', console_all, digest)
  if user then redis.call('ZREM', console_user_key(user), digest) end
  return removed
end

-- The session's fields ({field, value, ...}) when it is live at `now`; an expired one ends.
local function console_live(digest, now)
  local fields = redis.call('HGETALL', console_key(digest))
  if #fields == 0 then return nil end
  local record = {}
  for i = 1, #fields, 2 do record[fields[i]] = fields[i + 1] end
  if now >= tonumber(record.idle_until) or now >= tonumber(record.absolute_until) then
    console_end(digest, record.user)
    return nil
  end
  return fields, record
end

-- Drops the members of an index whose session is gone.
local function console_prune(index)
  for _, digest in ipairs(redis.call('ZRANGE', index, 0, -1)) do
    if redis.call('EXISTS', console_key(digest)) == 0 then redis.call('ZREM', index, digest) end
  end
end

-- Args: digest, user, now (ms), idle (ms), absolute (ms), max per user, max in all, uid, roles,
-- scopes, csrf, address, created (Unix seconds). Signs out the user's oldest sessions beyond
-- its bound and the oldest of all beyond the total, then stores the new one. Returns 1.
local function console_create(keys, args)
  local digest, user = args[1], args[2]
  local now, idle, absolute = tonumber(args[3]), tonumber(args[4]), tonumber(args[5])
  local max_user, max_all = tonumber(args[6]), tonumber(args[7])
  local user_key = console_user_key(user)
  console_prune(user_key)
  while redis.call('ZCARD', user_key) >= max_user do
    console_end(redis.call('ZRANGE', user_key, 0, 0)[1], user)
  end
  if redis.call('ZCARD', console_all) >= max_all then console_prune(console_all) end
  while redis.call('ZCARD', console_all) >= max_all do
    console_end(redis.call('ZRANGE', console_all, 0, 0)[1], nil)
  end
  local idle_until = math.min(now + idle, now + absolute)
  local key = console_key(digest)
  redis.call('HSET', key, 'user', user, 'uid', args[8], 'roles', args[9], 'scopes', args[10],
             'csrf', args[11], 'address', args[12], 'created', args[13], 'seen', args[13],
             'idle_until', ms_text(idle_until), 'absolute_until', ms_text(now + absolute),
             'mcp', '')
  redis.call('PEXPIRE', key, ms_text(idle_until - now))
  redis.call('ZADD', user_key, ms_text(now), digest)
  redis.call('ZADD', console_all, ms_text(now), digest)
  redis.call('PEXPIRE', user_key, ms_text(absolute))
  redis.call('PEXPIRE', console_all, ms_text(absolute))
  return 1
end

-- Args: digest, now (ms), idle (ms) or '' (only look), seen (Unix seconds). The live session's
-- fields after moving its idle deadline on (when asked), or nil.
local function console_find(keys, args)
  local digest, now = args[1], tonumber(args[2])
  local fields, record = console_live(digest, now)
  if not fields then return nil end
  if args[3] ~= '' then
    local idle_until = math.min(now + tonumber(args[3]), tonumber(record.absolute_until))
    local key = console_key(digest)
    redis.call('HSET', key, 'seen', args[4], 'idle_until', ms_text(idle_until))
    redis.call('PEXPIRE', key, ms_text(idle_until - now))
    fields = redis.call('HGETALL', key)
  end
  return fields
end

-- Args: digest. Returns 1 when there was a session.
local function console_remove(keys, args)
  return console_end(args[1], nil)
end

-- Args: user. Ends every session of the user; returns how many there were.
local function console_remove_user(keys, args)
  local user_key = console_user_key(args[1])
  local count = 0
  for _, digest in ipairs(redis.call('ZRANGE', user_key, 0, -1)) do
    count = count + console_end(digest, args[1])
  end
  redis.call('DEL', user_key)
  return count
end

-- Args: digest, MCP session id. Kept only while the session is there. Returns 1 or 0.
local function console_set_mcp(keys, args)
  local key = console_key(args[1])
  if redis.call('EXISTS', key) == 0 then return 0 end
  redis.call('HSET', key, 'mcp', args[2])
  return 1
end

-- Args: now (ms). The fields of every live session, oldest first.
local function console_list(keys, args)
  local now = tonumber(args[1])
  local out = {}
  for _, digest in ipairs(redis.call('ZRANGE', console_all, 0, -1)) do
    local fields = console_live(digest, now)
    if fields then
      out[#out + 1] = fields
    else
      redis.call('ZREM', console_all, digest)
    end
  end
  return out
end

-- Every node the cluster knows. Returns {{node, ms since its last heartbeat (negative: its
-- expiry is still ahead, the value is -ms left), sessions it serves}...}, by node id.
local function nodes(keys, args)
  local now = now_ms()
  local out = {}
  local listed = redis.call('ZRANGE', 'bmcp:nodes', 0, -1, 'WITHSCORES')
  for i = 1, #listed, 2 do
    local node = listed[i]
    out[#out + 1] = {node, tostring(now - tonumber(listed[i + 1])),
                     redis.call('SCARD', 'bmcp:node:' .. node)}
  end
  table.sort(out, function(a, b) return a[1] < b[1] end)
  return out
end

redis.register_function('bmcp_nodes', nodes)
redis.register_function('bmcp_send', send)
redis.register_function('bmcp_leave', leave)
redis.register_function('bmcp_claim', claim)
redis.register_function('bmcp_delivered', delivered)
redis.register_function('bmcp_announce', announce)
redis.register_function('bmcp_lookup', lookup)
redis.register_function('bmcp_touch_sessions', touch_sessions)
redis.register_function('bmcp_withdraw', withdraw)
redis.register_function('bmcp_counts', counts)
redis.register_function('bmcp_client_states', client_states)
redis.register_function('bmcp_job_get', job_get)
redis.register_function('bmcp_job_put', job_put)
redis.register_function('bmcp_job_start', job_start)
redis.register_function('bmcp_job_track', job_track)
redis.register_function('bmcp_job_forget', job_forget)
redis.register_function('bmcp_job_count', job_count)
redis.register_function('bmcp_drop_user', drop_user)
redis.register_function('bmcp_register', register)
redis.register_function('bmcp_unregister', unregister)
redis.register_function('bmcp_list', list)
redis.register_function('bmcp_client_details', client_details)
redis.register_function('bmcp_report_queued', report_queued)
redis.register_function('bmcp_job_reply', job_reply)
redis.register_function('bmcp_job_apply', job_apply)
redis.register_function('bmcp_end_session', end_session_fn)
redis.register_function('bmcp_set_level', set_level)
redis.register_function('bmcp_heartbeat', heartbeat)
redis.register_function('bmcp_reap', reap)
redis.register_function('bmcp_expire_held', expire_held)
redis.register_function('bmcp_stats', stats)
redis.register_function('bmcp_console_create', console_create)
redis.register_function('bmcp_console_find', console_find)
redis.register_function('bmcp_console_remove', console_remove)
redis.register_function('bmcp_console_remove_user', console_remove_user)
redis.register_function('bmcp_console_set_mcp', console_set_mcp)
redis.register_function('bmcp_console_list', console_list)
