/*
 * The hypervisor's own page tables.
 *
 * head.S starts on static boot tables that map the first 4 GiB with large
 * writable, executable pages. arch_paging_init() builds the real ones:
 *
 *  - the direct map: every RAM region of the firmware map (and the first
 *    MiB, for the BIOS data and the AP trampoline) at DIRECTMAP_START,
 *    read-write and never executable;
 *  - the image at KEEL_VIRT_START, section by section: text read-only and
 *    executable, everything else non-executable, and only data and bss
 *    writable. The direct-map alias of text and rodata is read-only too,
 *    so no writable mapping of hypervisor code exists (W^X);
 *  - an ioremap window for MMIO, uncached.
 *
 * Page-table pages come from the boot allocator, below 4 GiB, because
 * until the switch only that much is mapped; later ones (ioremap) come
 * from the frame allocator.
 */
#include <arch.h>
#include <mm.h>
#include <panic.h>
#include <printk.h>
#include <range.h>
#include <spinlock.h>
#include <string_ops.h>
#include <asm/cpu.h>
#include <asm/layout.h>
#include <asm/paging.h>
#include <asm/pt_validate.h>
#include <memory.h>

extern char __image_start[], _etext[], _srodata[], _erodata[], _sdata[],
	__bss_end[], __symbols_start[], __symbols_end[];

paddr_t idle_pml4_phys;
static uint64_t *idle_pml4;
static struct range_list directmap_ram;	/* what the direct map covers */
static uint64_t ioremap_next = IOREMAP_START;
static spinlock_t ioremap_lock = SPINLOCK_INIT;

void *phys_to_virt(paddr_t pa)
{
	return (void *)(DIRECTMAP_START + pa);
}

paddr_t virt_to_phys(const void *va)
{
	uint64_t v = (uint64_t)va;

	if (v >= KEEL_VIRT_START && v <= (uint64_t)__symbols_end)
		return v - KEEL_VIRT_START;
	BUG_ON(v < DIRECTMAP_START || v >= DIRECTMAP_END);
	return v - DIRECTMAP_START;
}

static uint64_t *alloc_table(void *ctx)
{
	(void)ctx;
	paddr_t pa = mm_frames_ready ? frame_alloc(0) :
		     boot_alloc_pages(1, BOOT_DIRECTMAP_LIMIT);

	if (!pa)
		panic("out of memory for hypervisor page tables");
	uint64_t *t = phys_to_virt(pa);

	memset(t, 0, PAGE_SIZE);
	return t;
}

uint64_t *pt_walk_create(uint64_t *root, uint64_t va, unsigned int level,
			 uint64_t *(*alloc)(void *ctx), void *ctx,
			 uint64_t table_flags)
{
	uint64_t *table = root;

	for (unsigned int l = 4; l > level; l--) {
		uint64_t *e = &table[(va >> (12 + 9 * (l - 1))) & 511];

		if (!(*e & PTE_PRESENT)) {
			uint64_t *next = alloc(ctx);
			if (!next)
				return NULL;
			*e = virt_to_phys(next) | table_flags;
		}
		BUG_ON(*e & PTE_LARGE);
		table = phys_to_virt(*e & PTE_ADDR_MASK);
	}
	return &table[(va >> (12 + 9 * (level - 1))) & 511];
}

/* Return the entry for @va at @level (1 = 4 KiB PTE, 2 = 2 MiB PDE) in
 * the hypervisor's tables, creating intermediate tables as needed. */
static uint64_t *walk_create(uint64_t *pml4, uint64_t va, unsigned int level)
{
	return pt_walk_create(pml4, va, level, alloc_table, NULL,
			      PTE_PRESENT | PTE_WRITE);
}

/* Map [pa, pa + size) at va, using 2 MiB pages where alignment allows. */
static void map_range(uint64_t *pml4, uint64_t va, paddr_t pa, uint64_t size,
		      uint64_t flags)
{
	while (size) {
		if (!((va | pa) & (LARGE_PAGE_SIZE - 1)) &&
		    size >= LARGE_PAGE_SIZE) {
			*walk_create(pml4, va, 2) = pa | flags | PTE_LARGE;
			va += LARGE_PAGE_SIZE;
			pa += LARGE_PAGE_SIZE;
			size -= LARGE_PAGE_SIZE;
		} else {
			*walk_create(pml4, va, 1) = pa | flags;
			va += PAGE_SIZE;
			pa += PAGE_SIZE;
			size -= PAGE_SIZE;
		}
	}
}

