/* Unit tests for ACPI CPU discovery (hypervisor/common/acpi.c).
 *
 * Tables are built in a staging area, then copied into a heap block of
 * exactly the size needed that stands for physical memory at MEM_BASE.
 * The map callback hands out pointers into that block only for ranges
 * wholly inside it, so AddressSanitizer catches any read the parser makes
 * past what it asked for. */
#include <stdlib.h>
#include <string.h>

#include <acpi.h>
#include <byteorder.h>
#include <errno.h>

#include "unit.h"

#define MEM_BASE   0x7fe00000ULL
#define STAGE_SIZE 0x4000

/* Where things go in the fake memory. */
#define RSDP_OFF 0x000
#define RSDT_OFF 0x040
#define XSDT_OFF 0x080
#define FACP_OFF 0x100
#define MADT_OFF 0x200
#define MADT2_OFF 0x180	/* a second MADT, 0x80 bytes at most */
#define MCFG_OFF 0x140	/* 92 bytes */

#define PHYS(off) (MEM_BASE + (off))

static uint8_t stage[STAGE_SIZE];
static uint8_t *mem;
static size_t mem_size;
static unsigned int map_calls;

static const void *map(uint64_t addr, size_t len)
{
	map_calls++;
	if (!mem || addr < MEM_BASE || addr - MEM_BASE > mem_size ||
	    len > mem_size - (addr - MEM_BASE))
		return NULL;
	return mem + (addr - MEM_BASE);
}

/* Make the first @size staged bytes the fake memory. */
static void commit(size_t size)
{
	ck_assert_uint_le(size, STAGE_SIZE);
	free(mem);
	mem = malloc(size);
	ck_assert_ptr_nonnull(mem);
	memcpy(mem, stage, size);
	mem_size = size;
}

static void setup(void)
{
	memset(stage, 0, sizeof(stage));
	mem = NULL;
	mem_size = 0;
	map_calls = 0;
}

static void teardown(void)
{
	free(mem);
	mem = NULL;
}

/* Set byte @at so that the @len bytes from @p sum to zero. */
static void fix_checksum(uint8_t *p, size_t len, size_t at)
{
	uint8_t sum = 0;

	p[at] = 0;
	for (size_t i = 0; i < len; i++)
		sum += p[i];
	p[at] = (uint8_t)-sum;
}

/* ---- Table builders --------------------------------------------------- */

static void make_rsdp_v1(uint8_t *p, uint32_t rsdt)
{
	memset(p, 0, 20);
	memcpy(p, "RSD PTR ", 8);
	memcpy(p + 9, "KEELOS", 6);
	p[15] = 0;
	put_u32(p + 16, rsdt);
	fix_checksum(p, 20, 8);
}

static void make_rsdp_v2(uint8_t *p, uint32_t rsdt, uint64_t xsdt)
{
	memset(p, 0, 36);
	memcpy(p, "RSD PTR ", 8);
	memcpy(p + 9, "KEELOS", 6);
	p[15] = 2;
	put_u32(p + 16, rsdt);
	put_u32(p + 20, 36);
	put_u64(p + 24, xsdt);
	fix_checksum(p, 20, 8);
	fix_checksum(p, 36, 32);
}

static void sdt_header(size_t off, const char *sig, uint32_t len)
{
	uint8_t *p = stage + off;

	memcpy(p, sig, 4);
	put_u32(p + 4, len);
	p[8] = 1;
	memcpy(p + 10, "KEELOS", 6);
	memcpy(p + 16, "UNITTEST", 8);
	put_u32(p + 24, 1);
	put_u32(p + 28, 0x4b45454c);
	put_u32(p + 32, 1);
}

static void sdt_checksum(size_t off)
{
	fix_checksum(stage + off, get_le32(stage + off + 4), 9);
}

/* A root table listing @n tables at the given offsets (0: unmapped
 * junk address). */
static void make_rsdt(size_t off, const uint64_t *phys, unsigned int n)
{
	sdt_header(off, "RSDT", 36 + 4 * n);
	for (unsigned int i = 0; i < n; i++)
		put_u32(stage + off + 36 + 4 * i, (uint32_t)phys[i]);
	sdt_checksum(off);
}

static void make_xsdt(size_t off, const uint64_t *phys, unsigned int n)
{
	sdt_header(off, "XSDT", 36 + 8 * n);
	for (unsigned int i = 0; i < n; i++)
		put_u64(stage + off + 36 + 8 * i, phys[i]);
	sdt_checksum(off);
}

