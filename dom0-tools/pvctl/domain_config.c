/*
 * Domain configuration files in xl's syntax: the lexer, the parser and
 * the checks of each key (domain_config.h says what is accepted).
 *
 * The text is untrusted input of arbitrary bytes (a fuzz target feeds
 * it): every read is bounded by the length given, every copy by its
 * destination, and the first problem ends the parse with its line.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain_config.h"

/* A scalar value as the lexer found it. */
enum value_kind {
	VALUE_STRING,		/* quoted, escapes done */
	VALUE_NUMBER,		/* a bare word that is a number */
};

struct value {
	enum value_kind kind;
	char text[DOMAIN_CONFIG_CMDLINE_MAX];
	size_t len;
};

struct parser {
	const char *p, *end;
	const char *source;
	unsigned int line;
	char *error;
	struct domain_config *cfg;
};

/* Messages quote what the file says, and the file may say anything:
 * keep them to one line of printable text. */
static void one_line(char *message)
{
	for (; *message; message++)
		if ((unsigned char)*message < 0x20 || *message == 0x7f)
			*message = '?';
}

static int fail(struct parser *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct parser *ps, const char *fmt, ...)
{
	char what[DOMAIN_CONFIG_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (snprintf(ps->error, DOMAIN_CONFIG_ERROR_MAX, "%s:%u: %s",
		     ps->source, ps->line, what) >= DOMAIN_CONFIG_ERROR_MAX)
		memcpy(ps->error + DOMAIN_CONFIG_ERROR_MAX - 4, "...", 4);
	one_line(ps->error);
	return -1;
}

/* --- keys --- */

enum key_type {
	KEY_STRING,
	KEY_NUMBER,
	KEY_LIST,
};

struct key {
	const char *name;
	enum key_type type;
	/* Set the value (for a list: one item, after the list began). */
	int (*set)(struct parser *ps, const struct key *k,
		   const struct value *v, bool append);
	/* Lists: forget the items set so far (for "=", not "+="). */
	void (*clear)(struct domain_config *cfg);
};

static int copy_string(struct parser *ps, const struct key *k,
		       const struct value *v, bool append, char *dst,
		       size_t size)
{
	size_t have = append ? strlen(dst) : 0;

	if (v->kind != VALUE_STRING)
		return fail(ps, "%s: expected a string, got a number",
			    k->name);
	if (memchr(v->text, '\0', v->len))
		return fail(ps, "%s: the string holds a NUL byte", k->name);
	if (have + v->len >= size)
		return fail(ps, "%s: longer than %zu bytes", k->name,
			    size - 1);
	memcpy(dst + have, v->text, v->len);
	dst[have + v->len] = '\0';
	return 0;
}

static int number_of(struct parser *ps, const struct key *k,
		     const struct value *v, uint64_t *out)
{
	const char *s = v->text;
	int base = 10;
	uint64_t n = 0;

	if (v->len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (s == v->text + v->len)
		return fail(ps, "%s: expected a number, got \"%s\"", k->name,
			    v->text);
	for (; s < v->text + v->len; s++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && isxdigit((unsigned char)*s))
			d = tolower((unsigned char)*s) - 'a' + 10;
		else
			return fail(ps, "%s: expected a number, got \"%s\"",
				    k->name, v->text);
		if (n > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return fail(ps, "%s: %s is too large", k->name,
				    v->text);
		n = n * (uint64_t)base + (uint64_t)d;
	}
	*out = n;
	return 0;
}

static int set_name(struct parser *ps, const struct key *k,
		    const struct value *v, bool append)
{
	struct domain_config *cfg = ps->cfg;
	bool digits_only = true;

	if (copy_string(ps, k, v, append, cfg->name, sizeof(cfg->name)))
		return -1;
	if (!cfg->name[0])
		return fail(ps, "name: must not be empty");
	for (const char *c = cfg->name; *c; c++) {
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_' &&
		    *c != '.')
			return fail(ps, "name: \"%s\" has a character other "
				    "than letters, digits, '-', '_' and '.'",
				    cfg->name);
		if (!isdigit((unsigned char)*c))
			digits_only = false;
	}
	/* pvctl takes a domain by name or by id. */
	if (digits_only)
		return fail(ps, "name: \"%s\" is a number, which would read "
			    "as a domain id", cfg->name);
	return 0;
}

static int set_type(struct parser *ps, const struct key *k,
		    const struct value *v, bool append)
{
	char type[16] = "";

	if (append)
		return fail(ps, "type: += does not apply");
	if (copy_string(ps, k, v, false, type, sizeof(type)))
		return -1;
	if (!strcmp(type, "pv")) {
		ps->cfg->type = DOMAIN_TYPE_PV;
		return 0;
	}
	if (!strcmp(type, "hvm") || !strcmp(type, "pvh"))
		return fail(ps, "type: \"%s\" domains are not supported by "
			    "Keel yet (it has \"pv\")", type);
	return fail(ps, "type: \"%s\" is not a domain type (Keel has \"pv\")",
		    type);
}

static int set_memory(struct parser *ps, const struct key *k,
		      const struct value *v, bool append)
{
	uint64_t mib;

	if (append)
		return fail(ps, "%s: += does not apply to a number", k->name);
	if (number_of(ps, k, v, &mib))
		return -1;
	if (mib < DOMAIN_CONFIG_MEMORY_MIN)
		return fail(ps, "%s: %" PRIu64 " MiB is below Keel's minimum "
			    "of %u MiB", k->name, mib,
			    DOMAIN_CONFIG_MEMORY_MIN);
	if (mib > DOMAIN_CONFIG_MEMORY_MAX)
		return fail(ps, "%s: %" PRIu64 " MiB is above Keel's maximum "
			    "of %u MiB", k->name, mib,
			    DOMAIN_CONFIG_MEMORY_MAX);
	if (!strcmp(k->name, "memory")) {
		ps->cfg->memory_mib = mib;
		ps->cfg->memory_line = ps->line;
	} else {
		ps->cfg->maxmem_mib = mib;
		ps->cfg->maxmem_line = ps->line;
	}
	return 0;
}

static int set_vcpus(struct parser *ps, const struct key *k,
		     const struct value *v, bool append)
{
	uint64_t n;

	if (append)
		return fail(ps, "vcpus: += does not apply to a number");
	if (number_of(ps, k, v, &n))
		return -1;
	if (n == 0)
		return fail(ps, "vcpus: must be at least 1");
	if (n > DOMAIN_CONFIG_VCPUS_MAX)
		return fail(ps, "vcpus: %" PRIu64 " is more than Keel's "
			    "maximum of %u", n, DOMAIN_CONFIG_VCPUS_MAX);
	ps->cfg->vcpus = (unsigned int)n;
	return 0;
}

/* The string keys that are only copied: where each one goes. */
static char *string_field(struct domain_config *cfg, const char *name,
			  size_t *size)
{
	struct {
		const char *name;
		char *field;
		size_t size;
	} fields[] = {
		{ "kernel", cfg->kernel, sizeof(cfg->kernel) },
		{ "ramdisk", cfg->ramdisk, sizeof(cfg->ramdisk) },
		{ "cmdline", cfg->cmdline, sizeof(cfg->cmdline) },
		{ "root", cfg->root, sizeof(cfg->root) },
		{ "extra", cfg->extra, sizeof(cfg->extra) },
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!strcmp(fields[i].name, name)) {
			*size = fields[i].size;
			return fields[i].field;
		}
	return NULL;
}

static int set_string(struct parser *ps, const struct key *k,
		      const struct value *v, bool append)
{
	size_t size = 0;
	char *field = string_field(ps->cfg, k->name, &size);

	if (copy_string(ps, k, v, append, field, size))
		return -1;
	if (!strcmp(k->name, "cmdline"))
		ps->cfg->cmdline_set = true;
	return 0;
}

static const char *const action_names[] = {
	[DOMAIN_ACTION_DESTROY] = "destroy",
	[DOMAIN_ACTION_RESTART] = "restart",
	[DOMAIN_ACTION_PRESERVE] = "preserve",
};

const char *domain_config_action_name(enum domain_config_action action)
{
	return action_names[action];
}

static int set_action(struct parser *ps, const struct key *k,
		      const struct value *v, bool append)
{
	struct domain_config *cfg = ps->cfg;
	enum domain_config_action *slot =
		!strcmp(k->name, "on_poweroff") ? &cfg->on_poweroff :
		!strcmp(k->name, "on_reboot") ? &cfg->on_reboot :
						   &cfg->on_crash;
	char action[24] = "";

	if (append)
		return fail(ps, "%s: += does not apply", k->name);
	if (copy_string(ps, k, v, false, action, sizeof(action)) == -1)
		return -1;
	for (size_t i = 0; i < sizeof(action_names) / sizeof(action_names[0]);
	     i++)
		if (!strcmp(action, action_names[i])) {
			*slot = (enum domain_config_action)i;
			return 0;
		}
	/* xl's other actions. */
	if (!strcmp(action, "rename-restart") ||
	    !strcmp(action, "coredump-destroy") ||
	    !strcmp(action, "coredump-restart") ||
	    !strcmp(action, "soft-reset"))
		return fail(ps, "%s: \"%s\" is not supported by Keel (it has "
			    "destroy, restart and preserve)", k->name, action);
	return fail(ps, "%s: \"%s\" is not an action (destroy, restart or "
		    "preserve)", k->name, action);
}

static int set_device(struct parser *ps, const struct key *k,
		      const struct value *v, bool append)
{
	struct domain_config *cfg = ps->cfg;
	bool disk = !strcmp(k->name, "disk");
	unsigned int *nr = disk ? &cfg->nr_disks : &cfg->nr_vifs;
	char(*specs)[256] = disk ? cfg->disks : cfg->vifs;

	(void)append;
	if (*nr == DOMAIN_CONFIG_DEVICES_MAX)
		return fail(ps, "%s: more than %u entries", k->name,
			    DOMAIN_CONFIG_DEVICES_MAX);
	specs[*nr][0] = '\0';
	if (copy_string(ps, k, v, false, specs[*nr], sizeof(specs[*nr])))
		return -1;
	(*nr)++;
	return 0;
}

static void clear_disks(struct domain_config *cfg)
{
	cfg->nr_disks = 0;
}

static void clear_vifs(struct domain_config *cfg)
{
	cfg->nr_vifs = 0;
}

static const struct key keys[] = {
	{ "name", KEY_STRING, set_name, NULL },
	{ "type", KEY_STRING, set_type, NULL },
	{ "memory", KEY_NUMBER, set_memory, NULL },
	{ "maxmem", KEY_NUMBER, set_memory, NULL },
	{ "vcpus", KEY_NUMBER, set_vcpus, NULL },
	{ "kernel", KEY_STRING, set_string, NULL },
	{ "ramdisk", KEY_STRING, set_string, NULL },
	{ "cmdline", KEY_STRING, set_string, NULL },
	{ "root", KEY_STRING, set_string, NULL },
	{ "extra", KEY_STRING, set_string, NULL },
	{ "on_poweroff", KEY_STRING, set_action, NULL },
	{ "on_reboot", KEY_STRING, set_action, NULL },
	{ "on_crash", KEY_STRING, set_action, NULL },
	{ "disk", KEY_LIST, set_device, clear_disks },
	{ "vif", KEY_LIST, set_device, clear_vifs },
};

static const struct key *find_key(const char *name)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(keys[i].name, name))
			return &keys[i];
	return NULL;
}

