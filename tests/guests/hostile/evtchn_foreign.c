/*
 * Attack: reach into other domains' event channels. Binding to a domain
 * that does not exist fails with -ESRCH; to a victim port that was not
 * offered to us (its timer VIRQ, a port it never allocated, one it
 * already bound to us, one past the end) with -EINVAL; to our own offer
 * to the victim with -EINVAL. Offering a port on the victim's behalf, or
 * asking the status of its ports, fails with -EPERM. Ports we do not
 * have (its port numbers) fail with -EBADF for send, unmask, bind_vcpu
 * and close. The victim's channels keep working.
 */
#include "hostile.h"

const char test_name[] = "evtchn_foreign";

static long bind(uint16_t dom, keel_port_t port)
{
	struct keel_evtchn_bind_interdomain b = { .remote_dom = dom,
						  .remote_port = port };

	return rt_evtchn_op(KEEL_EVTCHNOP_bind_interdomain, &b);
}

void attack(void)
{
	uint16_t v = (uint16_t)hostile_victim;

	CHECK_EQ(bind(77, 1), -KEEL_ESRCH);
	CHECK_EQ(bind(HOSTILE_OTHER_DOMID, 2), -KEEL_ESRCH);
	CHECK_EQ(bind(0x7fef, 2), -KEEL_ESRCH);
	CHECK_EQ(bind(0xffff, 2), -KEEL_ESRCH);
	/* The victim's timer VIRQ (port 1), its two channels to us (2, 3:
	 * bound already), ports it never allocated, out of range. */
	static const keel_port_t ports[] = { 0, 1, 2, 3, 4, 500, 1023, 1024,
					     0xffffffff };
	for (unsigned int i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		CHECK_EQ(bind(v, ports[i]), -KEEL_EINVAL);

	/* Our own offer to the victim, bound by ourselves. */
	struct keel_evtchn_alloc_unbound a = { .dom = KEEL_DOMID_SELF,
					       .remote_dom = v };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_alloc_unbound, &a), 0);
	CHECK_EQ(bind(KEEL_DOMID_SELF, a.port), -KEEL_EINVAL);
	CHECK_EQ(bind((uint16_t)rt_boot.domid, a.port), -KEEL_EINVAL);
	struct keel_evtchn_close cl = { .port = a.port };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_close, &cl), 0);

	/* Acting as the victim. */
	a = (struct keel_evtchn_alloc_unbound){
		.dom = v, .remote_dom = KEEL_DOMID_SELF };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_alloc_unbound, &a), -KEEL_EPERM);
	struct keel_evtchn_status st = { .dom = v, .port = 2 };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_status, &st), -KEEL_EPERM);

	/* Port numbers we do not have. */
	static const keel_port_t ours_not[] = { 0, 600, 1023, 1024, 0xffff };
	for (unsigned int i = 0; i < 5; i++) {
		keel_port_t p = ours_not[i];
		struct keel_evtchn_send s = { .port = p };
		struct keel_evtchn_unmask u = { .port = p };
		struct keel_evtchn_bind_vcpu bv = { .port = p };
		struct keel_evtchn_close c = { .port = p };

		CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_send, &s), -KEEL_EBADF);
		CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_unmask, &u), -KEEL_EBADF);
		CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_bind_vcpu, &bv),
			 -KEEL_EBADF);
		CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_close, &c), -KEEL_EBADF);
	}
	/* Our own timer VIRQ is ours to use, not to send on. */
	struct keel_evtchn_send s = { .port = 1 };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_send, &s), -KEEL_EINVAL);
	/* A VIRQ or vCPU that does not exist. */
	keel_port_t port;
	CHECK_EQ(rt_bind_virq(KEEL_NR_VIRQS, 0, &port), -KEEL_EINVAL);
	CHECK_EQ(rt_bind_virq(KEEL_VIRQ_DEBUG, 5, &port), -KEEL_EINVAL);
	CHECK_EQ(rt_bind_ipi(1, &port), -KEEL_EINVAL);
	printf("foreign and missing ports refused\n");
}