static void make_facp(size_t off)
{
	sdt_header(off, "FACP", 36 + 8);
	memset(stage + off + 36, 0x55, 8);
	sdt_checksum(off);
}

/* An MCFG with two ECAM windows: buses 0-255 at 0xb0000000, and a
 * second segment's buses 16-31 at 0xe0000000; and one with its last bus
 * before its first (ignored). */
static void make_mcfg(size_t off)
{
	sdt_header(off, "MCFG", 44 + 3 * 16);
	memset(stage + off + 36, 0, 8 + 3 * 16);
	put_u64(stage + off + 44, 0xb0000000);
	stage[off + 44 + 11] = 255;
	put_u64(stage + off + 60, 0xe0000000);
	stage[off + 60 + 8] = 1;
	stage[off + 60 + 10] = 16;
	stage[off + 60 + 11] = 31;
	put_u64(stage + off + 76, 0xf0000000);
	stage[off + 76 + 10] = 9;
	stage[off + 76 + 11] = 8;
	sdt_checksum(off);
}

/* MADT assembly. */
static size_t madt_off, madt_len;

static void madt_begin(size_t off, uint32_t lapic_addr)
{
	madt_off = off;
	madt_len = 44;
	sdt_header(off, "APIC", 44);
	put_u32(stage + off + 36, lapic_addr);
	put_u32(stage + off + 40, 1);	/* PC-AT compatible */
}

static void madt_raw(const uint8_t *e, size_t n)
{
	ck_assert_uint_le(madt_off + madt_len + n, STAGE_SIZE);
	memcpy(stage + madt_off + madt_len, e, n);
	madt_len += n;
}

static void madt_lapic(uint8_t uid, uint8_t apic_id, uint32_t flags)
{
	uint8_t e[8] = { 0, 8, uid, apic_id };

	put_u32(e + 4, flags);
	madt_raw(e, sizeof(e));
}

static void madt_x2apic(uint32_t apic_id, uint32_t flags)
{
	uint8_t e[16] = { 9, 16 };

	put_u32(e + 4, apic_id);
	put_u32(e + 8, flags);
	put_u32(e + 12, apic_id + 1000);	/* processor UID */
	madt_raw(e, sizeof(e));
}

static void madt_override(uint64_t addr)
{
	uint8_t e[12] = { 5, 12 };

	put_u64(e + 4, addr);
	madt_raw(e, sizeof(e));
}

static void madt_ioapic(uint8_t id, uint32_t addr, uint32_t gsi_base)
{
	uint8_t e[12] = { 1, 12, id, 0 };

	put_u32(e + 4, addr);
	put_u32(e + 8, gsi_base);
	madt_raw(e, sizeof(e));
}

static void madt_irq_override(uint8_t bus, uint8_t irq, uint32_t gsi,
			      uint16_t flags)
{
	uint8_t e[10] = { 2, 10, bus, irq };

	put_u32(e + 4, gsi);
	e[8] = (uint8_t)flags;
	e[9] = (uint8_t)(flags >> 8);
	madt_raw(e, sizeof(e));
}

/* Returns the offset just past the MADT. */
static size_t madt_finish(void)
{
	put_u32(stage + madt_off + 4, (uint32_t)madt_len);
	sdt_checksum(madt_off);
	return madt_off + madt_len;
}

/* The usual firmware: FACP and MADT reachable from both root tables. The
 * MADT lists CPUs 0, 1 and x2APIC 300 as enabled, CPU 2 and x2APIC 301
 * as disabled, CPU 1 a second time, two I/O APICs, a LAPIC override,
 * and interrupt source overrides: ISA IRQ 0 on GSI 2, IRQ 10 level and
 * active high, and one for a bus that is not ISA (ignored).
 * Returns the size of memory to commit (the MADT ends it). */
