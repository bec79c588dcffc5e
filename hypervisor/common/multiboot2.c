/*
 * Multiboot2 information parsing.
 *
 * The block is: a u32 total size, a u32 reserved word, then tags, each
 * 8-byte aligned and starting with a u32 type and a u32 size (which counts
 * the 8-byte tag header). A type-0 tag of size 8 ends the list.
 *
 * The boot loader is trusted to boot us, not to be bug-free: tag sizes that
 * run past the block stop parsing, strings without a terminator are cut at
 * the tag's end, and entries that make no sense are skipped with a warning.
 */
#include <byteorder.h>
#include <errno_values.h>
#include <format.h>
#include <multiboot2.h>

static void warn(struct boot_info *bi, const char *fmt, ...)
	__printf(2, 3);

static void warn(struct boot_info *bi, const char *fmt, ...)
{
	va_list ap;

	if (bi->nr_warnings >= BOOT_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	format_string_va(bi->warnings[bi->nr_warnings++],
			 sizeof(bi->warnings[0]), fmt, ap);
	va_end(ap);
}

/* Copy a string that must end inside [p, p + len). */
static void copy_string(char *dst, size_t dst_size, const uint8_t *p,
			size_t len, struct boot_info *bi, const char *what)
{
	size_t n = 0;

	while (n < len && p[n])
		n++;
	if (n == len)
		warn(bi, "%s: string not terminated inside its tag", what);
	if (n >= dst_size) {
		warn(bi, "%s: string of %zu bytes cut to %zu", what, n,
		     dst_size - 1);
		n = dst_size - 1;
	}
	for (size_t i = 0; i < n; i++)
		dst[i] = (char)p[i];
	dst[n] = '\0';
}

static void parse_module(const uint8_t *tag, uint32_t size,
			 struct boot_info *bi)
{
	if (size < 16) {
		warn(bi, "module tag of %u bytes is too short", size);
		return;
	}
	uint32_t start = get_le32(tag + 8), end = get_le32(tag + 12);
	if (end < start) {
		warn(bi, "module [%#x, %#x) ends before it starts", start, end);
		return;
	}
	if (bi->nr_modules == BOOT_MAX_MODULES) {
		warn(bi, "more than %d modules; the rest are ignored",
		     BOOT_MAX_MODULES);
		return;
	}
	struct boot_module *m = &bi->modules[bi->nr_modules++];
	m->start = start;
	m->end = end;
	copy_string(m->cmdline, sizeof(m->cmdline), tag + 16, size - 16, bi,
		    "module command line");
}

static void parse_mmap(const uint8_t *tag, uint32_t size, struct boot_info *bi)
{
	if (size < 16) {
		warn(bi, "memory map tag of %u bytes is too short", size);
		return;
	}
	uint32_t entry_size = get_le32(tag + 8);
	if (entry_size < 24 || entry_size % 8) {
		warn(bi, "memory map entry size %u is invalid", entry_size);
		return;
	}
	/* off <= size throughout; written so that a huge entry_size cannot
	 * wrap the sum around. */
	for (uint32_t off = 16; entry_size <= size - off; off += entry_size) {
		const uint8_t *e = tag + off;
		uint64_t addr = get_le64(e), len = get_le64(e + 8);

		if (len == 0)
			continue;
		if (addr + len < addr) {
			warn(bi, "memory map entry at %#llx wraps around",
			     (unsigned long long)addr);
			continue;
		}
		if (bi->nr_mmap == BOOT_MAX_MMAP) {
			warn(bi, "memory map has more than %d entries",
			     BOOT_MAX_MMAP);
			return;
		}
		struct boot_mmap_entry *m = &bi->mmap[bi->nr_mmap++];
		m->addr = addr;
		m->len = len;
		m->type = get_le32(e + 16);
	}
}

static void parse_rsdp(const uint8_t *tag, uint32_t size, struct boot_info *bi,
		       unsigned int want)
{
	if (size - 8 < want) {
		warn(bi, "ACPI RSDP tag of %u bytes is too short", size);
		return;
	}
	/* Prefer the ACPI 2.0 copy when both are present. */
	if (bi->rsdp_len > want)
		return;
	for (unsigned int i = 0; i < want; i++)
		bi->rsdp[i] = tag[8 + i];
	bi->rsdp_len = want;
}

int multiboot2_parse(const void *info, size_t avail, struct boot_info *out)
{
	const uint8_t *base = info;

	*out = (struct boot_info){ 0 };
	if (avail < 8) {
		warn(out, "information block is shorter than its header");
		return -EINVAL;
	}
	uint32_t total = get_le32(base);
	if (total < 16 || total > avail || total > MB2_INFO_MAX_SIZE) {
		warn(out, "information block size %u is invalid", total);
		return -EINVAL;
	}

	uint32_t off = 8;
	while (off + 8 <= total) {
		const uint8_t *tag = base + off;
		uint32_t type = get_le32(tag), size = get_le32(tag + 4);

		if (size < 8 || size > total - off) {
			warn(out, "tag %u at offset %#x has size %u, past the "
			     "block's end", type, off, size);
			return -EINVAL;
		}
		switch (type) {
		case MB2_TAG_END:
			return 0;
		case MB2_TAG_CMDLINE:
			copy_string(out->cmdline, sizeof(out->cmdline), tag + 8,
				    size - 8, out, "command line");
			break;
		case MB2_TAG_LOADER_NAME:
			copy_string(out->loader_name, sizeof(out->loader_name),
				    tag + 8, size - 8, out, "boot loader name");
			break;
		case MB2_TAG_MODULE:
			parse_module(tag, size, out);
			break;
		case MB2_TAG_MMAP:
			parse_mmap(tag, size, out);
			break;
		case MB2_TAG_ACPI_OLD:
			parse_rsdp(tag, size, out, 20);
			break;
		case MB2_TAG_ACPI_NEW:
			parse_rsdp(tag, size, out, 36);
			break;
		default:
			break;	/* tags we do not use */
		}
		off += (size + 7) & ~7u;
	}
	warn(out, "information block has no end tag");
	return 0;
}

const char *multiboot2_memory_type_name(uint32_t type)
{
	switch (type) {
	case MB2_MEMORY_AVAILABLE:        return "usable";
	case MB2_MEMORY_RESERVED:         return "reserved";
	case MB2_MEMORY_ACPI_RECLAIMABLE: return "ACPI data";
	case MB2_MEMORY_NVS:              return "ACPI NVS";
	case MB2_MEMORY_BADRAM:           return "bad RAM";
	default:                          return "unknown";
	}
}
