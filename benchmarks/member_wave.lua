-- wrk script for benchmarks/chains.py and benchmarks/flash_http.py: every request is
-- sent by a different member, with that member's personal token (a wave of sign-ups to
-- a chain, of reservations in a flash sale).
--
-- BENCH_TOKENS is a file with one secret per line (<prefix><n>, or a flash pass); it is
-- sent in BENCH_HEADER (default "Authorization", as "Bearer <secret>"; any other header
-- carries the secret as it is). The file is split between
-- wrk's threads (thread t of T takes lines t+1, t+1+T, ...), so no token is used twice.
-- BENCH_METHOD and BENCH_PATH name the request; BENCH_BODY is its JSON body, in which
-- {pledge} becomes n % 4 (so a run's expected sums are known in advance).
--
-- A line is reserved in delay(), which wrk calls before each request on a connection,
-- and sent by the request() that follows; once a thread's lines are all reserved its
-- connections wait (a delay of an hour) instead of sending anything else. When a thread
-- has every answer it owes, it writes BENCH_OUT/done.<t> and stops its own event loop;
-- the benchmark then ends wrk with SIGINT, so the run lasts exactly as long as the wave
-- does and the latency figures hold the wave's requests only.
--
-- Every answer is written to BENCH_OUT/answers.<t> as "status<TAB>field<TAB>...": the
-- values of the JSON keys named in BENCH_FIELDS (comma-separated; "" where absent).
local tokens_path = os.getenv("BENCH_TOKENS")
local out_dir = os.getenv("BENCH_OUT")
local method = os.getenv("BENCH_METHOD") or "PUT"
local path = os.getenv("BENCH_PATH")
local threads = tonumber(os.getenv("BENCH_THREADS") or "2")
local body_template = os.getenv("BENCH_BODY") or "{}"
local header = os.getenv("BENCH_HEADER") or "Authorization"
local fields = {}
for name in string.gmatch(os.getenv("BENCH_FIELDS") or "code", "[^,]+") do table.insert(fields, name) end

local tokens = {}
for line in io.lines(tokens_path) do
  if #line > 0 then table.insert(tokens, line) end
end

local thread_id = 0
setup = function(thread)
  thread:set("tid", thread_id)
  thread_id = thread_id + 1
end

local counter, reserved, answers, share, out = 0, {}, 0, 0, nil
local finished = false

init = function(args)
  -- lines tid+1, tid+1+threads, ... up to #tokens
  if #tokens > tid then share = math.floor((#tokens - tid - 1) / threads) + 1 end
  out = io.open(out_dir .. "/answers." .. tid, "w")
  if share == 0 then
    finished = true
    io.open(out_dir .. "/done." .. tid, "w"):close()
  end
end

delay = function()
  local index = tid + counter * threads + 1
  if index > #tokens then return 3600000 end  -- nothing left to send: wait
  counter = counter + 1
  table.insert(reserved, index)
  return 0
end

request = function()
  local index = table.remove(reserved)
  if index == nil then
    -- Only wrk's own check of the script at start-up gets here (it calls request()
    -- once before any delay()): a request that stores nothing.
    return wrk.format("GET", "/bench/bare/")
  end
  local token = tokens[index]
  local n = tonumber(string.match(token, "(%d+)$") or "0")
  local body = string.gsub(body_template, "{pledge}", tostring(n % 4))
  local headers = {["Content-Type"] = "application/json"}
  if header == "Authorization" then
    headers[header] = "Bearer " .. token
  else
    headers[header] = token
  end
  return wrk.format(method, path, headers, body)
end

local function field(body, name)
  return string.match(body, '"' .. name .. '":%s*"([^"]*)"')
    or string.match(body, '"' .. name .. '":%s*(%-?%d+)')
    or ""
end

response = function(status, headers, body)
  if body == "ok" then return end  -- the start-up check's request, if it was sent
  answers = answers + 1
  out:write(status)
  for _, name in ipairs(fields) do out:write("\t", field(body, name)) end
  out:write("\n")
  out:flush()  -- the benchmark counts answers as they come, to notice lost ones
  if answers >= share and not finished then
    finished = true
    out:flush()
    io.open(out_dir .. "/done." .. tid, "w"):close()
    wrk.thread:stop()
  end
end
