/*
 * console_write and console_read: the hypervisor console for guests.
 *
 * Output is collected per domain until a newline (or a full line buffer)
 * and logged as "(dN) text", so lines of different domains never mix, and
 * a guest cannot make a line that does not start with its prefix
 * (console_line.h says how).
 */
#include <cmdline.h>
#include <console_io.h>
#include <console_line.h>
#include <domain.h>
#include <errno_values.h>
#include <hypercall.h>
#include <printk.h>
#include <ratelimit.h>
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

/*
 * Rate limit. A guest that writes without pause would otherwise fill the
 * log ring (pushing out everything a control domain has not yet read) and
 * hold the serial line, which at 115200 baud carries about 11 KiB/s for
 * every domain and for Keel itself. So each non-control domain gets a
 * byte bucket: guest_console_rate bytes a second, in bursts of up to
 * guest_console_burst. The control domain and Keel's own messages are
 * never limited.
 *
 * Each byte costs one token and each logged line CONSOLE_LINE_COST more,
 * for what Keel adds to it. Over its rate, console_write takes nothing and
 * returns -EAGAIN (or takes what fits and returns a short count): a guest
 * that waits and writes again loses nothing, and one that does not simply
 * is not heard. Keel counts
 * the bytes it refused and reports them at most every 10 s, and once more
 * when the domain exits. See docs/decisions/0003-console-rate-limit.md.
 */
static uint64_t opt_guest_console_rate = 8192;
OPTION_SIZE("guest_console_rate", opt_guest_console_rate);
static uint64_t opt_guest_console_burst = 32768;
OPTION_SIZE("guest_console_burst", opt_guest_console_burst);

#define CONSOLE_REFUSAL_REPORT_NS (10 * NSEC_PER_SEC)

void console_limits_report(void)
{
	if (!opt_guest_console_rate) {
		printk("console: guest output is not rate-limited\n");
		return;
	}
	if (opt_guest_console_burst < CONSOLE_LINE_MAX)
		opt_guest_console_burst = CONSOLE_LINE_MAX;
	printk("console: guest output limited to %llu bytes/s, bursts of "
	       "%llu bytes\n", (unsigned long long)opt_guest_console_rate,
	       (unsigned long long)opt_guest_console_burst);
}

/*
 * What one logged line costs beyond the guest's own bytes: the time
 * stamp, the "(dN) " prefix and the line end ("[    1.234567] (d3) "
 * and "\r\n" on the serial line). Charged per line, so that a guest
 * cannot get 24 bytes out for every newline it pays one byte for.
 */
#define CONSOLE_LINE_COST 24

/*
 * The domain with the console-input focus is being typed at: its prompt
 * and the echo of each key must show before the line ends. So when it
 * leaves a line unfinished, the part it wrote goes out after a short
 * wait, and the rest follows on the same console line. The wait keeps
 * whole lines whole when they come in pieces (Linux's hvc console
 * writes 16 bytes at a time), so that nothing Keel logs meanwhile
 * splits them.
 */
#define CONSOLE_PARTIAL_LINE_NS (20 * NSEC_PER_MSEC)

static void show_partial_line(struct timer *t, void *data)
{
	struct domain *d = data;
	struct console_line line;

	(void)t;
	unsigned long flags = spin_lock_irqsave(&d->console_lock);
	/* Shown in part, the line costs what a whole one does (its stamp,
	 * prefix and end); over the limit it waits for its newline. */
	if (!ratelimit_take_all(&d->console_rate, CONSOLE_LINE_COST,
				now_ns())) {
		spin_unlock_irqrestore(&d->console_lock, flags);
		return;
	}
	line = d->console_line;
	console_line_clear(&d->console_line);
	spin_unlock_irqrestore(&d->console_lock, flags);
	if (line.len)
		printk_domain_text(d->domid, line.text, line.len, false);
}

