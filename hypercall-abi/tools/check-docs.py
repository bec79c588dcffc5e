#!/usr/bin/env python3
"""Check hypercall-abi/docs/hypercalls.md against the hypercall table.

Usage: python3 hypercall-abi/tools/check-docs.py [--def FILE] [--header FILE]
                                                  [--doc FILE]

By default the files are found relative to this script, so it works from
any directory:
    ../include/keel/hypercalls.def   KEEL_HYPERCALL(nr, name, nargs, ANY|CONTROL)
    ../include/keel/keel.h           #define KEEL_Exxx values
    ../docs/hypercalls.md            one "## <nr>. <name>" section per call

Per call (one check each; it passes if everything below holds for it):
  - exactly one section, headed "## <nr>. <name>", with the right name;
  - a "**Who may call:**" line reading "any domain" (ANY) or
    "control domain only" (CONTROL);
  - an "**Errors:**" part with at least one bullet naming a -KEEL_E...
    value, or a single bullet starting "None" for a call that cannot fail.
One global check:
  - no section for a number that is not in the table, no malformed
    section heading, sections in number order;
  - every -KEEL_E... name anywhere in the page is defined in keel.h.

Prints one line per problem, then "docs: N passed, N failed". Exits 1 if
anything failed, 2 if an input file cannot be read or parsed.
"""
import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ABI = os.path.dirname(HERE)
DEFAULT_DEF = os.path.join(ABI, "include", "keel", "hypercalls.def")
DEFAULT_HEADER = os.path.join(ABI, "include", "keel", "keel.h")
DEFAULT_DOC = os.path.join(ABI, "docs", "hypercalls.md")

ACCESS_TEXT = {"ANY": "any domain", "CONTROL": "control domain only"}

DEF_RE = re.compile(
    r"^\s*KEEL_HYPERCALL\(\s*(\d+)\s*,\s*(\w+)\s*,\s*(\d+)\s*,\s*(\w+)\s*\)")
ERRNO_DEFINE_RE = re.compile(r"^\s*#\s*define\s+(KEEL_E[A-Z0-9_]+)\s+\d+")
ERRNO_USE_RE = re.compile(r"-KEEL_(E[A-Z0-9_]+)")
CALL_HEADING_RE = re.compile(r"^## (\d+)\. (\S+)\s*$")
NUMBERED_HEADING_RE = re.compile(r"^##\s+\d")
H2_RE = re.compile(r"^## ")
FENCE_RE = re.compile(r"^\s*(```|~~~)")
WHO_RE = re.compile(r"^\*\*Who may call:\*\*\s*(.*?)\s*$")
ERRORS_RE = re.compile(r"^\*\*Errors:\*\*")
BULLET_RE = re.compile(r"^[-*]\s+(.*)$")


class InputError(Exception):
    pass


def read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror}")


def parse_def(path):
    """Return [(nr, name, access)] from a hypercalls.def file."""
    calls = []
    in_comment = False
    for lineno, line in enumerate(read(path).splitlines(), 1):
        stripped = line.strip()
        if in_comment:
            if "*/" in stripped:
                in_comment = False
            continue
        if stripped.startswith("/*"):
            in_comment = "*/" not in stripped
            continue
        if not stripped.startswith("KEEL_HYPERCALL"):
            continue
        m = DEF_RE.match(line)
        if not m:
            raise InputError(f"{path}:{lineno}: cannot parse: {stripped}")
        nr, name, _nargs, access = m.groups()
        if access not in ACCESS_TEXT:
            raise InputError(f"{path}:{lineno}: unknown access mark {access}")
        calls.append((int(nr), name, access))
    if not calls:
        raise InputError(f"{path}: no KEEL_HYPERCALL entries")
    numbers = [c[0] for c in calls]
    if len(set(numbers)) != len(numbers):
        raise InputError(f"{path}: a hypercall number is used twice")
    return sorted(calls)


def parse_errnos(path):
    names = set()
    for line in read(path).splitlines():
        m = ERRNO_DEFINE_RE.match(line)
        if m:
            names.add(m.group(1))
    if not names:
        raise InputError(f"{path}: no KEEL_E* definitions")
    return names


def parse_doc(path):
    """Split the page into sections at level-2 headings.

    Returns (text, sections, malformed): sections is a list of dicts with
    nr, name, line and body (the lines up to the next level-2 heading);
    malformed lists (line, heading) for numbered headings that are not of
    the form "## <nr>. <name>". Headings inside code fences are ignored.
    """
    text = read(path)
    sections, malformed = [], []
    current = None
    in_fence = False
    for lineno, line in enumerate(text.splitlines(), 1):
        if FENCE_RE.match(line):
            in_fence = not in_fence
        if not in_fence and H2_RE.match(line):
            m = CALL_HEADING_RE.match(line)
            if m:
                current = {"nr": int(m.group(1)), "name": m.group(2),
                           "line": lineno, "body": []}
                sections.append(current)
                continue
            if NUMBERED_HEADING_RE.match(line):
                malformed.append((lineno, line.strip()))
            current = None
            continue
        if current is not None:
            current["body"].append(line)
    return text, sections, malformed


