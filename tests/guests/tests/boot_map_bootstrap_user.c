/* keel-test: user=64K build_error="has no user window" */
/*
 * A kernel that asks for KEEL_ELFNOTE_F_MAP_BOOTSTRAP has no user window:
 * the builder refuses user= other than 0, with a message, and builds
 * nothing.
 */
#include "keeltest.h"

const char test_name[] = "boot_map_bootstrap_user";

extern char _start[];
struct test_note {
	uint32_t namesz, descsz, type;
	char name[8];			/* "Keel\0", padded to 4 bytes */
	struct keel_elfnote_boot desc;	/* right after, at offset 20 */
} __attribute__((packed));
__attribute__((section(".note.keel.override"), used, aligned(4)))
static const struct test_note note = {
	.namesz = 5, .descsz = sizeof(struct keel_elfnote_boot),
	.type = KEEL_ELFNOTE_BOOT, .name = "Keel",
	.desc = { .abi_version = KEEL_ABI_VERSION,
		  .flags = KEEL_ELFNOTE_F_MAP_BOOTSTRAP,
		  .entry = (uint64_t)_start,
		  .virt_base = 0xffffffff80000000ULL },
};

void test_main(void)
{
	CHECK(false, "the builder should have refused this domain");
}
