#!/usr/bin/env python3
"""Boot scenarios for the hypervisor core.

Each scenario boots Keel in QEMU with a command line, a machine shape and
modules, then checks the serial output. Usage:

    run.py --build build [--only NAME ...] [--jobs N] [--list]

Prints one PASS/FAIL line per scenario (with the reasons and the tail of
the serial output on failure) and ends with "N passed, N failed".
"""
import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keeltest  # noqa: E402
from keeltest import SUCCESS, FAILURE, Module  # noqa: E402

SCENARIOS = []


def scenario(name, cmdline="", cpus=1, mem_mb=128, modules=(), timeout=60,
             cpu_model=None):
    """Register a check function for one boot. @cpu_model: QEMU's -cpu
    (keeltest's default when None; a callable is asked at run time)."""
    def register(check):
        SCENARIOS.append(dict(name=name, cmdline=cmdline, cpus=cpus,
                              mem_mb=mem_mb, modules=modules,
                              timeout=timeout, cpu_model=cpu_model,
                              check=check))
        return check
    return register


# ---------------------------------------------------------------- helpers

def expect_status(r, status, problems):
    if r.status != status:
        problems.append(f"status {r.status} (QEMU exit {r.exit_code}), "
                        f"expected {status}")


def check_cpus_online(r, n, problems):
    want = f"SMP: {n} CPU{'s' if n != 1 else ''} online"
    if not r.has(want):
        problems.append(f"missing '{want}'")
    for cpu in range(n):
        if not any(re.match(rf"CPU{cpu}: APIC id \d+ online", l)
                   for l in r.lines):
            problems.append(f"CPU{cpu} never reported online")


def usable_from_map(r):
    total = 0
    for line in r.lines:
        m = re.match(r"\s+\[0x([0-9a-f]+)-0x([0-9a-f]+)\] usable$", line)
        if m:
            total += int(m.group(2), 16) - int(m.group(1), 16) + 1
    return total


def check_memory(r, mem_mb, problems):
    """The reported total must equal the map's usable entries, and the map
    must account for the RAM QEMU was given: QEMU's firmware keeps at most
    the legacy hole (384 KiB) and a little ACPI space for itself."""
    m = next((re.search(r"Memory: (\d+) KiB usable RAM in the map", l)
              for l in r.lines if "usable RAM in the map" in l), None)
    if not m:
        problems.append("no usable-RAM summary line")
        return
    reported_kib = int(m.group(1))
    map_kib = usable_from_map(r) >> 10
    if reported_kib != map_kib:
        problems.append(f"summary says {reported_kib} KiB, the map sums "
                        f"to {map_kib} KiB")
    given_kib = mem_mb * 1024
    if not (given_kib - 2048 <= reported_kib <= given_kib):
        problems.append(f"{reported_kib} KiB usable for -m {mem_mb} "
                        f"({given_kib} KiB)")
    managed = next((re.search(r"Memory: (\d+) frames managed", l)
                    for l in r.lines if "frames managed" in l), None)
    if not managed:
        problems.append("no frames-managed line")
    elif int(managed.group(1)) * 4 > reported_kib:
        problems.append("more frames managed than usable RAM")


def make_module(workdir, name, size, seed):
    path = os.path.join(workdir, name)
    rnd = random.Random(seed)
    with open(path, "wb") as f:
        f.write(bytes(rnd.getrandbits(8) for _ in range(size)))
    return path


# -------------------------------------------------------------- scenarios

@scenario("boot-1cpu-128M", "test", cpus=1, mem_mb=128)
def _(r, problems):
    expect_status(r, SUCCESS, problems)
    check_cpus_online(r, 1, problems)
    check_memory(r, 128, problems)
    for banner in ("Keel 0.1.0 (git ", "CPU: ", "CPU features:",
                   "Virtualization: SVM yes", "Modules: 0",
                   "Boot loader: GRUB"):
        if not r.has(banner):
            problems.append(f"banner lacks '{banner}'")


def make_run_cpu():
    """The -cpu that `make run` gives QEMU, asked of the Makefile."""
    top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    return subprocess.run(["make", "-s", "--no-print-directory", "-C", top,
                           "print-run-cpu"], capture_output=True, text=True,
                          check=True).stdout.strip()


