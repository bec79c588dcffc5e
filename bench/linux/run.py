#!/usr/bin/env python3
"""Linux natively and as a Keel PV guest: the same kernel (bzImage
natively, its vmlinux on Keel), the same initramfs (init-bench.sh), the
same workloads, each boot under -icount shift=0 so that guest time counts
executed instructions. The native boot is the baseline; the figures are
the PV/native ratios of each workload's guest time.

    python3 bench/linux/run.py [BUILD]

KEEL_LINUX_DIR=DIR takes bzImage and vmlinux from DIR instead of building
them (for development).

Writes bench/results/linux.json.
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import benchlib  # noqa: E402
from benchlib import keeltest, Module  # noqa: E402

WORKLOADS = ["spawn_200_execs", "fork_200_subshells", "syscalls_40000_rw",
             "pipe_16MiB", "tmpfs_write_16MiB"]
ICOUNT = ["-icount", "shift=0"]


def figures(lines, what):
    got = {}
    for line in lines:
        m = re.search(r"BENCH (\w+) (\d+) us", line)
        if m:
            got[m.group(1)] = int(m.group(2))
    missing = [w for w in WORKLOADS if w not in got]
    if missing:
        print("\n".join(lines[-40:]))
        sys.exit(f"bench/linux: the {what} run lacks {missing}")
    return {w: got[w] for w in WORKLOADS}


def main():
    build = os.path.abspath(benchlib.build_dir())
    kdir = os.environ.get("KEEL_LINUX_DIR")
    if not kdir:
        kdir = os.path.join(build, "linux")
        subprocess.run([os.path.join(benchlib.ROOT, "guest-pv-linux-patches",
                                     "build.sh"), kdir, "keel"], check=True)
    initrd = os.path.join(build, "linux", "init-bench.cpio")
    subprocess.run([sys.executable, os.path.join(benchlib.ROOT, "tests",
                                                 "linux", "initramfs.py"),
                    initrd, os.path.join(HERE, "init-bench.sh")], check=True)

    cmd = ["timeout", "600", "qemu-system-x86_64", "-accel", "tcg", "-cpu",
           "max,-smap", "-smp", "1", "-m", "256", *ICOUNT, "-kernel",
           os.path.join(kdir, "bzImage"), "-initrd", initrd, "-append",
           "console=ttyS0 quiet panic=-1", "-display", "none",
           "-no-reboot", "-nic", "none", "-serial", "stdio", "-monitor",
           "none"]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL)
    native = figures(p.stdout.decode(errors="replace").split("\n"), "native")

    mods = [Module(os.path.join(kdir, "vmlinux"),
                   "name=linux mem=128M privileged=1 -- console=hvc0 quiet"),
            Module(initrd, "initrd")]
    r = keeltest.boot(os.path.join(build, "keel.elf"), "test loglvl=info",
                      modules=mods, cpus=1, mem_mb=512, timeout=900,
                      cpu_model="max,-smap", extra_args=ICOUNT)
    pv = figures(r.lines, "Keel PV")

    result = benchlib.header("linux", "python3 bench/linux/run.py")
    result["command"] = ("python3 bench/linux/run.py  (QEMU TCG, -cpu "
                         "max,-smap, one CPU, -icount shift=0; natively "
                         "the bzImage, on Keel its vmlinux as a 1-vCPU "
                         "PV domain)")
    result.update({
        "units": "microseconds of guest time, which under -icount shift=0 "
                 "counts executed instructions (of the guest and, on "
                 "Keel, of Keel)",
        "native": native,
        "keel_pv": pv,
        "ratio_pv_vs_native": {w: round(pv[w] / native[w], 2)
                               for w in WORKLOADS},
    })
    benchlib.write("linux", result)


if __name__ == "__main__":
    main()
