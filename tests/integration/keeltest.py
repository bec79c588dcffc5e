"""Boot Keel in QEMU and read what it says on the serial line.

Used by run.py (the boot scenarios) and, later, by the guest-test and Linux
runners. One boot is: write a grub.cfg with the hypervisor command line and
the modules, make an ISO with grub-mkrescue, run QEMU under a timeout, and
collect the serial output.

How a boot ends:
  - Keel in test mode prints a last line "KEEL-EXIT: success|failure" and
    writes the status to the isa-debug-exit port; QEMU then exits with
    (status << 1) | 1, so 1 = success and 3 = failure.
  - Anything else is a CRASH (a triple fault resets, and -no-reboot turns
    that into exit 0; a missing KEEL-EXIT line means Keel never finished),
    or a TIMEOUT when the time limit ran out.
"""
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field

SUCCESS, FAILURE, CRASH, TIMEOUT = "SUCCESS", "FAILURE", "CRASH", "TIMEOUT"
GUEST_LINE = re.compile(r"\(d\d+\) ")


@dataclass
class Module:
    path: str
    cmdline: str = ""


@dataclass
class BootResult:
    status: str
    exit_code: int
    lines: list = field(default_factory=list)
    # Host seconds from QEMU's start to the first output line holding
    # each of run_qemu()'s @stamp_markers (absent if none did).
    stamps: dict = field(default_factory=dict)

    @property
    def text(self):
        return "\n".join(self.lines)

    @property
    def keel_lines(self):
        """The lines Keel itself wrote: every line but the "(dN) " lines
        of guest console output. A verdict (a frame count, a domain's exit)
        is read only from these: a guest cannot write a line that does not
        start with its prefix (hypervisor/include/console_line.h)."""
        return [line for line in self.lines if not GUEST_LINE.match(line)]

    @property
    def frame_count(self):
        """(free frames after the last domain, free frames before the
        first) from Keel's "All domains exited" line, or None."""
        for line in self.keel_lines:
            m = re.match(r"All domains exited; (\d+) frames free, (\d+) "
                         r"before", line)
            if m:
                return int(m.group(1)), int(m.group(2))
        return None

    def has(self, fragment):
        return any(fragment in line for line in self.lines)

    def grep(self, fragment):
        return [line for line in self.lines if fragment in line]


def strip_timestamp(line):
    """Drop Keel's "[    0.123456] " prefix."""
    if line.startswith("[") and "] " in line[:16]:
        return line[line.index("] ") + 2:]
    return line


def build_iso(workdir, kernel, cmdline, modules=()):
    """Make a bootable ISO in workdir and return its path."""
    root = os.path.join(workdir, "iso")
    boot = os.path.join(root, "boot")
    os.makedirs(os.path.join(boot, "grub"), exist_ok=True)
    shutil.copy(kernel, os.path.join(boot, "keel.elf"))
    cfg = ["set timeout=0", "set default=0", 'menuentry "Keel" {',
           f"  multiboot2 /boot/keel.elf {cmdline}"]
    for i, m in enumerate(modules):
        name = f"mod{i}"
        shutil.copy(m.path, os.path.join(boot, name))
        cfg.append(f"  module2 /boot/{name} {m.cmdline}".rstrip())
    cfg += ["  boot", "}"]
    with open(os.path.join(boot, "grub", "grub.cfg"), "w") as f:
        f.write("\n".join(cfg) + "\n")
    iso = os.path.join(workdir, "keel.iso")
    proc = subprocess.run(["grub-mkrescue", "-o", iso, root],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"grub-mkrescue failed: {proc.stderr.strip()}")
    return iso


# A guest asks for serial input by printing "SEND: <text>"; the runner
# types <text> into the serial port. <text> takes the escapes \\r, \\n,
# \\t, \\\\ and \\xNN. Only the domains named in run_qemu's
# send_from may ask (a hostile test guest must not type for others).
SEND_LINE = re.compile(rb"^(?:\[[ 0-9.]+\] )?\(d(\d+)\) SEND: (.*?)\r?$")
DOMAIN_LINE = re.compile(rb"^(?:\[[ 0-9.]+\] )?Domain (\d+) \(([^)]*)\): ")


def unescape(text):
    out, i = bytearray(), 0
    while i < len(text):
        c = text[i:i + 1]
        if c == b"\\" and i + 1 < len(text):
            e = text[i + 1:i + 2]
            if e == b"x":
                out.append(int(text[i + 2:i + 4], 16))  # ValueError if bad
                i += 4
                continue
            out += {b"r": b"\r", b"n": b"\n", b"t": b"\t"}.get(e, e)
            i += 2
            continue
        out += c
        i += 1
    return bytes(out)


def run_qemu(iso, cpus=1, mem_mb=128, timeout=60, cpu_model="qemu64,+svm",
             extra_args=(), send_from=(), stamp_markers=()):
    """Boot the ISO; return a BootResult. "SEND:" lines of the domains
    named in @send_from are answered on the serial input as they appear.
    The result's stamps say when each of @stamp_markers (strings) was
    first seen."""
    cmd = ["timeout", "--kill-after=5", str(timeout),
           "qemu-system-x86_64", "-accel", "tcg", "-cpu", cpu_model,
           "-smp", str(cpus), "-m", str(mem_mb), "-cdrom", iso,
           "-boot", "d", "-display", "none", "-no-reboot", "-nic", "none",
           "-serial", "stdio", "-monitor", "none",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", *extra_args]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, stdin=subprocess.PIPE)
    raw = bytearray()
    names = {}
    stamps = {}
    allowed = {n.encode() for n in send_from}
    for line in proc.stdout:
        raw += line
        for marker in stamp_markers:
            if marker not in stamps and marker.encode() in line:
                stamps[marker] = round(time.monotonic() - start, 2)
        d = DOMAIN_LINE.match(line)
        if d:
            names.setdefault(d.group(1), d.group(2))
        m = SEND_LINE.match(line.rstrip(b"\n"))
        if m and names.get(m.group(1)) in allowed:
            try:
                proc.stdin.write(unescape(m.group(2)))
                proc.stdin.flush()
            except (BrokenPipeError, OSError, ValueError):
                pass
    proc.wait()
    try:
        proc.stdin.close()
    except (BrokenPipeError, OSError):
        pass
    # Split at newlines only: str.splitlines() would also break lines at
    # form feeds, NEL, U+2028 and the like.
    out = raw.decode("utf-8", errors="replace")
    lines = [strip_timestamp(l.rstrip("\r")) for l in out.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    last = next((l for l in reversed(lines) if l.strip()), "")
    if proc.returncode in (124, 137):
        status = TIMEOUT
    elif not last.startswith("KEEL-EXIT:"):
        status = CRASH
    elif proc.returncode == 1 and last == "KEEL-EXIT: success":
        status = SUCCESS
    elif proc.returncode == 3 and last == "KEEL-EXIT: failure":
        status = FAILURE
    else:
        status = CRASH
    return BootResult(status, proc.returncode, lines, stamps)


def boot(kernel, cmdline, modules=(), **qemu_args):
    """Build a throwaway ISO and boot it."""
    with tempfile.TemporaryDirectory(prefix="keel-boot-") as workdir:
        iso = build_iso(workdir, kernel, cmdline, modules)
        return run_qemu(iso, **qemu_args)
