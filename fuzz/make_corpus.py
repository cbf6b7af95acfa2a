#!/usr/bin/env python3
"""make_corpus.py - seed corpus for the fuzz targets, from the .case files.

    python3 fuzz/make_corpus.py cases fuzz/corpus

Every `send`, `raw`, `split`, `repeat` and `chunks` step of every .case
(cases/README.md) is turned into the bytes it puts on the wire, with the
placeholders replaced by values that make sense on the fuzz server and the
escapes of `raw`/`chunks` decoded, then written in each target's input format
(the comments at the top of fuzz/fuzz_recv.c and fuzz/fuzz_session.c):

  fuzz_recv     one file per (case, client): that client's whole stream, one
                piece per step (so `split`/`chunks` segments stay separate
                recv() calls), as the pre-registered "fuzzer" with the
                bystander "peer" standing in for the other clients; a few
                variants (byte by byte, clock ticks and EOF, unregistered with
                NICK/USER first, password server); and one file per distinct
                line.
  fuzz_session  one file per case: every client's steps in case order as
                records for slots a=0, b=1, ... (so a..d are the
                pre-registered alice..dave), with `abort`/`close` as
                abrupt-close records and `stop-reading`/`resume-reading` as
                stall toggles; plus a byte-by-byte variant.

Files are named case-<id>-<hash>; identical inputs are written once.  Files
of other names in the output directories (inputs a fuzzing run found and
`make fuzz-merge` kept) are left alone; the case-* ones are rewritten.

    python3 fuzz/make_corpus.py --raw cases DIR

Seeds for someone else's server or harness (fuzz/README.md, "Fuzzing your
own server"): one file per (case, client) holding exactly the bytes that
client sends, in order - no flags byte, no 0xFF marks - beginning with
NICK/USER when the case registers it (nick "fuzzer", the others "peer"), so
each file is a plausible connection from its first byte.  No cap on the
count.
"""

import hashlib
import re
import shlex
import sys
from pathlib import Path

MARK = b"\xff"
MAX_LEN = {"fuzz_recv": 1024, "fuzz_session": 2048}  # the .options files' max_len
MAX_INPUT = max(MAX_LEN.values())
MAX_FILES = 300         # per target: the corpus stays small
SESSION_NICKS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]
RECV_SELF, RECV_PEER = "fuzzer", "peer"
ISUPPORT = {"NICKLEN": "30", "CHANNELLEN": "50", "TOPICLEN": "390", "KICKLEN": "255",
            "AWAYLEN": "200", "USERLEN": "10", "MODES": "6", "MAXTARGETS": "20",
            "CHANTYPES": "#&", "PREFIX": "(ov)@+", "NETWORK": "FuzzNet",
            "CASEMAPPING": "rfc1459", "CHANLIMIT": "#&:50", "MAXLIST": "b:100"}
SEND_VERBS = {"send", "raw", "chunks", "split", "repeat"}


def escape_mark(data):
    """0xFF in the data is doubled: a lone 0xFF separates pieces/records."""
    return data.replace(MARK, MARK + MARK)


def decode_escapes(text):
    r"""The escapes of `raw` and `chunks`: \r \n \t \0 \\ \xNN."""
    out = bytearray()
    raw = text.encode("utf-8", "surrogateescape")
    i = 0
    while i < len(raw):
        ch = raw[i:i + 1]
        if ch == b"\\" and i + 1 < len(raw):
            nxt = chr(raw[i + 1])
            simple = {"r": b"\r", "n": b"\n", "t": b"\t", "0": b"\0", "\\": b"\\"}
            if nxt in simple:
                out += simple[nxt]
                i += 2
                continue
            if nxt == "x" and re.fullmatch(rb"[0-9a-fA-F]{2}", raw[i + 2:i + 4]):
                out.append(int(raw[i + 2:i + 4], 16))
                i += 4
                continue
        out += ch
        i += 1
    return bytes(out)


class Placeholders:
    """Replaces {nick:a}, {chan}, {server}, ... with fuzz-server values."""

    def __init__(self, nick_of):
        self.nick_of = nick_of

    def expand(self, text, i=None):
        def one(m):
            key = m.group(1)
            name, _, arg = key.partition(":")
            if name in ("nick", "user"):
                return self.nick_of(arg or "a")
            if name == "chan":
                return "#fuzz" + (f"-{arg}" if arg else "")
            if name == "server":
                return "fuzz.refircd.test"
            if name == "isupport":
                return ISUPPORT.get(arg, "10")
            if name == "password":
                return "sesame"
            if name == "oper":
                return "operpass" if arg == "pass" else "oper"
            if name == "i":
                return str(i if i is not None else 0)
            if name == "repeat":
                count, _, body = arg.partition(":")
                return body * min(int(count) if count.isdigit() else 1, MAX_INPUT)
            return m.group(0)

        text = text.replace("{{", "\x00LBRACE\x00")
        text = re.sub(r"\{([a-z]+(?::[^{}]*)?)\}", one, text)
        return text.replace("\x00LBRACE\x00", "{")


