/* Unit tests for the Multiboot2 information parser
 * (hypervisor/common/multiboot2.c). */
#include <stdlib.h>
#include <string.h>

#include <errno.h>
#include <multiboot2.h>

#include "unit.h"

/* ---- A builder for information blocks -------------------------------- */

struct mb {
	uint8_t buf[16384];
	size_t len;
};

static void mb_begin(struct mb *b)
{
	memset(b->buf, 0, sizeof(b->buf));
	b->len = 8;
}

/* Append a tag with an explicit size field (which may lie); @plen payload
 * bytes are copied. The next tag starts at the 8-byte aligned end of the
 * payload. Returns the tag's offset. */
static size_t mb_tag_raw(struct mb *b, uint32_t type, uint32_t size,
			 const void *payload, size_t plen)
{
	size_t off = b->len;

	ck_assert_uint_le(off + 8 + plen + 8, sizeof(b->buf));
	put_u32(b->buf + off, type);
	put_u32(b->buf + off + 4, size);
	if (plen)
		memcpy(b->buf + off + 8, payload, plen);
	b->len = ALIGN_UP(off + 8 + plen, 8);
	return off;
}

static size_t mb_tag(struct mb *b, uint32_t type, const void *payload,
		     size_t plen)
{
	return mb_tag_raw(b, type, (uint32_t)(8 + plen), payload, plen);
}

static void mb_string(struct mb *b, uint32_t type, const char *s)
{
	mb_tag(b, type, s, strlen(s) + 1);
}

static void mb_module(struct mb *b, uint32_t start, uint32_t end,
		      const char *cmdline)
{
	uint8_t p[512];
	size_t n = strlen(cmdline) + 1;

	ck_assert_uint_le(8 + n, sizeof(p));
	put_u32(p, start);
	put_u32(p + 4, end);
	memcpy(p + 8, cmdline, n);
	mb_tag(b, MB2_TAG_MODULE, p, 8 + n);
}

struct mmap_ent {
	uint64_t addr, len;
	uint32_t type;
};

/* A memory map tag with entries of @entry_size bytes. */
static void mb_mmap(struct mb *b, uint32_t entry_size,
		    const struct mmap_ent *e, unsigned int n)
{
	static uint8_t p[8 + 256 * 64];

	ck_assert_uint_le(8 + (size_t)n * entry_size, sizeof(p));
	memset(p, 0, sizeof(p));
	put_u32(p, entry_size);
	put_u32(p + 4, 0);
	for (unsigned int i = 0; i < n; i++) {
		uint8_t *q = p + 8 + (size_t)i * entry_size;
		put_u64(q, e[i].addr);
		put_u64(q + 8, e[i].len);
		put_u32(q + 16, e[i].type);
		/* the rest of the entry is reserved and left as junk */
		for (uint32_t k = 20; k < entry_size; k++)
			q[k] = 0xee;
	}
	mb_tag(b, MB2_TAG_MMAP, p, 8 + (size_t)n * entry_size);
}

static void mb_set_total(struct mb *b, uint32_t total)
{
	put_u32(b->buf, total);
}

static void mb_end(struct mb *b)
{
	mb_tag(b, MB2_TAG_END, NULL, 0);
	mb_set_total(b, (uint32_t)b->len);
}

/* Close the block without an end tag. */
static void mb_close_no_end(struct mb *b)
{
	mb_set_total(b, (uint32_t)b->len);
}

/* Parse a copy of the first @avail bytes of @b in a heap buffer of exactly
 * @avail bytes, so that AddressSanitizer catches any read past it. */
static int parse_avail(const struct mb *b, size_t avail, struct boot_info *bi)
{
	uint8_t *copy = malloc(avail ? avail : 1);
	int rc;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, b->buf, avail);
	memset(bi, 0xcc, sizeof(*bi));	/* parse must clear everything */
	rc = multiboot2_parse(copy, avail, bi);
	free(copy);
	return rc;
}

static int parse(const struct mb *b, struct boot_info *bi)
{
	return parse_avail(b, b->len, bi);
}

static bool has_warning(const struct boot_info *bi, const char *needle)
{
	for (unsigned int i = 0; i < bi->nr_warnings && i < BOOT_MAX_WARNINGS; i++)
		if (strstr(bi->warnings[i], needle))
			return true;
	return false;
}

static void make_rsdp(uint8_t *r, unsigned int len, uint8_t fill)
{
	for (unsigned int i = 0; i < len; i++)
		r[i] = (uint8_t)(fill + i);
	memcpy(r, "RSD PTR ", 8);
}

static struct boot_info bi;	/* large: keep it off the stack */

/* ---- Well-formed input ----------------------------------------------- */

