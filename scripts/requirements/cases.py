"""cases.py - what each .case file sends and expects, for requirements.py.

Read from the steps, as the harness would run them (cases/README.md):
- sent lines: `send LINE`, `split N LINE`, `repeat N LINE`, `raw BYTES` and
  `chunks "A" ...` (their bytes cut at LF, CR LF stripped); `register`
  sends NICK and USER (and PASS when the run has a password), `oper` sends
  OPER.  The command is upper-cased: `join` is JOIN.
- expected numerics: the command of each `expect`, `expect-next` (and
  their `-exact` forms) and `expect-any` alternative pattern when it is
  three digits (a glob such as
  `4??` names none), and the first three-digit word after `^`, `)?` or a
  space in an `expect-re` regex.  `expect-none` (and `expect-none-exact`)
  asserts an absence and never counts.
- a numeric answers the commands of the expecting client's last batch: the
  lines that client sent after its previous `expect*` or `sync` step (so
  `send MOTD`, `send PING :x`, `expect 375` answers MOTD and PING; `send
  JOIN`, `expect ... JOIN`, `expect 353`, `expect 366` answers JOIN three
  times).  Every client a step names counts.  `register` and `oper`
  consume their own replies: they end the batch with nothing in it.
"""
import re
from pathlib import Path

HEADER_KEYS = ("id", "title", "spec", "level", "tags", "clients", "requires")
STEP = re.compile(r"^([A-Za-z0-9_*, ]+?):\s*([a-z-]+)\s?(.*)$")
NUMERIC = re.compile(r"^\d{3}$")
RE_NUMERIC = re.compile(r"(?:^\^|\)\??|\s)(\d{3})(?=\s|\\s)")
ESCAPES = {"r": "\r", "n": "\n", "t": "\t", "0": "\0", "\\": "\\"}


def unescape(text):
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt in ESCAPES:
                out.append(ESCAPES[nxt])
                i += 2
                continue
            if nxt == "x" and re.match(r"[0-9a-fA-F]{2}", text[i + 2:i + 4]):
                out.append(chr(int(text[i + 2:i + 4], 16)))
                i += 4
                continue
        out.append(c)
        i += 1
    return "".join(out)


def parse_line(line):
    """(COMMAND, [params]) of an IRC line or pattern; prefix dropped."""
    line = line.strip(" \r\n")
    if line.startswith(":"):
        line = line.partition(" ")[2].lstrip(" ")
    trailing = None
    if " :" in line:
        line, _, trailing = line.partition(" :")
    words = [w for w in line.split(" ") if w]
    if not words:
        return None, []
    params = words[1:] + ([trailing] if trailing is not None else [])
    return words[0].upper(), params


def sent_lines(verb, arg):
    if verb == "send":
        return [arg]
    if verb in ("split", "repeat"):
        rest = arg.split(" ", 1)
        return [rest[1].replace("{i}", "0")] if len(rest) == 2 else []
    if verb == "raw":
        data = unescape(arg)
    elif verb == "chunks":
        data = "".join(unescape(s) for s in re.findall(r'"((?:[^"\\]|\\.)*)"', arg))
    else:
        return []
    return [ln for ln in data.replace("\r", "").split("\n") if ln.strip()]


def expected_numerics(verb, arg):
    if verb in ("expect", "expect-next", "expect-exact", "expect-next-exact"):
        patterns = [arg]
    elif verb == "expect-any":
        patterns = arg.split(" || ")
    elif verb == "expect-re":
        m = RE_NUMERIC.search(arg)
        return [m.group(1)] if m else []
    else:
        return []
    found = []
    for p in patterns:
        cmd, _ = parse_line(unescape(p))
        if cmd and NUMERIC.match(cmd):
            found.append(cmd)
    return found


class Case:
    """One case file: its header and the facts requirements.py matches on."""

    def __init__(self, path, root):
        self.path = Path(path)
        self.rel = self.path.relative_to(root).as_posix()
        self.header = {}
        self.sent = []          # (COMMAND, params) of every line sent
        self.answered = set()   # (COMMAND, first param or "", numeric)
        self.expected = set()   # every numeric expected
        self._read()
        self.id = self.header.get("id", self.path.stem)
        self.specs = self.header.get("spec", "").split()

    def _read(self):
        batch, answered = {}, {}
        in_header = True
        for raw in self.path.read_text(encoding="utf-8", errors="replace").split("\n"):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            key = line.split(":", 1)[0].strip()
            if in_header and key in HEADER_KEYS:
                self.header[key] = line.split(":", 1)[1].strip()
                continue
            in_header = False
            m = STEP.match(line)
            if not m:
                continue
            who = [w for w in re.split(r"[ ,]+", m.group(1)) if w]
            verb, arg = m.group(2), m.group(3)
            if verb in ("register", "oper"):
                for w in who:
                    batch[w], answered[w] = [], True
                if verb == "register":
                    self.sent += [("NICK", ["{nick}"]), ("USER", ["{user}", "0", "*", "ircspec"])]
                else:
                    self.sent.append(("OPER", ["{oper:name}", "{oper:pass}"]))
                continue
            for text in sent_lines(verb, arg):
                cmd, params = parse_line(text)
                if not cmd:
                    continue
                self.sent.append((cmd, params))
                for w in who:
                    if answered.get(w, True):
                        batch[w], answered[w] = [], False
                    batch[w].append((cmd, params[0] if params else ""))
            for num in expected_numerics(verb, arg):
                self.expected.add(num)
                for w in who:
                    for cmd_first in batch.get(w, []):
                        self.answered.add(cmd_first + (num,))
            if verb.startswith("expect") or verb == "sync":
                for w in who:
                    answered[w] = True


def load(root):
    """{id: Case} for every .case file under root (sorted by path)."""
    cases = {}
    for path in sorted(Path(root).rglob("*.case")):
        case = Case(path, root)
        cases.setdefault(case.id, case)
    return cases