static size_t build_standard(int rsdp_version)
{
	uint64_t tables[] = { PHYS(FACP_OFF), PHYS(MADT_OFF) };

	if (rsdp_version >= 2)
		make_rsdp_v2(stage + RSDP_OFF, PHYS(RSDT_OFF), PHYS(XSDT_OFF));
	else
		make_rsdp_v1(stage + RSDP_OFF, PHYS(RSDT_OFF));
	make_rsdt(RSDT_OFF, tables, 2);
	make_xsdt(XSDT_OFF, tables, 2);
	make_facp(FACP_OFF);
	madt_begin(MADT_OFF, 0xfee00000);
	madt_lapic(0, 0, 1);
	madt_lapic(1, 1, 1);
	madt_ioapic(0, 0xfec00000, 0);
	madt_lapic(2, 2, 0);
	madt_irq_override(0, 0, 2, 0);
	madt_x2apic(300, 1);
	madt_x2apic(301, 0);
	madt_irq_override(0, 10, 10, 0xd);
	madt_irq_override(1, 3, 40, 0xf);
	madt_lapic(3, 1, 1);
	madt_ioapic(9, 0xfec10000, 24);
	madt_override(0xfed00000);
	return madt_finish();
}

static struct acpi_cpus cpus;

static int find(void)
{
	memset(&cpus, 0xcc, sizeof(cpus));
	return acpi_find_cpus(mem ? mem + RSDP_OFF : NULL, map, &cpus);
}

static void expect_standard_cpus(void)
{
	ck_assert_ptr_null(cpus.error);
	ck_assert_uint_eq(cpus.count, 3);
	ck_assert_uint_eq(cpus.apic_ids[0], 0);
	ck_assert_uint_eq(cpus.apic_ids[1], 1);
	ck_assert_uint_eq(cpus.apic_ids[2], 300);
	ck_assert_uint_eq(cpus.lapic_address, 0xfed00000);
	ck_assert_uint_eq(cpus.nr_ioapics, 2);
	ck_assert_uint_eq(cpus.ioapics[0].id, 0);
	ck_assert_uint_eq(cpus.ioapics[0].address, 0xfec00000);
	ck_assert_uint_eq(cpus.ioapics[0].gsi_base, 0);
	ck_assert_uint_eq(cpus.ioapics[1].id, 9);
	ck_assert_uint_eq(cpus.ioapics[1].address, 0xfec10000);
	ck_assert_uint_eq(cpus.ioapics[1].gsi_base, 24);
	ck_assert_uint_eq(cpus.nr_overrides, 2);
	ck_assert_uint_eq(cpus.overrides[0].isa_irq, 0);
	ck_assert_uint_eq(cpus.overrides[0].gsi, 2);
	ck_assert_uint_eq(cpus.overrides[0].flags, 0);
	ck_assert_uint_eq(cpus.overrides[1].isa_irq, 10);
	ck_assert_uint_eq(cpus.overrides[1].gsi, 10);
	ck_assert_uint_eq(cpus.overrides[1].flags, 0xd);
}

/* ---- Well-formed tables ---------------------------------------------- */

START_TEST(rsdp_v1_rsdt)
{
	commit(build_standard(1));
	ck_assert_int_eq(find(), 0);
	expect_standard_cpus();
}
END_TEST

START_TEST(rsdp_v2_xsdt)
{
	commit(build_standard(2));
	ck_assert_int_eq(find(), 0);
	expect_standard_cpus();
}
END_TEST

START_TEST(mcfg_windows)
{
	uint64_t tables[] = { PHYS(FACP_OFF), PHYS(MCFG_OFF), PHYS(MADT_OFF) };

	make_rsdp_v2(stage + RSDP_OFF, PHYS(RSDT_OFF), PHYS(XSDT_OFF));
	make_rsdt(RSDT_OFF, tables, 3);
	make_xsdt(XSDT_OFF, tables, 3);
	make_facp(FACP_OFF);
	make_mcfg(MCFG_OFF);
	madt_begin(MADT_OFF, 0xfee00000);
	madt_lapic(0, 0, 1);
	commit(madt_finish());
	ck_assert_int_eq(find(), 0);
	ck_assert_uint_eq(cpus.nr_mcfg, 2);
	ck_assert_uint_eq(cpus.mcfg[0].base, 0xb0000000);
	ck_assert_uint_eq(cpus.mcfg[0].size, 256ULL << 20);
	ck_assert_uint_eq(cpus.mcfg[1].base, 0xe0000000);
	ck_assert_uint_eq(cpus.mcfg[1].size, 16ULL << 20);
	/* The standard tables have none. */
	commit(build_standard(2));
	ck_assert_int_eq(find(), 0);
	ck_assert_uint_eq(cpus.nr_mcfg, 0);
}
END_TEST

