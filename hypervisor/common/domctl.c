/* domctl: domain information for the control domain, and version. */
#include <domain.h>
#include <domain_build.h>
#include <errno_values.h>
#include <event_channel.h>
#include <format.h>
#include <hypercall.h>
#include <mm.h>
#include <percpu.h>
#include <scheduler.h>
#include <string_ops.h>
#include <version.h>
#include <keel/domctl.h>
#include <keel/io/console.h>
#include <keel/sched.h>
#include <asm/pv.h>

/* @info, all of it, from @d (referenced). */
static void domain_info_fill(struct keel_domctl_getinfo *info,
			     const struct domain *d)
{
	memset(info, 0, sizeof(*info));
	info->domid = d->domid;
	bool any_running = false, all_blocked = true;
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpus[i];

		info->cpu_time_ns += vcpu_cpu_time_ns(v);
		if (v->state != VCPU_DOWN)
			info->nr_vcpus_up++;
		if (v->state == VCPU_RUNNING)
			any_running = true;
		if (v->state == VCPU_RUNNING || v->state == VCPU_RUNNABLE)
			all_blocked = false;
	}
	bool paused = d->state == DOMAIN_PAUSED || READ_ONCE(d->paused);
	info->flags = (any_running ? KEEL_DOMINFO_running : 0) |
		      (all_blocked && info->nr_vcpus_up ?
		       KEEL_DOMINFO_blocked : 0) |
		      (d->state == DOMAIN_SHUTDOWN ? KEEL_DOMINFO_shutdown : 0) |
		      (d->privileged ? KEEL_DOMINFO_privileged : 0) |
		      (paused ? KEEL_DOMINFO_paused : 0) |
		      (d->state == DOMAIN_SHUTDOWN &&
		       !READ_ONCE(d->keep_on_shutdown) ? KEEL_DOMINFO_dying : 0);
	info->shutdown_reason = d->shutdown_reason;
	info->nr_vcpus = d->nr_vcpus;
	info->weight = d->weight;
	info->nr_pages = d->tot_pages;
	strlcpy(info->name, d->name, sizeof(info->name));
}

/* getinfo names the domain; getinfo_next takes the first from that id
 * on, for a walk over every domain. */
