"""Load scenario: traffic mixed like a portal's real readers, against a running stack
(deploy/rehearse.sh with REHEARSE_KEEP=1, or production), with wrk.

    .venv/bin/python bench/load.py --base https://www.czs.localhost [--connections 32]
                                   [--seconds 30] [--threads 2] [--insecure]

The mix, per 100 requests (MIX below): 60 published pages (the home page, column first
pages and items, found by following the home page's links on the site itself), 10 later
list pages (?page=2..5), 15 app-API requests (item lists of the site's columns and items),
10 searches (the site's hot terms and words of item titles) and 5 static files (the page's
stylesheet and scripts). wrk runs `--threads` threads with `--connections` open
connections for `--seconds`, each request drawn at random from the mix (a Lua script
written to var/load/mix.lua). It prints, measured by wrk itself, for the whole run:
requests, throughput, latency p50/p95/p99/max and errors (connection errors, timeouts,
answers ≥ 400); and per kind of request its count and its answers ≥ 400 (wrk keeps one
latency histogram per run, so latency is not split by kind).

The site's hostname must resolve to the stack (wrk sends it as SNI and Host): for the
rehearsal, add `127.0.0.1 www.czs.localhost` to /etc/hosts (docs/deploy.md, 压测). The
API's anonymous rate limit (API_ANON_RATE) applies to one load generator as to one
reader: raise it in portal.env for the run (docs/deploy.md, 无 TLS 的压测 / 演练).
The script prints figures; it asserts nothing.
"""

import argparse
import json
import random
import re
import shutil
import ssl
import subprocess
import sys
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import _bootstrap

OUT = _bootstrap.VAR / "load"
MIX = {"page": 60, "list": 10, "api": 15, "search": 10, "static": 5}


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.assets = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "link" and attrs.get("rel") == "stylesheet" and attrs.get("href"):
            self.assets.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.assets.append(attrs["src"])


def fetch(url, context):
    request = urllib.request.Request(url, headers={"User-Agent": "portal-load-bench"})  # noqa: S310 - the stack under test
    with urllib.request.urlopen(request, timeout=30, context=context) as response:  # noqa: S310
        return response.read().decode("utf-8", errors="replace")


def collect(base, context, limit=200):
    """Paths of each kind on the site: pages by following links from the home page (same
    host, no query), the API's lists and items, search words, static assets."""
    host = urlsplit(base).netloc
    seen, queue, pages, assets = set(), ["/"], [], set()
    while queue and len(pages) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        try:
            html = fetch(urljoin(base, path), context)
        except OSError:
            continue
        pages.append(path)
        parser = Links()
        parser.feed(html)
        assets.update(a for a in parser.assets if a.startswith("/static/"))
        for href in parser.links:
            parts = urlsplit(urljoin(base + path, href))
            if parts.netloc == host and not parts.query and parts.path.endswith("/"):
                if not parts.path.startswith(("/admin/", "/api/", "/search/", "/wap/", "/documents/")):
                    queue.append(parts.path)
    items = json.loads(fetch(urljoin(base, "/api/v1/items/?page_size=50"), context)).get("results", [])
    columns = sorted({p for p in pages if p.count("/") == 2 and p != "/"})
    api = ["/api/v1/items/?page_size=20"] + [f"/api/v1/items/{item['id']}/" for item in items[:30]]
    words = {w for item in items for w in re.findall(r"[\u4e00-\u9fff]{2,4}", item.get("title", ""))}
    try:
        hot = [
            t.get("term", "")
            for t in json.loads(fetch(urljoin(base, "/api/v1/search/hot/"), context)).get("results", [])
        ]
    except (OSError, ValueError):
        hot = []
    search = [f"/search/?q={quote(w)}" for w in sorted(set(hot) | words) if w][:40]
    lists = [f"{c}?page={n}" for c in columns[:10] for n in range(2, 6)]
    return {"page": pages, "list": lists, "api": api, "search": search, "static": sorted(assets)}