/* --- the lexer --- */

static bool at_end(const struct parser *ps)
{
	return ps->p >= ps->end;
}

/* Skip blanks and comments, and newlines when @newlines (inside a
 * list). */
static void skip_space(struct parser *ps, bool newlines)
{
	while (!at_end(ps)) {
		char c = *ps->p;

		if (c == '#') {
			while (!at_end(ps) && *ps->p != '\n')
				ps->p++;
		} else if (c == ' ' || c == '\t' || c == '\r') {
			ps->p++;
		} else if (c == '\n' && newlines) {
			ps->line++;
			ps->p++;
		} else {
			return;
		}
	}
}

static bool is_word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-' ||
	       c == '+' || c == '/' || c == ':';
}

static int put_char(struct parser *ps, struct value *v, char c)
{
	if (v->len + 1 >= sizeof(v->text))
		return fail(ps, "a value longer than %zu bytes",
			    sizeof(v->text) - 1);
	v->text[v->len++] = c;
	v->text[v->len] = '\0';
	return 0;
}

/* A backslash escape in a double-quoted string; ps->p is past the '\'. */
static int read_escape(struct parser *ps, struct value *v)
{
	static const char simple_from[] = "nrtabfv\\\"'";
	static const char simple_to[] = "\n\r\t\a\b\f\v\\\"'";
	char c;

	if (at_end(ps))
		return fail(ps, "an unterminated string");
	c = *ps->p++;
	const char *s = strchr(simple_from, c);
	if (s && c)
		return put_char(ps, v, simple_to[s - simple_from]);
	if (c == 'x') {
		unsigned int n = 0, digits = 0;

		while (digits < 2 && !at_end(ps) &&
		       isxdigit((unsigned char)*ps->p)) {
			char d = (char)tolower((unsigned char)*ps->p++);

			n = n * 16 + (unsigned int)(d <= '9' ? d - '0' :
							     d - 'a' + 10);
			digits++;
		}
		if (!digits)
			return fail(ps, "\\x without hex digits");
		return put_char(ps, v, (char)n);
	}
	if (c >= '0' && c <= '7') {
		unsigned int n = (unsigned int)(c - '0'), digits = 1;

		while (digits < 3 && !at_end(ps) && *ps->p >= '0' &&
		       *ps->p <= '7') {
			n = n * 8 + (unsigned int)(*ps->p++ - '0');
			digits++;
		}
		if (n > 0xff)
			return fail(ps, "an octal escape above \\377");
		return put_char(ps, v, (char)n);
	}
	if (c == '\n')
		return fail(ps, "an unterminated string");
	if (isprint((unsigned char)c))
		return fail(ps, "an unknown escape \\%c", c);
	return fail(ps, "an unknown escape \\\\x%02x", (unsigned char)c);
}

