/*
 * The PCI configuration-space filter (pci_config.h).
 *
 * Reads pass; the filter looks only at writes, and only at the few
 * registers that say where a device decodes and where it signals:
 *
 *  - the command register's I/O and memory decode bits: turning one on
 *    makes every BAR of that kind live, so Keel sizes each of them
 *    first (decoding of that kind is still off, so a BAR moved to all
 *    ones for a moment decodes nothing) and refuses the write if one
 *    would decode RAM, Keel's device windows or Keel's ports;
 *  - the BARs and the ROM BAR: while their kind is decoded, moving one
 *    would change what the device answers to without the check above, so
 *    only a write of the value already there passes (and one to a BAR
 *    that reads 0, as not implemented, is dropped). While it is not
 *    decoded, a driver sizes and places BARs freely, natively;
 *  - the MSI capability: an MSI is a memory write to the address, with
 *    the data, the device was given, which pick a CPU and a vector: so
 *    the address and data are Keel's (physdev_op bind_msi writes them),
 *    and MSI may be turned on only once Keel has written them, with one
 *    message (a device given several would use vectors that are not
 *    the function's);
 *  - the enable bit of the MSI-X capability: with the function mask
 *    set, nothing can be sent, so it may be turned on; unmasked, only
 *    once Keel has bound one of the function's entries (their messages
 *    are in the table, in a BAR, which bind_msix writes);
 *  - a host bridge's registers past the standard header, which decide
 *    where RAM and the ECAM window are: none may be written.
 *
 * A write is judged on the 32-bit register it falls in: the value the
 * register would hold afterwards is the current one with the written
 * bytes replaced. The write itself is then made as it came, at its own
 * size, so that a byte write does not rewrite its neighbours (status
 * bits are write-one-to-clear).
 */
#include <errno_values.h>
#include <pci_config.h>

#define PCI_BAR_IO        0x1u
#define PCI_BAR_MEM_TYPE  0x6u	/* memory BAR type: 0 32-bit, 2 64-bit */
#define PCI_BAR_MEM_64    0x4u
/* In the first dword of a capability, the ID is bits 7:0 and the
 * control register bits 31:16. */
#define PCI_MSI_ENABLE    ((uint32_t)PCI_MSI_CONTROL_ENABLE << 16)
#define PCI_MSI_MME       ((uint32_t)PCI_MSI_CONTROL_MME << 16)
#define PCI_MSI_64BIT     ((uint32_t)PCI_MSI_CONTROL_64BIT << 16)
#define PCI_MSIX_ENABLE   ((uint32_t)PCI_MSIX_CONTROL_ENABLE << 16)
#define PCI_MSIX_MASKALL  ((uint32_t)PCI_MSIX_CONTROL_MASKALL << 16)
#define PCI_ROM_BAR_INDEX 6
/* Enough for every capability that fits in 192 bytes: a loop in a
 * broken device's list ends here. */
#define PCI_CAP_WALK_MAX  48

bool pci_config_access_valid(unsigned int reg, unsigned int size)
{
	return (size == 1 || size == 2 || size == 4) && reg < PCI_CONFIG_SIZE &&
	       reg % size == 0;
}

/* What one function's header holds BARs at. */
struct pci_header {
	unsigned int nr_bars;	/* 32-bit BAR registers from PCI_BAR0 */
	unsigned int rom;	/* the ROM BAR's offset, or 0 */
};

static struct pci_header header_of(const struct pci_config_ops *ops,
				   uint16_t bdf)
{
	switch (ops->read(bdf, PCI_HEADER_TYPE, 1) & 0x7f) {
	case 0:  return (struct pci_header){ 6, PCI_ROM_TYPE0 };
	case 1:  return (struct pci_header){ 2, PCI_ROM_TYPE1 };
	case 2:  return (struct pci_header){ 1, 0 };	/* CardBus */
	default: return (struct pci_header){ 0, 0 };
	}
}

/* How many BAR registers the BAR whose first register (number @i)
 * holds @low spans, and whether it is an I/O BAR. The type bits are
 * read-only, so the hardware's answer is the truth. */
static unsigned int bar_registers(uint32_t low, unsigned int i,
				  const struct pci_header *h, bool *io)
{
	*io = low & PCI_BAR_IO;
	return !*io && (low & PCI_BAR_MEM_TYPE) == PCI_BAR_MEM_64 &&
	       i + 1 < h->nr_bars ? 2 : 1;
}

/* The first register of the BAR that register @index belongs to (a
 * 64-bit BAR spans two), and the BAR's kind. */
static unsigned int bar_first(const struct pci_config_ops *ops, uint16_t bdf,
			      const struct pci_header *h, unsigned int index,
			      bool *io)
{
	unsigned int i = 0, regs;

	for (; i < h->nr_bars; i += regs) {
		regs = bar_registers(ops->read(bdf, PCI_BAR0 + 4 * i, 4), i, h,
				     io);
		if (index < i + regs)
			return i;
	}
	return index;	/* not reached for an index below nr_bars */
}

