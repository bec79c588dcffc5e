/* keel-test: group=gsi privileged=1 device=isa-serial,iobase=0x2f8,irq=3 */
/*
 * Device interrupts for the hardware domain: a second UART (COM2, ISA
 * IRQ 3 on GSI 3) interrupts when its transmitter is empty and that
 * interrupt is enabled, and holds its line up until the interrupt is
 * read from its IIR. So:
 *  - bound edge-triggered, each rising edge is one event on the port;
 *  - bound level-triggered, the first delivery masks the line: while
 *    the UART holds it up, nothing more comes; gsi_eoi unmasks it, and
 *    the line that is still up interrupts again; once the UART lowers it,
 *    an EOI brings nothing;
 *  - closing the port unbinds the GSI, and it can be bound again;
 *  - refused: Keel's own lines (ExtINT on GSI 0, the PIT on GSI 2, the
 *    RTC, the FPU, COM1, which is Keel's console), GSIs the IOAPIC does not have,
 *    unknown flags and padding, a GSI bound twice, an EOI of a GSI not
 *    bound, a send on the port, bad pointers;
 *  - a GSI left bound when the domain ends is unbound with it.
 * gsi_b_control, a control domain that is not the hardware domain, gets
 * -EPERM for all of it.
 */
#include "keeltest.h"
#include "rt_port_io.h"
#include <keel/physdev.h>

const char test_name[] = "gsi_a_hardware";

#define COM2     0x2f8
#define UART_IER (COM2 + 1)
#define UART_IIR (COM2 + 2)
#define UART_MCR (COM2 + 4)
#define IER_THRI 0x02
#define MCR_OUT2 0x08		/* gates the UART's IRQ line on a PC */
#define MS       1000000ull

static uint32_t bound_flags;	/* the mode of the last bind */

static long bind(uint32_t gsi, uint32_t flags, keel_port_t *port)
{
	struct keel_physdev_bind_gsi b = { .gsi = gsi, .flags = flags };
	long rc = keel_hypercall_physdev_op(KEEL_PHYSDEV_bind_gsi,
					    (unsigned long)&b);

	if (port)
		*port = b.port;
	bound_flags = b.flags;
	return rc;
}

static long eoi(uint32_t gsi)
{
	struct keel_physdev_gsi_eoi e = { .gsi = gsi };

	return keel_hypercall_physdev_op(KEEL_PHYSDEV_gsi_eoi,
					 (unsigned long)&e);
}

static bool event_within(keel_port_t port, uint64_t ns)
{
	return rt_wait_port(port, rt_now_ns() + ns);
}

/* Raise the UART's interrupt: THR is empty, so enabling THRI does. */
static void uart_raise(void)
{
	rt_outb(UART_IER, 0);
	rt_outb(UART_IER, IER_THRI);
}

/* Reading IIR while it reports THRE lowers the line. */
static void uart_lower(void)
{
	uint8_t iir = rt_inb(UART_IIR);

	CHECK_EQ(iir & 0x0f, 0x02);	/* THR empty, pending */
	CHECK_EQ(rt_inb(UART_IIR) & 0x01, 0x01);	/* none pending now */
}

static void edge(void)
{
	keel_port_t port;

	CHECK_EQ(bind(3, 0, &port), 0);
	CHECK_EQ(bound_flags, 0);
	rt_mask(port);
	struct keel_evtchn_status st = { .dom = KEEL_DOMID_SELF, .port = port };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_status, &st), 0);
	CHECK_EQ(st.status, KEEL_EVTCHNSTAT_gsi);
	CHECK_EQ(st.u.gsi, 3);
	CHECK_EQ(st.vcpu, 0);

	rt_outb(UART_MCR, MCR_OUT2);
	for (int i = 0; i < 3; i++) {
		uart_raise();
		CHECK(event_within(port, 5000 * MS), "edge %d: no event", i);
		uart_lower();
	}
	printf("GSI 3 edge-triggered: one event per interrupt, port %u\n",
	       port);

	CHECK_EQ(bind(3, 0, NULL), -KEEL_EBUSY);
	struct keel_evtchn_send send = { .port = port };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_send, &send), -KEEL_EINVAL);
	struct keel_evtchn_close close = { .port = port };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_close, &close), 0);
	CHECK_EQ(eoi(3), -KEEL_EINVAL);		/* no longer ours */
}

