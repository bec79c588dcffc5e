/* Shared by console_input_a and console_input_b (not a test by itself):
 * reading serial input with console_input, woken by
 * KEEL_VIRQ_CONSOLE_INPUT. */
#include "keeltest.h"

static keel_port_t input_port;

static void input_bind(void)
{
	CHECK_EQ(rt_bind_virq(KEEL_VIRQ_CONSOLE_INPUT, 0, &input_port), 0);
	rt_mask(input_port);
}

/* Read input until @want (of @n bytes) has arrived, for up to 60 s. Any
 * byte that differs fails the test at once. */
static bool input_expect(const char *want, size_t n)
{
	uint64_t deadline = rt_now_ns() + 60 * 1000000000ULL;
	size_t got = 0;

	while (got < n) {
		char buf[KEEL_CONSOLE_INPUT_MAX];
		long rc = keel_hypercall_console_input((unsigned long)buf,
						       sizeof(buf));
		CHECK(rc >= 0, "console_input = %ld", rc);
		if (rc < 0)
			return false;
		for (long i = 0; i < rc; i++, got++) {
			if (got >= n || buf[i] != want[got]) {
				CHECK(false, "input byte %u is %#x, expected %#x",
				      (unsigned int)got, (unsigned char)buf[i],
				      got < n ? (unsigned char)want[got] : 0);
				return false;
			}
		}
		if (got < n && !rt_wait_port(input_port, deadline)) {
			CHECK(false, "only %u of %u input bytes in 60 s",
			      (unsigned int)got, (unsigned int)n);
			return false;
		}
	}
	return true;
}
