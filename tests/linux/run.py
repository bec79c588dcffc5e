#!/usr/bin/env python3
"""Linux scenarios: the patch series against Debian's linux-source-6.1,
and the kernel it builds, natively and on Keel.

    python3 tests/linux/run.py --build build [--only NAME ...]

The kernel comes from guest-pv-linux-patches/build.sh (cached outside the
repository). Each scenario waits for serial lines under a timeout; none
sleeps. Ends with "linux: N passed, N failed".
"""
import argparse
import hashlib
import json
import os
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
PATCHES = os.path.join(TOP, "guest-pv-linux-patches")
TARBALL = os.environ.get("LINUX_TARBALL", "/usr/src/linux-source-6.1.tar.xz")
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))
import keeltest  # noqa: E402
from keeltest import Module  # noqa: E402
import run_iso  # noqa: E402


def abi_version_pattern():
    """The ABI version Keel reports, as a pattern ("1\\.4"), read from
    the public header so that a minor bump edits no expectation."""
    path = os.path.join(TOP, "hypercall-abi", "include", "keel", "keel.h")
    text = open(path).read()
    major = re.search(r"#define KEEL_ABI_VERSION_MAJOR (\d+)", text).group(1)
    minor = re.search(r"#define KEEL_ABI_VERSION_MINOR (\d+)", text).group(1)
    return rf"{major}\.{minor}"


SCENARIOS = []


def scenario(name):
    def register(fn):
        SCENARIOS.append((name, fn))
        return fn
    return register


def series():
    with open(os.path.join(PATCHES, "series")) as f:
        return [l.strip() for l in f if l.strip() and not l.startswith("#")]


def untar(dest):
    os.makedirs(dest)
    subprocess.run(["tar", "xf", TARBALL, "-C", dest, "--strip-components=1"],
                   check=True)


def run(cmd, cwd, problems, what, env=None):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    if p.returncode:
        problems.append(f"{what}: exit {p.returncode}: "
                        f"{(p.stdout + p.stderr).strip()[-600:]}")
    return p.returncode == 0


# ------------------------------------------------------------- the series

@scenario("series-applies-git-am")
def _(ctx, problems):
    """git am applies every patch to a fresh untar, and the ABI headers
    the series carries are this tree's, byte for byte."""
    with tempfile.TemporaryDirectory(prefix="keel-am-") as work:
        src = os.path.join(work, "src")
        untar(src)
        env = dict(os.environ, GIT_AUTHOR_NAME="test", GIT_AUTHOR_EMAIL="t@t",
                   GIT_COMMITTER_NAME="test", GIT_COMMITTER_EMAIL="t@t")
        patches = [os.path.join(PATCHES, p) for p in series()]
        # The base commit holds the files the series touches that the
        # tarball has (hashing all 78,000 would take minutes); git am needs
        # no more.
        touched = set()
        for p in patches:
            with open(p) as f:
                for l in f:
                    m = re.match(r"diff --git a/(\S+) b/", l)
                    if m and os.path.exists(os.path.join(src, m.group(1))):
                        touched.add(m.group(1))
        for cmd in (["git", "init", "-q"],
                    ["git", "add", "-f", "--", *sorted(touched)],
                    ["git", "commit", "-qm", "base"]):
            if not run(cmd, src, problems, " ".join(cmd[:3]), env):
                return
        if not run(["git", "am", "-q", *patches], src, problems, "git am",
                   env):
            return
        log = subprocess.run(["git", "log", "--format=%an <%ae>", "HEAD~" +
                              str(len(patches)) + "..HEAD"], cwd=src,
                             capture_output=True, text=True).stdout.split("\n")
        authors = {a for a in log if a}
        if authors != {"Keel <keel@keel.invalid>"}:
            problems.append(f"patch authors are {authors}, not the project")
        abi = os.path.join(TOP, "hypercall-abi", "include", "keel")
        copy = os.path.join(src, "include", "keel", "interface")
        names = sorted(os.path.relpath(os.path.join(d, f), abi)
                       for d, _, files in os.walk(abi) for f in files)
        for name in names:
            theirs = os.path.join(copy, name)
            if not os.path.exists(theirs):
                problems.append(f"the series lacks include/keel/interface/{name}")
                continue
            with open(os.path.join(abi, name), "rb") as a, \
                    open(theirs, "rb") as b:
                if a.read() != b.read():
                    problems.append(f"include/keel/interface/{name} differs "
                                    f"from hypercall-abi/include/keel/{name}")
        # dom0-tools carries the interfaces of the devices the series
        # defines (privcmd, evtchn, gntdev).
        for name in ("privcmd.h", "evtchn.h", "gntdev.h"):
            ours = os.path.join(TOP, "dom0-tools", "include", "keel-linux",
                                name)
            theirs = os.path.join(src, "include", "uapi", "keel", name)
            if not os.path.exists(theirs):
                problems.append(f"the series lacks include/uapi/keel/{name}")
                continue
            with open(ours, "rb") as a, open(theirs, "rb") as b:
                if a.read() != b.read():
                    problems.append(f"include/uapi/keel/{name} differs "
                                    f"from dom0-tools/include/keel-linux/"
                                    f"{name}")


@scenario("series-applies-quilt")
def _(ctx, problems):
    """quilt push -a applies the same series to another fresh untar."""
    with tempfile.TemporaryDirectory(prefix="keel-quilt-") as work:
        src = os.path.join(work, "src")
        untar(src)
        env = dict(os.environ, QUILT_PATCHES=PATCHES,
                   QUILT_SERIES=os.path.join(PATCHES, "series"),
                   QUILT_PC=os.path.join(work, ".pc"))
        run(["quilt", "push", "-a", "-q"], src, problems, "quilt push -a", env)


# ------------------------------------------------------------ the kernel

def kernel(ctx, problems):
    """Build (or take from the cache) the Keel kernel, once."""
    if "kernel" not in ctx and ctx.get("kernel_dir"):
        ctx["kernel"] = ctx["kernel_dir"]
    if "kernel" not in ctx:
        out = os.path.join(ctx["build"], "linux")
        p = subprocess.run([os.path.join(PATCHES, "build.sh"), out, "keel"],
                           capture_output=True, text=True)
        ctx["kernel"] = out if p.returncode == 0 else None
        ctx["kernel_error"] = (p.stdout + p.stderr).strip()[-1500:]
    if not ctx["kernel"]:
        problems.append(f"the kernel did not build: {ctx['kernel_error']}")
    return ctx["kernel"]


def initramfs(ctx, init, extras=()):
    path = os.path.join(ctx["build"], "linux",
                        os.path.basename(init) + ".cpio")
    subprocess.run([sys.executable, os.path.join(HERE, "initramfs.py"), path,
                    os.path.join(HERE, init), *extras], check=True)
    return path


def static_program(ctx, source):
    """Compile tests/linux/@source into a static binary under build/linux;
    return the initramfs.py argument that puts it in /bin."""
    name = os.path.splitext(source)[0].replace("_", "-")
    out = os.path.join(ctx["build"], "linux", name)
    subprocess.run(["gcc", "-static", "-O2", "-Wall", "-Wextra", "-Werror",
                    "-I", os.path.join(TOP, "hypercall-abi", "include"),
                    "-I", os.path.join(TOP, "dom0-tools", "include"),
                    "-o", out, os.path.join(HERE, source)], check=True)
    return f"{out}:bin/{name}"


def boot_keel(ctx, mods, timeout, **qemu_args):
    """Boot Keel (its test option) with @mods on the CPU model and the two
    CPUs every PV scenario uses."""
    return keeltest.boot(os.path.join(ctx["build"], "keel.elf"),
                         "test loglvl=info", modules=mods, cpus=2,
                         mem_mb=512, timeout=timeout,
                         cpu_model="max,-smap", **qemu_args)


def boot_native(kdir, initrd, append, timeout=120, cpus=1):
    cmd = ["timeout", "--kill-after=5", str(timeout), "qemu-system-x86_64",
           "-accel", "tcg", "-cpu", "max,-smap", "-smp", str(cpus),
           "-m", "256", "-kernel", os.path.join(kdir, "bzImage"),
           "-initrd", initrd, "-append", append, "-display", "none",
           "-no-reboot", "-nic", "none", "-serial", "stdio",
           "-monitor", "none"]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL)
    text = p.stdout.decode("utf-8", errors="replace")
    return p.returncode, [l.rstrip("\r") for l in text.split("\n")]


@scenario("native-boot")
def _(ctx, problems):
    """The kernel boots natively (bzImage) to the busybox /init."""
    kdir = kernel(ctx, problems)
    if not kdir:
        return
    rc, lines = boot_native(kdir, initramfs(ctx, "init-smoke.sh"),
                            "console=ttyS0 panic=-1")
    ctx["last_lines"] = lines
    if not any(l.startswith("KEEL-LINUX-INIT: userspace up on 1 CPU")
               for l in lines):
        problems.append(f"no KEEL-LINUX-INIT line (QEMU exit {rc})")
    if rc == 124:
        problems.append("timed out")


