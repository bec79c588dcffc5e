# Build rules for the hypervisor image; included by the top-level Makefile.
#
# The image is linked twice: first with an empty symbol table, then with
# the table generated from the first link (see tools/gen-symbols.py).

HV_SRC   := hypervisor
HV_OUT   := $(BUILD)/hypervisor
HV_ARCH  := $(HV_SRC)/arch/x86_64

KEEL_VERSION      := 0.1.0
KEEL_GIT_REVISION := $(shell git describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)

HV_CPPFLAGS := -I$(HV_SRC)/include -I$(HV_ARCH)/include -Ihypercall-abi/include \
	-I$(HV_OUT)/include \
	-include $(HV_SRC)/include/compiler.h \
	-DKEEL_VERSION='"$(KEEL_VERSION)"' \
	-DKEEL_GIT_REVISION='"$(KEEL_GIT_REVISION)"' \
	-DKEEL_BUILD_INFO='"gcc $(shell $(CC) -dumpversion), x86_64"'

HV_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fpie -fno-plt \
	-mno-red-zone -mgeneral-regs-only -mno-mmx -mno-sse -mno-sse2 \
	-fno-stack-protector -fno-omit-frame-pointer \
	-mno-omit-leaf-frame-pointer -fno-asynchronous-unwind-tables \
	-fno-unwind-tables -fcf-protection=none -fno-common \
	-fno-tree-loop-distribute-patterns -fno-strict-aliasing \
	-Wall -Wextra -Werror -Wno-unused-parameter -Wstrict-prototypes \
	-Wmissing-prototypes -MMD -MP

HV_ASFLAGS := -D__ASSEMBLER__ -MMD -MP

HV_C_SOURCES := $(wildcard $(HV_SRC)/common/*.c) $(wildcard $(HV_ARCH)/*.c) \
		$(wildcard $(HV_ARCH)/pv/*.c)
HV_S_SOURCES := $(filter-out %.ld.S,$(wildcard $(HV_ARCH)/*.S)) \
		$(wildcard $(HV_ARCH)/boot/*.S) $(wildcard $(HV_ARCH)/pv/*.S)
# libfdt from Debian's libfdt-dev; see arch/x86_64/fdt_env.c for the
# stack-protector arrangement it needs.
HV_LIBS := /usr/lib/x86_64-linux-gnu/libfdt.a
HV_OBJECTS   := $(patsubst $(HV_SRC)/%.c,$(HV_OUT)/%.o,$(HV_C_SOURCES)) \
		$(patsubst $(HV_SRC)/%.S,$(HV_OUT)/%.o,$(HV_S_SOURCES))

$(HV_OUT)/%.o: $(HV_SRC)/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(HV_CPPFLAGS) $(HV_CFLAGS) -c $< -o $@

$(HV_OUT)/%.o: $(HV_SRC)/%.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(HV_CPPFLAGS) $(HV_ASFLAGS) -c $< -o $@

# Structure offsets for assembly: compile gen/asm_offsets.c to assembly
# and keep its "->NAME value" markers as #defines (see that file). Every
# assembly source may include it.
HV_ASM_OFFSETS := $(HV_OUT)/include/asm_offsets.h

$(HV_ASM_OFFSETS): $(HV_ARCH)/gen/asm_offsets.c
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)$(CC) $(HV_CPPFLAGS) $(filter-out -MMD -MP,$(HV_CFLAGS)) \
		-MMD -MP -MT $@ -MF $@.d -S $< -o $@.s
	$(Q){ echo "/* Generated from $< by hypervisor/build.mk. */"; \
	  echo "#ifndef ASM_OFFSETS_H"; echo "#define ASM_OFFSETS_H"; \
	  sed -n 's/.*->\([A-Z_0-9]*\) \$$\{0,1\}\(-\{0,1\}[0-9]*\).*/#define \1 \2/p' $@.s; \
	  echo "#endif"; } > $@.tmp
	$(Q)mv $@.tmp $@

# Assembly objects depend on it (their .d files add the rest).
$(patsubst $(HV_SRC)/%.S,$(HV_OUT)/%.o,$(HV_S_SOURCES)): $(HV_ASM_OFFSETS)

-include $(HV_OUT)/include/asm_offsets.h.d

# The version object picks up the git revision: rebuild it every time.
$(HV_OUT)/common/version.o: FORCE

$(HV_OUT)/keel.ld: $(HV_ARCH)/keel.ld.S
	@mkdir -p $(dir $@)
	$(CC) -E -P -x c $(HV_CPPFLAGS) -D__ASSEMBLER__ $< -o $@

HV_LDFLAGS := -m elf_x86_64 -nostdlib -static -z max-page-size=0x1000 \
	-z noexecstack --build-id=none --no-warn-rwx-segments

$(HV_OUT)/symbols-empty.S:
	@mkdir -p $(dir $@)
	python3 $(HV_SRC)/tools/gen-symbols.py - $@

$(HV_OUT)/%.sym.o: $(HV_OUT)/%.S
	$(CC) -c $< -o $@

$(HV_OUT)/keel-pass1.elf: $(HV_OBJECTS) $(HV_OUT)/symbols-empty.sym.o $(HV_OUT)/keel.ld
	@echo "  LD      $@"
	$(Q)$(LD) $(HV_LDFLAGS) -T $(HV_OUT)/keel.ld -o $@ $(HV_OBJECTS) $(HV_OUT)/symbols-empty.sym.o $(HV_LIBS)

$(HV_OUT)/symbols.S: $(HV_OUT)/keel-pass1.elf $(HV_SRC)/tools/gen-symbols.py
	nm -n $< > $(HV_OUT)/keel-pass1.nm
	python3 $(HV_SRC)/tools/gen-symbols.py $(HV_OUT)/keel-pass1.nm $@

$(BUILD)/keel.elf: $(HV_OUT)/keel-pass1.elf $(HV_OUT)/symbols.sym.o
	@echo "  LD      $@ (with symbol table)"
	$(Q)$(LD) $(HV_LDFLAGS) -T $(HV_OUT)/keel.ld -o $@ $(HV_OBJECTS) $(HV_OUT)/symbols.sym.o $(HV_LIBS)
	nm -n $@ > $(HV_OUT)/keel.nm
	python3 $(HV_SRC)/tools/gen-symbols.py --compare $(HV_OUT)/keel-pass1.nm $(HV_OUT)/keel.nm

-include $(HV_OBJECTS:.o=.d)

.PHONY: FORCE
FORCE:
