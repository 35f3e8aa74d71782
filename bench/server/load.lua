-- wrk script for bench/server/run.
--
--   wrk ... -s load.lua URL                        GET URL's path (the /health reference)
--   wrk ... -s load.lua URL -- QUESTIONS DATASET [RATE]
--                                                  POST {"dataset","question"} to URL's path, one
--                                                  question of QUESTIONS (a file, one a line) after
--                                                  another; each wrk thread starts at another one.
--                                                  RATE: requests/s this wrk thread sends, on a
--                                                  schedule (a paced load, not as fast as it can);
--                                                  a connection waits for its response first, so a
--                                                  server slower than the schedule gets fewer.
--
-- The API key comes from the environment (DA_BENCH_KEY), never from the command line, where
-- `ps` would show it. Every request is built once in init(); request() only rotates them, so
-- the client spends as little of the shared CPUs as it can.
--
-- done() prints one machine-readable line that run parses:
--   WRK requests=N duration_us=N rps=X p50_us=N p90_us=N p99_us=N max_us=N
--       errors_connect=N errors_read=N errors_write=N errors_timeout=N errors_status=N
-- errors_status counts responses with a status >= 400 (wrk's own rule).

local ffi = require("ffi")  -- wrk's Lua is LuaJIT: a monotonic clock for the paced schedule
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } da_bench_timespec;
  int clock_gettime(int clock_id, da_bench_timespec* ts);
]]
local CLOCK_MONOTONIC = 1
local clock = ffi.new("da_bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local thread_count = 0
local interval_ms = nil  -- paced: the schedule's spacing of this thread's requests
local next_ms = nil      -- paced: when this thread's next request is due
local prepared = {}
local next_index = 1

local function json_string(s)
  s = s:gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' end
    if c == '\\' then return '\\\\' end
    return string.format('\\u%04x', c:byte())
  end)
  return '"' .. s .. '"'
end

-- Runs in the main Lua state once per wrk thread, before that thread's init().
function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  local headers = {}
  local key = os.getenv("DA_BENCH_KEY")
  if key and key ~= "" then headers["X-Api-Key"] = key end
  local questions_file, dataset = args[1], args[2] or "retail"
  local rate = tonumber(args[3] or "")
  if rate and rate > 0 then interval_ms = 1000 / rate end
  if not questions_file then
    prepared[1] = wrk.format("GET", wrk.path, headers)
    return
  end
  headers["Content-Type"] = "application/json"
  for line in io.lines(questions_file) do
    if line:match("%S") and not line:match("^#") then
      local body = '{"dataset":' .. json_string(dataset) .. ',"question":' .. json_string(line) .. '}'
      prepared[#prepared + 1] = wrk.format("POST", wrk.path, headers, body)
    end
  end
  if #prepared == 0 then error("no questions in " .. questions_file) end
  if interval_ms then delay = paced_delay end
  -- thread_index is set by setup(); spread the threads over the questions.
  next_index = ((thread_index or 0) * 7) % #prepared + 1
end

-- wrk calls delay() (milliseconds to wait before a connection's next request) only when the
-- script defines it: left undefined for the unpaced load. Each request takes the next slot of
-- the thread's schedule; a schedule that fell behind catches up at most one second's worth.
function paced_delay()
  local now = now_ms()
  local slot = math.max(next_ms or now, now - 1000)
  next_ms = slot + interval_ms
  return math.max(0, slot - now)
end

function request()
  local r = prepared[next_index]
  next_index = next_index % #prepared + 1
  return r
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "WRK requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "errors_connect=%d errors_read=%d errors_write=%d errors_timeout=%d errors_status=%d\n",
    summary.requests, summary.duration, summary.requests / seconds,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout, e.status))
end
