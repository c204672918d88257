-- wrk script: every request casts a ballot for a different member (one token per line
-- of BENCH_TOKENS), so each succeeds once; the option rotates.
local path = os.getenv("BENCH_TOKENS")
local options = {}
for id in string.gmatch(os.getenv("BENCH_OPTIONS") or "", "%d+") do table.insert(options, id) end
local threads = tonumber(os.getenv("BENCH_THREADS") or "2")
local tokens = {}
for line in io.lines(path) do table.insert(tokens, line) end
local thread_id = 0
setup = function(thread)
  thread:set("tid", thread_id)
  thread_id = thread_id + 1
end
local counter = 0
request = function()
  local index = (tid or 0) + counter * threads + 1
  counter = counter + 1
  if index > #tokens then index = ((index - 1) % #tokens) + 1 end
  local body = '{"options": [' .. options[(index % #options) + 1] .. ']}'
  return wrk.format("POST", nil, {["Authorization"] = "Bearer " .. tokens[index],
                                  ["Content-Type"] = "application/json"}, body)
end
