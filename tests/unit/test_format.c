/* Unit tests for printf-style formatting (hypervisor/common/format.c). */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include <format.h>

#include "unit.h"

/* Format with both ours and the host's snprintf and demand the same
 * result and the same return value. */
#define SAME_WITH(ours_fn, host_fn, ...)                                      \
	do {                                                                  \
		char ours_[256], host_[256];                                  \
		int ro_ = ours_fn(ours_, sizeof(ours_), __VA_ARGS__);         \
		int rh_ = host_fn(host_, sizeof(host_), __VA_ARGS__);         \
		ck_assert_msg(ro_ == rh_ && strcmp(ours_, host_) == 0,        \
			      "format %s: ours \"%s\" (%d), host \"%s\" (%d)", \
			      #__VA_ARGS__, ours_, ro_, host_, rh_);          \
	} while (0)

#define SAME(...) SAME_WITH(format_string, snprintf, __VA_ARGS__)
/* For formats that -Wformat flags because a flag has no effect (which is
 * exactly what these cases check). */
#define SAME_FLAGGED(...) SAME_WITH(fmt_unchecked, host_unchecked, __VA_ARGS__)

/* Format with ours and demand an exact string. */
#define EXPECT(want, ...)                                                     \
	do {                                                                  \
		char ours_[256];                                              \
		int ro_ = format_string(ours_, sizeof(ours_), __VA_ARGS__);   \
		ck_assert_str_eq(ours_, want);                                \
		ck_assert_int_eq(ro_, (int)strlen(want));                     \
	} while (0)

/* No format attribute: for formats the compiler would (rightly) flag. */
static int fmt_unchecked(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_string_va(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static int host_unchecked(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

START_TEST(plain_text)
{
	SAME("hello, world");
	SAME_FLAGGED("");
	SAME("100%%");
	SAME("%%%%");
	SAME("a%%b%%c");
	EXPECT("50% off", "50%% off");
}
END_TEST

START_TEST(signed_decimal)
{
	SAME("%d", 0);
	SAME("%d", 1);
	SAME("%d", -1);
	SAME("%d", 42);
	SAME("%i", -42);
	SAME("%d", INT_MAX);
	SAME("%d", INT_MIN);
	SAME("%i", INT_MIN);
	SAME("[%5d]", 42);
	SAME("[%-5d]", 42);
	SAME("[%05d]", 42);
	SAME("[%05d]", -42);
	SAME("[%+d]", 42);
	SAME("[%+d]", -42);
	SAME("[%+d]", 0);
	SAME("[% d]", 42);
	SAME("[% d]", -42);
	SAME_FLAGGED("[%+ d]", 42);
	SAME_FLAGGED("[% +d]", 42);
	SAME("[%+05d]", 42);
	SAME("[% 05d]", 42);
	SAME("[%-+5d]", 42);
	SAME_FLAGGED("[%-05d]", -42);
	SAME("[%2d]", 12345);
	SAME("[%.3d]", 7);
	SAME("[%.3d]", -7);
	SAME("[%.3d]", 12345);
	SAME("[%8.3d]", -7);
	SAME("[%-8.3d]", 7);
	SAME_FLAGGED("[%08.3d]", 7);
	SAME("[%+.3d]", 7);
	SAME("[%.0d]", 0);
	SAME("[%5.0d]", 0);
	SAME("[%+.0d]", 0);
	SAME("[%.0d]", 3);
	SAME("[%.d]", 0);
	SAME("[%.10d]", INT_MIN);
	SAME("[%40d]", INT_MIN);
	EXPECT("-2147483648", "%d", INT_MIN);
}
END_TEST

START_TEST(unsigned_conversions)
{
	SAME("%u", 0u);
	SAME("%u", 123u);
	SAME("%u", UINT_MAX);
	SAME("[%7u]", 123u);
	SAME("[%-7u]", 123u);
	SAME("[%07u]", 123u);
	SAME("[%.5u]", 123u);
	SAME("%x", 0u);
	SAME("%x", 0xdeadbeefu);
	SAME("%X", 0xdeadbeefu);
	SAME("%x", UINT_MAX);
	SAME("%#x", 255u);
	SAME("%#X", 255u);
	SAME("%#x", 0u);
	SAME("[%#08x]", 255u);
	SAME("[%#-8x]", 255u);
	SAME("[%#8X]", 255u);
	SAME("[%.4x]", 0x1fu);
	SAME("[%#.4x]", 0x1fu);
	SAME("[%#10.4x]", 0x1fu);
	SAME("[%#.0x]", 0u);
	SAME("[%.0x]", 0u);
	SAME("[%08x]", 0xabcu);
	SAME("%o", 0u);
	SAME("%o", 8u);
	SAME("%o", 0777u);
	SAME("%o", UINT_MAX);
	SAME("%#o", 8u);
	SAME("%#o", 0u);
	SAME("[%#5o]", 8u);
	SAME("[%#05o]", 8u);
	SAME("[%-#5o]", 8u);
	SAME("[%.4o]", 8u);
	SAME("[%.0o]", 0u);
	SAME("[%5.0o]", 0u);
	EXPECT("ff FF 377", "%x %X %o", 255u, 255u, 255u);
}
END_TEST

START_TEST(sign_flags_ignored_for_unsigned)
{
	/* '+' and ' ' only apply to signed conversions. */
	SAME_FLAGGED("[%+u]", 5u);
	SAME_FLAGGED("[% u]", 5u);
	SAME_FLAGGED("[%+x]", 0x2au);
	SAME_FLAGGED("[% X]", 0x2au);
	SAME_FLAGGED("[%+o]", 8u);
	SAME_FLAGGED("[%+05u]", 5u);
	SAME_FLAGGED("[% 5x]", 5u);
	SAME_FLAGGED("[%+lu]", ULONG_MAX);
	SAME_FLAGGED("[%+#x]", 0x2au);
}
END_TEST

START_TEST(octal_alternate_precision)
{
	/* '#' with 'o' raises the precision only as far as a leading 0 needs. */
	SAME("[%#.3o]", 8u);
	SAME("[%#.2o]", 8u);
	SAME("[%#.4o]", 8u);
	SAME("[%#.0o]", 0u);
	SAME("[%#5.0o]", 0u);
	SAME("[%#.3o]", 0u);
	SAME("[%#8.5o]", 0777u);
	SAME("[%#-8.3o]", 064u);
}
END_TEST

START_TEST(chars_and_strings)
{
	SAME("%c", 'a');
	SAME("[%3c]", 'x');
	SAME("[%-3c]", 'x');
	SAME("%c%c%c", 'a', 'b', 'c');
	SAME("%s", "hello");
	SAME("[%10s]", "hello");
	SAME("[%-10s]", "hello");
	SAME("[%.3s]", "hello");
	SAME("[%10.3s]", "hello");
	SAME("[%-10.3s]", "hello");
	SAME("[%.0s]", "hello");
	SAME("[%.10s]", "hello");
	SAME("[%5s]", "");
	SAME("[%2s]", "hello");
	SAME("%s=%s", "key", "value");

	/* Precision bounds the read: no terminator needed. */
	char unterminated[4] = { 'a', 'b', 'c', 'd' };
	EXPECT("abc", "%.3s", unterminated);
	EXPECT("abcd", "%.4s", unterminated);
	EXPECT("ab", "%.*s", 2, unterminated);

	/* A NUL character still counts. */
	char buf[8];
	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(format_string(buf, sizeof(buf), "a%cb", 0), 3);
	ck_assert_int_eq(buf[0], 'a');
	ck_assert_int_eq(buf[1], '\0');
	ck_assert_int_eq(buf[2], 'b');
	ck_assert_int_eq(buf[3], '\0');
}
END_TEST

START_TEST(null_string)
{
	/* volatile: gcc would (rightly) warn about a known NULL %s */
	const char *volatile null = NULL;

	EXPECT("(null)", "%s", null);
	EXPECT("[    (null)]", "[%10s]", null);
	EXPECT("[(null)  ]", "[%-8s]", null);
	EXPECT("x(null)y", "x%sy", null);
}
END_TEST

START_TEST(star_width_precision)
{
	SAME("[%*d]", 6, 42);
	SAME("[%*d]", -6, 42);
	SAME("[%-*d]", 6, 42);
	SAME("[%*d]", 0, 42);
	SAME("[%.*d]", 4, 7);
	SAME("[%.*d]", -1, 7);
	SAME("[%.*d]", 0, 0);
	SAME("[%*.*d]", 8, 3, -5);
	SAME("[%*.*d]", -8, 3, -5);
	SAME("[%*s]", 7, "ab");
	SAME("[%*s]", -7, "ab");
	SAME("[%.*s]", 2, "abcdef");
	SAME("[%.*s]", -2, "abcdef");
	SAME("[%*.*s]", 6, 2, "abcdef");
	SAME("[%0*x]", 8, 0xbeefu);
	SAME("[%*c]", 4, 'q');
}
END_TEST

START_TEST(length_modifiers)
{
	SAME("%hhd", 200);
	SAME("%hhd", -129);
	SAME("%hhu", 300);
	SAME("%hhx", 0x1ff);
	SAME("%hhi", 127);
	SAME("%hd", 70000);
	SAME("%hd", -32769);
	SAME("%hu", 70000);
	SAME("%hx", 0x12345);
	SAME("%ho", 0x12345);
	SAME("%ld", LONG_MAX);
	SAME("%ld", LONG_MIN);
	SAME("%li", -1L);
	SAME("%lu", ULONG_MAX);
	SAME("%lx", ULONG_MAX);
	SAME("%lX", 0xabcdef0123456789UL);
	SAME("%lo", ULONG_MAX);
	SAME("%lld", LLONG_MAX);
	SAME("%lld", LLONG_MIN);
	SAME("%llu", ULLONG_MAX);
	SAME("%llx", 0x123456789abcdefULL);
	SAME("%#llx", 0xfedcba9876543210ULL);
	SAME("%zu", (size_t)SIZE_MAX);
	SAME("%zu", sizeof(int[3]));
	SAME("%zx", (size_t)0x1234);
	SAME("%zd", (ssize_t)-1);
	SAME("%td", (ptrdiff_t)-12345);
	SAME("%tu", (ptrdiff_t)12345);
	SAME("[%20ld]", -123456789L);
	SAME("[%-20lu]", 123456789UL);
	SAME("[%020llx]", 0xdeadULL);
	SAME("%d %ld %hd %lld %hhd", 1, 2L, (short)3, 4LL, (signed char)5);
}
END_TEST

START_TEST(int64_extremes)
{
	SAME("%lld", (long long)INT64_MIN);
	SAME("%ld", (long)INT64_MIN);
	SAME("[%25lld]", (long long)INT64_MIN);
	SAME("[%-25lld]", (long long)INT64_MIN);
	SAME("[%025lld]", (long long)INT64_MIN);
	SAME("[%.22lld]", (long long)INT64_MIN);
	SAME("%+lld", (long long)INT64_MAX);
	SAME("%llu", (unsigned long long)INT64_MIN);
	SAME("%llx", (unsigned long long)INT64_MIN);
	SAME("%llo", (unsigned long long)UINT64_MAX);
	EXPECT("-9223372036854775808", "%lld", (long long)INT64_MIN);
	EXPECT("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	EXPECT("1777777777777777777777", "%llo", (unsigned long long)UINT64_MAX);
}
END_TEST

START_TEST(pointers)
{
	EXPECT("0x0000000000000000", "%p", (void *)0);
	EXPECT("0x0000000000001234", "%p", (void *)0x1234);
	EXPECT("0xffff800000001000", "%p", (void *)0xffff800000001000UL);
	EXPECT("0xffffffffffffffff", "%p", (void *)UINTPTR_MAX);
	EXPECT("[0x00000000deadbeef]", "[%p]", (void *)0xdeadbeefUL);
	EXPECT("0x0000000000000001 0x0000000000000002", "%p %p",
	       (void *)1, (void *)2);
}
END_TEST

START_TEST(mixed)
{
	SAME("%s: %d/%u (%#x) %c%%", "cpu", -3, 7u, 0x10u, '!');
	SAME("[%-6s|%6s|%06d|%-6x]", "ab", "cd", -12, 0xfu);
	SAME("%5s%-5d%05u%5c", "x", 1, 2u, 'y');
	EXPECT("cpu0: ok", "cpu%u: %s", 0u, "ok");
}
END_TEST

START_TEST(odd_formats)
{
	char buf[32];

	/* An unknown conversion is printed verbatim. */
	ck_assert_int_eq(fmt_unchecked(buf, sizeof(buf), "a%qb"), 4);
	ck_assert_str_eq(buf, "a%qb");
	ck_assert_int_eq(fmt_unchecked(buf, sizeof(buf), "%y%d", 5), 3);
	ck_assert_str_eq(buf, "%y5");
	/* A lone '%' at the end stops the output. */
	ck_assert_int_eq(fmt_unchecked(buf, sizeof(buf), "abc%"), 3);
	ck_assert_str_eq(buf, "abc");
	ck_assert_int_eq(fmt_unchecked(buf, sizeof(buf), "abc%-08"), 3);
	ck_assert_str_eq(buf, "abc");
	/* An absurd width is capped, not overflowed. */
	ck_assert_int_eq(fmt_unchecked(buf, sizeof(buf), "%99999999999d", 1),
			 999999);
	ck_assert_uint_eq(strlen(buf), sizeof(buf) - 1);
}
END_TEST

START_TEST(truncation)
{
	char buf[16];

	memset(buf, 'Z', sizeof(buf));
	ck_assert_int_eq(format_string(buf, 5, "hello world"), 11);
	ck_assert_str_eq(buf, "hell");
	for (size_t i = 5; i < sizeof(buf); i++)
		ck_assert_int_eq(buf[i], 'Z');

	memset(buf, 'Z', sizeof(buf));
	ck_assert_int_eq(format_string(buf, 1, "hello"), 5);
	ck_assert_int_eq(buf[0], '\0');
	ck_assert_int_eq(buf[1], 'Z');

	/* Size 0: nothing is written, not even a NUL. */
	memset(buf, 'Z', sizeof(buf));
	ck_assert_int_eq(format_string(buf, 0, "hello %d", 42), 8);
	for (size_t i = 0; i < sizeof(buf); i++)
		ck_assert_int_eq(buf[i], 'Z');
	ck_assert_int_eq(format_string(NULL, 0, "%s-%d", "abc", 123), 7);

	/* Exactly fitting, and one short. */
	memset(buf, 'Z', sizeof(buf));
	ck_assert_int_eq(format_string(buf, 6, "%s", "hello"), 5);
	ck_assert_str_eq(buf, "hello");
	ck_assert_int_eq(format_string(buf, 5, "%s", "hello"), 5);
	ck_assert_str_eq(buf, "hell");

	/* In the middle of a number, padding and a %p. */
	ck_assert_int_eq(format_string(buf, 4, "%d", 123456), 6);
	ck_assert_str_eq(buf, "123");
	ck_assert_int_eq(format_string(buf, 4, "%10d", 1), 10);
	ck_assert_str_eq(buf, "   ");
	ck_assert_int_eq(format_string(buf, 8, "%p", (void *)0xabc), 18);
	ck_assert_str_eq(buf, "0x00000");

	/* Every size agrees with the host's snprintf. */
	for (size_t size = 0; size <= sizeof(buf); size++) {
		char host[sizeof(buf)];

		memset(buf, 'Z', sizeof(buf));
		memset(host, 'Z', sizeof(host));
		int ro = format_string(buf, size, "%-5s|%+04d|%#x", "ab", 7, 255u);
		int rh = snprintf(host, size, "%-5s|%+04d|%#x", "ab", 7, 255u);
		ck_assert_int_eq(ro, rh);
		ck_assert_mem_eq(buf, host, sizeof(buf));
	}
}
END_TEST

START_TEST(va_list_entry)
{
	char buf[64];

	ck_assert_int_eq(fmt_unchecked(buf, sizeof(buf), "%s %d %llx", "x", -9,
				0x1234567890ULL), 15);
	ck_assert_str_eq(buf, "x -9 1234567890");
}
END_TEST

Suite *format_suite(void)
{
	Suite *s = suite_create("format");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, plain_text);
	tcase_add_test(tc, signed_decimal);
	tcase_add_test(tc, unsigned_conversions);
	tcase_add_test(tc, sign_flags_ignored_for_unsigned);
	tcase_add_test(tc, octal_alternate_precision);
	tcase_add_test(tc, chars_and_strings);
	tcase_add_test(tc, null_string);
	tcase_add_test(tc, star_width_precision);
	tcase_add_test(tc, length_modifiers);
	tcase_add_test(tc, int64_extremes);
	tcase_add_test(tc, pointers);
	tcase_add_test(tc, mixed);
	tcase_add_test(tc, odd_formats);
	tcase_add_test(tc, truncation);
	tcase_add_test(tc, va_list_entry);
	suite_add_tcase(s, tc);
	return s;
}
