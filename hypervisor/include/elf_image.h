/*
 * ELF64 PV kernel images (common/elf_image.c). Pure: parses a byte buffer
 * and trusts nothing in it; unit-tested on the host.
 */
#ifndef KEEL_ELF_IMAGE_H
#define KEEL_ELF_IMAGE_H

#include <types.h>

#define ELF_IMAGE_MAX_SEGMENTS 16
/* A kernel image may span at most this much virtual space. */
#define ELF_IMAGE_MAX_SPAN (1ULL << 30)

struct elf_segment {
	uint64_t file_offset;
	uint64_t file_size;
	uint64_t vaddr;		/* where it goes (p_vaddr, or virt_base +
				 * p_paddr with KEEL_ELFNOTE_F_PLACE_BY_PADDR) */
	uint64_t mem_size;
	uint32_t flags;		/* PF_R/W/X */
};

struct elf_image {
	uint64_t entry;
	uint64_t virt_base;	/* from the Keel note; page aligned */
	uint64_t virt_end;	/* end of the highest segment, page aligned */
	uint32_t abi_version;
	uint32_t note_flags;	/* KEEL_ELFNOTE_F_* */
	unsigned int nr_segments;
	struct elf_segment segments[ELF_IMAGE_MAX_SEGMENTS];
};

/* Parse @len bytes at @data. Returns 0, or a negative errno with *@error
 * set to a sentence naming the problem. */
int elf_image_parse(const uint8_t *data, uint64_t len, struct elf_image *img,
		    const char **error);

#endif
