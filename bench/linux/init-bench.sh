#!/bin/sh
# /init of the Linux benchmark: the same workloads natively and as a Keel
# PV guest. Under -icount shift=0 guest time counts executed
# instructions, so each figure (microseconds of guest time) is a count
# of work, and the two runs compare.
mount -t proc proc /proc
mount -t tmpfs tmpfs /tmp
mount -t devtmpfs dev /dev 2>/dev/null

# Run "$@" and print its guest time in microseconds as NAME.
bench() {
	name=$1; shift
	t0=$EPOCHREALTIME
	"$@"
	t1=$EPOCHREALTIME
	us=$(( (${t1%.*} - ${t0%.*}) * 1000000 + 1${t1#*.} - 1${t0#*.} ))
	echo "BENCH $name $us us"
}

spawn() { for i in $(seq 1 200); do /bin/true; done; }
syscalls() { dd if=/dev/zero of=/dev/null bs=1 count=20000 2>/dev/null; }
pipe() { dd if=/dev/zero bs=4096 count=4096 2>/dev/null | cat > /dev/null; }
pagefault() { dd if=/dev/zero of=/tmp/f bs=65536 count=256 2>/dev/null; rm /tmp/f; }
forkwait() { for i in $(seq 1 200); do ( : ) ; done; }

bench spawn_200_execs spawn
bench fork_200_subshells forkwait
bench syscalls_40000_rw syscalls
bench pipe_16MiB pipe
bench tmpfs_write_16MiB pagefault
echo "BENCH-DONE"
poweroff -f
