#!/usr/bin/env python3
"""The ISO `make run` boots: Keel with the Linux kernel of
guest-pv-linux-patches as its first domain, the control domain, on the
initramfs of dom0-tools/rootfs (a busybox shell on hvc0), which holds
pvctl and a demo guest for it: /etc/keel/demo.cfg, the same kernel with
its own small initramfs.

    run_iso.py BUILD OUT.iso [KEEL_OPTION ...]

The make-run-shell scenario (tests/linux/run.py) boots the same ISO,
made by the same function, with Keel's `test` option added.
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))
import keeltest  # noqa: E402
from keeltest import Module  # noqa: E402

# The control domain: 256 MiB, two vCPUs, its console Keel's (hvc0).
DOM0_CMDLINE = "name=linux mem=256M vcpus=2 privileged=1 -- console=hvc0"
KEEL_CMDLINE = "loglvl=info"


def initramfs(out, init, extras=()):
    subprocess.run([sys.executable, os.path.join(HERE, "initramfs.py"),
                    out, init, *extras], check=True)


def make_run_iso(build, kernel_dir, workdir, keel_options=(),
                 scripted=False):
    """Build the ISO in @workdir from @kernel_dir's vmlinux; return its
    path. With @scripted, the control domain runs make demo's script
    (dom0-tools/rootfs/demo.sh) instead of a shell."""
    rootfs = os.path.join(TOP, "dom0-tools", "rootfs")
    subprocess.run(["make", "-s", "-C", os.path.join(TOP, "dom0-tools"),
                    "dom0", f"BUILD={os.path.abspath(build)}"], check=True)
    demo = os.path.join(workdir, "demo-initrd.cpio")
    initramfs(demo, os.path.join(rootfs, "demo-guest-init"))
    initrd = os.path.join(workdir, "dom0-initrd.cpio")
    initramfs(initrd, os.path.join(rootfs, "init"), [
        os.path.join(build, "dom0-tools", "dom0", "pvctl") + ":bin/pvctl",
        os.path.join(rootfs, "demo.cfg") + ":etc/keel/demo.cfg",
        os.path.join(rootfs, "demo.sh") + ":etc/keel/demo.sh",
        os.path.join(kernel_dir, "vmlinux") + ":etc/keel/vmlinux",
        demo + ":etc/keel/demo-initrd.cpio"])
    mods = [Module(os.path.join(kernel_dir, "vmlinux"),
                   DOM0_CMDLINE + (" keel_demo" if scripted else "")),
            Module(initrd, "initrd")]
    return keeltest.build_iso(workdir, os.path.join(build, "keel.elf"),
                              " ".join([KEEL_CMDLINE, *keel_options]), mods)


def main():
    build, out = sys.argv[1], sys.argv[2]
    workdir = os.path.join(os.path.dirname(os.path.abspath(out)), "run-iso")
    os.makedirs(workdir, exist_ok=True)
    iso = make_run_iso(build, os.path.join(build, "linux"), workdir,
                       sys.argv[3:])
    os.replace(iso, out)


if __name__ == "__main__":
    main()
