#!/bin/sh
# /init of the dom0-pvctl-soak scenario: the control domain creates and
# destroys a small test guest $keel_soak_cycles times with pvctl (the
# kernel passes keel_soak_cycles= from its command line as an
# environment variable), and checks Keel's free-frame count after all of
# them against the count before. Every 100 cycles it reports progress.
mount -t devtmpfs dev /dev
mount -t proc proc /proc
cycles=${keel_soak_cycles:-1000}
cat > /etc/keel/soak.cfg <<CFG
name = "soak"
kernel = "/etc/keel/soak_child.elf"
memory = 4
extra = "hold=1"
CFG
free_frames() {
	pvctl --json info | sed -n 's/.*"free_frames": \([0-9]*\).*/\1/p'
}
before=$(free_frames)
echo "KEEL-SOAK: $cycles cycles, $before frames free before"
i=0
while [ $i -lt "$cycles" ]; do
	i=$((i + 1))
	# Every other guest is destroyed while still paused (created -p).
	if [ $((i % 2)) = 0 ]; then opt=-p; else opt=; fi
	if ! out=$(pvctl create $opt /etc/keel/soak.cfg 2>&1); then
		echo "KEEL-SOAK: cycle $i: create failed: $out"
		break
	fi
	if ! out=$(pvctl destroy soak 2>&1); then
		echo "KEEL-SOAK: cycle $i: destroy failed: $out"
		break
	fi
	[ $((i % 100)) = 0 ] && echo "KEEL-SOAK: $i cycles done"
done
after=$(free_frames)
echo "KEEL-SOAK: finished $i of $cycles cycles; $after frames free, $before before"
poweroff -f
