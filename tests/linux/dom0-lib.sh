# Shell functions of the control domain's test inits (init-dom0*.sh),
# which source this from their initramfs (/etc/dom0-lib.sh).

# Run a command with its output framed for tests/linux/run.py:
#   KEEL-DOM0: $ COMMAND
#   KEEL-DOM0: exit STATUS
run() {
	echo "KEEL-DOM0: \$ $*"
	"$@" 2>&1
	echo "KEEL-DOM0: exit $?"
}

# Wait (at most ${2:-30} s) until domain $1 is gone.
wait_gone() {
	for i in $(seq 1 $((${2:-30} * 10))); do
		pvctl domid "$1" >/dev/null 2>&1 || return 0
		sleep 0.1
	done
	return 1
}