/*
 * Size the BAR at register @reg (@regs of them) with decoding of its
 * kind off: write all ones, read back what sticks, put the old value
 * back. Fills [*start, *end); false when the BAR is not implemented.
 */
static bool bar_range(const struct pci_config_ops *ops, uint16_t bdf,
		      unsigned int reg, unsigned int regs, bool io, bool rom,
		      uint64_t *start, uint64_t *end)
{
	uint32_t low = ops->read(bdf, reg, 4);
	uint32_t high = regs == 2 ? ops->read(bdf, reg + 4, 4) : 0;
	uint32_t low_bits = rom ? PCI_ROM_ADDRESS_MASK :
			    io ? 0xfffcu : ~0xfu;	/* address bits */
	uint64_t mask;

	ops->write(bdf, reg, 4, rom ? PCI_ROM_ADDRESS_MASK : ~0u);
	mask = ops->read(bdf, reg, 4) & low_bits;
	ops->write(bdf, reg, 4, low);
	if (regs == 2) {
		ops->write(bdf, reg + 4, 4, ~0u);
		mask |= (uint64_t)ops->read(bdf, reg + 4, 4) << 32;
		ops->write(bdf, reg + 4, 4, high);
	}
	if (!mask)
		return false;		/* not implemented */
	*start = ((uint64_t)high << 32) | (low & low_bits);
	/* The lowest address bit that sticks is the size. */
	uint64_t size = mask & (~mask + 1);
	*end = *start + size < *start ? UINT64_MAX : *start + size;
	return true;
}

/* Whether every BAR of the kind about to be decoded may be: 0, or
 * -EPERM with @why filled in. */
static int check_bars(const struct pci_config_ops *ops, uint16_t bdf,
		      const struct pci_header *h, bool io,
		      struct pci_config_refusal *why)
{
	uint64_t start, end;

	for (unsigned int i = 0, regs; i < h->nr_bars; i += regs) {
		bool bar_io;

		regs = bar_registers(ops->read(bdf, PCI_BAR0 + 4 * i, 4), i, h,
				     &bar_io);
		if (bar_io != io ||
		    !bar_range(ops, bdf, PCI_BAR0 + 4 * i, regs, io, false,
			       &start, &end))
			continue;
		bool ok = io ? end <= 0x10000 &&
				   ops->ports_allowed((uint32_t)start,
						      (uint32_t)(end - 1))
			     : ops->memory_allowed(start, end);
		if (!ok) {
			*why = (struct pci_config_refusal){
				io ? "I/O BAR over Keel's ports"
				   : "memory BAR over RAM or Keel's devices",
				(int)i, start, end };
			return -EPERM;
		}
	}
	if (!io && h->rom &&
	    (ops->read(bdf, h->rom, 4) & PCI_ROM_ENABLE) &&
	    bar_range(ops, bdf, h->rom, 1, false, true, &start, &end) &&
	    !ops->memory_allowed(start, end)) {
		*why = (struct pci_config_refusal){
			"ROM BAR over RAM or Keel's devices",
			PCI_ROM_BAR_INDEX, start, end };
		return -EPERM;
	}
	return 0;
}

/* The first capability with ID @id from the one at @pos on, or 0. */
static unsigned int find_capability_from(const struct pci_config_ops *ops,
					 uint16_t bdf, uint8_t id,
					 unsigned int pos)
{
	for (unsigned int n = 0; n < PCI_CAP_WALK_MAX && pos >= 0x40; n++) {
		uint32_t head = ops->read(bdf, pos, 4);

		if ((head & 0xff) == id)
			return pos;
		pos = (head >> 8) & 0xfc;
	}
	return 0;
}