def pv_boot(ctx, problems, vcpus):
    """The same kernel's vmlinux as a Keel PV control domain with @vcpus
    vCPUs, and an initrd: Keel's builder takes it (segments placed by
    p_paddr, only the bootstrap pages mapped), the kernel takes over the
    page tables, and start_kernel() runs through setup_arch(), the
    kernel's own trap table (keel_selftest: a kernel #PF and a #UD fixed
    up by the exception table, both back through the iret hypercall),
    mm_init(), the event channels and the Keel clocksource and timer,
    the other CPUs, to /init in user mode (init-pv.sh) on hvc0. /init
    mounts, forks, execs and pipes, sleeps a second (the one-shot timer
    and VIRQ_TIMER), has a program return from a signal handler to a
    non-canonical address (Keel refuses the iret; the failsafe callback
    must make it the task's SIGSEGV, as natively), on SMP runs tasks on each CPU and takes CPU 1
    offline and back, has the harness type a line that it reads back
    through hvc0 (console_input and its VIRQ), and powers off: the domain
    ends with poweroff, and every frame comes back."""
    kdir = kernel(ctx, problems)
    if not kdir:
        return
    initrd = initramfs(ctx, "init-pv.sh",
                       [static_program(ctx, "bad_sigreturn.c"),
                        static_program(ctx, "workload.c")])
    mods = [Module(os.path.join(kdir, "vmlinux"),
                   f"name=linux mem=128M privileged=1 vcpus={vcpus} -- "
                   "earlyprintk=keel console=hvc0 keel_selftest"),
            Module(initrd, "initrd")]
    r = boot_keel(ctx, mods, 180, send_from=("linux",))
    ctx["last_lines"] = r.lines
    size = os.path.getsize(initrd)
    d0 = r"^\(d0\) (\[ *\d+\.\d+\] )?"
    # The first domain is the hardware domain: its memory is where Keel
    # found a run of frames, identity-mapped, and it says so.
    run = next((re.match(r"^Domain 0 \(linux\): memory identity-mapped, "
                         r"frames (0x[0-9a-f]+)-(0x[0-9a-f]+)$", l)
                for l in r.lines if "identity-mapped" in l), None)
    if not run:
        problems.append("Keel did not identity-map the hardware domain")
    first = int(run.group(1), 16) << 12 if run else 0
    last = ((int(run.group(2), 16) + 1) << 12) - 1 if run else 0
    plural = "" if vcpus == 1 else "s"
    online = "0" if vcpus == 1 else f"0-{vcpus - 1}"
    wants = [
        d0 + rf"keel: domain 0 \(linux\), {vcpus} vCPU{plural}, 32768 "
        r"pages, ABI " + abi_version_pattern() + r", control domain$",
        d0 + r"keel: page tables taken over; starting Linux$",
        d0 + r"Command line: earlyprintk=keel console=hvc0 keel_selftest$",
        d0 + rf"Keel: \[mem {first:#018x}-{last:#018x}\] usable$",
        d0 + r"RAMDISK: \[mem 0x[0-9a-f]+-0x[0-9a-f]+\]$",
        d0 + r"Booting paravirtualized kernel on Keel$",
        d0 + r"keel-selftest: kernel #PF fixed up: yes \(-14\)$",
        d0 + r"keel-selftest: kernel #UD fixed up: yes$",
        d0 + r"keel-selftest: PASS$",
        d0 + r"Memory: \d+K/131072K available",
        d0 + r"tsc: Detected \d+\.\d+ MHz processor$",
        d0 + r"Calibrating delay loop \(skipped\)",
        d0 + r"printk: console \[hvc0\] enabled$",
        d0 + r"clocksource: Switched to clocksource keel$",
        d0 + r"Run /init as init process$",
        d0 + r"KEEL-LINUX-INIT: userspace up, pid 1, console hvc0$",
        d0 + r"KEEL-LINUX-INIT: MemTotal: \d+ kB$",
        d0 + r"KEEL-LINUX-INIT: fork, exec, pipe and wait done$",
        d0 + r"KEEL-LINUX-INIT: slept 1 s, uptime ",
        d0 + rf"KEEL-LINUX-INIT: {vcpus} CPU\(s\) online: {online}$",
        d0 + r"KEEL-LINUX-INIT: bad-sigreturn: SIGSEGV at the "
        r"non-canonical address$",
        d0 + r"workload: %d passed, 0 failed$" % len(WORKLOAD_CHECKS),
        d0 + r"KEEL-LINUX-INIT: read back '(?P<typed>typed-[0-9-]+)' "
        r"\(expected '(?P=typed)'\)$",
        d0 + r"reboot: Power down$",
        r"^Domain 0 \(linux\) exited: poweroff$",
    ]
    if vcpus > 1:
        wants += [
            d0 + r"smp: Brought up 1 node, %d CPUs$" % vcpus,
            d0 + r"KEEL-LINUX-INIT: taskset ran on CPUs: " +
            " ".join(str(c) for c in range(vcpus)) + "$",
            d0 + r"KEEL-LINUX-INIT: fork/exit churn on two CPUs done$",
            d0 + r"smpboot: CPU 1 is now offline$",
            d0 + r"KEEL-LINUX-INIT: CPU 1 offline: online now %s$" %
            {2: "0", 3: "0,2"}.get(vcpus, f"0,2-{vcpus - 1}"),
            d0 + rf"KEEL-LINUX-INIT: CPU 1 back online: online now "
            rf"{online}, a task ran on CPU 1$",
        ]
    for w in wants:
        if not any(re.search(w, l) for l in r.lines):
            problems.append(f"no line matching {w!r}")
    problems += [f"workload: {l}" for l in r.lines
                 if re.search(d0 + r"workload: .*: FAIL", l)]
    # The sleep took at least the second it asked for, and not ten.
    m = next((re.search(r"uptime ([\d.]+) -> ([\d.]+)$", l)
              for l in r.lines if "KEEL-LINUX-INIT: slept" in l), None)
    if m and not 1.0 <= float(m.group(2)) - float(m.group(1)) < 10:
        problems.append(f"sleep 1 took {m.group(0)}")
    m = next((re.search(r"RAMDISK: \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\]", l)
              for l in r.lines if "RAMDISK: [mem" in l), None)
    if m and int(m.group(2), 16) + 1 - int(m.group(1), 16) != \
            (size + 4095) // 4096 * 4096:
        problems.append(f"the RAMDISK range is not the {size}-byte initrd")
    if any("keel-selftest: FAIL" in l for l in r.lines):
        problems.append("the trap self-test failed")
    if any(re.search(d0 + r"(Kernel panic|BUG:|WARNING:|Oops|\[Firmware Bug\])", l)
           for l in r.lines):
        problems.append("the kernel panicked, oopsed or warned")
    counts = r.frame_count
    if not counts or counts[0] != counts[1]:
        problems.append(f"frame count after the domain: {counts}")
    if r.status != keeltest.SUCCESS:
        problems.append(f"Keel ended with {r.status}")



@scenario("pv-boot-to-userspace")
def _(ctx, problems):
    """pv_boot() with one vCPU."""
    pv_boot(ctx, problems, 1)


@scenario("pv-smp-boot-to-userspace")
def _(ctx, problems):
    """pv_boot() with two vCPUs: the kernel brings up CPU 1 through
    vcpu_op, IPIs are event channels, tasks run on both CPUs, and CPU 1
    goes offline (its vCPU down) and comes back."""
    pv_boot(ctx, problems, 2)


@scenario("pv-smp4-boot-to-userspace")
def _(ctx, problems):
    """pv_boot() with four vCPUs on QEMU's two CPUs: more vCPUs than
    pCPUs, so TLB shootdowns and IPIs reach vCPUs that are not running."""
    pv_boot(ctx, problems, 4)


# The checks of workload.c, in its order: each prints "workload: NAME: ok".
WORKLOAD_CHECKS = ["fork-exec-wait", "pipes", "signals", "mmap",
                   "shared-mapping", "threads", "privileged", "proc-sys",
                   "tlb-shootdown"]


def equivalence_lines(lines, prefix):
    """The lines of @lines that the equivalence suite compares: what the
    programs print on stdout, without the console's prefix."""
    out = []
    for l in lines:
        m = re.match(prefix + r"(?P<line>workload: .*)$", l)
        if m and not m.group("line").startswith(
                "workload: tlb-shootdown checked"):
            out.append(m.group("line"))
    return out


def kselftest_differ_list():
    """{test: reason} from kselftests-differ.txt."""
    listed = {}
    with open(os.path.join(HERE, "kselftests-differ.txt")) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                name, _, reason = line.partition(":")
                listed[name.strip()] = reason.strip()
    return listed


def kselftest_runs(lines, prefix):
    """{test: [its output lines, ending with "exit N"]} of one run, and
    whether the run got to its end."""
    runs = {}
    done = False
    for l in lines:
        m = re.match(prefix + r"kselftest: (?P<rest>.*)$", l)
        if not m:
            continue
        if m.group("rest") == "done":
            done = True
            continue
        name, _, out = m.group("rest").partition(": ")
        runs.setdefault(name, []).append(out)
    return runs, done


