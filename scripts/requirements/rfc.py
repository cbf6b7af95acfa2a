"""rfc.py - the requirement rows extracted from the text of RFC 2812.

Four kinds of row, each with an id stable as long as the RFC text is:
  form      X.Y.fN    a parameter form of the command of section X.Y (3-4),
                      from its "Parameters:" line (syntax.py says how)
  numeric   X.Y.nNNN  a numeric listed under "Numeric Replies:" (or
                      "Numerics:", NAMES) in X.Y (3-4)
  reply     5.K.nNNN  a numeric defined in 5.1 or 5.2 (not 5.3, reserved)
  sentence  X.Y.sN    the Nth sentence of section X.Y (2-5) holding MUST,
                      MUST NOT, SHOULD, SHOULD NOT, REQUIRED or SHALL (NOT)
                      in capitals (RFC 2119 words; RFC 2812 uses MUST NEVER
                      once, which counts as MUST)
and from RFC 1459 (extract_1459), which has no capital keywords:
  candidate 1459:X.Y.sN  a sentence of 2-8 holding must, should, required or
                      shall in any case; it is a row only where the hand
                      mapping names it (where RFC 1459 says more)

Page footers and headers are dropped and a paragraph cut by a page break is
joined again; a sentence ends at ".", "!" or "?" followed by white space and
a capital letter, quote or parenthesis, or at the end of a paragraph.
"""
import re

from syntax import forms, shapes_text

HEADING = re.compile(r"^(\d+(?:\.\d+)*)\.? +(\S.*)$")
FOOTER = re.compile(r"^(Kalt +Informational|Oikarinen & Reed) +\[Page \d+\]$")
HEADER = re.compile(r"^RFC (2812|1459) +Internet Relay Chat")
KEYWORD = re.compile(r"\b(MUST(?: NOT| NEVER)?|SHOULD(?: NOT)?|REQUIRED|SHALL(?: NOT)?)\b")
# RFC 1459 predates RFC 2119: its requirements are in lower case
KEYWORD_1459 = re.compile(r"\b(must(?: not| never)?|should(?: not)?|required|shall(?: not)?)\b",
                          re.I)
NUMERIC_DEF = re.compile(r"^ {4,}(\d{3}) +((?:RPL|ERR)_[A-Z0-9_]+)\s*$")
NUMERIC_NAME = re.compile(r"\b((?:RPL|ERR)_[A-Z0-9_]+)\b")
ABNF_LIST = re.compile(r"^\s*(\w+)\s+=\s+(\w+)\s+\*\(\s*\",\"\s+\2\s*\)\s*$")
# Misspellings in the RFC's "Numeric Replies:" lists, by the name 5 defines.
TYPOS = {"RPL_LUSERUNKOWN": "RPL_LUSERUNKNOWN"}
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'])")


def clean_lines(text):
    """The RFC's lines without page furniture; None marks a page break."""
    out = []
    for line in text.split("\n"):
        line = line.rstrip().replace("\f", "")
        if FOOTER.match(line):
            out.append(None)
        elif HEADER.match(line):
            continue
        else:
            out.append(line)
    return out


def sectioned(lines):
    """[(section, title, [lines])] for every numbered heading at column 0."""
    result, current = [], None
    for line in lines:
        m = HEADING.match(line) if line else None
        if m and not line.startswith(" "):
            current = (m.group(1), m.group(2).strip(), [])
            result.append(current)
        elif current is not None:
            current[2].append(line)
    return result


def paragraphs(lines):
    """Paragraphs as single strings; a page break inside one is joined."""
    # blank lines just before a page footer are the page's, not a break
    # between paragraphs
    kept = []
    for line in lines:
        if line is None:
            while kept and kept[-1] is not None and kept[-1].strip() == "":
                kept.pop()
        kept.append(line)
    paras, cur, broken = [], [], False
    for line in kept:
        if line is None:
            broken = True
            continue
        if line.strip() == "":
            if broken:
                continue
            if cur:
                paras.append(cur)
                cur = []
            continue
        if broken and cur and re.search(r"[.:]$", cur[-1]):
            paras.append(cur)
            cur = []
        broken = False
        cur.append(line.strip())
    if cur:
        paras.append(cur)
    return [re.sub(r"\s+", " ", " ".join(p)) for p in paras]


def sentences(para):
    para = re.sub(r"^- ", "", para)
    return [s.strip() for s in SENTENCE_END.split(para) if s.strip()]


def list_params(sections):
    """Names 2.3.1 defines as a comma list (msgtarget = msgto *( "," msgto ))."""
    names = set()
    for sec, _title, lines in sections:
        if sec == "2.3.1":
            for line in lines:
                m = ABNF_LIST.match(line or "")
                if m:
                    names.add(m.group(1))
    return names


