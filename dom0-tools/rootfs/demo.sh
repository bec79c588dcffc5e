#!/bin/sh
# make demo: what the banner of make run's control domain suggests, typed
# by a script. Two guests from /etc/keel/demo.cfg, listed; the console of
# one, with commands sent to its shell, until it powers off; the other
# shut down from here. Each command is shown as if typed at the prompt.
typed() {
	echo "keel-dom0:/# $*"
	"$@"
	status=$?
	[ $status = 0 ] || echo "KEEL-DEMO: '$*' failed with status $status"
}
# Wait (at most 120 s) until domain $1's console shows $2.
wait_console() {
	for i in $(seq 1 1200); do
		grep -q "$2" "/var/log/keel/console-$1.log" 2>/dev/null &&
			return 0
		sleep 0.1
	done
	echo "KEEL-DEMO: no '$2' on $1's console"
	return 1
}

typed pvctl create /etc/keel/demo.cfg
typed pvctl create /etc/keel/demo.cfg 'name="demo2"'
typed pvctl list
wait_console demo 'keel-demo:/# '
echo "keel-dom0:/# printf 'uname -sr\\nhead -1 /proc/meminfo\\npoweroff -f\\n' | pvctl console demo"
printf 'uname -sr\nhead -1 /proc/meminfo\npoweroff -f\n' | pvctl console demo |
	tr -d '\r'
echo "KEEL-DEMO: pvctl console returned $?"
wait_console demo2 'keel-demo:/# '
typed pvctl shutdown -w demo2
typed pvctl list
echo "KEEL-DEMO: done"