START_TEST(xsdt_preferred_over_rsdt)
{
	uint64_t via_rsdt[] = { PHYS(MADT2_OFF) };
	uint64_t via_xsdt[] = { PHYS(FACP_OFF), PHYS(MADT_OFF) };
	size_t end;

	make_rsdp_v2(stage + RSDP_OFF, PHYS(RSDT_OFF), PHYS(XSDT_OFF));
	make_rsdt(RSDT_OFF, via_rsdt, 1);
	make_xsdt(XSDT_OFF, via_xsdt, 2);
	make_facp(FACP_OFF);
	madt_begin(MADT2_OFF, 0xfee00000);
	madt_lapic(0, 7, 1);
	madt_finish();
	madt_begin(MADT_OFF, 0xfee00000);
	madt_lapic(0, 4, 1);
	madt_lapic(1, 5, 1);
	end = madt_finish();
	commit(end);
	ck_assert_int_eq(find(), 0);
	ck_assert_uint_eq(cpus.count, 2);
	ck_assert_uint_eq(cpus.apic_ids[0], 4);
	ck_assert_uint_eq(cpus.apic_ids[1], 5);

	/* With no XSDT address, the RSDT is used. */
	make_rsdp_v2(stage + RSDP_OFF, PHYS(RSDT_OFF), 0);
	commit(end);
	ck_assert_int_eq(find(), 0);
	ck_assert_uint_eq(cpus.count, 1);
	ck_assert_uint_eq(cpus.apic_ids[0], 7);
	ck_assert_uint_eq(cpus.lapic_address, 0xfee00000);
}
END_TEST

START_TEST(lapic_address_from_header)
{
	uint64_t tables[] = { PHYS(MADT_OFF) };

	make_rsdp_v1(stage + RSDP_OFF, PHYS(RSDT_OFF));
	make_rsdt(RSDT_OFF, tables, 1);
	madt_begin(MADT_OFF, 0xfec80000);
	madt_lapic(0, 3, 1);
	commit(madt_finish());
	ck_assert_int_eq(find(), 0);
	ck_assert_uint_eq(cpus.count, 1);
	ck_assert_uint_eq(cpus.apic_ids[0], 3);
	ck_assert_uint_eq(cpus.lapic_address, 0xfec80000);
	ck_assert_ptr_null(cpus.error);
}
END_TEST

START_TEST(unmapped_root_entries_skipped)
{
	uint64_t tables[] = {
		0xdead0000, 0, PHYS(FACP_OFF), MEM_BASE - 8, PHYS(MADT_OFF),
	};

	make_rsdp_v1(stage + RSDP_OFF, PHYS(RSDT_OFF));
	make_rsdt(RSDT_OFF, tables, ARRAY_SIZE(tables));
	make_facp(FACP_OFF);
	madt_begin(MADT_OFF, 0xfee00000);
	madt_x2apic(0x12345, 1);
	commit(madt_finish());
	ck_assert_int_eq(find(), 0);
	ck_assert_uint_eq(cpus.count, 1);
	ck_assert_uint_eq(cpus.apic_ids[0], 0x12345);
}
END_TEST

START_TEST(short_entries_ignored)
{
	uint64_t tables[] = { PHYS(MADT_OFF) };
	uint8_t lapic6[6] = { 0, 6, 0, 9, 1, 0 };
	uint8_t x2apic12[12] = { 9, 12, 0, 0, 10, 0, 0, 0, 1, 0, 0, 0 };
	uint8_t override8[8] = { 5, 8, 0, 0, 0, 0, 0xab, 0xcd };
	uint8_t unknown2[2] = { 0x7f, 2 };

	make_rsdp_v1(stage + RSDP_OFF, PHYS(RSDT_OFF));
	make_rsdt(RSDT_OFF, tables, 1);
	madt_begin(MADT_OFF, 0xfee00000);
	madt_raw(lapic6, sizeof(lapic6));
	madt_raw(x2apic12, sizeof(x2apic12));
	madt_raw(override8, sizeof(override8));
	madt_raw(unknown2, sizeof(unknown2));
	madt_lapic(0, 11, 1);
	commit(madt_finish());
	ck_assert_int_eq(find(), 0);
	ck_assert_uint_eq(cpus.count, 1);
	ck_assert_uint_eq(cpus.apic_ids[0], 11);
	ck_assert_uint_eq(cpus.lapic_address, 0xfee00000);
}
END_TEST