unsigned int pci_config_find_capability(const struct pci_config_ops *ops,
					uint16_t bdf, uint8_t id)
{
	if (!(ops->read(bdf, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return 0;
	return find_capability_from(ops, bdf, id,
				    ops->read(bdf, PCI_CAP_POINTER, 1) & 0xfc);
}

unsigned int pci_config_find_next_capability(const struct pci_config_ops *ops,
					     uint16_t bdf, uint8_t id,
					     unsigned int pos)
{
	return find_capability_from(ops, bdf, id,
				    (ops->read(bdf, pos, 4) >> 8) & 0xfc);
}

bool pci_msi_capability_fits(const struct pci_config_ops *ops, uint16_t bdf,
			     unsigned int pos)
{
	bool is_64 = ops->read(bdf, pos + PCI_MSI_CONTROL, 2) &
		     PCI_MSI_CONTROL_64BIT;

	return pos + (is_64 ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32) + 2 <=
	       PCI_CONFIG_SIZE;
}

void pci_msi_program(const struct pci_config_ops *ops, uint16_t bdf,
		     unsigned int pos, uint64_t address, uint16_t data)
{
	uint16_t control = (uint16_t)ops->read(bdf, pos + PCI_MSI_CONTROL, 2);
	bool is_64 = control & PCI_MSI_CONTROL_64BIT;

	ops->write(bdf, pos + PCI_MSI_CONTROL, 2,
		   control & ~(PCI_MSI_CONTROL_ENABLE | PCI_MSI_CONTROL_MME));
	ops->write(bdf, pos + PCI_MSI_ADDRESS, 4, (uint32_t)address);
	if (is_64)
		ops->write(bdf, pos + PCI_MSI_ADDRESS + 4, 4,
			   (uint32_t)(address >> 32));
	ops->write(bdf, pos + (is_64 ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32), 2,
		   data);
}

int pci_msix_entry_address(const struct pci_config_ops *ops, uint16_t bdf,
			   unsigned int pos, unsigned int entry, uint64_t *pa)
{
	uint16_t control = (uint16_t)ops->read(bdf, pos + PCI_MSIX_CONTROL, 2);
	uint32_t table = ops->read(bdf, pos + PCI_MSIX_TABLE, 4);
	unsigned int bir = table & PCI_MSIX_TABLE_BIR;
	struct pci_header h = header_of(ops, bdf);
	bool io;

	if (entry > (control & PCI_MSIX_CONTROL_SIZE))
		return -EINVAL;
	/* The BIR names a BAR register: the first of its BAR, a memory
	 * one, placed, and decoded. */
	if (bir >= h.nr_bars || bar_first(ops, bdf, &h, bir, &io) != bir ||
	    io || !(ops->read(bdf, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY))
		return -ENODEV;
	uint32_t low = ops->read(bdf, PCI_BAR0 + 4 * bir, 4);
	uint64_t base = low & ~0xfu;
	if (bar_registers(low, bir, &h, &io) == 2)
		base |= (uint64_t)ops->read(bdf, PCI_BAR0 + 4 * (bir + 1), 4)
			<< 32;
	uint64_t at = base + (table & ~PCI_MSIX_TABLE_BIR) +
		      (uint64_t)entry * PCI_MSIX_ENTRY_SIZE;
	if (!base || at < base || at + PCI_MSIX_ENTRY_SIZE < at ||
	    !ops->memory_allowed(at, at + PCI_MSIX_ENTRY_SIZE))
		return -ENODEV;
	*pa = at;
	return 0;
}

void pci_msi_disable(const struct pci_config_ops *ops, uint16_t bdf,
		     unsigned int pos)
{
	uint16_t control = (uint16_t)ops->read(bdf, pos + PCI_MSI_CONTROL, 2);

	ops->write(bdf, pos + PCI_MSI_CONTROL, 2,
		   control & ~PCI_MSI_CONTROL_ENABLE);
}

/* Why a write leaving @new in the 32-bit register at @dword (@old before)
 * may not touch the MSI capability at @pos, or NULL. @bound is the one
 * Keel bound, if any (msi_bound_capability). */
static const char *msi_refusal(const struct pci_config_ops *ops, uint16_t bdf,
			       unsigned int pos, unsigned int bound,
			       unsigned int dword, uint32_t old, uint32_t new)
{
	if (dword == pos) {
		if ((new & PCI_MSI_ENABLE) && pos != bound)
			return "MSI enabled before bind_msi";
		if ((new & PCI_MSI_ENABLE) && (new & PCI_MSI_MME))
			return "MSI enabled with several messages";
	} else if (dword > pos && dword < pos + 16 && new != old) {
		/* The message address (both halves if 64-bit) and data. */
		bool is_64 = ops->read(bdf, pos, 4) & PCI_MSI_64BIT;

		if (dword < pos + (is_64 ? 16 : 12))
			return "MSI address or data, which are Keel's";
	}
	return NULL;
}

/* Whether a write leaving @new in the 32-bit register at @dword (@old
 * before) may touch the MSI or MSI-X capability there: 0, or -EPERM with
 * @why filled in. Both the MSI capability the list leads to now and the
 * one Keel bound are guarded, in case the list has changed since (a
 * device whose capability pointers are writable). */
static int check_msi(const struct pci_config_ops *ops, uint16_t bdf,
		     unsigned int dword, uint32_t old, uint32_t new,
		     struct pci_config_refusal *why)
{
	unsigned int msi = pci_config_find_capability(ops, bdf,
						      PCI_CAP_ID_MSI);
	unsigned int bound = ops->msi_bound_capability(bdf);
	const char *refusal = NULL;

	if (msi)
		refusal = msi_refusal(ops, bdf, msi, bound, dword, old, new);
	if (!refusal && bound && bound != msi)
		refusal = msi_refusal(ops, bdf, bound, bound, dword, old, new);
	/* MSI-X on with the function mask set sends nothing: drivers do that
	 * to reach the table. Unmasked, only once Keel has bound an entry. */
	if (!refusal && (new & PCI_MSIX_ENABLE) &&
	    dword == pci_config_find_capability(ops, bdf, PCI_CAP_ID_MSIX)) {
		if (bound)
			refusal = "MSI-X enabled while MSI is bound";
		else if (!(new & PCI_MSIX_MASKALL) && !ops->msix_bound(bdf))
			refusal = "MSI-X enabled before bind_msix";
	}
	if (refusal) {
		*why = (struct pci_config_refusal){ refusal, -1, 0, 0 };
		return -EPERM;
	}
	return 0;
}

int pci_config_write_filtered(const struct pci_config_ops *ops, uint16_t bdf,
			      unsigned int reg, unsigned int size,
			      uint32_t value, struct pci_config_refusal *why)
{
	unsigned int dword = reg & ~3u, shift = (reg & 3) * 8;
	uint32_t mask = size == 4 ? ~0u : ((1u << (size * 8)) - 1) << shift;
	uint32_t old = ops->read(bdf, dword, 4);
	uint32_t new = (old & ~mask) | ((value << shift) & mask);
	struct pci_header h = header_of(ops, bdf);
	uint16_t command = ops->read(bdf, PCI_COMMAND, 2);

	*why = (struct pci_config_refusal){ NULL, -1, 0, 0 };
	if (dword == PCI_COMMAND) {
		uint32_t turned_on = new & ~old &
				     (PCI_COMMAND_IO | PCI_COMMAND_MEMORY);

		if ((turned_on & PCI_COMMAND_IO) &&
		    check_bars(ops, bdf, &h, true, why))
			return -EPERM;
		if ((turned_on & PCI_COMMAND_MEMORY) &&
		    check_bars(ops, bdf, &h, false, why))
			return -EPERM;
	} else if (dword >= PCI_BAR0 && dword < PCI_BAR0 + 4 * h.nr_bars) {
		bool io = false;
		unsigned int first = bar_first(ops, bdf, &h,
					       (dword - PCI_BAR0) / 4, &io);
		uint16_t decode = io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY;

		/* A BAR that reads 0 while its kind is decoded is taken as
		 * not implemented (an implemented one would be decoding
		 * RAM; the upper half of a 64-bit BAR below 4 GiB is not
		 * such a BAR): a write to it, a driver sizing a device it may not
		 * stop (a host bridge), changes nothing and succeeds, and
		 * the sizing reads 0, "no BAR". */
		if ((command & decode) && new != old && old == 0 &&
		    first == (dword - PCI_BAR0) / 4)
			return 0;
		if ((command & decode) && new != old) {
			*why = (struct pci_config_refusal){
				"BAR moved while it is decoded", (int)first,
				0, 0 };
			return -EPERM;
		}
	} else if (h.rom && dword == h.rom) {
		uint64_t start, end;

		if ((command & PCI_COMMAND_MEMORY) && new != old && old == 0)
			return 0;	/* as for a BAR, above */
		if ((command & PCI_COMMAND_MEMORY) &&
		    (new & PCI_ROM_ADDRESS_MASK) !=
		    (old & PCI_ROM_ADDRESS_MASK)) {
			*why = (struct pci_config_refusal){
				"ROM BAR moved while it is decoded",
				PCI_ROM_BAR_INDEX, 0, 0 };
			return -EPERM;
		}
		/* Turning the ROM on while memory is decoded: it is not
		 * decoded yet, so it may be sized. */
		if ((command & PCI_COMMAND_MEMORY) && (new & PCI_ROM_ENABLE) &&
		    !(old & PCI_ROM_ENABLE) &&
		    bar_range(ops, bdf, h.rom, 1, false, true, &start, &end) &&
		    !ops->memory_allowed(start, end)) {
			*why = (struct pci_config_refusal){
				"ROM BAR over RAM or Keel's devices",
				PCI_ROM_BAR_INDEX, start, end };
			return -EPERM;
		}
	} else if (dword >= 0x40 &&
		   ops->read(bdf, PCI_CLASS_DEVICE, 2) == PCI_CLASS_HOST_BRIDGE) {
		/* A host bridge's own registers say where RAM, the ECAM
		 * window and the shadowed BIOS are (PCIEXBAR, PAM, SMRAM,
		 * TOLUD): Keel's to leave alone. */
		*why = (struct pci_config_refusal){
			"a host bridge's register", -1, 0, 0 };
		return -EPERM;
	} else if (dword >= 0x40 && check_msi(ops, bdf, dword, old, new, why)) {
		return -EPERM;
	}
	ops->write(bdf, reg, size, value);
	return 0;
}
