/* Every port operation refuses ports that are 0, unallocated or out of
 * range, and the other argument errors of event_channel_op. */
#include "keeltest.h"

const char test_name[] = "evtchn_bad_ports";

void test_main(void)
{
	static const keel_port_t bad[] = { 0, 1023, 1024, 4096, 0xffffffff };
	long rc;

	for (unsigned int i = 0; i < 5; i++) {
		keel_port_t p = bad[i];
		struct keel_evtchn_send s = { .port = p };
		struct keel_evtchn_unmask u = { .port = p };
		struct keel_evtchn_bind_vcpu bv = { .port = p, .vcpu = 0 };
		struct keel_evtchn_close c = { .port = p };
		struct keel_evtchn_status st = { .dom = KEEL_DOMID_SELF,
						 .port = p };

		CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_send, &s), -KEEL_EBADF);
		CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_unmask, &u), -KEEL_EBADF);
		CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_bind_vcpu, &bv),
			 -KEEL_EBADF);
		CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_close, &c), -KEEL_EBADF);
		rc = rt_evtchn_op(KEEL_EVTCHNOP_status, &st);
		if (p == 1023) {
			/* In range but free: status says closed. */
			CHECK_EQ(rc, 0);
			CHECK_EQ(st.status, KEEL_EVTCHNSTAT_closed);
		} else {
			CHECK_EQ(rc, -KEEL_EBADF);
		}
		printf("port %u: send/unmask/bind_vcpu/close -EBADF, status %ld\n",
		       p, rc);
	}

	/* Unmask of a bad port must not touch the shared mask bits. */
	CHECK_EQ(rt_boot.shared_info->evtchn_mask[1023 / 64] >> 63, 0);

	/* bind_vcpu checks the vCPU first. */
	keel_port_t ipi;
	CHECK_EQ(rt_bind_ipi(0, &ipi), 0);
	struct keel_evtchn_bind_vcpu bv = { .port = ipi, .vcpu = 5 };
	rc = rt_evtchn_op(KEEL_EVTCHNOP_bind_vcpu, &bv);
	printf("bind_vcpu(port %u, vcpu 5 of 1) = %ld\n", ipi, rc);
	CHECK_EQ(rc, -KEEL_EINVAL);
	bv = (struct keel_evtchn_bind_vcpu){ .port = 0, .vcpu = 5 };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_bind_vcpu, &bv), -KEEL_EINVAL);
	bv = (struct keel_evtchn_bind_vcpu){ .port = ipi, .vcpu = 1 };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_bind_vcpu, &bv), -KEEL_EINVAL);
	bv = (struct keel_evtchn_bind_vcpu){ .port = ipi, .vcpu = 0 };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_bind_vcpu, &bv), 0);

	keel_port_t p;
	rc = rt_bind_ipi(7, &p);
	printf("bind_ipi(vcpu 7 of 1) = %ld\n", rc);
	CHECK_EQ(rc, -KEEL_EINVAL);
	CHECK_EQ(rt_bind_ipi(1, &p), -KEEL_EINVAL);
	CHECK_EQ(rt_bind_ipi(0xffffffff, &p), -KEEL_EINVAL);

	static const unsigned long unknown[] = { 9, 10, 100, 0xffffffffUL,
						 ~0UL };
	for (unsigned int i = 0; i < 5; i++) {
		rc = keel_hypercall_event_channel_op(unknown[i],
						     (unsigned long)&bv);
		printf("event_channel_op(%#lx) = %ld\n", unknown[i], rc);
		CHECK_EQ(rc, -KEEL_ENOSYS);
	}

	/* A VIRQ port cannot be sent on, and per-vCPU VIRQs cannot move. */
	keel_port_t timer = 0;
	for (keel_port_t q = 1; q < 1024 && !timer; q++) {
		struct keel_evtchn_status st = { .dom = KEEL_DOMID_SELF,
						 .port = q };
		if (rt_evtchn_op(KEEL_EVTCHNOP_status, &st) == 0 &&
		    st.status == KEEL_EVTCHNSTAT_virq &&
		    st.u.virq == KEEL_VIRQ_TIMER)
			timer = q;
	}
	CHECK(timer != 0, "no timer VIRQ port");
	rc = rt_send(timer);
	printf("send on the timer VIRQ port %u = %ld\n", timer, rc);
	CHECK_EQ(rc, -KEEL_EINVAL);
	keel_port_t dbg;
	CHECK_EQ(rt_bind_virq(KEEL_VIRQ_DEBUG, 0, &dbg), 0);
	CHECK_EQ(rt_send(dbg), -KEEL_EINVAL);
	bv = (struct keel_evtchn_bind_vcpu){ .port = timer, .vcpu = 0 };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_bind_vcpu, &bv), -KEEL_EINVAL);
	printf("send on DEBUG VIRQ, bind_vcpu of TIMER: -EINVAL\n");

	/* Sending on an unbound port is dropped, not an error. */
	struct keel_evtchn_alloc_unbound a = { .dom = KEEL_DOMID_SELF,
					       .remote_dom = KEEL_DOMID_SELF };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_alloc_unbound, &a), 0);
	CHECK_EQ(rt_send(a.port), 0);
	CHECK_EQ((rt_boot.shared_info->evtchn_pending[a.port / 64] >>
		  (a.port % 64)) & 1, 0);
	printf("send on unbound port %u: 0, nothing pending\n", a.port);
}