/* One scalar value: a quoted string or a number. */
static int read_scalar(struct parser *ps, struct value *v)
{
	v->len = 0;
	v->text[0] = '\0';
	if (at_end(ps))
		return fail(ps, "a value is missing");
	char quote = *ps->p;

	if (quote == '"' || quote == '\'') {
		v->kind = VALUE_STRING;
		ps->p++;
		for (;;) {
			if (at_end(ps) || *ps->p == '\n')
				return fail(ps, "an unterminated string");
			char c = *ps->p++;

			if (c == quote)
				return 0;
			if (c == '\\' && quote == '"') {
				if (read_escape(ps, v))
					return -1;
			} else if (put_char(ps, v, c)) {
				return -1;
			}
		}
	}
	if (!is_word_char(quote)) {
		if (quote == '\n' || quote == ';')
			return fail(ps, "a value is missing");
		if (isprint((unsigned char)quote))
			return fail(ps, "'%c' where a value should be (a "
				    "quoted string, a number or a list)",
				    quote);
		return fail(ps, "byte 0x%02x where a value should be",
			    (unsigned char)quote);
	}
	v->kind = VALUE_NUMBER;
	while (!at_end(ps) && is_word_char(*ps->p))
		if (put_char(ps, v, *ps->p++))
			return -1;
	/* Only numbers go unquoted. */
	if (!isdigit((unsigned char)v->text[0]))
		return fail(ps, "%s where a value should be: strings need "
			    "quotes", v->text);
	return 0;
}

