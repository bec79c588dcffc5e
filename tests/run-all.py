#!/usr/bin/env python3
"""Run every test suite and print one closing line over all of them.

Each suite is a command that ends its output with a line
"<name>: N passed, N failed". This script runs them in turn, shows their
output, adds up the counts, and ends with "N passed, N failed". A suite
that exits non-zero without such a line counts as one failure.
"""
import argparse
import re
import subprocess
import sys
import time

SUMMARY = re.compile(r"^(?:[\w-]+: )?(\d+) passed, (\d+) failed")


def suites(build):
    return [
        ("unit", ["make", "--no-print-directory", "-C", "tests/unit", "run",
                  f"BUILD={build}"]),
        ("docs", [sys.executable, "hypercall-abi/tools/check-docs.py"]),
        ("tools", ["make", "--no-print-directory", "-C", "dom0-tools",
                   "check", f"BUILD={build}"]),
        ("pvctl", ["make", "--no-print-directory", "-C", "dom0-tools",
                   "check-pvctl", f"BUILD={build}"]),
        ("tools-fuzz", ["make", "--no-print-directory", "-C", "dom0-tools",
                        "fuzz", f"BUILD={build}", "FUZZ_SECONDS=20"]),
        ("integration", [sys.executable, "tests/integration/run.py",
                         "--build", build]),
        ("guests", [sys.executable, "tests/guests/run.py",
                    "--build", build]),
        ("linux", [sys.executable, "tests/linux/run.py", "--build", build]),
    ]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    args = ap.parse_args()

    import os
    build = os.path.abspath(args.build)
    total_passed = total_failed = 0
    for name, cmd in suites(build):
        print(f"=== {name}: {' '.join(cmd)}", flush=True)
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        counts = None
        for line in proc.stdout:
            sys.stdout.write(line)
            m = SUMMARY.match(line.strip())
            if m:
                counts = (int(m.group(1)), int(m.group(2)))
        proc.wait()
        elapsed = time.monotonic() - start
        if counts is None:
            counts = (0, 1)
            print(f"=== {name}: no summary line (exit {proc.returncode}); "
                  f"counted as one failure")
        elif proc.returncode != 0 and counts[1] == 0:
            counts = (counts[0], 1)
            print(f"=== {name}: exit {proc.returncode} with no failed test; "
                  f"counted as one failure")
        print(f"=== {name}: {counts[0]} passed, {counts[1]} failed "
              f"in {elapsed:.1f}s", flush=True)
        total_passed += counts[0]
        total_failed += counts[1]
    print(f"{total_passed} passed, {total_failed} failed")
    return 1 if total_failed else 0


if __name__ == "__main__":
    sys.exit(main())
