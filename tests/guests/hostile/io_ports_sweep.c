/*
 * Attack: port I/O from a domain that is not the hardware domain. Every
 * one of the 65536 ports, read and written a byte at a time, and each
 * 4-byte read: all must fault with #GP in the attacker (no bitmap lets
 * a domU through), so that nothing reaches the host's devices, Keel's
 * console, PIC, PIT, RTC or PCI configuration space included. The
 * victim must be unharmed, and Keel still up. (That a domain beside the
 * hardware domain, on the same CPU, has no ports either is
 * io_ports_b_control's test.)
 */
#include "hostile.h"
#include "rt_port_io.h"

const char test_name[] = "io_ports_sweep";

void attack(void)
{
	unsigned int went_through = 0, wrong_vector = 0;

	for (uint32_t port = 0; port < 0x10000; port++) {
		for (unsigned int k = 0; k < 3; k++) {
			bool write = k == 1;
			unsigned int size = k == 2 ? 4 : 1;

			if (!rt_port_io((uint16_t)port, size, write)) {
				if (went_through++ < 4)
					printf("FAIL: %s%u at %#x went "
					       "through\n", write ? "out" : "in",
					       size, port);
			} else if (rt_last_trap.vector != 13) {
				wrong_vector++;
			}
		}
	}
	CHECK_EQ(went_through, 0);
	CHECK_EQ(wrong_vector, 0);
	printf("65536 ports, in and out: every access faulted with #GP\n");
}
