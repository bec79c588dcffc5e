#!/usr/bin/env python3
"""The control domain: how long it takes to boot, and to create a guest.

The patched kernel boots natively (bzImage) and as Keel's control domain
(its vmlinux), one vCPU each, on the same initramfs (init-bench-dom0.sh):

  - boot to /init: the kernel's /proc/uptime at /init under -icount
    shift=0 (guest time counts executed instructions, so the figure is
    instructions, Keel's included on Keel), with native as the baseline;
    and the host's wall-clock time from QEMU's start to /init's first
    line, in a run without -icount;
  - in dom0, createbench.c creates a Linux guest (the same kernel, with a
    tiny initramfs) through libkeelctl as pvctl create does, and times
    each step: the create_domain hypercall (Keel's part: the builder and
    its copies), unpause, and the wait for the guest's first console
    line. Instructions on the -icount run; wall-clock nanoseconds of
    dom0's clock on the other.

    python3 bench/dom0/run.py [BUILD]

KEEL_LINUX_DIR=DIR takes bzImage and vmlinux from DIR. Writes
bench/results/dom0.json.
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

ICOUNT = ["-icount", "shift=0"]
INIT_MARKER = "BENCH-INIT"
STEPS = ["read_files", "create_domain", "unpause", "first_console_byte",
         "create_to_first_byte"]


def parse(lines, what, want_ops):
    ops, uptime = {}, None
    for line in lines:
        m = re.search(r"BENCH-OP (\w+) (\d+)$", line)
        if m:
            ops[m.group(1)] = int(m.group(2))
        m = re.search(r"BENCH-UPTIME ([0-9.]+)", line)
        if m:
            uptime = float(m.group(1))
    if uptime is None or (want_ops and any(s not in ops for s in STEPS)):
        print("\n".join(lines[-40:]))
        sys.exit(f"bench/dom0: the {what} run did not report everything")
    return ops, uptime


def native_boot(kdir, initrd, extra):
    cmd = ["timeout", "600", "qemu-system-x86_64", "-accel", "tcg", "-cpu",
           "max,-smap", "-smp", "1", "-m", "256", *extra, "-kernel",
           os.path.join(kdir, "bzImage"), "-initrd", initrd, "-append",
           "console=ttyS0 quiet panic=-1", "-display", "none",
           "-no-reboot", "-nic", "none", "-serial", "stdio", "-monitor",
           "none"]
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    out, wall = [], None
    for raw in p.stdout:
        line = raw.decode(errors="replace").rstrip("\r\n")
        if wall is None and INIT_MARKER in line:
            wall = round(time.monotonic() - start, 2)
        out.append(line)
        if "BENCH-DONE" in line:
            p.terminate()   # a native kernel without ACPI halts at poweroff
    p.wait()
    _, uptime = parse(out, "native", False)
    return uptime, wall


def main():
    build = os.path.abspath(benchlib.build_dir())
    kdir = os.environ.get("KEEL_LINUX_DIR")
    if not kdir:
        kdir = os.path.join(build, "linux")
        subprocess.run([os.path.join(benchlib.ROOT, "guest-pv-linux-patches",
                                     "build.sh"), kdir, "keel"], check=True)
    tools = os.path.join(benchlib.ROOT, "dom0-tools")
    subprocess.run(["make", "-s", "-C", tools, "dom0", f"BUILD={build}"],
                   check=True)
    out = os.path.join(build, "bench", "dom0")
    os.makedirs(out, exist_ok=True)
    createbench = os.path.join(out, "createbench")
    subprocess.run(["gcc", "-static", "-O2", "-Wall", "-Wextra", "-Werror",
                    "-I", os.path.join(tools, "libkeelctl"),
                    "-I", os.path.join(tools, "include"),
                    "-I", os.path.join(benchlib.ROOT, "hypercall-abi",
                                       "include"),
                    "-o", createbench, os.path.join(HERE, "createbench.c"),
                    os.path.join(tools, "libkeelctl", "keelctl.c"),
                    os.path.join(tools, "libkeelctl", "keelctl_events.c"),
                    os.path.join(tools, "libkeelctl", "keelctl_privcmd.c"),
                    os.path.join(build, "dom0-tools", "dom0",
                                 "keelctl_hv.o")], check=True)
    mkcpio = os.path.join(benchlib.ROOT, "tests", "linux", "initramfs.py")
    guest = os.path.join(out, "guest.cpio")
    subprocess.run([sys.executable, mkcpio, guest,
                    os.path.join(HERE, "init-bench-guest.sh")], check=True)
    initrd = os.path.join(out, "dom0.cpio")
    subprocess.run([sys.executable, mkcpio, initrd,
                    os.path.join(HERE, "init-bench-dom0.sh"),
                    f"{createbench}:bin/createbench",
                    f"{os.path.join(kdir, 'vmlinux')}:etc/keel/vmlinux",
                    f"{guest}:etc/keel/guest.cpio"], check=True)

    def keel_run(extra):
        mods = [Module(os.path.join(kdir, "vmlinux"),
                       "name=dom0 mem=256M privileged=1 vcpus=1 -- "
                       "console=hvc0 quiet"),
                Module(initrd, "initrd")]
        r = keeltest.boot(os.path.join(build, "keel.elf"),
                          "test loglvl=info", modules=mods, cpus=1,
                          mem_mb=512, timeout=900, cpu_model="max,-smap",
                          extra_args=extra, stamp_markers=[INIT_MARKER])
        ops, uptime = parse(r.lines, "Keel dom0", True)
        return ops, uptime, r.stamps.get(INIT_MARKER)

    native_instr, _ = native_boot(kdir, initrd, ICOUNT)
    _, native_wall = native_boot(kdir, initrd, [])
    ops_icount, dom0_instr, _ = keel_run(ICOUNT)
    ops_wall, _, dom0_wall = keel_run([])

    result = benchlib.header("dom0", "python3 bench/dom0/run.py")
    result["command"] = ("python3 bench/dom0/run.py  (QEMU TCG, -cpu "
                         "max,-smap, one CPU; natively the bzImage, on "
                         "Keel its vmlinux as a 1-vCPU control domain; "
                         "each twice: with -icount shift=0 for "
                         "instructions, without for wall-clock time)")
    result.update({
        "boot_to_init": {
            "units": "instructions: the kernel's /proc/uptime at /init "
                     "under -icount shift=0, in ns (Keel's instructions "
                     "included on Keel); wall: host seconds from QEMU's "
                     "start to /init's first line (on Keel, with GRUB and "
                     "Keel's own boot)",
            "native_instructions": round(native_instr * 1e9),
            "dom0_instructions": round(dom0_instr * 1e9),
            "ratio_dom0_vs_native": round(dom0_instr / native_instr, 2),
            "native_wall_s": native_wall,
            "dom0_wall_s": dom0_wall,
            "ratio_wall_dom0_vs_native": round(dom0_wall / native_wall, 2),
        },
        "create_guest": {
            "units": "createbench.c's steps: instructions (-icount run) "
                     "and dom0 wall-clock ns (the other run); the guest "
                     "is this kernel's vmlinux with a tiny initramfs, "
                     "64 MiB, one vCPU",
            "instructions": {s: ops_icount[s] for s in STEPS},
            "wall_ns": {s: ops_wall[s] for s in STEPS},
            "keel_share_of_create_to_first_byte": round(
                (ops_icount["create_domain"] + ops_icount["unpause"]) /
                ops_icount["create_to_first_byte"], 3),
            "image_bytes": ops_icount["image_bytes"],
            "initrd_bytes": ops_icount["initrd_bytes"],
        },
    })
    benchlib.write("dom0", result)


if __name__ == "__main__":
    main()