static void map_image_section(const char *start, const char *end,
			      uint64_t flags)
{
	uint64_t s = ALIGN_DOWN((uint64_t)start, PAGE_SIZE);
	uint64_t e = ALIGN_UP((uint64_t)end, PAGE_SIZE);

	map_range(idle_pml4, s, s - KEEL_VIRT_START, e - s, flags);
}

void arch_paging_init(const struct boot_info *bi)
{
	const uint64_t rw = PTE_PRESENT | PTE_WRITE | PTE_GLOBAL | PTE_NX;
	const uint64_t ro = PTE_PRESENT | PTE_GLOBAL | PTE_NX;
	struct range_list *ram = &directmap_ram;

	idle_pml4 = alloc_table(NULL);

	/* Direct map: RAM plus the first MiB, minus the image's read-only
	 * part, which gets a read-only alias. */
	range_list_init(ram);
	range_list_add(ram, 0, MiB(1));
	for (unsigned int i = 0; i < bi->nr_mmap; i++) {
		const struct boot_mmap_entry *m = &bi->mmap[i];

		if (m->type == MB2_MEMORY_AVAILABLE ||
		    m->type == MB2_MEMORY_ACPI_RECLAIMABLE ||
		    m->type == MB2_MEMORY_NVS)
			range_list_add(ram, ALIGN_DOWN(m->addr, PAGE_SIZE),
				       ALIGN_UP(m->addr + m->len, PAGE_SIZE));
	}
	/* Modules lie in RAM, but be sure they are mapped. */
	for (unsigned int i = 0; i < bi->nr_modules; i++)
		range_list_add(ram, ALIGN_DOWN(bi->modules[i].start, PAGE_SIZE),
			       ALIGN_UP(bi->modules[i].end, PAGE_SIZE));
	paddr_t ro_start = (uint64_t)__image_start - KEEL_VIRT_START;
	paddr_t ro_end = ALIGN_UP((uint64_t)_erodata, PAGE_SIZE) - KEEL_VIRT_START;
	range_list_remove(ram, ro_start, ro_end);
	for (unsigned int i = 0; i < ram->count; i++) {
		uint64_t end = MIN(ram->r[i].end, DIRECTMAP_END - DIRECTMAP_START);
		if (ram->r[i].start < end)
			map_range(idle_pml4, DIRECTMAP_START + ram->r[i].start,
				  ram->r[i].start, end - ram->r[i].start, rw);
	}
	map_range(idle_pml4, DIRECTMAP_START + ro_start, ro_start,
		  ro_end - ro_start, ro);
	range_list_add(ram, ro_start, ro_end);

	/* The image, W^X. */
	map_image_section(__image_start, _etext, PTE_PRESENT | PTE_GLOBAL);
	map_image_section(_srodata, _erodata, ro);
	map_image_section(_sdata, __bss_end, rw);
	map_image_section(__symbols_start, __symbols_end, ro);

	/* Give every hypervisor L4 slot its L3 table now. Guest page tables
	 * copy these slots, so later hypervisor mappings (ioremap, say) must
	 * only ever change lower levels, which all roots share. */
	for (uint64_t va = HYPERVISOR_VIRT_START; va < HYPERVISOR_VIRT_END;
	     va += 1ULL << 39)
		walk_create(idle_pml4, va, 3);

	idle_pml4_phys = virt_to_phys(idle_pml4);
	write_cr3(idle_pml4_phys);
	write_cr4(read_cr4() | X86_CR4_PGE);
	printk("Paging: hypervisor page tables at %#llx; direct map covers "
	       "%llu MiB; image W^X\n", (unsigned long long)idle_pml4_phys,
	       (unsigned long long)(range_list_total(ram) >> 20));
}

void pt_fill_hypervisor_slots(uint64_t *l4)
{
	for (unsigned int i = HYPERVISOR_L4_FIRST; i <= HYPERVISOR_L4_LAST; i++)
		l4[i] = idle_pml4[i];
}

void pt_clear_hypervisor_slots(uint64_t *l4)
{
	for (unsigned int i = HYPERVISOR_L4_FIRST; i <= HYPERVISOR_L4_LAST; i++)
		l4[i] = 0;
}

