/*
 * Hypervisor logging (common/printk.c).
 *
 * A message may start with a level marker, LOG_ERR "..." and so on, as in
 * Linux. Every message goes into the log ring; the console shows those at or
 * below the `loglvl=` option (default: info). Each console line is prefixed
 * with the time since boot.
 */
#ifndef KEEL_PRINTK_H
#define KEEL_PRINTK_H

#include <types.h>

#define LOG_EMERG   "\001" "0"
#define LOG_ALERT   "\001" "1"
#define LOG_CRIT    "\001" "2"
#define LOG_ERR     "\001" "3"
#define LOG_WARNING "\001" "4"
#define LOG_NOTICE  "\001" "5"
#define LOG_INFO    "\001" "6"
#define LOG_DEBUG   "\001" "7"
#define LOG_DEFAULT_LEVEL 6

void printk(const char *fmt, ...) __printf(1, 2);
void vprintk(const char *fmt, va_list ap);

/*
 * Text of domain @domid's console (console_line.h has filtered it),
 * logged at the default level. A line is stamped and prefixed "(dN) "
 * when it starts, so @text may be part of a line: the rest follows on
 * the same console line as long as nothing else is logged in between
 * (Keel's own messages, or another domain's, end it first, and the
 * domain's next text starts a new prefixed line). @line_end ends it.
 */
void printk_domain_text(unsigned int domid, const char *text, size_t len,
			bool line_end);
/* End domain @domid's line if it is open on the console (it exits). */
void printk_domain_line_end(unsigned int domid);

/* A console driver. @read, if there is one, returns the next input byte
 * or -1 when there is none. */
struct console {
	const char *name;
	void (*write)(const char *text, size_t len);
	int (*read)(void);
	struct console *next;
};

void console_register(struct console *con);
/* After a panic: write without taking the console lock, which the
 * panicking CPU's interrupted context may hold. */
void console_force_unlock(void);
/* The next input byte of any console, or -1. */
int console_read_byte(void);
/* Log ring access, for dmesg. Returns bytes copied. */
size_t log_read(uint64_t *pos, char *out, size_t len);
uint64_t log_total_bytes(void);

extern unsigned int console_loglevel;

#endif
