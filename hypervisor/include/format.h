/* printf-style formatting into a bounded buffer (common/format.c).
 *
 * Supported: %d %i %u %x %X %o %c %s %p %%, the length modifiers hh h l ll z
 * and t, the flags '-' '0' '+' ' ' '#', a field width and a precision (also
 * as '*'). %p prints 0x followed by 16 hex digits. Floating point is not
 * supported: the hypervisor never uses it. */
#ifndef KEEL_FORMAT_H
#define KEEL_FORMAT_H

#include "types.h"

/* Like vsnprintf(): writes at most @size bytes including the terminating
 * NUL and returns the length the full output would have had. */
int format_string_va(char *buf, size_t size, const char *fmt, va_list ap);
int format_string(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif
