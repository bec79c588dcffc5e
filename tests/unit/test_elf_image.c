/* Unit tests for PV kernel ELF64 validation
 * (hypervisor/common/elf_image.c).
 *
 * Images are built from a description (struct spec) that starts out valid
 * and that each test bends in one place. The image lives in a heap block
 * of exactly its length, so AddressSanitizer catches any read past it. */
#include <stdlib.h>
#include <string.h>

#include <elf_image.h>
#include <errno.h>
#include <keel/keel.h>

#include "unit.h"

#define PT_NULL 0
#define PT_LOAD 1
#define PT_NOTE 4
#define ET_EXEC 2
#define ET_DYN  3
#define EM_386  3
#define EM_X86_64 62
#define PF_X 1
#define PF_W 2
#define PF_R 4

#define VBASE     0xffffffff80000000ULL
#define ENTRY     (VBASE + 0x100)
#define PHOFF     64
#define NOTE_OFF  0x800		/* room for 35 program headers before it */
#define NOTE_SIZE (12 + 8 + 24)	/* header, "Keel\0" padded, descriptor */
#define TEXT_OFF  0x1000
#define TEXT_SIZE 0x1800
#define DATA_OFF  0x3000
#define DATA_FILE 0x800
#define DATA_MEM  0x2345
#define DATA_VA   (VBASE + 0x3000)
#define IMAGE_LEN 0x3800
#define MAX_PH    32

struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz;
};

struct spec {
	size_t len;
	uint8_t ident[7];	/* magic, class, data, version */
	uint16_t type, machine, phentsize;
	uint64_t phoff;
	unsigned int nr_ph;	/* headers written */
	int phnum;		/* e_phnum; -1 = nr_ph */
	struct phdr ph[MAX_PH];
	bool paddr_given[MAX_PH];	/* else p_paddr = p_vaddr */
	uint64_t paddr[MAX_PH];
	/* The note, written at NOTE_OFF. */
	uint32_t namesz, descsz, note_type;
	char name[8];
	uint32_t abi_version, note_flags;
	uint64_t entry, virt_base;
};

static void spec_default(struct spec *s)
{
	static const uint8_t ident[7] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };

	memset(s, 0, sizeof(*s));
	s->len = IMAGE_LEN;
	memcpy(s->ident, ident, sizeof(ident));
	s->type = ET_EXEC;
	s->machine = EM_X86_64;
	s->phentsize = 56;
	s->phoff = PHOFF;
	s->nr_ph = 3;
	s->phnum = -1;
	s->ph[0] = (struct phdr){ PT_LOAD, PF_R | PF_X, TEXT_OFF, VBASE,
				  TEXT_SIZE, TEXT_SIZE };
	s->ph[1] = (struct phdr){ PT_LOAD, PF_R | PF_W, DATA_OFF, DATA_VA,
				  DATA_FILE, DATA_MEM };
	s->ph[2] = (struct phdr){ PT_NOTE, PF_R, NOTE_OFF, 0, NOTE_SIZE,
				  NOTE_SIZE };
	s->namesz = sizeof(KEEL_ELFNOTE_NAME);
	s->descsz = sizeof(struct keel_elfnote_boot);
	s->note_type = KEEL_ELFNOTE_BOOT;
	memcpy(s->name, KEEL_ELFNOTE_NAME, sizeof(KEEL_ELFNOTE_NAME));
	s->abi_version = KEEL_ABI_VERSION;
	s->note_flags = 0;
	s->entry = ENTRY;
	s->virt_base = VBASE;
}

static void put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* Build the image into a heap block of exactly s->len bytes (at least 1,
 * so that malloc never returns NULL for a zero length). */
