/* Unit tests for command-line parsing (hypervisor/common/cmdline.c).
 *
 * The option table is built by hand: the OPTION_* macros put descriptors
 * in a linker section that the host link does not collect. */
#include <string.h>

#include <cmdline.h>
#include <errno.h>

#include "unit.h"

static bool opt_debug, opt_quiet;
static uint64_t opt_mem;
static uint32_t opt_cpus;
static uint8_t opt_level;
static uint64_t opt_count;
static uint16_t opt_short;
static char opt_console[16];

static const struct option opts[] = {
	{ "debug",    OPTION_BOOL,   &opt_debug,  sizeof(opt_debug) },
	{ "quiet",    OPTION_BOOL,   &opt_quiet,  sizeof(opt_quiet) },
	{ "dom0_mem", OPTION_SIZE,   &opt_mem,    sizeof(opt_mem) },
	{ "cpus",     OPTION_UINT,   &opt_cpus,   sizeof(opt_cpus) },
	{ "loglevel", OPTION_UINT,   &opt_level,  sizeof(opt_level) },
	{ "count",    OPTION_UINT,   &opt_count,  sizeof(opt_count) },
	{ "short",    OPTION_UINT,   &opt_short,  sizeof(opt_short) },
	{ "console",  OPTION_STRING, opt_console, sizeof(opt_console) },
};
#define OPTS_END (opts + ARRAY_SIZE(opts))

/* What the error callback was told. */
#define MAX_ERRORS 16
static unsigned int nr_errors;
static char err_word[MAX_ERRORS][128];
static char err_why[MAX_ERRORS][128];

static void on_error(const char *word, size_t len, const char *why)
{
	ck_assert_ptr_nonnull(word);
	ck_assert_ptr_nonnull(why);
	ck_assert_uint_gt(len, 0);
	ck_assert_uint_lt(nr_errors, MAX_ERRORS);
	ck_assert_uint_lt(len, sizeof(err_word[0]));
	memcpy(err_word[nr_errors], word, len);
	err_word[nr_errors][len] = '\0';
	strncpy(err_why[nr_errors], why, sizeof(err_why[0]) - 1);
	nr_errors++;
}

static void setup(void)
{
	opt_debug = opt_quiet = false;
	opt_mem = opt_count = 0;
	opt_cpus = 0;
	opt_level = 0;
	opt_short = 0;
	memset(opt_console, 0, sizeof(opt_console));
	nr_errors = 0;
	memset(err_word, 0, sizeof(err_word));
	memset(err_why, 0, sizeof(err_why));
}

static int parse(const char *s)
{
	return cmdline_parse(s, opts, OPTS_END, on_error);
}

/* Parse one word that must be rejected for @reason. */
static void assert_rejected(const char *word, const char *reason)
{
	unsigned int before = nr_errors;

	ck_assert_msg(parse(word) == 1, "'%s' was accepted", word);
	ck_assert_uint_eq(nr_errors, before + 1);
	ck_assert_str_eq(err_word[before], word);
	ck_assert_msg(strstr(err_why[before], reason) != NULL,
		      "'%s' rejected for '%s', expected '%s'", word,
		      err_why[before], reason);
}

START_TEST(empty_command_lines)
{
	ck_assert_int_eq(parse(""), 0);
	ck_assert_int_eq(parse(" "), 0);
	ck_assert_int_eq(parse("   \t \n  "), 0);
	ck_assert_int_eq(parse(NULL), 0);
	ck_assert_uint_eq(nr_errors, 0);
	ck_assert(!opt_debug);
	/* An empty table knows no option. */
	ck_assert_int_eq(cmdline_parse("debug", opts, opts, on_error), 1);
	ck_assert_str_eq(err_word[0], "debug");
}
END_TEST

