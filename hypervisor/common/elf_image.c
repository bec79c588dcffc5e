/*
 * Validation of a PV kernel's ELF64 image.
 *
 * The module comes from the boot loader or, later, from the control
 * domain: every offset and size is checked against the buffer, every
 * address range against overflow and against the Keel note's declared
 * layout, before anything is copied.
 *
 * A segment goes at its p_vaddr, or, when the note asks for placement by
 * physical address, at virt_base + p_paddr (Linux's per-CPU segment has
 * p_vaddr 0 in an SMP vmlinux; its p_paddr is right).
 */
#include <byteorder.h>
#include <elf_image.h>
#include <errno_values.h>
#include <keel/keel.h>

#define EHDR_SIZE   64
#define PHDR_SIZE   56
#define PT_LOAD     1
#define PT_NOTE     4
#define ET_EXEC     2
#define EM_X86_64   62
#define PF_X        1

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static int fail(const char **error, const char *why)
{
	*error = why;
	return -EINVAL;
}

static bool range_ok(uint64_t off, uint64_t size, uint64_t len)
{
	return off <= len && size <= len - off;
}

/* Walk the notes in [p, p + size); fill @img from the Keel note. */
static int parse_notes(const uint8_t *p, uint64_t size, struct elf_image *img,
		       bool *found, const char **error)
{
	uint64_t off = 0;

	while (size - off >= 12) {
		uint32_t namesz = get_le32(p + off);
		uint32_t descsz = get_le32(p + off + 4);
		uint32_t type = get_le32(p + off + 8);
		uint64_t name_off = off + 12;
		uint64_t desc_off = name_off + ALIGN_UP((uint64_t)namesz, 4);
		uint64_t next = desc_off + ALIGN_UP((uint64_t)descsz, 4);

		if (next > size || next <= off)
			return fail(error, "an ELF note runs past its segment");
		if (namesz == sizeof(KEEL_ELFNOTE_NAME) &&
		    type == KEEL_ELFNOTE_BOOT &&
		    !__builtin_memcmp(p + name_off, KEEL_ELFNOTE_NAME, namesz)) {
			if (descsz != sizeof(struct keel_elfnote_boot))
				return fail(error, "the Keel ELF note has the "
					    "wrong size");
			const uint8_t *d = p + desc_off;
			img->abi_version = get_le32(d);
			img->note_flags = get_le32(d + 4);
			if (img->note_flags & ~KEEL_ELFNOTE_F_ALL)
				return fail(error, "the Keel ELF note has "
					    "unknown flags");
			img->entry = get_le64(d + 8);
			img->virt_base = get_le64(d + 16);
			*found = true;
		}
		off = next;
	}
	return 0;
}

int elf_image_parse(const uint8_t *data, uint64_t len, struct elf_image *img,
		    const char **error)
{
	bool found_note = false;

	*img = (struct elf_image){ 0 };
	if (len < EHDR_SIZE)
		return fail(error, "the image is smaller than an ELF header");
	if (data[0] != 0x7f || data[1] != 'E' || data[2] != 'L' || data[3] != 'F')
		return fail(error, "the image is not ELF");
	if (data[4] != 2 || data[5] != 1 || data[6] != 1)
		return fail(error, "the image is not little-endian ELF64");
	if (get_le16(data + 16) != ET_EXEC)
		return fail(error, "the image is not an executable (ET_EXEC)");
	if (get_le16(data + 18) != EM_X86_64)
		return fail(error, "the image is not for x86_64");

	uint64_t phoff = get_le64(data + 32);
	uint16_t phentsize = get_le16(data + 54);
	uint16_t phnum = get_le16(data + 56);
	if (phentsize != PHDR_SIZE)
		return fail(error, "the program header size is not 56");
	if (phnum == 0 || !range_ok(phoff, (uint64_t)phnum * PHDR_SIZE, len))
		return fail(error, "the program headers lie outside the image");

	/* Notes first: they say where the image may live. */
	for (unsigned int i = 0; i < phnum; i++) {
		const uint8_t *ph = data + phoff + (uint64_t)i * PHDR_SIZE;
		if (get_le32(ph) != PT_NOTE)
			continue;
		uint64_t off = get_le64(ph + 8), size = get_le64(ph + 32);
		if (!range_ok(off, size, len))
			return fail(error, "a note segment lies outside the image");
		int rc = parse_notes(data + off, size, img, &found_note, error);
		if (rc)
			return rc;
	}
	if (!found_note)
		return fail(error, "the image has no Keel ELF note");
	if ((img->abi_version >> 16) != KEEL_ABI_VERSION_MAJOR ||
	    (img->abi_version & 0xffff) > KEEL_ABI_VERSION_MINOR)
		return fail(error, "the image wants an ABI version this "
			    "hypervisor does not provide");
	if (img->virt_base & (PAGE_SIZE - 1))
		return fail(error, "the virtual base is not page aligned");

	uint64_t limit = img->virt_base + ELF_IMAGE_MAX_SPAN;
	if (limit < img->virt_base)
		return fail(error, "the virtual base is too close to the top "
			    "of the address space");
	bool entry_ok = false;
	img->virt_end = img->virt_base;

	for (unsigned int i = 0; i < phnum; i++) {
		const uint8_t *ph = data + phoff + (uint64_t)i * PHDR_SIZE;
		if (get_le32(ph) != PT_LOAD)
			continue;
		struct elf_segment seg = {
			.flags = get_le32(ph + 4),
			.file_offset = get_le64(ph + 8),
			.vaddr = get_le64(ph + 16),
			.file_size = get_le64(ph + 32),
			.mem_size = get_le64(ph + 40),
		};
		/* Placed by p_paddr: the address is an offset from the
		 * virtual base, checked below like any other. */
		if (img->note_flags & KEEL_ELFNOTE_F_PLACE_BY_PADDR) {
			uint64_t paddr = get_le64(ph + 24);
			if (paddr >= ELF_IMAGE_MAX_SPAN)
				return fail(error, "a segment's physical "
					    "address lies beyond the virtual "
					    "range the Keel note declares");
			seg.vaddr = img->virt_base + paddr;
		}
		if (seg.file_size > seg.mem_size)
			return fail(error, "a segment's file size exceeds its "
				    "memory size");
		if (!range_ok(seg.file_offset, seg.file_size, len))
			return fail(error, "a segment's data lies outside the "
				    "image");
		if (seg.vaddr < img->virt_base || seg.vaddr >= limit ||
		    seg.mem_size > limit - seg.vaddr)
			return fail(error, "a segment lies outside the virtual "
				    "range the Keel note declares");
		if (img->nr_segments == ELF_IMAGE_MAX_SEGMENTS)
			return fail(error, "the image has too many segments");
		img->segments[img->nr_segments++] = seg;
		uint64_t end = ALIGN_UP(seg.vaddr + seg.mem_size, PAGE_SIZE);
		if (end > img->virt_end)
			img->virt_end = end;
		if ((seg.flags & PF_X) && img->entry >= seg.vaddr &&
		    img->entry < seg.vaddr + seg.mem_size)
			entry_ok = true;
	}
	if (img->nr_segments == 0)
		return fail(error, "the image has no loadable segment");
	if (!entry_ok)
		return fail(error, "the entry point is not inside an "
			    "executable segment");
	return 0;
}
