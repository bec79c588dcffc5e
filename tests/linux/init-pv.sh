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
# Console input: ask the harness to type a line (keeltest's SEND), and
# read it back through hvc0.
word="typed-$$-${after#*.}"
echo "SEND: $word\\n"
read -r line
echo "KEEL-LINUX-INIT: read back '$line' (expected '$word')"
echo "KEEL-LINUX-INIT: powering off"
poweroff -f
