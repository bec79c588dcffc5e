/*
 * Check tests for pvctl's domain configuration parser
 * (dom0-tools/pvctl/domain_config.c); tools_main.c runs them.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain_config.h"

static struct domain_config cfg;
static char error[DOMAIN_CONFIG_ERROR_MAX];

/* Parse @text as the file "t.cfg", then finish it. */
static int parse(const char *text)
{
	domain_config_init(&cfg);
	if (domain_config_parse(&cfg, text, strlen(text), "t.cfg", 1, error))
		return -1;
	return domain_config_finish(&cfg, "t.cfg", error);
}

#define MINIMAL "name = 'web'\nkernel = '/boot/vmlinux'\n"

START_TEST(test_minimal_defaults)
{
	ck_assert_int_eq(parse(MINIMAL), 0);
	ck_assert_str_eq(cfg.name, "web");
	ck_assert_str_eq(cfg.kernel, "/boot/vmlinux");
	ck_assert_int_eq(cfg.memory_mib, 128);
	ck_assert_int_eq(cfg.maxmem_mib, 128);
	ck_assert_int_eq(cfg.vcpus, 1);
	ck_assert_int_eq(cfg.type, DOMAIN_TYPE_PV);
	ck_assert_int_eq(cfg.on_poweroff, DOMAIN_ACTION_DESTROY);
	ck_assert_int_eq(cfg.on_reboot, DOMAIN_ACTION_RESTART);
	ck_assert_int_eq(cfg.on_crash, DOMAIN_ACTION_DESTROY);
	ck_assert_int_eq(cfg.nr_disks, 0);
}
END_TEST

START_TEST(test_full_config)
{
	const char *text =
		"# a demo guest\n"
		"name = \"demo-1\"\n"
		"type = \"pv\"\n"
		"memory = 256\n"
		"maxmem = 0x200   # hex\n"
		"vcpus = '2'      # a number in a string, as xl takes it\n"
		"kernel = \"/etc/keel/vmlinux\"; ramdisk = '/etc/keel/initrd'\n"
		"root = '/dev/xvda1'\n"
		"extra = \"console=hvc0\"\n"
		"extra += ' quiet'\n"
		"on_poweroff = 'destroy'\n"
		"on_reboot = 'restart'\n"
		"on_crash = 'preserve'\n"
		"disk = [ 'file:/var/lib/keel/a.img,xvda,w',\n"
		"         'file:/var/lib/keel/b.img,xvdb,r', ]\n"
		"vif = [ 'bridge=keelbr0' ]\n"
		"vif += [ 'bridge=keelbr1,mac=00:16:3e:00:00:01' ]\n";
	char line[512];

	ck_assert_msg(parse(text) == 0, "%s", error);
	ck_assert_str_eq(cfg.name, "demo-1");
	ck_assert_int_eq(cfg.memory_mib, 256);
	ck_assert_int_eq(cfg.maxmem_mib, 512);
	ck_assert_int_eq(cfg.vcpus, 2);
	ck_assert_str_eq(cfg.ramdisk, "/etc/keel/initrd");
	ck_assert_int_eq(cfg.on_crash, DOMAIN_ACTION_PRESERVE);
	ck_assert_int_eq(cfg.nr_disks, 2);
	ck_assert_str_eq(cfg.disks[1], "file:/var/lib/keel/b.img,xvdb,r");
	ck_assert_int_eq(cfg.nr_vifs, 2);
	ck_assert_str_eq(cfg.vifs[1], "bridge=keelbr1,mac=00:16:3e:00:00:01");
	ck_assert_int_eq(domain_config_guest_cmdline(&cfg, line, sizeof(line)),
			 (int)strlen("root=/dev/xvda1 console=hvc0 quiet"));
	ck_assert_str_eq(line, "root=/dev/xvda1 console=hvc0 quiet");
}
END_TEST

START_TEST(test_escapes_and_quotes)
{
	ck_assert_int_eq(parse(MINIMAL "extra = \"a\\tb\\x41\\101\\\\ \\\"q\\\"\"\n"
			       "root = 'no\\escape'\n"), 0);
	ck_assert_str_eq(cfg.extra, "a\tbAA\\ \"q\"");
	ck_assert_str_eq(cfg.root, "no\\escape");
}
END_TEST