static uint8_t *build(const struct spec *s)
{
	uint8_t *full = calloc(1, IMAGE_LEN > s->len ? IMAGE_LEN : s->len);
	uint8_t *img;

	ck_assert_ptr_nonnull(full);
	memcpy(full, s->ident, sizeof(s->ident));
	put_u16(full + 16, s->type);
	put_u16(full + 18, s->machine);
	put_u32(full + 20, 1);
	put_u64(full + 24, s->entry);
	put_u64(full + 32, s->phoff);
	put_u16(full + 52, 64);
	put_u16(full + 54, s->phentsize);
	put_u16(full + 56, (uint16_t)(s->phnum < 0 ? (int)s->nr_ph : s->phnum));

	for (unsigned int i = 0; i < s->nr_ph; i++) {
		uint64_t at = s->phoff + (uint64_t)i * 56;

		if (at > IMAGE_LEN - 56)
			break;
		uint8_t *p = full + at;
		put_u32(p, s->ph[i].type);
		put_u32(p + 4, s->ph[i].flags);
		put_u64(p + 8, s->ph[i].offset);
		put_u64(p + 16, s->ph[i].vaddr);
		put_u64(p + 24, s->paddr_given[i] ? s->paddr[i] :
						    s->ph[i].vaddr);
		put_u64(p + 32, s->ph[i].filesz);
		put_u64(p + 40, s->ph[i].memsz);
		put_u64(p + 48, 0x1000);
	}

	uint8_t *n = full + NOTE_OFF;
	put_u32(n, s->namesz);
	put_u32(n + 4, s->descsz);
	put_u32(n + 8, s->note_type);
	memcpy(n + 12, s->name, 8);
	put_u32(n + 20, s->abi_version);
	put_u32(n + 24, s->note_flags);
	put_u64(n + 28, s->entry);
	put_u64(n + 36, s->virt_base);

	/* Recognizable segment contents. */
	for (size_t i = TEXT_OFF; i < IMAGE_LEN; i++)
		full[i] = (uint8_t)(i * 7 + 1);

	img = malloc(s->len ? s->len : 1);
	ck_assert_ptr_nonnull(img);
	memcpy(img, full, s->len);
	free(full);
	return img;
}

static int parse_spec(const struct spec *s, struct elf_image *out,
		      const char **error)
{
	uint8_t *img = build(s);
	int rc = elf_image_parse(img, s->len, out, error);

	free(img);
	return rc;
}

/* The spec must be rejected with -EINVAL and a reason that contains
 * @why, so that each test is known to trip the check it is about. */
static void expect_reject_at(const struct spec *s, const char *why, int line)
{
	struct elf_image out;
	const char *error = NULL;
	int rc = parse_spec(s, &out, &error);

	ck_assert_msg(rc == -EINVAL, "line %d: returned %d", line, rc);
	ck_assert_msg(error != NULL, "line %d: no reason", line);
	ck_assert_msg(strstr(error, why) != NULL,
		      "line %d: reason \"%s\", expected \"%s\"", line, error,
		      why);
}

#define expect_reject(s, why) expect_reject_at(s, why, __LINE__)

static void expect_accept(const struct spec *s, struct elf_image *out)
{
	const char *error = NULL;
	int rc = parse_spec(s, out, &error);

	ck_assert_msg(rc == 0, "rejected: %s", error ? error : "(no reason)");
}

/* ---- The valid image ------------------------------------------------- */

START_TEST(valid_image)
{
	struct spec s;
	struct elf_image img;

	spec_default(&s);
	expect_accept(&s, &img);
	ck_assert_uint_eq(img.entry, ENTRY);
	ck_assert_uint_eq(img.virt_base, VBASE);
	/* DATA_VA + DATA_MEM = VBASE + 0x5345, rounded up to a page. */
	ck_assert_uint_eq(img.virt_end, VBASE + 0x6000);
	ck_assert_uint_eq(img.abi_version, KEEL_ABI_VERSION);
	ck_assert_uint_eq(img.nr_segments, 2);

	ck_assert_uint_eq(img.segments[0].file_offset, TEXT_OFF);
	ck_assert_uint_eq(img.segments[0].file_size, TEXT_SIZE);
	ck_assert_uint_eq(img.segments[0].vaddr, VBASE);
	ck_assert_uint_eq(img.segments[0].mem_size, TEXT_SIZE);
	ck_assert_uint_eq(img.segments[0].flags, PF_R | PF_X);

	ck_assert_uint_eq(img.segments[1].file_offset, DATA_OFF);
	ck_assert_uint_eq(img.segments[1].file_size, DATA_FILE);
	ck_assert_uint_eq(img.segments[1].vaddr, DATA_VA);
	ck_assert_uint_eq(img.segments[1].mem_size, DATA_MEM);
	ck_assert_uint_eq(img.segments[1].flags, PF_R | PF_W);
}
END_TEST

