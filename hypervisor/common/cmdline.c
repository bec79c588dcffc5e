/*
 * Command-line parsing. Options are declared next to the code that uses
 * them (see OPTION_* in cmdline.h); this file only matches words to them.
 */
#include <cmdline.h>
#include <errno_values.h>

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

int parse_size(const char *s, size_t len, uint64_t *out, bool allow_suffix)
{
	uint64_t v = 0;
	unsigned int base = 10;
	size_t i = 0;

	if (len == 0)
		return -EINVAL;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	size_t digits_start = i;
	for (; i < len; i++) {
		unsigned int d;
		char c = s[i];

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			break;
		if (v > (UINT64_MAX - d) / base)
			return -EINVAL;
		v = v * base + d;
	}
	if (i == digits_start)
		return -EINVAL;
	if (i < len) {
		unsigned int shift;

		if (!allow_suffix || i + 1 != len)
			return -EINVAL;
		switch (s[i]) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		case 't': case 'T': shift = 40; break;
		default: return -EINVAL;
		}
		if (v > (UINT64_MAX >> shift))
			return -EINVAL;
		v <<= shift;
	}
	*out = v;
	return 0;
}

static bool name_matches(const char *name, const char *word, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (name[i] != word[i])
			return false;
	return name[i] == '\0';
}

static int store_uint(const struct option *opt, uint64_t v)
{
	switch (opt->var_size) {
	case 1:
		if (v > UINT8_MAX)
			return -ERANGE;
		*(uint8_t *)opt->var = (uint8_t)v;
		return 0;
	case 4:
		if (v > UINT32_MAX)
			return -ERANGE;
		*(uint32_t *)opt->var = (uint32_t)v;
		return 0;
	case 8:
		*(uint64_t *)opt->var = v;
		return 0;
	default:
		return -EINVAL;
	}
}

static const char *apply(const struct option *opt, const char *value,
			 size_t value_len, bool has_value, bool negated)
{
	uint64_t v;

	switch (opt->type) {
	case OPTION_BOOL:
		if (!has_value) {
			*(bool *)opt->var = !negated;
			return NULL;
		}
		if (negated)
			return "'no-' takes no value";
		if (name_matches("1", value, value_len) ||
		    name_matches("on", value, value_len) ||
		    name_matches("yes", value, value_len) ||
		    name_matches("true", value, value_len))
			*(bool *)opt->var = true;
		else if (name_matches("0", value, value_len) ||
			 name_matches("off", value, value_len) ||
			 name_matches("no", value, value_len) ||
			 name_matches("false", value, value_len))
			*(bool *)opt->var = false;
		else
			return "expected a boolean (on/off, yes/no, 1/0)";
		return NULL;
	case OPTION_UINT:
	case OPTION_SIZE:
		if (!has_value || negated)
			return "needs a value";
		if (parse_size(value, value_len, &v, opt->type == OPTION_SIZE))
			return opt->type == OPTION_SIZE ?
				"expected a size such as 512M" :
				"expected a number";
		if (store_uint(opt, v))
			return "value out of range";
		return NULL;
	case OPTION_STRING:
		if (!has_value || negated)
			return "needs a value";
		if (value_len + 1 > opt->var_size)
			return "value too long";
		for (size_t i = 0; i < value_len; i++)
			((char *)opt->var)[i] = value[i];
		((char *)opt->var)[value_len] = '\0';
		return NULL;
	}
	return "bad option descriptor";
}

int cmdline_parse(const char *cmdline, const struct option *first,
		  const struct option *last, cmdline_error_fn error)
{
	const char *p = cmdline;
	int rejected = 0;

	while (p && *p) {
		while (is_space(*p))
			p++;
		if (!*p)
			break;

		const char *word = p;
		while (*p && !is_space(*p))
			p++;
		size_t word_len = p - word;

		size_t name_len = 0;
		while (name_len < word_len && word[name_len] != '=')
			name_len++;
		bool has_value = name_len < word_len;
		const char *value = word + name_len + 1;
		size_t value_len = has_value ? word_len - name_len - 1 : 0;

		const char *name = word;
		bool negated = false;
		const struct option *match = NULL;
		for (const struct option *o = first; o < last; o++)
			if (name_matches(o->name, name, name_len))
				match = o;
		if (!match && name_len > 3 && name[0] == 'n' && name[1] == 'o' &&
		    name[2] == '-') {
			for (const struct option *o = first; o < last; o++)
				if (o->type == OPTION_BOOL &&
				    name_matches(o->name, name + 3, name_len - 3))
					match = o;
			negated = match != NULL;
		}

		const char *why = match ?
			apply(match, value, value_len, has_value, negated) :
			"unknown option";
		if (why) {
			rejected++;
			if (error)
				error(word, word_len, why);
		}
	}
	return rejected;
}