START_TEST(test_cmdline_wins_and_last_setting_wins)
{
	char line[256];

	ck_assert_int_eq(parse(MINIMAL "memory = 64\nmemory = 96\n"
			       "root = '/dev/xvda'\ncmdline = 'init=/bin/sh'\n"),
			 0);
	ck_assert_int_eq(cfg.memory_mib, 96);
	ck_assert_int_gt(domain_config_guest_cmdline(&cfg, line, sizeof(line)),
			 0);
	ck_assert_str_eq(line, "init=/bin/sh");
	/* "disk =" after "disk +=" starts the list again. */
	ck_assert_int_eq(parse(MINIMAL "disk = ['a']\ndisk += ['b']\n"
			       "disk = ['c']\n"), 0);
	ck_assert_int_eq(cfg.nr_disks, 1);
	ck_assert_str_eq(cfg.disks[0], "c");
}
END_TEST

START_TEST(test_command_line_settings)
{
	/* pvctl create FILE key=value: more lines, from "command line". */
	domain_config_init(&cfg);
	ck_assert_int_eq(domain_config_parse(&cfg, MINIMAL, strlen(MINIMAL),
					     "t.cfg", 1, error), 0);
	const char *arg = "memory=32";
	ck_assert_int_eq(domain_config_parse(&cfg, arg, strlen(arg),
					     "command line", 1, error), 0);
	ck_assert_int_eq(domain_config_finish(&cfg, "t.cfg", error), 0);
	ck_assert_int_eq(cfg.memory_mib, 32);
	arg = "vcpus=0";
	ck_assert_int_eq(domain_config_parse(&cfg, arg, strlen(arg),
					     "command line", 1, error), -1);
	ck_assert_str_eq(error, "command line:1: vcpus: must be at least 1");
}
END_TEST

START_TEST(test_builder_options)
{
	char out[256];

	ck_assert_int_eq(parse(MINIMAL "memory = 64\nvcpus = 2\n"
			       "extra = 'console=hvc0 quiet'\n"), 0);
	int n = domain_config_builder_options(&cfg, out, sizeof(out), error);
	ck_assert_str_eq(out, "name=web mem=64M maxmem=64M vcpus=2 "
			      "keep_on_shutdown=1 console_backend=0 -- "
			      "console=hvc0 quiet");
	ck_assert_int_eq(n, (int)strlen(out));
	/* Without a command line, no "--". */
	ck_assert_int_eq(parse(MINIMAL), 0);
	ck_assert_int_gt(domain_config_builder_options(&cfg, out, sizeof(out),
						       error), 0);
	ck_assert_str_eq(out, "name=web mem=128M maxmem=128M vcpus=1 "
			      "keep_on_shutdown=1 console_backend=0");
	/* Too long for the domctl's 256 bytes: refused, with the size. */
	char text[1024];
	snprintf(text, sizeof(text), MINIMAL "extra = '%0300d'\n", 0);
	ck_assert_int_eq(parse(text), 0);
	ck_assert_int_eq(domain_config_builder_options(&cfg, out, sizeof(out),
						       error), -1);
	ck_assert_str_eq(error, "the domain's options and kernel command line "
				"take 378 bytes; Keel takes at most 255");
}
END_TEST