START_TEST(many_cpus_capped)
{
	uint64_t tables[] = { PHYS(MADT_OFF) };

	make_rsdp_v1(stage + RSDP_OFF, PHYS(RSDT_OFF));
	make_rsdt(RSDT_OFF, tables, 1);
	madt_begin(MADT_OFF, 0xfee00000);
	for (unsigned int i = 0; i < ACPI_MAX_CPUS + 50; i++)
		madt_x2apic(1000 + i, 1);
	commit(madt_finish());
	ck_assert_int_eq(find(), 0);
	ck_assert_uint_eq(cpus.count, ACPI_MAX_CPUS);
	for (unsigned int i = 0; i < ACPI_MAX_CPUS; i++)
		ck_assert_uint_eq(cpus.apic_ids[i], 1000 + i);
}
END_TEST

/* ---- Broken tables ---------------------------------------------------- */

static void expect_error(int rc, const char *why)
{
	ck_assert_int_eq(find(), rc);
	ck_assert_ptr_nonnull(cpus.error);
	ck_assert_msg(strstr(cpus.error, why) != NULL, "error '%s', expected '%s'",
		      cpus.error, why);
	ck_assert_uint_eq(cpus.count, 0);
}

START_TEST(bad_rsdp)
{
	size_t end = build_standard(1);

	/* No RSDP at all. */
	ck_assert_int_eq(acpi_find_cpus(NULL, map, &cpus), -ENOENT);
	ck_assert_ptr_nonnull(cpus.error);
	ck_assert_uint_eq(map_calls, 0);

	/* Wrong signature. */
	stage[RSDP_OFF + 3] = 'X';
	fix_checksum(stage + RSDP_OFF, 20, 8);
	commit(end);
	expect_error(-ENOENT, "RSDP");

	/* Bad checksum. */
	build_standard(1);
	stage[RSDP_OFF + 8] ^= 1;
	commit(end);
	expect_error(-ENOENT, "RSDP");

	/* ACPI 2.0: bad extended checksum, bad length. */
	build_standard(2);
	stage[RSDP_OFF + 32] ^= 1;
	commit(end);
	expect_error(-ENOENT, "RSDP");
	build_standard(2);
	put_u32(stage + RSDP_OFF + 20, 20);
	fix_checksum(stage + RSDP_OFF, 36, 32);
	commit(end);
	expect_error(-ENOENT, "RSDP");
	build_standard(2);
	put_u32(stage + RSDP_OFF + 20, 40);
	fix_checksum(stage + RSDP_OFF, 36, 32);
	commit(end);
	expect_error(-ENOENT, "RSDP");
	ck_assert_uint_eq(map_calls, 0);
}
END_TEST

START_TEST(bad_root_table)
{
	size_t end = build_standard(1);

	stage[RSDT_OFF + 20] ^= 0xff;		/* checksum */
	commit(end);
	expect_error(-ENOENT, "MADT");

	build_standard(1);
	memcpy(stage + RSDT_OFF, "XSDT", 4);	/* signature */
	sdt_checksum(RSDT_OFF);
	commit(end);
	expect_error(-ENOENT, "MADT");

	build_standard(2);
	memcpy(stage + XSDT_OFF, "RSDT", 4);
	sdt_checksum(XSDT_OFF);
	commit(end);
	expect_error(-ENOENT, "MADT");

	/* Root table address outside memory. */
	make_rsdp_v1(stage + RSDP_OFF, 0x1000);
	commit(end);
	expect_error(-ENOENT, "MADT");
	make_rsdp_v2(stage + RSDP_OFF, PHYS(RSDT_OFF), 0xffffffffffffff00ULL);
	commit(end);
	expect_error(-ENOENT, "MADT");

	/* Lengths: shorter than a header, absurdly long, past memory. */
	static const uint32_t lens[] = { 0, 8, 35, ACPI_TABLE_MAX_LEN + 1,
					 0xffffffff, STAGE_SIZE };
	for (unsigned int i = 0; i < ARRAY_SIZE(lens); i++) {
		build_standard(1);
		put_u32(stage + RSDT_OFF + 4, lens[i]);
		commit(end);
		expect_error(-ENOENT, "MADT");
	}
}
END_TEST

