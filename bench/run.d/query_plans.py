#!/usr/bin/env python3
"""Query plans of every statement a byline server ran, at the size of the
site it ran on.

Usage: query_plans.py DATABASE SERVER_LOG

SERVER_LOG is the standard error of `byline serve` run with
BYLINE_LOG=sqlx::query=debug, so it holds each statement the requests made
(sqlx logs them, without their values). Each distinct statement is asked for
its plan (EXPLAIN QUERY PLAN, parameters bound to NULL). A plan that scans a
table which grows with the site (comments, articles, ...) instead of
searching an index, searches a discussion by its article alone, or sorts
every candidate to show one page, is reported, and the script exits 1.
"""
import re
import sqlite3
import sys

# An index search on a discussion's article alone walks the whole discussion.
TOO_BROAD = re.compile(r"SEARCH \w+ USING (COVERING )?INDEX comments_in_order \(article_id=\?\)")
GROWING = ("comments", "articles", "article_terms", "revisions", "article_old_slugs", "attachments", "authors", "terms")
FIELD = re.compile(r'(summary|db\.statement)="((?:[^"\\]|\\.)*)"')


def statements(log):
    seen = []
    for line in open(log, encoding="utf-8", errors="replace"):
        if "sqlx::query" not in line:
            continue
        fields = {k: bytes(v, "utf-8").decode("unicode_escape") for k, v in FIELD.findall(line)}
        sql = (fields.get("db.statement") or fields.get("summary") or "").strip()
        if not sql or "…" in sql or sql.upper().startswith(("PRAGMA", "BEGIN", "COMMIT", "ROLLBACK")):
            continue
        sql = " ".join(sql.split())
        if sql not in seen:
            seen.append(sql)
    return seen


def parameters(sql):
    numbered = [int(n) for n in re.findall(r"\?(\d+)", sql)]
    plain = len(re.findall(r"\?(?!\d)", sql))
    return max(numbered) if numbered else plain


def main():
    db, log = sys.argv[1], sys.argv[2]
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    bad = 0
    checked = 0
    for sql in statements(log):
        try:
            plan = conn.execute("EXPLAIN QUERY PLAN " + sql, [None] * parameters(sql)).fetchall()
        except sqlite3.Error as e:
            print(f"(no plan: {e}) {sql[:100]}")
            continue
        checked += 1
        scans = [
            d
            for (_, _, _, d) in plan
            if any(re.match(rf"SCAN {t}\b", d) for t in GROWING)
            or TOO_BROAD.match(d)
            # Sorting every candidate to show a page (search ranks its matches: exempt).
            or (d.startswith("USE TEMP B-TREE FOR") and "LIMIT" in sql.upper() and "articles_fts" not in sql)
        ]
        if scans:
            bad += 1
            print(f"SCAN: {sql[:160]}\n      {'; '.join(scans)}")
    print(f"{checked} distinct statements checked, {bad} scanning a table that grows with the site")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