START_TEST(name_value)
{
	ck_assert_int_eq(parse("cpus=4 dom0_mem=512M console=com1 loglevel=7 count=99"), 0);
	ck_assert_uint_eq(nr_errors, 0);
	ck_assert_uint_eq(opt_cpus, 4);
	ck_assert_uint_eq(opt_mem, 512ULL << 20);
	ck_assert_str_eq(opt_console, "com1");
	ck_assert_uint_eq(opt_level, 7);
	ck_assert_uint_eq(opt_count, 99);

	/* Later words override earlier ones. */
	ck_assert_int_eq(parse("cpus=1 cpus=2"), 0);
	ck_assert_uint_eq(opt_cpus, 2);

	/* Everything after the first '=' is the value. */
	ck_assert_int_eq(parse("console=a=b"), 0);
	ck_assert_str_eq(opt_console, "a=b");
	ck_assert_int_eq(parse("console="), 0);
	ck_assert_str_eq(opt_console, "");
}
END_TEST

START_TEST(booleans)
{
	ck_assert_int_eq(parse("debug quiet"), 0);
	ck_assert(opt_debug);
	ck_assert(opt_quiet);
	ck_assert_int_eq(parse("no-debug"), 0);
	ck_assert(!opt_debug);
	ck_assert(opt_quiet);
	ck_assert_int_eq(parse("debug no-quiet"), 0);
	ck_assert(opt_debug);
	ck_assert(!opt_quiet);

	static const struct {
		const char *word;
		bool value;
	} cases[] = {
		{ "debug=off", false }, { "debug=on", true },
		{ "debug=no", false },  { "debug=yes", true },
		{ "debug=0", false },   { "debug=1", true },
		{ "debug=false", false }, { "debug=true", true },
	};
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		ck_assert_int_eq(parse(cases[i].word), 0);
		ck_assert_msg(opt_debug == cases[i].value, "%s", cases[i].word);
	}
	ck_assert_uint_eq(nr_errors, 0);

	opt_debug = true;
	assert_rejected("debug=maybe", "boolean");
	assert_rejected("debug=", "boolean");
	assert_rejected("debug=ON", "boolean");
	assert_rejected("debug=onn", "boolean");
	assert_rejected("debug=o", "boolean");
	assert_rejected("no-debug=1", "no-");
	ck_assert(opt_debug);
	/* no- only applies to booleans. */
	assert_rejected("no-cpus", "unknown");
	assert_rejected("no-", "unknown");
	assert_rejected("no-debugx", "unknown");
}
END_TEST

START_TEST(numbers)
{
	ck_assert_int_eq(parse("cpus=0x10 count=0xFFFFFFFFFFFFFFFF loglevel=0xff"), 0);
	ck_assert_uint_eq(opt_cpus, 16);
	ck_assert_uint_eq(opt_count, UINT64_MAX);
	ck_assert_uint_eq(opt_level, 255);
	ck_assert_int_eq(parse("count=18446744073709551615"), 0);
	ck_assert_uint_eq(opt_count, UINT64_MAX);
	ck_assert_int_eq(parse("count=0 cpus=00012"), 0);
	ck_assert_uint_eq(opt_count, 0);
	ck_assert_uint_eq(opt_cpus, 12);

	opt_count = 5;
	assert_rejected("count=18446744073709551616", "number");
	assert_rejected("count=0x10000000000000000", "number");
	assert_rejected("count=0x", "number");
	assert_rejected("count=", "number");
	assert_rejected("count", "needs a value");
	assert_rejected("count=-1", "number");
	assert_rejected("count=12abc", "number");
	assert_rejected("count=4K", "number");	/* no suffix for plain numbers */
	ck_assert_uint_eq(opt_count, 5);
}
END_TEST

