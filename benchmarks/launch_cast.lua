-- wrk script for benchmarks/launch.py: every request casts the ballot of a different
-- member with that member's hall pass (POST /launches/<slug>/cast.json, header
-- X-Hall-Pass, POST /launches/<slug>/questions/<id>/answer/<option>), the option rotating.
-- BENCH_PASSES is a file with one pass per line; it is split between wrk's threads
-- (thread t of T takes lines t+1, t+1+T, t+1+2T, ...), so no pass is used twice. A thread
-- that runs out starts over: those repeats answer 409 and show up as non-2xx responses.
local path = os.getenv("BENCH_PASSES")
local question = os.getenv("BENCH_QUESTION") or "0"
local base = os.getenv("BENCH_BASE")  -- /launches/<slug>/questions/
local options = {}
for id in string.gmatch(os.getenv("BENCH_OPTIONS") or "", "%d+") do table.insert(options, id) end
local threads = tonumber(os.getenv("BENCH_THREADS") or "2")
local passes = {}
for line in io.lines(path) do
  if #line > 0 then table.insert(passes, line) end
end
local thread_id = 0
setup = function(thread)
  thread:set("tid", thread_id)
  thread_id = thread_id + 1
end
local counter = 0
request = function()
  local index = (tid or 0) + counter * threads + 1
  counter = counter + 1
  if index > #passes then index = ((index - 1) % #passes) + 1 end
  local path = base .. question .. "/answer/" .. options[(index % #options) + 1]
  return wrk.format("POST", path, {["X-Hall-Pass"] = passes[index]})
end
