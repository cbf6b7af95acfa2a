"""Links of a report's HTML pages: every relative href must name a file of
the report and, with a #fragment, an element of that page with that id
(a spec reference lands on its section of the shipped RFC text)."""

import re
from pathlib import Path
from urllib.parse import unquote

HREF = re.compile(r'<a [^>]*href="([^"]*)"')
ID = re.compile(r'\bid="([^"]*)"')


def ids(page, cache={}):
    if page not in cache:
        cache[page] = set(ID.findall(page.read_text(errors="replace")))
    return cache[page]


def dangling(page, html=None):
    """The relative links of page (its text, or html) that lead nowhere."""
    html = page.read_text(errors="replace") if html is None else html
    bad = []
    for href in HREF.findall(html):
        if href.startswith(("http://", "https://")):
            continue
        path, _, frag = href.partition("#")
        target = (page.parent / unquote(path)).resolve() if path else page
        if not target.is_file() or (frag and path and unquote(frag) not in ids(target)):
            bad.append(href)
    return bad


def external(html):
    """Elements that would fetch from the network: src or stylesheet links."""
    return re.findall(r'<(?:(?:script|img|iframe|source|video|audio|embed)\b[^>]*\bsrc=|link\b)[^>]*>',
                      html)
