"""syntax.py - one RFC 2812 "Parameters:" line -> the parameter forms to test.

A shape is a tuple of slots, one per IRC parameter, plus `more`: None, or
the name of a parameter of which one or more further ones follow.  A slot
is (kind, name):
  ("lit", "0")        the parameter is exactly this word (case-insensitive)
  ("any", "key")      any one parameter
  ("one", "channel")  a list parameter holding one item (no comma)
  ("many", "channel") a list parameter holding several items (a comma)

Rules (RFC 2812 3: spaces in a syntax line separate parameters):
- `<x> *( "," <x> )` is one list slot; so is `<x>` when 2.3.1 defines x as
  `y *( "," y )` (msgtarget).
- `<x> *( SPACE <x> )` is `<x>` followed by optional further parameters.
- `[ ... ]` is optional; `/` between alternatives (JOIN's `"0"`).
- Inside a repeated group `*( ... )` that is not a list, literals and
  `*( "a" / "b" )` letter sets are glued to the next parameter (MODE's
  `( "-" / "+" ) *<modes>` is one parameter "+/-<modes>"), and `*<x>` that
  stands alone is an optional repeated parameter.

Forms produced for one alternative: the minimal form (every optional part
absent, every list one item), then one form per feature: each list with
several items, each optional part present, each further-parameters part
present.  A form is labelled by its feature alone (JOIN <channel> <key>) and
matched through its shapes: every realisation of the line (each optional
part present or absent, each list one item or several) that has the
feature, so `JOIN #a,#b k1,k2` counts for several channels, for a key and
for several keys.
"""
import re

TOKEN = re.compile(r'\s*(<[^>]*>|"[^"]*"|\*\(|\*<[^>]*>|\(|\)|\[|\]|/|SPACE|None)')


def tokenize(text):
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            raise ValueError(f"cannot read syntax at {text[pos:]!r}")
        out.append(m.group(1))
        pos = m.end()
        while pos < len(text) and text[pos] == " ":
            pos += 1
    return out


# AST: ("seq", [items]) ("alt", [seqs]) ("opt", seq) ("rep", seq)
#      ("param", name) ("lit", word) ("space",) ("starparam", name)
def parse(tokens):
    pos = 0

    def alts(closer):
        nonlocal pos
        options = [seq(closer)]
        while pos < len(tokens) and tokens[pos] == "/":
            pos += 1
            options.append(seq(closer))
        return options[0] if len(options) == 1 else ("alt", options)

    def seq(closer):
        nonlocal pos
        items = []
        while pos < len(tokens) and tokens[pos] not in ("/", closer):
            t = tokens[pos]
            pos += 1
            if t == "[":
                items.append(("opt", alts("]")))
                pos += 1
            elif t in ("(", "*("):
                inner = alts(")")
                pos += 1
                items.append(("rep", inner) if t == "*(" else inner)
            elif t.startswith("*<"):
                items.append(("starparam", t[2:-1]))
            elif t.startswith("<"):
                items.append(("param", t[1:-1]))
            elif t.startswith('"'):
                items.append(("lit", t[1:-1]))
            elif t == "SPACE":
                items.append(("space",))
            elif t == "None":
                pass
            else:
                raise ValueError(f"unexpected {t!r}")
        return ("seq", items)

    tree = alts(None)
    if pos != len(tokens):
        raise ValueError(f"unbalanced syntax near {tokens[pos:]}")
    return tree


def _items(node):
    return node[1] if node[0] == "seq" else [node]


def _is_list_tail(node, name, sep):
    """node is *( "," <name> ) (sep ",") or *( SPACE <name> ) (sep SPACE)."""
    if node[0] != "rep":
        return False
    inner = _items(node[1])
    if len(inner) != 2 or inner[1] != ("param", name):
        return False
    return inner[0] == ("lit", ",") if sep == "," else inner[0] == ("space",)


def _letters_only(node):
    """( "-" / "+" ), *( "i" / "w" ): literal sets glued into a word."""
    if node[0] == "lit":
        return True
    if node[0] in ("alt", "seq"):
        return all(_letters_only(n) for n in node[1])
    if node[0] == "rep":
        return _letters_only(node[1])
    return False


def _source(node):
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "alt":
        return "/".join(_source(n) for n in node[1])
    if kind == "seq":
        return "".join(_source(n) for n in node[1])
    if kind == "rep":
        return _source(node[1])
    return ""