@scenario("equivalence")
def _(ctx, problems):
    """The same static programs natively and as a Keel PV guest, both
    with two CPUs, by init-equiv.sh: workload.c, whose runs
    must print the same lines with every check passing, and the tree's
    64-bit x86 kselftests (built by build.sh), each of which must print
    the same lines and exit the same way in both runs, unless
    kselftests-differ.txt lists it with its reason."""
    kdir = kernel(ctx, problems)
    if not kdir:
        return
    ksdir = os.path.join(kdir, "kselftests-x86")
    kselftests = sorted(n for n in os.listdir(ksdir) if n.endswith("_64"))
    initrd = initramfs(ctx, "init-equiv.sh",
                       [static_program(ctx, "workload.c")] +
                       [f"{os.path.join(ksdir, n)}:kselftests/{n}"
                        for n in kselftests])
    rc, native = boot_native(kdir, initrd, "console=ttyS0 panic=-1",
                             timeout=600, cpus=2)
    mods = [Module(os.path.join(kdir, "vmlinux"),
                   "name=linux mem=128M privileged=1 vcpus=2 -- "
                   "console=hvc0"),
            Module(initrd, "initrd")]
    r = boot_keel(ctx, mods, 600)
    ctx["last_lines"] = native + r.lines
    native_prefix = r"(\[ *\d+\.\d+\] )?"
    pv_prefix = r"^\(d0\) (\[ *\d+\.\d+\] )?"
    want = [f"workload: {c}: ok" for c in WORKLOAD_CHECKS] + \
        [f"workload: {len(WORKLOAD_CHECKS)} passed, 0 failed"]
    runs = {"native": equivalence_lines(native, native_prefix),
            "PV": equivalence_lines(r.lines, pv_prefix)}
    for name, got in runs.items():
        if got != want:
            missing = [l for l in want if l not in got]
            extra = [l for l in got if l not in want]
            problems.append(f"the {name} run differs: missing {missing}, "
                            f"extra {extra}")

    # Both runs compare on two CPUs only if the native kernel finds the
    # second one (in the MADT).
    if not any(re.search(r"smp: Brought up 1 node, 2 CPUs$", l)
               for l in native):
        problems.append("the native kernel did not bring up both CPUs")
    listed = kselftest_differ_list()
    for name in sorted(set(listed) - set(kselftests)):
        problems.append(f"kselftests-differ.txt lists {name}, which the "
                        "tree does not build")
    native_ks, native_done = kselftest_runs(native, native_prefix)
    pv_ks, pv_done = kselftest_runs(r.lines, pv_prefix)
    for run, ks, done in (("native", native_ks, native_done),
                          ("PV", pv_ks, pv_done)):
        if not done:
            problems.append(f"the {run} run of the kselftests never ended")
        for name in kselftests:
            if not ks.get(name, [""])[-1].startswith("exit "):
                problems.append(f"{name} did not finish in the {run} run")
    same = differ = 0
    for name in kselftests:
        if name in listed:
            continue
        if native_ks.get(name) == pv_ks.get(name):
            same += 1
            continue
        differ += 1
        a, b = native_ks.get(name, []), pv_ks.get(name, [])
        first = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]),
                     min(len(a), len(b)))
        problems.append(f"{name} differs from line {first + 1}: native "
                        f"{a[first:first + 1]}, PV {b[first:first + 1]}")
    print(f"    kselftests: {same} the same both ways, {differ} differ, "
          f"{len(listed)} listed in kselftests-differ.txt")
    if rc == 124:
        problems.append("the native run timed out")
    if r.status != keeltest.SUCCESS:
        problems.append(f"Keel ended with {r.status}")


