#!/usr/bin/env python3
"""The ISO `make run` boots, and dom0's disk: Keel with the Linux kernel
of guest-pv-linux-patches as its first domain, the control and hardware
domain, on the initramfs of dom0-tools/rootfs (a busybox shell on hvc0,
with pvctl), and an ext4 disk image for dom0's virtio-blk disk, which it
mounts on /etc/keel: a demo guest for pvctl (demo.cfg, the same kernel
with its own small initramfs) and make demo's script.

    run_iso.py BUILD OUT.iso DISK.img [KEEL_OPTION ...]

The make-run-shell and make-demo scenarios (tests/linux/run.py) boot the
same ISO and disk, made by the same function, with Keel's `test` option
added, and QEMU given disk_args(DISK.img).
"""
import os
import shutil
import subprocess
import sys
import tempfile

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


def make_ext4_image(path, files, size_mb):
    """An ext4 image of @size_mb MiB at @path holding @files ({name in
    the image: bytes, or a host file's path}), made without mounting
    anything (mkfs.ext4 -d)."""
    with tempfile.TemporaryDirectory(prefix="keel-ext4-") as root:
        for name, data in files.items():
            dest = os.path.join(root, name)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            if isinstance(data, bytes):
                with open(dest, "wb") as f:
                    f.write(data)
            else:
                shutil.copyfile(data, dest)
        subprocess.run(["mkfs.ext4", "-q", "-F", "-b", "4096", "-d", root,
                        path, f"{size_mb}M"], check=True,
                       capture_output=True)


def disk_args(disk):
    """QEMU's arguments for dom0's disk, a virtio-blk PCI device."""
    return ["-drive", f"file={disk},if=none,id=dom0disk,format=raw",
            "-device", "virtio-blk-pci,drive=dom0disk"]


def make_run_iso(build, kernel_dir, workdir, keel_options=(),
                 scripted=False):
    """Build the ISO and dom0's disk image in @workdir from @kernel_dir's
    vmlinux; return their paths. With @scripted, the control domain runs
    make demo's script (demo.sh, on the disk) instead of a shell."""
    rootfs = os.path.join(TOP, "dom0-tools", "rootfs")
    subprocess.run(["make", "-s", "-C", os.path.join(TOP, "dom0-tools"),
                    "dom0", f"BUILD={os.path.abspath(build)}"], check=True)
    demo = os.path.join(workdir, "demo-initrd.cpio")
    initramfs(demo, os.path.join(rootfs, "demo-guest-init"))
    disk = os.path.join(workdir, "dom0-disk.img")
    make_ext4_image(disk, {
        "demo.cfg": os.path.join(rootfs, "demo.cfg"),
        "demo.sh": os.path.join(rootfs, "demo.sh"),
        "vmlinux": os.path.join(kernel_dir, "vmlinux"),
        "demo-initrd.cpio": demo}, 64)
    initrd = os.path.join(workdir, "dom0-initrd.cpio")
    initramfs(initrd, os.path.join(rootfs, "init"), [
        os.path.join(build, "dom0-tools", "dom0", "pvctl") + ":bin/pvctl"])
    mods = [Module(os.path.join(kernel_dir, "vmlinux"),
                   DOM0_CMDLINE + (" keel_demo" if scripted else "")),
            Module(initrd, "initrd")]
    iso = keeltest.build_iso(workdir, os.path.join(build, "keel.elf"),
                             " ".join([KEEL_CMDLINE, *keel_options]), mods)
    return iso, disk


def main():
    build, out, out_disk = sys.argv[1], sys.argv[2], sys.argv[3]
    workdir = os.path.join(os.path.dirname(os.path.abspath(out)), "run-iso")
    os.makedirs(workdir, exist_ok=True)
    iso, disk = make_run_iso(build, os.path.join(build, "linux"), workdir,
                             sys.argv[4:])
    os.replace(iso, out)
    os.replace(disk, out_disk)


if __name__ == "__main__":
    main()
