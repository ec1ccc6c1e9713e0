-- wrk script for the contribution benches (bench/contributions.bench.ts,
-- bench/overload.bench.ts): POST /api/v1/contributions with a fresh
-- Idempotency-Key per request and a per-request log of what each key got.
--
--   wrk -s bench/support/contributions.lua URL -- LOG_DIR KEY_PREFIX API_KEY CURRENCY WAGER_CENTS
--
-- Keys are KEY_PREFIX-<thread>-<n> (n = 1, 2, … per thread), so the keys a
-- thread sent are exactly 1..sent. The key also goes into X-Request-Id (which
-- the server echoes on every response, 503s included) and into playerId, so a
-- response can be matched to its key: wrk's response() hook is not told which
-- request it answers. Each thread appends "key status replayed retry-after"
-- lines to LOG_DIR/<KEY_PREFIX>-<thread>.log in batches; done() writes what is
-- left of every thread's batch and the per-thread sent counts, then prints one
-- JSON summary line (WRK_SUMMARY {...}) for the bench to parse.

local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
  table.insert(threads, thread)
end

local api_key, currency, wager
local id, file
-- Globals, so done() can read them from each thread with thread:get().
log_dir, prefix = nil, nil
sent = 0
pending = {}
local pending_count = 0
local FLUSH_EVERY = 256

function init(args)
  log_dir, prefix, api_key, currency, wager = args[1], args[2], args[3], args[4], args[5]
  id = wrk.thread:get("id")
  file = io.open(log_dir .. "/" .. prefix .. "-" .. id .. ".log", "w")
  -- Unbuffered: every batch is one write(2), so nothing waits in a buffer that
  -- no hook would flush when wrk stops (threads have no teardown hook).
  file:setvbuf("no")
end

function request()
  sent = sent + 1
  local key = prefix .. "-" .. id .. "-" .. sent
  local body = '{"gameId":"draw-rush-bench","playerId":"' .. key .. '","wagerCents":' .. wager
    .. ',"currency":"' .. currency .. '"}'
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["X-API-Key"] = api_key,
    ["Idempotency-Key"] = key,
    ["X-Request-Id"] = key,
  }, body)
end

local function header(headers, name, title)
  return headers[name] or headers[title]
end

function response(status, headers, body)
  -- A 201's body names the key too (playerId), should a server ever answer without the request id.
  local key = header(headers, "x-request-id", "X-Request-Id") or (body and body:match('"playerId":"([^"]+)"')) or "?"
  local replayed = header(headers, "idempotency-replayed", "Idempotency-Replayed") or "-"
  local retry_after = header(headers, "retry-after", "Retry-After") or "-"
  pending_count = pending_count + 1
  pending[pending_count] = key .. " " .. status .. " " .. replayed .. " " .. retry_after .. "\n"
  if pending_count >= FLUSH_EVERY then
    file:write(table.concat(pending))
    pending = {}
    pending_count = 0
  end
end

function done(summary, latency, requests)
  local sent_by_thread = {}
  for _, thread in ipairs(threads) do
    local thread_id = thread:get("id")
    local rest = thread:get("pending")
    local out = io.open(thread:get("log_dir") .. "/" .. thread:get("prefix") .. "-" .. thread_id .. ".log", "a")
    for _, line in ipairs(rest) do out:write(line) end
    out:close()
    table.insert(sent_by_thread, '"' .. thread_id .. '":' .. thread:get("sent"))
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_SUMMARY {"durationUs":%d,"responses":%d,"connectErrors":%d,"readErrors":%d,"writeErrors":%d,' ..
      '"timeouts":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"maxUs":%d,"meanUs":%.1f,"sent":{%s}}\n',
    summary.duration, summary.requests, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    table.concat(sent_by_thread, ",")))
end