# `make run` must offer what the HVM work needs: SVM with nested paging.
@scenario("make-run-cpu", "test", cpus=1, mem_mb=128, cpu_model=make_run_cpu)
def _(r, problems):
    expect_status(r, SUCCESS, problems)
    if not r.has("Virtualization: SVM yes (NPT)"):
        problems.append("the CPU `make run` uses has no SVM with NPT: "
                        + "; ".join(r.grep("Virtualization:")))


@scenario("boot-4cpu-2G", "test", cpus=4, mem_mb=2048)
def _(r, problems):
    expect_status(r, SUCCESS, problems)
    check_cpus_online(r, 4, problems)
    check_memory(r, 2048, problems)


@scenario("boot-8cpu-4G", "test", cpus=8, mem_mb=4096, timeout=120)
def _(r, problems):
    expect_status(r, SUCCESS, problems)
    check_cpus_online(r, 8, problems)
    check_memory(r, 4096, problems)
    # QEMU puts 1 GiB of the 4 above the 4 GiB boundary: it must be used.
    if not any(re.match(r"\s+\[0x0000000100000000-0x[0-9a-f]+\] usable$", l)
               for l in r.lines):
        problems.append("no usable RAM above 4 GiB in the map")


MODULE_SIZES = {"modules-1": [12345], "modules-3": [1, 4096, 300001]}


def module_scenario(name):
    sizes = MODULE_SIZES[name]

    def check(r, problems):
        expect_status(r, SUCCESS, problems)
        if not r.has(f"Modules: {len(sizes)}"):
            problems.append(f"missing 'Modules: {len(sizes)}'")
        for i, size in enumerate(sizes):
            want = (f"module {i}: ", f"{size} bytes, command line "
                    f"\"{name} index={i} text=x{i}\"")
            if not any(want[0] in l and want[1] in l for l in r.lines):
                problems.append(f"module {i} of {size} bytes not reported "
                                f"exactly")
    SCENARIOS.append(dict(name=name, cmdline="test", cpus=1, mem_mb=128,
                          modules=[(f"{name}-{i}", size,
                                    f"{name} index={i} text=x{i}")
                                   for i, size in enumerate(sizes)],
                          timeout=60, check=check))


module_scenario("modules-1")
module_scenario("modules-3")


def fault_scenario(kind, vector_text, caller="debug_trigger_fault+"):
    def check(r, problems):
        expect_status(r, FAILURE, problems)
        for fragment in ("Keel hypervisor fault on CPU0", vector_text,
                         "RIP: ", "rax: ", "cr2: ", "Backtrace:",
                         "Panic on CPU0"):
            if not r.has(fragment):
                problems.append(f"fault report lacks '{fragment}'")
        # The backtrace must name the faulting function and its callers.
        trace = r.text[r.text.find("Backtrace:"):]
        for fn in (caller, "start_hypervisor+"):
            if fn not in trace:
                problems.append(f"backtrace does not name {fn[:-1]}")
    SCENARIOS.append(dict(name=f"fault-{kind}",
                          cmdline=f"test debug_fault={kind}", cpus=2,
                          mem_mb=128, modules=(), timeout=60, check=check))


fault_scenario("page", "#PF page fault")
fault_scenario("divide", "#DE divide error")
fault_scenario("ud", "#UD invalid opcode")
# W^X: the image's text is not writable through either of its mappings,
# and data is not executable. Page-fault error codes: 0x3 = write to a
# present page, 0x11 = instruction fetch from a present page.
fault_scenario("write-text", "(#PF page fault), error code 0x3")
fault_scenario("write-text-alias", "(#PF page fault), error code 0x3")
fault_scenario("exec-data", "(#PF page fault), error code 0x11")


@scenario("panic-stops-cpus", "test debug_fault=panic", cpus=4)
def _(r, problems):
    expect_status(r, FAILURE, problems)
    if not r.has("Panic on CPU0: debug_fault=panic requested"):
        problems.append("no panic message")
    if not r.has("Stopped 3 of 3 other CPUs"):
        problems.append("the other CPUs did not all confirm they stopped")
    if "debug_trigger_fault+" not in r.text:
        problems.append("panic backtrace does not name debug_trigger_fault")


@scenario("fault-on-secondary-cpu", "test debug_fault=page debug_fault_cpu=2",
          cpus=4)
