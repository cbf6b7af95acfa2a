"""sites.py - finds the mutation sites of a C file from clang's AST.

clang -Xclang -ast-dump=json gives every expression with its exact source
range, so a site is an expression span [start, end) of the file plus the
text that replaces it in the mutant.  Only code clang actually compiled is
seen (a file or block cut by #if yields nothing), and a node is a site only
when its span is plain text of this file: nothing spelled inside a macro
body, a string or a comment can be touched.  Object-like macros used as
whole tokens (NULL, RPL_WELCOME, MAXTARGETS) may sit at either edge of a
span, since the token itself is the edge.

Skipped as contexts whose mutant could not compile or is not code that
runs: everything outside function bodies (static initialisers, enum values,
array sizes, bit-field widths), static locals' initialisers, constant
expressions (case labels, _Static_assert), sizeof/_Alignof operands.

Operators (the names used in reports):
  relational   <  <=  >  >=  ==  !=  ->  its boundary / opposite neighbour
  arithmetic   + - * / % and += -=, ++ --  ->  the inverse operator
  constant     an integer literal  ->  literal + 1 and literal - 1
  negate       the condition of if/while/do/for/?:  ->  !(cond)
  logical      && <-> ||
  return       return 0/1/-1 flipped, a bool's value negated, a pointer -> NULL
  delete-call  a statement call to a function of this project removed
  numeric      an RPL_*/ERR_* reply number -> its neighbour in numerics.h
"""

import json
import re
import subprocess
from dataclasses import dataclass

CLANG = "clang"
CFLAGS = ["-std=c11", "-D_POSIX_C_SOURCE=200809L", "-D_DEFAULT_SOURCE"]

REL_SWAP = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "=="}
ARITH_SWAP = {"+": "-", "-": "+", "*": "/", "/": "*", "%": "/", "+=": "-=", "-=": "+="}
INCDEC_SWAP = {"++": "--", "--": "++"}
LOGIC_SWAP = {"&&": "||", "||": "&&"}
NUMERIC_RE = re.compile(r"^(RPL|ERR)_[A-Z0-9_]+$")

# Node kinds whose whole subtree is never mutated (see the header).
SKIP_KINDS = {"ConstantExpr", "UnaryExprOrTypeTraitExpr", "StaticAssertDecl"}


@dataclass
class Site:
    file: str
    func: str
    op: str
    start: int  # byte offsets in the original file: [start, end)
    end: int
    orig: str  # original text of the span
    mutated: str  # text that replaces it in the mutant
    line: int = 0
    key: str = ""  # stable id: file|function|op|orig|mutated|k
    id: int = 0  # number given when all files are collected
    code: str = ""  # what the schema compiles, when it differs from mutated