/* Things that look odd but are allowed. */
START_TEST(valid_variants)
{
	struct spec s;
	struct elf_image img;

	/* Entry at the last byte of the text segment. */
	spec_default(&s);
	s.entry = VBASE + TEXT_SIZE - 1;
	expect_accept(&s, &img);
	ck_assert_uint_eq(img.entry, VBASE + TEXT_SIZE - 1);

	/* An older minor version of the same major. */
	spec_default(&s);
	s.abi_version = KEEL_ABI_VERSION_MAJOR << 16;
	expect_accept(&s, &img);

	/* Segment ending exactly at virt_base + ELF_IMAGE_MAX_SPAN. */
	spec_default(&s);
	s.ph[1].vaddr = VBASE + ELF_IMAGE_MAX_SPAN - 0x1000;
	s.ph[1].memsz = 0x1000;
	expect_accept(&s, &img);
	ck_assert_uint_eq(img.virt_end, VBASE + ELF_IMAGE_MAX_SPAN);

	/* A foreign note before the Keel note in the same segment. */
	spec_default(&s);
	{
		uint8_t *p = build(&s);
		uint8_t *q = malloc(IMAGE_LEN);

		ck_assert_ptr_nonnull(q);
		memcpy(q, p, IMAGE_LEN);
		/* "GNU\0", type 3, 4-byte descriptor = 20 bytes, then the
		 * Keel note moved up behind it. */
		memmove(q + NOTE_OFF + 20, p + NOTE_OFF, NOTE_SIZE);
		put_u32(q + NOTE_OFF, 4);
		put_u32(q + NOTE_OFF + 4, 4);
		put_u32(q + NOTE_OFF + 8, 3);
		memcpy(q + NOTE_OFF + 12, "GNU", 4);
		put_u32(q + NOTE_OFF + 16, 0xdeadbeef);
		put_u64(q + PHOFF + 2 * 56 + 32, 20 + NOTE_SIZE);

		const char *error = NULL;
		ck_assert_int_eq(elf_image_parse(q, IMAGE_LEN, &img, &error),
				 0);
		ck_assert_uint_eq(img.entry, ENTRY);
		free(p);
		free(q);
	}

	/* Exactly ELF_IMAGE_MAX_SEGMENTS loadable segments. */
	spec_default(&s);
	s.nr_ph = ELF_IMAGE_MAX_SEGMENTS + 1;
	s.ph[ELF_IMAGE_MAX_SEGMENTS] = s.ph[2];
	for (unsigned int i = 1; i < ELF_IMAGE_MAX_SEGMENTS; i++)
		s.ph[i] = (struct phdr){ PT_LOAD, PF_R | PF_W, DATA_OFF,
					 VBASE + 0x2000 + i * 0x1000, 0x10,
					 0x1000 };
	expect_accept(&s, &img);
	ck_assert_uint_eq(img.nr_segments, ELF_IMAGE_MAX_SEGMENTS);
	ck_assert_uint_eq(img.virt_end,
			  VBASE + 0x3000 + (ELF_IMAGE_MAX_SEGMENTS - 1) * 0x1000);
}
END_TEST

/* ---- Rejections: the ELF header -------------------------------------- */

START_TEST(reject_too_short)
{
	struct spec s;

	spec_default(&s);
	s.len = 63;
	expect_reject(&s, "smaller than an ELF header");
	s.len = 0;
	expect_reject(&s, "smaller than an ELF header");
}
END_TEST

START_TEST(reject_bad_magic)
{
	struct spec s;

	for (int i = 0; i < 4; i++) {
		spec_default(&s);
		s.ident[i] ^= 0x20;
		expect_reject(&s, "not ELF");
	}
}
END_TEST

START_TEST(reject_32bit)
{
	struct spec s;

	spec_default(&s);
	s.ident[4] = 1;		/* ELFCLASS32 */
	expect_reject(&s, "not little-endian ELF64");
}
END_TEST

START_TEST(reject_big_endian)
{
	struct spec s;

	spec_default(&s);
	s.ident[5] = 2;		/* ELFDATA2MSB */
	expect_reject(&s, "not little-endian ELF64");
}
END_TEST