def _(r, problems):
    expect_status(r, FAILURE, problems)
    for fragment in ("Keel hypervisor fault on CPU2", "Panic on CPU2",
                     "Stopped 3 of 3 other CPUs"):
        if not r.has(fragment):
            problems.append(f"missing '{fragment}'")
    trace = r.text[r.text.find("Backtrace:"):]
    for fn in ("debug_trigger_fault+", "smp_call_function_interrupt+"):
        if fn not in trace:
            problems.append(f"backtrace does not name {fn[:-1]}")


@scenario("timers-4cpu", "test selftest=timers", cpus=4, mem_mb=256)
def _(r, problems):
    expect_status(r, SUCCESS, problems)
    for cpu in range(4):
        want = (f"selftest timers: CPU{cpu}: 100/100 fired, 0 early, "
                f"0 out of order: ok")
        if not r.has(want):
            problems.append(f"CPU{cpu}: no '{want}'")
    if not r.has("selftest timers: PASS"):
        problems.append("timer selftest did not pass")


@scenario("smp-call-function", "test selftest=smpcall", cpus=4)
def _(r, problems):
    expect_status(r, SUCCESS, problems)
    if not r.has("selftest smpcall: 4 CPUs, 100 rounds"):
        problems.append("smpcall did not reach 4 CPUs")
    if not r.has("selftest smpcall: PASS"):
        problems.append("smpcall selftest did not pass")


@scenario("option-smp-limit", "test smp=2", cpus=4)
def _(r, problems):
    expect_status(r, SUCCESS, problems)
    check_cpus_online(r, 2, problems)
    if r.has("CPU2: APIC id"):
        problems.append("CPU2 started despite smp=2")


@scenario("option-mem-limit", "test mem=64M", cpus=1, mem_mb=256)
def _(r, problems):
    expect_status(r, SUCCESS, problems)
    m = next((re.search(r"Memory: (\d+) frames managed", l)
              for l in r.lines if "frames managed" in l), None)
    if not m or int(m.group(1)) * 4096 > 64 << 20:
        problems.append("more than 64 MiB managed with mem=64M")
    if not r.has("limited to the first 64 MiB by mem="):
        problems.append("mem= limit not reported")


@scenario("option-loglvl-and-bad-options",
          "test loglvl=warning smp=abc no-such-option=1", cpus=2)
def _(r, problems):
    expect_status(r, SUCCESS, problems)
    if r.has("CPU1: APIC id"):
        problems.append("info line shown at loglvl=warning")
    if not r.has("Command line: ignoring 'no-such-option=1': unknown option"):
        problems.append("unknown option not reported")
    if not r.has("Command line: ignoring 'smp=abc': expected a number"):
        problems.append("malformed smp= not reported")


# ----------------------------------------------------------------- runner

def run_one(sc, kernel):
    with tempfile.TemporaryDirectory(prefix="keel-scn-") as workdir:
        modules = []
        for i, (name, size, cmdline) in enumerate(sc["modules"]):
            modules.append(Module(make_module(workdir, name, size, i),
                                  cmdline))
        try:
            iso = keeltest.build_iso(workdir, kernel, sc["cmdline"], modules)
            model = sc.get("cpu_model")
            extra = {"cpu_model": model() if callable(model) else model}
            r = keeltest.run_qemu(iso, cpus=sc["cpus"], mem_mb=sc["mem_mb"],
                                  timeout=sc["timeout"],
                                  **{k: v for k, v in extra.items() if v})
        except Exception as e:  # a broken harness is a failure too
            return sc["name"], [f"harness error: {e}"], None
        problems = []
        sc["check"](r, problems)
        return sc["name"], problems, r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()

    chosen = [s for s in SCENARIOS if not args.only or s["name"] in args.only]
    if args.list:
        print("\n".join(s["name"] for s in chosen))
        return 0
    kernel = os.path.join(args.build, "keel.elf")
    passed = failed = 0
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for name, problems, r in pool.map(lambda s: run_one(s, kernel),
                                          chosen):
            if problems:
                failed += 1
                print(f"FAIL {name}")
                for p in problems:
                    print(f"    - {p}")
                if r:
                    print("    serial output (last 25 lines):")
                    for line in r.lines[-25:]:
                        print(f"    | {line}")
            else:
                passed += 1
                print(f"PASS {name}")
            sys.stdout.flush()
    print(f"integration: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
