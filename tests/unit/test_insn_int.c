/* Unit tests for decoding `int n` (hypervisor/arch/x86_64/pv/insn_int.c). */
#include <stdlib.h>
#include <string.h>

#include <asm/insn_int.h>

#include "unit.h"

static unsigned int decode(const uint8_t *b, size_t n, unsigned int *v)
{
	*v = 0xdead;
	return insn_decode_int_n(b, n, v);
}

START_TEST(plain_int_n)
{
	unsigned int v;

	for (unsigned int n = 0; n < 256; n++) {
		uint8_t b[2] = { 0xcd, (uint8_t)n };
		ck_assert_uint_eq(decode(b, 2, &v), 2);
		ck_assert_uint_eq(v, n);
	}
}
END_TEST

START_TEST(prefixes_count_in_the_length)
{
	static const uint8_t rex[] = { 0x48, 0xcd, 0x80 };
	static const uint8_t many[] = { 0x66, 0x2e, 0xf3, 0x67, 0x41,
					0xcd, 0x21 };
	unsigned int v;

	ck_assert_uint_eq(decode(rex, sizeof(rex), &v), 3);
	ck_assert_uint_eq(v, 0x80);
	ck_assert_uint_eq(decode(many, sizeof(many), &v), 7);
	ck_assert_uint_eq(v, 0x21);
}
END_TEST

START_TEST(not_int_n)
{
	static const uint8_t int3[] = { 0xcc, 0x00 };
	static const uint8_t into[] = { 0xce, 0x00 };
	static const uint8_t lock[] = { 0xf0, 0xcd, 0x80 };
	static const uint8_t syscall[] = { 0x0f, 0x05 };
	unsigned int v;

	ck_assert_uint_eq(decode(int3, 2, &v), 0);
	ck_assert_uint_eq(decode(into, 2, &v), 0);
	ck_assert_uint_eq(decode(lock, 3, &v), 0);
	ck_assert_uint_eq(decode(syscall, 2, &v), 0);
	ck_assert_uint_eq(v, 0xdead);
}
END_TEST

START_TEST(truncated_or_too_long)
{
	uint8_t b[20];
	unsigned int v;

	ck_assert_uint_eq(decode((const uint8_t *)"\xcd", 1, &v), 0);
	ck_assert_uint_eq(decode(b, 0, &v), 0);
	/* 13 prefixes + cd nn = 15 bytes: the longest legal form. */
	memset(b, 0x66, sizeof(b));
	b[13] = 0xcd;
	b[14] = 0x30;
	ck_assert_uint_eq(decode(b, sizeof(b), &v), 15);
	ck_assert_uint_eq(v, 0x30);
	/* 14 prefixes: the immediate would be byte 16. */
	memset(b, 0x66, sizeof(b));
	b[14] = 0xcd;
	b[15] = 0x30;
	ck_assert_uint_eq(decode(b, sizeof(b), &v), 0);
	/* All prefixes, never an opcode: no read past @len. */
	uint8_t *heap = malloc(9);
	memset(heap, 0x66, 9);
	ck_assert_uint_eq(decode(heap, 9, &v), 0);
	free(heap);
}
END_TEST

Suite *insn_int_suite(void)
{
	Suite *s = suite_create("insn_int");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, plain_int_n);
	tcase_add_test(tc, prefixes_count_in_the_length);
	tcase_add_test(tc, not_int_n);
	tcase_add_test(tc, truncated_or_too_long);
	suite_add_tcase(s, tc);
	return s;
}