LUA = r"""
-- Written by bench/load.py: each request drawn from the mix; latency per kind kept apart.
local paths = %(paths)s
local kinds = %(kinds)s
local counter = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + (tonumber(args and args[1]) or 0))
end

request = function()
  local i = math.random(#paths)
  current = kinds[i]
  return wrk.format("GET", paths[i])
end

-- Per-thread counts as plain global numbers (n_<kind>, bad_<kind>): wrk copies numbers
-- between its threads' Lua states, and crashed here copying a table.
response = function(status, headers, body)
  _G["n_" .. current] = (_G["n_" .. current] or 0) + 1
  if status >= 400 then _G["bad_" .. current] = (_G["bad_" .. current] or 0) + 1 end
end

function done(summary, latency, requests)
  io.write("@@summary ", summary.requests, " ", summary.duration, " ",
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, " ",
    summary.errors.status, "\n")
  io.write("@@latency ", latency:percentile(50), " ", latency:percentile(95), " ", latency:percentile(99), " ", latency.max, "\n")
  for _, kind in ipairs(%(names)s) do
    local n, bad = 0, 0
    for _, thread in ipairs(threads) do
      n = n + (thread:get("n_" .. kind) or 0)
      bad = bad + (thread:get("bad_" .. kind) or 0)
    end
    io.write("@@kind ", kind, " ", n, " ", bad, "\n")
  end
end
"""


def lua_list(values):
    return "{" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "}"


def write_script(paths_by_kind):
    """A weighted list (each kind's share of MIX spread over its paths) as a Lua script."""
    paths, kinds = [], []
    for kind, weight in MIX.items():
        found = paths_by_kind.get(kind) or []
        if not found:
            continue
        for _ in range(weight * 10):
            paths.append(random.choice(found))  # noqa: S311 - a traffic mix, not a secret
            kinds.append(kind)
    OUT.mkdir(parents=True, exist_ok=True)
    script = OUT / "mix.lua"
    script.write_text(
        LUA % {"paths": lua_list(paths), "kinds": lua_list(kinds), "names": lua_list(list(MIX))},
        encoding="utf-8",
    )
    return script


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="https://www.czs.localhost")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--insecure", action="store_true", help="accept a self-signed certificate")
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if not wrk:
        sys.exit("wrk is not installed (apt-get install -y wrk)")
    context = ssl._create_unverified_context() if args.insecure else None  # noqa: S323 - the rehearsal's own certificate
    random.seed(2014)
    found = collect(args.base.rstrip("/"), context)
    print("paths found: " + ", ".join(f"{kind} {len(paths)}" for kind, paths in found.items()))
    script = write_script(found)
    result = subprocess.run(  # noqa: S603 - wrk with our own script
        [
            wrk,
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{args.seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            args.base + "/",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [line.split() for line in result.stdout.splitlines() if line.startswith("@@")]
    summary = next(line for line in lines if line[0] == "@@summary")
    latency = next(line for line in lines if line[0] == "@@latency")
    requests, micros, errors, status_errors = (int(v) for v in summary[1:5])
    seconds = micros / 1e6
    p50, p95, p99, worst = (int(v) / 1000 for v in latency[1:5])
    print(
        f"{args.connections} connections, {args.threads} threads, {seconds:.0f} s: {requests} requests,"
        f" {requests / seconds:.0f} requests/s; latency p50 {p50:.1f} ms, p95 {p95:.1f} ms,"
        f" p99 {p99:.1f} ms, max {worst:.0f} ms; errors: {errors} connection/timeouts, {status_errors} answers ≥ 400"
    )
    for line in sorted(line for line in lines if line[0] == "@@kind"):
        kind, count, bad = line[1], int(line[2]), int(line[3])
        print(f"  {kind:<7} {count:>8} requests ({count / max(1, requests):.0%}), {bad} answers ≥ 400")
    Path(OUT / "wrk.txt").write_text(result.stdout, encoding="utf-8")


if __name__ == "__main__":
    main()