/* The end of a setting: a newline, ';', or the end of the text. */
static int end_of_setting(struct parser *ps)
{
	skip_space(ps, false);
	if (at_end(ps))
		return 0;
	if (*ps->p == ';') {
		ps->p++;
		return 0;
	}
	if (*ps->p == '\n')
		return 0;
	if (isprint((unsigned char)*ps->p))
		return fail(ps, "'%c' after the value", *ps->p);
	return fail(ps, "byte 0x%02x after the value", (unsigned char)*ps->p);
}

/* --- the parser --- */

static int read_list(struct parser *ps, const struct key *k, bool append)
{
	struct value item;
	unsigned int start = ps->line;

	ps->p++;			/* '[' */
	if (k->type != KEY_LIST)
		return fail(ps, "%s: expected a %s, got a list", k->name,
			    k->type == KEY_NUMBER ? "number" : "string");
	if (!append)
		k->clear(ps->cfg);
	for (;;) {
		skip_space(ps, true);
		if (at_end(ps)) {
			ps->line = start;
			return fail(ps, "%s: the list is not closed with ']'",
				    k->name);
		}
		if (*ps->p == ']') {
			ps->p++;
			return 0;
		}
		if (read_scalar(ps, &item) || k->set(ps, k, &item, true))
			return -1;
		skip_space(ps, true);
		if (!at_end(ps) && *ps->p == ',')
			ps->p++;
		else if (!at_end(ps) && *ps->p != ']')
			return fail(ps, "%s: expected ',' or ']' in the list",
				    k->name);
	}
}

