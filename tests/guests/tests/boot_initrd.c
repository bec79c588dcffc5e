/* keel-test: initrd=20001 user=0 mem=8M */
/*
 * ABI 1.2 boot data: an initrd module ("initrd" on its command line)
 * appears in guest memory right after the kernel image, described by
 * /chosen linux,initrd-start and -end as pseudo-physical addresses, with
 * every byte the runner wrote; /keel shared-info-mfn names the frame the
 * shared-info page is mapped from; and with user=0 there is no user
 * window, so the initial user root maps nothing of the guest's.
 */
#include "keeltest.h"

const char test_name[] = "boot_initrd";

#define INITRD_BYTES 20001

extern const char _end[];

void test_main(void)
{
	uint64_t start = rt_boot.initrd_start, end = rt_boot.initrd_end;

	printf("initrd [%#llx, %#llx)\n", (unsigned long long)start,
	       (unsigned long long)end);
	CHECK_EQ(end - start, INITRD_BYTES);
	CHECK_EQ(start & 4095, 0);
	/* Right after the image: the first page past _end. */
	CHECK_EQ(rt_boot.virt_base + start,
		 ((uint64_t)_end + 4095) & ~4095ULL);
	const uint8_t *p = (const uint8_t *)(rt_boot.virt_base + start);
	unsigned int bad = 0;
	for (uint64_t i = 0; i < INITRD_BYTES; i++)
		if (p[i] != (uint8_t)(i * 131 + 7))
			bad++;
	CHECK(bad == 0, "%u initrd bytes differ", bad);
	/* The P2M follows the initrd's last page. */
	CHECK_EQ(rt_boot.p2m_vaddr,
		 rt_boot.virt_base + ((end + 4095) & ~4095ULL));

	uint64_t pte = rt_pte_read(rt_boot.kernel_root_mfn,
				   (uint64_t)rt_boot.shared_info, 1);
	CHECK_EQ((pte >> 12) & 0xffffffffffULL, rt_boot.shared_info_mfn);
	CHECK(rt_boot.shared_info_mfn != 0, "no shared-info-mfn");
	printf("shared info at mfn %#llx\n",
	       (unsigned long long)rt_boot.shared_info_mfn);

	CHECK_EQ(rt_boot.user_window_size, 0);
	const uint64_t *uroot = rt_mfn_to_va(rt_boot.user_root_mfn);
	CHECK(uroot != NULL, "user root not in guest memory");
	unsigned int used = 0;
	for (unsigned int i = 0; uroot && i < 512; i++)
		if ((i < 256 || i > 271) && uroot[i])
			used++;
	CHECK(used == 0, "the user root has %u guest entries", used);
	printf("user=0: the user root maps nothing\n");
}
