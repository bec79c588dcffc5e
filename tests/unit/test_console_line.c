/* Unit tests for guest console line assembly
 * (hypervisor/common/console_line.c): a guest can never put a line break,
 * an escape or a non-ASCII byte into the log. */
#include <string.h>

#include <console_line.h>

#include "unit.h"

/* Feed @n bytes; collect the completed lines, '|'-separated, in @out. */
static void feed(struct console_line *l, const char *in, size_t n, char *out)
{
	size_t o = strlen(out);

	for (size_t i = 0; i < n; i++) {
		if (!console_line_put(l, in[i]))
			continue;
		memcpy(out + o, l->text, l->len);
		o += l->len;
		out[o++] = '|';
		out[o] = '\0';
		console_line_clear(l);
	}
}

START_TEST(newline_ends_a_line_cr_is_dropped)
{
	struct console_line l = { .len = 0 };
	char out[512] = "";

	feed(&l, "ab\ncd\r\nef", 9, out);
	ck_assert_str_eq(out, "ab|cd|");
	ck_assert_uint_eq(l.len, 2);
	ck_assert_mem_eq(l.text, "ef", 2);
}
END_TEST

START_TEST(every_unprintable_byte_becomes_a_question_mark)
{
	for (unsigned int c = 0; c < 256; c++) {
		struct console_line l = { .len = 0 };
		char in = (char)c;

		bool done = console_line_put(&l, in);
		if (c == '\n') {
			ck_assert(done);
			ck_assert_uint_eq(l.len, 0);
			continue;
		}
		ck_assert(!done);
		if (c == '\r' || c == 0x1b) {	/* dropped; ESC starts an
						 * escape sequence */
			ck_assert_uint_eq(l.len, 0);
			continue;
		}
		ck_assert_uint_eq(l.len, 1);
		if (c == '\t' || c == '\b' || (c >= 0x20 && c < 0x7f))
			ck_assert_int_eq(l.text[0], (char)c);
		else
			ck_assert_int_eq(l.text[0], '?');
	}
}
END_TEST

START_TEST(forged_line_starts_stay_inside_the_line)
{
	struct console_line l = { .len = 0 };
	char out[512] = "";
	static const char in[] = "x\x0b" "A\x0c" "B\x1c" "C\xc2\x85" "D"
				 "\xe2\x80\xa8" "E\x1b[1G" "F\x9b" "G\n";

	feed(&l, in, sizeof(in) - 1, out);
	ck_assert_str_eq(out, "x?A?B?C??D???EF?G|");
}
END_TEST

START_TEST(full_line_is_completed_at_once)
{
	struct console_line l = { .len = 0 };
	char in[CONSOLE_LINE_MAX + 5], out[512] = "";

	memset(in, 'a', sizeof(in));
	feed(&l, in, CONSOLE_LINE_MAX - 1, out);
	ck_assert_str_eq(out, "");
	feed(&l, in, 1, out);
	ck_assert_uint_eq(strlen(out), CONSOLE_LINE_MAX + 1);
	ck_assert_uint_eq(l.len, 0);
	/* Nothing ever writes past the buffer. */
	for (int i = 0; i < 10000; i++) {
		ck_assert_uint_lt(l.len, CONSOLE_LINE_MAX);
		if (console_line_put(&l, 'z'))
			console_line_clear(&l);
	}
}
END_TEST

/* What a shell's line editing sends to move the cursor or ask where it
 * is disappears whole; an unfinished or overlong sequence gives up, and
 * what follows is text again. */
START_TEST(escape_sequences_are_dropped_whole)
{
	struct console_line l = { .len = 0 };
	char out[512] = "";
	static const char in[] = "/ # \x1b[6nls\x1b" "7x\x1b[1;31mred\x1b[0m\n"
				 "a\x1b[12\nb\x1b\x01" "c\n";

	feed(&l, in, sizeof(in) - 1, out);
	/* A newline or a control byte ends the sequence and counts. */
	ck_assert_str_eq(out, "/ # lsxred|a|b?c|");
	ck_assert_uint_eq(l.escape, CONSOLE_ESCAPE_NONE);

	char longseq[64] = "\x1b[";
	memset(longseq + 2, '1', 40);
	out[0] = '\0';
	feed(&l, longseq, 42, out);
	feed(&l, "\n", 1, out);
	/* ESC [ and 14 parameter bytes were dropped, then it gave up. */
	ck_assert_uint_eq(strlen(out), 42 - CONSOLE_ESCAPE_MAX + 1);
}
END_TEST

/* Backspaces erase the domain's own characters on the line, and no
 * more: however many a guest sends, the cursor never goes back over
 * Keel's "(dN) " prefix. */
START_TEST(render_keeps_backspaces_only_over_own_text)
{
	unsigned int column = 0;
	char out[64];
	size_t n;

	n = console_line_render("\b\bab\b", 5, &column, out);
	ck_assert_uint_eq(n, 3);
	ck_assert_mem_eq(out, "ab\b", 3);
	ck_assert_uint_eq(column, 1);
	/* The column carries over to the next part of the same line. */
	n = console_line_render("\b\b\bc", 4, &column, out);
	ck_assert_uint_eq(n, 2);
	ck_assert_mem_eq(out, "\bc", 2);
	ck_assert_uint_eq(column, 1);
}
END_TEST

START_TEST(render_never_backs_over_the_prefix)
{
	uint64_t seed = 11;
	unsigned int column = 0;

	for (int i = 0; i < 2000; i++) {
		char in[32], out[32];
		long shown = column;	/* characters on the line, as a terminal */

		for (size_t j = 0; j < sizeof(in); j++)
			in[j] = rng_next(&seed) % 3 ? '\b' : 'x';
		size_t n = console_line_render(in, sizeof(in), &column, out);
		ck_assert_uint_le(n, sizeof(in));
		for (size_t j = 0; j < n; j++) {
			shown += out[j] == '\b' ? -1 : 1;
			ck_assert_int_ge(shown, 0);
		}
		ck_assert_int_eq(shown, column);
	}
}
END_TEST

/* console_line_completes() says in advance what console_line_put() does. */
START_TEST(completes_predicts_put)
{
	struct console_line l = { .len = 0 };
	uint64_t seed = 7;

	for (int i = 0; i < 100000; i++) {
		char c = (char)(rng_next(&seed) % 5 == 0 ? '\n' :
				rng_next(&seed) % 256);
		bool predicted = console_line_completes(&l, c);
		bool done = console_line_put(&l, c);

		ASSERT_FAST(predicted == done);
		if (done)
			console_line_clear(&l);
	}
}
END_TEST

Suite *console_line_suite(void)
{
	Suite *s = suite_create("console_line");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, newline_ends_a_line_cr_is_dropped);
	tcase_add_test(tc, every_unprintable_byte_becomes_a_question_mark);
	tcase_add_test(tc, forged_line_starts_stay_inside_the_line);
	tcase_add_test(tc, full_line_is_completed_at_once);
	tcase_add_test(tc, completes_predicts_put);
	tcase_add_test(tc, escape_sequences_are_dropped_whole);
	tcase_add_test(tc, render_keeps_backspaces_only_over_own_text);
	tcase_add_test(tc, render_never_backs_over_the_prefix);
	suite_add_tcase(s, tc);
	return s;
}