/* Each bad input, and the exact line it must give. */
static const struct {
	const char *text;
	const char *error;
} bad_inputs[] = {
	{ MINIMAL "builder = 'linux'\n",
	  "t.cfg:3: unknown key \"builder\" (Keel does not support it)" },
	{ MINIMAL "memory = 0\n",
	  "t.cfg:3: memory: 0 MiB is below Keel's minimum of 4 MiB" },
	{ MINIMAL "memory = 3\n",
	  "t.cfg:3: memory: 3 MiB is below Keel's minimum of 4 MiB" },
	{ MINIMAL "memory = 70000\n",
	  "t.cfg:3: memory: 70000 MiB is above Keel's maximum of 65536 MiB" },
	{ MINIMAL "memory = 99999999999999999999999\n",
	  "t.cfg:3: memory: 99999999999999999999999 is too large" },
	{ MINIMAL "memory = 'lots'\n",
	  "t.cfg:3: memory: expected a number, got \"lots\"" },
	{ MINIMAL "memory = 12abc\n",
	  "t.cfg:3: memory: expected a number, got \"12abc\"" },
	{ MINIMAL "memory = [ 1 ]\n",
	  "t.cfg:3: memory: expected a number, got a list" },
	{ MINIMAL "memory += 1\n",
	  "t.cfg:3: memory: += does not apply to a number" },
	{ MINIMAL "vcpus = 0\n", "t.cfg:3: vcpus: must be at least 1" },
	{ MINIMAL "vcpus = 33\n",
	  "t.cfg:3: vcpus: 33 is more than Keel's maximum of 32" },
	{ MINIMAL "name = ''\n", "t.cfg:3: name: must not be empty" },
	{ MINIMAL "name = 'a-name-that-is-much-too-long-for-keel'\n",
	  "t.cfg:3: name: longer than 31 bytes" },
	{ MINIMAL "name = 'two words'\n",
	  "t.cfg:3: name: \"two words\" has a character other than letters, "
	  "digits, '-', '_' and '.'" },
	{ MINIMAL "name = '42'\n",
	  "t.cfg:3: name: \"42\" is a number, which would read as a domain "
	  "id" },
	{ MINIMAL "name = 7\n", "t.cfg:3: name: expected a string, got a "
	  "number" },
	{ MINIMAL "kernel = [ '/a' ]\n",
	  "t.cfg:3: kernel: expected a string, got a list" },
	{ MINIMAL "type = 'hvm'\n",
	  "t.cfg:3: type: \"hvm\" domains are not supported by Keel yet (it "
	  "has \"pv\")" },
	{ MINIMAL "type = 'pvm'\n",
	  "t.cfg:3: type: \"pvm\" is not a domain type (Keel has \"pv\")" },
	{ MINIMAL "on_crash = 'coredump-restart'\n",
	  "t.cfg:3: on_crash: \"coredump-restart\" is not supported by Keel "
	  "(it has destroy, restart and preserve)" },
	{ MINIMAL "on_reboot = 'again'\n",
	  "t.cfg:3: on_reboot: \"again\" is not an action (destroy, restart "
	  "or preserve)" },
	{ MINIMAL "disk = 'file:/a,xvda,w'\n",
	  "t.cfg:3: disk: expected a list, like disk = [ '...' ]" },
	{ MINIMAL "disk = [ 'a' 'b' ]\n",
	  "t.cfg:3: disk: expected ',' or ']' in the list" },
	{ MINIMAL "disk = [ 'a',\n 'b'\n",
	  "t.cfg:3: disk: the list is not closed with ']'" },
	{ MINIMAL "kernel = '/a\n",
	  "t.cfg:3: an unterminated string" },
	{ MINIMAL "kernel = /boot/vmlinux\n",
	  "t.cfg:3: /boot/vmlinux where a value should be: strings need "
	  "quotes" },
	{ MINIMAL "kernel = \n",
	  "t.cfg:3: a value is missing" },
	{ MINIMAL "memory 64\n",
	  "t.cfg:3: memory: expected '=' after the key" },
	{ MINIMAL "memory = 64 64\n", "t.cfg:3: '6' after the value" },
	{ MINIMAL "= 64\n", "t.cfg:3: '=' where a key should be" },
	{ MINIMAL "extra = \"\\q\"\n", "t.cfg:3: an unknown escape \\q" },
	{ MINIMAL "extra = \"\\x\"\n", "t.cfg:3: \\x without hex digits" },
	{ MINIMAL "extra = \"a\\0b\"\n",
	  "t.cfg:3: extra: the string holds a NUL byte" },
	{ "kernel = '/k'\n", "t.cfg: no name given (name = \"...\")" },
	{ "name = 'web'\n",
	  "t.cfg: no kernel given (kernel = \"/path/to/vmlinux\")" },
	{ MINIMAL "memory = 64\nmaxmem = 32\n",
	  "t.cfg:4: maxmem: 32 MiB is below memory (64 MiB)" },
};

