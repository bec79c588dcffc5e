# Keel: build, run and test.
#
#   make          build build/keel.elf and the bootable build/keel.iso
#   make run      boot Keel and Linux (the control domain) in QEMU (TCG), to
#                 a shell on the serial console here
#   make check    run every test; ends with "N passed, N failed"
#
# Each of them first runs the install step, which installs the Debian
# packages the build needs when they are missing (as root), or prints the
# apt-get command to run (otherwise).

BUILD ?= build
# V=1 shows the full commands.
Q := $(if $(filter 1,$(V)),,@)
CC    ?= gcc
LD    ?= ld
QEMU  ?= qemu-system-x86_64

# Debian 12 packages the build and the tests need.
DEBIAN_PACKAGES := gcc make binutils python3 git pkg-config \
	qemu-system-x86 grub-pc-bin grub-common xorriso mtools \
	libfdt-dev check \
	linux-source-6.1 flex bison bc libelf-dev libssl-dev cpio kmod \
	quilt busybox-static clang

.PHONY: all deps iso run demo print-run-cpu print-run-flags check linux linux-xen-check unit integration guests bench bench-guests fuzz soak clean

all: deps $(BUILD)/keel.iso

deps:
	@missing=""; \
	for p in $(DEBIAN_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
			grep -q '^install ok installed$$' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing:$$missing"; \
			apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else \
			echo "Missing packages. Run: sudo apt-get install -y$$missing"; \
			exit 1; \
		fi; \
	fi

# Keep objects that pattern rules chain through (the guest kernels'):
# deleting them would only make the next build redo them.
.SECONDARY:

include hypervisor/build.mk
include tests/guests/guests.mk

# GRUB boots the image with Multiboot2. make run uses this config; the
# integration runner writes its own per scenario.
$(BUILD)/iso/boot/grub/grub.cfg: Makefile
	@mkdir -p $(dir $@)
	printf '%s\n' 'set timeout=0' 'set default=0' \
		'menuentry "Keel" {' \
		'  multiboot2 /boot/keel.elf loglvl=info' \
		'  boot' '}' > $@

$(BUILD)/keel.iso: $(BUILD)/keel.elf $(BUILD)/iso/boot/grub/grub.cfg
	cp $(BUILD)/keel.elf $(BUILD)/iso/boot/keel.elf
	grub-mkrescue -o $@ $(BUILD)/iso 2>$(BUILD)/grub-mkrescue.log || \
		{ cat $(BUILD)/grub-mkrescue.log; exit 1; }

iso: deps $(BUILD)/keel.iso

# The CPU make run gives QEMU: SVM with nested paging for HVM guests, and
# XSAVE/AVX/SMEP; SMAP off, since QEMU 7.2's SMAP emulation breaks Linux
# guests (see DESIGN.md). The integration scenario make-run-cpu boots
# with it and checks the banner.
QEMU_RUN_CPU ?= max,-smap
QEMU_RUN_FLAGS ?= -smp 4 -m 512
# make run boots Linux as Keel's first domain, to a shell on its console
# (tests/linux/run_iso.py builds the ISO; the make-run-shell scenario
# types into the same one).
# dom0's disk (build/dom0-disk.img, ext4 on a virtio-blk PCI device)
# holds the demo guest; dom0 mounts it on /etc/keel.
run: deps $(BUILD)/keel.elf linux
	python3 tests/linux/run_iso.py $(BUILD) $(BUILD)/keel-run.iso \
		$(BUILD)/dom0-disk.img
	@echo "Keel in QEMU: Ctrl-T three times switches the console between"
	@echo "domains; quit QEMU with Ctrl-A X"
	$(QEMU) -accel tcg -cpu $(QEMU_RUN_CPU) $(QEMU_RUN_FLAGS) \
		-cdrom $(BUILD)/keel-run.iso -boot d -display none -no-reboot \
		-serial mon:stdio -nic none \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-drive file=$(BUILD)/dom0-disk.img,if=none,id=dom0disk,format=raw \
		-device virtio-blk-pci,drive=dom0disk

# make demo: make run's control domain with a script in place of the
# person (dom0-tools/rootfs/demo.sh): two guests, a console, shutdowns.
# It prints the serial log; make check's make-demo scenario checks it.
demo: deps $(BUILD)/keel.elf linux
	python3 tests/linux/run.py --build $(BUILD) --only make-demo -v

print-run-flags:
	@echo $(QEMU_RUN_FLAGS)

print-run-cpu:
	@echo $(QEMU_RUN_CPU)

# The Linux kernel of guest-pv-linux-patches (cached outside the repo,
# keyed by a hash of what goes into it): build/linux/{bzImage,vmlinux}.
linux: deps
	guest-pv-linux-patches/build.sh $(BUILD)/linux keel

# The series must keep a Xen PV kernel building.
linux-xen-check: deps
	guest-pv-linux-patches/build.sh $(BUILD)/linux-xen-pv xen-pv

unit: deps
	$(MAKE) -C tests/unit run BUILD=$(abspath $(BUILD))

integration: deps $(BUILD)/keel.elf
	python3 tests/integration/run.py --build $(BUILD)

check: deps $(BUILD)/keel.iso guests
	python3 tests/run-all.py --build $(BUILD)

# Hypercall fuzzing for FUZZ_SECONDS (make check runs a short fixed-seed
# round as part of the guest tests).
FUZZ_SECONDS ?= 300
fuzz: deps $(BUILD)/keel.elf guests
	python3 tests/guests/fuzz.py --build $(BUILD) --seconds $(FUZZ_SECONDS)

# Create and destroy a small PV guest SOAK_CYCLES times, checking the
# free-frame count after every cycle (make check runs 25 cycles as part of
# the guest tests); then, in the patched Linux as the control domain,
# create and destroy one with pvctl DOM0_SOAK_CYCLES times (make check's
# dom0-pvctl-soak scenario runs 1000).
SOAK_CYCLES ?= 1000
DOM0_SOAK_CYCLES ?= 10000
soak: deps $(BUILD)/keel.elf guests linux
	python3 tests/guests/soak.py --build $(BUILD) --cycles $(SOAK_CYCLES)
	KEEL_DOM0_SOAK_CYCLES=$(DOM0_SOAK_CYCLES) python3 tests/linux/run.py \
		--build $(BUILD) --only dom0-pvctl-soak

# Benchmarks are not tests: they write bench/results/*.json.
bench: deps $(BUILD)/keel.elf bench-guests linux
	python3 bench/pv-core/run.py $(BUILD)
	python3 bench/pv-memory/run.py $(BUILD)
	python3 bench/linux/run.py $(BUILD)
	python3 bench/dom0/run.py $(BUILD)

clean:
	rm -rf $(BUILD)
