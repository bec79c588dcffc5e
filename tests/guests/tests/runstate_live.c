/* keel-test: group=runstate cpus=2 vcpus=2 privileged=1 timeout=120 args="peer=1" */
/*
 * Run time is reported live: VCPUOP_get_runstate and domctl getinfo count
 * the slice in progress, as Xen's runstate counts the time in the current
 * state since it was entered.
 *
 * vCPU 1 of this domain, and runstate_spinner (domain 1), spin without a
 * break. This domain reads their run time in pairs 50 us apart. Whenever a
 * pair finds the vCPU (or the domain) on a CPU at both reads, the second
 * read must be larger, and by no more than the wall time between the
 * reads. A scheduler that charges run time only when a slice ends (every
 * 10 ms) gives equal reads for most pairs and fails this.
 */
#include "keeltest.h"

const char test_name[] = "runstate_live";

#define PAIRS 400
#define PAIR_GAP_NS 50000ULL
#define MIN_RUNNING_PAIRS 20

static volatile int vcpu1_started, vcpu1_stop;

static void vcpu1_spin(void *arg)
{
	(void)arg;
	vcpu1_started = 1;
	while (!vcpu1_stop)
		__asm__ volatile("pause");
}

static void spin_ns(uint64_t ns)
{
	uint64_t end = rt_now_ns() + ns;

	while (rt_now_ns() < end)
		;
}

struct sample {
	uint64_t cpu_time_ns;
	bool running;
};

static struct sample vcpu1_sample(void)
{
	struct keel_vcpu_runstate rs;

	CHECK_EQ(keel_hypercall_vcpu_op(KEEL_VCPUOP_get_runstate, 1,
					(unsigned long)&rs), 0);
	return (struct sample){ rs.cpu_time_ns,
				rs.state == KEEL_RUNSTATE_running };
}

static struct sample peer_sample(void)
{
	struct keel_domctl_getinfo info = { .domid = 1 };

	CHECK_EQ(keel_hypercall_domctl(KEEL_DOMCTL_getinfo,
				       (unsigned long)&info), 0);
	return (struct sample){ info.cpu_time_ns,
				!!(info.flags & KEEL_DOMINFO_running) };
}

/* Sample @read in pairs; returns how many pairs saw it running twice. */
static unsigned int check_pairs(struct sample (*read)(void), const char *what)
{
	unsigned int running = 0, grew = 0;

	for (unsigned int i = 0; i < PAIRS && !test_failures; i++) {
		uint64_t w0 = rt_now_ns();
		struct sample a = read();
		spin_ns(PAIR_GAP_NS);
		struct sample b = read();
		uint64_t w1 = rt_now_ns();

		CHECK(b.cpu_time_ns >= a.cpu_time_ns, "%s: run time went back "
		      "from %llu to %llu ns", what,
		      (unsigned long long)a.cpu_time_ns,
		      (unsigned long long)b.cpu_time_ns);
		CHECK(b.cpu_time_ns - a.cpu_time_ns <= w1 - w0,
		      "%s: run time grew by %llu ns in %llu ns of wall time",
		      what, (unsigned long long)(b.cpu_time_ns - a.cpu_time_ns),
		      (unsigned long long)(w1 - w0));
		if (!a.running || !b.running)
			continue;
		running++;
		if (b.cpu_time_ns > a.cpu_time_ns)
			grew++;
		else
			CHECK(false, "%s: on a CPU at both reads, %llu ns apart, "
			      "but its run time stayed at %llu ns", what,
			      (unsigned long long)(w1 - w0),
			      (unsigned long long)a.cpu_time_ns);
	}
	printf("%s: %u of %u pairs found it running at both reads; its run "
	       "time grew in %u of them\n", what, running, PAIRS, grew);
	CHECK(running >= MIN_RUNNING_PAIRS, "%s: only %u pairs found it "
	      "running", what, running);
	return running;
}

void test_main(void)
{
	struct keel_evtchn_alloc_unbound a = {
		.dom = KEEL_DOMID_SELF,
		.remote_dom = 1,
	};

	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_alloc_unbound, &a), 0);
	rt_mask(a.port);
	CHECK_EQ(rt_vcpu_start(1, vcpu1_spin, NULL), 0);
	CHECK(rt_wait_for(&vcpu1_started, 10 * 1000000000ULL),
	      "vCPU 1 did not start");
	/* The spinner binds once it runs; then it spins until told. */
	CHECK(rt_wait_port(a.port, rt_now_ns() + 30 * 1000000000ULL),
	      "the spinner never bound");

	check_pairs(vcpu1_sample, "vCPU 1 (get_runstate)");
	check_pairs(peer_sample, "domain 1 (getinfo)");

	vcpu1_stop = 1;
	CHECK_EQ(rt_send(a.port), 0);
}
