/* Runs every unit-test suite and prints a one-line summary. */
#include <stdio.h>
#include <stdlib.h>

#include "../check_summary.h"
#include "unit.h"

/* The suites of the arch modules (the others are in unit.h). */
Suite *frame_type_suite(void);
Suite *insn_int_suite(void);
Suite *io_bitmap_suite(void);
Suite *pt_validate_suite(void);

int main(void)
{
	SRunner *sr = srunner_create(acpi_suite());

	srunner_add_suite(sr, boot_fdt_suite());
	srunner_add_suite(sr, cmdline_suite());
	srunner_add_suite(sr, console_line_suite());
	srunner_add_suite(sr, console_switch_suite());
	srunner_add_suite(sr, elf_image_suite());
	srunner_add_suite(sr, event_bitmap_suite());
	srunner_add_suite(sr, format_suite());
	srunner_add_suite(sr, frame_suite());
	srunner_add_suite(sr, frame_type_suite());
	srunner_add_suite(sr, grant_entry_suite());
	srunner_add_suite(sr, gsi_route_suite());
	srunner_add_suite(sr, heap_suite());
	srunner_add_suite(sr, insn_int_suite());
	srunner_add_suite(sr, io_bitmap_suite());
	srunner_add_suite(sr, log_ring_suite());
	srunner_add_suite(sr, multiboot2_suite());
	srunner_add_suite(sr, pci_config_suite());
	srunner_add_suite(sr, pt_validate_suite());
	srunner_add_suite(sr, range_suite());
	srunner_add_suite(sr, ratelimit_suite());
	srunner_add_suite(sr, symbols_suite());
	srunner_add_suite(sr, timer_queue_suite());

	return check_run_and_summarize(sr, "unit");
}
