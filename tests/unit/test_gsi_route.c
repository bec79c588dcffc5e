/* Unit tests for interrupt routing from the MADT
 * (hypervisor/common/gsi_route.c), with QEMU's PC overrides: ISA IRQ 0
 * on GSI 2, IRQs 5, 9, 10 and 11 level-triggered and active high; and an
 * IRQ 7 moved to GSI 20, active low. */
#include <string.h>

#include <gsi_route.h>

#include "unit.h"

static struct acpi_cpus madt;

static void add_override(uint8_t irq, uint32_t gsi, uint16_t flags)
{
	unsigned int n = madt.nr_overrides++;

	madt.overrides[n].isa_irq = irq;
	madt.overrides[n].gsi = gsi;
	madt.overrides[n].flags = flags;
}

static void setup(void)
{
	memset(&madt, 0, sizeof(madt));
	add_override(0, 2, 0);
	add_override(5, 5, 0xd);
	add_override(9, 9, 0xd);
	add_override(10, 10, 0xd);
	add_override(11, 11, 0xd);
	add_override(7, 20, 0x3);
}

static void expect_mode(uint32_t gsi, bool level, bool active_low)
{
	bool l = !level, a = !active_low;

	gsi_firmware_mode(&madt, gsi, &l, &a);
	ck_assert_msg(l == level && a == active_low,
		      "GSI %u: level %d active_low %d, expected %d %d", gsi,
		      l, a, level, active_low);
}

START_TEST(isa_irqs_by_exception)
{
	uint16_t flags = 0xffff;

	ck_assert_uint_eq(gsi_of_isa_irq(&madt, 0, &flags), 2);
	ck_assert_uint_eq(flags, 0);
	ck_assert_uint_eq(gsi_of_isa_irq(&madt, 10, &flags), 10);
	ck_assert_uint_eq(flags, 0xd);
	ck_assert_uint_eq(gsi_of_isa_irq(&madt, 4, &flags), 4);
	ck_assert_uint_eq(flags, 0);
	ck_assert_uint_eq(gsi_of_isa_irq(&madt, 7, &flags), 20);
}
END_TEST

START_TEST(modes_from_overrides_and_the_bus)
{
	expect_mode(2, false, false);	/* conforms: ISA */
	expect_mode(4, false, false);	/* no override: ISA */
	expect_mode(10, true, false);	/* level, high */
	expect_mode(20, false, true);	/* ISA by its override: edge */
	expect_mode(16, true, true);	/* PCI */
	expect_mode(23, true, true);
}
END_TEST

START_TEST(keels_lines)
{
	ck_assert(gsi_is_keels(&madt, 2, 4));	/* the PIT, on GSI 2 */
	ck_assert(gsi_is_keels(&madt, 8, 4));	/* the RTC */
	ck_assert(gsi_is_keels(&madt, 13, 4));
	ck_assert(gsi_is_keels(&madt, 4, 4));	/* the console */
	ck_assert(gsi_is_keels(&madt, 0, 4));	/* ExtINT, though IRQ 0 moved */
	ck_assert(!gsi_is_keels(&madt, 3, 4));
	ck_assert(gsi_is_keels(&madt, 3, 3));
	ck_assert(!gsi_is_keels(&madt, 4, 16));	/* no console IRQ */
	ck_assert(!gsi_is_keels(&madt, 10, 4));
	ck_assert(!gsi_is_keels(&madt, 16, 4));
	/* Without overrides, IRQ 0 is GSI 0 and the cascade GSI 2. */
	madt.nr_overrides = 0;
	ck_assert(gsi_is_keels(&madt, 0, 4));
	ck_assert(gsi_is_keels(&madt, 2, 4));
	ck_assert(!gsi_is_keels(&madt, 1, 4));
}
END_TEST

Suite *gsi_route_suite(void)
{
	Suite *s = suite_create("gsi_route");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, isa_irqs_by_exception);
	tcase_add_test(tc, modes_from_overrides_and_the_bus);
	tcase_add_test(tc, keels_lines);
	suite_add_tcase(s, tc);
	return s;
}