START_TEST(bad_madt_table)
{
	size_t end = build_standard(1);

	stage[MADT_OFF + 50] ^= 0x40;		/* checksum */
	commit(end);
	expect_error(-ENOENT, "MADT");

	build_standard(1);
	memcpy(stage + MADT_OFF, "APIX", 4);
	sdt_checksum(MADT_OFF);
	commit(end);
	expect_error(-ENOENT, "MADT");

	/* Length reaching past the end of memory (the MADT is last). */
	build_standard(1);
	put_u32(stage + MADT_OFF + 4, (uint32_t)(end - MADT_OFF + 1));
	sdt_checksum(MADT_OFF);
	commit(end);
	expect_error(-ENOENT, "MADT");

	/* Memory cut short under a correct table. */
	build_standard(1);
	commit(end - 1);
	expect_error(-ENOENT, "MADT");
	commit(MADT_OFF + 20);			/* not even its header */
	expect_error(-ENOENT, "MADT");

	/* Not listed. */
	uint64_t only_facp[] = { PHYS(FACP_OFF) };
	build_standard(1);
	make_rsdt(RSDT_OFF, only_facp, 1);
	commit(end);
	expect_error(-ENOENT, "MADT");
}
END_TEST

START_TEST(madt_too_short)
{
	uint64_t tables[] = { PHYS(MADT_OFF) };

	make_rsdp_v1(stage + RSDP_OFF, PHYS(RSDT_OFF));
	make_rsdt(RSDT_OFF, tables, 1);
	for (uint32_t len = 36; len < 44; len++) {
		sdt_header(MADT_OFF, "APIC", len);
		sdt_checksum(MADT_OFF);
		commit(MADT_OFF + len);
		expect_error(-EINVAL, "too short");
	}
}
END_TEST

START_TEST(no_enabled_cpu)
{
	uint64_t tables[] = { PHYS(MADT_OFF) };

	make_rsdp_v1(stage + RSDP_OFF, PHYS(RSDT_OFF));
	make_rsdt(RSDT_OFF, tables, 1);
	madt_begin(MADT_OFF, 0xfee00000);
	commit(madt_finish());
	expect_error(-ENOENT, "no enabled CPU");

	madt_begin(MADT_OFF, 0xfee00000);
	madt_lapic(0, 0, 0);
	madt_lapic(1, 1, 2);	/* online capable, but not enabled */
	madt_x2apic(5, 0);
	madt_ioapic(0, 0xfec00000, 0);
	commit(madt_finish());
	expect_error(-ENOENT, "no enabled CPU");
}
END_TEST

/* A MADT with one good CPU and then @e as its last entry; the MADT ends
 * the memory, so a read past it is caught. */
static int madt_with_last_entry(const uint8_t *e, size_t n)
{
	uint64_t tables[] = { PHYS(MADT_OFF) };

	teardown();
	setup();
	make_rsdp_v1(stage + RSDP_OFF, PHYS(RSDT_OFF));
	make_rsdt(RSDT_OFF, tables, 1);
	madt_begin(MADT_OFF, 0xfee00000);
	madt_lapic(0, 0, 1);
	madt_raw(e, n);
	commit(madt_finish());
	return find();
}

START_TEST(madt_entry_errors)
{
	/* Lengths that run past the table. */
	uint8_t x2[8] = { 9, 16, 0, 0, 1, 0, 0, 0 };
	ck_assert_int_eq(madt_with_last_entry(x2, sizeof(x2)), -EINVAL);
	ck_assert_str_eq(cpus.error, "MADT entry runs past the table");

	uint8_t lapic[4] = { 0, 8, 1, 1 };
	ck_assert_int_eq(madt_with_last_entry(lapic, sizeof(lapic)), -EINVAL);
	ck_assert_str_eq(cpus.error, "MADT entry runs past the table");

	uint8_t huge[2] = { 0x42, 0xff };
	ck_assert_int_eq(madt_with_last_entry(huge, sizeof(huge)), -EINVAL);

	/* Zero and one byte lengths would loop or misparse. */
	uint8_t zero[8] = { 0, 0, 0, 0, 0, 0, 0, 0 };
	ck_assert_int_eq(madt_with_last_entry(zero, sizeof(zero)), -EINVAL);
	ck_assert_str_eq(cpus.error, "MADT entry runs past the table");
	uint8_t one[8] = { 9, 1, 0, 0, 0, 0, 0, 0 };
	ck_assert_int_eq(madt_with_last_entry(one, sizeof(one)), -EINVAL);

	/* A single trailing byte cannot hold an entry header: ignored. */
	uint8_t tail[1] = { 0 };
	ck_assert_int_eq(madt_with_last_entry(tail, sizeof(tail)), 0);
	ck_assert_uint_eq(cpus.count, 1);

	/* Exactly fitting entries are fine. */
	uint8_t ok[16] = { 9, 16, 0, 0, 77, 0, 0, 0, 1, 0, 0, 0 };
	ck_assert_int_eq(madt_with_last_entry(ok, sizeof(ok)), 0);
	ck_assert_uint_eq(cpus.count, 2);
	ck_assert_uint_eq(cpus.apic_ids[1], 77);
}
END_TEST