static long domctl_getinfo(unsigned long arg, bool next)
{
	struct keel_domctl_getinfo info;

	if (copy_from_guest(&info, arg, sizeof(info)))
		return -EFAULT;
	struct domain *d = next ? domain_by_id_from(info.domid)
				: domain_by_id(info.domid);
	if (!d)
		return !next && domain_id_dying(info.domid) ? -EBUSY : -ESRCH;
	domain_info_fill(&info, d);
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

/*
 * Build a domain from an image the caller holds: copy image and config
 * into Keel's memory first, so the guest cannot change them mid-build.
 * An initrd (create_domain_initrd) is only ever copied, never parsed:
 * the builder takes it from the caller's memory as it goes.
 */
static long domctl_create_domain(unsigned long arg, bool with_initrd)
{
	struct keel_domctl_create_domain_initrd full = { 0 };
	struct keel_domctl_create_domain op;
	char config[KEEL_DOMCTL_CONFIG_MAX];
	struct domain *d;

	if (copy_from_guest(&full, arg, with_initrd ? sizeof(full) :
						      sizeof(op)))
		return -EFAULT;
	op = full.domain;
	if (op.pad[0] || op.pad[1] || op.pad[2] || !op.image_size ||
	    op.image_size > KEEL_DOMCTL_IMAGE_MAX)
		return -EINVAL;
	if (with_initrd && (!full.initrd_size ||
			    full.initrd_size > KEEL_DOMCTL_INITRD_MAX))
		return -EINVAL;
	/* Byte by byte: the string may end just before unmapped memory. */
	for (size_t n = 0;; n++) {
		if (n == sizeof(config))
			return -EINVAL;
		if (copy_from_guest(&config[n], op.config + n, 1))
			return -EFAULT;
		if (!config[n])
			break;
	}

	unsigned int order = frame_order_for(op.image_size);
	paddr_t pa = frame_alloc(order);
	if (!pa)
		return -ENOMEM;
	long rc = copy_from_guest(phys_to_virt(pa), op.image, op.image_size);
	if (!rc)
		rc = domain_build(&(struct domain_image){
					.kernel = phys_to_virt(pa),
					.kernel_len = op.image_size,
					.initrd_in_caller = with_initrd,
					.initrd_guest = full.initrd,
					.initrd_len = full.initrd_size,
					.cmdline = config,
				  }, false, &d);
	frame_free(pa, order);
	if (rc)
		return rc;
	/* Unpublished until the caller knows its id: nobody else can find
	 * (and destroy) it half-built. */
	/* domid is at the same place in both structures. */
	op.domid = d->domid;
	if (copy_to_guest(arg, &op, sizeof(op))) {
		domain_destroy(d);
		return -EFAULT;
	}
	domain_publish(d);
	return 0;
}

/* The domain a domid argument names, referenced; NULL for none. With
 * @not_self, the caller's own domain counts as invalid (@rc). */
static struct domain *domctl_target(unsigned long domid, bool not_self,
				    long *rc)
{
	struct domain *d = domid <= 0xffff ? domain_by_id(domid) : NULL;

	*rc = -ESRCH;
	if (d && not_self && d == current_vcpu()->domain) {
		domain_put(d);
		*rc = -EINVAL;
		return NULL;
	}
	return d;
}

static long domctl_unpause_domain(unsigned long domid)
{
	long rc;
	struct domain *d = domctl_target(domid, false, &rc);

	if (!d)
		return rc;
	rc = domain_unpause(d);
	domain_put(d);
	return rc;
}

static long domctl_pause_domain(unsigned long domid)
{
	long rc;
	struct domain *d = domctl_target(domid, true, &rc);

	if (!d)
		return rc;
	rc = domain_pause(d);
	domain_put(d);
	return rc;
}

static long domctl_destroy_domain(unsigned long domid)
{
	struct domain *self = current_vcpu()->domain;
	long rc;
	struct domain *d = domctl_target(domid, true, &rc);

	if (!d)
		return rc;
	/* The log says who ended a domain that was still running; one that
	 * had shut down keeps its own reason alone. */
	if (!d->crash_reason[0] && READ_ONCE(d->state) != DOMAIN_SHUTDOWN)
		format_string(d->crash_reason, sizeof(d->crash_reason),
			      "destroyed by domain %u", self->domid);
	/* Reapable from now on: for a kept domain that has shut down
	 * already, this is all destroy does (it keeps its own reason). */
	WRITE_ONCE(d->keep_on_shutdown, false);
	domain_shutdown(d, KEEL_SHUTDOWN_poweroff);
	domain_put(d);
	/* A kept domain's vCPUs stopped long ago: no CPU goes idle because
	 * of this destroy, so ask for the reap. */
	domain_reap_request();
	return 0;
}

static long domctl_request_shutdown(unsigned long arg)
{
	struct keel_domctl_request_shutdown req;
	long rc;

	if (copy_from_guest(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.pad || (req.reason != KEEL_SHUTDOWN_poweroff &&
			req.reason != KEEL_SHUTDOWN_reboot))
		return -EINVAL;
	struct domain *d = domctl_target(req.domid, true, &rc);
	if (!d)
		return rc;
	/* A domain that has shut down has no one left to ask. */
	if (d->state == DOMAIN_SHUTDOWN) {
		domain_put(d);
		return -EINVAL;
	}
	WRITE_ONCE(d->shared_info->shutdown_request, req.reason + 1);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	evtchn_send_virq_vcpu(d->vcpus[0], KEEL_VIRQ_SHUTDOWN_REQUEST);
	domain_put(d);
	return 0;
}

static long domctl_getvcpuinfo(unsigned long arg)
{
	struct keel_domctl_getvcpuinfo info;
	long rc;

	if (copy_from_guest(&info, arg, sizeof(info)))
		return -EFAULT;
	if (info.pad)
		return -EINVAL;
	struct domain *d = domctl_target(info.domid, false, &rc);
	if (!d)
		return rc;
	if (info.vcpu >= d->nr_vcpus) {
		domain_put(d);
		return -ENOENT;
	}
	const struct vcpu *v = d->vcpus[info.vcpu];
	static const uint32_t states[] = {
		[VCPU_DOWN] = KEEL_VCPUINFO_down,
		[VCPU_RUNNABLE] = KEEL_VCPUINFO_runnable,
		[VCPU_RUNNING] = KEEL_VCPUINFO_running,
		[VCPU_BLOCKED] = KEEL_VCPUINFO_blocked,
	};
	info.state = states[READ_ONCE(v->state)];
	info.processor = READ_ONCE(v->processor);
	info.cpu_time_ns = vcpu_cpu_time_ns(v);
	domain_put(d);
	return copy_to_guest(arg, &info, sizeof(info)) ? -EFAULT : 0;
}

static long domctl_getconsole(unsigned long arg)
{
	struct keel_domctl_getconsole op;
	long rc;

	if (copy_from_guest(&op, arg, sizeof(op)))
		return -EFAULT;
	if (op.pad)
		return -EINVAL;
	struct domain *d = domctl_target(op.domid, false, &rc);
	if (!d)
		return rc;
	bool has_console = d->console_port != 0;
	op.backend = d->console_backend;
	op.pad2 = 0;
	op.grant_ref = KEEL_CONSOLE_GRANT_REF;
	op.port = d->console_port;
	domain_put(d);
	if (!has_console)
		return -ENOENT;
	return copy_to_guest(arg, &op, sizeof(op)) ? -EFAULT : 0;
}

long do_domctl(unsigned long cmd, unsigned long arg)
{
	switch (cmd) {
	case KEEL_DOMCTL_getinfo:         return domctl_getinfo(arg, false);
	case KEEL_DOMCTL_getinfo_next:    return domctl_getinfo(arg, true);
	case KEEL_DOMCTL_physinfo:        return domctl_physinfo(arg);
	case KEEL_DOMCTL_create_domain:   return domctl_create_domain(arg, false);
	case KEEL_DOMCTL_create_domain_initrd:
		return domctl_create_domain(arg, true);
	case KEEL_DOMCTL_unpause_domain:  return domctl_unpause_domain(arg);
	case KEEL_DOMCTL_destroy_domain:  return domctl_destroy_domain(arg);
	case KEEL_DOMCTL_pause_domain:    return domctl_pause_domain(arg);
	case KEEL_DOMCTL_request_shutdown: return domctl_request_shutdown(arg);
	case KEEL_DOMCTL_getvcpuinfo:     return domctl_getvcpuinfo(arg);
	case KEEL_DOMCTL_getconsole:      return domctl_getconsole(arg);
	default:                          return -ENOSYS;
	}
}

/* Apart from do_version(), so that its common cases (the ABI version is
 * also guests' cheapest hypercall) need no stack buffer. */
static __slow_path long version_string(unsigned long arg)
{
	char str[KEEL_VERSION_STRING_MAX];

	memset(str, 0, sizeof(str));
	format_string(str, sizeof(str), "Keel %s (git %s)", keel_version,
		      keel_git_revision);
	return copy_to_guest(arg, str, sizeof(str)) ? -EFAULT : 0;
}

long do_version(unsigned long cmd, unsigned long arg)
{
	switch (cmd) {
	case KEEL_VERSION_ABI:
		return KEEL_ABI_VERSION;
	case KEEL_VERSION_FEATURES:
		return KEEL_FEATURE_PVCLOCK | KEEL_FEATURE_ONESHOT |
		       KEEL_FEATURE_SMP |
		       (fpu_uses_xsave() ? KEEL_FEATURE_XSAVE : 0);
	case KEEL_VERSION_STRING:
		return version_string(arg);
	default:
		return -ENOSYS;
	}
}