def syntax_of(lines):
    """(command, parameters text, numeric names) of a section 3-4 body."""
    command, params, names, i = None, None, [], 0
    body = [x for x in lines if x is not None]
    while i < len(body):
        line = body[i]
        m = re.match(r"^ +Command: +(\S+)", line)
        if m:
            command = m.group(1)
        m = re.match(r"^ +Parameters: +(.*)$", line)
        if m:
            params = m.group(1).strip()
            while i + 1 < len(body) and re.match(r"^ {15}\S", body[i + 1]):
                i += 1
                params += " " + body[i].strip()
        if re.match(r"^ +Numerics?(?: Replies)?:", line):
            i += 1
            while i < len(body) and (body[i].strip() == "" or NUMERIC_NAME.search(body[i])):
                names += NUMERIC_NAME.findall(body[i])
                i += 1
            continue
        i += 1
    return command, params, names


def numeric_table(sections):
    """{name: number} and [(section, number, name)] from 5.1 and 5.2."""
    by_name, defs = {}, []
    for sec, _title, lines in sections:
        if sec not in ("5.1", "5.2"):
            continue
        for line in lines:
            m = NUMERIC_DEF.match(line or "")
            if m:
                by_name.setdefault(m.group(2), m.group(1))
                defs.append((sec, m.group(1), m.group(2)))
    return by_name, defs


def in_range(sec, first, last):
    top = int(sec.split(".")[0])
    return first <= top <= last


def sentence_rows(sec, lines, keyword, prefix, kind):
    """The sentences of one section holding a keyword, numbered from 1."""
    rows, k, context = [], 0, ""
    for para in paragraphs(lines):
        m = re.match(r"^(\d{3}) +((?:RPL|ERR)_[A-Z0-9_]+)", para)
        if m:
            context = f"{m.group(1)} {m.group(2)}"
        for s in sentences(para):
            found = keyword.search(s)
            if found:
                k += 1
                rows.append(dict(id=f"{prefix}{sec}.s{k}", kind=kind, section=prefix + sec,
                                 command=context, key=found.group(1).upper(), text=s))
    return rows


def extract_1459(text):
    """RFC 1459's sentences with must/should/required/shall in 2-8, as
    candidates: one becomes a row only where cases/requirements.txt maps it
    (where RFC 1459 says more than RFC 2812)."""
    rows, titles = [], {}
    for sec, title, lines in sectioned(clean_lines(text)):
        titles["1459:" + sec] = title
        if in_range(sec, 2, 8):
            rows += sentence_rows(sec, lines, KEYWORD_1459, "1459:", "candidate")
    return rows, titles


def extract(text):
    """Every row: dicts with id, kind, section, command, key, text."""
    sections = sectioned(clean_lines(text))
    lists = list_params(sections)
    by_name, defs = numeric_table(sections)
    titles = {sec: title for sec, title, _ in sections}
    rows = []
    for sec, _title, lines in sections:
        if in_range(sec, 3, 4):
            command, params, names = syntax_of(lines)
            if command and params is not None:
                for k, (lab, shapes) in enumerate(forms(command, params, lists), 1):
                    rows.append(dict(id=f"{sec}.f{k}", kind="form", section=sec,
                                     command=command, key=shapes_text(shapes), text=lab))
            seen = set()
            for name in names:
                num = by_name.get(TYPOS.get(name, name))
                if num is None:
                    raise ValueError(f"{sec}: {name} is not defined in 5.1 or 5.2")
                if num in seen:
                    continue
                seen.add(num)
                rows.append(dict(id=f"{sec}.n{num}", kind="numeric", section=sec,
                                 command=command, key=num, text=f"{num} {name}"))
        if in_range(sec, 2, 5):
            rows += sentence_rows(sec, lines, KEYWORD, "", "sentence")
    seen = set()
    for sec, num, name in defs:
        if num in seen:
            continue
        seen.add(num)
        rows.append(dict(id=f"{sec}.n{num}", kind="reply", section=sec, command="",
                         key=num, text=f"{num} {name}"))
    return rows, titles


COLUMNS = ("id", "kind", "section", "command", "key", "text")


def to_tsv(rows, titles):
    out = ["# Generated by `make requirements` (scripts/requirements/rfc.py) from RFC 2812",
           "# and RFC 1459:",
           "# do not edit; the hand mapping is cases/requirements.txt.",
           "\t".join(COLUMNS)]
    for r in rows:
        out.append("\t".join(r[c] for c in COLUMNS))
    for sec, title in titles.items():
        out.append(f"title\t{sec}\t{title}")
    return "\n".join(out) + "\n"


def from_tsv(text):
    rows, titles = [], {}
    for line in text.split("\n"):
        if not line or line.startswith("#") or line.startswith("id\t"):
            continue
        parts = line.split("\t")
        if parts[0] == "title":
            titles[parts[1]] = parts[2]
        else:
            rows.append(dict(zip(COLUMNS, parts)))
    return rows, titles
