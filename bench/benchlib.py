"""Shared by the benchmark runners: boot the benchmark guests in one QEMU
run under -icount shift=0, collect their "BENCH name N cycles/op" lines,
and write bench/results/NAME.json."""
import datetime
import json
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import keeltest  # noqa: E402
from keeltest import Module  # noqa: E402


def build_dir():
    return sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build")


def run(build, hv_cmdline, guests, want):
    """guests: [(elf name under BUILD/bench, module command line)].
    Returns {figure: cycles} with every name of @want, or exits."""
    modules = [Module(os.path.join(build, "bench", elf), cmdline)
               for elf, cmdline in guests]
    r = keeltest.boot(os.path.join(build, "keel.elf"), hv_cmdline,
                      modules=modules, cpus=2, mem_mb=256, timeout=300,
                      cpu_model="max", extra_args=["-icount", "shift=0"])
    figures = {}
    for line in r.lines:
        m = re.search(r"BENCH (\w+) (\d+) cycles/op", line)
        if m:
            figures[m.group(1)] = int(m.group(2))
    missing = [w for w in want if w not in figures]
    if r.status != keeltest.SUCCESS or missing:
        print("\n".join(r.lines[-40:]))
        sys.exit(f"bench: run failed ({r.status}); missing {missing}")
    return {w: figures[w] for w in want}


def header(name, command):
    return {
        "benchmark": name,
        "date": datetime.date.today().isoformat(),
        "command": command + "  (QEMU TCG, -cpu max, -smp 2, "
                   "-icount shift=0)",
        "qemu": subprocess.run(["qemu-system-x86_64", "--version"],
                               capture_output=True, text=True)
                .stdout.splitlines()[0],
    }


def write(name, result):
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", name + ".json"),
              "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print(json.dumps(result, indent=2))
