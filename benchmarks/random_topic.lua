-- wrk script: every request asks for a different, random topic page, so visitors'
-- page cache almost never helps: this measures rendering a topic page from the database.
math.randomseed(os.time())
local topics = tonumber(os.getenv("BENCH_TOPICS") or "100000")
request = function()
  return wrk.format("GET", "/t/" .. math.random(1, topics) .. "/")
end
