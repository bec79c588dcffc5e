#!/usr/bin/env python3
"""Run the guest tests: each tests/guests/tests/NAME.c is a PV kernel.

A test file may start with a header comment line
    /* keel-test: key=value ... */
with these keys (all optional):
    group=NAME    tests of one group boot together (they talk to each
                  other); ungrouped tests are packed several per boot
    vcpus=N mem=SIZE maxmem=SIZE weight=N privileged=0|1 user=SIZE
                  the domain's configuration (module command line)
    args="..."    the guest's own command line
    cpus=N        physical CPUs for the boot (the largest in a boot wins)
    exit=REASON   the shutdown reason the test must end with (default
                  poweroff); with exit=crash no RESULT line is expected
    input=1       the runner types what the domain asks for with a line
                  "SEND: <text>" (escapes \\r \\n \\t \\\\ \\xNN)
    initrd=N      boot with an initrd module of N bytes, byte i being
                  (i * 131 + 7) mod 256
    build_error=TEXT
                  the builder must refuse the domain, logging a
                  "Domain builder: " line that contains TEXT (quote it
                  with "..." if it has spaces); nothing else is checked
    host_mem=MB   the machine's memory for the boot (default 256)
    timeout=S     seconds for the boot
    device=NAME   add QEMU device NAME (-device NAME) to the boot's machine
    machine=NAME  boot QEMU's machine NAME (-machine NAME, e.g. q35)
    icount=1      run the boot under -icount shift=0: virtual time follows
                  executed instructions, so timing checks do not depend on
                  the host's load

A test passes when its domain printed "RESULT: PASS <name>" and exited
with the expected reason, the hypervisor survived (KEEL-EXIT: success),
and the boot ended with as many free frames as before the first domain.
A missing RESULT line is a CRASH. Ends with "guests: N passed, N failed".

The hostile-guest suite, tests/guests/hostile/NAME.c (reported as
hostile/NAME), takes the same header. Each attack boots alone with the
victim domain (hostile/victim/victim.c): the attacker is domain 0 and the
victim domain 1, each told the other's id ("peer=N"). An attack passes
only if the victim passes too, and its boot must end with the line "All
domains exited; N frames free, N before the first domain". "--only
hostile" runs the whole suite, "--only hostile/NAME" one attack.
"""
import argparse
import os
import re
import shlex
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import keeltest  # noqa: E402
from keeltest import Module, SUCCESS  # noqa: E402

PACK = 6           # ungrouped tests per boot
DEFAULT_MEM = "4M"
HOSTILE = os.path.join(HERE, "hostile")
HOSTILE_TIMEOUT = "90"


def read_header(path):
    opts = {}
    with open(path) as f:
        for line in f.readlines()[:5]:
            m = re.search(r"keel-test:(.*?)\*/", line)
            if m:
                for word in shlex.split(m.group(1)):
                    k, _, v = word.partition("=")
                    opts[k] = v
    return opts


def load_tests(build, only):
    tests = []
    for name in sorted(os.listdir(os.path.join(HERE, "tests"))):
        if not name.endswith(".c"):
            continue
        test = name[:-2]
        if only and test not in only:
            continue
        opts = read_header(os.path.join(HERE, "tests", name))
        opts["name"] = test
        opts["elf"] = os.path.join(build, "guests", test + ".elf")
        tests.append(opts)
    names = sorted(os.listdir(HOSTILE)) if os.path.isdir(HOSTILE) else []
    for name in names:
        if not name.endswith(".c"):
            continue
        test = name[:-2]
        if only and not {test, f"hostile/{test}", "hostile"} & set(only):
            continue
        opts = read_header(os.path.join(HOSTILE, name))
        opts["name"] = test
        opts["display"] = f"hostile/{test}"
        opts["hostile"] = True
        opts["elf"] = os.path.join(build, "guests", "hostile", test + ".elf")
        opts["args"] = " ".join(filter(None, ["peer=1", opts.get("args")]))
        opts.setdefault("timeout", HOSTILE_TIMEOUT)
        tests.append(opts)
    return tests


def victim_of(attack, build):
    """The victim domain that boots with a hostile test."""
    return {"name": "victim", "role": "victim", "args": "peer=0",
            "timeout": attack["timeout"],
            "elf": os.path.join(build, "guests", "hostile", "victim.elf")}


def plan_boots(tests, only):
    groups, loose, hostile = {}, [], []
    for t in tests:
        if t.get("hostile"):
            hostile.append([t, victim_of(t, BUILD)])
        elif "group" in t:
            groups.setdefault(t["group"], []).append(t)
        else:
            loose.append(t)
    boots = list(groups.values())
    boots += [loose[i:i + PACK] for i in range(0, len(loose), PACK)]
    return boots + hostile


def module_cmdline(t):
    words = [f"name={t['name']}", f"mem={t.get('mem', DEFAULT_MEM)}",
             f"vcpus={t.get('vcpus', '1')}",
             f"privileged={t.get('privileged', '0')}"]
    for k in ("weight", "user", "maxmem"):
        if k in t:
            words.append(f"{k}={t[k]}")
    if t.get("args"):
        words += ["--", t["args"]]
    return " ".join(words)