def errors_part(body):
    """The lines after the **Errors:** line, or None if there is none."""
    for i, line in enumerate(body):
        if ERRORS_RE.match(line):
            return body[i + 1:]
    return None


def check_section(sec, access, doc):
    """Problems of one call's section."""
    problems = []
    where = f"{doc}:{sec['line']}"
    whos = [m.group(1) for m in map(WHO_RE.match, sec["body"]) if m]
    want = ACCESS_TEXT[access]
    if not whos:
        problems.append(f"{where}: section {sec['nr']} has no "
                        f"'**Who may call:**' line")
    elif len(whos) > 1:
        problems.append(f"{where}: section {sec['nr']} has "
                        f"{len(whos)} '**Who may call:**' lines")
    elif whos[0] != want:
        problems.append(f"{where}: section {sec['nr']}: who may call is "
                        f"'{whos[0]}', but hypercalls.def says {access} "
                        f"('{want}')")

    part = errors_part(sec["body"])
    if part is None:
        problems.append(f"{where}: section {sec['nr']} has no "
                        f"'**Errors:**' part")
        return problems
    bullets = [m.group(1) for m in map(BULLET_RE.match, part) if m]
    named = [b for b in bullets if ERRNO_USE_RE.search(b)]
    says_none = len(bullets) == 1 and bullets[0].startswith("None")
    if not named and not says_none:
        problems.append(f"{where}: section {sec['nr']}: the '**Errors:**' "
                        f"part lists no -KEEL_E... value (write a single "
                        f"'- None. ...' bullet for a call that cannot fail)")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--def", dest="deffile", default=DEFAULT_DEF)
    ap.add_argument("--header", default=DEFAULT_HEADER)
    ap.add_argument("--doc", default=DEFAULT_DOC)
    args = ap.parse_args()

    try:
        calls = parse_def(args.deffile)
        errnos = parse_errnos(args.header)
        text, sections, malformed = parse_doc(args.doc)
    except InputError as e:
        print(e)
        print("docs: 0 passed, 1 failed")
        return 2

    doc = os.path.relpath(args.doc)
    passed = failed = 0

    by_nr = {}
    for sec in sections:
        by_nr.setdefault(sec["nr"], []).append(sec)

    # One check per hypercall.
    for nr, name, access in calls:
        problems = []
        found = by_nr.get(nr, [])
        if not found:
            problems.append(f"{doc}: no section '## {nr}. {name}'")
        elif len(found) > 1:
            lines = ", ".join(str(s["line"]) for s in found)
            problems.append(f"{doc}: {len(found)} sections for hypercall "
                            f"{nr} (lines {lines}); expected exactly one")
        for sec in found:
            if sec["name"] != name:
                problems.append(f"{doc}:{sec['line']}: section {nr} is "
                                f"named '{sec['name']}', but hypercall {nr} "
                                f"is '{name}'")
            problems.extend(check_section(sec, access, doc))
        for p in problems:
            print(p)
        if problems:
            failed += 1
        else:
            passed += 1

    # The global check.
    problems = []
    known = {nr for nr, _, _ in calls}
    for sec in sections:
        if sec["nr"] not in known:
            problems.append(f"{doc}:{sec['line']}: section '## {sec['nr']}. "
                            f"{sec['name']}' is for no hypercall in "
                            f"hypercalls.def")
    for lineno, heading in malformed:
        problems.append(f"{doc}:{lineno}: heading '{heading}' is not of the "
                        f"form '## <number>. <name>'")
    for prev, sec in zip(sections, sections[1:]):
        if sec["nr"] < prev["nr"]:
            problems.append(f"{doc}:{sec['line']}: section {sec['nr']} "
                            f"comes after section {prev['nr']}; sections "
                            f"must be in number order")
    for lineno, line in enumerate(text.splitlines(), 1):
        for m in ERRNO_USE_RE.finditer(line):
            if "KEEL_" + m.group(1) not in errnos:
                problems.append(f"{doc}:{lineno}: -KEEL_{m.group(1)} is not "
                                f"defined in keel.h")
    for p in problems:
        print(p)
    if problems:
        failed += 1
    else:
        passed += 1

    print(f"docs: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
