/* keel-test: group=identity privileged=1 mem=8M device=edu */
/*
 * Identity-mapped memory for the hardware domain (its kernel sets
 * KEEL_ELFNOTE_F_IDENTITY): all its memory is one run of machine frames
 * whose numbers are its pseudo-physical frame numbers.
 *  - /keel/memory/pfn-base is set, 2 MiB aligned; page n is frame
 *    pfn-base + n in the P2M, and the M2P says pfn-base + n back; the
 *    pages mapped at boot do not cross a 1 GiB boundary;
 *  - /keel/memory/other-ram lists the machine's RAM that is not the
 *    domain's (for its memory map): none of it overlaps the run, and the
 *    first megabyte's RAM, which Keel keeps, is in it;
 *  - so a device can DMA to the guest's pseudo-physical addresses as
 *    they are: QEMU's "edu" device copies 1 KiB of a page of the guest's
 *    into its buffer and back into another page, by bus mastering, and
 *    the copy is right.
 * identity_b_control, a control domain with the same flag that is not
 * the hardware domain, keeps an ordinary P2M.
 */
#include <libfdt.h>
#include "keeltest.h"
#include <keel/physdev.h>
#include "rt_pci.h"

RT_KEEL_NOTE(KEEL_ELFNOTE_F_IDENTITY);

const char test_name[] = "identity_a_hardware";

#define EDU_VENDOR_DEVICE 0x11e81234u
#define EDU_ID          0x00
#define EDU_DMA_SRC     0x80
#define EDU_DMA_DST     0x88
#define EDU_DMA_COUNT   0x90
#define EDU_DMA_CMD     0x98
#define EDU_DMA_START   0x1
#define EDU_DMA_TO_RAM  0x2
#define EDU_BUFFER      0x40000
#define MS              1000000ull

/* The pseudo-physical address of a page of guest memory: what a driver
 * gives its device, and, identity-mapped, the machine address too. */
static uint64_t pseudo_physical(const void *va)
{
	return (rt_boot.pfn_base << 12) +
	       ((uint64_t)va - rt_boot.virt_base);
}

static void layout(void)
{
	const uint64_t *p2m = (const uint64_t *)rt_boot.p2m_vaddr;
	uint64_t base = rt_boot.pfn_base;

	CHECK(base != 0 && base % 512 == 0, "pfn-base %#llx",
	      (unsigned long long)base);
	for (uint64_t n = 0; n < rt_boot.nr_pages; n++) {
		if (p2m[n] != base + n || rt_boot.m2p[base + n] != base + n) {
			CHECK(false, "page %llu: frame %#llx, M2P %#llx",
			      (unsigned long long)n,
			      (unsigned long long)p2m[n],
			      (unsigned long long)rt_boot.m2p[base + n]);
			break;
		}
	}
	CHECK_EQ(base >> 18, (base + rt_boot.mapped_pages - 1) >> 18);
	void *page = rt_alloc_pages(1);
	CHECK_EQ(rt_va_to_mfn(page) << 12, pseudo_physical(page));
	CHECK(rt_mfn_to_va(rt_va_to_mfn(page)) == page, "M2P lookup");
	printf("%llu pages identity-mapped from frame %#llx\n",
	       (unsigned long long)rt_boot.nr_pages,
	       (unsigned long long)base);
}

static bool dma_done(volatile uint64_t *cmd)
{
	uint64_t deadline = rt_now_ns() + 5000 * MS;

	while (*cmd & EDU_DMA_START)
		if (rt_now_ns() > deadline)
			return false;
	return true;
}

static void dma(void)
{
	uint8_t devfn = rt_pci_find(EDU_VENDOR_DEVICE);

	CHECK(devfn != 0xff, "no edu device");
	uint32_t bar0 = rt_pci_read(devfn, 0x10, 4) & ~0xfu;
	/* Memory decoding and bus mastering. */
	CHECK_EQ(rt_pci_write(devfn, 0x04, 2, 0x0006), 0);

	volatile uint8_t *regs = rt_map_mmio(bar0);
	CHECK_EQ(*(volatile uint32_t *)(regs + EDU_ID) & 0xff, 0xed);

	uint8_t *from = rt_alloc_pages(1), *to = rt_alloc_pages(1);
	for (int i = 0; i < 4096; i++) {
		from[i] = (uint8_t)(i * 7 + 3);
		to[i] = 0;
	}
	volatile uint64_t *src = (volatile uint64_t *)(regs + EDU_DMA_SRC);
	volatile uint64_t *dst = (volatile uint64_t *)(regs + EDU_DMA_DST);
	volatile uint64_t *count = (volatile uint64_t *)(regs + EDU_DMA_COUNT);
	volatile uint64_t *cmd = (volatile uint64_t *)(regs + EDU_DMA_CMD);

	*src = pseudo_physical(from);
	*dst = EDU_BUFFER;
	*count = 1024;
	*cmd = EDU_DMA_START;
	CHECK(dma_done(cmd), "the DMA into the device did not finish");
	*src = EDU_BUFFER;
	*dst = pseudo_physical(to);
	*count = 1024;
	*cmd = EDU_DMA_START | EDU_DMA_TO_RAM;
	CHECK(dma_done(cmd), "the DMA back did not finish");
	/* 1 KiB of the page (QEMU 7.2's edu refuses a transfer of its whole
	 * 4 KiB buffer), and nothing past it. */
	int wrong = 0;
	for (int i = 0; i < 4096; i++)
		wrong += to[i] != (i < 1024 ? (uint8_t)(i * 7 + 3) : 0);
	CHECK_EQ(wrong, 0);
	printf("a page DMAed to the device and back at its pseudo-physical "
	       "address %#llx came back whole\n",
	       (unsigned long long)pseudo_physical(to));
	CHECK_EQ(rt_pci_write(devfn, 0x04, 2, 0), 0);
}

static void other_ram(void)
{
	int len = 0;
	int node = fdt_path_offset(rt_boot.fdt, "/keel/memory");
	const fdt64_t *p = fdt_getprop(rt_boot.fdt, node, "other-ram", &len);
	uint64_t own_start = rt_boot.pfn_base << 12;
	uint64_t own_end = own_start + (rt_boot.nr_pages << 12);
	bool low = false;

	CHECK(p && len > 0 && len % 16 == 0, "other-ram: %d bytes", len);
	for (int i = 0; p && i < len / 16; i++) {
		uint64_t start = fdt64_to_cpu(p[2 * i]);
		uint64_t end = start + fdt64_to_cpu(p[2 * i + 1]);

		CHECK(end <= own_start || start >= own_end,
		      "other-ram [%#llx, %#llx) overlaps the domain's",
		      (unsigned long long)start, (unsigned long long)end);
		low |= start <= 0x1000 && end > 0x1000;
	}
	CHECK(low, "the low megabyte's RAM is not in other-ram");
	printf("other-ram: %d ranges, none of them the domain's\n", len / 16);
}

void test_main(void)
{
	layout();
	other_ram();
	dma();
}
