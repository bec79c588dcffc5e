/* domctl: domain information for the control domain, and version. */
#include <domain.h>
#include <errno_values.h>
#include <format.h>
#include <hypercall.h>
#include <mm.h>
#include <percpu.h>
#include <scheduler.h>
#include <string_ops.h>
#include <version.h>
#include <keel/domctl.h>
#include <asm/pv.h>

static long domctl_getinfo(unsigned long arg)
{
	struct keel_domctl_getinfo info;

	if (copy_from_guest(&info, arg, sizeof(info)))
		return -EFAULT;
	struct domain *d = domain_by_id(info.domid);
	if (!d)
		return -ESRCH;

	sched_account_current();
	memset(&info.flags, 0, sizeof(info) - offsetof(typeof(info), flags));
	bool any_running = false, all_blocked = true;
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpus[i];

		info.cpu_time_ns += v->cpu_time_ns;
		if (v->state != VCPU_DOWN)
			info.nr_vcpus_up++;
		if (v->state == VCPU_RUNNING)
			any_running = true;
		if (v->state == VCPU_RUNNING || v->state == VCPU_RUNNABLE)
			all_blocked = false;
	}
	info.flags = (any_running ? KEEL_DOMINFO_running : 0) |
		     (all_blocked && info.nr_vcpus_up ? KEEL_DOMINFO_blocked : 0) |
		     (d->state == DOMAIN_SHUTDOWN ? KEEL_DOMINFO_shutdown : 0) |
		     (d->privileged ? KEEL_DOMINFO_privileged : 0);
	info.shutdown_reason = d->shutdown_reason;
	info.nr_vcpus = d->nr_vcpus;
	info.weight = d->weight;
	info.nr_pages = d->tot_pages;
	strlcpy(info.name, d->name, sizeof(info.name));
	domain_put(d);
	return copy_to_guest(arg, &info, sizeof(info)) ? -EFAULT : 0;
}

static long domctl_physinfo(unsigned long arg)
{
	struct keel_domctl_physinfo info = { 0 };
	struct mm_stats st;

	mm_get_stats(&st);
	info.nr_cpus = nr_cpus_online;
	info.total_frames = st.managed_frames;
	info.free_frames = st.free_frames;
	return copy_to_guest(arg, &info, sizeof(info)) ? -EFAULT : 0;
}

long do_domctl(unsigned long cmd, unsigned long arg)
{
	switch (cmd) {
	case KEEL_DOMCTL_getinfo:  return domctl_getinfo(arg);
	case KEEL_DOMCTL_physinfo: return domctl_physinfo(arg);
	default:                   return -ENOSYS;
	}
}

long do_version(unsigned long cmd, unsigned long arg)
{
	char str[64];

	switch (cmd) {
	case KEEL_VERSION_ABI:
		return KEEL_ABI_VERSION;
	case KEEL_VERSION_FEATURES:
		return KEEL_FEATURE_PVCLOCK | KEEL_FEATURE_ONESHOT |
		       KEEL_FEATURE_SMP |
		       (fpu_uses_xsave() ? KEEL_FEATURE_XSAVE : 0);
	case KEEL_VERSION_STRING:
		memset(str, 0, sizeof(str));
		format_string(str, sizeof(str), "Keel %s (git %s)",
			      keel_version, keel_git_revision);
		return copy_to_guest(arg, str, sizeof(str)) ? -EFAULT : 0;
	default:
		return -ENOSYS;
	}
}