def clang_ast(path, extra_flags=()):
    out = subprocess.run(
        [CLANG, *CFLAGS, *extra_flags, "-fsyntax-only", "-Xclang", "-ast-dump=json", path],
        capture_output=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{path}: clang cannot parse it:\n{out.stderr.decode(errors='replace')}")
    return json.loads(out.stdout)


def annotate_files(root):
    """clang prints a loc's "file" only when it changed since the last loc
    printed; walk in print order and give every loc its file."""
    cur = None
    stack = [root]
    while stack:
        o = stack.pop()
        if isinstance(o, dict):
            if "offset" in o:
                cur = o.get("file", cur)
                o["_file"] = cur
            stack.extend(reversed([v for k, v in o.items() if k != "_file"]))
        elif isinstance(o, list):
            stack.extend(reversed(o))


def read_numerics(path):
    """The #define NAME NUMBER lines of numerics.h: name -> neighbour name
    (the next higher number; the highest gets the one below it)."""
    defs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\s*#\s*define\s+((?:RPL|ERR)_\w+)\s+(\d+)\b", line)
            if m:
                defs.append((int(m.group(2)), m.group(1)))
    defs.sort()
    nb = {}
    for i, (_, name) in enumerate(defs):
        nb[name] = defs[i + 1][1] if i + 1 < len(defs) else defs[i - 1][1] if i else None
    return nb


class FileSites:
    def __init__(self, path, src_bytes, main_name, project_funcs, numerics):
        self.path = path
        self.src = src_bytes
        self.main = main_name
        self.project_funcs = project_funcs
        self.numerics = numerics
        self.sites = []
        self.return_literals = []  # spans of "return <literal>;" values

    # ---- locations ----
    def _edge(self, loc, is_end):
        """Byte offset of a range edge in this file, or None when the edge is
        spelled inside a macro body or another file."""
        if "spellingLoc" in loc:
            exp = loc["expansionLoc"]
            if exp.get("_file") != self.main or exp.get("isMacroArgExpansion"):
                return None
            off, n = exp["offset"], exp["tokLen"]
            tok = self.src[off:off + n].decode(errors="replace")
            if not re.fullmatch(r"[A-Za-z_]\w*", tok):
                return None
            # a function-like macro's name is not the whole expansion
            rest = self.src[off + n:].lstrip()
            if rest.startswith(b"("):
                return None
            return off + n if is_end else off
        if loc.get("_file") != self.main or "offset" not in loc:
            return None
        return loc["offset"] + loc["tokLen"] if is_end else loc["offset"]

    def span(self, node):
        r = node.get("range")
        if not r or "begin" not in r or "end" not in r:
            return None
        b, e = r["begin"], r["end"]
        s, t = self._edge(b, False), self._edge(e, True)
        if s is None or t is None or t <= s:
            return None
        # both edges inside one object-like macro: the node may be any
        # part of its body, so it is not a site (a lone literal is taken
        # apart by the numeric operator).
        if "spellingLoc" in b and "spellingLoc" in e and \
                b["expansionLoc"]["offset"] == e["expansionLoc"]["offset"]:
            return None
        return s, t

    def text(self, s, t):
        return self.src[s:t].decode("utf-8", errors="replace")

    def line_of(self, off):
        return self.src.count(b"\n", 0, off) + 1

    def add(self, func, op, s, t, mutated, code=""):
        orig = self.text(s, t)
        if mutated == orig:
            return
        self.sites.append(Site(self.path, func, op, s, t, orig, mutated, self.line_of(s),
                               code=code or mutated))

    def op_between(self, lhs, rhs, ops):
        """The operator token between two operand spans, if the gap holds
        nothing else (no macro hides it)."""
        a, b = self.span(lhs), self.span(rhs)
        if not a or not b:
            return None
        gap = self.text(a[1], b[0])
        tok = gap.strip()
        if tok not in ops:
            return None
        return a[1] + gap.index(tok), tok

    # ---- the walk ----
    def walk_tu(self, tu):
        for d in tu.get("inner", []):
            if d.get("kind") == "FunctionDecl" and any(
                    c.get("kind") == "CompoundStmt" for c in d.get("inner", [])):
                loc = d.get("loc", {})
                if loc.get("_file") != self.main:
                    continue
                qt = d.get("type", {}).get("qualType", "")
                ret = qt.split("(")[0].strip()
                body = [c for c in d["inner"] if c.get("kind") == "CompoundStmt"][0]
                self.func = d.get("name", "?")
                self.ret = ret
                self.walk(body, None)

    def walk(self, n, parent):
        if not isinstance(n, dict) or not n:
            return
        k = n.get("kind")
        if k in SKIP_KINDS:
            return
        if k == "VarDecl" and n.get("storageClass") == "static":
            return
        if k == "DeclStmt" and any(c.get("storageClass") == "static" for c in n.get("inner", [])):
            return
        handler = getattr(self, "on_" + k, None) if k else None
        if handler:
            handler(n, parent)
        for c in n.get("inner", []) or []:
            self.walk(c, n)

    def mutate_op(self, n, op_name, swap, idx=(0, 1)):
        kids = n.get("inner", [])
        if len(kids) < 2:
            return
        sp = self.span(n)
        if not sp:
            return
        found = self.op_between(kids[idx[0]], kids[idx[1]], swap)
        if not found:
            return
        pos, tok = found
        s, t = sp
        orig = self.text(s, t)
        rel = pos - s
        mutated = orig[:rel] + swap[tok] + orig[rel + len(tok):]
        # the offsets are bytes; the text is str: only ASCII code is cut
        if len(orig.encode()) != len(orig):
            return
        code = mutated
        if op_name == "logical":
            # && binds tighter than ||: keep the operands' grouping
            a, b = self.span(kids[idx[0]]), self.span(kids[idx[1]])
            code = f"({self.text(*a)}) {swap[tok]} ({self.text(*b)})"
        self.add(self.func, op_name, s, t, mutated, code)

    def on_BinaryOperator(self, n, parent):
        opc = n.get("opcode")
        if opc in REL_SWAP:
            self.mutate_op(n, "relational", REL_SWAP)
        elif opc in LOGIC_SWAP:
            self.mutate_op(n, "logical", LOGIC_SWAP)
        elif opc in ARITH_SWAP:
            kids = n.get("inner", [])
            ptrs = [("*" in c.get("type", {}).get("qualType", "")) for c in kids[:2]]
            if opc == "-" and all(ptrs):
                return  # pointer difference: p + q does not compile
            self.mutate_op(n, "arithmetic", ARITH_SWAP)

    def on_CompoundAssignOperator(self, n, parent):
        if n.get("opcode") in ("+=", "-="):
            self.mutate_op(n, "arithmetic", ARITH_SWAP)

    def on_UnaryOperator(self, n, parent):
        opc = n.get("opcode")
        if opc not in INCDEC_SWAP:
            return
        sp = self.span(n)
        if not sp:
            return
        s, t = sp
        orig = self.text(s, t)
        if n.get("isPostfix") and orig.endswith(opc):
            self.add(self.func, "arithmetic", s, t, orig[:-2] + INCDEC_SWAP[opc])
        elif not n.get("isPostfix") and orig.startswith(opc):
            self.add(self.func, "arithmetic", s, t, INCDEC_SWAP[opc] + orig[2:])

    def on_IntegerLiteral(self, n, parent):
        r = n.get("range", {})
        b = r.get("begin", {})
        if "spellingLoc" in b:
            self.numeric(n)
            return
        if parent and parent.get("kind") == "ImplicitCastExpr" and \
                parent.get("castKind") == "NullToPointer":
            return
        sp = self.span(n)
        if not sp:
            return
        s, t = sp
        if any(a <= s and t <= b for a, b in self.return_literals):
            return  # "return 0;": the return operator flips it
        lit = self.text(s, t)
        if not re.fullmatch(r"(0[xX][0-9a-fA-F]+|\d+)[uUlL]*", lit):
            return
        self.add(self.func, "constant", s, t, f"{lit} + 1")
        self.add(self.func, "constant", s, t, f"{lit} - 1")

    def numeric(self, n):
        b = n["range"]["begin"]
        exp = b["expansionLoc"]
        if exp.get("_file") != self.main or exp.get("isMacroArgExpansion"):
            return
        if b["spellingLoc"].get("_file", "").split("/")[-1] != "numerics.h":
            return
        s = exp["offset"]
        t = s + exp["tokLen"]
        name = self.text(s, t)
        if NUMERIC_RE.match(name) and self.numerics.get(name):
            self.add(self.func, "numeric", s, t, self.numerics[name])

    def negate(self, cond):
        if not cond or not isinstance(cond, dict) or not cond.get("kind"):
            return
        sp = self.span(cond)
        if sp:
            s, t = sp
            self.add(self.func, "negate", s, t, f"!({self.text(s, t)})")

    def on_IfStmt(self, n, parent):
        self.negate((n.get("inner") or [None])[0])

    def on_WhileStmt(self, n, parent):
        self.negate((n.get("inner") or [None])[0])

    def on_DoStmt(self, n, parent):
        kids = n.get("inner") or []
        if len(kids) >= 2:
            self.negate(kids[1])

    def on_ForStmt(self, n, parent):
        kids = n.get("inner") or []
        if len(kids) == 5:  # init, condition variable, cond, inc, body
            self.negate(kids[2])

    def on_ConditionalOperator(self, n, parent):
        self.negate((n.get("inner") or [None])[0])

    def on_ReturnStmt(self, n, parent):
        # The span runs from after "return" to the statement's last token,
        # so "return true;" and "return NULL;" (whole macros) are sites too.
        if not n.get("inner"):
            return
        b = n["range"]["begin"]
        if "spellingLoc" in b or b.get("_file") != self.main:
            return
        s = b["offset"] + len("return")
        t = self._edge(n["range"]["end"], True)
        if t is None or t <= s:
            return
        while self.src[s:s + 1].isspace():
            s += 1
        txt = self.text(s, t)
        ret = self.ret
        if ret in ("bool", "_Bool"):
            flip = {"true": "false", "false": "true"}
            self.add(self.func, "return", s, t, flip.get(txt, f"!({txt})"))
        elif ret.endswith("*"):
            if txt not in ("NULL", "0"):
                self.add(self.func, "return", s, t, "NULL")
        elif re.fullmatch(r"-?\d+", txt):
            self.return_literals.append((s, t))
            v = int(txt)
            if v == 0:
                signed = not (ret.startswith("unsigned") or ret in ("size_t", "uint32_t",
                                                                    "uint64_t", "unsigned"))
                self.add(self.func, "return", s, t, "-1" if signed else "1")
            else:
                self.add(self.func, "return", s, t, "0")

    def on_CompoundStmt(self, n, parent):
        for c in n.get("inner", []) or []:
            self.delete_call(c)

    def delete_call(self, c):
        if not isinstance(c, dict) or c.get("kind") != "CallExpr":
            return
        name = callee_name(c)
        if name not in self.project_funcs:
            return
        sp = self.span(c)
        if not sp:
            return
        s, t = sp
        self.add(self.func, "delete-call", s, t, "(void)0")


def callee_name(call):
    kids = call.get("inner") or []
    n = kids[0] if kids else None
    while n and n.get("kind") in ("ImplicitCastExpr", "ParenExpr"):
        n = (n.get("inner") or [None])[0]
    if n and n.get("kind") == "DeclRefExpr":
        return n.get("referencedDecl", {}).get("name")
    return None


def defined_functions(tu, main):
    """Names of the functions this file defines (with a body)."""
    out = set()
    for d in tu.get("inner", []):
        if d.get("kind") == "FunctionDecl" and d.get("loc", {}).get("_file") == main and any(
                c.get("kind") == "CompoundStmt" for c in d.get("inner", [])):
            out.add(d["name"])
    return out


def find_sites(paths, numerics_h=None, extra_flags=()):
    """All sites of the given C files, numbered from 1 in file order, each
    with a stable key.  Returns (sites, {path: source bytes})."""
    asts, srcs = {}, {}
    for p in paths:
        tu = clang_ast(p, extra_flags)
        annotate_files(tu)
        asts[p] = tu
        with open(p, "rb") as f:
            srcs[p] = f.read()
    funcs = set()
    for p, tu in asts.items():
        funcs |= defined_functions(tu, p)
    numerics = read_numerics(numerics_h) if numerics_h else {}
    sites = []
    for p in paths:
        fs = FileSites(p, srcs[p], p, funcs, numerics)
        fs.walk_tu(asts[p])
        sites.extend(dedupe(fs.sites))
    seen = {}
    for i, st in enumerate(sites, 1):
        st.id = i
        base = key_base(st)
        k = seen.get(base, 0)
        seen[base] = k + 1
        st.key = f"{base}|{k}"
    return sites, srcs


def key_base(st):
    """A site's key without its count: file|function|op|orig|mutated, the
    texts with their white space collapsed to one space, so that a site
    spanning lines still has a one-line key (equivalent.txt holds one
    KEY<TAB>reason a line) and re-indenting it keeps its key."""
    def flat(t):
        return " ".join(t.split())
    return f"{st.file}|{st.func}|{st.op}|{flat(st.orig)}|{flat(st.mutated)}"


def dedupe(sites):
    """One mutant per (span, mutated text), in source order."""
    out, seen = [], set()
    for st in sorted(sites, key=lambda x: (x.start, -x.end)):
        k = (st.start, st.end, st.mutated)
        if k in seen:
            continue
        seen.add(k)
        out.append(st)
    return out