static void level(void)
{
	keel_port_t port;

	CHECK_EQ(bind(3, KEEL_GSI_LEVEL, &port), 0);
	CHECK_EQ(bound_flags, KEEL_GSI_LEVEL);
	rt_mask(port);
	uart_raise();
	CHECK(event_within(port, 5000 * MS), "level: no first event");
	/* Masked by the delivery, while the line stays up. Unmasked, it
	 * would interrupt Keel again at once after each EOI, thousands of
	 * times a second; 100 ms without an event shows it is not. (A check
	 * that something does not happen has to wait for some time.) */
	CHECK(!event_within(port, 100 * MS),
	      "a masked level line interrupted again");
	/* Unmasked while still up: it interrupts again. */
	CHECK_EQ(eoi(3), 0);
	CHECK(event_within(port, 5000 * MS), "level: nothing after the EOI");
	uart_lower();
	CHECK_EQ(eoi(3), 0);
	CHECK_EQ(eoi(3), 0);		/* harmless when not masked */
	CHECK(!event_within(port, 100 * MS),
	      "a lowered level line interrupted");
	printf("GSI 3 level-triggered: masked until its EOI, then again while "
	       "the line is up, not once it is down\n");
	rt_outb(UART_IER, 0);
	struct keel_evtchn_close close = { .port = port };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_close, &close), 0);
}

static void refusals(void)
{
	/* The 8259's ExtINT input, the PIT (IRQ 0 on GSI 2 on this
	 * machine), the RTC, the FPU, COM1 (Keel's console). */
	static const uint32_t keels[] = { 0, 2, 8, 13, 4 };
	for (unsigned int i = 0; i < 5; i++)
		CHECK_EQ(bind(keels[i], KEEL_GSI_FIRMWARE, NULL), -KEEL_EPERM);
	/* QEMU's IOAPIC has 24 inputs. */
	CHECK_EQ(bind(24, 0, NULL), -KEEL_EINVAL);
	CHECK_EQ(bind(0xffffffff, 0, NULL), -KEEL_EINVAL);
	CHECK_EQ(bind(5, 1u << 3, NULL), -KEEL_EINVAL);
	struct keel_physdev_bind_gsi b = { .gsi = 5, .pad = 1 };
	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_bind_gsi,
					   (unsigned long)&b), -KEEL_EINVAL);
	struct keel_physdev_gsi_eoi e = { .gsi = 5, .pad = 1 };
	CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_gsi_eoi,
					   (unsigned long)&e), -KEEL_EINVAL);
	CHECK_EQ(eoi(5), -KEEL_EINVAL);
	CHECK_EQ(eoi(100000), -KEEL_EINVAL);
	static const uint64_t pointers[] = { 0, 0xffff830000000000ULL,
					     0x8000000000000000ULL };
	for (unsigned int i = 0; i < 3; i++) {
		CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_bind_gsi,
						   pointers[i]), -KEEL_EFAULT);
		CHECK_EQ(keel_hypercall_physdev_op(KEEL_PHYSDEV_gsi_eoi,
						   pointers[i]), -KEEL_EFAULT);
	}
	/* The firmware's mode: QEMU's MADT makes IRQ 5 (a PCI link) level
	 * and active high. */
	uint64_t log = rt_log_end();
	keel_port_t port;
	CHECK_EQ(bind(5, KEEL_GSI_FIRMWARE, &port), 0);
	CHECK_EQ(bound_flags, KEEL_GSI_LEVEL);
	CHECK(rt_log_wait_for(&log, "GSI 5 bound to port"), "no log line");
	log = 0;
	CHECK(rt_log_wait_for(&log, "level, active high\n"), "not level");
	struct keel_evtchn_close close = { .port = port };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_close, &close), 0);
	printf("Keel's lines -EPERM; bad GSIs, flags and padding -EINVAL; "
	       "bad pointers -EFAULT\n");
}

void test_main(void)
{
	edge();
	level();
	refusals();
	/* Left bound: the domain's end unbinds it. */
	keel_port_t port;
	CHECK_EQ(bind(3, KEEL_GSI_FIRMWARE, &port), 0);
	CHECK_EQ(bound_flags, 0);	/* ISA: edge, high */
	printf("GSI 3 left bound to port %u\n", port);
}
