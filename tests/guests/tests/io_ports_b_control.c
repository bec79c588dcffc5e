/* keel-test: group=io_ports privileged=1 */
/*
 * A control domain that is not the hardware domain (io_ports_a_hardware
 * is, as the first domain of the boot) has no I/O ports: every `in` and
 * `out` faults with #GP, those the hardware domain may make too, while
 * that domain runs on the same CPUs with its bitmap.
 */
#include "keeltest.h"
#include "rt_port_io.h"

const char test_name[] = "io_ports_b_control";

static const uint16_t ports[] = {
	0x0080, 0x0064, 0x02f8, 0x03f7, 0x0400, 0x0cf7, 0x0d00, 0xfffe,
	0x0020, 0x0cf8, 0x03f8,
};

#define ROUNDS 20

void test_main(void)
{
	unsigned int wrong = 0;

	for (unsigned int r = 0; r < ROUNDS; r++) {
		for (unsigned int i = 0; i < (sizeof(ports) / sizeof(ports[0])); i++)
			for (unsigned int size = 1; size <= 4; size *= 2) {
				bool in = rt_port_io(ports[i], size, false);
				unsigned int vin = rt_last_trap.vector;
				bool out = rt_port_io(ports[i], size, true);
				unsigned int vout = rt_last_trap.vector;

				if (in && out && vin == 13 && vout == 13)
					continue;
				if (wrong++ < 8)
					printf("FAIL: round %u, port %#x size "
					       "%u: in %s, out %s\n", r,
					       ports[i], size,
					       in ? "faulted" : "went through",
					       out ? "faulted" : "went through");
			}
		rt_yield();
	}
	CHECK_EQ(wrong, 0);
	printf("%u ports, 3 sizes, in and out, %u rounds: every one faulted "
	       "with #GP\n", (unsigned int)(sizeof(ports) / sizeof(ports[0])), ROUNDS);
}
