/*
 * Unit tests for the PCI configuration-space filter
 * (hypervisor/common/pci_config.c), against one simulated function:
 * a type-0 header with a 32-bit memory BAR, a 64-bit memory BAR, an I/O
 * BAR, an expansion ROM, and MSI and MSI-X capabilities. Its BARs behave
 * as hardware's do: the bits below the size read as zero, the type bits
 * are read-only.
 */
#include <string.h>

#include <errno.h>
#include <pci_config.h>

#include "unit.h"

#define BDF 0x0018		/* 00:03.0 */
#define MSI_CAP  0x50
#define MSIX_CAP 0x60

static uint8_t cfg[PCI_CONFIG_SIZE];
/* Per BAR register (6: the ROM): the size, 0 for none, and the bits
 * that read back fixed (type bits). A 64-bit BAR's upper register has
 * size 0 and is marked upper. */
static struct {
	uint64_t size;
	uint32_t fixed;
	bool upper;
} bar[7];
static unsigned int writes;	/* accesses that changed something */

static uint32_t get(unsigned int reg, unsigned int size)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < size; i++)
		v |= (uint32_t)cfg[reg + i] << (8 * i);
	return v;
}

static void put(unsigned int reg, unsigned int size, uint32_t v)
{
	for (unsigned int i = 0; i < size; i++)
		cfg[reg + i] = (uint8_t)(v >> (8 * i));
}

static uint32_t sim_read(uint16_t bdf, unsigned int reg, unsigned int size)
{
	ck_assert_uint_eq(bdf, BDF);
	ck_assert(pci_config_access_valid(reg, size));
	return get(reg, size);
}

/* The register's value after a write of @v, as the device keeps it. */
static uint32_t bar_store(int i, uint32_t v)
{
	if (bar[i].upper) {
		uint64_t size = bar[i - 1].size;
		uint32_t upper_mask = (uint32_t)(~(size - 1) >> 32);
		return v & upper_mask;
	}
	if (!bar[i].size)
		return 0;
	uint32_t addr_mask = (uint32_t)~(bar[i].size - 1);
	if (i == 6)
		return (v & addr_mask & PCI_ROM_ADDRESS_MASK) |
		       (v & PCI_ROM_ENABLE);
	return (v & addr_mask & ~0xfu) | bar[i].fixed;
}

static void sim_write(uint16_t bdf, unsigned int reg, unsigned int size,
		      uint32_t value)
{
	ck_assert_uint_eq(bdf, BDF);
	ck_assert(pci_config_access_valid(reg, size));
	writes++;
	unsigned int dword = reg & ~3u;
	int i = -1;
	if (dword >= PCI_BAR0 && dword < PCI_BAR0 + 24)
		i = (int)(dword - PCI_BAR0) / 4;
	else if (dword == PCI_ROM_TYPE0)
		i = 6;
	if (i >= 0) {
		ck_assert_uint_eq(size, 4);
		put(dword, 4, bar_store(i, value));
		return;
	}
	if (reg == PCI_HEADER_TYPE || reg < 4)
		return;		/* read-only */
	put(reg, size, value);
}

/* RAM is below 256 MiB and at 4-8 GiB; Keel's window is the local
 * APIC's; ports 0x20-0x3f are Keel's. */
static bool sim_memory_allowed(uint64_t start, uint64_t end)
{
	ck_assert(start < end);
	if (start < 0x10000000)
		return false;
	if (start < 0x200000000ull && end > 0x100000000ull)
		return false;
	return !(start < 0xfef00000 && end > 0xfee00000);
}

static bool sim_ports_allowed(uint32_t first, uint32_t last)
{
	ck_assert(first <= last && last <= 0xffff);
	return last < 0x20 || first > 0x3f;
}

/* Whether Keel has bound the function's MSI. */
static unsigned int sim_msi_bound;	/* its capability, or 0 */

/* Whether Keel has bound one of its MSI-X entries. */
static bool sim_msix_bound;

static bool sim_msix_is_bound(uint16_t bdf)
{
	ck_assert_uint_eq(bdf, BDF);
	return sim_msix_bound;
}