static int read_setting(struct parser *ps)
{
	char name[64];
	size_t n = 0;
	const struct key *k;
	bool append = false;
	struct value v;

	while (!at_end(ps) && (isalnum((unsigned char)*ps->p) ||
			       *ps->p == '_' || *ps->p == '-')) {
		if (n + 1 >= sizeof(name))
			return fail(ps, "a key longer than %zu bytes",
				    sizeof(name) - 1);
		name[n++] = *ps->p++;
	}
	name[n] = '\0';
	if (!n) {
		if (isprint((unsigned char)*ps->p))
			return fail(ps, "'%c' where a key should be", *ps->p);
		return fail(ps, "byte 0x%02x where a key should be",
			    (unsigned char)*ps->p);
	}
	if (!isalpha((unsigned char)name[0]) && name[0] != '_')
		return fail(ps, "\"%s\" is not a key", name);
	skip_space(ps, false);
	if (ps->end - ps->p >= 2 && ps->p[0] == '+' && ps->p[1] == '=') {
		append = true;
		ps->p += 2;
	} else if (!at_end(ps) && *ps->p == '=') {
		ps->p++;
	} else {
		return fail(ps, "%s: expected '=' after the key", name);
	}
	k = find_key(name);
	if (!k)
		return fail(ps, "unknown key \"%s\" (Keel does not support it)",
			    name);
	skip_space(ps, false);
	if (!at_end(ps) && *ps->p == '[') {
		if (read_list(ps, k, append))
			return -1;
	} else {
		if (read_scalar(ps, &v))
			return -1;
		if (k->type == KEY_LIST)
			return fail(ps, "%s: expected a list, like %s = "
				    "[ '...' ]", k->name, k->name);
		if (k->set(ps, k, &v, append))
			return -1;
	}
	return end_of_setting(ps);
}

void domain_config_init(struct domain_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->type = DOMAIN_TYPE_PV;
	cfg->on_poweroff = DOMAIN_ACTION_DESTROY;
	cfg->on_reboot = DOMAIN_ACTION_RESTART;
	cfg->on_crash = DOMAIN_ACTION_DESTROY;
}

