/* keel-test: group=console_input input=1 privileged=1 timeout=120 */
/*
 * Serial input and the console-input focus (ABI 1.2). This control domain
 * (domain 0) has the focus from the start. It asks the runner to type a
 * line holding one and two Ctrl-Ts (held back, then delivered), then
 * three Ctrl-Ts and text: the focus moves to console_input_b, which gets
 * the text, and none of it reaches this domain. console_input_b switches
 * the focus back the same way; the text after that comes here. Keel
 * announces each switch in its log.
 */
#include "console_input.h"

const char test_name[] = "console_input_a";

static char logbuf[64 * 1024];

static bool log_has(const char *s)
{
	size_t len = rt_log_read_all(logbuf, sizeof(logbuf)), m = strlen(s);

	for (size_t i = 0; i + m <= len; i++)
		if (!memcmp(logbuf + i, s, m))
			return true;
	return false;
}

void test_main(void)
{
	char buf[16];

	input_bind();
	/* Nothing typed yet; bad buffers. */
	CHECK_EQ(keel_hypercall_console_input((unsigned long)buf, 0), 0);
	CHECK_EQ(keel_hypercall_console_input((unsigned long)buf, sizeof(buf)),
		 0);
	CHECK(log_has("console: input to d0 (console_input_a)"),
	      "no announcement of the first focus");

	printf("SEND: one\\x14two\\x14\\x14three\\r\n");
	static const char first[] = "one\x14two\x14\x14three\r";
	CHECK(input_expect(first, sizeof(first) - 1), "first line");
	printf("got the first line, with the held Ctrl-Ts\n");

	/* To domain 1, which sends the focus back with the next line. */
	printf("SEND: \\x14\\x14\\x14to-b\\r\n");
	static const char back[] = "back\r";
	CHECK(input_expect(back, sizeof(back) - 1), "the line after the "
	      "focus came back");
	CHECK(log_has("console: input to d1 (console_input_b)"),
	      "no announcement of the switch to d1");
	printf("the focus went to d1 and came back\n");

	/* A guest buffer Keel cannot write: 0 while nothing is queued (an
	 * event may still be pending from the line before), -EFAULT once
	 * the byte is there. */
	printf("SEND: x\n");
	uint64_t deadline = rt_now_ns() + 60 * 1000000000ULL;
	long rc;
	while ((rc = keel_hypercall_console_input(0xffff830000000000UL, 16)) == 0 &&
	       rt_now_ns() < deadline)
		rt_wait_port(input_port, deadline);
	CHECK_EQ(rc, -KEEL_EFAULT);
}
