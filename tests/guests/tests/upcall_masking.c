/* The per-vCPU upcall mask: with events disabled an event only raises
 * evtchn_upcall_pending; enabling delivers it once. Upcalls and exception
 * bounces run with the mask set, and the iret hypercall restores the mask
 * from the IF bit of its frame. */
#include "keeltest.h"

const char test_name[] = "upcall_masking";

static volatile int count;
static volatile int mask_in_handler = -1;

static void handler(keel_port_t port, void *data)
{
	(void)port;
	(void)data;
	mask_in_handler = rt_vcpu_info()->evtchn_upcall_mask;
	count++;
}

/* #UD hook: record what the bounce frame says, then set IF in the frame
 * to what the test asks for. */
static volatile int ud_seen, ud_frame_if, ud_mask_inside;
static volatile int ud_set_if = -1;

static bool ud_hook(struct rt_regs *regs)
{
	if (regs->vector != 6)
		return false;
	ud_seen++;
	ud_frame_if = (regs->rflags >> 9) & 1;
	ud_mask_inside = rt_vcpu_info()->evtchn_upcall_mask;
	if (ud_set_if == 1)
		regs->rflags |= 0x200;
	else if (ud_set_if == 0)
		regs->rflags &= ~0x200ULL;
	regs->rip += 2;
	return true;
}

static void ud(void)
{
	__asm__ volatile("ud2" ::: "memory");
}

void test_main(void)
{
	struct keel_vcpu_info *vi = rt_vcpu_info();
	keel_port_t port;

	CHECK_EQ(vi->evtchn_upcall_mask, 1);	/* vCPU 0 starts masked */
	CHECK_EQ(rt_bind_ipi(0, &port), 0);
	rt_event_set_handler(port, handler, NULL);

	rt_events_disable();
	CHECK_EQ(rt_send(port), 0);
	printf("events disabled, send: upcall_pending %u, calls %d\n",
	       vi->evtchn_upcall_pending, count);
	CHECK_EQ(vi->evtchn_upcall_pending, 1);
	CHECK_EQ(count, 0);
	for (int i = 0; i < 5; i++)
		CHECK_EQ(keel_hypercall_version(KEEL_VERSION_ABI, 0),
			 KEEL_ABI_VERSION);
	CHECK_EQ(rt_yield(), 0);
	CHECK_EQ(keel_hypercall_vcpu_op(KEEL_VCPUOP_is_up, 0, 0), 1);
	CHECK_EQ(count, 0);
	CHECK_EQ(vi->evtchn_upcall_pending, 1);
	CHECK_EQ(vi->evtchn_upcall_mask, 1);
	printf("after 7 hypercalls: still no call\n");

	rt_events_enable();
	printf("events enabled: calls %d, mask in handler %d, mask now %u\n",
	       count, mask_in_handler, vi->evtchn_upcall_mask);
	CHECK_EQ(count, 1);
	CHECK_EQ(mask_in_handler, 1);	/* masked on entry to the upcall */
	CHECK_EQ(vi->evtchn_upcall_mask, 0);	/* iret restored it */
	CHECK_EQ(vi->evtchn_upcall_pending, 0);

	/* Sends with events enabled: delivered, mask 0 again after each. */
	for (int i = 0; i < 10; i++) {
		CHECK_EQ(rt_send(port), 0);
		CHECK_EQ(vi->evtchn_upcall_mask, 0);
	}
	CHECK_EQ(count, 11);
	printf("10 more sends: %d calls, mask %u after each\n", count,
	       vi->evtchn_upcall_mask);

	/* Exception bounces: the frame's IF mirrors the mask, the handler
	 * runs masked, iret puts the frame's IF back into the mask. */
	rt_trap_hook = ud_hook;
	ud_set_if = -1;
	ud();
	CHECK_EQ(ud_seen, 1);
	CHECK_EQ(ud_frame_if, 1);
	CHECK_EQ(ud_mask_inside, 1);
	CHECK_EQ(vi->evtchn_upcall_mask, 0);
	printf("#UD with events enabled: frame IF %d, mask inside %d, after %u\n",
	       ud_frame_if, ud_mask_inside, vi->evtchn_upcall_mask);

	rt_events_disable();
	ud();
	CHECK_EQ(ud_seen, 2);
	CHECK_EQ(ud_frame_if, 0);
	CHECK_EQ(vi->evtchn_upcall_mask, 1);
	printf("#UD with events disabled: frame IF %d, after %u\n", ud_frame_if,
	       vi->evtchn_upcall_mask);

	/* iret with IF clear in the frame masks events... */
	rt_events_enable();
	ud_set_if = 0;
	ud();
	CHECK_EQ(ud_seen, 3);
	CHECK_EQ(vi->evtchn_upcall_mask, 1);
	printf("iret with IF clear: mask %u\n", vi->evtchn_upcall_mask);
	CHECK_EQ(rt_send(port), 0);
	CHECK_EQ(count, 11);
	CHECK_EQ(vi->evtchn_upcall_pending, 1);

	/* ...and with IF set it unmasks them, delivering the pending event
	 * at once. */
	ud_set_if = 1;
	ud();
	CHECK_EQ(ud_seen, 4);
	printf("iret with IF set: mask %u, calls %d\n", vi->evtchn_upcall_mask,
	       count);
	CHECK_EQ(vi->evtchn_upcall_mask, 0);
	CHECK_EQ(count, 12);
	CHECK_EQ(vi->evtchn_upcall_pending, 0);
	rt_trap_hook = NULL;
}
