# Guest test kernels: tests/guests/tests/NAME.c -> build/guests/NAME.elf,
# each linked with the runtime in tests/guests/runtime/. Included by the
# top-level Makefile.

GUEST_SRC := tests/guests
GUEST_OUT := $(BUILD)/guests

GUEST_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-pic -mcmodel=kernel \
	-mno-red-zone -mgeneral-regs-only -fno-stack-protector \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-fcf-protection=none -fno-tree-loop-distribute-patterns \
	-Wall -Wextra -Werror -Wno-unused-parameter \
	-Ihypercall-abi/include -I$(GUEST_SRC)/runtime -Ihypervisor/include \
	-Ihypervisor/arch/x86_64/include \
	-MMD -MP

# The runtime reuses the hypervisor's own formatting and string code
# (memcpy and memset are the arch's string.S: rep movs and rep stos work
# in ring 3 as in ring 0).
GUEST_RUNTIME_SRCS := $(GUEST_SRC)/runtime/head.S $(GUEST_SRC)/runtime/runtime.c \
	hypervisor/common/format.c hypervisor/common/string.c \
	hypervisor/arch/x86_64/string.S
GUEST_RUNTIME_OBJS := $(GUEST_OUT)/runtime/head.o $(GUEST_OUT)/runtime/runtime.o \
	$(GUEST_OUT)/runtime/format.o $(GUEST_OUT)/runtime/string.o \
	$(GUEST_OUT)/runtime/string_ops_arch.o