START_TEST(sizes)
{
	static const struct {
		const char *word;
		uint64_t value;
	} cases[] = {
		{ "dom0_mem=4096", 4096 },
		{ "dom0_mem=4K", 4096 },
		{ "dom0_mem=16k", 16384 },
		{ "dom0_mem=512M", 512ULL << 20 },
		{ "dom0_mem=3m", 3ULL << 20 },
		{ "dom0_mem=2G", 2ULL << 30 },
		{ "dom0_mem=1g", 1ULL << 30 },
		{ "dom0_mem=1T", 1ULL << 40 },
		{ "dom0_mem=5t", 5ULL << 40 },
		{ "dom0_mem=0x10M", 16ULL << 20 },
		{ "dom0_mem=0K", 0 },
		{ "dom0_mem=16777215T", 16777215ULL << 40 },
		{ "dom0_mem=17179869183G", 17179869183ULL << 30 },
	};
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		ck_assert_int_eq(parse(cases[i].word), 0);
		ck_assert_msg(opt_mem == cases[i].value, "%s gave %llu",
			      cases[i].word, (unsigned long long)opt_mem);
	}
	ck_assert_uint_eq(nr_errors, 0);

	opt_mem = 77;
	assert_rejected("dom0_mem=16777216T", "size");	/* 2^64 */
	assert_rejected("dom0_mem=17179869184G", "size");
	assert_rejected("dom0_mem=1P", "size");
	assert_rejected("dom0_mem=1KB", "size");
	assert_rejected("dom0_mem=K", "size");
	assert_rejected("dom0_mem=1.5G", "size");
	ck_assert_uint_eq(opt_mem, 77);
}
END_TEST

START_TEST(range_checks)
{
	ck_assert_int_eq(parse("loglevel=255 cpus=4294967295"), 0);
	ck_assert_uint_eq(opt_level, 255);
	ck_assert_uint_eq(opt_cpus, UINT32_MAX);

	assert_rejected("loglevel=256", "out of range");
	assert_rejected("loglevel=0x100", "out of range");
	assert_rejected("cpus=4294967296", "out of range");
	assert_rejected("cpus=0x100000000", "out of range");
	ck_assert_uint_eq(opt_level, 255);
	ck_assert_uint_eq(opt_cpus, UINT32_MAX);

	/* A variable of a size the parser cannot store is never written. */
	assert_rejected("short=1", "out of range");
	ck_assert_uint_eq(opt_short, 0);
}
END_TEST

START_TEST(strings)
{
	ck_assert_int_eq(parse("console=0123456789abcde"), 0);	/* 15 + NUL */
	ck_assert_str_eq(opt_console, "0123456789abcde");
	assert_rejected("console=0123456789abcdef", "too long");
	assert_rejected("console=0123456789abcdef0123456789", "too long");
	ck_assert_str_eq(opt_console, "0123456789abcde");
	assert_rejected("console", "needs a value");
	ck_assert_int_eq(parse("console=vga"), 0);
	ck_assert_str_eq(opt_console, "vga");
	ck_assert_int_eq(opt_console[3], '\0');
}
END_TEST

START_TEST(unknown_options)
{
	ck_assert_int_eq(parse("foo=bar debug baz cpus=3 debugx=1 debu"), 4);
	ck_assert(opt_debug);
	ck_assert_uint_eq(opt_cpus, 3);
	ck_assert_uint_eq(nr_errors, 4);
	ck_assert_str_eq(err_word[0], "foo=bar");
	ck_assert_str_eq(err_word[1], "baz");
	ck_assert_str_eq(err_word[2], "debugx=1");
	ck_assert_str_eq(err_word[3], "debu");
	for (unsigned int i = 0; i < 4; i++)
		ck_assert_str_eq(err_why[i], "unknown option");

	/* Names must match in full and in case. */
	assert_rejected("DEBUG", "unknown");
	assert_rejected("cpu=1", "unknown");
	assert_rejected("cpuss=1", "unknown");
	assert_rejected("=5", "unknown");
	assert_rejected("=", "unknown");

	/* Without a callback the rejections are still counted. */
	ck_assert_int_eq(cmdline_parse("a b debug c=1", opts, OPTS_END, NULL), 3);
}
END_TEST

