/*
 * Domain configuration files, in xl's syntax (xl.cfg(5)).
 *
 * A file is a list of settings, one per line or separated by ';':
 *
 *     name = "web"                 # a string, "..." (with C escapes)
 *     memory = 512                 # or '...' (without); a number
 *     disk = [ 'file:/img,xvda,w',  # a list of strings (or numbers),
 *              'file:/b,xvdb,r' ]   # over several lines if need be
 *     extra += " quiet"            # += appends to a string or a list
 *
 * with '#' starting a comment. Numbers are decimal or 0x-hex, and a
 * string that holds one is accepted where a number is wanted, as xl
 * does. A key set twice keeps its last value.
 *
 * domain_config_parse() reads such text into a struct domain_config,
 * checking every key and value; the keys are the ones Keel supports,
 * and any other is an error that names it, as is a value of the wrong
 * type or out of range. Errors are one line, "SOURCE:LINE: what", where
 * SOURCE names the file (or "command line" for pvctl's key=value
 * arguments, which are parsed as further lines of the same file).
 * domain_config_finish() then checks what the file as a whole must
 * give (a name and a kernel) and fills in the defaults.
 *
 * Nothing here touches the hypervisor: pvctl turns the result into the
 * domain builder's options with domain_config_builder_options().
 */
#ifndef PVCTL_DOMAIN_CONFIG_H
#define PVCTL_DOMAIN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Keel's limits (hypervisor/include/domain.h, keel/shared_info.h). */
#define DOMAIN_CONFIG_NAME_MAX     31	/* bytes, without the NUL */
#define DOMAIN_CONFIG_VCPUS_MAX    32
/* The smallest domain the builder makes, and the largest it accepts. */
#define DOMAIN_CONFIG_MEMORY_MIN   4	/* MiB */
#define DOMAIN_CONFIG_MEMORY_MAX   65536
#define DOMAIN_CONFIG_PATH_MAX     4096
#define DOMAIN_CONFIG_CMDLINE_MAX  1024
#define DOMAIN_CONFIG_DEVICES_MAX  16	/* entries of disk or vif */
#define DOMAIN_CONFIG_ERROR_MAX    256

/* What to do when the guest powers off, reboots or crashes. */
enum domain_config_action {
	DOMAIN_ACTION_DESTROY,
	DOMAIN_ACTION_RESTART,
	DOMAIN_ACTION_PRESERVE,
};

enum domain_config_type {
	DOMAIN_TYPE_PV,
};

struct domain_config {
	char name[DOMAIN_CONFIG_NAME_MAX + 1];
	enum domain_config_type type;
	uint64_t memory_mib;		/* 0 until set: defaults to 128 */
	uint64_t maxmem_mib;		/* 0 until set: defaults to memory */
	unsigned int vcpus;		/* 0 until set: defaults to 1 */
	char kernel[DOMAIN_CONFIG_PATH_MAX];
	char ramdisk[DOMAIN_CONFIG_PATH_MAX];
	/* The three pieces xl builds the guest's command line from: cmdline
	 * when given, otherwise "root=ROOT EXTRA". */
	char cmdline[DOMAIN_CONFIG_CMDLINE_MAX];
	char root[DOMAIN_CONFIG_CMDLINE_MAX];
	char extra[DOMAIN_CONFIG_CMDLINE_MAX];
	bool cmdline_set;
	enum domain_config_action on_poweroff;	/* default destroy */
	enum domain_config_action on_reboot;	/* default restart */
	enum domain_config_action on_crash;	/* default destroy */
	/* Device specs, kept as written: the split-driver work attaches
	 * them; until then pvctl refuses a config that has any. */
	unsigned int nr_disks, nr_vifs;
	char disks[DOMAIN_CONFIG_DEVICES_MAX][256];
	char vifs[DOMAIN_CONFIG_DEVICES_MAX][256];
	/* Where each key was last set (line numbers; 0: not set), for the
	 * errors of domain_config_finish(). */
	unsigned int memory_line, maxmem_line;
};

/* Start @cfg empty, with the defaults that are not "unset". */
void domain_config_init(struct domain_config *cfg);

/* Parse @len bytes of @text (from @source, which errors name) into @cfg.
 * Returns 0, or -1 with a one-line message in @error. @first_line is
 * the line number of the text's first line. */
int domain_config_parse(struct domain_config *cfg, const char *text,
			size_t len, const char *source, unsigned int first_line,
			char error[DOMAIN_CONFIG_ERROR_MAX]);

/* Check what the whole configuration must give, and fill in defaults.
 * Returns 0, or -1 with a message naming @source. */
int domain_config_finish(struct domain_config *cfg, const char *source,
			 char error[DOMAIN_CONFIG_ERROR_MAX]);

/* The guest's command line, as xl builds it, into @out. Returns its
 * length, or -1 if it does not fit in @size bytes. */
int domain_config_guest_cmdline(const struct domain_config *cfg, char *out,
				size_t size);

/* The domain builder's options for KEEL_DOMCTL_create_domain (a module
 * command line, pv-boot-protocol.md section 3): "name=N mem=MM maxmem=MM
 * vcpus=N keep_on_shutdown=1 console_backend=0 -- GUEST COMMAND LINE".
 * keep_on_shutdown: Keel keeps a domain that shuts down for pvctl's
 * monitor, which applies the on_* action; console_backend: its PV
 * console is served from domain 0, by the monitor's console server
 * (console/console_server.h). Returns its length, or -1 with a
 * message in @error when it does not fit in @size bytes. */
int domain_config_builder_options(const struct domain_config *cfg,
				  char *out, size_t size,
				  char error[DOMAIN_CONFIG_ERROR_MAX]);

/* "destroy", "restart" or "preserve". */
const char *domain_config_action_name(enum domain_config_action action);

#endif
