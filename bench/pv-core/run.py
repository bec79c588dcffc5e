#!/usr/bin/env python3
"""PV-core benchmarks: one QEMU run under -icount shift=0, so that rdtsc
counts executed instructions and the figures repeat from run to run.

Measured in that one run:
  - bare_syscall_roundtrip: a ring-3 syscall/sysretq against an empty
    handler (the hypervisor measures it at boot, `bench_syscall`);
  - null_hypercall_roundtrip: version() from a PV guest kernel;
  - syscall_bounce_roundtrip: a system call of the guest's own user
    program, bounced to the guest kernel and back with the iret hypercall;
  - evtchn_pingpong_roundtrip: an event sent to another domain and back.

Writes bench/results/pv-core.json with the figures, the ratios against
the bare syscall, and the command that produced them.
"""
import datetime
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import keeltest  # noqa: E402
from keeltest import Module  # noqa: E402


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build")
    modules = [Module(os.path.join(build, "bench", "pv_core.elf"),
                      "name=pv_core mem=8M privileged=0"),
               Module(os.path.join(build, "bench", "pv_core_peer.elf"),
                      "name=pv_core_peer mem=4M privileged=0")]
    extra = ["-icount", "shift=0"]
    r = keeltest.boot(os.path.join(build, "keel.elf"), "test bench_syscall",
                      modules=modules, cpus=2, mem_mb=256, timeout=300,
                      cpu_model="max", extra_args=extra)
    figures = {}
    for line in r.lines:
        m = re.search(r"BENCH (\w+) (\d+) cycles/op", line)
        if m:
            figures[m.group(1)] = int(m.group(2))
    want = ["bare_syscall_roundtrip", "null_hypercall_roundtrip",
            "syscall_bounce_roundtrip", "evtchn_pingpong_roundtrip"]
    missing = [w for w in want if w not in figures]
    if r.status != keeltest.SUCCESS or missing:
        print("\n".join(r.lines[-30:]))
        sys.exit(f"bench: run failed ({r.status}); missing {missing}")
    base = figures["bare_syscall_roundtrip"]
    result = {
        "benchmark": "pv-core",
        "date": datetime.date.today().isoformat(),
        "command": "python3 bench/pv-core/run.py  (QEMU TCG, -cpu max, "
                   "-smp 2, -icount shift=0)",
        "qemu": subprocess.run(["qemu-system-x86_64", "--version"],
                               capture_output=True, text=True)
                .stdout.splitlines()[0],
        "units": "TSC cycles per round trip (under -icount shift=0, one "
                 "cycle per executed guest instruction time unit)",
        "figures": figures,
        "ratios_vs_bare_syscall": {k: round(v / base, 2)
                                   for k, v in figures.items()},
        "ratio_null_hypercall_vs_syscall_bounce": round(
            figures["null_hypercall_roundtrip"] /
            figures["syscall_bounce_roundtrip"], 3),
    }
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    out = os.path.join(ROOT, "bench", "results", "pv-core.json")
    with open(out, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