/* ---- The RSDP on its own ---------------------------------------------- */

START_TEST(rsdp_valid)
{
	uint8_t r[36];

	make_rsdp_v1(r, 0x1000);
	ck_assert(acpi_rsdp_valid(r, 20));
	ck_assert(acpi_rsdp_valid(r, 36));
	ck_assert(!acpi_rsdp_valid(r, 19));
	ck_assert(!acpi_rsdp_valid(r, 0));
	r[19] ^= 1;
	ck_assert(!acpi_rsdp_valid(r, 20));

	make_rsdp_v2(r, 0x1000, 0x2000);
	ck_assert(acpi_rsdp_valid(r, 36));
	ck_assert(acpi_rsdp_valid(r, 20));	/* only the 1.0 part checked */
	r[30] ^= 1;				/* extended checksum now wrong */
	ck_assert(!acpi_rsdp_valid(r, 36));
	ck_assert(acpi_rsdp_valid(r, 20));
	r[30] ^= 1;
	ck_assert(acpi_rsdp_valid(r, 36));
	put_u32(r + 20, 35);
	fix_checksum(r, 36, 32);
	ck_assert(!acpi_rsdp_valid(r, 36));
	put_u32(r + 20, 37);
	fix_checksum(r, 36, 32);
	ck_assert(!acpi_rsdp_valid(r, 36));

	make_rsdp_v1(r, 0x1000);
	r[0] = 'r';
	fix_checksum(r, 20, 8);
	ck_assert(!acpi_rsdp_valid(r, 20));
}
END_TEST

START_TEST(rsdp_scan)
{
	enum { LEN = 1024 };
	uint8_t *buf = malloc(LEN);
	uint64_t seed = 0xac91;

	ck_assert_ptr_nonnull(buf);
	for (size_t i = 0; i < LEN; i++)
		buf[i] = (uint8_t)rng_next(&seed);
	ck_assert_ptr_null(acpi_rsdp_scan(buf, LEN));
	ck_assert_ptr_null(acpi_rsdp_scan(buf, 0));
	ck_assert_ptr_null(acpi_rsdp_scan(NULL, 0));

	/* Only a 16-byte aligned, valid one counts. */
	make_rsdp_v1(buf + 0x48, 0x1000);		/* misaligned */
	make_rsdp_v1(buf + 0x20, 0x1000);
	buf[0x20 + 8] ^= 1;				/* bad checksum */
	ck_assert_ptr_null(acpi_rsdp_scan(buf, LEN));
	make_rsdp_v1(buf + 0x130, 0x1000);
	ck_assert_ptr_eq(acpi_rsdp_scan(buf, LEN), buf + 0x130);
	/* The first one found wins; a region that stops short misses it. */
	make_rsdp_v1(buf + 0x100, 0x2000);
	ck_assert_ptr_eq(acpi_rsdp_scan(buf, LEN), buf + 0x100);
	ck_assert_ptr_null(acpi_rsdp_scan(buf, 0x100 + 19));
	ck_assert_ptr_eq(acpi_rsdp_scan(buf, 0x100 + 20), buf + 0x100);
	free(buf);

	/* At the very end of the region: exactly 20 bytes left. */
	buf = malloc(0x3f0 + 20);
	ck_assert_ptr_nonnull(buf);
	memset(buf, 0, 0x3f0 + 20);
	make_rsdp_v1(buf + 0x3f0, 0x1000);
	ck_assert_ptr_eq(acpi_rsdp_scan(buf, 0x3f0 + 20), buf + 0x3f0);
	free(buf);
}
END_TEST