# Normalised element list: each element is one of
#   ("slot", kind, name)            a parameter
#   ("opt", [elements])             optional elements
#   ("more", name)                  further parameters, optional
#   ("group", [elements])           a repeated non-list group, optional
def normalise(node, lists, in_group=False):
    items = _items(node)
    out, i = [], 0
    while i < len(items):
        it = items[i]
        nxt = items[i + 1] if i + 1 < len(items) else None
        kind = it[0]
        if kind == "param":
            name = it[1]
            if nxt is not None and _is_list_tail(nxt, name, ","):
                out.append(("slot", "list", name))
                i += 2
                continue
            if nxt is not None and _is_list_tail(nxt, name, "space"):
                out.append(("slot", "any", name))
                out.append(("more", name))
                i += 2
                continue
            out.append(("slot", "list" if name in lists else "any", name))
        elif kind == "lit":
            out.append(("slot", "lit", it[1]))
        elif kind == "opt":
            out.append(("opt", normalise(it[1], lists, in_group)))
        elif kind == "rep":
            out.append(("group", normalise(it[1], lists, True)))
        elif kind == "starparam" and not in_group:
            out.append(("slot", "any", it[1]))
        elif kind == "starparam":
            out.append(("more", it[1]))
        elif kind in ("alt", "seq", "rep") and in_group and _letters_only(it):
            # signs and letter sets glued to each other and to the
            # parameter after them: one word such as "+o" or "-v"
            glue = ""
            while i < len(items) and items[i][0] in ("alt", "seq", "rep", "lit") \
                    and _letters_only(items[i]):
                glue += f"({_source(items[i])})"
                i += 1
            if i < len(items) and items[i][0] == "starparam":
                out.append(("slot", "any", f"{glue}<{items[i][1]}>"))
                i += 1
            else:
                out.append(("slot", "any", glue))
            continue
        elif kind == "seq":
            out.extend(normalise(it, lists, in_group))
        else:
            raise ValueError(f"cannot place {it} in a form")
        i += 1
    return out


def _features(elems, path=()):
    """Every feature: ('many', path-to-slot), ('opt', path), ('more', path),
    ('group', path).  A path is a tuple of indices into nested lists."""
    found = []
    for idx, el in enumerate(elems):
        here = path + (idx,)
        if el[0] == "slot" and el[1] == "list":
            found.append(("many", here))
        elif el[0] in ("opt", "group"):
            found.append((el[0], here))
            found.extend(_features(el[1], here))
        elif el[0] == "more":
            found.append(("more", here))
    return found


def _realise(elems, feature, path=()):
    """Slots of the form with `feature` on (None: the minimal form)."""
    slots, more = [], None
    for idx, el in enumerate(elems):
        here = path + (idx,)
        on_path = feature is not None and feature[1][:len(here)] == here
        if el[0] == "slot":
            kind = el[1]
            if kind == "list":
                if feature is None:
                    kind = "one"
                elif feature == ("many", here):
                    kind = "many"
            slots.append((kind, el[2]))
        elif el[0] in ("opt", "group") and on_path:
            inner, inner_more = _realise(el[1], feature, here)
            slots.extend(inner)
            more = more or inner_more
        elif el[0] == "more" and feature == ("more", here):
            more = el[1]
    return slots, more


def label(command, slots, more):
    words = [command]
    for kind, name in slots:
        if kind == "lit":
            words.append(name)
        elif kind == "many":
            words.append(f"<{name}>,<{name}>")
        elif name.endswith(">") or name.startswith("("):
            words.append(name)
        else:
            words.append(f"<{name}>")
    if more:
        words.append(f"<{more}>...")
    return " ".join(words)


def _every(elems, path=()):
    """Every realisation of elems: [(slots, more, features)], where a
    realisation picks each optional part present or absent (a repeated
    group once at most), each list one item or several."""
    results = [((), None, frozenset())]
    for idx, el in enumerate(elems):
        here = path + (idx,)
        if el[0] == "slot" and el[1] == "list":
            choices = [(((("one", el[2]),), None, frozenset())),
                       (((("many", el[2]),), None, frozenset({("many", here)})))]
        elif el[0] == "slot":
            choices = [(((el[1], el[2]),), None, frozenset())]
        elif el[0] in ("opt", "group"):
            choices = [((), None, frozenset())]
            for slots, more, feats in _every(el[1], here):
                choices.append((slots, more, feats | {(el[0], here)}))
        else:  # more
            choices = [((), None, frozenset()), ((), el[1], frozenset({("more", here)}))]
        results = [(s1 + s2, m2 or m1, f1 | f2)
                   for s1, m1, f1 in results for s2, m2, f2 in choices]
    return results


def forms(command, text, lists=()):
    """[(label, shapes)] for one syntax line, in a stable order: the
    minimal form, then one per feature.  shapes are the (slots, more) of
    every realisation that has the feature (for the minimal form: the one
    with none), so a line with several features counts for each."""
    tree = parse(tokenize(text))
    alternatives = tree[1] if tree[0] == "alt" else [tree]
    result, seen = [], set()
    for alt in alternatives:
        elems = normalise(alt, set(lists))
        every = _every(elems)
        for feature in [None] + _features(elems):
            slots, more = _realise(elems, feature)
            lab = label(command, slots, more)
            if lab in seen:
                continue
            seen.add(lab)
            shapes = [(s, m) for s, m, f in every
                      if (feature in f if feature else not f)]
            result.append((lab, shapes))
    return result


def shape(slots, more):
    """One realisation as a token string for the extracted list."""
    words = [f"{k}:{n.replace(' ', '_')}" for k, n in slots]
    if more:
        words.append(f"more:{more.replace(' ', '_')}")
    return " ".join(words) or "-"


def unshape(text):
    if text == "-":
        return (), None
    pairs = [w.split(":", 1) for w in text.split(" ")]
    more = None
    if pairs[-1][0] == "more":
        more = pairs.pop()[1].replace("_", " ")
    return tuple((k, n.replace("_", " ")) for k, n in pairs), more


def shapes_text(shapes):
    return " | ".join(shape(s, m) for s, m in shapes)


def unshapes(text):
    return [unshape(t) for t in text.split(" | ")]