GUEST_TESTS := $(basename $(notdir $(wildcard $(GUEST_SRC)/tests/*.c)))
GUEST_ELFS  := $(addprefix $(GUEST_OUT)/,$(addsuffix .elf,$(GUEST_TESTS)))

$(GUEST_OUT)/runtime/head.o: $(GUEST_SRC)/runtime/head.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(GUEST_CFLAGS) -D__ASSEMBLER__ -c $< -o $@
$(GUEST_OUT)/runtime/runtime.o: $(GUEST_SRC)/runtime/runtime.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@
$(GUEST_OUT)/runtime/string_ops_arch.o: hypervisor/arch/x86_64/string.S
	@mkdir -p $(dir $@)
	@echo "  AS      $< (guest)"
	$(Q)$(CC) $(GUEST_CFLAGS) -D__ASSEMBLER__ -c $< -o $@
$(GUEST_OUT)/runtime/%.o: hypervisor/common/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (guest)"
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@
$(GUEST_OUT)/tests/%.o: $(GUEST_SRC)/tests/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_OUT)/%.elf: $(GUEST_OUT)/tests/%.o $(GUEST_RUNTIME_OBJS) $(GUEST_SRC)/runtime/guest.ld
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(LD) -m elf_x86_64 -nostdlib -static -z max-page-size=0x1000 \
		-z noexecstack --build-id=none --no-warn-rwx-segments \
		-T $(GUEST_SRC)/runtime/guest.ld -o $@ $< $(GUEST_RUNTIME_OBJS) \
		/usr/lib/x86_64-linux-gnu/libfdt.a

# Test kernels that boot beside Linux in tests/linux/run.py's scenarios:
# tests/linux/guests/NAME.c -> build/guests/linux/NAME.elf.
LINUX_GUEST_ELFS := $(patsubst tests/linux/guests/%.c,$(GUEST_OUT)/linux/%.elf,\
	$(wildcard tests/linux/guests/*.c))

$(GUEST_OUT)/tests/linux/%.o: tests/linux/guests/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

guests: $(GUEST_ELFS) $(LINUX_GUEST_ELFS)

-include $(GUEST_RUNTIME_OBJS:.o=.d) $(wildcard $(GUEST_OUT)/tests/*.d) \
	$(wildcard $(GUEST_OUT)/tests/linux/*.d)

# Benchmark guests share the runtime: bench/DIR/NAME.c ->
# $(BUILD)/bench/NAME.elf, so NAME must differ across the directories.
BENCH_DIRS := bench/pv-core bench/pv-memory
BENCH_GUEST_SRCS := $(foreach d,$(BENCH_DIRS),$(wildcard $(d)/*.c))
BENCH_GUEST_ELFS := $(addprefix $(BUILD)/bench/,$(notdir $(BENCH_GUEST_SRCS:.c=.elf)))

define bench-guest-cc
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@
endef
$(BUILD)/bench/%.o: bench/pv-core/%.c
	$(bench-guest-cc)
$(BUILD)/bench/%.o: bench/pv-memory/%.c
	$(bench-guest-cc)

$(BUILD)/bench/%.elf: $(BUILD)/bench/%.o $(GUEST_RUNTIME_OBJS) $(GUEST_SRC)/runtime/guest.ld
	@echo "  LD      $@"
	$(Q)$(LD) -m elf_x86_64 -nostdlib -static -z max-page-size=0x1000 \
		-z noexecstack --build-id=none --no-warn-rwx-segments \
		-T $(GUEST_SRC)/runtime/guest.ld -o $@ $< $(GUEST_RUNTIME_OBJS) \
		/usr/lib/x86_64-linux-gnu/libfdt.a

bench-guests: $(BENCH_GUEST_ELFS)

-include $(wildcard $(BUILD)/bench/*.d)

# The soak, domctl_pause and domctl_reap_busy tests embed the soak_child
# image.
SOAK_CHILD_USERS := $(GUEST_OUT)/tests/soak.o \
	$(GUEST_OUT)/tests/domctl_pause.o $(GUEST_OUT)/tests/domctl_reap_busy.o
$(SOAK_CHILD_USERS): $(GUEST_OUT)/soak_child.elf
$(SOAK_CHILD_USERS): GUEST_CFLAGS += -DSOAK_CHILD_ELF='"$(GUEST_OUT)/soak_child.elf"'
# domctl_request_shutdown, domctl_keep_on_shutdown and domctl_reap_busy
# embed shutdown_request_child's.
SHUTDOWN_CHILD_USERS := $(GUEST_OUT)/tests/domctl_request_shutdown.o \
	$(GUEST_OUT)/tests/domctl_keep_on_shutdown.o \
	$(GUEST_OUT)/tests/domctl_reap_busy.o
$(SHUTDOWN_CHILD_USERS): $(GUEST_OUT)/shutdown_request_child.elf
$(SHUTDOWN_CHILD_USERS): GUEST_CFLAGS += -DSHUTDOWN_REQUEST_CHILD_ELF='"$(GUEST_OUT)/shutdown_request_child.elf"'
# console_ring embeds console_ring_child's.
$(GUEST_OUT)/tests/console_ring.o: $(GUEST_OUT)/console_ring_child.elf
$(GUEST_OUT)/tests/console_ring.o: GUEST_CFLAGS += -DCONSOLE_RING_CHILD_ELF='"$(GUEST_OUT)/console_ring_child.elf"'
# domctl_create_initrd embeds boot_initrd's.
$(GUEST_OUT)/tests/domctl_create_initrd.o: $(GUEST_OUT)/boot_initrd.elf
$(GUEST_OUT)/tests/domctl_create_initrd.o: GUEST_CFLAGS += -DBOOT_INITRD_ELF='"$(GUEST_OUT)/boot_initrd.elf"'

# Hostile-guest suite (tests/guests/hostile/): each hostile/NAME.c is one
# attack, linked with the runtime and the attacker library (hostile/lib/)
# into $(BUILD)/guests/hostile/NAME.elf; hostile/victim/victim.c is the
# victim domain every attack boots with. run.py runs them.
HOSTILE_SRC  := $(GUEST_SRC)/hostile
HOSTILE_OUT  := $(GUEST_OUT)/hostile
HOSTILE_TESTS := $(basename $(notdir $(wildcard $(HOSTILE_SRC)/*.c)))
HOSTILE_ELFS := $(addprefix $(HOSTILE_OUT)/,$(addsuffix .elf,$(HOSTILE_TESTS))) \
	$(HOSTILE_OUT)/victim.elf
HOSTILE_CFLAGS := $(GUEST_CFLAGS) -I$(HOSTILE_SRC)/lib
HOSTILE_LD = $(LD) -m elf_x86_64 -nostdlib -static -z max-page-size=0x1000 \
	-z noexecstack --build-id=none --no-warn-rwx-segments \
	-T $(GUEST_SRC)/runtime/guest.ld

$(HOSTILE_OUT)/obj/%.o: $(HOSTILE_SRC)/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(HOSTILE_CFLAGS) -c $< -o $@
$(HOSTILE_OUT)/lib/hostile.o: $(HOSTILE_SRC)/lib/hostile.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(HOSTILE_CFLAGS) -c $< -o $@
$(HOSTILE_OUT)/victim/victim.o: $(HOSTILE_SRC)/victim/victim.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(HOSTILE_CFLAGS) -c $< -o $@

$(HOSTILE_OUT)/victim.elf: $(HOSTILE_OUT)/victim/victim.o $(GUEST_RUNTIME_OBJS) \
		$(GUEST_SRC)/runtime/guest.ld
	@echo "  LD      $@"
	$(Q)$(HOSTILE_LD) -o $@ $< $(GUEST_RUNTIME_OBJS) \
		/usr/lib/x86_64-linux-gnu/libfdt.a
$(HOSTILE_OUT)/%.elf: $(HOSTILE_OUT)/obj/%.o $(HOSTILE_OUT)/lib/hostile.o \
		$(GUEST_RUNTIME_OBJS) $(GUEST_SRC)/runtime/guest.ld
	@echo "  LD      $@"
	$(Q)$(HOSTILE_LD) -o $@ $< $(HOSTILE_OUT)/lib/hostile.o \
		$(GUEST_RUNTIME_OBJS) /usr/lib/x86_64-linux-gnu/libfdt.a

guests: $(HOSTILE_ELFS)

-include $(wildcard $(HOSTILE_OUT)/obj/*.d $(HOSTILE_OUT)/lib/*.d \
	$(HOSTILE_OUT)/victim/*.d)
