/*
 * Multiboot2 boot information, parsed into a fixed structure that the rest
 * of boot uses (common/multiboot2.c).
 *
 * The parser trusts nothing in the information block: every tag's size and
 * every string is checked against the block's own total size, and problems
 * are recorded as warnings rather than followed.
 */
#ifndef KEEL_MULTIBOOT2_H
#define KEEL_MULTIBOOT2_H

#include "types.h"

#define MB2_BOOTLOADER_MAGIC  0x36d76289

#define MB2_TAG_END           0
#define MB2_TAG_CMDLINE       1
#define MB2_TAG_LOADER_NAME   2
#define MB2_TAG_MODULE        3
#define MB2_TAG_BASIC_MEMINFO 4
#define MB2_TAG_MMAP          6
#define MB2_TAG_ACPI_OLD      14
#define MB2_TAG_ACPI_NEW      15

#define MB2_MEMORY_AVAILABLE        1
#define MB2_MEMORY_RESERVED         2
#define MB2_MEMORY_ACPI_RECLAIMABLE 3
#define MB2_MEMORY_NVS              4
#define MB2_MEMORY_BADRAM           5

#define BOOT_MAX_MODULES   32
#define BOOT_MAX_MMAP      128
#define BOOT_CMDLINE_MAX   1024
#define BOOT_MODULE_CMDLINE_MAX 256
#define BOOT_MAX_WARNINGS  8
#define MB2_INFO_MAX_SIZE  (1u << 20)	/* larger blocks are refused */

struct boot_module {
	uint64_t start;		/* machine address of the first byte */
	uint64_t end;		/* one past the last byte */
	char cmdline[BOOT_MODULE_CMDLINE_MAX];
};

struct boot_mmap_entry {
	uint64_t addr;
	uint64_t len;
	uint32_t type;		/* MB2_MEMORY_* */
};

struct boot_info {
	char cmdline[BOOT_CMDLINE_MAX];
	char loader_name[64];
	unsigned int nr_modules;
	struct boot_module modules[BOOT_MAX_MODULES];
	unsigned int nr_mmap;
	struct boot_mmap_entry mmap[BOOT_MAX_MMAP];
	uint8_t rsdp[36];	/* copy of the ACPI RSDP, when given */
	unsigned int rsdp_len;	/* 0: none; 20: ACPI 1.0; 36: ACPI 2.0+ */
	unsigned int nr_warnings;
	char warnings[BOOT_MAX_WARNINGS][96];
};

/*
 * Parse the information block at @info, of which at most @avail bytes may
 * be read. Returns 0 when the block's structure was sound (individual bad
 * tags are skipped and noted in @out->warnings), or -EINVAL when the block
 * itself is unusable (bad total size, a tag running past the end); what was
 * parsed before the bad tag is kept in @out either way.
 */
int multiboot2_parse(const void *info, size_t avail, struct boot_info *out);

const char *multiboot2_memory_type_name(uint32_t type);

#endif