START_TEST(good_block)
{
	static const struct mmap_ent mm[] = {
		{ 0x0, 0x9fc00, MB2_MEMORY_AVAILABLE },
		{ 0x9fc00, 0x400, MB2_MEMORY_RESERVED },
		{ 0x100000, 0x7fee0000, MB2_MEMORY_AVAILABLE },
		{ 0x7ffe0000, 0x20000, MB2_MEMORY_ACPI_RECLAIMABLE },
		{ 0xfee00000, 0x1000, MB2_MEMORY_NVS },
		{ 0x100000000ULL, 0x380000000ULL, MB2_MEMORY_AVAILABLE },
	};
	uint8_t old_rsdp[20], new_rsdp[36], meminfo[8] = { 1, 2, 3, 4 };
	struct mb *b = malloc(sizeof(*b));

	ck_assert_ptr_nonnull(b);
	make_rsdp(old_rsdp, sizeof(old_rsdp), 0x10);
	make_rsdp(new_rsdp, sizeof(new_rsdp), 0x40);
	mb_begin(b);
	mb_string(b, MB2_TAG_CMDLINE, "console=com1 loglvl=all dom0_mem=1G");
	mb_string(b, MB2_TAG_LOADER_NAME, "GRUB 2.06");
	mb_tag(b, MB2_TAG_BASIC_MEMINFO, meminfo, sizeof(meminfo));
	mb_module(b, 0x1000000, 0x1a2b3c5, "vmlinuz root=/dev/sda1");
	mb_tag(b, 21, "unknown", 7);	/* a tag type we do not use */
	mb_module(b, 0x2000000, 0x2100000, "initrd");
	mb_module(b, 0x3000000, 0x3000000, "");
	mb_tag(b, MB2_TAG_ACPI_OLD, old_rsdp, sizeof(old_rsdp));
	mb_mmap(b, 24, mm, ARRAY_SIZE(mm));
	mb_tag(b, MB2_TAG_ACPI_NEW, new_rsdp, sizeof(new_rsdp));
	mb_end(b);

	ck_assert_int_eq(parse(b, &bi), 0);
	ck_assert_uint_eq(bi.nr_warnings, 0);
	ck_assert_str_eq(bi.cmdline, "console=com1 loglvl=all dom0_mem=1G");
	ck_assert_str_eq(bi.loader_name, "GRUB 2.06");

	ck_assert_uint_eq(bi.nr_modules, 3);
	ck_assert_uint_eq(bi.modules[0].start, 0x1000000);
	ck_assert_uint_eq(bi.modules[0].end, 0x1a2b3c5);
	ck_assert_str_eq(bi.modules[0].cmdline, "vmlinuz root=/dev/sda1");
	ck_assert_uint_eq(bi.modules[1].start, 0x2000000);
	ck_assert_uint_eq(bi.modules[1].end, 0x2100000);
	ck_assert_str_eq(bi.modules[1].cmdline, "initrd");
	ck_assert_uint_eq(bi.modules[2].start, 0x3000000);
	ck_assert_uint_eq(bi.modules[2].end, 0x3000000);
	ck_assert_str_eq(bi.modules[2].cmdline, "");

	ck_assert_uint_eq(bi.nr_mmap, ARRAY_SIZE(mm));
	for (unsigned int i = 0; i < ARRAY_SIZE(mm); i++) {
		ck_assert_uint_eq(bi.mmap[i].addr, mm[i].addr);
		ck_assert_uint_eq(bi.mmap[i].len, mm[i].len);
		ck_assert_uint_eq(bi.mmap[i].type, mm[i].type);
	}

	/* The ACPI 2.0 copy wins over the 1.0 one that came first. */
	ck_assert_uint_eq(bi.rsdp_len, 36);
	ck_assert_mem_eq(bi.rsdp, new_rsdp, 36);
	free(b);
}
END_TEST

START_TEST(acpi_rsdp_choice)
{
	uint8_t old_rsdp[20], new_rsdp[36];
	struct mb *b = malloc(sizeof(*b));

	ck_assert_ptr_nonnull(b);
	make_rsdp(old_rsdp, sizeof(old_rsdp), 0x10);
	make_rsdp(new_rsdp, sizeof(new_rsdp), 0x40);

	/* Old only. */
	mb_begin(b);
	mb_tag(b, MB2_TAG_ACPI_OLD, old_rsdp, sizeof(old_rsdp));
	mb_end(b);
	ck_assert_int_eq(parse(b, &bi), 0);
	ck_assert_uint_eq(bi.rsdp_len, 20);
	ck_assert_mem_eq(bi.rsdp, old_rsdp, 20);

	/* New first, then old: new is kept. */
	mb_begin(b);
	mb_tag(b, MB2_TAG_ACPI_NEW, new_rsdp, sizeof(new_rsdp));
	mb_tag(b, MB2_TAG_ACPI_OLD, old_rsdp, sizeof(old_rsdp));
	mb_end(b);
	ck_assert_int_eq(parse(b, &bi), 0);
	ck_assert_uint_eq(bi.rsdp_len, 36);
	ck_assert_mem_eq(bi.rsdp, new_rsdp, 36);
	ck_assert_uint_eq(bi.nr_warnings, 0);

	/* No RSDP at all. */
	mb_begin(b);
	mb_end(b);
	ck_assert_int_eq(parse(b, &bi), 0);
	ck_assert_uint_eq(bi.rsdp_len, 0);

	/* Short RSDP tags are refused with a warning. */
	mb_begin(b);
	mb_tag(b, MB2_TAG_ACPI_NEW, new_rsdp, 20);
	mb_tag(b, MB2_TAG_ACPI_OLD, old_rsdp, 19);
	mb_end(b);
	ck_assert_int_eq(parse(b, &bi), 0);
	ck_assert_uint_eq(bi.rsdp_len, 0);
	ck_assert_uint_eq(bi.nr_warnings, 2);
	ck_assert(has_warning(&bi, "RSDP"));
	free(b);
}
END_TEST

