"""Reads every feed of a freshly built byline site with Python's feedparser
(a real, widely used parser) and checks entry counts, titles, links and
dates; JSON Feed is checked against its specification's required fields.
Then it revalidates every feed the way readers do (feedparser's `etag` and
`modified`) before and after a change, and reads them again once a comment
full of markup and control characters has arrived.

Usage: python check_feeds.py path/to/byline
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import datetime
from pathlib import Path

import feedparser

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/debug/byline"
passed = 0
failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {what}")


def cli(data, *args):
    subprocess.run([BIN, "--data", data, *args], check=True, capture_output=True, text=True)


def post(data, name, front, body):
    cli(data, "post", "new", write(data, name, front, body))


def revalidate(data, base, paths):
    """Conditional GETs as a reader makes them: 304 while a feed is
    unchanged, 200 with the change after it, by ETag and by date alike."""
    time.sleep(1.1)  # a cached version is dated from the second after it was kept
    known = {}
    for path in paths:
        first = feedparser.parse(base + path)
        check(first.get("etag") and first.get("modified"), f"{path} has an ETag and a Last-Modified")
        known[path] = (first.get("etag"), first.get("modified"))
        for how, kwargs in (("ETag", {"etag": first.get("etag")}), ("date", {"modified": first.get("modified")})):
            again = feedparser.parse(base + path, **kwargs)
            check(again.get("status") == 304, f"{path} unchanged answers 304 by {how}, got {again.get('status')}")
    cli(data, "post", "edit", "1", write(data, "edit", "title: Budget, revised\nauthor: jane\ndate: 2024-01-26 10:00\ncategories: [News]\ntags: [budget]\nstatus: published", "Text."))
    form = urllib.parse.urlencode({"comment_post_ID": "1", "comment": "Late `<script>alert(1)</script>` \x01\x1b[31m ]]> &lt;b&gt;", "author": "Late\x08 <b>reader</b>", "email": "late@mail.example"}).encode()
    urllib.request.urlopen(urllib.request.Request(base + "/wp-comments-post.php", data=form))
    for path, (etag, modified) in known.items():
        for how, kwargs in (("ETag", {"etag": etag}), ("date", {"modified": modified})):
            after = feedparser.parse(base + path, **kwargs)
            check(after.get("status") == 200, f"{path} after a change answers 200 by {how}, got {after.get('status')}")
            if path.endswith("/json/"):
                continue  # feedparser reads no JSON Feed; the status is what counts here
            check(not after.bozo, f"{path} still parses cleanly ({after.get('bozo_exception')})")
            shown = json.dumps([after.feed.get("title"), [e.get("title") for e in after.entries]])
            check("revised" in shown or "Late" in shown, f"{path} shows the change: {shown}")


def write(data, name, front, body):
    path = Path(data) / f"{name}.md"
    path.write_text(f"---\n{front}\n---\n\n{body}\n", encoding="utf-8")
    return str(path)


def main():
    with tempfile.TemporaryDirectory() as data:
        cli(data, "author", "add", "--login", "jane", "--name", "Jane Doe", "--tagline", "journalist")
        cli(data, "settings", "set", "comment_flood_seconds", "0")
        cli(data, "settings", "set", "comment_moderation", "none")
        post(data, "a", "title: \"Budget & beyond\"\nauthor: jane\ndate: 2024-01-26 10:00\ncategories: [News]\ntags: [budget]\nstatus: published", "Text with <b>markup</b> and *emphasis*.")
        post(data, "b", "title: Second story\nauthor: jane\ndate: 2024-02-02 10:00\ncategories: [News]\nstatus: published", "More.")
        server = subprocess.Popen(
            [BIN, "--data", data, "serve", "--listen", "127.0.0.1:0", "--no-sample"],
            stdout=subprocess.PIPE, text=True, env={**os.environ, "BYLINE_LOG": "warn"},
        )
        try:
            base = next(w for w in server.stdout.readline().split() if w.startswith("http://")).rstrip("/")
            article = "/2024/01/26/budget-beyond/"
            for n in range(3):
                form = urllib.parse.urlencode({"comment_post_ID": "1", "comment": f"Comment {n}", "author": f"Reader {n}", "email": f"reader{n}@mail.example"}).encode()
                urllib.request.urlopen(urllib.request.Request(base + "/wp-comments-post.php", data=form))
            feeds = {
                "/feed/": 2, "/feed/atom/": 2, "/author/jane/feed/": 2, "/category/news/feed/atom/": 2,
                "/tag/budget/feed/": 1, "/comments/feed/": 3, "/comments/feed/atom/": 3, article + "feed/": 3, article + "feed/atom/": 3,
            }
            for path, count in feeds.items():
                raw = urllib.request.urlopen(base + path).read()
                parsed = feedparser.parse(raw)
                check(not parsed.bozo, f"{path} parses cleanly ({parsed.get('bozo_exception')})")
                check(len(parsed.entries) == count, f"{path} has {count} entries, got {len(parsed.entries)}")
                check(bool(parsed.feed.get("title")), f"{path} has a title")
                for e in parsed.entries:
                    check(bool(e.get("title")), f"{path} entry has a title")
                    check(e.get("link", "").startswith(base + "/"), f"{path} entry link {e.get('link')} is absolute")
                    check(e.get("published_parsed") is not None or e.get("updated_parsed") is not None, f"{path} entry has a date")
                    check("mail.example" not in json.dumps(e, default=str), f"{path} entry has no email")
                if path == "/feed/":
                    check(parsed.entries[0].title == "Second story", "newest first")
                    check(parsed.entries[1].title == "Budget & beyond", "titles are decoded, not double-escaped")
            for path, count in {"/feed/json/": 2, "/comments/feed/json/": 3, article + "feed/json/": 3}.items():
                doc = json.loads(urllib.request.urlopen(base + path).read())
                check(doc.get("version") == "https://jsonfeed.org/version/1.1", f"{path} version")
                check(isinstance(doc.get("title"), str) and doc["title"], f"{path} title")
                check(isinstance(doc.get("items"), list) and len(doc["items"]) == count, f"{path} has {count} items")
                for item in doc["items"]:
                    check(isinstance(item.get("id"), str) and item["id"], f"{path} item id")
                    check("content_html" in item or "content_text" in item, f"{path} item content")
                    check(item.get("url", "").startswith(base + "/"), f"{path} item url")
                    datetime.fromisoformat(item["date_published"].replace("Z", "+00:00"))
                    check("mail.example" not in json.dumps(item), f"{path} item has no email")
            revalidate(data, base, list(feeds) + ["/feed/json/", article + "feed/json/"])
        finally:
            server.terminate()
            server.wait()
    print(f"feeds: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
