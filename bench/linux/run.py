#!/usr/bin/env python3
"""Linux natively and as a Keel PV guest: the same kernel (bzImage
natively, its vmlinux on Keel), the same initramfs (init-bench.sh) with
the same static micro-benchmark (microbench.c), each boot under -icount
shift=0 so that guest time counts executed instructions. The native boot
is the baseline; the figures are instructions per operation and the
PV/native ratio of each row, and the host's wall-clock time from QEMU's
start to the first line of /init. On Keel the guest runs twice: as a
domU, and as the hardware domain, whose kernel has the I/O bitmap (every
mode switch turns it on or off, which costs it a few instructions).

    python3 bench/linux/run.py [BUILD]

KEEL_LINUX_DIR=DIR takes bzImage and vmlinux from DIR instead of building
them (for development).

Writes bench/results/linux.json.
"""
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import benchlib  # noqa: E402
from benchlib import keeltest, Module  # noqa: E402

# microbench.c's rows, in its order.
WORKLOADS = ["getppid", "fork_exit_wait", "fork_execve", "pipe_round_trip",
             "anon_page_fault", "mmap_1MiB_touch_munmap", "signal_install",
             "signal_delivery", "open_close_tmpfs"]
# Xen 4.17's PV dom0 measured the same way (the issue's figures).
XEN_PV = {"getppid": 3.35, "fork_exit_wait": 3.92, "fork_execve": 3.56,
          "pipe_round_trip": 1.84, "anon_page_fault": 2.04,
          "mmap_1MiB_touch_munmap": 2.36, "signal_install": 2.61,
          "signal_delivery": 1.42, "open_close_tmpfs": 1.23}
ICOUNT = ["-icount", "shift=0"]
INIT_MARKER = "BENCH-INIT"


def figures(lines, what):
    got = {}
    uptime = None
    for line in lines:
        m = re.search(r"BENCH-OP (\w+) (\d+)$", line)
        if m:
            got[m.group(1)] = int(m.group(2))
        m = re.search(r"BENCH-UPTIME ([0-9.]+)", line)
        if m:
            uptime = float(m.group(1))
    missing = [w for w in WORKLOADS if w not in got]
    if missing or not any("BENCH-OP-DONE" in l for l in lines):
        print("\n".join(lines[-40:]))
        sys.exit(f"bench/linux: the {what} run lacks {missing or 'its end'}")
    return {w: got[w] for w in WORKLOADS}, uptime


def main():
    build = os.path.abspath(benchlib.build_dir())
    kdir = os.environ.get("KEEL_LINUX_DIR")
    if not kdir:
        kdir = os.path.join(build, "linux")
        subprocess.run([os.path.join(benchlib.ROOT, "guest-pv-linux-patches",
                                     "build.sh"), kdir, "keel"], check=True)
    initrd = os.path.join(build, "linux", "init-bench.cpio")
    microbench = os.path.join(build, "linux", "microbench")
    subprocess.run(["gcc", "-static", "-O2", "-Wall", "-Wextra", "-Werror",
                    "-o", microbench, os.path.join(HERE, "microbench.c")],
                   check=True)
    subprocess.run([sys.executable, os.path.join(benchlib.ROOT, "tests",
                                                 "linux", "initramfs.py"),
                    initrd, os.path.join(HERE, "init-bench.sh"),
                    f"{microbench}:bin/microbench"], check=True)

    cmd = ["timeout", "600", "qemu-system-x86_64", "-accel", "tcg", "-cpu",
           "max,-smap", "-smp", "1", "-m", "256", *ICOUNT, "-kernel",
           os.path.join(kdir, "bzImage"), "-initrd", initrd, "-append",
           "console=ttyS0 quiet panic=-1", "-display", "none",
           "-no-reboot", "-nic", "none", "-serial", "stdio", "-monitor",
           "none"]
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL)
    out = []
    native_boot = None
    for raw in p.stdout:
        line = raw.decode(errors="replace").rstrip("\r\n")
        if native_boot is None and INIT_MARKER in line:
            native_boot = round(time.monotonic() - start, 2)
        out.append(line)
        if "BENCH-DONE" in line:
            # A native kernel without ACPI halts at poweroff; QEMU
            # would wait for the timeout.
            p.terminate()   # timeout(1) passes it on to QEMU
    p.wait()
    native, native_uptime = figures(out, "native")

    def keel_run(privileged):
        mods = [Module(os.path.join(kdir, "vmlinux"),
                       f"name=linux mem=128M privileged={privileged} -- "
                       "console=hvc0 quiet"),
                Module(initrd, "initrd")]
        return keeltest.boot(os.path.join(build, "keel.elf"),
                             "test loglvl=info", modules=mods, cpus=1,
                             mem_mb=512, timeout=900,
                             cpu_model="max,-smap", extra_args=ICOUNT,
                             stamp_markers=[INIT_MARKER])

    # A PV guest (domU), and the same as the hardware domain (the first
    # module, a control domain), whose kernel has the I/O bitmap: each
    # of its mode switches turns it on or off.
    r = keel_run(0)
    pv, pv_uptime = figures(r.lines, "Keel PV")
    ratio = {w: round(pv[w] / native[w], 2) for w in WORKLOADS}
    hw, _ = figures(keel_run(1).lines, "Keel PV hardware domain")
    hw_ratio = {w: round(hw[w] / native[w], 2) for w in WORKLOADS}

    result = benchlib.header("linux", "python3 bench/linux/run.py")
    result["command"] = ("python3 bench/linux/run.py  (QEMU TCG, -cpu "
                         "max,-smap, one CPU, -icount shift=0; natively "
                         "the bzImage, on Keel its vmlinux as a 1-vCPU "
                         "PV domain: a domU, and again as the hardware "
                         "domain)")
    result.update({
        "units": "instructions per operation: nanoseconds of the guest's "
                 "CLOCK_MONOTONIC, which under -icount shift=0 advances "
                 "one per executed instruction (of the guest and, on "
                 "Keel, of Keel)",
        "native": native,
        "keel_pv": pv,
        "ratio_pv_vs_native": ratio,
        "keel_pv_hardware_domain": hw,
        "ratio_pv_hardware_domain_vs_native": hw_ratio,
        "xen_4_17_pv_dom0_ratio": XEN_PV,
        "beats_xen_pv": {w: max(ratio[w], hw_ratio[w]) < XEN_PV[w]
                         for w in WORKLOADS},
        "boot_to_init": {
            "units": "host wall-clock seconds from QEMU's start to /init's "
                     "first line (the PV run includes GRUB and Keel); "
                     "guest_uptime is the kernel's /proc/uptime there",
            "native_wall": native_boot,
            "keel_pv_wall": r.stamps.get(INIT_MARKER),
            "native_guest_uptime": native_uptime,
            "keel_pv_guest_uptime": pv_uptime,
        },
    })
    benchlib.write("linux", result)
    print(f"{'row':24} {'native':>9} {'keel-pv':>9} {'ratio':>6} "
          f"{'dom0':>9} {'ratio':>6} {'xen':>5}")
    for w in WORKLOADS:
        print(f"{w:24} {native[w]:9} {pv[w]:9} {ratio[w]:6} {hw[w]:9} "
              f"{hw_ratio[w]:6} {XEN_PV[w]:5}")


if __name__ == "__main__":
    main()