START_TEST(reject_et_dyn)
{
	struct spec s;

	spec_default(&s);
	s.type = ET_DYN;
	expect_reject(&s, "not an executable");
}
END_TEST

START_TEST(reject_machine)
{
	struct spec s;

	spec_default(&s);
	s.machine = EM_386;
	expect_reject(&s, "not for x86_64");
}
END_TEST

START_TEST(reject_phentsize)
{
	struct spec s;

	spec_default(&s);
	s.phentsize = 64;
	expect_reject(&s, "program header size");
	s.phentsize = 0;
	expect_reject(&s, "program header size");
}
END_TEST

START_TEST(reject_phnum_zero)
{
	struct spec s;

	spec_default(&s);
	s.phnum = 0;
	expect_reject(&s, "program headers lie outside");
}
END_TEST

START_TEST(reject_phdrs_past_end)
{
	struct spec s;

	/* The last header straddles the end. */
	spec_default(&s);
	s.phoff = IMAGE_LEN - 2 * 56;
	expect_reject(&s, "program headers lie outside");
	/* Wholly outside. */
	spec_default(&s);
	s.phoff = IMAGE_LEN;
	expect_reject(&s, "program headers lie outside");
	/* phoff + size wraps around. */
	spec_default(&s);
	s.phoff = ~0ULL - 8;
	expect_reject(&s, "program headers lie outside");
	/* Too many headers for the file. */
	spec_default(&s);
	s.phnum = 0xffff;
	expect_reject(&s, "program headers lie outside");
}
END_TEST

/* ---- Rejections: the Keel note --------------------------------------- */

START_TEST(reject_no_note)
{
	struct spec s;

	/* No PT_NOTE at all. */
	spec_default(&s);
	s.ph[2].type = PT_NULL;
	expect_reject(&s, "no Keel ELF note");
	/* A note with another name. */
	spec_default(&s);
	memcpy(s.name, "Xeel", 5);
	expect_reject(&s, "no Keel ELF note");
	/* A Keel-named note of another type. */
	spec_default(&s);
	s.note_type = KEEL_ELFNOTE_BOOT + 1;
	expect_reject(&s, "no Keel ELF note");
	/* An empty note segment. */
	spec_default(&s);
	s.ph[2].filesz = 0;
	expect_reject(&s, "no Keel ELF note");
}
END_TEST

START_TEST(reject_note_descsz)
{
	struct spec s;

	spec_default(&s);
	s.descsz = 16;
	expect_reject(&s, "wrong size");
	spec_default(&s);
	s.descsz = 20;
	expect_reject(&s, "wrong size");
}
END_TEST

START_TEST(reject_note_flags)
{
	struct spec s;

	spec_default(&s);
	s.note_flags = 8;	/* the first flag no ABI defines */
	expect_reject(&s, "unknown flags");
	s.note_flags = 0x80000000 | KEEL_ELFNOTE_F_PLACE_BY_PADDR;
	expect_reject(&s, "unknown flags");
	s.note_flags = ~KEEL_ELFNOTE_F_ALL;
	expect_reject(&s, "unknown flags");
}
END_TEST

/* KEEL_ELFNOTE_F_MAP_BOOTSTRAP is a builder flag: the parser accepts it
 * and hands it on. */
START_TEST(note_flag_map_bootstrap)
{
	struct spec s;
	struct elf_image img;

	spec_default(&s);
	s.note_flags = KEEL_ELFNOTE_F_MAP_BOOTSTRAP;
	expect_accept(&s, &img);
	ck_assert_uint_eq(img.note_flags, KEEL_ELFNOTE_F_MAP_BOOTSTRAP);
}
END_TEST

/* KEEL_ELFNOTE_F_PLACE_BY_PADDR: segments go at virt_base + p_paddr, as
 * an SMP vmlinux needs (its per-CPU segment has p_vaddr 0). */