void console_domain_init(struct domain *d)
{
	spin_lock_init(&d->console_lock);
	console_line_clear(&d->console_line);
	timer_init(&d->console_partial_timer, show_partial_line, d, 0);
	ratelimit_init(&d->console_rate,
		       d->privileged ? 0 : opt_guest_console_rate,
		       opt_guest_console_burst, now_ns());
}

/* Lines one console_write may log. printk runs with interrupts off on
 * the caller's CPU, and each line may wait for the serial line: a call
 * returns a short count after this many, and the guest calls again. */
#define CONSOLE_WRITE_MAX_LINES 32

static void log_line(const struct domain *d, const struct console_line *line)
{
	printk_domain_text(d->domid, line->text, line->len, true);
}

static void refused_locked(struct domain *d, uint64_t bytes)
{
	uint64_t now = now_ns();

	d->console_refused_bytes += bytes;
	if (d->console_refusal_reported_ns &&
	    now - d->console_refusal_reported_ns < CONSOLE_REFUSAL_REPORT_NS)
		return;
	d->console_refusal_reported_ns = now;
	printk(LOG_WARNING "d%u: console output over its rate limit: %llu "
	       "bytes refused so far\n", d->domid,
	       (unsigned long long)d->console_refused_bytes);
}

void console_domain_exit(struct domain *d)
{
	timer_kill(&d->console_partial_timer);
	unsigned long flags = spin_lock_irqsave(&d->console_lock);

	/* The unfinished line, or the end of one shown in part. */
	if (d->console_line.len)
		log_line(d, &d->console_line);
	else
		printk_domain_line_end(d->domid);
	console_line_clear(&d->console_line);
	if (d->input_dropped)
		printk(LOG_WARNING "d%u: console: %llu bytes of input dropped "
		       "(its input queue was full)\n", d->domid,
		       (unsigned long long)d->input_dropped);
	if (d->console_refused_bytes)
		printk(LOG_WARNING "d%u: console: %llu bytes refused by the "
		       "rate limit\n", d->domid,
		       (unsigned long long)d->console_refused_bytes);
	spin_unlock_irqrestore(&d->console_lock, flags);
}

long do_console_write(unsigned long buf, unsigned long len)
{
	struct domain *d = current_vcpu()->domain;
	char chunk[128];
	unsigned long done = 0;
	unsigned int lines = 0;

	if (len > KEEL_CONSOLE_WRITE_MAX)
		len = KEEL_CONSOLE_WRITE_MAX;
	while (done < len && lines < CONSOLE_WRITE_MAX_LINES) {
		unsigned long n = MIN(len - done, sizeof(chunk)), i;
		struct console_line line;
		bool refused = false, complete = false;

		if (copy_from_guest(chunk, buf + done, n))
			return done ? (long)done : -EFAULT;
		/* Byte by byte, each paid for before it is taken, up to the
		 * first line it completes; that line is logged after the lock
		 * is dropped. */
		unsigned long flags = spin_lock_irqsave(&d->console_lock);
		uint64_t now = now_ns();
		for (i = 0; i < n && !complete; i++) {
			char c = chunk[i];
			uint64_t cost = 1;

			if (console_line_completes(&d->console_line, c))
				cost += CONSOLE_LINE_COST;
			if (!ratelimit_take_all(&d->console_rate, cost, now)) {
				refused = true;
				break;
			}
			if (console_line_put(&d->console_line, c)) {
				line = d->console_line;
				console_line_clear(&d->console_line);
				complete = true;
			}
		}
		if (refused)
			refused_locked(d, len - done - i);
		spin_unlock_irqrestore(&d->console_lock, flags);
		if (complete) {
			log_line(d, &line);
			lines++;
		}
		done += i;
		if (refused)
			break;
	}
	if (READ_ONCE(d->console_line.len) &&
	    d->domid == console_input_focus())
		timer_set(&d->console_partial_timer,
			  now_ns() + CONSOLE_PARTIAL_LINE_NS);
	if (!done && len)
		return -EAGAIN;		/* refused by the rate limit */
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
