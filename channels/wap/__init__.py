"""The WAP rendering of every site (手机版): the same pages at `/wap/<page path>` on each
site's own host, as small, script-free HTML that fits a 30 KB budget and reads well in a
text browser. See docs/wap.md."""