static unsigned int sim_msi_bound_capability(uint16_t bdf)
{
	ck_assert_uint_eq(bdf, BDF);
	return sim_msi_bound;
}

static const struct pci_config_ops ops = {
	.read = sim_read,
	.write = sim_write,
	.memory_allowed = sim_memory_allowed,
	.ports_allowed = sim_ports_allowed,
	.msi_bound_capability = sim_msi_bound_capability,
	.msix_bound = sim_msix_is_bound,
};

static void setup(void)
{
	memset(cfg, 0, sizeof(cfg));
	memset(bar, 0, sizeof(bar));
	sim_msi_bound = 0;
	sim_msix_bound = false;
	put(0x00, 4, 0x10001af4);
	put(PCI_STATUS, 2, PCI_STATUS_CAP_LIST);
	cfg[PCI_HEADER_TYPE] = 0;
	/* BAR0: 4 KiB 32-bit memory at 0xfeb00000. */
	bar[0].size = 0x1000;
	put(0x10, 4, 0xfeb00000);
	/* BAR1-2: 16 KiB 64-bit prefetchable memory at 0xfe000000. */
	bar[1].size = 0x4000;
	bar[1].fixed = 0xc;
	bar[2].upper = true;
	put(0x14, 4, 0xfe00000c);
	/* BAR3: 32 ports at 0xc040. */
	bar[3].size = 0x20;
	bar[3].fixed = 0x1;
	put(0x1c, 4, 0xc041);
	/* BAR4, BAR5: none. The ROM: 256 KiB at 0xfea00000, off. */
	bar[6].size = 0x40000;
	put(PCI_ROM_TYPE0, 4, 0xfea00000);
	/* MSI, then MSI-X, at the end of the list. */
	cfg[PCI_CAP_POINTER] = MSI_CAP;
	put(MSI_CAP, 4, (uint32_t)PCI_CAP_ID_MSI | MSIX_CAP << 8);
	put(MSIX_CAP, 4, PCI_CAP_ID_MSIX);
	writes = 0;
}

static int filtered(unsigned int reg, unsigned int size, uint32_t value,
		    struct pci_config_refusal *why)
{
	return pci_config_write_filtered(&ops, BDF, reg, size, value, why);
}

START_TEST(only_aligned_accesses_in_256_bytes)
{
	ck_assert(pci_config_access_valid(0, 4));
	ck_assert(pci_config_access_valid(0xfe, 2));
	ck_assert(pci_config_access_valid(0xff, 1));
	ck_assert(!pci_config_access_valid(0x02, 4));
	ck_assert(!pci_config_access_valid(0x01, 2));
	ck_assert(!pci_config_access_valid(0x100, 1));
	ck_assert(!pci_config_access_valid(0, 3));
	ck_assert(!pci_config_access_valid(0, 8));
	ck_assert(!pci_config_access_valid(0, 0));
}
END_TEST

START_TEST(bars_are_sized_natively_while_not_decoded)
{
	struct pci_config_refusal why;

	ck_assert_int_eq(filtered(0x10, 4, 0xffffffff, &why), 0);
	ck_assert_uint_eq(get(0x10, 4), 0xfffff000);
	ck_assert_int_eq(filtered(0x10, 4, 0xfeb00000, &why), 0);
	ck_assert_int_eq(filtered(0x1c, 4, 0xffffffff, &why), 0);
	ck_assert_uint_eq(get(0x1c, 4), 0xffffffe1);
	ck_assert_int_eq(filtered(0x1c, 4, 0xc041, &why), 0);
	/* A new place, before decoding starts. */
	ck_assert_int_eq(filtered(0x10, 4, 0xfeb10000, &why), 0);
	ck_assert_uint_eq(get(0x10, 4), 0xfeb10000);
}
END_TEST