class Console:
    """A QEMU whose serial port is our pipe: wait for output (bounded),
    type input."""

    def __init__(self, cmd):
        # A session of its own, so that killing it reaches QEMU too.
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.out = bytearray()
        self.pos = 0    # where the next wait starts looking

    def wait(self, pattern, timeout):
        """The first match of @pattern (bytes) after the last one, or
        None when @timeout seconds pass or QEMU ends first."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.out, self.pos)
            if m:
                self.pos = m.end()
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                if not chunk:
                    return None
                self.out += chunk

    def type(self, text):
        self.proc.stdin.write(text)
        self.proc.stdin.flush()

    def run_steps(self, steps, problems):
        """Each step is (text to type or None, pattern to wait for,
        timeout in s, what it is); stop at the first that does not come."""
        for typed, want, timeout, what in steps:
            if typed:
                self.type(typed)
            if not self.wait(want, timeout):
                problems.append(f"no {what} within {timeout} s")
                return

    def finish(self, timeout):
        """Wait for QEMU to end (killing it after @timeout); the lines."""
        try:
            rest, _ = self.proc.communicate(timeout=timeout)
            self.out += rest or b""
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            rest, _ = self.proc.communicate()
            self.out += rest or b""
        text = self.out.decode("utf-8", errors="replace")
        return [keeltest.strip_timestamp(l.rstrip("\r"))
                for l in text.split("\n")]


def make_value(name):
    return subprocess.run(["make", "-s", "-C", TOP, name], check=True,
                          capture_output=True, text=True).stdout.strip()


@scenario("make-run-shell")
def _(ctx, problems):
    """What `make run` boots (run_iso.py builds the same ISO, here with
    Keel's test option, on make run's CPU and QEMU flags): Linux as the
    control domain, to the busybox shell on hvc0. Typed at as a person
    would, it shows its prompt and the echo of the keys before the line
    ends (Keel shows the focus domain's unfinished line), runs `echo
    hello-N` and shows hello-N. Then the demo its banner offers: `pvctl
    create -c /etc/keel/demo.cfg` starts a Linux guest and attaches its
    PV console to dom0's terminal: the guest's banner and shell come
    through it, and a typed command runs there; Ctrl-] detaches, and
    `pvctl list` (which the guest has not) shows the guest; `pvctl
    console demo` attaches again and shows the recent output; `poweroff
    -f` typed there ends the guest, and the console returns to dom0's
    shell; `poweroff -f` ends the domain and, in test mode, Keel."""
    kdir = kernel(ctx, problems)
    if not kdir:
        return
    word = f"hello-{os.getpid()}{int(time.time()) % 10000}"
    with tempfile.TemporaryDirectory(prefix="keel-run-") as work:
        iso, disk = run_iso.make_run_iso(ctx["build"], kdir, work, ["test"])
        cmd = ["timeout", "--kill-after=5", "300", "qemu-system-x86_64",
               "-accel", "tcg", "-cpu", make_value("print-run-cpu"),
               *make_value("print-run-flags").split(), "-cdrom", iso,
               "-boot", "d", "-display", "none", "-no-reboot", "-nic",
               "none", "-serial", "stdio", "-monitor", "none", "-device",
               "isa-debug-exit,iobase=0xf4,iosize=0x04",
               *run_iso.disk_args(disk)]
        con = Console(cmd)
        steps = [
            (None, rb"\(d0\) This is a busybox shell on hvc0", 240,
             "the banner"),
            (None, rb"\(d0\) [^\n]*# ", 60, "the prompt, before any Enter"),
            (f"echo {word}".encode(), re.escape(f"echo {word}").encode() +
             rb"$", 30, "the echo of the typed command, before Enter"),
            (b"\r", rb"\n(\[[ 0-9.]+\] )?\(d0\) " +
             re.escape(word).encode() + rb"\r?\n", 30, "the command's output"),
            (None, rb"\(d0\) [^\n]*# ", 30, "the next prompt"),
            # The demo the banner offers: a guest from dom0, its console
            # attached to dom0's terminal (raw), typed to, detached from
            # with Ctrl-], attached again, and powered off from inside.
            (b"pvctl create -c /etc/keel/demo.cfg\r",
             rb"\(d0\) Created domain 1 \(demo\)\r?\n", 60,
             "pvctl create's report"),
            (None, rb"\(d0\) Keel: this is the demo guest", 120,
             "the demo guest's banner, through its console"),
            (None, rb"\(d0\) [^\n]*keel-demo[^\n]*# ", 60,
             "the demo guest's prompt"),
            (f"echo {word}-demo\r".encode(), rb"\n(\[[ 0-9.]+\] )?\(d0\) " +
             re.escape(f"{word}-demo").encode() + rb"\r?\n", 30,
             "the demo guest's output"),
            (b"\x1d", rb"\(d0\) [^\n]*keel-dom0[^\n]*# ", 30,
             "Ctrl-] back to dom0's shell"),
            (b"pvctl list\r", rb"\(d0\) demo +1 +64 +1 ", 30,
             "pvctl list showing the demo guest"),
            (b"pvctl console demo\r", re.escape(f"{word}-demo").encode(), 30,
             "the console again, with the recent output"),
            # Its shutdown comes first; its end (once the monitor has
            # destroyed it) and dom0's prompt may come in either order.
            (b"poweroff -f\r", rb"Domain 1 \(demo\) shut down: poweroff",
             60, "the demo guest's shutdown, from inside"),
            (None, rb"\(d0\) [^\n]*keel-dom0[^\n]*# ", 30,
             "pvctl console returning to dom0's shell"),
            (b"poweroff -f\r", rb"Domain 0 \(linux\) exited: poweroff",
             60, "the domain's poweroff"),
        ]
        con.run_steps(steps, problems)
        lines = con.finish(timeout=30 if not problems else 1)
        ctx["last_lines"] = lines
        if not any(l == "Domain 1 (demo) exited: poweroff" for l in lines):
            problems.append("the demo guest never ended")
        if not problems and con.proc.returncode != 1:
            problems.append(f"QEMU ended with {con.proc.returncode}, not "
                            "Keel's test success")


# make demo's transcript (dom0-tools/rootfs/demo.sh), line by line: each
# entry a pattern that must match a line after the previous one's.
DEMO_TRANSCRIPT = [
    r"keel-dom0:/# pvctl create /etc/keel/demo.cfg",
    r"Created domain 1 \(demo\)",
    r"keel-dom0:/# pvctl create /etc/keel/demo.cfg name=\"demo2\"",
    r"Created domain 2 \(demo2\)",
    r"keel-dom0:/# pvctl list",
    r"Name +ID +Mem +VCPUs +State +Time\(s\)",
    r"linux +0 +256 +2 +r----- +\S+",
    r"demo +1 +64 +1 +[-rb]{2}---- +\S+",
    r"demo2 +2 +64 +1 +[-rb]{2}---- +\S+",
    r"keel-dom0:/# printf .* \| pvctl console demo",
    # The console's recent output first: the demo guest's banner.
    r"Keel: this is the demo guest, an ordinary domain, on 1 vCPU\(s\)\.",
    r"keel-demo:/# uname -sr",
    r"Linux 6\.1\.\S+",
    r"keel-demo:/# head -1 /proc/meminfo",
    r"MemTotal: +\d+ kB",
    r"keel-demo:/# poweroff -f",
    r"KEEL-DEMO: pvctl console returned 0",
    r"keel-dom0:/# pvctl shutdown -w demo2",
    r"keel-dom0:/# pvctl list",
    r"Name +ID +Mem +VCPUs +State +Time\(s\)",
    r"linux +0 +256 +2 +r----- +\S+",
    r"KEEL-DEMO: done",
]


def demo_transcript(lines):
    """make demo's part of a serial log: dom0's lines without their
    "(d0) " prefix, Keel's own lines left out."""
    return [l[5:] for l in lines if l.startswith("(d0) ")]


@scenario("make-demo")
def _(ctx, problems):
    """`make demo`: make run's ISO with the control domain running
    dom0-tools/rootfs/demo.sh instead of a shell. Two guests created
    from demo.cfg and listed; the console of the first attached with
    commands for its shell, whose output comes back through its PV
    console ring until it powers off; the second shut down with
    shutdown -w; the list with dom0 alone; Keel ends with every frame
    back. The transcript must hold DEMO_TRANSCRIPT's lines in order."""
    kdir = kernel(ctx, problems)
    if not kdir:
        return
    with tempfile.TemporaryDirectory(prefix="keel-demo-") as work:
        iso, disk = run_iso.make_run_iso(ctx["build"], kdir, work,
                                         ["test"], scripted=True)
        flags = make_value("print-run-flags").split()
        r = keeltest.run_qemu(iso, cpus=int(flags[flags.index("-smp") + 1]),
                              mem_mb=int(flags[flags.index("-m") + 1]),
                              timeout=300,
                              cpu_model=make_value("print-run-cpu"),
                              extra_args=run_iso.disk_args(disk))
    ctx["last_lines"] = r.lines
    got = demo_transcript(r.lines)
    at = 0
    for want in DEMO_TRANSCRIPT:
        while at < len(got) and not re.fullmatch(want, got[at]):
            at += 1
        if at == len(got):
            problems.append(f"the transcript has no line matching {want!r} "
                            "after the previous one")
            break
        at += 1
    bad = [l for l in got if l.startswith("KEEL-DEMO:") and "failed" in l
           or "no '" in l]
    if bad:
        problems.append(f"the demo says: {bad}")
    counts = r.frame_count
    if not counts or counts[0] != counts[1]:
        problems.append(f"free frames after and before: {counts}")
    if r.status != keeltest.SUCCESS:
        problems.append(f"Keel ended with {r.status}")


@scenario("pv-two-guests")
def _(ctx, problems):
    """Two Linux domains at once, each with two vCPUs on QEMU's two CPUs:
    the control domain and an ordinary one (rate-limited console, no
    privileges). The ordinary one crashes (its init exits, the kernel
    panics); once Keel says so, the harness types to the control domain,
    which still runs processes and powers off. Every frame of both comes
    back."""
    kdir = kernel(ctx, problems)
    if not kdir:
        return
    initrd = initramfs(ctx, "init-two.sh")
    vmlinux = os.path.join(kdir, "vmlinux")
    mods = [Module(vmlinux, "name=survivor mem=128M privileged=1 vcpus=2 "
                   "-- console=hvc0 keel_role=survivor"),
            Module(initrd, "initrd"),
            Module(vmlinux, "name=crasher mem=128M privileged=0 vcpus=2 "
                   "-- console=hvc0 keel_role=crash"),
            Module(initrd, "initrd")]
    with tempfile.TemporaryDirectory(prefix="keel-two-") as work:
        iso = keeltest.build_iso(work, os.path.join(ctx["build"],
                                                    "keel.elf"),
                                 "test loglvl=info", mods)
        cmd = ["timeout", "--kill-after=5", "300", "qemu-system-x86_64",
               "-accel", "tcg", "-cpu", "max,-smap", "-smp", "2", "-m",
               "768", "-cdrom", iso, "-boot", "d", "-display", "none",
               "-no-reboot", "-nic", "none", "-serial", "stdio", "-monitor",
               "none", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
        con = Console(cmd)
        steps = [
            (None, rb"\(d1\) KEEL-TWO: crash up on 2 CPUs", 200,
             "the ordinary domain's userspace"),
            (None, rb"\n(\[[ 0-9.]+\] )?Domain 1 \(crasher\) exited: crash",
             120,
             "the ordinary domain's crash"),
            (b"go\r", rb"\(d0\) KEEL-TWO: survivor still works after "
             rb"the other's crash \(go\)", 120, "the control domain's work "
             "after the crash"),
            (None, rb"\n(\[[ 0-9.]+\] )?Domain 0 \(survivor\) exited: "
             rb"poweroff", 60,
             "the control domain's poweroff"),
        ]
        con.run_steps(steps, problems)
        lines = con.finish(timeout=30 if not problems else 1)
        ctx["last_lines"] = lines
    if not any(l.startswith("(d0) KEEL-TWO: survivor up on 2 CPUs")
               for l in lines):
        problems.append("the control domain's userspace never came up")
    counts = next((re.match(r"All domains exited; (\d+) frames free, (\d+) "
                            r"before", l) for l in lines
                   if l.startswith("All domains exited")), None)
    if not counts or counts.group(1) != counts.group(2):
        problems.append("frames were not all returned: " +
                        (counts.group(0) if counts else "no count"))
    if not problems and con.proc.returncode != 1:
        problems.append(f"QEMU ended with {con.proc.returncode}, not "
                        "Keel's test success")


def boot_dom0(ctx, kdir, initrd, **qemu_args):
    """Boot Keel with the kernel of @kdir as a 256 MiB, two-vCPU control
    domain on @initrd (a dom0_initramfs), for at most 300 s."""
    mods = [Module(os.path.join(kdir, "vmlinux"),
                   "name=dom0 mem=256M privileged=1 vcpus=2 -- "
                   "console=hvc0 quiet"),
            Module(initrd, "initrd")]
    r = boot_keel(ctx, mods, 300, **qemu_args)
    ctx["last_lines"] = r.lines
    return r


def dom0_commands(lines):
    """The commands init-dom0.sh ran, in order: (command, output lines,
    exit status or None when the frame never closed)."""
    out, cur = [], None
    start = re.compile(r"^\(d0\) KEEL-DOM0: \$ (.*)$")
    end = re.compile(r"^\(d0\) KEEL-DOM0: exit (\d+)$")
    for l in lines:
        m = start.match(l)
        if m:
            cur = [m.group(1), [], None]
            out.append(cur)
            continue
        m = end.match(l)
        if m and cur:
            cur[2] = int(m.group(1))
            cur = None
        elif cur is not None and l.startswith("(d0) "):
            cur[1].append(l[5:])
    return out


# A kernel line's time stamp, if it has one.
STAMP = r"(\[ *\d+\.\d+\] )?"

# The Linux guest's userspace lines on its PV console, in order.
DOMU_CONSOLE = [r"KEEL-DOMU: up on 2 CPUs, MemTotal: \d+ kB",
                r"KEEL-DOMU: console=hvc0 keel_guest=yes",
                r"KEEL-DOMU: waiting",
                r"KEEL-DOMU: ran 'echo KEEL-DOMU: typed into the console'",
                r"KEEL-DOMU: typed into the console",
                r"KEEL-DOMU: init got the poweroff signal"]

# What each pvctl command of init-dom0.sh must print (a regular
# expression per line, the whole output) and its exit status. The bad
# inputs come first in the file's order; each must leave nothing behind,
# which the free-frame comparison at the end proves.
DOM0_EXPECT = [
    ("pvctl info", 0, [r"hypervisor     : Keel \S+ \(git \S+\)",
                       r"abi            : " +
                       abi_version_pattern(), r"nr_cpus        : 2",
                       r"total_memory   : \d+", r"free_memory    : \d+"]),
    ("pvctl list", 0, [r"Name\s+ID\s+Mem\s+VCPUs\s+State\s+Time\(s\)",
                       r"dom0\s+0\s+256\s+2\s+r-----\s+\d+\.\d"]),
    ("pvctl create spinner.cfg", 0, [r"Created domain 1 \(spinner\)"]),
    ("pvctl create -p hello.cfg", 0,
     [r"Created domain 2 \(hello\), paused"]),
    ("pvctl list", 0, [r"Name.*", r"dom0\s+0\s+256\s+2\s+r-----\s+\S+",
                       r"spinner\s+1\s+4\s+1\s+[-rb]{2}----\s+\S+",
                       r"hello\s+2\s+4\s+0\s+--p---\s+0\.0"]),
    ("pvctl unpause hello", 0, []),
    ("pvctl pause spinner", 0, []),
    ("pvctl list spinner", 0, [r"Name.*",
                               r"spinner\s+1\s+4\s+1\s+--p---\s+\S+"]),
    ("pvctl unpause spinner", 0, []),
    ("pvctl list -l spinner", 0, [
        r"spinner \(id 1\)", r"  state:          [-rb]{2}----",
        r"  control domain: no", r"  memory:         4 MiB \(1024 pages\)",
        r"  vcpus:          1 \(1 online\)", r"  weight:         256",
        r"  cpu time:       \d+\.\d{3} s"]),
    ("pvctl vcpu-list", 0, [
        r"Name\s+ID\s+VCPU\s+CPU\s+State\s+Time\(s\)",
        r"dom0\s+0\s+0\s+[01]\s+(r--|-b-|---)\s+\d+\.\d",
        r"dom0\s+0\s+1\s+[01]\s+(r--|-b-|---)\s+\d+\.\d",
        r"spinner\s+1\s+0\s+[01]\s+(r--|-b-|---)\s+\d+\.\d"]),
    ("pvctl top -b -d 1 -i 2", 0, [
        r"pvctl top: 2 domains, 2 CPUs, \d+ of \d+ MiB free",
        r"NAME\s+ID\s+STATE\s+CPU\(sec\)\s+CPU\(%\)\s+MEM\(k\)\s+MEM\(%\)\s+VCPUS",
        r"dom0\s+0\s+r-----\s+\d+\.\d\s+0\.0\s+262144\s+\d+\.\d\s+2",
        r"spinner\s+1\s+[-rb]{2}----\s+\d+\.\d\s+0\.0\s+4096\s+\d+\.\d\s+1",
        r"pvctl top: 2 domains, 2 CPUs, \d+ of \d+ MiB free",
        r"NAME.*",
        r"dom0\s+0\s+r-----\s+\d+\.\d\s+\d+\.\d\s+262144\s+\d+\.\d\s+2",
        r"spinner\s+1\s+[-rb]{2}----\s+\d+\.\d\s+(\d+)\.\d\s+4096\s+\d+\.\d\s+1"]),
    # soak_child binds no shutdown VIRQ: asked, it ignores the request.
    ("pvctl shutdown spinner", 0, []),
    ("pvctl create /etc/keel/nosuch.cfg", 1,
     [r"pvctl: /etc/keel/nosuch.cfg: No such file or directory"]),
    ("pvctl create syntax.cfg", 1,
     [r"pvctl: syntax.cfg:2: kernel: expected '=' after the key"]),
    ("pvctl create unknown-key.cfg", 1,
     [r'pvctl: unknown-key.cfg:3: unknown key "bootloader" \(Keel does '
      r'not support it\)']),
    ("pvctl create memory-type.cfg", 1,
     [r'pvctl: memory-type.cfg:3: memory: expected a number, got "lots"']),
    ("pvctl create base.cfg memory=0", 1,
     [r"pvctl: command line:1: memory: 0 MiB is below Keel's minimum of "
      r"4 MiB"]),
    ("pvctl create base.cfg memory=2", 1,
     [r"pvctl: command line:1: memory: 2 MiB is below Keel's minimum of "
      r"4 MiB"]),
    ("pvctl create base.cfg memory=60000", 1,
     [r"pvctl: create: memory: 60000 MiB is more than the \d+ MiB Keel "
      r"has free"]),
    ("pvctl create base.cfg vcpus=0", 1,
     [r"pvctl: command line:1: vcpus: must be at least 1"]),
    ("pvctl create base.cfg vcpus=33", 1,
     [r"pvctl: command line:1: vcpus: 33 is more than Keel's maximum of "
      r"32"]),
    ("pvctl create not-elf.cfg", 1,
     [r"pvctl: /etc/keel/not-elf: not a kernel Keel can run: the image is "
      r"not ELF"]),
    ("pvctl create truncated.cfg", 1,
     [r"pvctl: /etc/keel/truncated.elf: not a kernel Keel can run: .*"
      r"outside the image"]),
    ("pvctl create no-note.cfg", 1,
     [r"pvctl: /bin/busybox: not a kernel Keel can run: the image has no "
      r"Keel ELF note"]),
    ("pvctl create no-kernel-file.cfg", 1,
     [r"pvctl: /etc/keel/missing.elf: No such file or directory"]),
    ("pvctl create spinner.cfg", 1,
     [r"pvctl: create: a domain called 'spinner' already exists"]),
    ("pvctl create base.cfg name=\"\"", 1,
     [r"pvctl: command line:1: name: must not be empty"]),
    ("pvctl create base.cfg name=\"a-name-that-is-longer-than-31-bytes\"",
     1, [r"pvctl: command line:1: name: longer than 31 bytes"]),
    ("pvctl create ramdisk.cfg", 1,
     [r"pvctl: /etc/keel/missing.cpio: No such file or directory"]),
    ("pvctl create disk.cfg", 1,
     [r"pvctl: disk.cfg: disk: devices are not supported by Keel yet"]),
    ("pvctl destroy nosuch", 1, [r"pvctl: destroy: no domain 'nosuch'"]),
    ("pvctl destroy 999", 1, [r"pvctl: destroy: no domain '999'"]),
    ("pvctl pause hello", 1, [r"pvctl: pause: no domain 'hello'"]),
    ("pvctl unpause spinner", 1,
     [r"pvctl: unpause: domain 1 \(spinner\) is not paused"]),
    ("pvctl destroy 0", 1,
     [r"pvctl: destroy: domain 0 \(dom0\) is this control domain itself"]),
    ("pvctl shutdown 0", 1,
     [r"pvctl: shutdown: domain 0 \(dom0\) is this control domain, or has "
      r"already shut down"]),
    ("pvctl pause dom0", 1,
     [r"pvctl: pause: domain 0 \(dom0\) cannot be paused: it is not "
      r"running, or it is this control domain"]),
    ("su -s /bin/sh nobody -c pvctl list", 1,
     [r"pvctl: /dev/keel/privcmd: permission denied \(pvctl needs root, "
      r"CAP_SYS_ADMIN\)"]),
    ("pvctl bogus", 2,
     [r"pvctl: unknown command 'bogus' \(pvctl help lists them\)"]),
    ("pvctl destroy spinner", 0, []),
    ("pvctl create -c hello.cfg", 0, [r"Created domain \d+ \(hello\)"]),
    ("pvctl create linux.cfg", 0, [r"Created domain \d+ \(linux-guest\)"]),
    ("pvctl vcpu-list linux-guest", 0, [
        r"Name.*",
        r"linux-guest\s+\d+\s+0\s+[01]\s+(r--|-b-|---)\s+\d+\.\d",
        r"linux-guest\s+\d+\s+1\s+[01]\s+(r--|-b-|---)\s+\d+\.\d"]),
    ("pvctl shutdown -w linux-guest", 0, []),
    # The console client's copy: the recent output when it attached, then
    # the rest; what it sent ran in the guest.
    ("console_lines /tmp/console.out ^KEEL-DOMU", 0, DOMU_CONSOLE),
    # The server's log: the kernel's lines too, from the first (hvc0
    # replays what was printed before it).
    ("console_lines /var/log/keel/console-linux-guest.log "
     "KEEL-DOMU|RAMDISK|keel: the control domain asks", 0,
     [STAMP + r"RAMDISK: \[mem 0x[0-9a-f]+-0x[0-9a-f]+\]"] +
     DOMU_CONSOLE[:3] +
     # The guest's tty echoes what it is sent.
     [r"echo KEEL-DOMU: typed into the console"] + DOMU_CONSOLE[3:-1] +
     [STAMP + r"keel: the control domain asks for a poweroff"] +
     DOMU_CONSOLE[-1:]),
    ("pvctl list", 0, [r"Name.*", r"dom0\s+0\s+256\s+2\s+r-----\s+\S+"]),
    ('sh -c pvctl dmesg | grep -c "(d2) RESULT: PASS soak_child$"', 0,
     [r"1"]),
    ('sh -c pvctl dmesg -c >/dev/null; pvctl dmesg | grep -c "RESULT: '
     'PASS"', 1, [r"0"]),
]


DOM0_EXPECT_TOP_SPINNER = next(w for c, _, ws in DOM0_EXPECT
                               if c.startswith("pvctl top") for w in ws[-1:])


@scenario("dom0-pvctl")
def _(ctx, problems):
    """Linux as the control domain (and hardware domain) runs pvctl
    (init-dom0.sh), built static into its initramfs with a small test
    guest (soak_child) and its configs: info, list, --json list, create
    (running, and paused with -p), unpause, pause, list -l, destroy,
    dmesg and dmesg -c each print what they should, through libkeelctl
    and /dev/keel/privcmd; a paused domain shows 'p'; the guest that
    powers off is gone by itself. A table of bad inputs each gets its
    one-line message and exit status; a non-root user is refused; the
    free-frame count at the end is the one before anything was
    created."""
    kdir = kernel(ctx, problems)
    if not kdir:
        return
    initrd = dom0_initramfs(ctx, "init-dom0.sh", kdir)
    r = boot_dom0(ctx, kdir, initrd)
    if not any(l == "(d0) KEEL-DOM0: done" for l in r.lines):
        problems.append("init-dom0.sh did not finish")
    ran = dom0_commands(r.lines)
    check_commands(ran, DOM0_EXPECT, problems)
    jsons = [json.loads("\n".join(out)) for cmd, out, status in ran
             if cmd in ("pvctl --json info", "pvctl --json list")
             and status == 0]
    # top's second sample: the spinner, which never blocks, used a
    # good share of a CPU in that second.
    tops = [out for cmd, out, status in ran if cmd.startswith("pvctl top")]
    busy = tops and re.fullmatch(DOM0_EXPECT_TOP_SPINNER, tops[0][-1])
    if not busy or int(busy.group(1)) < 10:
        problems.append(f"top's second sample: {tops[0][-1:] if tops else None}"
                        " (the spinner should use over 10% of a CPU)")
    vcpus = [json.loads("\n".join(out)) for cmd, out, status in ran
             if cmd == "pvctl --json vcpu-list spinner" and status == 0]
    if len(vcpus) != 1 or [(v["name"], v["vcpu"]) for v in vcpus[0]] != [
            ("spinner", 0)] or vcpus[0][0]["cpu_time"] <= 0:
        problems.append(f"--json vcpu-list spinner: {vcpus}")
    infos = [j for j in jsons if isinstance(j, dict)]
    lists = [j for j in jsons if isinstance(j, list)]
    if len(infos) != 2 or len(lists) != 1:
        problems.append(f"{len(infos)} --json info and {len(lists)} --json "
                        "list outputs, not 2 and 1")
    else:
        if not re.fullmatch(abi_version_pattern(), infos[0]["abi"]) or \
                infos[0]["nr_cpus"] != 2:
            problems.append(f"--json info: {infos[0]}")
        if infos[0]["free_frames"] != infos[1]["free_frames"]:
            problems.append(f"free frames {infos[1]['free_frames']} at the "
                            f"end, {infos[0]['free_frames']} before")
        got = sorted((d["domid"], d["name"], d["memory"], d["vcpus"],
                      d["control_domain"]) for d in lists[0])
        if got != [(0, "dom0", 256, 2, True), (1, "spinner", 4, 1, False)]:
            problems.append(f"--json list: {lists[0]}")
    if not any(l == "(d0) KEEL-DOM0: hello powered off and is gone"
               for l in r.lines):
        problems.append("the guest that powers off was not gone")
    if not any(re.match(r"^\(d2\) RESULT: PASS soak_child$", l)
               for l in r.lines):
        problems.append("the created guest did not pass on Keel's console")
    # The Linux guest pvctl created: its first words, before its console
    # driver, on Keel's console; the rest went to its PV console (the
    # console_lines commands above), and none of that to Keel's.
    made = [re.match(r"^\(d0\) Created domain (\d+) \(linux-guest\)$", l)
            for l in r.lines]
    made = [m.group(1) for m in made if m]
    if made:
        dn = rf"^\(d{made[0]}\) "
        w = (dn + r"keel: domain \d+ \(linux-guest\), 2 vCPUs, 16384 "
             r"pages, ABI " + abi_version_pattern() + r"$")
        if not any(re.search(w, l) for l in r.lines):
            problems.append(f"the Linux guest: no line matching {w!r}")
        if any(l.startswith(f"(d{made[0]}) ") and "KEEL-DOMU" in l
               for l in r.lines):
            problems.append("the Linux guest's userspace wrote to Keel's "
                            "console, not its PV console")
        if not any(re.match(rf"^Domain {made[0]} \(linux-guest\) exited: "
                            r"poweroff$", l) for l in r.lines):
            problems.append("the Linux guest did not power off")
    if not any(l == "(d0) KEEL-DOM0: the Linux guest is gone"
               for l in r.lines):
        problems.append("the Linux guest was not gone after pvctl "
                        "shutdown -w")
    if r.status != keeltest.SUCCESS:
        problems.append(f"Keel ended with {r.status}")


def dom0_initramfs(ctx, init, kdir=None, more=()):
    """@init's initramfs for a control domain that runs pvctl: pvctl (built
    static), the test guests soak_child and shutdown_request_child, and
    with @kdir the kernel itself
    and a guest initramfs (init-domu.sh), all under /etc/keel."""
    subprocess.run(["make", "-s", "-C", os.path.join(TOP, "dom0-tools"),
                    "dom0", f"BUILD={ctx['build']}"], check=True,
                   capture_output=True)
    pvctl = os.path.join(ctx["build"], "dom0-tools", "dom0", "pvctl")
    guests = os.path.join(ctx["build"], "guests")
    extras = [f"{pvctl}:bin/pvctl",
              f"{os.path.join(HERE, 'dom0-lib.sh')}:etc/dom0-lib.sh"] + [
        f"{os.path.join(guests, g)}.elf:etc/keel/{g}.elf"
        for g in ("soak_child", "shutdown_request_child")]
    if kdir:
        domu = initramfs(ctx, "init-domu.sh")
        extras += [f"{os.path.join(kdir, 'vmlinux')}:etc/keel/vmlinux",
                   f"{domu}:etc/keel/domu.cpio"]
    return initramfs(ctx, init, extras + list(more))


# init-dom0-policies.sh's commands, as DOM0_EXPECT; a monitor's log
# lines start with a time stamp.
LOG = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d "
WATCHING = r"watching domain \d+ \(%s\), woken by /dev/keel/evtchn"
ACTIONS = r"on_poweroff=%s on_reboot=%s on_crash=%s"
POLICIES_EXPECT = [
    ("evtchn-test", 0, [r"PASS .*"] * 26 + [r"evtchn: 26 passed, 0 failed"]),
    ("su -s /bin/sh nobody -c evtchn-test", 1,
     [r"FAIL two files open", r"evtchn: 0 passed, 1 failed"]),
    ("pvctl create keeper.cfg", 0, [r"Created domain (\d+) \(keeper\)"]),
    ("pvctl list keeper", 0,
     [r"Name.*", r"keeper\s+\d+\s+4\s+\d\s+---s--\s+\S+"]),
    ("pvctl shutdown keeper", 1,
     [r"pvctl: shutdown: domain \d+ \(keeper\) is this control domain, "
      r"or has already shut down"]),
    ("pvctl destroy keeper", 0, []),
    ("pvctl list keeper", 1, [r"pvctl: list: no domain 'keeper'"]),
    ("cat /var/log/keel/pvctl-keeper.log", 0, [
        LOG + WATCHING % "keeper",
        LOG + ACTIONS % ("preserve", "restart", "destroy"),
        LOG + r"domain \d+ \(keeper\) shut down: poweroff; action: preserve",
        LOG + r"domain \d+ \(keeper\) preserved: pvctl destroy keeper "
              r"frees it"]),
    ("pvctl create crasher.cfg", 0, [r"Created domain \d+ \(crasher\)"]),
    ("cat /var/log/keel/pvctl-crasher.log", 0,
     [LOG + WATCHING % "crasher",
      LOG + ACTIONS % ("destroy", "restart", "restart")] +
     [LOG + r"domain \d+ \(crasher\) shut down: crash; action: restart",
      LOG + r"domain \d+ \(crasher\) destroyed",
      LOG + r"domain \d+ \(crasher\) restarted as domain \d+"] * 5 +
     [LOG + r"domain \d+ \(crasher\) shut down: crash; action: restart",
      LOG + r"domain \d+ \(crasher\) restarted 5 times within 60 s: "
            r"destroying it instead",
      LOG + r"domain \d+ \(crasher\) destroyed"]),
    ("pvctl create rebooter.cfg", 0, [r"Created domain \d+ \(rebooter\)"]),
    ("pvctl reboot -w rebooter", 0, []),
    ("pvctl list rebooter", 0,
     [r"Name.*", r"rebooter\s+\d+\s+4\s+1\s+[-rb]{2}----\s+\S+"]),
    ("pvctl shutdown -w rebooter", 0, []),
    ("pvctl list rebooter", 1, [r"pvctl: list: no domain 'rebooter'"]),
    ("cat /var/log/keel/pvctl-rebooter.log", 0, [
        LOG + WATCHING % "rebooter",
        LOG + ACTIONS % ("destroy", "restart", "destroy"),
        LOG + r"domain \d+ \(rebooter\) shut down: reboot; action: restart",
        LOG + r"domain \d+ \(rebooter\) destroyed",
        LOG + r"domain \d+ \(rebooter\) restarted as domain \d+",
        LOG + r"domain \d+ \(rebooter\) shut down: poweroff; action: "
              r"destroy",
        LOG + r"domain \d+ \(rebooter\) destroyed"]),
]


def check_commands(ran, expect, problems):
    """Each (command, status, patterns) of @expect against its run in
    @ran (dom0_commands), the nth entry for a command against its nth
    run: the exit status, and one pattern per printed line."""
    by_cmd, used = {}, {}
    for cmd, out, status in ran:
        by_cmd.setdefault(cmd, []).append((out, status))
    for cmd, status, want in expect:
        n = used.get(cmd, 0)
        used[cmd] = n + 1
        runs = by_cmd.get(cmd, [])
        if n >= len(runs):
            problems.append(f"`{cmd}` did not run (time {n + 1})")
            continue
        out, got = runs[n]
        if got != status or len(out) != len(want) or not all(
                re.fullmatch(w, o) for w, o in zip(want, out)):
            problems.append(f"`{cmd}`: exit {got}, printed {out!r}; "
                            f"wanted exit {status} and {want!r}")


@scenario("dom0-pci")
def _(ctx, problems):
    """Linux as the hardware domain (init-dom0-pci.sh) enumerates the
    machine's PCI functions through Keel's physdev_op and drives a PCI
    UART (QEMU's pci-serial) with its own 8250_pci driver: the UART's
    INTx is bound as a GSI (level-triggered, as QEMU's MADT says), and 64
    lines written to its tty, far more than its FIFO holds, all reach
    the UART's output file, which takes its transmit interrupts through
    Keel; /proc/interrupts counts them. The NIC, virtio-net on QEMU's
    restricted user network, pings the network's gateway three times,
    by DMA on dom0's identity-mapped memory, with its queues' interrupts
    on MSI-X entries Keel bound (keel-event irqs that counted). A legacy device,
    an AHCI controller (QEMU's ich9-ahci) with a SATA disk, runs on MSI,
    bound through physdev_op bind_msi: the whole disk reads back with
    the image's checksum, a sector written with fsync is in the image
    afterwards, and the ahci irq is a keel-event one that counted."""
    kdir = kernel(ctx, problems)
    if not kdir:
        return
    initrd = dom0_initramfs(ctx, "init-dom0-pci.sh")
    with tempfile.TemporaryDirectory(prefix="keel-pci-") as tmp:
        out = os.path.join(tmp, "uart.out")
        disk = os.path.join(tmp, "sata.img")
        pattern = random.Random(1234).randbytes(4 << 20)
        with open(disk, "wb") as f:
            f.write(pattern)
        r = boot_dom0(ctx, kdir, initrd, extra_args=[
            "-chardev", f"file,id=pciuart,path={out}",
            "-device", "pci-serial,chardev=pciuart",
            "-netdev", "user,id=net0,restrict=on",
            "-device", "virtio-net-pci,netdev=net0",
            "-device", "ahci,id=ahci0",
            "-drive", f"if=none,id=sata0,file={disk},format=raw",
            "-device", "ide-hd,drive=sata0,bus=ahci0.0"])
        text = open(out, errors="replace").read() if os.path.exists(out) \
            else ""
        with open(disk, "rb") as f:
            f.seek(100 * 512)
            written = f.read(512)
    if not any(l == "(d0) KEEL-DOM0: done" for l in r.lines):
        problems.append("init-dom0-pci.sh did not finish")
    ran = {cmd: (out, status) for cmd, out, status in dom0_commands(r.lines)}
    devices = ran.get("pci_list", ([], None))[0]
    want = {"0x8086:0x1237": "host bridge", "0x8086:0x7000": "ISA bridge",
            "0x1234:0x1111": "VGA", "0x1b36:0x0002": "PCI UART",
            "0x1af4:0x1000": "virtio-net NIC"}
    for ids, what in want.items():
        if not any(f" {ids} " in l for l in devices):
            problems.append(f"no {what} ({ids}) in sysfs: {devices}")
    reserved = ran.get("sh -c grep -i reserved /proc/iomem", ([], None))[0]
    if not any(re.match(r"^0*100000-[0-9a-f]+ : Reserved$", l)
               for l in reserved):
        problems.append("the RAM above 1 MiB that is not dom0's is not "
                        f"reserved in /proc/iomem: {reserved}")
    dmesg = ran.get('sh -c dmesg | grep -E "keel: PCI|INT[A-D]: GSI|'
                    'ttyS.*16550"', ([], None))[0]
    gsi = [re.search(r"INTA: GSI (\d+), irq (\d+)", l) for l in dmesg]
    gsi = [m for m in gsi if m]
    if not gsi:
        problems.append(f"no 'INTA: GSI' line in dmesg: {dmesg}")
    elif not any(re.match(rf"^d0: GSI {gsi[0].group(1)} bound to port \d+, "
                          r"level, active high$", l) for l in r.keel_lines):
        problems.append(f"Keel did not log GSI {gsi[0].group(1)} bound "
                        "level, active high")
    lines = [l for l in text.splitlines() if l.startswith("keel-pci-serial")]
    if len(lines) != 64:
        problems.append(f"{len(lines)} of 64 lines reached the PCI UART")
    counts = ran.get('sh -c grep -E "keel-gsi|fasteoi" /proc/interrupts',
                     ([], None))[0]
    total = sum(int(n) for l in counts for n in l.split()[1:3]
                if n.isdigit())
    if total < 10:
        problems.append(f"/proc/interrupts: {counts} (expected the "
                        "UART's transmit interrupts)")
    ping = ran.get("ping -c 3 -W 10 10.0.2.2", ([], None))
    if ping[1] != 0 or not any(re.search(r"3 packets transmitted, 3 "
                                         r"(packets )?received", l)
                               for l in ping[0]):
        problems.append(f"ping over the virtio-net NIC: exit {ping[1]}, "
                        f"{ping[0][-3:]}")
    check_ahci_on_msi(ran, r, hashlib.md5(pattern).hexdigest(), written,
                      problems)
    queues = ran.get("sh -c grep virtio /proc/interrupts", ([], None))[0]
    counted = [l for l in queues if "keel-event" in l and "virtio" in l and
               sum(int(n) for n in l.split()[1:3] if n.isdigit()) > 0]
    if not counted:
        problems.append(f"/proc/interrupts: {queues} (expected virtio-net's "
                        "queue interrupts on keel-event irqs)")
    if not any(re.match(r"^d0: MSI-X entry \d+ of \S+ bound to port \d+$",
                        l) for l in r.keel_lines):
        problems.append("Keel did not log an MSI-X entry bound")
    if r.status != keeltest.SUCCESS:
        problems.append(f"Keel ended with {r.status}")


def check_ahci_on_msi(ran, r, md5, written, problems):
    """dom0-pci's AHCI disk: read whole, written, on an MSI Keel bound."""
    dmesg = ran.get('sh -c dmesg | grep -E "ahci.*(MSI|AHCI)|sda"',
                    ([], None))[0]
    msi = [re.search(r"ahci (\S+): MSI: irq (\d+), port (\d+)", l)
           for l in dmesg]
    msi = [m for m in msi if m]
    if not msi:
        problems.append(f"no 'ahci ...: MSI: irq' line in dmesg: {dmesg}")
        return
    bdf = msi[0].group(1)[5:]	# 0000:00:05.0 -> 00:05.0
    if not any(l.startswith(f"d0: MSI of {bdf} bound to port "
                            f"{msi[0].group(3)}") for l in r.keel_lines):
        problems.append(f"Keel did not log the MSI of {bdf} bound to port "
                        f"{msi[0].group(3)}")
    got = ran.get("md5sum /dev/sda", ([], None))
    if got[1] != 0 or not any(l.startswith(md5) for l in got[0]):
        problems.append(f"md5sum /dev/sda: exit {got[1]}, {got[0]}, "
                        f"expected {md5}")
    if not written.startswith(b"keel-ahci-write-check\n"):
        problems.append(f"sector 100 of the SATA image holds "
                        f"{written[:24]!r}, not what dom0 wrote")
    counts = ran.get('sh -c grep -E "ahci" /proc/interrupts', ([], None))[0]
    line = next((l for l in counts if "keel-event" in l), None)
    if not line or sum(int(n) for n in line.split()[1:3]
                       if n.isdigit()) < 2:
        problems.append(f"/proc/interrupts: {counts} (expected the AHCI "
                        "controller's MSIs on a keel-event irq)")


DISK_EXPECT = [
    ("mount -t ext4 /dev/vda /mnt", 0, []),
    ("pvctl create linux.cfg", 0, [r"Created domain 1 \(linux-guest\)"]),
    ("pvctl create spinner.cfg", 0, [r"Created domain 2 \(spinner\)"]),
    ("pvctl create third.cfg", 0, [r"Created domain 3 \(third\)"]),
    ("pvctl list", 0, [r"Name.*", r"dom0\s+0\s+256\s+2\s+r-----\s+\S+",
                       r"linux-guest\s+1\s+64\s+[12]\s+[-rb]{2}----\s+\S+",
                       r"spinner\s+2\s+4\s+1\s+[-rb]{2}----\s+\S+",
                       r"third\s+3\s+4\s+1\s+[-rb]{2}----\s+\S+"]),
    ("pvctl pause third", 0, []),
    ("pvctl unpause third", 0, []),
    ("pvctl shutdown -w linux-guest", 0, []),
    ("pvctl destroy spinner", 0, []),
    ("pvctl destroy third", 0, []),
    ("pvctl list", 0, [r"Name.*", r"dom0\s+0\s+256\s+2\s+r-----\s+\S+"]),
    ("sh -c grep -c \" /mnt \" /proc/mounts", 1, ["0"]),
]


@scenario("dom0-disk")
def _(ctx, problems):
    """Linux as the hardware domain drives its disk, a virtio-blk PCI
    device, with Linux's own virtio drivers (init-dom0-disk.sh): its INTx
    is a GSI through Keel, and its DMA goes to dom0's identity-mapped
    memory. dom0 mounts the ext4 file system on it, reads a file the host
    put there (its checksum matches), creates three guests from kernels
    and configs on the disk (a Linux guest, two test guests), lists them,
    pauses, unpauses, shuts down and destroys them, and writes 16 MiB to
    the disk, which the host then reads out of the image with debugfs
    (its checksum matches dom0's) and fsck finds clean."""
    kdir = kernel(ctx, problems)
    if not kdir:
        return
    guests = os.path.join(ctx["build"], "guests")
    host_data = random.Random(20261207).randbytes(8 << 20)
    domu = initramfs(ctx, "init-domu.sh")
    cfg = {
        "keel/linux.cfg": b'name = "linux-guest"\n'
                          b'kernel = "/mnt/keel/vmlinux"\n'
                          b'ramdisk = "/mnt/keel/domu.cpio"\n'
                          b'memory = 64\nvcpus = 2\n'
                          b'extra = "console=hvc0 keel_guest=yes"\n',
        "keel/spinner.cfg": b'name = "spinner"\n'
                            b'kernel = "/mnt/keel/soak_child.elf"\n'
                            b'memory = 4\nextra = "hold=1"\n',
        "keel/third.cfg": b'name = "third"\n'
                          b'kernel = "/mnt/keel/soak_child.elf"\n'
                          b'memory = 4\nextra = "hold=1"\n',
        "keel/vmlinux": os.path.join(kdir, "vmlinux"),
        "keel/domu.cpio": domu,
        "keel/soak_child.elf": os.path.join(guests, "soak_child.elf"),
        "host-data": host_data,
    }
    initrd = dom0_initramfs(ctx, "init-dom0-disk.sh")
    with tempfile.TemporaryDirectory(prefix="keel-disk-") as tmp:
        img = os.path.join(tmp, "disk.img")
        run_iso.make_ext4_image(img, cfg, 96)
        r = boot_dom0(ctx, kdir, initrd, extra_args=[
            "-drive", f"file={img},if=none,id=disk0,format=raw",
            "-device", "virtio-blk-pci,drive=disk0"])
        out = os.path.join(tmp, "dom0-data")
        dump = subprocess.run(["debugfs", "-R", f"dump /dom0-data {out}",
                               img], capture_output=True)
        written = (hashlib.sha256(open(out, "rb").read()).hexdigest()
                   if dump.returncode == 0 and os.path.exists(out) else None)
        fsck = subprocess.run(["e2fsck", "-f", "-n", img],
                              capture_output=True, text=True)
    if not any(l == "(d0) KEEL-DOM0: done" for l in r.lines):
        problems.append("init-dom0-disk.sh did not finish")
    ran = dom0_commands(r.lines)
    check_commands(ran, DISK_EXPECT, problems)
    by_cmd = {cmd: (out, status) for cmd, out, status in ran}
    dmesg = by_cmd.get('sh -c dmesg | grep -E "virtio_blk.*vda|INTA: GSI"',
                       ([], None))[0]
    if not any(re.search(r"virtio_blk virtio\d+: \[vda\] 196608 512-byte "
                         r"logical blocks", l) for l in dmesg):
        problems.append(f"no 96 MiB vda in dmesg: {dmesg}")
    want = hashlib.sha256(host_data).hexdigest()
    got = by_cmd.get("sh -c cd /mnt && sha256sum host-data", ([], None))[0]
    if got != [f"{want}  host-data"]:
        problems.append(f"dom0 read host-data as {got}, not {want}")
    printed = [l.split()[0] for l in by_cmd.get(
        "sh -c dd if=/dev/urandom of=/mnt/dom0-data bs=1M count=16 "
        "2>/dev/null && sha256sum /mnt/dom0-data && sync", ([], None))[0]
        if l.endswith("/mnt/dom0-data")]
    if not printed or printed[0] != written:
        problems.append(f"dom0 wrote dom0-data with checksum {printed}; "
                        f"the image holds {written}")
    if fsck.returncode != 0:
        problems.append(f"e2fsck -fn: exit {fsck.returncode}: "
                        f"{fsck.stdout[-300:]}")
    if not any(l == "(d0) KEEL-DOM0: all gone" for l in r.lines):
        problems.append("the guests were not all gone")
    listed = by_cmd.get("pvctl --json list", ([], None))
    try:
        doms = sorted((d["domid"], d["name"])
                      for d in json.loads("\n".join(listed[0])))
    except (ValueError, KeyError, TypeError):
        doms = listed
    if doms != [(0, "dom0"), (1, "linux-guest"), (2, "spinner"),
                (3, "third")]:
        problems.append(f"--json list: {doms}")
    if r.frame_count and r.frame_count[0] != r.frame_count[1]:
        problems.append(f"frames: {r.frame_count[0]} free at the end, "
                        f"{r.frame_count[1]} before")
    if r.status != keeltest.SUCCESS:
        problems.append(f"Keel ended with {r.status}")


@scenario("dom0-on-shutdown")
def _(ctx, problems):
    """pvctl's monitor applies the on_* actions (init-dom0-policies.sh):
    on_poweroff = "preserve" keeps a domain that powered off, listed
    shut down with its memory, until pvctl destroy; on_crash = "restart"
    brings a crashing domain back five times within a minute and then
    destroys it; pvctl reboot -w restarts a domain (on_reboot's default)
    as a new domain of the same name, and shutdown -w then ends it. The
    monitors' logs say what they did, woken by /dev/keel/evtchn; Keel
    logs each end; and the free-frame count at the end is the one at
    the start. Before that, evtchn-test (evtchn_test.c) checks
    /dev/keel/evtchn's ports, events and refusals, and that a user
    without CAP_SYS_ADMIN cannot open it."""
    kdir = kernel(ctx, problems)
    if not kdir:
        return
    initrd = dom0_initramfs(ctx, "init-dom0-policies.sh",
                            more=[static_program(ctx, "evtchn_test.c")])
    r = boot_dom0(ctx, kdir, initrd)
    if not any(l == "(d0) KEEL-DOM0: done" for l in r.lines):
        problems.append("init-dom0-policies.sh did not finish")
    for what in ("keeper preserved", "crasher given up"):
        if f"(d0) KEEL-DOM0: {what}" not in r.lines:
            problems.append(f"no \"{what}\"")
    ran = dom0_commands(r.lines)
    check_commands(ran, POLICIES_EXPECT, problems)
    crashes = [l for l in r.lines
               if re.fullmatch(r"Domain \d+ \(crasher\) exited: crash", l)]
    if len(crashes) != 6:
        problems.append(f"{len(crashes)} crasher ends in Keel's log, not 6")
    waits = [l for l in r.lines
             if re.fullmatch(r"\(d\d+\) waiting for a shutdown request", l)]
    if len(waits) != 2:
        problems.append(f"the rebooter started {len(waits)} times, not 2")
    infos = [json.loads("\n".join(out)) for cmd, out, status in ran
             if cmd == "pvctl --json info" and status == 0]
    if len(infos) != 2 or infos[0]["free_frames"] != infos[1]["free_frames"]:
        problems.append("free frames before and after: " +
                        str([i["free_frames"] for i in infos]))
    if r.status != keeltest.SUCCESS:
        problems.append(f"Keel ended with {r.status}")


@scenario("dom0-pvctl-soak")
def _(ctx, problems):
    """The control domain creates and destroys a small guest with pvctl
    KEEL_DOM0_SOAK_CYCLES times (1000 by default; make soak runs 10,000),
    half of them destroyed before they ever ran (create -p), and Keel's
    free-frame count after all of them is the count before."""
    kdir = kernel(ctx, problems)
    if not kdir:
        return
    cycles = int(os.environ.get("KEEL_DOM0_SOAK_CYCLES", "1000"))
    initrd = dom0_initramfs(ctx, "init-dom0-soak.sh")
    mods = [Module(os.path.join(kdir, "vmlinux"),
                   "name=dom0 mem=128M privileged=1 vcpus=2 -- "
                   f"console=hvc0 quiet keel_soak_cycles={cycles}"),
            Module(initrd, "initrd")]
    r = boot_keel(ctx, mods, 120 + cycles)
    ctx["last_lines"] = [l for l in r.lines
                         if not l.startswith("Domain ")]
    m = next((re.match(r"^\(d0\) KEEL-SOAK: finished (\d+) of (\d+) "
                       r"cycles; (\d+) frames free, (\d+) before$", l)
              for l in r.lines if "KEEL-SOAK: finished" in l), None)
    if not m:
        problems.append("the soak did not finish")
    else:
        if m.group(1) != m.group(2) or int(m.group(2)) != cycles:
            problems.append(f"{m.group(1)} of {m.group(2)} cycles ran")
        if m.group(3) != m.group(4) or m.group(4) == "":
            problems.append(f"{m.group(3)} frames free after, "
                            f"{m.group(4)} before")
    if r.status != keeltest.SUCCESS:
        problems.append(f"Keel ended with {r.status}")


@scenario("pv-sysrq-crash")
def _(ctx, problems):
    """A Linux domain with two vCPUs crashes itself with `echo c >
    /proc/sysrq-trigger` (init-crash.sh) beside a test-kernel victim
    (tests/linux/guests/crash_victim.c), the control domain here: Keel
    ends the Linux domain alone, with reason "crash"; the victim, which
    watches Keel's log for that line, finds its memory intact and passes;
    and every frame of both comes back."""
    kdir = kernel(ctx, problems)
    if not kdir:
        return
    initrd = initramfs(ctx, "init-crash.sh")
    mods = [Module(os.path.join(ctx["build"], "guests", "linux",
                                "crash_victim.elf"),
                   "name=crash_victim mem=4M privileged=1 vcpus=1"),
            Module(os.path.join(kdir, "vmlinux"),
                   "name=linux mem=128M privileged=0 vcpus=2 -- "
                   "console=hvc0"),
            Module(initrd, "initrd")]
    r = boot_keel(ctx, mods, 240)
    ctx["last_lines"] = r.lines
    d1 = r"^\(d1\) (\[ *\d+\.\d+\] )?"
    wants = [
        d1 + r"KEEL-CRASH: up on 2 CPUs; crashing through sysrq$",
        d1 + r"sysrq: Trigger a crash$",
        d1 + r"Kernel panic - not syncing: sysrq triggered crash$",
        r"^Domain 1 \(linux\) exited: crash",
        r"^\(d0\) crash_victim: saw the crash after \d+ wakeups; canary "
        r"intact$",
        r"^\(d0\) RESULT: PASS crash_victim$",
        r"^Domain 0 \(crash_victim\) exited: poweroff$",
    ]
    for w in wants:
        if not any(re.search(w, l) for l in r.lines):
            problems.append(f"no line matching {w!r}")
    if any("KEEL-CRASH: still running" in l for l in r.lines):
        problems.append("the kernel ran on after the sysrq crash")
    counts = r.frame_count
    if not counts or counts[0] != counts[1]:
        problems.append(f"frame count after both domains: {counts}")
    if r.status != keeltest.SUCCESS:
        problems.append(f"Keel ended with {r.status}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--only", nargs="*")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--kernel", help="a directory with bzImage and vmlinux "
                    "to test instead of building (for development)")
    args = ap.parse_args()
    ctx = {"build": os.path.abspath(args.build),
           "kernel_dir": args.kernel and os.path.abspath(args.kernel)}
    os.makedirs(os.path.join(ctx["build"], "linux"), exist_ok=True)
    passed = failed = 0
    for name, fn in SCENARIOS:
        if args.only and name not in args.only:
            continue
        problems = []
        ctx.pop("last_lines", None)
        try:
            fn(ctx, problems)
        except Exception as e:  # a broken harness is a failure too
            problems.append(f"harness error: {e!r}")
        if problems:
            failed += 1
            print(f"FAIL {name}")
            for p in problems:
                print(f"    - {p}")
            lines = ctx.get("last_lines", [])
            for l in lines[-30:]:
                print(f"    | {l}")
            if lines:
                # The whole serial log, for a failure that the last lines
                # do not explain (and that may not come back).
                log = os.path.join(ctx["build"], "linux",
                                   f"failed-{name}.log")
                with open(log, "w") as f:
                    f.write("\n".join(lines) + "\n")
                print(f"    (whole log: {log})")
        else:
            passed += 1
            print(f"PASS {name}")
            if args.verbose:
                for l in ctx.get("last_lines", []):
                    print(f"    | {l}")
        sys.stdout.flush()
    print(f"linux: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
