/* keel-test: group=weights cpus=1 privileged=1 timeout=120 icount=1 */
/*
 * Scheduler weights: sched_weights_heavy (weight 512) and
 * sched_weights_light (weight 256) both spin on one physical CPU. This
 * control domain samples their CPU time over 800 ms with domctl getinfo:
 * the heavy one must get twice the light one's time, within 10%.
 */
#include "keeltest.h"

static uint64_t cpu_time(unsigned int domid)
{
	struct keel_domctl_getinfo info = { .domid = (keel_domid_t)domid };
	long rc = keel_hypercall_domctl(KEEL_DOMCTL_getinfo,
					(unsigned long)&info);
	CHECK_EQ(rc, 0);
	return info.cpu_time_ns;
}

const char test_name[] = "sched_weights";

void test_main(void)
{
	/* Domain 1 is the heavy spinner, 2 the light one (build order). */
	rt_sleep_ns(100 * 1000000ULL);
	uint64_t heavy0 = cpu_time(1), light0 = cpu_time(2);
	rt_sleep_ns(800 * 1000000ULL);
	uint64_t heavy = cpu_time(1) - heavy0, light = cpu_time(2) - light0;

	CHECK(light > 0, "the light domain never ran");
	uint64_t ratio_x1000 = light ? heavy * 1000 / light : 0;
	printf("CPU time over 800 ms: heavy %llu ms, light %llu ms, ratio "
	       "%llu.%03llu (want 2.000 +- 10%%)\n",
	       (unsigned long long)(heavy / 1000000),
	       (unsigned long long)(light / 1000000),
	       (unsigned long long)(ratio_x1000 / 1000),
	       (unsigned long long)(ratio_x1000 % 1000));
	CHECK(ratio_x1000 >= 1800 && ratio_x1000 <= 2200,
	      "weights 512:256 gave a CPU-time ratio of %llu/1000",
	      (unsigned long long)ratio_x1000);
}
