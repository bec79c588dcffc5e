/* Unit tests for the console-input switch sequence
 * (hypervisor/common/console_switch.c). */
#include <string.h>

#include <console_switch.h>

#include "unit.h"

#define CTRL_T 0x14

/* Feed @in; return the delivered bytes in @out (NUL-terminated) and the
 * number of switches. */
static unsigned int run(struct console_switch *cs, const char *in, char *out)
{
	unsigned int switches = 0;
	size_t o = 0;

	for (; *in; in++) {
		char now[CONSOLE_SWITCH_PRESSES];
		bool sw;
		unsigned int n = console_switch_feed(cs, *in, now, &sw);

		ck_assert_uint_le(n, CONSOLE_SWITCH_PRESSES);
		memcpy(out + o, now, n);
		o += n;
		switches += sw;
	}
	out[o] = '\0';
	return switches;
}

START_TEST(key_from_letter)
{
	ck_assert_int_eq(console_switch_key('t'), CTRL_T);
	ck_assert_int_eq(console_switch_key('T'), CTRL_T);
	ck_assert_int_eq(console_switch_key('a'), 1);
	ck_assert_int_eq(console_switch_key('z'), 26);
	ck_assert_int_eq(console_switch_key('1'), 0);
	ck_assert_int_eq(console_switch_key('\0'), 0);
}
END_TEST

START_TEST(plain_text_passes)
{
	struct console_switch cs = { .key = CTRL_T };
	char out[64];

	ck_assert_uint_eq(run(&cs, "echo hi\r", out), 0);
	ck_assert_str_eq(out, "echo hi\r");
}
END_TEST

START_TEST(three_presses_switch)
{
	struct console_switch cs = { .key = CTRL_T };
	char out[64];

	ck_assert_uint_eq(run(&cs, "a\x14\x14\x14" "b", out), 1);
	ck_assert_str_eq(out, "ab");
	/* Six in a row: two switches, nothing delivered. */
	ck_assert_uint_eq(run(&cs, "\x14\x14\x14\x14\x14\x14", out), 2);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(held_presses_are_delivered)
{
	struct console_switch cs = { .key = CTRL_T };
	char out[64];

	/* One and two presses reach the domain with the next byte. */
	ck_assert_uint_eq(run(&cs, "x\x14y\x14\x14z", out), 0);
	ck_assert_str_eq(out, "x\x14y\x14\x14z");
	/* Four: a switch, then one held until the next byte. */
	ck_assert_uint_eq(run(&cs, "\x14\x14\x14\x14", out), 1);
	ck_assert_str_eq(out, "");
	ck_assert_uint_eq(run(&cs, "q", out), 0);
	ck_assert_str_eq(out, "\x14q");
}
END_TEST

START_TEST(no_key_means_no_switch)
{
	struct console_switch cs = { .key = 0 };
	char out[64];

	ck_assert_uint_eq(run(&cs, "\x14\x14\x14", out), 0);
	ck_assert_str_eq(out, "\x14\x14\x14");
}
END_TEST

Suite *console_switch_suite(void)
{
	Suite *s = suite_create("console_switch");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, key_from_letter);
	tcase_add_test(tc, plain_text_passes);
	tcase_add_test(tc, three_presses_switch);
	tcase_add_test(tc, held_presses_are_delivered);
	tcase_add_test(tc, no_key_means_no_switch);
	suite_add_tcase(s, tc);
	return s;
}