def make_initrd(workdir, t):
    """The initrd= test key: a file of that many bytes, byte i being
    (i * 131 + 7) mod 256, for the guest to check."""
    size = int(t["initrd"])
    path = os.path.join(workdir, f"{t['name']}.initrd")
    with open(path, "wb") as f:
        f.write(bytes((i * 131 + 7) & 0xff for i in range(size)))
    return path


def check_domain(t, r):
    """What went wrong for test @t's domain in boot result @r: its domain
    id, a list of problems, and whether it was skipped."""
    problems = []
    domid = None
    exit_reason = None
    for line in r.keel_lines:
        dm = re.match(rf"Domain (\d+) \({re.escape(t['name'])}\)", line)
        if dm and domid is None:
            domid = dm.group(1)
        em = re.match(rf"Domain \d+ \({re.escape(t['name'])}\) exited: "
                      r"(\w+)", line)
        if em:
            exit_reason = em.group(1)
    want_exit = t.get("exit", "poweroff")
    result = None
    if domid is not None:
        for line in r.lines:
            rm = re.match(rf"\(d{domid}\) RESULT: (\w+) "
                          rf"{re.escape(t['name'])}\b(.*)", line)
            if rm:
                result = rm.group(1)
    skipped = result == "SKIP"
    if "build_error" in t:
        if domid is not None:
            problems.append("the builder built the domain; expected it to "
                            f"refuse it with '{t['build_error']}'")
        elif not any(l.startswith("Domain builder: ") and
                     t["build_error"] in l for l in r.keel_lines):
            problems.append("no 'Domain builder:' line says "
                            f"'{t['build_error']}'")
        return domid, problems, False
    if domid is None:
        problems.append("the domain was never built")
    elif want_exit == "crash":
        if result and result != "PASS":
            problems.append(f"RESULT {result}")
    elif result is None:
        problems.append("CRASH: no RESULT line")
    elif result not in ("PASS", "SKIP"):
        problems.append(f"RESULT {result}")
    if exit_reason != want_exit:
        problems.append(f"exited with {exit_reason}, expected {want_exit}")
    return domid, problems, skipped


def run_boot(boot):
    cpus = max(int(t.get("cpus", "2")) for t in boot)
    timeout = max(int(t.get("timeout", "60")) for t in boot)
    mem_mb = max([256] + [int(t["host_mem"]) for t in boot
                          if "host_mem" in t])
    extra = (["-icount", "shift=0"]
             if any(t.get("icount") == "1" for t in boot) else [])
    for t in boot:
        if "device" in t:
            extra += ["-device", t["device"]]
        if "machine" in t:
            extra += ["-machine", t["machine"]]
    with tempfile.TemporaryDirectory(prefix="keel-guests-") as workdir:
        modules = []
        for t in boot:
            modules.append(Module(t["elf"], module_cmdline(t)))
            if "initrd" in t:
                modules.append(Module(make_initrd(workdir, t), "initrd"))
        iso = keeltest.build_iso(workdir, os.path.join(BUILD, "keel.elf"),
                                 "test loglvl=info", modules)
        r = keeltest.run_qemu(iso, cpus=cpus, mem_mb=mem_mb,
                              timeout=timeout, cpu_model="max",
                              extra_args=extra,
                              send_from=[t["name"] for t in boot
                                         if t.get("input") == "1"])
    results = []
    boot_problems = []
    if r.status != SUCCESS:
        boot_problems.append(f"hypervisor ended with {r.status} "
                             f"(QEMU exit {r.exit_code})")
    counts = r.frame_count
    if counts and counts[0] != counts[1]:
        boot_problems.append(f"frames leaked: {counts[0]} free after, "
                             f"{counts[1]} before")
    if any(t.get("hostile") for t in boot) and not counts:
        boot_problems.append("no \"All domains exited\" line: the free "
                             "frame count was never checked")
    checked = {}
    for t in boot:
        checked[t["name"]] = check_domain(t, r)
    for t in boot:
        if t.get("role") == "victim":
            continue
        problems = list(boot_problems)
        domid, domain_problems, skipped = checked[t["name"]]
        problems += domain_problems
        domids = [domid]
        if t.get("hostile"):
            vdomid, victim_problems, _ = checked["victim"]
            problems += [f"victim: {p}" for p in victim_problems]
            domids.append(vdomid)
        results.append((t.get("display", t["name"]), problems, skipped, r,
                        domids))
    return results


def main():
    global BUILD
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    BUILD = args.build
    tests = load_tests(args.build, args.only)
    passed = failed = skipped = 0
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for results in pool.map(run_boot, plan_boots(tests, args.only)):
            for name, problems, skip, r, domids in results:
                if problems:
                    failed += 1
                    print(f"FAIL {name}")
                    for p in problems:
                        print(f"    - {p}")
                    mine = [l for l in r.lines
                            if any(d and l.startswith(f"(d{d}) ")
                                   for d in domids)]
                    tail = (r.lines if args.verbose else
                            mine[-15 * len(domids):] + ["..."] +
                            r.lines[-12:])
                    for line in tail:
                        print(f"    | {line}")
                elif skip:
                    skipped += 1
                    print(f"SKIP {name}")
                else:
                    passed += 1
                    print(f"PASS {name}")
                    if args.verbose:
                        for l in r.lines:
                            print(f"    | {l}")
                sys.stdout.flush()
    print(f"guests: {passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
