/*
 * Console input: Keel's serial input goes to one domain, the focus.
 *
 * The focus starts on the first control domain (the first domain, when
 * there is none). Typing the switch key three times (Ctrl-T, set with
 * `conswitch=`; QEMU's `-serial mon:stdio` keeps Ctrl-A for itself) moves
 * it to the next domain, and Keel says so on the console. The focus
 * domain reads its input with the console_input hypercall; Keel raises
 * its KEEL_VIRQ_CONSOLE_INPUT when input arrives. Each domain has a small
 * input ring; what does not fit is dropped and counted.
 *
 * There is no serial interrupt (Keel drives no IOAPIC): CPU 0 polls the
 * UART, every 10 ms, and every 1 ms for a while after input arrived, so a
 * person typing sees no lag and a paste keeps the 16-byte FIFO drained.
 */
#include <cmdline.h>
#include <console_io.h>
#include <console_switch.h>
#include <domain.h>
#include <errno_values.h>
#include <event_channel.h>
#include <hypercall.h>
#include <printk.h>
#include <scheduler.h>
#include <system_time.h>
#include <timer.h>
#include <keel/console.h>
#include <keel/event_channel.h>
#include <asm/pv.h>

#define INPUT_POLL_IDLE_NS   (10 * NSEC_PER_MSEC)
#define INPUT_POLL_BUSY_NS   (1 * NSEC_PER_MSEC)
#define INPUT_BUSY_NS        (200 * NSEC_PER_MSEC)
#define INPUT_BYTES_PER_POLL 64
#define NO_FOCUS             0xffffu

static char opt_conswitch[2] = "t";
OPTION_STRING("conswitch", opt_conswitch);

static struct console_switch input_switch;
static struct timer input_timer;
static uint64_t input_busy_until;
/* Written by CPU 0's timer only; read anywhere. */
static uint16_t focus_domid = NO_FOCUS;

/* Candidates for the focus among the live domains, in creation order. */
struct focus_candidates {
	uint16_t first;		/* the first domain */
	uint16_t control;	/* the first control domain */
	uint16_t after;		/* the first domain after the one asked about */
};

static struct focus_candidates focus_candidates(uint16_t domid)
{
	struct focus_candidates c = { NO_FOCUS, NO_FOCUS, NO_FOCUS };
	struct list_head *pos;
	unsigned long flags = spin_lock_irqsave(&domain_list_lock);

	list_for_each(pos, &domain_list) {
		struct domain *d = list_entry(pos, struct domain, link);

		if (d->state != DOMAIN_RUNNING && d->state != DOMAIN_PAUSED)
			continue;
		if (c.first == NO_FOCUS)
			c.first = d->domid;
		if (d->privileged && c.control == NO_FOCUS)
			c.control = d->domid;
		if (domid != NO_FOCUS && d->domid > domid && c.after == NO_FOCUS)
			c.after = d->domid;
	}
	spin_unlock_irqrestore(&domain_list_lock, flags);
	return c;
}

/* The domain after @domid, wrapping round to the first. */
static uint16_t next_focus(uint16_t domid)
{
	struct focus_candidates c = focus_candidates(domid);

	return c.after != NO_FOCUS ? c.after : c.first;
}

/* The first control domain, else the first domain. */
static uint16_t default_focus(void)
{
	struct focus_candidates c = focus_candidates(NO_FOCUS);

	return c.control != NO_FOCUS ? c.control : c.first;
}

static void announce_focus(void)
{
	struct domain *d = domain_by_id(focus_domid);

	if (!d) {
		printk("console: input goes to no domain\n");
		return;
	}
	printk("console: input to d%u (%s); type Ctrl-%c three times to "
	       "switch\n", d->domid, d->name, opt_conswitch[0] & ~0x20);
	domain_put(d);
}

/* Queue @n bytes for the focus domain and tell it. */
static void deliver(const char *bytes, unsigned int n)
{
	struct domain *d = domain_by_id(focus_domid);

	/* A domain that has shut down reads no more input. */
	if (d && d->state != DOMAIN_RUNNING && d->state != DOMAIN_PAUSED) {
		domain_put(d);
		d = NULL;
	}
	if (!d) {
		focus_domid = default_focus();
		d = domain_by_id(focus_domid);
		if (!d)
			return;
		announce_focus();
	}
	unsigned long flags = spin_lock_irqsave(&d->console_lock);
	for (unsigned int i = 0; i < n; i++) {
		if (d->input_head - d->input_tail == CONSOLE_INPUT_RING) {
			d->input_dropped++;
			continue;
		}
		d->console_input[d->input_head++ % CONSOLE_INPUT_RING] = bytes[i];
	}
	spin_unlock_irqrestore(&d->console_lock, flags);
	if (d->nr_vcpus)
		evtchn_send_virq_vcpu(d->vcpus[0], KEEL_VIRQ_CONSOLE_INPUT);
	domain_put(d);
}

static void input_poll(struct timer *t, void *data)
{
	uint64_t now = now_ns();
	int c;

	(void)data;
	for (unsigned int i = 0; i < INPUT_BYTES_PER_POLL &&
	     (c = console_read_byte()) >= 0; i++) {
		char out[CONSOLE_SWITCH_PRESSES];
		bool switch_focus;
		unsigned int n = console_switch_feed(&input_switch, (char)c,
						     out, &switch_focus);

		input_busy_until = now + INPUT_BUSY_NS;
		if (switch_focus) {
			focus_domid = next_focus(focus_domid);
			announce_focus();
		}
		if (n)
			deliver(out, n);
	}
	timer_set(t, now + (now < input_busy_until ? INPUT_POLL_BUSY_NS :
						     INPUT_POLL_IDLE_NS));
}

void console_input_init(void)
{
	input_switch.key = console_switch_key(opt_conswitch[0]);
	if (!input_switch.key) {
		printk(LOG_WARNING "console: conswitch=%s is not a letter; "
		       "using t\n", opt_conswitch);
		opt_conswitch[0] = 't';
		input_switch.key = console_switch_key('t');
	}
	focus_domid = default_focus();
	announce_focus();
	timer_init(&input_timer, input_poll, NULL, 0);
	timer_set(&input_timer, now_ns() + INPUT_POLL_IDLE_NS);
}

unsigned int console_input_focus(void)
{
	return READ_ONCE(focus_domid);
}

long do_console_input(unsigned long buf, unsigned long len)
{
	struct domain *d = current_vcpu()->domain;
	char chunk[CONSOLE_INPUT_RING];
	unsigned int n = 0;

	if (len > sizeof(chunk))
		len = sizeof(chunk);
	unsigned long flags = spin_lock_irqsave(&d->console_lock);
	while (n < len && d->input_tail != d->input_head)
		chunk[n++] = d->console_input[d->input_tail++ %
					      CONSOLE_INPUT_RING];
	spin_unlock_irqrestore(&d->console_lock, flags);
	if (n && copy_to_guest(buf, chunk, n))
		return -EFAULT;
	return n;
}
