/* keel-test: group=iomem privileged=1 */
/*
 * A control domain that is not the hardware domain (iomem_a_hardware
 * is): it maps no device memory. Each frame the hardware domain may map
 * is "no such frame" here, -EINVAL, as is each of Keel's windows.
 */
#include "keeltest.h"

const char test_name[] = "iomem_b_control";

void test_main(void)
{
	void *va = rt_alloc_pages(1);
	uint64_t orig = rt_pte_read(rt_boot.kernel_root_mfn, (uint64_t)va, 1);
	static const uint64_t frames[] = { 0xb8, 0xf0, 0xfe000, 0xfec00,
					   0xfee00 };

	for (unsigned int i = 0; i < sizeof(frames) / sizeof(frames[0]); i++)
		CHECK_EQ(keel_hypercall_update_va_mapping(
				 (uint64_t)va, (frames[i] << 12) | 0x13,
				 KEEL_UVMF_INVLPG), -KEEL_EINVAL);
	CHECK_EQ(rt_pte_read(rt_boot.kernel_root_mfn, (uint64_t)va, 1), orig);
	printf("no device memory for a domain that is not the hardware "
	       "domain\n");
}