START_TEST(a_decoded_bar_does_not_move)
{
	struct pci_config_refusal why;

	put(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	ck_assert_int_eq(filtered(0x10, 4, 0xfee00000, &why), -EPERM);
	ck_assert_int_eq(why.bar, 0);
	ck_assert_uint_eq(get(0x10, 4), 0xfeb00000);
	/* The upper half of the 64-bit BAR is part of BAR 1. */
	ck_assert_int_eq(filtered(0x18, 4, 0x1, &why), -EPERM);
	ck_assert_int_eq(why.bar, 1);
	ck_assert_uint_eq(writes, 0);
	/* Writing back what is there passes; the I/O BAR is not decoded. */
	ck_assert_int_eq(filtered(0x10, 4, 0xfeb00000, &why), 0);
	ck_assert_int_eq(filtered(0x1c, 4, 0xffffffff, &why), 0);
	/* And with I/O decoded, the I/O BAR stays too. */
	put(0x1c, 4, 0xc041);
	put(PCI_COMMAND, 2, PCI_COMMAND_IO);
	ck_assert_int_eq(filtered(0x1c, 4, 0x21, &why), -EPERM);
	ck_assert_int_eq(why.bar, 3);
	ck_assert_int_eq(filtered(0x10, 4, 0xffffffff, &why), 0);
}
END_TEST

START_TEST(a_decoded_bar_that_reads_zero_is_not_there)
{
	struct pci_config_refusal why;

	/* A host bridge: decoding stays on while Linux sizes. BAR4 is not
	 * implemented, BAR0 is. */
	put(PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	ck_assert_int_eq(filtered(0x20, 4, 0xffffffff, &why), 0);
	ck_assert_uint_eq(get(0x20, 4), 0);
	ck_assert_uint_eq(writes, 0);
	ck_assert_int_eq(filtered(0x20, 4, 0, &why), 0);
	ck_assert_int_eq(filtered(0x10, 4, 0xffffffff, &why), -EPERM);
	/* The same for the ROM BAR. */
	put(PCI_ROM_TYPE0, 4, 0);
	writes = 0;
	ck_assert_int_eq(filtered(PCI_ROM_TYPE0, 4, 0xfffffffe, &why), 0);
	ck_assert_uint_eq(get(PCI_ROM_TYPE0, 4), 0);
	ck_assert_uint_eq(writes, 0);
}
END_TEST

START_TEST(memory_decoding_is_checked_bar_by_bar)
{
	struct pci_config_refusal why;

	/* Fine where it is; the BARs are where they were after sizing. */
	ck_assert_int_eq(filtered(PCI_COMMAND, 2, PCI_COMMAND_MEMORY, &why), 0);
	ck_assert_uint_eq(get(PCI_COMMAND, 2), PCI_COMMAND_MEMORY);
	ck_assert_uint_eq(get(0x10, 4), 0xfeb00000);
	ck_assert_uint_eq(get(0x14, 4), 0xfe00000c);
	ck_assert_uint_eq(get(0x18, 4), 0);

	/* BAR0 over the local APIC. */
	put(PCI_COMMAND, 2, 0);
	put(0x10, 4, 0xfee00000);
	writes = 0;
	ck_assert_int_eq(filtered(PCI_COMMAND, 2, 0x0006, &why), -EPERM);
	ck_assert_int_eq(why.bar, 0);
	ck_assert_uint_eq(why.start, 0xfee00000);
	ck_assert_uint_eq(why.end, 0xfee01000);
	ck_assert_uint_eq(get(PCI_COMMAND, 2), 0);
	ck_assert_uint_eq(get(0x10, 4), 0xfee00000);

	/* The 64-bit BAR over RAM above 4 GiB. */
	put(0x10, 4, 0xfeb00000);
	put(0x18, 4, 0x1);
	ck_assert_int_eq(filtered(PCI_COMMAND, 4, 0x0002, &why), -EPERM);
	ck_assert_int_eq(why.bar, 1);
	ck_assert_uint_eq(why.start, 0x1fe000000ull);
	ck_assert_uint_eq(why.end, 0x1fe004000ull);
	ck_assert_uint_eq(get(0x18, 4), 1);
	/* Past RAM it may be. */
	put(0x18, 4, 0x2);
	ck_assert_int_eq(filtered(PCI_COMMAND, 4, 0x0002, &why), 0);
}
END_TEST

START_TEST(io_decoding_keeps_off_keels_ports)
{
	struct pci_config_refusal why;

	put(0x1c, 4, 0x21);	/* ports 0x20-0x3f */
	ck_assert_int_eq(filtered(PCI_COMMAND, 2, PCI_COMMAND_IO, &why),
			 -EPERM);
	ck_assert_int_eq(why.bar, 3);
	ck_assert_uint_eq(why.start, 0x20);
	ck_assert_uint_eq(why.end, 0x40);
	/* Memory decoding does not look at I/O BARs. */
	ck_assert_int_eq(filtered(PCI_COMMAND, 2, PCI_COMMAND_MEMORY, &why), 0);
	put(0x1c, 4, 0xc041);
	ck_assert_int_eq(filtered(PCI_COMMAND, 2, 0x0003, &why), 0);
}
END_TEST

START_TEST(the_rom_counts_once_enabled)
{
	struct pci_config_refusal why;

	/* Over RAM but off: memory decoding may start. */
	put(PCI_ROM_TYPE0, 4, 0x00100000);
	ck_assert_int_eq(filtered(PCI_COMMAND, 2, PCI_COMMAND_MEMORY, &why), 0);
	/* Turning it on there is refused; where it was, allowed. */
	ck_assert_int_eq(filtered(PCI_ROM_TYPE0, 4, 0x00100001, &why), -EPERM);
	ck_assert_int_eq(why.bar, 6);
	ck_assert_uint_eq(get(PCI_ROM_TYPE0, 4), 0x00100000);
	ck_assert_int_eq(filtered(PCI_ROM_TYPE0, 4, 0xfea00001, &why), -EPERM);
	ck_assert_str_eq(why.why, "ROM BAR moved while it is decoded");
	put(PCI_COMMAND, 2, 0);
	ck_assert_int_eq(filtered(PCI_ROM_TYPE0, 4, 0xfea00000, &why), 0);
	put(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	ck_assert_int_eq(filtered(PCI_ROM_TYPE0, 4, 0xfea00001, &why), 0);
	ck_assert_uint_eq(get(PCI_ROM_TYPE0, 4), 0xfea00001);
	/* An enabled ROM over RAM stops memory decoding from starting. */
	put(PCI_COMMAND, 2, 0);
	put(PCI_ROM_TYPE0, 4, 0x00100001);
	ck_assert_int_eq(filtered(PCI_COMMAND, 2, PCI_COMMAND_MEMORY, &why),
			 -EPERM);
	ck_assert_int_eq(why.bar, 6);
}
END_TEST

START_TEST(msi_waits_for_bind_msi)
{
	struct pci_config_refusal why;

	/* MSI's enable bit, by a dword and by its own 16-bit register,
	 * before Keel has bound the function's MSI. */
	ck_assert_int_eq(filtered(MSI_CAP, 4, get(MSI_CAP, 4) | 0x10000, &why),
			 -EPERM);
	ck_assert_str_eq(why.why, "MSI enabled before bind_msi");
	ck_assert_int_eq(filtered(MSI_CAP + 2, 2, 0x0001, &why), -EPERM);
	ck_assert_uint_eq(writes, 0);
	/* Once bound: one message only. */
	sim_msi_bound = MSI_CAP;
	ck_assert_int_eq(filtered(MSI_CAP + 2, 2, 0x0011, &why), -EPERM);
	ck_assert_str_eq(why.why, "MSI enabled with several messages");
	ck_assert_int_eq(filtered(MSI_CAP + 2, 2, 0x0001, &why), 0);
	ck_assert_uint_eq(get(MSI_CAP + 2, 2), 0x0001);
	/* Turning it off passes, bound or not (firmware left it on). */
	sim_msi_bound = 0;
	ck_assert_int_eq(filtered(MSI_CAP + 2, 2, 0x0000, &why), 0);
	/* Several messages asked for while off: harmless, and passes. */
	ck_assert_int_eq(filtered(MSI_CAP + 2, 2, 0x0010, &why), 0);
}
END_TEST

START_TEST(msi_address_and_data_are_keels)
{
	struct pci_config_refusal why;

	/* 32-bit address: the address at +4 and the data at +8. */
	put(MSI_CAP + 4, 4, 0xfee00000);
	put(MSI_CAP + 8, 2, 0x00b0);
	ck_assert_int_eq(filtered(MSI_CAP + 4, 4, 0xfee01000, &why), -EPERM);
	ck_assert_str_eq(why.why, "MSI address or data, which are Keel's");
	ck_assert_int_eq(filtered(MSI_CAP + 8, 2, 0x0031, &why), -EPERM);
	ck_assert_int_eq(filtered(MSI_CAP + 9, 1, 0x01, &why), -EPERM);
	ck_assert_uint_eq(writes, 0);
	/* A write that leaves them as they are passes. */
	ck_assert_int_eq(filtered(MSI_CAP + 4, 4, 0xfee00000, &why), 0);
	/* 64-bit address with per-vector masking (MSI-X moved out of its
	 * way): the upper half at +8 and the data at +12 are Keel's too,
	 * the mask bits at +16 the driver's. */
	put(MSI_CAP, 4, (uint32_t)PCI_CAP_ID_MSI | 0x70 << 8 | 0x01800000);
	put(0x70, 4, PCI_CAP_ID_MSIX);
	ck_assert_int_eq(filtered(MSI_CAP + 8, 4, 1, &why), -EPERM);
	ck_assert_int_eq(filtered(MSI_CAP + 12, 2, 0x0031, &why), -EPERM);
	ck_assert_int_eq(filtered(MSI_CAP + 16, 4, 1, &why), 0);
	ck_assert_uint_eq(get(MSI_CAP + 16, 4), 1);
	/* And MSI-X, where it now is, stays off. */
	ck_assert_int_eq(filtered(0x72, 2, 0x8000, &why), -EPERM);
	ck_assert_str_eq(why.why, "MSI-X enabled before bind_msix");
}
END_TEST

START_TEST(the_bound_msi_stays_guarded_when_the_list_changes)
{
	struct pci_config_refusal why;

	/* Bound at MSI_CAP, then the list no longer leads there (a device
	 * with writable capability pointers): its message is still Keel's,
	 * and its enable bit still the driver's. */
	sim_msi_bound = MSI_CAP;
	put(MSI_CAP + 4, 4, 0xfee00000);
	cfg[PCI_CAP_POINTER] = MSIX_CAP;
	ck_assert_uint_eq(pci_config_find_capability(&ops, BDF,
						     PCI_CAP_ID_MSI), 0);
	ck_assert_int_eq(filtered(MSI_CAP + 4, 4, 0xfee01000, &why), -EPERM);
	ck_assert_str_eq(why.why, "MSI address or data, which are Keel's");
	ck_assert_int_eq(filtered(MSI_CAP + 2, 2, 0x0001, &why), 0);
	/* A second MSI capability, which the list now leads to, may not be
	 * turned on: it is not the one bound. */
	put(0x70, 4, (uint32_t)PCI_CAP_ID_MSI);
	put(MSIX_CAP, 4, (uint32_t)PCI_CAP_ID_MSIX | 0x70 << 8);
	ck_assert_int_eq(filtered(0x72, 2, 0x0001, &why), -EPERM);
	ck_assert_str_eq(why.why, "MSI enabled before bind_msi");
}
END_TEST

START_TEST(msi_capabilities_are_counted_and_must_fit)
{
	ck_assert_uint_eq(pci_config_find_next_capability(&ops, BDF,
							  PCI_CAP_ID_MSI,
							  MSI_CAP), 0);
	put(MSIX_CAP, 4, (uint32_t)PCI_CAP_ID_MSIX | 0x70 << 8);
	put(0x70, 4, (uint32_t)PCI_CAP_ID_MSI);
	ck_assert_uint_eq(pci_config_find_next_capability(&ops, BDF,
							  PCI_CAP_ID_MSI,
							  MSI_CAP), 0x70);
	ck_assert(pci_msi_capability_fits(&ops, BDF, MSI_CAP));
	/* 32-bit at 0xf4: the data at 0xfc fits; 64-bit at 0xf4 would put
	 * it at 0x100. */
	put(0xf4, 4, (uint32_t)PCI_CAP_ID_MSI);
	ck_assert(pci_msi_capability_fits(&ops, BDF, 0xf4));
	put(0xf4, 4, (uint32_t)PCI_CAP_ID_MSI | 0x00800000);
	ck_assert(!pci_msi_capability_fits(&ops, BDF, 0xf4));
	put(0xf0, 4, (uint32_t)PCI_CAP_ID_MSI | 0x00800000);
	ck_assert(pci_msi_capability_fits(&ops, BDF, 0xf0));
}
END_TEST

START_TEST(msix_waits_for_bind_msix)
{
	struct pci_config_refusal why;

	/* On, unmasked, before any entry is bound: by word and by byte. */
	ck_assert_int_eq(filtered(MSIX_CAP + 2, 2, 0x8000, &why), -EPERM);
	ck_assert_str_eq(why.why, "MSI-X enabled before bind_msix");
	/* While the function's MSI is bound, not even masked. */
	sim_msi_bound = MSI_CAP;
	ck_assert_int_eq(filtered(MSIX_CAP + 3, 1, 0x80, &why), -EPERM);
	ck_assert_int_eq(filtered(MSIX_CAP + 2, 2, 0xc000, &why), -EPERM);
	ck_assert_str_eq(why.why, "MSI-X enabled while MSI is bound");
	ck_assert_uint_eq(writes, 0);
	sim_msi_bound = 0;
	/* On with the function mask set sends nothing: it passes, and so do
	 * the table's registers. */
	ck_assert_int_eq(filtered(MSIX_CAP + 2, 2, 0xc000, &why), 0);
	ck_assert_int_eq(filtered(MSIX_CAP + 4, 4, 0x2000, &why), 0);
	/* Unmasking it, still unbound: refused. */
	ck_assert_int_eq(filtered(MSIX_CAP + 3, 1, 0x80, &why), -EPERM);
	ck_assert_uint_eq(get(MSIX_CAP + 2, 2), 0xc000);
	/* Once an entry is bound, the driver unmasks it. */
	sim_msix_bound = true;
	ck_assert_int_eq(filtered(MSIX_CAP + 3, 1, 0x80, &why), 0);
	ck_assert_uint_eq(get(MSIX_CAP + 2, 2), 0x8000);
	/* Off passes, bound or not. */
	sim_msix_bound = false;
	ck_assert_int_eq(filtered(MSIX_CAP + 2, 2, 0x0000, &why), 0);
}
END_TEST

START_TEST(an_msix_entry_is_where_its_bar_decodes)
{
	uint64_t pa = 0;

	/* Four entries, at offset 0x800 of BAR0 (4 KiB at 0xfeb00000). */
	put(MSIX_CAP + 2, 2, 3);
	put(MSIX_CAP + 4, 4, 0x800 | 0);
	ck_assert_int_eq(pci_msix_entry_address(&ops, BDF, MSIX_CAP, 0, &pa),
			 -ENODEV);	/* memory not decoded */
	put(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	ck_assert_int_eq(pci_msix_entry_address(&ops, BDF, MSIX_CAP, 3, &pa),
			 0);
	ck_assert_uint_eq(pa, 0xfeb00830);
	ck_assert_int_eq(pci_msix_entry_address(&ops, BDF, MSIX_CAP, 4, &pa),
			 -EINVAL);
	/* In the 64-bit BAR1 at 0xfe000000, moved above 4 GiB. */
	put(MSIX_CAP + 4, 4, 0x100 | 1);
	ck_assert_int_eq(pci_msix_entry_address(&ops, BDF, MSIX_CAP, 1, &pa),
			 0);
	ck_assert_uint_eq(pa, 0xfe000110);
	put(0x18, 4, 0x3);	/* at 0x3_fe000000 */
	ck_assert_int_eq(pci_msix_entry_address(&ops, BDF, MSIX_CAP, 0, &pa),
			 0);
	ck_assert_uint_eq(pa, 0x3fe000100ull);
	/* BIR 2 is BAR1's upper half; BAR3 is an I/O BAR; BAR4 none; 7 is
	 * no BAR at all. */
	const unsigned int birs[] = { 2, 3, 4, 7 };
	for (unsigned int i = 0; i < 4; i++) {
		put(MSIX_CAP + 4, 4, 0x100 | birs[i]);
		ck_assert_int_eq(pci_msix_entry_address(&ops, BDF, MSIX_CAP, 0,
							&pa), -ENODEV);
	}
	/* A table over RAM, or over Keel's local APIC, is not used. */
	put(MSIX_CAP + 4, 4, 0x800 | 0);
	put(0x10, 4, 0x00100000);
	ck_assert_int_eq(pci_msix_entry_address(&ops, BDF, MSIX_CAP, 0, &pa),
			 -ENODEV);
	put(0x10, 4, 0xfee00000);
	ck_assert_int_eq(pci_msix_entry_address(&ops, BDF, MSIX_CAP, 0, &pa),
			 -ENODEV);
}
END_TEST

START_TEST(msi_is_programmed_off_with_one_message)
{
	ck_assert_uint_eq(pci_config_find_capability(&ops, BDF,
						     PCI_CAP_ID_MSI), MSI_CAP);
	ck_assert_uint_eq(pci_config_find_capability(&ops, BDF,
						     PCI_CAP_ID_MSIX),
			  MSIX_CAP);
	ck_assert_uint_eq(pci_config_find_capability(&ops, BDF, 0x10), 0);
	/* 32-bit: enabled with four messages, by firmware. */
	put(MSI_CAP + 2, 2, 0x0021);
	pci_msi_program(&ops, BDF, MSI_CAP, 0xfee01000, 0x00b3);
	ck_assert_uint_eq(get(MSI_CAP + 2, 2), 0x0000);
	ck_assert_uint_eq(get(MSI_CAP + 4, 4), 0xfee01000);
	ck_assert_uint_eq(get(MSI_CAP + 8, 2), 0x00b3);
	ck_assert_uint_eq(get(MSI_CAP + 12, 4), 0);
	/* 64-bit: the upper half at +8, the data at +12. */
	put(MSI_CAP + 2, 2, 0x0081);
	put(MSI_CAP + 8, 4, 0xdead);
	pci_msi_program(&ops, BDF, MSI_CAP, 0xfee00000, 0x00b4);
	ck_assert_uint_eq(get(MSI_CAP + 2, 2), 0x0080);
	ck_assert_uint_eq(get(MSI_CAP + 8, 4), 0);
	ck_assert_uint_eq(get(MSI_CAP + 12, 2), 0x00b4);
	put(MSI_CAP + 2, 2, 0x0081);
	pci_msi_disable(&ops, BDF, MSI_CAP);
	ck_assert_uint_eq(get(MSI_CAP + 2, 2), 0x0080);
	/* No capability list: none found. */
	put(PCI_STATUS, 2, 0);
	ck_assert_uint_eq(pci_config_find_capability(&ops, BDF,
						     PCI_CAP_ID_MSI), 0);
}
END_TEST

START_TEST(other_registers_pass)
{
	struct pci_config_refusal why;

	/* The command register's upper byte, bus mastering, status. */
	ck_assert_int_eq(filtered(PCI_COMMAND + 1, 1, 0x04, &why), 0);
	ck_assert_int_eq(filtered(PCI_COMMAND, 2, 0x0004, &why), 0);
	ck_assert_int_eq(filtered(PCI_STATUS, 2, 0xffff, &why), 0);
	ck_assert_int_eq(filtered(0x3c, 1, 11, &why), 0);
	ck_assert_int_eq(filtered(0x80, 4, 0x12345678, &why), 0);
	ck_assert_uint_eq(get(0x80, 4), 0x12345678);
	ck_assert_uint_eq(writes, 5);
}
END_TEST

START_TEST(a_host_bridge_keeps_its_registers)
{
	struct pci_config_refusal why;

	put(PCI_CLASS_DEVICE, 2, PCI_CLASS_HOST_BRIDGE);
	/* PCIEXBAR on Q35, PAM: refused; the header still writable. */
	ck_assert_int_eq(filtered(0x60, 4, 0xb0000001, &why), -EPERM);
	ck_assert_str_eq(why.why, "a host bridge's register");
	ck_assert_int_eq(filtered(0x90, 1, 0x30, &why), -EPERM);
	ck_assert_uint_eq(writes, 0);
	ck_assert_int_eq(filtered(PCI_STATUS, 2, 0xffff, &why), 0);
	ck_assert_int_eq(filtered(0x3c, 1, 5, &why), 0);
	/* Another class: device-specific registers pass. */
	put(PCI_CLASS_DEVICE, 2, 0x0200);
	ck_assert_int_eq(filtered(0x90, 1, 0x30, &why), 0);
}
END_TEST

START_TEST(a_capability_loop_ends)
{
	struct pci_config_refusal why;

	put(MSIX_CAP, 4, 0x42 | MSIX_CAP << 8);	/* points at itself */
	ck_assert_int_eq(filtered(0x70, 4, 0xffffffff, &why), 0);
	/* No capability list: MSI's registers are plain ones. */
	put(PCI_STATUS, 2, 0);
	ck_assert_int_eq(filtered(MSI_CAP + 2, 2, 0x0001, &why), 0);
}
END_TEST

START_TEST(a_bridge_has_two_bars_and_its_rom_at_0x38)
{
	struct pci_config_refusal why;

	cfg[PCI_HEADER_TYPE] = 0x81;	/* multi-function type 1 */
	put(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	/* Register 0x1c is the bridge's I/O window, not a BAR. */
	ck_assert_int_eq(filtered(0x1c, 4, 0x2020, &why), 0);
	ck_assert_int_eq(filtered(0x10, 4, 0xfee00000, &why), -EPERM);
	/* Its BAR 0 over the local APIC stops memory decoding. */
	put(PCI_COMMAND, 2, 0);
	put(0x10, 4, 0xfee00000);
	ck_assert_int_eq(filtered(PCI_COMMAND, 2, PCI_COMMAND_MEMORY, &why),
			 -EPERM);
}
END_TEST

Suite *pci_config_suite(void)
{
	Suite *s = suite_create("pci_config");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, only_aligned_accesses_in_256_bytes);
	tcase_add_test(tc, bars_are_sized_natively_while_not_decoded);
	tcase_add_test(tc, a_decoded_bar_does_not_move);
	tcase_add_test(tc, a_decoded_bar_that_reads_zero_is_not_there);
	tcase_add_test(tc, memory_decoding_is_checked_bar_by_bar);
	tcase_add_test(tc, io_decoding_keeps_off_keels_ports);
	tcase_add_test(tc, the_rom_counts_once_enabled);
	tcase_add_test(tc, msi_waits_for_bind_msi);
	tcase_add_test(tc, msi_address_and_data_are_keels);
	tcase_add_test(tc, the_bound_msi_stays_guarded_when_the_list_changes);
	tcase_add_test(tc, msi_capabilities_are_counted_and_must_fit);
	tcase_add_test(tc, msix_waits_for_bind_msix);
	tcase_add_test(tc, an_msix_entry_is_where_its_bar_decodes);
	tcase_add_test(tc, msi_is_programmed_off_with_one_message);
	tcase_add_test(tc, other_registers_pass);
	tcase_add_test(tc, a_host_bridge_keeps_its_registers);
	tcase_add_test(tc, a_capability_loop_ends);
	tcase_add_test(tc, a_bridge_has_two_bars_and_its_rom_at_0x38);
	suite_add_tcase(s, tc);
	return s;
}
