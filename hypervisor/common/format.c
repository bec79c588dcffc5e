/*
 * printf-style formatting for printk() and friends.
 *
 * This file is pure: it touches nothing but its arguments, so the host unit
 * tests compile it unchanged (tests/unit/test_format.c).
 */
#include <format.h>

struct out {
	char *buf;
	size_t size;
	size_t len;	/* characters produced so far, even past @size */
};

static void out_char(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_repeat(struct out *o, char c, int count)
{
	while (count-- > 0)
		out_char(o, c);
}

struct spec {
	bool left, zero, plus, space, alt;
	int width;
	int precision;	/* -1 when absent */
};

static void out_string(struct out *o, const char *s, const struct spec *sp)
{
	int len = 0;

	if (!s)
		s = "(null)";
	/* With a precision, read no further than it: the string need not be
	 * terminated. */
	while ((sp->precision < 0 || len < sp->precision) && s[len])
		len++;
	if (!sp->left)
		out_repeat(o, ' ', sp->width - len);
	for (int i = 0; i < len; i++)
		out_char(o, s[i]);
	if (sp->left)
		out_repeat(o, ' ', sp->width - len);
}

static void out_number(struct out *o, uint64_t value, bool negative,
		       unsigned int base, bool upper, const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;
	char sign = 0;
	const char *prefix = "";
	int prefix_len = 0;

	if (negative)
		sign = '-';
	else if (sp->plus)
		sign = '+';
	else if (sp->space)
		sign = ' ';

	if (sp->alt && value != 0 && base == 16) {
		prefix = upper ? "0X" : "0x";
		prefix_len = 2;
	}

	do {
		tmp[n++] = digits[value % base];
		value /= base;
	} while (value);
	/* An explicit precision of 0 with a value of 0 prints no digits. */
	if (sp->precision == 0 && n == 1 && tmp[0] == '0')
		n = 0;

	int zeros = sp->precision > n ? sp->precision - n : 0;
	/* '#' with 'o' raises the precision just enough for a leading 0. */
	if (sp->alt && base == 8 && zeros == 0 && (n == 0 || tmp[n - 1] != '0'))
		zeros = 1;
	int total = n + zeros + prefix_len + (sign ? 1 : 0);
	int pad = sp->width > total ? sp->width - total : 0;

	/* '0' pads with zeros after the sign, unless '-' or a precision is given. */
	if (sp->zero && !sp->left && sp->precision < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!sp->left)
		out_repeat(o, ' ', pad);
	if (sign)
		out_char(o, sign);
	for (int i = 0; i < prefix_len; i++)
		out_char(o, prefix[i]);
	out_repeat(o, '0', zeros);
	while (n > 0)
		out_char(o, tmp[--n]);
	if (sp->left)
		out_repeat(o, ' ', pad);
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE };

static int parse_number(const char **p)
{
	int v = 0;

	while (**p >= '0' && **p <= '9') {
		if (v < 100000)
			v = v * 10 + (**p - '0');
		(*p)++;
	}
	return v;
}

int format_string_va(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size, .len = 0 };
	const char *p = fmt;

	while (*p) {
		if (*p != '%') {
			out_char(&o, *p++);
			continue;
		}
		p++;

		struct spec sp = { .precision = -1 };
		for (;; p++) {
			if (*p == '-')
				sp.left = true;
			else if (*p == '0')
				sp.zero = true;
			else if (*p == '+')
				sp.plus = true;
			else if (*p == ' ')
				sp.space = true;
			else if (*p == '#')
				sp.alt = true;
			else
				break;
		}
		if (*p == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.left = true;
				sp.width = -sp.width;
			}
			p++;
		} else {
			sp.width = parse_number(&p);
		}
		if (*p == '.') {
			p++;
			if (*p == '*') {
				sp.precision = va_arg(ap, int);
				if (sp.precision < 0)
					sp.precision = -1;
				p++;
			} else {
				sp.precision = parse_number(&p);
			}
		}

		enum length len = LEN_INT;
		if (*p == 'h') {
			p++;
			len = LEN_SHORT;
			if (*p == 'h') {
				p++;
				len = LEN_CHAR;
			}
		} else if (*p == 'l') {
			p++;
			len = LEN_LONG;
			if (*p == 'l') {
				p++;
				len = LEN_LLONG;
			}
		} else if (*p == 'z' || *p == 't') {
			p++;
			len = LEN_SIZE;
		}

		char conv = *p;
		if (!conv)
			break;
		p++;

		switch (conv) {
		case 'd':
		case 'i': {
			int64_t v;
			if (len == LEN_LONG || len == LEN_LLONG || len == LEN_SIZE)
				v = va_arg(ap, long long);
			else
				v = va_arg(ap, int);
			if (len == LEN_CHAR)
				v = (signed char)v;
			else if (len == LEN_SHORT)
				v = (short)v;
			uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
			out_number(&o, mag, v < 0, 10, false, &sp);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			uint64_t v;
			if (len == LEN_LONG || len == LEN_LLONG || len == LEN_SIZE)
				v = va_arg(ap, unsigned long long);
			else
				v = va_arg(ap, unsigned int);
			if (len == LEN_CHAR)
				v = (unsigned char)v;
			else if (len == LEN_SHORT)
				v = (unsigned short)v;
			unsigned int base = conv == 'u' ? 10 : conv == 'o' ? 8 : 16;
			/* '+' and ' ' apply to signed conversions only. */
			sp.plus = sp.space = false;
			out_number(&o, v, false, base, conv == 'X', &sp);
			break;
		}
		case 'p': {
			struct spec psp = { .alt = false, .zero = true,
					    .width = 16, .precision = -1 };
			out_char(&o, '0');
			out_char(&o, 'x');
			out_number(&o, (uintptr_t)va_arg(ap, void *), false, 16,
				   false, &psp);
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);
			if (!sp.left)
				out_repeat(&o, ' ', sp.width - 1);
			out_char(&o, c);
			if (sp.left)
				out_repeat(&o, ' ', sp.width - 1);
			break;
		}
		case 's':
			out_string(&o, va_arg(ap, const char *), &sp);
			break;
		case '%':
			out_char(&o, '%');
			break;
		default:
			/* Unknown conversion: print it verbatim so the bug shows. */
			out_char(&o, '%');
			out_char(&o, conv);
			break;
		}
	}

	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int format_string(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_string_va(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
