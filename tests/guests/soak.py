#!/usr/bin/env python3
"""make soak: create and destroy a small PV guest CYCLES times (default
1000) from a control domain (tests/guests/tests/soak.c), and check that
every cycle gives back every frame.

  python3 tests/guests/soak.py --build build [--cycles N]

Ends with "soak: N passed, N failed"."""
import argparse
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
import keeltest  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--cycles", type=int, default=1000)
    args = ap.parse_args()

    elf = os.path.join(args.build, "guests", "soak.elf")
    cmdline = f"name=soak mem=8M privileged=1 -- cycles={args.cycles}"
    # About 15 ms per cycle under TCG here; leave ample room.
    timeout = 60 + args.cycles // 10
    with tempfile.TemporaryDirectory(prefix="keel-soak-") as workdir:
        iso = keeltest.build_iso(workdir, os.path.join(args.build, "keel.elf"),
                                 "test loglvl=info",
                                 [keeltest.Module(elf, cmdline)])
        r = keeltest.run_qemu(iso, cpus=2, mem_mb=256, timeout=timeout,
                              cpu_model="max")
    problems = []
    if r.status != keeltest.SUCCESS:
        problems.append(f"hypervisor ended with {r.status}")
    if not any(re.match(r"\(d0\) RESULT: PASS soak", l) for l in r.lines):
        problems.append("no PASS from the soak domain")
    for l in r.lines:
        if l.startswith("(d0) soak:") or "FAIL" in l:
            print(l)
    counts = r.frame_count
    if not counts:
        problems.append("no \"All domains exited\" line: the free frame "
                        "count was never checked")
    elif counts[0] != counts[1]:
        problems.append(f"frames leaked: {counts[0]} free after, "
                        f"{counts[1]} before")
    for p in problems:
        print(f"FAIL soak: {p}")
    failed = 1 if problems else 0
    print(f"soak: {1 - failed} passed, {failed} failed")
    return failed


if __name__ == "__main__":
    sys.exit(main())