def step_pieces(verb, arg, ph):
    """The segments (bytes) one sending step puts on the wire, or None."""
    if verb == "send":
        return [ph.expand(arg).encode("utf-8", "surrogateescape") + b"\r\n"]
    if verb == "raw":
        return [decode_escapes(ph.expand(arg))]
    if verb == "chunks":
        try:
            parts = shlex.split(ph.expand(arg), posix=False)
        except ValueError:
            return None
        return [decode_escapes(p[1:-1] if len(p) >= 2 and p[0] == p[-1] == '"' else p)
                for p in parts]
    if verb == "split":
        count, _, line = arg.partition(" ")
        data = ph.expand(line).encode("utf-8", "surrogateescape") + b"\r\n"
        if count == "bytes":
            return [data[k:k + 1] for k in range(len(data))]
        n = max(1, min(int(count), len(data))) if count.isdigit() else 1
        size = -(-len(data) // n)
        return [data[k:k + size] for k in range(0, len(data), size)]
    if verb == "repeat":
        count, _, line = arg.partition(" ")
        n = int(count) if count.isdigit() else 1
        out = b""
        for k in range(n):
            out += ph.expand(line, k).encode("utf-8", "surrogateescape") + b"\r\n"
            if len(out) > MAX_INPUT:
                break
        return [out]
    return None


def parse_case(path):
    """(id, clients, steps) where steps are (who list, verb, arg)."""
    case_id, clients, steps = path.stem, [], []
    for raw in path.read_text(encoding="utf-8", errors="surrogateescape").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = re.match(r"^([A-Za-z_][\w-]*):\s*(.*)$", line)
        if m and m.group(1) in ("id", "title", "spec", "level", "tags", "clients", "requires"):
            if m.group(1) == "id":
                case_id = m.group(2).strip()
            elif m.group(1) == "clients":
                for word in m.group(2).split():
                    crowd = re.fullmatch(r"(\w+)\*(\d+)", word)
                    if crowd:
                        clients += [f"{crowd.group(1)}{k}" for k in
                                    range(1, min(int(crowd.group(2)), 8) + 1)]
                    else:
                        clients.append(word)
            continue
        m = re.match(r"^([^:]+):\s*(\S+)\s?(.*)$", raw.rstrip("\n"))
        if not m:
            continue
        who = [w for w in re.split(r"[\s,]+", m.group(1).strip()) if w]
        expanded = []
        for w in who:
            if w == "*":
                expanded += clients
            elif w.endswith("*"):
                expanded += [c for c in clients if c.startswith(w[:-1])]
            else:
                expanded.append(w)
        steps.append((expanded, m.group(2), m.group(3)))
    return case_id, clients, steps


def registers(steps, name):
    return any(name in who and verb == "register" for who, verb, _ in steps)


def recv_seeds(case_id, clients, steps):
    """(whole streams, single lines).  A client the case registers starts
    registered; one that registers by hand (or never) starts unregistered."""
    seeds, singles = [], []
    variant = int(hashlib.sha1(case_id.encode()).hexdigest(), 16) % 4
    for me in clients:
        ph = Placeholders(lambda who, me=me: RECV_SELF if who == me else RECV_PEER)
        pieces = []
        for who, verb, arg in steps:
            if me in who and verb in SEND_VERBS:
                pieces += step_pieces(verb, arg, ph) or []
        if not pieces:
            continue
        flags = (0x10 if len(clients) > 1 else 0) | (0x08 if registers(steps, me) else 0)
        stream = MARK.join(escape_mark(p) for p in pieces)
        seeds.append(bytes([flags]) + stream)                       # as sent
        if variant == 0:
            seeds.append(bytes([flags | 4]) + stream)               # byte by byte
        elif variant == 1:
            seeds.append(bytes([flags | 0x20 | 0x40]) + stream)     # ticks, then EOF
        elif flags & 0x08:
            reg = b"NICK fuzzer\r\nUSER fuzzer 0 * :Fuzz\r\n"  # registers itself
            if variant == 3:
                reg = b"PASS sesame\r\n" + reg                      # password server
            seeds.append(bytes([(flags & ~0x08) | (0x80 if variant == 3 else 0)])
                         + reg + MARK + stream)
        for p in pieces:                                            # each line alone
            for line in p.split(b"\n"):
                if line.strip(b"\r"):
                    singles.append(bytes([flags]) + escape_mark(line + b"\n"))
    return seeds, singles


def session_seeds(case_id, clients, steps):
    """Clients the case registers take the pre-registered slots 0-3 in
    order, the others the empty slots 4-7 (they connect unregistered)."""
    regd = [c for c in clients if registers(steps, c)]
    other = [c for c in clients if c not in regd]
    free_reg, free_other = [0, 1, 2, 3], [4, 5, 6, 7]
    slot = {}
    for name in regd:      # past four, registered in an empty slot
        pool = free_reg or free_other or [len(slot) % 8]
        slot[name] = pool.pop(0)
    for name in other:
        pool = free_other or [4 + len(slot) % 4]
        slot[name] = pool.pop(0)
    ph = Placeholders(lambda who: SESSION_NICKS[slot.get(who, 0)])
    records, bytewise = [], []
    for who, verb, arg in steps:
        for name in who:
            if name not in slot:
                continue
            s = slot[name]
            if verb == "register" and s >= 4:
                nick = SESSION_NICKS[s]
                data = f"NICK {nick}\r\nUSER {nick} 0 * :Fuzz {nick}\r\n".encode()
                records.append(bytes([s]) + data)
                bytewise.append(bytes([s | 0x80]) + data)
            elif verb in SEND_VERBS:
                for p in step_pieces(verb, arg, ph) or []:
                    records.append(bytes([s]) + escape_mark(p))
                    bytewise.append(bytes([s | 0x80]) + escape_mark(p))
            elif verb in ("abort", "close", "half-close"):
                records.append(bytes([s | 0x08]))  # netloop: srv_client_eof
                bytewise.append(records[-1])
            elif verb in ("stop-reading", "resume-reading"):
                records.append(bytes([s | 0x20]))
                bytewise.append(records[-1])
    if not records:
        return [], []
    return [MARK.join(records), MARK.join(bytewise)], []


def raw_seeds(case_id, clients, steps):
    """A client's whole stream as one plain byte string (see --raw)."""
    seeds = []
    for me in clients:
        ph = Placeholders(lambda who, me=me: RECV_SELF if who == me else RECV_PEER)
        data = b""
        if registers(steps, me):
            data = b"NICK fuzzer\r\nUSER fuzzer 0 * :Fuzz\r\n"
        sent = False
        for who, verb, arg in steps:
            if me in who and verb in SEND_VERBS:
                data += b"".join(step_pieces(verb, arg, ph) or [])
                sent = True
        if sent:
            seeds.append(data[:MAX_INPUT])
    return seeds


def main_raw(cases_dir, out_dir):
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("case-*"):
        old.unlink()
    written = set()
    case_files = sorted(cases_dir.rglob("*.case"))
    for path in case_files:
        case_id, clients, steps = parse_case(path)
        for data in raw_seeds(case_id, clients, steps):
            digest = hashlib.sha1(data).hexdigest()
            if digest in written:
                continue
            written.add(digest)
            safe = re.sub(r"[^\w.-]", "_", case_id)
            (out_dir / f"case-{safe}-{digest[:12]}").write_bytes(data)
    print(f"make_corpus: {len(written)} raw seeds from {len(case_files)} cases in {out_dir}")
    return 0


def write(out_dir, case_id, seeds, written):
    out_dir.mkdir(parents=True, exist_ok=True)
    for data in seeds:
        data = data[:MAX_LEN[out_dir.name]]
        digest = hashlib.sha1(data).hexdigest()
        if digest in written or len(written) >= MAX_FILES:
            continue
        written.add(digest)
        safe = re.sub(r"[^\w.-]", "_", case_id)
        (out_dir / f"case-{safe}-{digest[:12]}").write_bytes(data)


def main(argv):
    if len(argv) == 4 and argv[1] == "--raw":
        return main_raw(Path(argv[2]), Path(argv[3]))
    if len(argv) != 3:
        print("usage: make_corpus.py CASES OUT_ROOT | make_corpus.py --raw CASES OUT_DIR",
              file=sys.stderr)
        return 2
    cases_dir, out_root = Path(argv[1]), Path(argv[2])
    targets = {"fuzz_recv": recv_seeds, "fuzz_session": session_seeds}
    for target in targets:
        for old in (out_root / target).glob("case-*"):
            old.unlink()
    written = {t: set() for t in targets}
    case_files = sorted(cases_dir.rglob("*.case"))
    # Whole streams first, so the per-file cap drops single lines, not cases.
    for rank in (0, 1):
        for target, make in targets.items():
            for path in case_files:
                case_id, clients, steps = parse_case(path)
                seeds = make(case_id, clients, steps)[rank]
                write(out_root / target, case_id, seeds, written[target])
    for target in targets:
        print(f"make_corpus: {len(written[target])} seeds for {target} "
              f"from {len(case_files)} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
