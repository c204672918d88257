-- wrk script: redeem the bench voucher with a fresh idempotency key on every request.
local token = os.getenv("BENCH_TOKEN")
local run = os.getenv("BENCH_RUN") or "0"
local counter = 0
local thread_id = 0
setup = function(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end
request = function()
  counter = counter + 1
  local body = '{"idempotency_key": "wrk-' .. run .. '-' .. (tid or 0) .. '-' .. counter .. '"}'
  return wrk.format("POST", nil, {["Authorization"] = "Bearer " .. token,
                                  ["Content-Type"] = "application/json"}, body)
end
