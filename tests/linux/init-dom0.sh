#!/bin/sh
# /init of the dom0-pvctl scenario: Linux as the control domain runs
# pvctl as an operator would. Each command's output is framed by
#   KEEL-DOM0: $ COMMAND
#   KEEL-DOM0: exit STATUS
# and the harness (tests/linux/run.py) checks what each printed.
mount -t devtmpfs dev /dev
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /tmp
mkdir -p /run
mount -t tmpfs tmpfs /run
echo 'root:x:0:0:root:/root:/bin/sh' > /etc/passwd
echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> /etc/passwd
echo 'root:x:0:' > /etc/group
echo 'nogroup:x:65534:' >> /etc/group

. /etc/dom0-lib.sh	# run, wait_gone


cd /etc/keel
cat > spinner.cfg <<CFG
# A test guest that stays up (yielding) until it is destroyed.
name = "spinner"
kernel = "/etc/keel/soak_child.elf"
memory = 4
extra = "hold=1"
CFG
cat > hello.cfg <<CFG
name = "hello"
kernel = "/etc/keel/soak_child.elf"
memory = 4
vcpus = 1
CFG
{ echo '#!/bin/sh'; for i in $(seq 1 10); do echo 'echo not a kernel'; done; } \
	> not-elf
head -c 2000 soak_child.elf > truncated.elf
cat > linux.cfg <<CFG
# The same Linux as this control domain, as an ordinary guest.
name = "linux-guest"
kernel = "/etc/keel/vmlinux"
ramdisk = "/etc/keel/domu.cpio"
memory = 64
vcpus = 2
extra = "console=hvc0 keel_guest=yes"
CFG
good() { printf 'name = "%s"\nkernel = "/etc/keel/soak_child.elf"\n' "$1"; }
good bad > base.cfg
printf 'name = "x"\nkernel "/k"\n' > syntax.cfg
{ good bad; echo 'bootloader = "pygrub"'; } > unknown-key.cfg
{ good bad; echo 'memory = "lots"'; } > memory-type.cfg
printf 'name = "x"\nkernel = "/etc/keel/not-elf"\n' > not-elf.cfg
printf 'name = "x"\nkernel = "/etc/keel/truncated.elf"\n' > truncated.cfg
printf 'name = "x"\nkernel = "/bin/busybox"\n' > no-note.cfg
printf 'name = "x"\nkernel = "/etc/keel/missing.elf"\n' > no-kernel-file.cfg
{ good bad; echo 'ramdisk = "/etc/keel/missing.cpio"'; } > ramdisk.cfg
{ good bad; echo "disk = [ 'file:/a.img,xvda,w' ]"; } > disk.cfg

echo "KEEL-DOM0: pvctl ready"
run pvctl info
run pvctl --json info
run pvctl list
run pvctl create spinner.cfg
run pvctl create -p hello.cfg
run pvctl list
run pvctl unpause hello
wait_gone hello && echo "KEEL-DOM0: hello powered off and is gone"
run pvctl --json list
run pvctl pause spinner
run pvctl list spinner
run pvctl unpause spinner
run pvctl list -l spinner
run pvctl vcpu-list
run pvctl --json vcpu-list spinner
run pvctl top -b -d 1 -i 2
run pvctl shutdown spinner

# Bad input: each one line, a non-zero status, nothing left behind.
run pvctl create /etc/keel/nosuch.cfg
run pvctl create syntax.cfg
run pvctl create unknown-key.cfg
run pvctl create memory-type.cfg
run pvctl create base.cfg memory=0
run pvctl create base.cfg memory=2
run pvctl create base.cfg memory=60000
run pvctl create base.cfg vcpus=0
run pvctl create base.cfg vcpus=33
run pvctl create not-elf.cfg
run pvctl create truncated.cfg
run pvctl create no-note.cfg
run pvctl create no-kernel-file.cfg
run pvctl create spinner.cfg
run pvctl create base.cfg 'name=""'
run pvctl create base.cfg 'name="a-name-that-is-longer-than-31-bytes"'
run pvctl create ramdisk.cfg
run pvctl create disk.cfg
run pvctl destroy nosuch
run pvctl destroy 999
run pvctl pause hello
run pvctl unpause spinner
run pvctl destroy 0
run pvctl shutdown 0
run pvctl pause dom0
run su -s /bin/sh nobody -c "pvctl list"
run pvctl bogus

run pvctl destroy spinner
# create -c: the console of a guest that powers off by itself; the
# client returns when the domain has ended.
run pvctl create -c hello.cfg </dev/null
# A Linux guest, with its initramfs, shut down from here once it is up.
# Its console is the PV console ring, served by its monitor's console
# server into /var/log/keel/console-linux-guest.log.
run pvctl create linux.cfg
# Wait (at most ${2:-120} s) for a line matching $1 in its console log.
wait_console() {
	for i in $(seq 1 $((${2:-120} * 10))); do
		tr -d '\r' < /var/log/keel/console-linux-guest.log 2>/dev/null |
			grep -q "$1" && return 0
		sleep 0.1
	done
	echo "KEEL-DOM0: no '$1' on the Linux guest's console"
	return 1
}
wait_console "^KEEL-DOMU: waiting$"
run pvctl vcpu-list linux-guest
# pvctl console as a script: what it sends runs in the guest, and it
# prints the recent output, then the rest, until the guest has ended.
echo 'echo KEEL-DOMU: typed into the console' |
	pvctl console linux-guest > /tmp/console.out 2>&1 &
console_pid=$!
wait_console "^KEEL-DOMU: typed into the console$" 60
run pvctl shutdown -w linux-guest
pvctl domid linux-guest >/dev/null 2>&1 ||
	echo "KEEL-DOM0: the Linux guest is gone"
wait $console_pid
echo "KEEL-DOM0: pvctl console ended with $?"
# The lines of console output file $1 that match $2 (the guest's tty
# ends its lines with \r\n).
console_lines() { tr -d '\r' < "$1" | grep -E "$2"; }
run console_lines /tmp/console.out '^KEEL-DOMU'
run console_lines /var/log/keel/console-linux-guest.log \
	'KEEL-DOMU|RAMDISK|keel: the control domain asks'
run pvctl list
run pvctl --json info
# Keel's log holds the guests' console lines (the pattern's $ keeps it
# from matching this command's own echo); -c hides what was read.
run sh -c 'pvctl dmesg | grep -c "(d2) RESULT: PASS soak_child$"'
run sh -c 'pvctl dmesg -c >/dev/null; pvctl dmesg | grep -c "RESULT: PASS"'
echo "KEEL-DOM0: done"
poweroff -f
