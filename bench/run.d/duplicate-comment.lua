-- wrk script for bench/big-site: every request posts the same comment by
-- the same commenter, so after the first each one is refused as a
-- duplicate (409): the cost of a refusal. BENCH_ARTICLE names the article.
local article = os.getenv("BENCH_ARTICLE") or "1"
local body = "comment_post_ID=" .. article .. "&comment_parent=0"
  .. "&author=Persistent+Poster&email=persistent%40bench.invalid&url="
  .. "&comment=The+same+words%2C+sent+again+and+again."
function request()
  return wrk.format("POST", "/wp-comments-post.php", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Forwarded-For"] = "10.9.9.9",
  }, body)
end
