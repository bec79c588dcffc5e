#!/usr/bin/env python3
"""Make the Linux scenarios' initramfs: a newc cpio archive with Debian's
static busybox, its applet links, and an /init script.

    initramfs.py OUT.cpio INIT_SCRIPT [EXTRA_FILE:PATH_IN_ARCHIVE ...]

Deterministic (fixed mtimes and inode numbers), so that the same inputs
give the same bytes.
"""
import os
import stat
import subprocess
import sys

BUSYBOX = "/bin/busybox"


class Cpio:
    def __init__(self):
        self.data = bytearray()
        self.ino = 1000

    def add(self, name, mode, body=b"", target=None, rdev=(0, 0)):
        if target is not None:
            body = target.encode()
        self.ino += 1
        name_b = name.encode() + b"\0"
        hdr = "070701" + "".join(f"{v:08x}" for v in (
            self.ino, mode, 0, 0, 1, 0, len(body), 0, 0, rdev[0], rdev[1],
            len(name_b), 0))
        self.data += hdr.encode() + name_b
        self.data += b"\0" * (-len(self.data) % 4)
        self.data += body
        self.data += b"\0" * (-len(self.data) % 4)

    def finish(self):
        self.add("TRAILER!!!", 0)
        self.data += b"\0" * (-len(self.data) % 512)
        return bytes(self.data)


def main():
    out, init = sys.argv[1], sys.argv[2]
    extras = sys.argv[3:]
    if not os.path.exists(BUSYBOX):
        sys.exit("initramfs.py: no /bin/busybox (apt-get install busybox-static)")
    c = Cpio()
    for d in ("bin", "sbin", "dev", "proc", "sys", "tmp", "etc", "usr",
              "usr/bin", "usr/sbin", "root", "mnt", "var", "var/log", "run"):
        c.add(d, stat.S_IFDIR | 0o755)
    c.add("dev/console", stat.S_IFCHR | 0o600, rdev=(5, 1))
    with open(BUSYBOX, "rb") as f:
        c.add("bin/busybox", stat.S_IFREG | 0o755, f.read())
    applets = subprocess.run([BUSYBOX, "--list-full"], capture_output=True,
                             text=True, check=True).stdout.split()
    for path in sorted(applets):
        if path != "bin/busybox":
            depth = path.count("/")
            c.add(path, stat.S_IFLNK | 0o777,
                  target="../" * depth + "bin/busybox")
    with open(init, "rb") as f:
        c.add("init", stat.S_IFREG | 0o755, f.read())
    made = set()
    for spec in extras:
        src, _, dst = spec.partition(":")
        # Directories of their own (kselftests/NAME) come first.
        parts = dst.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d not in made and d not in ("bin", "sbin", "usr", "usr/bin",
                                           "usr/sbin", "etc", "root",
                                           "mnt", "tmp"):
                c.add(d, stat.S_IFDIR | 0o755)
            made.add(d)
        with open(src, "rb") as f:
            c.add(dst, stat.S_IFREG | 0o755, f.read())
    data = c.finish()
    with open(out, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
