/* Unit tests for the hardware domain's I/O permission bitmap
 * (hypervisor/arch/x86_64/io_bitmap.c). */
#include <string.h>

#include <asm/io_bitmap.h>

#include "unit.h"

static uint8_t bitmap[IO_BITMAP_SIZE];

/* What the CPU does with the bitmap for an access of @len bytes at
 * @port: let it through only when every port's bit is clear. */
static bool allows(uint32_t port, unsigned int len)
{
	for (uint32_t p = port; p < port + len; p++)
		if (bitmap[p / 8] & (1u << (p % 8)))
			return false;
	return true;
}

/* Kept here on their own, not copied from io_bitmap.c: the ports and
 * aliases Keel must keep (see there). */
static const struct {
	uint16_t first, last;
} keel_ranges[] = {
	{ 0x20, 0x3f }, { 0x40, 0x5f }, { 0x61, 0x61 }, { 0x70, 0x77 },
	{ 0x92, 0x92 }, { 0xa0, 0xbf }, { 0xf0, 0xf0 }, { 0xf4, 0xf4 },
	{ 0x4d0, 0x4d1 }, { 0xcf8, 0xcff },
};

static bool keel_port(uint32_t port, uint16_t serial)
{
	for (size_t i = 0; i < sizeof(keel_ranges) / sizeof(keel_ranges[0]);
	     i++)
		if (port >= keel_ranges[i].first && port <= keel_ranges[i].last)
			return true;
	return serial && port >= serial && port < serial + 8u;
}

START_TEST(exactly_keels_ports_are_denied)
{
	static const uint16_t serials[] = { 0x3f8, 0x2f8, 0, 0xfff8 };

	for (size_t s = 0; s < sizeof(serials) / sizeof(serials[0]); s++) {
		memset(bitmap, 0xa5, sizeof(bitmap));
		io_bitmap_fill_hardware_domain(bitmap, serials[s]);
		for (uint32_t port = 0; port < IO_PORTS; port++)
			ASSERT_FAST(allows(port, 1) !=
				    keel_port(port, serials[s]));
		/* The CPU reads the byte after the last port's. */
		ck_assert_uint_eq(bitmap[IO_BITMAP_BYTES], 0xff);
	}
}
END_TEST

START_TEST(port_ranges_for_io_bars)
{
	io_bitmap_fill_hardware_domain(bitmap, 0x3f8);
	ck_assert(io_bitmap_ports_allowed(bitmap, 0xc000, 0xc03f));
	ck_assert(io_bitmap_ports_allowed(bitmap, 0x3f0, 0x3f7));
	ck_assert(!io_bitmap_ports_allowed(bitmap, 0x3f0, 0x3f8));
	ck_assert(!io_bitmap_ports_allowed(bitmap, 0xcf0, 0xcff));
	ck_assert(!io_bitmap_ports_allowed(bitmap, 0x00, 0xff));
	ck_assert(io_bitmap_ports_allowed(bitmap, 0xffff, 0xffff));
	ck_assert(!io_bitmap_ports_allowed(bitmap, 0xfff0, 0x10000));
	ck_assert(!io_bitmap_ports_allowed(bitmap, 0x10, 0x0f));
}
END_TEST

START_TEST(wide_accesses_and_the_edges)
{
	io_bitmap_fill_hardware_domain(bitmap, 0x3f8);
	/* Resets, the PIC and PIT aliases, CMOS's NMI bit. */
	ck_assert(!allows(0x92, 1));
	ck_assert(!allows(0xcf9, 1));
	ck_assert(!allows(0x24, 1));
	ck_assert(!allows(0x50, 1));
	ck_assert(!allows(0xb0, 1));
	ck_assert(!allows(0x72, 1));
	ck_assert(allows(0x60, 1));	/* the i8042 data port is dom0's */
	ck_assert(allows(0x80, 1));
	ck_assert(allows(0x3f6, 2));
	ck_assert(!allows(0x3f7, 2));	/* its second byte is COM1's */
	ck_assert(allows(0x400, 4));
	ck_assert(!allows(0xcf5, 4));
	ck_assert(allows(0xcf4, 4));
	ck_assert(allows(0xd00, 4));
	ck_assert(allows(0xfffe, 2));
	/* Past 0xffff: the terminating byte's bits. */
	ck_assert(!allows(0xfffe, 4));
	ck_assert(!allows(0xffff, 2));
}
END_TEST

START_TEST(a_serial_port_at_the_very_end_is_ignored)
{
	/* A console= above 0xfff8 would run past the space: not denied, and
	 * nothing written past the bitmap. */
	memset(bitmap, 0, sizeof(bitmap));
	io_bitmap_fill_hardware_domain(bitmap, 0xfffc);
	ck_assert(allows(0xfffc, 4));
	ck_assert_uint_eq(bitmap[IO_BITMAP_BYTES], 0xff);
}
END_TEST

Suite *io_bitmap_suite(void)
{
	Suite *s = suite_create("io_bitmap");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, exactly_keels_ports_are_denied);
	tcase_add_test(tc, wide_accesses_and_the_edges);
	tcase_add_test(tc, port_ranges_for_io_bars);
	tcase_add_test(tc, a_serial_port_at_the_very_end_is_ignored);
	suite_add_tcase(s, tc);
	return s;
}
