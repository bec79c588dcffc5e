/*
 * pvctl: the control domain's tool for Keel's domains, in the manner of
 * Xen's xl.
 *
 * So far it has `help` and `create -n` (xl's dry run): read a domain
 * configuration file (domain_config.h), apply key=value settings from
 * the command line, check it all, and print what the domain would be,
 * with the domain builder's options, without creating it. Creating a
 * domain needs the control domain's privileged device
 * (/dev/keel/privcmd), which is not written yet.
 *
 * Errors are one line on stderr, "pvctl: what", and the exit status is
 * 1, as xl's; a usage error exits with 2.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain_config.h"

#define CONFIG_FILE_MAX (1024 * 1024)

static int error_exit(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int error_exit(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("pvctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

static void usage(FILE *out)
{
	fputs("Usage: pvctl COMMAND [ARGS]\n"
	      "\n"
	      "Commands:\n"
	      "  create -n FILE [KEY=VALUE ...]\n"
	      "        Read the domain configuration FILE (xl syntax), with\n"
	      "        each KEY=VALUE as one more line of it, check it, and\n"
	      "        print the domain it describes as JSON, without\n"
	      "        creating it (a dry run).\n"
	      "  help  This text.\n"
	      "\n"
	      "Creating, listing and managing domains need the control\n"
	      "domain's /dev/keel/privcmd, which Keel does not have yet.\n",
	      out);
}

/* Read all of @path into a NUL-terminated buffer. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	if (!f) {
		error_exit(1, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(CONFIG_FILE_MAX + 1);
	if (!buf) {
		fclose(f);
		error_exit(1, "%s: out of memory", path);
		return NULL;
	}
	*len = fread(buf, 1, CONFIG_FILE_MAX + 1, f);
	if (ferror(f)) {
		error_exit(1, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (*len > CONFIG_FILE_MAX) {
		error_exit(1, "%s: larger than %d bytes", path,
			   CONFIG_FILE_MAX);
		goto fail;
	}
	fclose(f);
	buf[*len] = '\0';
	return buf;
fail:
	fclose(f);
	free(buf);
	return NULL;
}

/* @s as a JSON string. */
static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void json_field(const char *key, const char *value, bool last)
{
	printf("  \"%s\": ", key);
	json_string(value);
	printf("%s\n", last ? "" : ",");
}

static void print_domain(const struct domain_config *cfg, const char *options)
{
	char cmdline[DOMAIN_CONFIG_CMDLINE_MAX * 2 + 8];

	domain_config_guest_cmdline(cfg, cmdline, sizeof(cmdline));
	printf("{\n");
	json_field("name", cfg->name, false);
	json_field("type", "pv", false);
	printf("  \"memory\": %llu,\n", (unsigned long long)cfg->memory_mib);
	printf("  \"maxmem\": %llu,\n", (unsigned long long)cfg->maxmem_mib);
	printf("  \"vcpus\": %u,\n", cfg->vcpus);
	json_field("kernel", cfg->kernel, false);
	json_field("ramdisk", cfg->ramdisk, false);
	json_field("cmdline", cmdline, false);
	json_field("on_poweroff", domain_config_action_name(cfg->on_poweroff),
		   false);
	json_field("on_reboot", domain_config_action_name(cfg->on_reboot),
		   false);
	json_field("on_crash", domain_config_action_name(cfg->on_crash),
		   false);
	json_field("builder_options", options, true);
	printf("}\n");
}

static int cmd_create(int argc, char **argv)
{
	bool dry_run = false;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-n") || !strcmp(argv[i], "--dry-run"))
			dry_run = true;
		else
			return error_exit(2, "create: unknown option '%s'",
					  argv[i]);
	}
	if (i == argc)
		return error_exit(2, "create: no configuration file given");
	if (!dry_run)
		return error_exit(1, "create: only a dry run (-n) can be done "
				  "yet: creating a domain needs "
				  "/dev/keel/privcmd, which Keel does not "
				  "have yet");

	const char *path = argv[i++];
	struct domain_config *cfg = malloc(sizeof(*cfg));
	char error[DOMAIN_CONFIG_ERROR_MAX];
	char options[256];
	size_t len;
	char *text = read_file(path, &len);
	int status = 1;

	if (!text || !cfg)
		goto out;
	domain_config_init(cfg);
	if (domain_config_parse(cfg, text, len, path, 1, error)) {
		error_exit(1, "%s", error);
		goto out;
	}
	/* key=value arguments: more lines of the file, as xl takes them. */
	for (unsigned int n = 1; i < argc; i++, n++)
		if (domain_config_parse(cfg, argv[i], strlen(argv[i]),
					"command line", n, error)) {
			error_exit(1, "%s", error);
			goto out;
		}
	if (domain_config_finish(cfg, path, error)) {
		error_exit(1, "%s", error);
		goto out;
	}
	if (cfg->nr_disks || cfg->nr_vifs) {
		error_exit(1, "%s: %s: devices are not supported by Keel yet",
			   path, cfg->nr_disks ? "disk" : "vif");
		goto out;
	}
	if (domain_config_builder_options(cfg, options, sizeof(options),
					  error) < 0) {
		error_exit(1, "%s: %s", path, error);
		goto out;
	}
	print_domain(cfg, options);
	status = 0;
out:
	free(text);
	free(cfg);
	return status;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "create"))
		return cmd_create(argc - 1, argv + 1);
	return error_exit(2, "unknown command '%s' (pvctl help lists them)",
			  argv[1]);
}