START_TEST(parse_clears_output)
{
	struct mb *b = malloc(sizeof(*b));

	ck_assert_ptr_nonnull(b);
	mb_begin(b);
	mb_end(b);
	ck_assert_int_eq(parse(b, &bi), 0);
	ck_assert_str_eq(bi.cmdline, "");
	ck_assert_str_eq(bi.loader_name, "");
	ck_assert_uint_eq(bi.nr_modules, 0);
	ck_assert_uint_eq(bi.nr_mmap, 0);
	ck_assert_uint_eq(bi.rsdp_len, 0);
	ck_assert_uint_eq(bi.nr_warnings, 0);
	free(b);
}
END_TEST

START_TEST(end_tag_stops_parsing)
{
	struct mb *b = malloc(sizeof(*b));

	ck_assert_ptr_nonnull(b);
	mb_begin(b);
	mb_string(b, MB2_TAG_CMDLINE, "first");
	mb_tag(b, MB2_TAG_END, NULL, 0);
	mb_string(b, MB2_TAG_LOADER_NAME, "after the end");
	mb_module(b, 1, 2, "after the end");
	mb_close_no_end(b);
	ck_assert_int_eq(parse(b, &bi), 0);
	ck_assert_str_eq(bi.cmdline, "first");
	ck_assert_str_eq(bi.loader_name, "");
	ck_assert_uint_eq(bi.nr_modules, 0);
	ck_assert_uint_eq(bi.nr_warnings, 0);
	free(b);
}
END_TEST

START_TEST(memory_type_names)
{
	ck_assert_str_eq(multiboot2_memory_type_name(MB2_MEMORY_AVAILABLE), "usable");
	ck_assert_str_eq(multiboot2_memory_type_name(MB2_MEMORY_RESERVED), "reserved");
	ck_assert_str_eq(multiboot2_memory_type_name(MB2_MEMORY_ACPI_RECLAIMABLE),
			 "ACPI data");
	ck_assert_str_eq(multiboot2_memory_type_name(MB2_MEMORY_NVS), "ACPI NVS");
	ck_assert_str_eq(multiboot2_memory_type_name(MB2_MEMORY_BADRAM), "bad RAM");
	ck_assert_str_eq(multiboot2_memory_type_name(0), "unknown");
	ck_assert_str_eq(multiboot2_memory_type_name(99), "unknown");
}
END_TEST

/* ---- Malformed blocks ------------------------------------------------ */

START_TEST(total_size_too_small)
{
	struct mb *b = malloc(sizeof(*b));

	ck_assert_ptr_nonnull(b);
	for (uint32_t total = 0; total < 16; total++) {
		mb_begin(b);
		mb_end(b);
		mb_set_total(b, total);
		ck_assert_int_eq(parse(b, &bi), -EINVAL);
		ck_assert_uint_eq(bi.nr_warnings, 1);
		ck_assert(has_warning(&bi, "size"));
	}
	/* Fewer than 8 readable bytes: not even the header. */
	for (size_t avail = 0; avail < 8; avail++) {
		mb_begin(b);
		mb_end(b);
		ck_assert_int_eq(parse_avail(b, avail, &bi), -EINVAL);
		ck_assert_uint_eq(bi.nr_warnings, 1);
	}
	free(b);
}
END_TEST

START_TEST(total_size_past_avail)
{
	struct mb *b = malloc(sizeof(*b));

	ck_assert_ptr_nonnull(b);
	mb_begin(b);
	mb_string(b, MB2_TAG_CMDLINE, "never seen");
	mb_end(b);
	ck_assert_int_eq(parse_avail(b, b->len - 1, &bi), -EINVAL);
	ck_assert_str_eq(bi.cmdline, "");
	ck_assert_uint_eq(bi.nr_warnings, 1);
	ck_assert_int_eq(parse_avail(b, 16, &bi), -EINVAL);
	ck_assert_int_eq(parse_avail(b, b->len, &bi), 0);
	ck_assert_str_eq(bi.cmdline, "never seen");
	free(b);
}
END_TEST

START_TEST(total_size_over_limit)
{
	size_t avail = MB2_INFO_MAX_SIZE + 64;
	uint8_t *buf = calloc(1, avail);

	ck_assert_ptr_nonnull(buf);
	/* A long, well-formed block of unknown tags, 8 bytes too big. */
	uint32_t total = MB2_INFO_MAX_SIZE + 8;
	put_u32(buf, total);
	put_u32(buf + 8, 99);
	put_u32(buf + 12, total - 16);
	put_u32(buf + total - 8, MB2_TAG_END);
	put_u32(buf + total - 4, 8);
	ck_assert_int_eq(multiboot2_parse(buf, avail, &bi), -EINVAL);
	ck_assert_uint_eq(bi.nr_warnings, 1);

	/* Exactly at the limit is fine. */
	total = MB2_INFO_MAX_SIZE;
	put_u32(buf, total);
	put_u32(buf + 12, total - 16);
	put_u32(buf + total - 8, MB2_TAG_END);
	put_u32(buf + total - 4, 8);
	ck_assert_int_eq(multiboot2_parse(buf, avail, &bi), 0);
	ck_assert_uint_eq(bi.nr_warnings, 0);
	free(buf);
}
END_TEST

