/* keel-test: group=console_input input=1 timeout=120 */
/*
 * The other half of console_input_a: it gets the input only after the
 * focus moves here, then moves it back by asking for three Ctrl-Ts.
 */
#include "console_input.h"

const char test_name[] = "console_input_b";

void test_main(void)
{
	input_bind();
	static const char mine[] = "to-b\r";
	CHECK(input_expect(mine, sizeof(mine) - 1), "the line after the switch");
	printf("SEND: \\x14\\x14\\x14back\\r\n");
}