START_TEST(test_bad_input)
{
	ck_assert_int_eq(parse(bad_inputs[_i].text), -1);
	ck_assert_str_eq(error, bad_inputs[_i].error);
}
END_TEST

START_TEST(test_nul_byte_and_lengths)
{
	static const char with_nul[] = "name = 'a'\0 kernel = '/k'\n";

	domain_config_init(&cfg);
	ck_assert_int_eq(domain_config_parse(&cfg, with_nul,
					     sizeof(with_nul) - 1, "t.cfg", 1,
					     error), -1);
	ck_assert_str_eq(error, "t.cfg:1: the text holds a NUL byte");

	/* A value as long as a field holds, and one byte more. */
	char text[2 * DOMAIN_CONFIG_CMDLINE_MAX];
	int n = snprintf(text, sizeof(text), MINIMAL "extra = '%0*d'\n",
			 DOMAIN_CONFIG_CMDLINE_MAX - 1, 0);
	ck_assert_int_lt(n, (int)sizeof(text));
	ck_assert_int_eq(parse(text), 0);
	ck_assert_int_eq(strlen(cfg.extra), DOMAIN_CONFIG_CMDLINE_MAX - 1);
	snprintf(text, sizeof(text), MINIMAL "extra = '%0*d'\n",
		 DOMAIN_CONFIG_CMDLINE_MAX, 0);
	ck_assert_int_eq(parse(text), -1);
	ck_assert_str_eq(error, "t.cfg:3: a value longer than 1023 bytes");
	/* += past the field's end. */
	snprintf(text, sizeof(text), MINIMAL "extra = '%0*d'\nextra += 'xy'\n",
		 DOMAIN_CONFIG_CMDLINE_MAX - 2, 0);
	ck_assert_int_eq(parse(text), -1);
	ck_assert_str_eq(error, "t.cfg:4: extra: longer than 1023 bytes");
}
END_TEST

START_TEST(test_device_limit)
{
	char text[4096];
	size_t n = (size_t)snprintf(text, sizeof(text), MINIMAL "disk = [");

	for (int i = 0; i <= DOMAIN_CONFIG_DEVICES_MAX; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "'d%d',", i);
	snprintf(text + n, sizeof(text) - n, "]\n");
	ck_assert_int_eq(parse(text), -1);
	ck_assert_str_eq(error, "t.cfg:3: disk: more than 16 entries");
}
END_TEST

START_TEST(test_semicolons_comments_and_lines)
{
	ck_assert_int_eq(parse("\n\n# comment\n  name='a';kernel='/k' # x\n"
			       "vcpus=2;\n\n"), 0);
	ck_assert_str_eq(cfg.name, "a");
	ck_assert_int_eq(cfg.vcpus, 2);
	/* Line numbers count the lines a list spans. */
	ck_assert_int_eq(parse("disk = [\n'a',\n'b'\n]\nname = 'x y'\n"), -1);
	ck_assert_str_eq(error, "t.cfg:5: name: \"x y\" has a character other "
				"than letters, digits, '-', '_' and '.'");
}
END_TEST

Suite *domain_config_suite(void);
Suite *domain_config_suite(void)
{
	Suite *s = suite_create("domain_config");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_minimal_defaults);
	tcase_add_test(tc, test_full_config);
	tcase_add_test(tc, test_escapes_and_quotes);
	tcase_add_test(tc, test_cmdline_wins_and_last_setting_wins);
	tcase_add_test(tc, test_command_line_settings);
	tcase_add_test(tc, test_builder_options);
	tcase_add_loop_test(tc, test_bad_input, 0,
			    sizeof(bad_inputs) / sizeof(bad_inputs[0]));
	tcase_add_test(tc, test_nul_byte_and_lengths);
	tcase_add_test(tc, test_device_limit);
	tcase_add_test(tc, test_semicolons_comments_and_lines);
	suite_add_tcase(s, tc);
	return s;
}
