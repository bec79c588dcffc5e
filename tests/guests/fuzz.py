#!/usr/bin/env python3
"""Hypercall fuzzing for as long as asked: `make fuzz FUZZ_SECONDS=600`.

Each round boots Keel with two fuzzer domains (tests/guests/tests/
fuzz_hypercalls*.c: an ordinary one and a control domain) with fresh
seeds, and checks that both finish, that the hypervisor survives, and
that no frame leaks. Every round prints its seeds first, so a failure can
be replayed with `fuzz.py --seed N`. Ends with "fuzz: N passed, N failed".
"""
import argparse
import os
import random
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import keeltest  # noqa: E402
from keeltest import Module  # noqa: E402


def round_ok(build, seed, iterations):
    mods = [Module(os.path.join(build, "guests", "fuzz_hypercalls.elf"),
                   f"name=fuzz mem=4M privileged=0 -- seed={seed} "
                   f"iterations={iterations}"),
            Module(os.path.join(build, "guests", "fuzz_hypercalls_control.elf"),
                   f"name=fuzz_control mem=4M privileged=1 -- "
                   f"seed={seed + 1} iterations={iterations}")]
    r = keeltest.boot(os.path.join(build, "keel.elf"), "test", modules=mods,
                      cpus=2, mem_mb=256, timeout=600, cpu_model="max")
    problems = []
    if r.status != keeltest.SUCCESS:
        problems.append(f"hypervisor ended with {r.status}")
    for d in ("0", "1"):
        if not any(re.match(rf"\(d{d}\) RESULT: PASS", l) for l in r.lines):
            problems.append(f"domain {d} did not pass")
    counts = r.frame_count
    if not counts or counts[0] != counts[1]:
        problems.append("frames leaked (or no count)")
    return problems, r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--seconds", type=int, default=300)
    ap.add_argument("--iterations", type=int, default=200000)
    ap.add_argument("--seed", type=int, help="replay one round")
    args = ap.parse_args()
    end = time.monotonic() + args.seconds
    passed = failed = 0
    while True:
        seed = args.seed if args.seed is not None else random.randrange(1, 1 << 62)
        print(f"round {passed + failed + 1}: seeds {seed} and {seed + 1}, "
              f"{args.iterations} calls each", flush=True)
        problems, r = round_ok(args.build, seed, args.iterations)
        if problems:
            failed += 1
            print(f"FAIL seed {seed}: " + "; ".join(problems))
            print("\n".join(r.lines[-30:]))
        else:
            passed += 1
        if args.seed is not None or time.monotonic() >= end:
            break
    print(f"fuzz: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