START_TEST(place_by_paddr)
{
	struct spec s;
	struct elf_image img;

	spec_default(&s);
	s.note_flags = KEEL_ELFNOTE_F_PLACE_BY_PADDR;
	s.ph[0].vaddr = 0;		/* ignored */
	s.paddr_given[0] = true;
	s.paddr[0] = 0;
	s.ph[1].vaddr = 0x1234;		/* ignored */
	s.paddr_given[1] = true;
	s.paddr[1] = 0x3000;
	expect_accept(&s, &img);
	ck_assert_uint_eq(img.note_flags, KEEL_ELFNOTE_F_PLACE_BY_PADDR);
	ck_assert_uint_eq(img.segments[0].vaddr, VBASE);
	ck_assert_uint_eq(img.segments[1].vaddr, VBASE + 0x3000);
	ck_assert_uint_eq(img.virt_end, VBASE + 0x6000);

	/* Without the flag the same p_vaddr 0 lies outside the range. */
	s.note_flags = 0;
	expect_reject(&s, "outside the virtual range");

	/* A p_paddr at or past the 1 GiB span, or one whose segment runs
	 * past it. */
	spec_default(&s);
	s.note_flags = KEEL_ELFNOTE_F_PLACE_BY_PADDR;
	s.paddr_given[0] = true;
	s.paddr[0] = 0;
	s.paddr_given[1] = true;
	s.paddr[1] = ELF_IMAGE_MAX_SPAN;
	expect_reject(&s, "physical address");
	s.paddr[1] = ~0ULL;
	expect_reject(&s, "physical address");
	s.paddr[1] = ELF_IMAGE_MAX_SPAN - 0x1000;
	expect_reject(&s, "outside the virtual range");
}
END_TEST

START_TEST(reject_note_past_segment)
{
	struct spec s;

	/* The segment is shorter than the note. */
	spec_default(&s);
	s.ph[2].filesz = NOTE_SIZE - 4;
	expect_reject(&s, "runs past its segment");
	/* The sizes in the note are huge. */
	spec_default(&s);
	s.descsz = 0xfffffff0;
	expect_reject(&s, "runs past its segment");
	spec_default(&s);
	s.namesz = 0xffffffff;
	expect_reject(&s, "runs past its segment");
	/* The note segment itself lies outside the file. */
	spec_default(&s);
	s.ph[2].offset = IMAGE_LEN - 8;
	expect_reject(&s, "note segment lies outside");
	spec_default(&s);
	s.ph[2].offset = ~0ULL - 4;
	expect_reject(&s, "note segment lies outside");
}
END_TEST

START_TEST(reject_abi_major)
{
	struct spec s;

	spec_default(&s);
	s.abi_version = (KEEL_ABI_VERSION_MAJOR + 1) << 16;
	expect_reject(&s, "ABI version");
	s.abi_version = (KEEL_ABI_VERSION_MAJOR - 1) << 16 |
			KEEL_ABI_VERSION_MINOR;
	expect_reject(&s, "ABI version");
}
END_TEST

START_TEST(reject_abi_minor)
{
	struct spec s;

	spec_default(&s);
	s.abi_version = KEEL_ABI_VERSION_MAJOR << 16 |
			(KEEL_ABI_VERSION_MINOR + 1);
	expect_reject(&s, "ABI version");
}
END_TEST

START_TEST(reject_unaligned_base)
{
	struct spec s;

	spec_default(&s);
	s.virt_base = VBASE + 0x10;
	s.ph[0].vaddr = VBASE + 0x10;
	expect_reject(&s, "not page aligned");
}
END_TEST

/* ---- Rejections: segments -------------------------------------------- */

START_TEST(reject_filesz_gt_memsz)
{
	struct spec s;

	spec_default(&s);
	s.ph[1].filesz = DATA_MEM + 1;
	s.ph[1].offset = TEXT_OFF;	/* still inside the file */
	expect_reject(&s, "file size exceeds");
}
END_TEST

START_TEST(reject_data_past_end)
{
	struct spec s;

	spec_default(&s);
	s.ph[1].filesz = IMAGE_LEN - DATA_OFF + 1;
	expect_reject(&s, "data lies outside");
	spec_default(&s);
	s.ph[1].offset = IMAGE_LEN + 0x1000;
	expect_reject(&s, "data lies outside");
	/* offset + filesz wraps. */
	spec_default(&s);
	s.ph[1].offset = ~0ULL - 0x10;
	expect_reject(&s, "data lies outside");
}
END_TEST