int domain_config_parse(struct domain_config *cfg, const char *text,
			size_t len, const char *source, unsigned int first_line,
			char error[DOMAIN_CONFIG_ERROR_MAX])
{
	struct parser ps = {
		.p = text, .end = text + len, .source = source,
		.line = first_line, .error = error, .cfg = cfg,
	};

	error[0] = '\0';
	if (memchr(text, '\0', len))
		return fail(&ps, "the text holds a NUL byte");
	for (;;) {
		skip_space(&ps, false);
		if (at_end(&ps))
			return 0;
		if (*ps.p == '\n' || *ps.p == ';') {
			if (*ps.p == '\n')
				ps.line++;
			ps.p++;
			continue;
		}
		if (read_setting(&ps))
			return -1;
	}
}

int domain_config_finish(struct domain_config *cfg, const char *source,
			 char error[DOMAIN_CONFIG_ERROR_MAX])
{
	error[0] = '\0';
	if (!cfg->name[0]) {
		snprintf(error, DOMAIN_CONFIG_ERROR_MAX, "%s: no name given "
			 "(name = \"...\")", source);
		one_line(error);
		return -1;
	}
	if (!cfg->kernel[0]) {
		snprintf(error, DOMAIN_CONFIG_ERROR_MAX, "%s: no kernel given "
			 "(kernel = \"/path/to/vmlinux\")", source);
		one_line(error);
		return -1;
	}
	if (!cfg->memory_mib)
		cfg->memory_mib = 128;
	if (!cfg->maxmem_mib)
		cfg->maxmem_mib = cfg->memory_mib;
	if (cfg->maxmem_mib < cfg->memory_mib) {
		snprintf(error, DOMAIN_CONFIG_ERROR_MAX, "%s:%u: maxmem: %"
			 PRIu64 " MiB is below memory (%" PRIu64 " MiB)",
			 source, cfg->maxmem_line ? cfg->maxmem_line :
						    cfg->memory_line,
			 cfg->maxmem_mib, cfg->memory_mib);
		one_line(error);
		return -1;
	}
	if (!cfg->vcpus)
		cfg->vcpus = 1;
	return 0;
}

int domain_config_guest_cmdline(const struct domain_config *cfg, char *out,
				size_t size)
{
	int n;

	if (cfg->cmdline_set)
		n = snprintf(out, size, "%s", cfg->cmdline);
	else if (cfg->root[0] && cfg->extra[0])
		n = snprintf(out, size, "root=%s %s", cfg->root, cfg->extra);
	else if (cfg->root[0])
		n = snprintf(out, size, "root=%s", cfg->root);
	else
		n = snprintf(out, size, "%s", cfg->extra);
	return n < 0 || (size_t)n >= size ? -1 : n;
}

int domain_config_builder_options(const struct domain_config *cfg,
				  char *out, size_t size,
				  char error[DOMAIN_CONFIG_ERROR_MAX])
{
	char guest[DOMAIN_CONFIG_CMDLINE_MAX * 2 + 8];
	int n;

	error[0] = '\0';
	if (domain_config_guest_cmdline(cfg, guest, sizeof(guest)) < 0) {
		snprintf(error, DOMAIN_CONFIG_ERROR_MAX, "the kernel command "
			 "line is too long");
		return -1;
	}
	/* Kept when it shuts down, for the monitor's on_* action; its PV
	 * console served from domain 0, where pvctl and its console
	 * server run. */
	n = snprintf(out, size, "name=%s mem=%" PRIu64 "M maxmem=%" PRIu64
		     "M vcpus=%u keep_on_shutdown=1 console_backend=0%s%s",
		     cfg->name, cfg->memory_mib, cfg->maxmem_mib, cfg->vcpus,
		     guest[0] ? " -- " : "", guest);
	if (n < 0 || (size_t)n >= size) {
		snprintf(error, DOMAIN_CONFIG_ERROR_MAX, "the domain's options "
			 "and kernel command line take %d bytes; Keel takes at "
			 "most %zu", n, size - 1);
		return -1;
	}
	return n;
}
