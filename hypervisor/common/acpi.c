/*
 * ACPI table walking for CPU discovery.
 *
 * Firmware tables are input like any other: lengths are bounded, every
 * table's checksum must be zero, and MADT entries must fit inside the MADT.
 */
#include <acpi.h>
#include <byteorder.h>
#include <errno_values.h>

struct sdt_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __packed;

#define MADT_LAPIC          0
#define MADT_IOAPIC         1
#define MADT_OVERRIDE       2
#define MADT_LAPIC_OVERRIDE 5
#define MADT_X2APIC         9
#define MADT_ENABLED        (1u << 0)

static uint8_t checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return sum;
}

static bool signature_is(const uint8_t *p, const char *sig, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (uint8_t)sig[i])
			return false;
	return true;
}

bool acpi_rsdp_valid(const uint8_t *rsdp, size_t len)
{
	if (len < 20 || !signature_is(rsdp, "RSD PTR ", 8))
		return false;
	if (checksum(rsdp, 20) != 0)
		return false;
	if (rsdp[15] >= 2 && len >= 36) {
		uint32_t xlen = get_le32(rsdp + 20);
		if (xlen < 36 || xlen > len || checksum(rsdp, xlen) != 0)
			return false;
	}
	return true;
}

const uint8_t *acpi_rsdp_scan(const uint8_t *base, size_t len)
{
	for (size_t off = 0; off + 20 <= len; off += 16) {
		const uint8_t *p = base + off;
		/* Check an ACPI 2.0+ RSDP whole, as acpi_find_cpus() will:
		 * all 36 bytes must lie inside the region. */
		size_t n = p[15] >= 2 ? 36 : 20;

		if (n <= len - off && acpi_rsdp_valid(p, n))
			return p;
	}
	return NULL;
}

/* Map a whole table after checking its header. */
static const uint8_t *map_table(uint64_t addr, acpi_map_fn map)
{
	const uint8_t *hdr = map(addr, sizeof(struct sdt_header));

	if (!hdr)
		return NULL;
	uint32_t len = get_le32(hdr + 4);
	if (len < sizeof(struct sdt_header) || len > ACPI_TABLE_MAX_LEN)
		return NULL;
	const uint8_t *table = map(addr, len);
	if (!table || checksum(table, len) != 0)
		return NULL;
	return table;
}

static const uint8_t *find_table(const uint8_t *rsdp, acpi_map_fn map,
				 const char *sig)
{
	bool use_xsdt = rsdp[15] >= 2 && get_le64(rsdp + 24) != 0;
	uint64_t root_addr = use_xsdt ? get_le64(rsdp + 24) : get_le32(rsdp + 16);
	unsigned int entry_size = use_xsdt ? 8 : 4;
	const uint8_t *root = map_table(root_addr, map);

	if (!root || !signature_is(root, use_xsdt ? "XSDT" : "RSDT", 4))
		return NULL;
	uint32_t len = get_le32(root + 4);
	for (uint32_t off = sizeof(struct sdt_header); off + entry_size <= len;
	     off += entry_size) {
		uint64_t addr = use_xsdt ? get_le64(root + off) :
					   get_le32(root + off);
		const uint8_t *t = map_table(addr, map);
		if (t && signature_is(t, sig, 4))
			return t;
	}
	return NULL;
}

static void add_cpu(struct acpi_cpus *cpus, uint32_t apic_id)
{
	for (unsigned int i = 0; i < cpus->count; i++)
		if (cpus->apic_ids[i] == apic_id)
			return;		/* listed twice: count it once */
	if (cpus->count < ACPI_MAX_CPUS)
		cpus->apic_ids[cpus->count++] = apic_id;
}

int acpi_find_cpus(const uint8_t *rsdp, acpi_map_fn map, struct acpi_cpus *cpus)
{
	cpus->count = 0;
	cpus->nr_ioapics = 0;
	cpus->nr_overrides = 0;
	cpus->nr_mcfg = 0;
	cpus->error = NULL;
	cpus->lapic_address = 0xfee00000;

	if (!rsdp || !acpi_rsdp_valid(rsdp, rsdp[15] >= 2 ? 36 : 20)) {
		cpus->error = "no valid RSDP";
		return -ENOENT;
	}
	/* The ECAM windows: 16-byte entries after the 44-byte header. */
	const uint8_t *mcfg = find_table(rsdp, map, "MCFG");
	uint32_t mcfg_len = mcfg ? get_le32(mcfg + 4) : 0;
	for (uint32_t off = 44; mcfg && off + 16 <= mcfg_len &&
	     cpus->nr_mcfg < ACPI_MAX_MCFG; off += 16) {
		uint64_t base = get_le64(mcfg + off);
		uint8_t first = mcfg[off + 10], last = mcfg[off + 11];

		if (last < first)
			continue;
		cpus->mcfg[cpus->nr_mcfg].base = base;
		cpus->mcfg[cpus->nr_mcfg].size =
			(uint64_t)(last - first + 1) << 20;
		cpus->nr_mcfg++;
	}
	const uint8_t *madt = find_table(rsdp, map, "APIC");
	if (!madt) {
		cpus->error = "no valid MADT";
		return -ENOENT;
	}

	uint32_t len = get_le32(madt + 4);
	if (len < sizeof(struct sdt_header) + 8) {
		cpus->error = "MADT too short";
		return -EINVAL;
	}
	cpus->lapic_address = get_le32(madt + sizeof(struct sdt_header));

	for (uint32_t off = sizeof(struct sdt_header) + 8; off + 2 <= len;) {
		const uint8_t *e = madt + off;
		uint8_t type = e[0], elen = e[1];

		if (elen < 2 || elen > len - off) {
			cpus->error = "MADT entry runs past the table";
			return -EINVAL;
		}
		if (type == MADT_LAPIC && elen >= 8) {
			if (get_le32(e + 4) & MADT_ENABLED)
				add_cpu(cpus, e[3]);
		} else if (type == MADT_X2APIC && elen >= 16) {
			if (get_le32(e + 8) & MADT_ENABLED)
				add_cpu(cpus, get_le32(e + 4));
		} else if (type == MADT_LAPIC_OVERRIDE && elen >= 12) {
			cpus->lapic_address = get_le64(e + 4);
		} else if (type == MADT_IOAPIC && elen >= 12 &&
			   cpus->nr_ioapics < ACPI_MAX_IOAPICS) {
			unsigned int n = cpus->nr_ioapics++;
			cpus->ioapics[n].id = e[2];
			cpus->ioapics[n].address = get_le32(e + 4);
			cpus->ioapics[n].gsi_base = get_le32(e + 8);
		} else if (type == MADT_OVERRIDE && elen >= 10 && e[2] == 0 &&
			   e[3] < 16 &&
			   cpus->nr_overrides < ACPI_MAX_OVERRIDES) {
			unsigned int n = cpus->nr_overrides++;
			cpus->overrides[n].isa_irq = e[3];
			cpus->overrides[n].gsi = get_le32(e + 4);
			cpus->overrides[n].flags = (uint16_t)(e[8] | e[9] << 8);
		}
		off += elen;
	}
	if (cpus->count == 0) {
		cpus->error = "MADT lists no enabled CPU";
		return -ENOENT;
	}
	return 0;
}