START_TEST(tag_size_below_header)
{
	struct mb *b = malloc(sizeof(*b));

	ck_assert_ptr_nonnull(b);
	for (uint32_t size = 0; size < 8; size++) {
		mb_begin(b);
		mb_string(b, MB2_TAG_CMDLINE, "kept");
		mb_module(b, 0x1000, 0x2000, "mod");
		mb_tag_raw(b, MB2_TAG_LOADER_NAME, size, "x\0\0\0\0\0\0", 8);
		mb_string(b, MB2_TAG_LOADER_NAME, "not reached");
		mb_end(b);
		ck_assert_int_eq(parse(b, &bi), -EINVAL);
		ck_assert_str_eq(bi.cmdline, "kept");
		ck_assert_uint_eq(bi.nr_modules, 1);
		ck_assert_str_eq(bi.modules[0].cmdline, "mod");
		ck_assert_str_eq(bi.loader_name, "");
		ck_assert_uint_eq(bi.nr_warnings, 1);
	}
	free(b);
}
END_TEST

START_TEST(tag_size_past_end)
{
	struct mb *b = malloc(sizeof(*b));

	ck_assert_ptr_nonnull(b);
	mb_begin(b);
	mb_string(b, MB2_TAG_CMDLINE, "kept");
	mb_module(b, 0x1000, 0x2000, "mod");
	size_t off = mb_tag(b, MB2_TAG_LOADER_NAME, "loader", 7);
	mb_end(b);
	/* The loader name tag claims to run one byte past the block... */
	put_u32(b->buf + off + 4, (uint32_t)(b->len - off + 1));
	ck_assert_int_eq(parse(b, &bi), -EINVAL);
	ck_assert_str_eq(bi.cmdline, "kept");
	ck_assert_uint_eq(bi.nr_modules, 1);
	ck_assert_uint_eq(bi.modules[0].start, 0x1000);
	ck_assert_str_eq(bi.loader_name, "");
	ck_assert_uint_eq(bi.nr_warnings, 1);
	ck_assert(has_warning(&bi, "past"));

	/* ...or far past it. */
	put_u32(b->buf + off + 4, 0xfffffff8u);
	ck_assert_int_eq(parse(b, &bi), -EINVAL);
	ck_assert_str_eq(bi.cmdline, "kept");

	/* Exactly to the end of the block is fine (no end tag then). */
	put_u32(b->buf + off + 4, (uint32_t)(b->len - off));
	ck_assert_int_eq(parse(b, &bi), 0);
	ck_assert_str_eq(bi.loader_name, "loader");
	free(b);
}
END_TEST

START_TEST(unterminated_strings)
{
	struct mb *b = malloc(sizeof(*b));

	ck_assert_ptr_nonnull(b);
	mb_begin(b);
	/* 8 payload bytes without a NUL, followed directly by the next tag
	 * whose first byte is not zero either. */
	mb_tag(b, MB2_TAG_CMDLINE, "ABCDEFGH", 8);
	mb_tag(b, MB2_TAG_LOADER_NAME, "loader12", 8);
	mb_end(b);
	ck_assert_int_eq(parse(b, &bi), 0);
	ck_assert_str_eq(bi.cmdline, "ABCDEFGH");
	ck_assert_str_eq(bi.loader_name, "loader12");
	ck_assert_uint_eq(bi.nr_warnings, 2);
	ck_assert(has_warning(&bi, "command line: string not terminated"));
	ck_assert(has_warning(&bi, "boot loader name: string not terminated"));

	/* A module command line, unterminated, at the very end of a block
	 * without an end tag: nothing past the tag may be read. */
	uint8_t p[8 + 5];
	put_u32(p, 0x1000);
	put_u32(p + 4, 0x2000);
	memcpy(p + 8, "modXY", 5);
	mb_begin(b);
	mb_tag(b, MB2_TAG_MODULE, p, sizeof(p));
	b->len -= 3;	/* the tag is 21 bytes: cut its padding */
	mb_close_no_end(b);
	ck_assert_uint_eq(b->len, 8 + 21);
	ck_assert_int_eq(parse(b, &bi), 0);
	ck_assert_uint_eq(bi.nr_modules, 1);
	ck_assert_str_eq(bi.modules[0].cmdline, "modXY");
	ck_assert(has_warning(&bi, "module command line: string not terminated"));
	ck_assert(has_warning(&bi, "no end tag"));
	ck_assert_uint_eq(bi.nr_warnings, 2);

	/* An empty payload gives an empty string, also with a warning. */
	mb_begin(b);
	mb_tag(b, MB2_TAG_CMDLINE, NULL, 0);
	mb_end(b);
	ck_assert_int_eq(parse(b, &bi), 0);
	ck_assert_str_eq(bi.cmdline, "");
	ck_assert_uint_eq(bi.nr_warnings, 1);
	free(b);
}
END_TEST