START_TEST(reject_below_base)
{
	struct spec s;

	spec_default(&s);
	s.ph[1].vaddr = VBASE - 0x1000;
	expect_reject(&s, "outside the virtual range");
	spec_default(&s);
	s.ph[1].vaddr = 0;
	expect_reject(&s, "outside the virtual range");
}
END_TEST

START_TEST(reject_beyond_span)
{
	struct spec s;

	/* Starts inside, ends one byte past the span. */
	spec_default(&s);
	s.ph[1].vaddr = VBASE + ELF_IMAGE_MAX_SPAN - 0x1000;
	s.ph[1].memsz = 0x1001;
	expect_reject(&s, "outside the virtual range");
	/* Starts at the limit. */
	spec_default(&s);
	s.ph[1].vaddr = VBASE + ELF_IMAGE_MAX_SPAN;
	s.ph[1].memsz = 0x1000;
	expect_reject(&s, "outside the virtual range");
	/* vaddr + memsz would wrap. */
	spec_default(&s);
	s.ph[1].memsz = ~0ULL;
	expect_reject(&s, "outside the virtual range");
}
END_TEST

START_TEST(reject_entry)
{
	struct spec s;

	/* In the writable, non-executable data segment. */
	spec_default(&s);
	s.entry = DATA_VA + 0x10;
	expect_reject(&s, "entry point");
	/* One past the end of the text segment. */
	spec_default(&s);
	s.entry = VBASE + TEXT_SIZE;
	expect_reject(&s, "entry point");
	/* Below everything. */
	spec_default(&s);
	s.entry = VBASE - 1;
	expect_reject(&s, "entry point");
	/* Inside the text segment, but it is not executable. */
	spec_default(&s);
	s.ph[0].flags = PF_R;
	expect_reject(&s, "entry point");
}
END_TEST

START_TEST(reject_no_load)
{
	struct spec s;

	spec_default(&s);
	s.ph[0].type = PT_NULL;
	s.ph[1].type = PT_NULL;
	expect_reject(&s, "no loadable segment");
}
END_TEST

START_TEST(reject_too_many_segments)
{
	struct spec s;

	spec_default(&s);
	s.nr_ph = ELF_IMAGE_MAX_SEGMENTS + 2;
	s.ph[ELF_IMAGE_MAX_SEGMENTS + 1] = s.ph[2];
	for (unsigned int i = 1; i <= ELF_IMAGE_MAX_SEGMENTS; i++)
		s.ph[i] = (struct phdr){ PT_LOAD, PF_R | PF_W, DATA_OFF,
					 VBASE + 0x2000 + i * 0x1000, 0x10,
					 0x1000 };
	expect_reject(&s, "too many segments");
}
END_TEST

START_TEST(reject_base_overflow)
{
	struct spec s;

	spec_default(&s);
	s.virt_base = 0xfffffffffff00000ULL;
	s.ph[0].vaddr = s.virt_base;
	s.ph[1].vaddr = s.virt_base + 0x3000;
	s.entry = s.virt_base + 0x100;
	expect_reject(&s, "too close to the top");
	/* The span would end exactly at 2^64. */
	s.virt_base = 0ULL - ELF_IMAGE_MAX_SPAN;
	s.ph[0].vaddr = s.virt_base;
	s.ph[1].vaddr = s.virt_base + 0x3000;
	s.entry = s.virt_base + 0x100;
	expect_reject(&s, "too close to the top");
}
END_TEST

/* ---- Fuzzing --------------------------------------------------------- */