START_TEST(rsdp_scan_v2)
{
	enum { LEN = 0x400 };
	uint8_t *buf = calloc(1, LEN);

	ck_assert_ptr_nonnull(buf);
	/* A 2.0 RSDP whose extended checksum is wrong is not usable, so the
	 * scan goes on to a good one. */
	make_rsdp_v2(buf + 0x100, 0x1000, 0x2000);
	buf[0x100 + 32] ^= 1;
	make_rsdp_v2(buf + 0x200, 0x1000, 0x3000);
	ck_assert_ptr_eq(acpi_rsdp_scan(buf, LEN), buf + 0x200);
	ck_assert(acpi_rsdp_valid(buf + 0x200, 36));
	free(buf);

	/* A 2.0 RSDP with only its first 20 bytes inside the region is not
	 * returned: acpi_find_cpus() would read all 36. */
	buf = malloc(0x30);
	ck_assert_ptr_nonnull(buf);
	memset(buf, 0, 0x30);
	uint8_t r[36];
	make_rsdp_v2(r, 0x1000, 0x2000);
	memcpy(buf + 0x10, r, 0x20);
	ck_assert_ptr_null(acpi_rsdp_scan(buf, 0x30));
	free(buf);

	/* Whole at the end is fine. */
	buf = malloc(0x10 + 36);
	ck_assert_ptr_nonnull(buf);
	memset(buf, 0, 0x10);
	make_rsdp_v2(buf + 0x10, 0x1000, 0x2000);
	ck_assert_ptr_eq(acpi_rsdp_scan(buf, 0x10 + 36), buf + 0x10);
	free(buf);
}
END_TEST

START_TEST(fuzz_madt)
{
	uint64_t seed = 0x4d414454;	/* "MADT" */

	for (unsigned int iter = 0; iter < 3000; iter++) {
		size_t end;

		setup();
		end = build_standard(rng_below(&seed, 2) ? 2 : 1);
		/* Mutate the body of the MADT (entries, lengths, flags), keep
		 * the checksum right so the entries are walked. */
		unsigned int n = 1 + rng_below(&seed, 6);
		for (unsigned int k = 0; k < n; k++) {
			size_t at = MADT_OFF + 44 + rng_below(&seed, end - MADT_OFF - 44);
			stage[at] = rng_below(&seed, 3) ? (uint8_t)rng_below(&seed, 20) :
							   (uint8_t)rng_next(&seed);
		}
		/* Sometimes the table's length, too. */
		if (rng_below(&seed, 4) == 0)
			put_u32(stage + MADT_OFF + 4,
				(uint32_t)(36 + rng_below(&seed, end - MADT_OFF)));
		sdt_checksum(MADT_OFF);
		commit(end);

		int rc = find();
		ck_assert(rc == 0 || rc == -ENOENT || rc == -EINVAL);
		ck_assert_uint_le(cpus.count, ACPI_MAX_CPUS);
		if (rc == 0) {
			ck_assert_ptr_null(cpus.error);
			ck_assert_uint_gt(cpus.count, 0);
		} else {
			ck_assert_ptr_nonnull(cpus.error);
		}
		free(mem);
		mem = NULL;
	}
}
END_TEST

Suite *acpi_suite(void)
{
	Suite *s = suite_create("acpi");
	TCase *good = tcase_create("good");
	TCase *bad = tcase_create("broken");
	TCase *rsdp = tcase_create("rsdp");

	tcase_add_checked_fixture(good, setup, teardown);
	tcase_add_test(good, rsdp_v1_rsdt);
	tcase_add_test(good, rsdp_v2_xsdt);
	tcase_add_test(good, xsdt_preferred_over_rsdt);
	tcase_add_test(good, mcfg_windows);
	tcase_add_test(good, lapic_address_from_header);
	tcase_add_test(good, unmapped_root_entries_skipped);
	tcase_add_test(good, short_entries_ignored);
	tcase_add_test(good, many_cpus_capped);
	suite_add_tcase(s, good);

	tcase_add_checked_fixture(bad, setup, teardown);
	tcase_set_timeout(bad, 60);
	tcase_add_test(bad, bad_rsdp);
	tcase_add_test(bad, bad_root_table);
	tcase_add_test(bad, bad_madt_table);
	tcase_add_test(bad, madt_too_short);
	tcase_add_test(bad, no_enabled_cpu);
	tcase_add_test(bad, madt_entry_errors);
	tcase_add_test(bad, fuzz_madt);
	suite_add_tcase(s, bad);

	tcase_add_test(rsdp, rsdp_valid);
	tcase_add_test(rsdp, rsdp_scan);
	tcase_add_test(rsdp, rsdp_scan_v2);
	suite_add_tcase(s, rsdp);
	return s;
}
