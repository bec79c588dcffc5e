#!/bin/sh
# /init of the PV scenarios, on hvc0 (Keel's console). Each step says it
# ran, so a scenario sees how far userspace got.
mount -t devtmpfs dev /dev
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo "KEEL-LINUX-INIT: userspace up, pid $$, console $(cat /sys/class/tty/console/active 2>/dev/null || echo ?)"
# A pipeline in a command substitution: fork, exec, pipes and wait.
echo "KEEL-LINUX-INIT: $(head -1 /proc/meminfo | tr -s ' ')"
echo "KEEL-LINUX-INIT: fork, exec, pipe and wait done"
# Time passes: the clockevent wakes a sleeper, the clocksource moves.
before=$(cut -d' ' -f1 /proc/uptime)
sleep 1
after=$(cut -d' ' -f1 /proc/uptime)
echo "KEEL-LINUX-INIT: slept 1 s, uptime $before -> $after"
# A task that returns from a signal to a non-canonical address gets
# SIGSEGV, and the kernel lives (tests/linux/bad_sigreturn.c).
echo "KEEL-LINUX-INIT: $(/bin/bad-sigreturn)"
# The scripted workload (tests/linux/workload.c): processes, pipes,
# signals, mappings, threads, privileged instructions, /proc and /sys,
# and a TLB-shootdown checker on every CPU.
/bin/workload
# SMP: every vCPU online; a process on each CPU; CPU 1 taken offline
# (its vCPU goes down) and brought back (initialised afresh); processes
# that fork, run and exit on both CPUs meanwhile, so that page tables are
# pinned on one CPU and unpinned while another may still have them loaded.
cpus=$(nproc)
echo "KEEL-LINUX-INIT: $cpus CPU(s) online: $(cat /sys/devices/system/cpu/online)"
if [ "$cpus" -gt 1 ]; then
	ran=""
	for c in $(seq 0 $((cpus - 1))); do
		ran="$ran $(taskset -c "$c" sh -c 'cut -d" " -f39 /proc/self/stat')"
	done
	echo "KEEL-LINUX-INIT: taskset ran on CPUs:$ran"
	churn() { for i in $(seq 1 40); do taskset -c "$1" true; /bin/true | cat; done; }
	churn 0 & churn 1 & wait
	echo "KEEL-LINUX-INIT: fork/exit churn on two CPUs done"
	echo 0 > /sys/devices/system/cpu/cpu1/online
	echo "KEEL-LINUX-INIT: CPU 1 offline: online now $(cat /sys/devices/system/cpu/online)"
	echo 1 > /sys/devices/system/cpu/cpu1/online
	back=$(taskset -c 1 sh -c 'cut -d" " -f39 /proc/self/stat')
	echo "KEEL-LINUX-INIT: CPU 1 back online: online now $(cat /sys/devices/system/cpu/online), a task ran on CPU $back"
fi
# Console input: ask the harness to type a line (keeltest's SEND), and
# read it back through hvc0.
word="typed-$$-${after#*.}"
echo "SEND: $word\\n"
read -r line
echo "KEEL-LINUX-INIT: read back '$line' (expected '$word')"
echo "KEEL-LINUX-INIT: powering off"
poweroff -f