START_TEST(fuzz_mutations)
{
	struct spec s;
	uint64_t seed = 0x454c4636344b4545ULL;	/* "ELF64KEE" */
	uint8_t *good;
	unsigned int accepted = 0;

	spec_default(&s);
	good = build(&s);

	for (int iter = 0; iter < 20000; iter++) {
		uint8_t *img = malloc(IMAGE_LEN);
		struct elf_image out;
		const char *error = NULL;
		unsigned int n = 1 + (unsigned int)rng_below(&seed, 8);

		ASSERT_FAST(img != NULL);
		memcpy(img, good, IMAGE_LEN);
		for (unsigned int k = 0; k < n; k++) {
			/* Mostly the headers and the note, where it matters. */
			uint64_t at;

			switch (rng_below(&seed, 4)) {
			case 0:
				at = rng_below(&seed, PHOFF);
				break;
			case 1:
				at = PHOFF + rng_below(&seed, 3 * 56);
				break;
			case 2:
				at = NOTE_OFF + rng_below(&seed, NOTE_SIZE);
				break;
			default:
				at = rng_below(&seed, IMAGE_LEN);
				break;
			}
			uint64_t r = rng_next(&seed);

			switch (r & 3) {
			case 0:
				img[at] = (uint8_t)(r >> 8);
				break;
			case 1:
				img[at] ^= (uint8_t)(1u << ((r >> 8) & 7));
				break;
			case 2:
				img[at] = (r >> 8) & 1 ? 0xff : 0;
				break;
			default:
				img[at] += (uint8_t)((r >> 8) & 1 ? 1 : -1);
				break;
			}
		}

		int rc = elf_image_parse(img, IMAGE_LEN, &out, &error);
		if (rc) {
			ASSERT_FAST(rc == -EINVAL);
			ASSERT_FAST(error != NULL);
		} else {
			bool entry_in = false;

			accepted++;
			ASSERT_FAST((out.virt_base & (PAGE_SIZE - 1)) == 0);
			ASSERT_FAST((out.virt_end & (PAGE_SIZE - 1)) == 0);
			ASSERT_FAST(out.nr_segments >= 1);
			ASSERT_FAST(out.nr_segments <= ELF_IMAGE_MAX_SEGMENTS);
			ASSERT_FAST(out.virt_end - out.virt_base <=
				    ELF_IMAGE_MAX_SPAN);
			for (unsigned int i = 0; i < out.nr_segments; i++) {
				const struct elf_segment *g = &out.segments[i];

				ASSERT_FAST(g->vaddr >= out.virt_base);
				ASSERT_FAST(g->vaddr <= out.virt_end);
				ASSERT_FAST(g->mem_size <=
					    out.virt_end - g->vaddr);
				ASSERT_FAST(g->file_size <= g->mem_size);
				ASSERT_FAST(g->file_offset <= IMAGE_LEN);
				ASSERT_FAST(g->file_size <=
					    IMAGE_LEN - g->file_offset);
				if (out.entry >= g->vaddr &&
				    out.entry - g->vaddr < g->mem_size &&
				    (g->flags & PF_X))
					entry_in = true;
			}
			ASSERT_FAST(entry_in);
		}
		free(img);
	}
	free(good);
	/* Both outcomes must have been exercised. */
	ck_assert_uint_gt(accepted, 0);
	ck_assert_uint_lt(accepted, 20000);
}
END_TEST

Suite *elf_image_suite(void)
{
	Suite *s = suite_create("elf_image");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, valid_image);
	tcase_add_test(tc, valid_variants);
	tcase_add_test(tc, reject_too_short);
	tcase_add_test(tc, reject_bad_magic);
	tcase_add_test(tc, reject_32bit);
	tcase_add_test(tc, reject_big_endian);
	tcase_add_test(tc, reject_et_dyn);
	tcase_add_test(tc, reject_machine);
	tcase_add_test(tc, reject_phentsize);
	tcase_add_test(tc, reject_phnum_zero);
	tcase_add_test(tc, reject_phdrs_past_end);
	tcase_add_test(tc, reject_no_note);
	tcase_add_test(tc, reject_note_descsz);
	tcase_add_test(tc, reject_note_flags);
	tcase_add_test(tc, place_by_paddr);
	tcase_add_test(tc, note_flag_map_bootstrap);
	tcase_add_test(tc, reject_note_past_segment);
	tcase_add_test(tc, reject_abi_major);
	tcase_add_test(tc, reject_abi_minor);
	tcase_add_test(tc, reject_unaligned_base);
	tcase_add_test(tc, reject_filesz_gt_memsz);
	tcase_add_test(tc, reject_data_past_end);
	tcase_add_test(tc, reject_below_base);
	tcase_add_test(tc, reject_beyond_span);
	tcase_add_test(tc, reject_entry);
	tcase_add_test(tc, reject_no_load);
	tcase_add_test(tc, reject_too_many_segments);
	tcase_add_test(tc, reject_base_overflow);
	tcase_add_test(tc, fuzz_mutations);
	suite_add_tcase(s, tc);
	return s;
}
