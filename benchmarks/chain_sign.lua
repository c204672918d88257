-- wrk script for benchmarks/chains.py: every request adds the line of a different member
-- to one chain (PUT /api/v1/chains/<slug>/entry with that member's personal token).
--
-- BENCH_TOKENS is a file with one secret per line (fr_chbench_<n>); it is split between
-- wrk's threads (thread t of T takes lines t+1, t+1+T, ...), so no token is used twice.
-- The pledge is n % 4 (the chain takes 0..3), so the expected sum is known in advance.
--
-- A line is reserved in delay(), which wrk calls before each request on a connection,
-- and sent by the request() that follows; once a thread's lines are all reserved its
-- connections wait (a delay of an hour) instead of sending anything else. When a thread
-- has every answer it owes, it writes BENCH_OUT/done.<t> and stops its own event loop;
-- benchmarks/chains.py then ends wrk with SIGINT, so the run lasts exactly as long as
-- the sign-ups do and the latency figures hold sign-up requests only.
--
-- Every answer is written to BENCH_OUT/answers.<t> as "status<TAB>number<TAB>name<TAB>
-- pledge<TAB>code": the number the server gave, to whom (the member's public name is
-- their username ch_<n>), or the error code of a refusal.
local tokens_path = os.getenv("BENCH_TOKENS")
local out_dir = os.getenv("BENCH_OUT")
local path = os.getenv("BENCH_PATH")  -- /api/v1/chains/<slug>/entry
local threads = tonumber(os.getenv("BENCH_THREADS") or "2")
local message = os.getenv("BENCH_MESSAGE") or "永不离开"

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
  local n = tonumber(string.match(token, "(%d+)$"))
  local body = '{"message": "' .. message .. '", "pledge": ' .. (n % 4) .. '}'
  return wrk.format("PUT", path, {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end

response = function(status, headers, body)
  if body == "ok" then return end  -- the start-up check's request, if it was sent
  answers = answers + 1
  local number = string.match(body, '"number":%s*(%d+)') or ""
  local name = string.match(body, '"name":%s*"([^"]*)"') or ""
  local pledge = string.match(body, '"pledge":%s*(%d+)') or ""
  local code = string.match(body, '"code":%s*"([^"]*)"') or ""
  out:write(status, "\t", number, "\t", name, "\t", pledge, "\t", code, "\n")
  if answers >= share and not finished then
    finished = true
    out:flush()
    io.open(out_dir .. "/done." .. tid, "w"):close()
    wrk.thread:stop()
  end
end
