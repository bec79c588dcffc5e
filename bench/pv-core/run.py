#!/usr/bin/env python3
"""PV-core benchmarks: one QEMU run under -icount shift=0, so that rdtsc
counts executed instructions and the figures repeat from run to run.

Measured in that one run:
  - bare_syscall_roundtrip: a ring-3 syscall/sysretq against an empty
    handler (the hypervisor measures it at boot, `bench_syscall`);
  - null_hypercall_roundtrip: version() from a PV guest kernel;
  - syscall_bounce_roundtrip: a system call of the guest's own user
    program, bounced to the guest kernel and back with the iret hypercall
    (the guest kernel's part is the test runtime's C trap path);
  - syscall_bounce_minimal: the same with a guest kernel entry of eight
    instructions that returns at once, so that nearly all of it is
    Keel's;
  - evtchn_pingpong_roundtrip: an event sent to another domain and back.

Writes bench/results/pv-core.json with the figures, the ratios against
the bare syscall, and the command that produced them.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import benchlib  # noqa: E402


def main():
    want = ["bare_syscall_roundtrip", "null_hypercall_roundtrip",
            "syscall_bounce_roundtrip", "syscall_bounce_minimal",
            "evtchn_pingpong_roundtrip"]
    figures = benchlib.run(
        benchlib.build_dir(), "test bench_syscall",
        [("pv_core.elf", "name=pv_core mem=8M privileged=0"),
         ("pv_core_peer.elf", "name=pv_core_peer mem=4M privileged=0")],
        want)
    base = figures["bare_syscall_roundtrip"]
    result = benchlib.header("pv-core", "python3 bench/pv-core/run.py")
    result.update({
        "units": "TSC cycles per round trip (under -icount shift=0, one "
                 "cycle per executed guest instruction time unit)",
        "figures": figures,
        "ratios_vs_bare_syscall": {k: round(v / base, 2)
                                   for k, v in figures.items()},
        "ratio_null_hypercall_vs_syscall_bounce": round(
            figures["null_hypercall_roundtrip"] /
            figures["syscall_bounce_roundtrip"], 3),
    })
    benchlib.write("pv-core", result)


if __name__ == "__main__":
    main()
