/*
 * Attack: exhaust the grant mapping table. We build page tables for 1,024
 * addresses of our own (a new L2 and three L1s at 1 GiB) and map the
 * victim's read-only status grant at every one: KEEL_GRANT_MAX_MAPPINGS
 * maps succeed, and every further map must fail with -ENOSPC (in a full
 * batch too) without touching the victim's entry. Unmapping them all and
 * tearing the tables down leaves nothing behind.
 */
#include "hostile.h"

const char test_name[] = "grant_map_exhaustion";

#define LINK  (PTE_P | PTE_W | PTE_U)
#define BASE  0x40000000ULL
#define BATCH KEEL_GNTTAB_BATCH_MAX

static struct keel_gnttab_map_grant_ref maps[BATCH];
static struct keel_gnttab_unmap_grant_ref unmaps[BATCH];
static uint32_t handles[KEEL_GRANT_MAX_MAPPINGS];

static unsigned int map_batch(uint64_t first_va, unsigned int n, int32_t want)
{
	unsigned int bad = 0;

	for (unsigned int i = 0; i < n; i++)
		maps[i] = (struct keel_gnttab_map_grant_ref){
			.host_addr = first_va + i * 4096ULL,
			.flags = KEEL_GNTMAP_readonly,
			.ref = HOSTILE_GREF_STATUS,
			.domid = (uint16_t)hostile_victim,
			.status = 1,
		};
	CHECK_EQ(hostile_gnttab(KEEL_GNTTABOP_map_grant_ref, maps, n), 0);
	for (unsigned int i = 0; i < n; i++)
		bad += maps[i].status != want;
	return bad;
}

void attack(void)
{
	uint64_t kroot = rt_boot.kernel_root_mfn;
	uint64_t *l1[3], l1_mfn[3];
	uint64_t *l2 = rt_alloc_pages(1);
	uint64_t l2_mfn = rt_va_to_mfn(l2);

	for (unsigned int i = 0; i < 3; i++) {
		l1[i] = rt_alloc_pages(1);
		l1_mfn[i] = rt_va_to_mfn(l1[i]);
		hostile_make_readonly(l1[i]);
		l2[i] = (l1_mfn[i] << 12) | LINK;
	}
	hostile_make_readonly(l2);
	uint64_t l3_slot = rt_pte_maddr(kroot, BASE, 3);
	CHECK(l3_slot && !rt_pte_read(kroot, BASE, 3), "1 GiB is in use");
	CHECK_EQ(rt_mmu_update1(l3_slot, (l2_mfn << 12) | LINK), 0);

	unsigned int bad = 0;
	for (unsigned int b = 0; b < KEEL_GRANT_MAX_MAPPINGS / BATCH; b++) {
		bad += map_batch(BASE + b * BATCH * 4096ULL, BATCH, 0);
		for (unsigned int i = 0; i < BATCH; i++)
			handles[b * BATCH + i] = maps[i].handle;
	}
	CHECK(bad == 0, "%u of %u maps failed", bad, KEEL_GRANT_MAX_MAPPINGS);
	/* Every mapping shows the victim's status page. */
	const struct hostile_status *seen =
		(const void *)(BASE + 1023 * 4096ULL);
	CHECK_EQ(seen->magic, HOSTILE_STATUS_MAGIC);

	/* One more, then a whole batch more. */
	uint64_t spare = BASE + KEEL_GRANT_MAX_MAPPINGS * 4096ULL;
	CHECK_EQ(map_batch(spare, 1, -KEEL_ENOSPC), 0);
	CHECK_EQ(map_batch(spare, BATCH, -KEEL_ENOSPC), 0);
	CHECK_EQ(rt_pte_read(kroot, spare, 1), 0);
	printf("%u grant mappings, then -ENOSPC\n", KEEL_GRANT_MAX_MAPPINGS);

	for (unsigned int b = 0; b < KEEL_GRANT_MAX_MAPPINGS / BATCH; b++) {
		for (unsigned int i = 0; i < BATCH; i++)
			unmaps[i] = (struct keel_gnttab_unmap_grant_ref){
				.host_addr = BASE + (b * BATCH + i) * 4096ULL,
				.handle = handles[b * BATCH + i],
				.status = 1,
			};
		CHECK_EQ(hostile_gnttab(KEEL_GNTTABOP_unmap_grant_ref, unmaps,
					BATCH), 0);
		for (unsigned int i = 0; i < BATCH; i++)
			bad += unmaps[i].status != 0;
	}
	CHECK(bad == 0, "%u unmaps failed", bad);
	/* There is room again. */
	CHECK_EQ(map_batch(spare, 1, 0), 0);
	unmaps[0] = (struct keel_gnttab_unmap_grant_ref){
		.host_addr = spare, .handle = maps[0].handle };
	CHECK_EQ(hostile_gnttab(KEEL_GNTTABOP_unmap_grant_ref, unmaps, 1), 0);
	CHECK_EQ(unmaps[0].status, 0);

	CHECK_EQ(rt_mmu_update1(l3_slot, 0), 0);
	hostile_make_writable(l2);
	for (unsigned int i = 0; i < 3; i++)
		hostile_make_writable(l1[i]);
}