/*
 * The M2P window: the M2P table mapped at KEEL_M2P_VADDR (L4 slot 256)
 * with the user bit and without the write bit at every level, so that a
 * guest in ring 3 can read it and nobody can write it there. Keel itself
 * writes the table through the direct map.
 */
void arch_map_m2p(paddr_t pa, uint64_t bytes)
{
	const uint64_t link = PTE_PRESENT | PTE_USER;

	idle_pml4[HYPERVISOR_L4_FIRST] |= PTE_USER;
	idle_pml4[HYPERVISOR_L4_FIRST] &= ~PTE_WRITE;
	for (uint64_t off = 0; off < bytes; off += PAGE_SIZE)
		*pt_walk_create(idle_pml4, M2P_WINDOW_START + off, 1,
				alloc_table, NULL, link) =
			(pa + off) | PTE_PRESENT | PTE_USER | PTE_NX;
}

bool directmap_covers(paddr_t pa, size_t len)
{
	for (unsigned int i = 0; i < directmap_ram.count; i++)
		if (pa >= directmap_ram.r[i].start &&
		    pa + len <= directmap_ram.r[i].end)
			return true;
	return false;
}

void *ioremap(paddr_t pa, size_t size)
{
	paddr_t base = ALIGN_DOWN(pa, PAGE_SIZE);
	uint64_t len = ALIGN_UP(pa + size, PAGE_SIZE) - base;
	unsigned long flags = spin_lock_irqsave(&ioremap_lock);
	uint64_t va = ioremap_next;

	if (va + len > IOREMAP_START + IOREMAP_SIZE)
		panic("ioremap window exhausted");
	ioremap_next += len;
	for (uint64_t off = 0; off < len; off += PAGE_SIZE)
		*walk_create(idle_pml4, va + off, 1) =
			(base + off) | PTE_PRESENT | PTE_WRITE | PTE_PCD |
			PTE_PWT | PTE_GLOBAL | PTE_NX;
	spin_unlock_irqrestore(&ioremap_lock, flags);
	return (void *)(va + (pa - base));
}

/*
 * One page of the ioremap window for Keel's brief accesses to device
 * memory it does not keep mapped (a function's MSI-X table, wherever
 * its BAR is at the time): mapped for one access, under a lock, and
 * unmapped after. The entry is not global and only this CPU touches
 * the page while it holds the lock, so the local invlpg is enough.
 */
static spinlock_t mmio_window_lock = SPINLOCK_INIT;
static uint64_t *mmio_window_pte;
static uint8_t *mmio_window;

uint64_t arch_phys_address_limit(void)
{
	return 1ULL << boot_cpu_features.phys_address_bits;
}

void mmio_window_init(void)
{
	unsigned long flags = spin_lock_irqsave(&ioremap_lock);
	uint64_t va = ioremap_next;

	if (va + PAGE_SIZE > IOREMAP_START + IOREMAP_SIZE)
		panic("ioremap window exhausted");
	ioremap_next += PAGE_SIZE;
	mmio_window_pte = walk_create(idle_pml4, va, 1);
	mmio_window = (uint8_t *)va;
	spin_unlock_irqrestore(&ioremap_lock, flags);
}

/* @pa's page in the window; false (nothing mapped) for an address the
 * caller should not have passed: unaligned, or past what the CPU can
 * address, which a page-table entry cannot name. */
static bool mmio_window_map(paddr_t pa)
{
	if ((pa & 3) || pa >= arch_phys_address_limit() || !mmio_window)
		return false;
	*mmio_window_pte = ALIGN_DOWN(pa, PAGE_SIZE) | PTE_PRESENT | PTE_WRITE |
			   PTE_PCD | PTE_PWT | PTE_NX;
	invlpg(mmio_window);
	return true;
}

static void mmio_window_unmap(void)
{
	*mmio_window_pte = 0;
	invlpg(mmio_window);
}

void arch_mmio_write32(paddr_t pa, uint32_t value)
{
	unsigned long flags = spin_lock_irqsave(&mmio_window_lock);
	if (mmio_window_map(pa)) {
		*(volatile uint32_t *)(mmio_window + (pa & (PAGE_SIZE - 1))) =
			value;
		mmio_window_unmap();
	}
	spin_unlock_irqrestore(&mmio_window_lock, flags);
}
