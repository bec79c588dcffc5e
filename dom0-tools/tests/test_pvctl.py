#!/usr/bin/env python3
"""pvctl's command line, run on the host: each case gives the arguments,
the configuration file (if any), the exit status, and the one line of
stderr or the JSON on stdout it must give.

    python3 dom0-tools/tests/test_pvctl.py PVCTL

Ends with "pvctl: N passed, N failed".
"""
import json
import os
import subprocess
import sys
import tempfile

GOOD = """# a demo guest
name = "demo"
memory = 64
vcpus = 2
kernel = "/etc/keel/vmlinux"
ramdisk = '/etc/keel/initrd'
root = "/dev/xvda"
extra = "console=hvc0"
on_crash = "restart"
"""

# (name, config text or None, arguments after the file, status, stderr)
ERRORS = [
    ("missing file", None, [], 1,
     "pvctl: {missing}: No such file or directory"),
    ("syntax error", "name = 'a'\nkernel = '/k'\nmemory 64\n", [], 1,
     "pvctl: {cfg}:3: memory: expected '=' after the key"),
    ("unknown key", "name = 'a'\nkernel = '/k'\nbootloader = 'pygrub'\n",
     [], 1,
     "pvctl: {cfg}:3: unknown key \"bootloader\" (Keel does not support "
     "it)"),
    ("bad setting on the command line", GOOD, ["vcpus=99"], 1,
     "pvctl: command line:1: vcpus: 99 is more than Keel's maximum of 32"),
    ("no kernel", "name = 'a'\n", [], 1,
     "pvctl: {cfg}: no kernel given (kernel = \"/path/to/vmlinux\")"),
    ("a disk", GOOD + "disk = [ 'file:/a.img,xvda,w' ]\n", [], 1,
     "pvctl: {cfg}: disk: devices are not supported by Keel yet"),
    ("a vif", GOOD + "vif = [ 'bridge=keelbr0' ]\n", [], 1,
     "pvctl: {cfg}: vif: devices are not supported by Keel yet"),
    ("not a control domain", "name = 'a'\nkernel = '/k'\n", None, 1,
     "pvctl: no /dev/keel/privcmd: this is not Keel's control domain"),
    ("no file", None, "nofile", 2,
     "pvctl: create: no configuration file given"),
    ("too long for the builder", GOOD + "extra = '%s'\n" % ("x" * 300), [],
     1, "pvctl: {cfg}: the domain's options and kernel command line take "
        "392 bytes; Keel takes at most 255"),
]


def run(pvctl, args):
    p = subprocess.run([pvctl] + args, capture_output=True, text=True,
                       timeout=30)
    return p.returncode, p.stdout, p.stderr


def main():
    pvctl = sys.argv[1]
    passed = failed = 0

    def check(name, ok, why=""):
        nonlocal passed, failed
        print(f"{'PASS' if ok else 'FAIL'} {name}{'' if ok else ': ' + why}")
        passed += ok
        failed += not ok

    with tempfile.TemporaryDirectory() as tmp:
        cfg = os.path.join(tmp, "demo.cfg")
        with open(cfg, "w") as f:
            f.write(GOOD)
        status, out, err = run(pvctl, ["create", "-n", cfg, "memory=96",
                                       "extra+=' quiet'"])
        try:
            got = json.loads(out)
        except ValueError:
            got = None
        want = {"name": "demo", "type": "pv", "memory": 96, "maxmem": 96,
                "vcpus": 2, "kernel": "/etc/keel/vmlinux",
                "ramdisk": "/etc/keel/initrd",
                "cmdline": "root=/dev/xvda console=hvc0 quiet",
                "on_poweroff": "destroy", "on_reboot": "restart",
                "on_crash": "restart",
                "builder_options": "name=demo mem=96M maxmem=96M vcpus=2 "
                                   "keep_on_shutdown=1 console_backend=0 -- root=/dev/xvda "
                                   "console=hvc0 quiet"}
        check("dry run of a good config", status == 0 and got == want
              and err == "", f"status {status}, {out!r}, {err!r}")

        status, out, _ = run(pvctl, ["help"])
        verbs = ["create [-c] [-n] [-p] FILE", "console DOMAIN", "list [-l]",
                 "destroy DOMAIN",
                 "pause DOMAIN", "unpause DOMAIN", "domid NAME",
                 "shutdown [-w] DOMAIN", "vcpu-list [DOMAIN ...]",
                 "top [-b] [-d SECS] [-i N]",
                 "domname ID", "info", "dmesg [-c]", "--json"]
        check("help", status == 0 and all(v in out for v in verbs),
              f"status {status}")
        # Usage errors exit with 2, before anything reaches Keel.
        for args, line in [
                (["destroy"], "destroy: give one domain (a name or an id)"),
                (["pause", "a", "b"],
                 "pause: give one domain (a name or an id)"),
                (["list", "-x"], "list: unknown option '-x'"),
                (["dmesg", "-x"], "dmesg: unknown option '-x'"),
                (["info", "x"], "info: takes no arguments"),
                (["shutdown"], "shutdown: give one domain (a name or an id)"),
                (["top", "-d", "0"], "top: -d: '0' is not a number in range"),
                (["top", "-i", "x"], "top: -i: 'x' is not a number in range"),
                (["top", "-q"], "top: unknown option '-q'"),
                (["shutdown", "-x", "a"], "shutdown: unknown option '-x'"),
                (["create", "-q", "f"], "create: unknown option '-q'")]:
            status, _, err = run(pvctl, args)
            check(f"usage: {' '.join(args)}", status == 2 and
                  err == f"pvctl: {line}\n", f"status {status}, {err!r}")
        # Off Keel, every verb that needs it says so plainly.
        for args in (["list"], ["--json", "list"], ["destroy", "web"],
                     ["vcpu-list"], ["shutdown", "-w", "web"],
                     ["info", "--json"], ["dmesg"], ["console", "web"],
                     ["create", "-c", cfg]):
            status, out, err = run(pvctl, args)
            check(f"no privcmd: {' '.join(args)}", status == 1 and
                  out == "" and err == "pvctl: no /dev/keel/privcmd: this "
                  "is not Keel's control domain\n", f"status {status}, "
                  f"{err!r}")
        status, _, err = run(pvctl, ["console"])
        check("usage: console", status == 2 and err == "pvctl: console: "
              "give one domain (a name or an id)\n", f"status {status}, "
              f"{err!r}")
        status, _, err = run(pvctl, ["lst"])
        check("unknown command", status == 2 and err ==
              "pvctl: unknown command 'lst' (pvctl help lists them)\n",
              f"status {status}, {err!r}")

        for name, text, extra, want_status, want_err in ERRORS:
            path = os.path.join(tmp, name.replace(" ", "_") + ".cfg")
            if text is not None:
                with open(path, "w") as f:
                    f.write(text)
            if extra == "nofile":
                args = ["create", "-n"]
            elif extra is None:
                args = ["create", path]
            else:
                args = ["create", "-n", path] + extra
            status, out, err = run(pvctl, args)
            line = want_err.format(cfg=path, missing=path)
            check(name, status == want_status and err == line + "\n"
                  and out == "", f"status {status}, {err!r}")

    print(f"pvctl: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
