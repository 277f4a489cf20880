-- wrk script for bench/run: each request posts a new, valid comment from a
-- new commenter (distinct name, email and address), so no duplicate or
-- flood rule applies. BENCH_ARTICLE names the article, BENCH_LIMIT bounds the
-- comments per thread, BENCH_RUN keeps texts unique across runs.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
local run = os.getenv("BENCH_RUN") or tostring(os.time())
local article = os.getenv("BENCH_ARTICLE") or "1"
local limit = tonumber(os.getenv("BENCH_LIMIT") or "20000")
function request()
  n = n + 1
  local who = run .. "-" .. tid .. "-" .. n
  local body = "comment_post_ID=" .. article .. "&comment_parent=0"
    .. "&author=Reader+" .. who
    .. "&email=reader" .. who .. "%40bench.invalid"
    .. "&url=&comment=Comment+" .. who .. "+on+the+article%2C+with+a+few+words+of+its+own."
  -- A distinct address per commenter, as a reverse proxy would report it.
  local ip = "10." .. tid .. "." .. (math.floor(n / 250) % 250) .. "." .. (n % 250 + 1)
  return wrk.format("POST", "/wp-comments-post.php", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Forwarded-For"] = ip,
  }, body)
end
function response(status, headers, body)
  if n >= limit then wrk.thread:stop() end
end