START_TEST(whitespace)
{
	ck_assert_int_eq(parse("  debug   cpus=3\t\tquiet\nconsole=x   "), 0);
	ck_assert(opt_debug);
	ck_assert(opt_quiet);
	ck_assert_uint_eq(opt_cpus, 3);
	ck_assert_str_eq(opt_console, "x");

	/* Words in error are reported exactly, without the spaces. */
	ck_assert_int_eq(parse("   nope    cpus=x  "), 2);
	ck_assert_str_eq(err_word[0], "nope");
	ck_assert_str_eq(err_word[1], "cpus=x");
	ck_assert_str_eq(err_why[1], "expected a number");
}
END_TEST

START_TEST(parse_size_direct)
{
	uint64_t v;

	ck_assert_int_eq(parse_size("0", 1, &v, false), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(parse_size("123", 3, &v, false), 0);
	ck_assert_uint_eq(v, 123);
	/* Only @len bytes count: no terminator needed. */
	ck_assert_int_eq(parse_size("12345", 3, &v, false), 0);
	ck_assert_uint_eq(v, 123);
	ck_assert_int_eq(parse_size("4Kxyz", 2, &v, true), 0);
	ck_assert_uint_eq(v, 4096);
	ck_assert_int_eq(parse_size("0x1f", 4, &v, false), 0);
	ck_assert_uint_eq(v, 31);
	ck_assert_int_eq(parse_size("0X1F", 4, &v, false), 0);
	ck_assert_uint_eq(v, 31);
	ck_assert_int_eq(parse_size("0xDeadBeef", 10, &v, false), 0);
	ck_assert_uint_eq(v, 0xdeadbeef);
	ck_assert_int_eq(parse_size("18446744073709551615", 20, &v, false), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(parse_size("0xffffffffffffffff", 18, &v, false), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(parse_size("1K", 2, &v, true), 0);
	ck_assert_uint_eq(v, 1024);
	ck_assert_int_eq(parse_size("7m", 2, &v, true), 0);
	ck_assert_uint_eq(v, 7ULL << 20);
	ck_assert_int_eq(parse_size("0x2G", 4, &v, true), 0);
	ck_assert_uint_eq(v, 2ULL << 30);
	ck_assert_int_eq(parse_size("3T", 2, &v, true), 0);
	ck_assert_uint_eq(v, 3ULL << 40);

	static const struct {
		const char *s;
		bool suffix;
	} bad[] = {
		{ "", true }, { "0x", true }, { "0X", false }, { "x1", false },
		{ "abc", false }, { "12a", true }, { "12K", false },
		{ "1KK", true }, { "1k2", true }, { "-1", true }, { "+1", true },
		{ " 1", true }, { "1 ", true }, { "1E", true }, { "0xg", false },
		{ "18446744073709551616", false },
		{ "99999999999999999999", false },
		{ "0x10000000000000000", false },
		{ "17179869184G", true }, { "16777216T", true },
		{ "18014398509481984K", true },
	};
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		v = 0xabcdabcd;
		ck_assert_msg(parse_size(bad[i].s, strlen(bad[i].s), &v,
					 bad[i].suffix) == -EINVAL,
			      "'%s' was accepted", bad[i].s);
		ck_assert_uint_eq(v, 0xabcdabcd);
	}
	/* len 0 with a non-empty string. */
	ck_assert_int_eq(parse_size("5", 0, &v, true), -EINVAL);
	ck_assert_uint_eq(v, 0xabcdabcd);
	ck_assert_int_eq(parse_size("18014398509481983K", 18, &v, true), 0);
	ck_assert_uint_eq(v, 18014398509481983ULL << 10);
}
END_TEST

Suite *cmdline_suite(void)
{
	Suite *s = suite_create("cmdline");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, empty_command_lines);
	tcase_add_test(tc, name_value);
	tcase_add_test(tc, booleans);
	tcase_add_test(tc, numbers);
	tcase_add_test(tc, sizes);
	tcase_add_test(tc, range_checks);
	tcase_add_test(tc, strings);
	tcase_add_test(tc, unknown_options);
	tcase_add_test(tc, whitespace);
	tcase_add_test(tc, parse_size_direct);
	suite_add_tcase(s, tc);
	return s;
}
