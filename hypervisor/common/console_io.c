/*
 * console_write and console_read: the hypervisor console for guests.
 *
 * Output is collected per domain until a newline (or a full line buffer)
 * and logged as "(dN) text", so lines of different domains never mix.
 */
#include <domain.h>
#include <errno_values.h>
#include <hypercall.h>
#include <printk.h>
#include <scheduler.h>
#include <event_channel.h>
#include <system_time.h>
#include <timer.h>
#include <keel/console.h>
#include <asm/pv.h>

/*
 * VIRQ_CONSOLE tells control domains that the hypervisor log has new
 * bytes for console_read. printk itself cannot raise it (it runs under
 * locks the event path takes), so CPU0 looks every 20 ms.
 */
#define CONSOLE_VIRQ_PERIOD_NS (20 * NSEC_PER_MSEC)

static struct timer console_virq_timer;
static uint64_t console_notified_bytes;

static void console_virq_check(struct timer *t, void *data)
{
	uint64_t total = log_total_bytes();

	(void)data;
	if (total != console_notified_bytes) {
		console_notified_bytes = total;
		evtchn_send_virq_global(KEEL_VIRQ_CONSOLE);
	}
	timer_set(t, now_ns() + CONSOLE_VIRQ_PERIOD_NS);
}

void console_virq_init(void)
{
	console_notified_bytes = log_total_bytes();
	timer_init(&console_virq_timer, console_virq_check, NULL, 0);
	timer_set(&console_virq_timer, now_ns() + CONSOLE_VIRQ_PERIOD_NS);
}

static void flush_line_locked(struct domain *d)
{
	printk("(d%u) %.*s\n", d->domid, (int)d->console_len, d->console_line);
	d->console_len = 0;
}

long do_console_write(unsigned long buf, unsigned long len)
{
	struct domain *d = current_vcpu()->domain;
	char chunk[128];
	unsigned long done = 0;

	if (len > KEEL_CONSOLE_WRITE_MAX)
		len = KEEL_CONSOLE_WRITE_MAX;
	while (done < len) {
		unsigned long n = MIN(len - done, sizeof(chunk));

		if (copy_from_guest(chunk, buf + done, n))
			return done ? (long)done : -EFAULT;
		unsigned long flags = spin_lock_irqsave(&d->console_lock);
		for (unsigned long i = 0; i < n; i++) {
			char c = chunk[i];

			if (c == '\n') {
				flush_line_locked(d);
				continue;
			}
			if (c == '\r')
				continue;
			/* Keep the log readable: no control characters. */
			if ((unsigned char)c < 0x20 && c != '\t')
				c = '?';
			d->console_line[d->console_len++] = c;
			if (d->console_len == sizeof(d->console_line))
				flush_line_locked(d);
		}
		spin_unlock_irqrestore(&d->console_lock, flags);
		done += n;
	}
	return (long)done;
}

long do_console_read(unsigned long buf, unsigned long len, unsigned long pos_ptr)
{
	char chunk[256];
	uint64_t pos;
	unsigned long done = 0;

	if (copy_from_guest(&pos, pos_ptr, sizeof(pos)))
		return -EFAULT;
	if (len > KEEL_CONSOLE_READ_MAX)
		len = KEEL_CONSOLE_READ_MAX;
	while (done < len) {
		size_t n = log_read(&pos, chunk, MIN(len - done, sizeof(chunk)));

		if (n == 0)
			break;
		if (copy_to_guest(buf + done, chunk, n))
			return -EFAULT;
		done += n;
	}
	if (copy_to_guest(pos_ptr, &pos, sizeof(pos)))
		return -EFAULT;
	return (long)done;
}
