"""Accessibility toolbar weight: the toolbar's JavaScript and CSS as served (static/js/
a11y-toolbar.js, static/css/a11y.css), minified (rjsmin, rcssmin) and gzipped, against the
30 KB budget of issue 6 (minified, before gzip), and against the baseline of the same run:
the site stylesheet every page already loads (static/css/portal.css).

    python bench/a11y_toolbar.py

It prints figures and ratios; it asserts nothing.
"""

import gzip
from pathlib import Path

import rcssmin
import rjsmin

ROOT = Path(__file__).resolve().parent.parent
JS = ROOT / "static" / "js" / "a11y-toolbar.js"
CSS = ROOT / "static" / "css" / "a11y.css"
BASELINE = ROOT / "static" / "css" / "portal.css"
BUDGET = 30 * 1024


def sizes(path, minify):
    raw = path.read_text(encoding="utf-8")
    small = minify(raw)
    return len(raw.encode()), len(small.encode()), len(gzip.compress(small.encode(), 9))


def main():
    js = sizes(JS, rjsmin.jsmin)
    css = sizes(CSS, rcssmin.cssmin)
    base = sizes(BASELINE, rcssmin.cssmin)
    total = [a + b for a, b in zip(js, css, strict=True)]
    print(f"{'file':<28}{'source':>10}{'minified':>10}{'gzip':>8}")
    for name, figures in [("a11y-toolbar.js", js), ("a11y.css", css), ("toolbar total", total)]:
        print(f"{name:<28}{figures[0]:>10}{figures[1]:>10}{figures[2]:>8}")
    print(f"{'baseline portal.css':<28}{base[0]:>10}{base[1]:>10}{base[2]:>8}")
    print(f"toolbar minified / 30 KB budget: {total[1] / BUDGET:.2f} ({total[1]} of {BUDGET} bytes)")
    print(f"toolbar minified / portal.css minified: {total[1] / base[1]:.2f}x")
    print(f"toolbar gzip / portal.css gzip: {total[2] / base[2]:.2f}x")


if __name__ == "__main__":
    main()
