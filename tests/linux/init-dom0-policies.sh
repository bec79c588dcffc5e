#!/bin/sh
# /init of the dom0-on-shutdown scenario: pvctl's monitor applies each
# domain's on_poweroff, on_reboot and on_crash, and pvctl reboot works.
# Commands are framed as in init-dom0.sh; run.py checks the output.
mount -t devtmpfs dev /dev
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /tmp
mkdir -p /run /var/log
mount -t tmpfs tmpfs /run
echo 'root:x:0:0:root:/root:/bin/sh' > /etc/passwd
echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> /etc/passwd
echo 'root:x:0:' > /etc/group
echo 'nogroup:x:65534:' >> /etc/group

. /etc/dom0-lib.sh	# run, wait_gone

# Wait (at most $3 s, default 30) until file $1 has a line matching $2.
wait_line() {
	for i in $(seq 1 $((${3:-30} * 10))); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# Wait (at most 30 s) until Keel's log holds $2 lines matching $1.
wait_dmesg() {
	for i in $(seq 1 300); do
		[ "$(pvctl dmesg | grep -c "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}


cd /etc/keel
cat > keeper.cfg <<CFG
# Powers off at once, and is kept for the operator.
name = "keeper"
kernel = "/etc/keel/soak_child.elf"
memory = 4
on_poweroff = "preserve"
CFG
cat > crasher.cfg <<CFG
# Crashes at once, every time it is started.
name = "crasher"
kernel = "/etc/keel/soak_child.elf"
memory = 4
extra = "crash=1"
on_crash = "restart"
CFG
cat > rebooter.cfg <<CFG
# Waits for a shutdown request and does what it asks (on_reboot's
# default is restart).
name = "rebooter"
kernel = "/etc/keel/shutdown_request_child.elf"
memory = 4
extra = "wait=1"
CFG

echo "KEEL-DOM0: pvctl ready"
run pvctl --json info
run evtchn-test
run su -s /bin/sh nobody -c evtchn-test

run pvctl create keeper.cfg
wait_line /var/log/keel/pvctl-keeper.log "preserved" &&
	echo "KEEL-DOM0: keeper preserved"
run pvctl list keeper
run pvctl shutdown keeper
run pvctl destroy keeper
run pvctl list keeper
run cat /var/log/keel/pvctl-keeper.log

run pvctl create crasher.cfg
wait_line /var/log/keel/pvctl-crasher.log "destroying it instead" 60 &&
	wait_gone crasher && echo "KEEL-DOM0: crasher given up"
run cat /var/log/keel/pvctl-crasher.log

run pvctl create rebooter.cfg
wait_dmesg "waiting for a shutdown request$" 1
run pvctl reboot -w rebooter
wait_dmesg "waiting for a shutdown request$" 2
run pvctl list rebooter
run pvctl shutdown -w rebooter
run pvctl list rebooter
run cat /var/log/keel/pvctl-rebooter.log

run pvctl --json info
echo "KEEL-DOM0: done"
poweroff -f