START_TEST(long_strings_are_cut)
{
	struct mb *b = malloc(sizeof(*b));
	char *s = malloc(3000);

	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(s);
	for (int i = 0; i < 2999; i++)
		s[i] = (char)('a' + i % 26);
	s[2999] = '\0';

	mb_begin(b);
	mb_string(b, MB2_TAG_CMDLINE, s);
	s[100] = '\0';
	mb_string(b, MB2_TAG_LOADER_NAME, s);
	s[300] = '\0';
	s[100] = 'w';
	mb_module(b, 0, 1, s);
	mb_end(b);

	ck_assert_int_eq(parse(b, &bi), 0);
	ck_assert_uint_eq(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
	ck_assert_int_eq(memcmp(bi.cmdline, s, 100), 0);
	ck_assert_uint_eq(strlen(bi.loader_name), sizeof(bi.loader_name) - 1);
	ck_assert_int_eq(memcmp(bi.loader_name, s, sizeof(bi.loader_name) - 1), 0);
	ck_assert_uint_eq(bi.nr_modules, 1);
	ck_assert_uint_eq(strlen(bi.modules[0].cmdline), BOOT_MODULE_CMDLINE_MAX - 1);
	ck_assert_int_eq(memcmp(bi.modules[0].cmdline, s,
				BOOT_MODULE_CMDLINE_MAX - 1), 0);
	ck_assert_uint_eq(bi.nr_warnings, 3);
	ck_assert(has_warning(&bi, "command line: string of 2999 bytes cut to 1023"));
	ck_assert(has_warning(&bi, "boot loader name: string of 100 bytes cut to 63"));
	ck_assert(has_warning(&bi, "module command line: string of 300 bytes cut to 255"));
	free(s);
	free(b);
}
END_TEST

START_TEST(string_length_boundaries)
{
	struct mb *b = malloc(sizeof(*b));
	char s[BOOT_CMDLINE_MAX + 1];

	ck_assert_ptr_nonnull(b);
	memset(s, 'k', sizeof(s));

	/* One byte short of each buffer: fits, no warning. */
	s[BOOT_CMDLINE_MAX - 1] = '\0';
	mb_begin(b);
	mb_string(b, MB2_TAG_CMDLINE, s);
	s[BOOT_CMDLINE_MAX - 1] = 'k';
	s[sizeof(bi.loader_name) - 1] = '\0';
	mb_string(b, MB2_TAG_LOADER_NAME, s);
	s[sizeof(bi.loader_name) - 1] = 'k';
	mb_end(b);
	ck_assert_int_eq(parse(b, &bi), 0);
	ck_assert_uint_eq(bi.nr_warnings, 0);
	ck_assert_uint_eq(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
	ck_assert_uint_eq(strlen(bi.loader_name), sizeof(bi.loader_name) - 1);

	/* Exactly the buffer size: one byte too long. */
	s[BOOT_CMDLINE_MAX] = '\0';
	mb_begin(b);
	mb_string(b, MB2_TAG_CMDLINE, s);
	s[BOOT_CMDLINE_MAX] = 'k';
	s[sizeof(bi.loader_name)] = '\0';
	mb_string(b, MB2_TAG_LOADER_NAME, s);
	mb_end(b);
	ck_assert_int_eq(parse(b, &bi), 0);
	ck_assert_uint_eq(bi.nr_warnings, 2);
	ck_assert(has_warning(&bi, "command line: string of 1024 bytes cut to 1023"));
	ck_assert(has_warning(&bi, "boot loader name: string of 64 bytes cut to 63"));
	ck_assert_uint_eq(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
	ck_assert_uint_eq(strlen(bi.loader_name), sizeof(bi.loader_name) - 1);
	ck_assert_uint_eq(bi.nr_modules, 0);
	free(b);
}
END_TEST

START_TEST(bad_modules_skipped)
{
	struct mb *b = malloc(sizeof(*b));
	uint8_t shortp[4] = { 1, 2, 3, 4 };

	ck_assert_ptr_nonnull(b);
	mb_begin(b);
	mb_module(b, 0x1000, 0x2000, "good1");
	mb_module(b, 0x5000, 0x4fff, "backwards");
	mb_tag(b, MB2_TAG_MODULE, shortp, sizeof(shortp));	/* size 12 */
	mb_module(b, 0x6000, 0x7000, "good2");
	mb_end(b);
	ck_assert_int_eq(parse(b, &bi), 0);
	ck_assert_uint_eq(bi.nr_modules, 2);
	ck_assert_str_eq(bi.modules[0].cmdline, "good1");
	ck_assert_uint_eq(bi.modules[1].start, 0x6000);
	ck_assert_uint_eq(bi.modules[1].end, 0x7000);
	ck_assert_str_eq(bi.modules[1].cmdline, "good2");
	ck_assert_uint_eq(bi.nr_warnings, 2);
	ck_assert(has_warning(&bi, "module [0x5000, 0x4fff) ends before it starts"));
	ck_assert(has_warning(&bi, "too short"));
	free(b);
}
END_TEST

START_TEST(too_many_modules)
{
	struct mb *b = malloc(sizeof(*b));

	ck_assert_ptr_nonnull(b);
	mb_begin(b);
	for (unsigned int i = 0; i < BOOT_MAX_MODULES + 2; i++)
		mb_module(b, 0x100000 * (i + 1), 0x100000 * (i + 1) + i, "m");
	mb_end(b);
	ck_assert_int_eq(parse(b, &bi), 0);
	ck_assert_uint_eq(bi.nr_modules, BOOT_MAX_MODULES);
	for (unsigned int i = 0; i < BOOT_MAX_MODULES; i++) {
		ck_assert_uint_eq(bi.modules[i].start, 0x100000 * (i + 1));
		ck_assert_uint_eq(bi.modules[i].end, 0x100000 * (i + 1) + i);
	}
	ck_assert_uint_eq(bi.nr_warnings, 2);
	ck_assert(has_warning(&bi, "more than 32 modules"));
	free(b);
}
END_TEST

START_TEST(too_many_warnings)
{
	struct mb *b = malloc(sizeof(*b));

	ck_assert_ptr_nonnull(b);
	mb_begin(b);
	for (unsigned int i = 0; i < 3 * BOOT_MAX_WARNINGS; i++)
		mb_module(b, 2 + i, 1, "bad");
	mb_module(b, 1, 2, "fine");
	mb_end(b);
	ck_assert_int_eq(parse(b, &bi), 0);
	ck_assert_uint_eq(bi.nr_warnings, BOOT_MAX_WARNINGS);
	ck_assert_uint_eq(bi.nr_modules, 1);
	ck_assert_str_eq(bi.modules[0].cmdline, "fine");
	for (unsigned int i = 0; i < BOOT_MAX_WARNINGS; i++)
		ck_assert_uint_lt(strnlen(bi.warnings[i], sizeof(bi.warnings[i])),
				  sizeof(bi.warnings[i]));
	free(b);
}
END_TEST

START_TEST(mmap_entry_size)
{
	static const struct mmap_ent mm[] = {
		{ 0x1000, 0x2000, 1 }, { 0x10000, 0x3000, 2 }, { 0x20000, 0x1, 3 },
	};
	struct mb *b = malloc(sizeof(*b));

	ck_assert_ptr_nonnull(b);
	static const uint32_t bad_sizes[] = { 0, 8, 16, 20, 23, 25, 28, 31, 36 };
	for (unsigned int i = 0; i < ARRAY_SIZE(bad_sizes); i++) {
		uint8_t p[8 + 3 * 40] = { 0 };

		put_u32(p, bad_sizes[i]);
		for (unsigned int k = 0; k < 3; k++) {
			put_u64(p + 8 + 40 * k, 0x1000 * (k + 1));
			put_u64(p + 8 + 40 * k + 8, 0x1000);
			put_u32(p + 8 + 40 * k + 16, 1);
		}
		mb_begin(b);
		mb_tag(b, MB2_TAG_MMAP, p, sizeof(p));
		mb_end(b);
		ck_assert_int_eq(parse(b, &bi), 0);
		ck_assert_uint_eq(bi.nr_mmap, 0);
		ck_assert_uint_eq(bi.nr_warnings, 1);
		ck_assert(has_warning(&bi, "entry size"));
	}

	/* Larger, 8-byte multiple entry sizes are stepped over correctly. */
	static const uint32_t good_sizes[] = { 24, 32, 40, 64 };
	for (unsigned int i = 0; i < ARRAY_SIZE(good_sizes); i++) {
		mb_begin(b);
		mb_mmap(b, good_sizes[i], mm, ARRAY_SIZE(mm));
		mb_end(b);
		ck_assert_int_eq(parse(b, &bi), 0);
		ck_assert_uint_eq(bi.nr_warnings, 0);
		ck_assert_uint_eq(bi.nr_mmap, ARRAY_SIZE(mm));
		for (unsigned int k = 0; k < ARRAY_SIZE(mm); k++) {
			ck_assert_uint_eq(bi.mmap[k].addr, mm[k].addr);
			ck_assert_uint_eq(bi.mmap[k].len, mm[k].len);
			ck_assert_uint_eq(bi.mmap[k].type, mm[k].type);
		}
	}

	/* A trailing partial entry is ignored. */
	mb_begin(b);
	size_t off = b->len;
	mb_mmap(b, 24, mm, ARRAY_SIZE(mm));
	mb_end(b);
	put_u32(b->buf + off + 4, 16 + 24 * 3 - 1);
	ck_assert_int_eq(parse(b, &bi), 0);
	ck_assert_uint_eq(bi.nr_mmap, 2);

	/* A memory map tag with no room for its header. */
	mb_begin(b);
	mb_tag(b, MB2_TAG_MMAP, "\x18\0\0\0", 4);
	mb_end(b);
	ck_assert_int_eq(parse(b, &bi), 0);
	ck_assert_uint_eq(bi.nr_mmap, 0);
	ck_assert_uint_eq(bi.nr_warnings, 1);
	free(b);
}
END_TEST

START_TEST(mmap_huge_entry_size)
{
	/* An entry size near 4 GiB must not wrap the offset arithmetic. The
	 * map tag is the last thing in the block, so any read of an "entry"
	 * runs past the buffer. */
	static const uint32_t sizes[] = { 0xfffffff8u, 0xffffffe8u, 0x80000000u };
	struct mb *b = malloc(sizeof(*b));

	ck_assert_ptr_nonnull(b);
	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint8_t p[8 + 24] = { 0 };

		put_u32(p, sizes[i]);
		put_u64(p + 8, 0x1000);
		put_u64(p + 16, 0x1000);
		put_u32(p + 24, 1);
		for (unsigned int payload = 8; payload <= sizeof(p); payload += 24) {
			mb_begin(b);
			mb_tag(b, MB2_TAG_MMAP, p, payload);
			mb_close_no_end(b);
			ck_assert_int_eq(parse(b, &bi), 0);
			ck_assert_uint_eq(bi.nr_mmap, 0);
		}
	}
	free(b);
}
END_TEST

START_TEST(mmap_bad_entries)
{
	static const struct mmap_ent mm[] = {
		{ 0x1000, 0, 1 },				/* empty */
		{ 0x2000, 0x1000, 1 },
		{ 0xfffffffffffff000ULL, 0x2000, 1 },		/* wraps */
		{ 0x8000000000000000ULL, 0x8000000000000001ULL, 2 }, /* wraps */
		{ 0x3000, 0x1000, 2 },
		{ 0xfffffffffffff000ULL, 0xfff, 1 },		/* ends at 2^64 - 1 */
	};
	struct mb *b = malloc(sizeof(*b));

	ck_assert_ptr_nonnull(b);
	mb_begin(b);
	mb_mmap(b, 24, mm, ARRAY_SIZE(mm));
	mb_end(b);
	ck_assert_int_eq(parse(b, &bi), 0);
	ck_assert_uint_eq(bi.nr_mmap, 3);
	ck_assert_uint_eq(bi.mmap[0].addr, 0x2000);
	ck_assert_uint_eq(bi.mmap[1].addr, 0x3000);
	ck_assert_uint_eq(bi.mmap[1].type, 2);
	ck_assert_uint_eq(bi.mmap[2].addr, 0xfffffffffffff000ULL);
	ck_assert_uint_eq(bi.mmap[2].len, 0xfff);
	ck_assert_uint_eq(bi.nr_warnings, 2);
	ck_assert(has_warning(&bi, "wraps around"));
	free(b);
}
END_TEST

START_TEST(mmap_too_many_entries)
{
	enum { N = BOOT_MAX_MMAP + 5 };
	static struct mmap_ent mm[N];
	struct mb *b = malloc(sizeof(*b));

	ck_assert_ptr_nonnull(b);
	for (unsigned int i = 0; i < N; i++)
		mm[i] = (struct mmap_ent){ 0x10000ULL * i, 0x8000, 1 + i % 5 };
	mb_begin(b);
	mb_mmap(b, 24, mm, N);
	mb_end(b);
	ck_assert_int_eq(parse(b, &bi), 0);
	ck_assert_uint_eq(bi.nr_mmap, BOOT_MAX_MMAP);
	for (unsigned int i = 0; i < BOOT_MAX_MMAP; i++) {
		ck_assert_uint_eq(bi.mmap[i].addr, mm[i].addr);
		ck_assert_uint_eq(bi.mmap[i].type, mm[i].type);
	}
	ck_assert_uint_eq(bi.nr_warnings, 1);
	ck_assert(has_warning(&bi, "more than 128 entries"));
	free(b);
}
END_TEST

START_TEST(missing_end_tag)
{
	struct mb *b = malloc(sizeof(*b));

	ck_assert_ptr_nonnull(b);
	mb_begin(b);
	mb_string(b, MB2_TAG_CMDLINE, "no end");
	mb_module(b, 0x1000, 0x2000, "m");
	mb_close_no_end(b);
	ck_assert_int_eq(parse(b, &bi), 0);
	ck_assert_str_eq(bi.cmdline, "no end");
	ck_assert_uint_eq(bi.nr_modules, 1);
	ck_assert_uint_eq(bi.nr_warnings, 1);
	ck_assert(has_warning(&bi, "no end tag"));

	/* Trailing bytes too few for another tag header. */
	mb_begin(b);
	mb_string(b, MB2_TAG_CMDLINE, "tail");
	mb_set_total(b, (uint32_t)b->len + 4);
	ck_assert_int_eq(parse_avail(b, b->len + 4, &bi), 0);
	ck_assert_str_eq(bi.cmdline, "tail");
	ck_assert(has_warning(&bi, "no end tag"));
	free(b);
}
END_TEST

/* ---- Fuzzing ---------------------------------------------------------- */

/* Is @s NUL-terminated inside its @size bytes? */
#define TERMINATED(s) (strnlen((s), sizeof(s)) < sizeof(s))

static void check_sane(int rc, const struct boot_info *out)
{
	ASSERT_FAST(rc == 0 || rc == -EINVAL);
	ASSERT_FAST(out->nr_modules <= BOOT_MAX_MODULES);
	ASSERT_FAST(out->nr_mmap <= BOOT_MAX_MMAP);
	ASSERT_FAST(out->nr_warnings <= BOOT_MAX_WARNINGS);
	ASSERT_FAST(out->rsdp_len == 0 || out->rsdp_len == 20 ||
		    out->rsdp_len == 36);
	ASSERT_FAST(TERMINATED(out->cmdline));
	ASSERT_FAST(TERMINATED(out->loader_name));
	for (unsigned int i = 0; i < out->nr_modules; i++) {
		ASSERT_FAST(out->modules[i].start <= out->modules[i].end);
		ASSERT_FAST(TERMINATED(out->modules[i].cmdline));
	}
	for (unsigned int i = 0; i < out->nr_mmap; i++) {
		ASSERT_FAST(out->mmap[i].len != 0);
		ASSERT_FAST(out->mmap[i].addr + out->mmap[i].len >=
			    out->mmap[i].addr);
	}
	for (unsigned int i = 0; i < out->nr_warnings; i++)
		ASSERT_FAST(TERMINATED(out->warnings[i]));
}

static void build_good(struct mb *b)
{
	static const struct mmap_ent mm[] = {
		{ 0x0, 0x9fc00, 1 }, { 0x100000, 0x7ff00000, 1 },
		{ 0xfec00000, 0x1000, 2 },
	};
	uint8_t rsdp[36];

	make_rsdp(rsdp, sizeof(rsdp), 7);
	mb_begin(b);
	mb_string(b, MB2_TAG_CMDLINE, "console=com1 dom0_mem=2G");
	mb_string(b, MB2_TAG_LOADER_NAME, "fuzz");
	mb_module(b, 0x100000, 0x200000, "kernel a=b");
	mb_module(b, 0x300000, 0x380000, "initrd");
	mb_mmap(b, 24, mm, ARRAY_SIZE(mm));
	mb_tag(b, MB2_TAG_ACPI_OLD, rsdp, 20);
	mb_tag(b, MB2_TAG_ACPI_NEW, rsdp, 36);
	mb_end(b);
}

START_TEST(fuzz)
{
	struct mb *good = malloc(sizeof(*good));
	uint8_t *work = malloc(sizeof(good->buf));
	uint64_t seed = 0x6d62326675; /* "mb2fu" */

	ck_assert_ptr_nonnull(good);
	ck_assert_ptr_nonnull(work);
	build_good(good);

	for (unsigned int iter = 0; iter < 10000; iter++) {
		size_t avail;

		if (iter % 4 == 0) {
			/* Random bytes with a plausible total size. */
			avail = rng_below(&seed, 600);
			for (size_t i = 0; i < avail; i++)
				work[i] = (uint8_t)rng_next(&seed);
			if (avail >= 4 && rng_below(&seed, 4))
				put_u32(work, (uint32_t)rng_below(&seed, avail + 9));
			/* Small tag sizes make the parser walk further. */
			for (size_t off = 8; off + 8 <= avail; off += 8)
				if (rng_below(&seed, 3) == 0)
					put_u32(work + off + 4,
						(uint32_t)rng_below(&seed, 64));
		} else {
			/* Mutations of a good block. */
			avail = good->len;
			memcpy(work, good->buf, avail);
			unsigned int n = 1 + rng_below(&seed, 8);
			for (unsigned int k = 0; k < n && avail > 0; k++) {
				size_t at = rng_below(&seed, avail);
				switch (rng_below(&seed, 4)) {
				case 0:
					work[at] = (uint8_t)rng_next(&seed);
					break;
				case 1:
					work[at] ^= (uint8_t)(1u << rng_below(&seed, 8));
					break;
				case 2: {	/* a word: sizes, counts */
					static const uint32_t vals[] = {
						0, 1, 7, 8, 15, 16, 23, 24, 25,
						0x7fffffff, 0x80000000,
						0xfffffff8, 0xffffffff,
					};
					at &= ~(size_t)3;
					if (at + 4 <= avail)
						put_u32(work + at,
							vals[rng_below(&seed, ARRAY_SIZE(vals))]);
					break;
				}
				default:	/* cut the block short */
					avail = at;
					break;
				}
			}
			if (rng_below(&seed, 2) && avail >= 4)
				put_u32(work, (uint32_t)avail);
		}

		uint8_t *copy = malloc(avail ? avail : 1);
		ck_assert_ptr_nonnull(copy);
		memcpy(copy, work, avail);
		int rc = multiboot2_parse(copy, avail, &bi);
		free(copy);
		check_sane(rc, &bi);
	}
	free(work);
	free(good);
}
END_TEST

Suite *multiboot2_suite(void)
{
	Suite *s = suite_create("multiboot2");
	TCase *good = tcase_create("good");
	TCase *bad = tcase_create("malformed");
	TCase *fz = tcase_create("fuzz");

	tcase_add_test(good, good_block);
	tcase_add_test(good, acpi_rsdp_choice);
	tcase_add_test(good, parse_clears_output);
	tcase_add_test(good, end_tag_stops_parsing);
	tcase_add_test(good, memory_type_names);
	suite_add_tcase(s, good);

	tcase_add_test(bad, total_size_too_small);
	tcase_add_test(bad, total_size_past_avail);
	tcase_add_test(bad, total_size_over_limit);
	tcase_add_test(bad, tag_size_below_header);
	tcase_add_test(bad, tag_size_past_end);
	tcase_add_test(bad, unterminated_strings);
	tcase_add_test(bad, long_strings_are_cut);
	tcase_add_test(bad, string_length_boundaries);
	tcase_add_test(bad, bad_modules_skipped);
	tcase_add_test(bad, too_many_modules);
	tcase_add_test(bad, too_many_warnings);
	tcase_add_test(bad, mmap_entry_size);
	tcase_add_test(bad, mmap_huge_entry_size);
	tcase_add_test(bad, mmap_bad_entries);
	tcase_add_test(bad, mmap_too_many_entries);
	tcase_add_test(bad, missing_end_tag);
	suite_add_tcase(s, bad);

	tcase_set_timeout(fz, 120);
	tcase_add_test(fz, fuzz);
	suite_add_tcase(s, fz);
	return s;
}
