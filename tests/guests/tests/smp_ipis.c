/* keel-test: vcpus=4 cpus=4 timeout=180 */
/* Four vCPUs pass a token around a ring 0->1->2->3->0 over IPI ports,
 * 1000 laps, each vCPU blocking with events enabled until its token
 * arrives. Every vCPU must see exactly 1000 tokens. Then VCPUOP_is_up and
 * VCPUOP_down. */
#include "keeltest.h"

const char test_name[] = "smp_ipis";

#define NV   4
#define LAPS 1000

static volatile keel_port_t ports[NV];
static volatile int ready[NV], token[NV], stop;
static volatile unsigned int seen[NV], wrong_cpu[NV];

static void on_ipi(keel_port_t port, void *data)
{
	unsigned int i = (unsigned int)(uintptr_t)data;

	(void)port;
	if (rt_vcpu_id() != i)
		wrong_cpu[i]++;
	token[i] = 1;
}

static void worker(void *arg)
{
	unsigned int i = (unsigned int)(uintptr_t)arg;
	keel_port_t p;

	if (rt_bind_ipi(i, &p) != 0)
		return;
	rt_event_set_handler(p, on_ipi, arg);
	ports[i] = p;
	rt_events_enable();
	ready[i] = 1;
	while (!stop) {
		if (!rt_wait_for(&token[i], 50000000ULL))
			continue;
		token[i] = 0;
		seen[i]++;
		rt_send(ports[(i + 1) % NV]);
	}
}

void test_main(void)
{
	keel_port_t p0;

	CHECK_EQ(rt_boot.nr_vcpus, NV);
	CHECK_EQ(rt_bind_ipi(0, &p0), 0);
	rt_event_set_handler(p0, on_ipi, (void *)0);
	ports[0] = p0;
	rt_events_enable();
	for (unsigned int i = 1; i < NV; i++) {
		long rc = rt_vcpu_start(i, worker, (void *)(uintptr_t)i);
		CHECK_EQ(rc, 0);
	}
	for (unsigned int i = 1; i < NV; i++) {
		CHECK(rt_wait_for(&ready[i], 2000000000ULL),
		      "vCPU %u never became ready", i);
		struct keel_evtchn_status st = { .dom = KEEL_DOMID_SELF,
						 .port = ports[i] };
		CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_status, &st), 0);
		CHECK_EQ(st.status, KEEL_EVTCHNSTAT_ipi);
		CHECK_EQ(st.vcpu, i);
	}
	for (unsigned int i = 0; i < NV; i++)
		CHECK_EQ(keel_hypercall_vcpu_op(KEEL_VCPUOP_is_up, i, 0), 1);
	printf("vCPUs 0-3 up; ports %u %u %u %u\n", ports[0], ports[1],
	       ports[2], ports[3]);

	uint64_t t0 = rt_now_ns();
	unsigned int lap;
	for (lap = 0; lap < LAPS; lap++) {
		CHECK_EQ(rt_send(ports[1]), 0);
		if (!rt_wait_for(&token[0], 2000000000ULL)) {
			CHECK(0, "lap %u: the token did not come back (seen %u "
			      "%u %u %u)", lap, seen[0], seen[1], seen[2],
			      seen[3]);
			break;
		}
		token[0] = 0;
		seen[0]++;
	}
	uint64_t t1 = rt_now_ns();
	printf("%u laps in %llu ms; tokens seen: %u %u %u %u\n", lap,
	       (unsigned long long)(t1 - t0) / 1000000, seen[0], seen[1],
	       seen[2], seen[3]);
	for (unsigned int i = 0; i < NV; i++) {
		CHECK_EQ(seen[i], LAPS);
		CHECK_EQ(wrong_cpu[i], 0);
	}

	/* Take vCPU 3 down from vCPU 0; the others stop by themselves. */
	for (unsigned int i = 0; i < NV; i++)
		CHECK_EQ(keel_hypercall_vcpu_op(KEEL_VCPUOP_is_up, i, 0), 1);
	CHECK_EQ(keel_hypercall_vcpu_op(KEEL_VCPUOP_down, 3, 0), 0);
	CHECK_EQ(keel_hypercall_vcpu_op(KEEL_VCPUOP_is_up, 3, 0), 0);
	printf("VCPUOP_down(3): is_up(3) = 0\n");
	struct keel_vcpu_runstate rs;
	CHECK_EQ(keel_hypercall_vcpu_op(KEEL_VCPUOP_get_runstate, 3,
					(unsigned long)&rs), 0);
	CHECK_EQ(rs.state, KEEL_RUNSTATE_down);
	/* A token sent to the downed vCPU goes nowhere. */
	unsigned int s3 = seen[3];
	CHECK_EQ(rt_send(ports[3]), 0);
	CHECK_EQ(seen[3], s3);

	stop = 1;
	uint64_t deadline = rt_now_ns() + 2000000000ULL;
	while ((keel_hypercall_vcpu_op(KEEL_VCPUOP_is_up, 1, 0) ||
		keel_hypercall_vcpu_op(KEEL_VCPUOP_is_up, 2, 0)) &&
	       rt_now_ns() < deadline)
		rt_yield();
	CHECK_EQ(keel_hypercall_vcpu_op(KEEL_VCPUOP_is_up, 1, 0), 0);
	CHECK_EQ(keel_hypercall_vcpu_op(KEEL_VCPUOP_is_up, 2, 0), 0);
	CHECK_EQ(keel_hypercall_vcpu_op(KEEL_VCPUOP_is_up, 0, 0), 1);
	printf("vCPUs 1 and 2 took themselves down\n");
}
