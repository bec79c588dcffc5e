/*
 * Domain and vCPU lifecycle, and the vcpu_op hypercall.
 *
 *   domain_create   -> paused, vCPUs allocated; not yet findable
 *   (the builder gives it memory, page tables and an image)
 *   domain_publish  -> on the domain list: lookups find it
 *   domain_unpause  -> vCPU 0 runs
 *   domain_shutdown -> every vCPU stopped; reason recorded; the control
 *                      domains get KEEL_VIRQ_DOM_EXC
 *   domain_reap     -> once no vCPU is on a CPU (and, for a domain built
 *                      with keep_on_shutdown=1, once a control domain has
 *                      destroyed it): domain_destroy frees all
 *
 * Destruction is deferred to the idle loop because a vCPU may still be
 * running (on its way out) on another CPU when its domain shuts down.
 */
#include <console_io.h>
#include <domain.h>
#include <domain_build.h>
#include <errno_values.h>
#include <event_channel.h>
#include <hypercall.h>
#include <memory.h>
#include <mm.h>
#include <panic.h>
#include <percpu.h>
#include <printk.h>
#include <scheduler.h>
#include <setup.h>
#include <string_ops.h>
#include <system_time.h>
#include <timer.h>
#include <asm/cpu.h>
#include <asm/pv.h>

LIST_HEAD_DECLARE(domain_list);
spinlock_t domain_list_lock = SPINLOCK_INIT;
unsigned int nr_domains_created;
static uint16_t next_domid;

/* The live domain with the lowest id in [@from, @to], with a reference. */
static struct domain *domain_lowest_id_in(uint16_t from, uint16_t to)
{
	struct domain *found = NULL;
	struct list_head *pos;
	unsigned long flags = spin_lock_irqsave(&domain_list_lock);

	list_for_each(pos, &domain_list) {
		struct domain *d = list_entry(pos, struct domain, link);
		if (d->domid >= from && d->domid <= to &&
		    d->state != DOMAIN_DEAD &&
		    (!found || d->domid < found->domid))
			found = d;
	}
	if (found)
		domain_get(found);
	spin_unlock_irqrestore(&domain_list_lock, flags);
	return found;
}

struct domain *domain_by_id(uint16_t domid)
{
	return domain_lowest_id_in(domid, domid);
}

struct domain *domain_by_id_from(uint16_t domid)
{
	return domain_lowest_id_in(domid, UINT16_MAX);
}

static void vcpu_timer_fn(struct timer *t, void *data)
{
	(void)t;
	evtchn_send_virq_vcpu(data, KEEL_VIRQ_TIMER);
}

static void vcpu_poll_timeout_fn(struct timer *t, void *data)
{
	(void)t;
	vcpu_wake(data);
}

static struct vcpu *vcpu_create(struct domain *d, unsigned int id)
{
	struct vcpu *v = xzalloc(sizeof(*v));

	if (!v)
		return NULL;
	v->domain = d;
	v->vcpu_id = id;
	v->state = VCPU_DOWN;
	v->vcpu_info = &d->shared_info->vcpu_info[id];
	v->vcpu_info->evtchn_upcall_mask = 1;
	v->processor = (d->domid + id) % nr_cpus_online;
	list_init(&v->run_link);
	timer_init(&v->oneshot_timer, vcpu_timer_fn, v, v->processor);
	timer_init(&v->poll_timer, vcpu_poll_timeout_fn, v, v->processor);
	if (arch_vcpu_init(v)) {
		xfree(v);
		return NULL;
	}
	return v;
}

int domain_create(const struct domain_config *cfg, struct domain **out)
{
	struct domain *d;
	paddr_t si;

	if (cfg->nr_vcpus == 0 || cfg->nr_vcpus > KEEL_MAX_VCPUS)
		return trace_error(-EINVAL);
	d = xzalloc(sizeof(*d));
	if (!d)
		return trace_error(-ENOMEM);
	strlcpy(d->name, cfg->name, sizeof(d->name));
	d->privileged = cfg->privileged;
	d->hardware = cfg->hardware;
	d->keep_on_shutdown = cfg->keep_on_shutdown;
	d->weight = cfg->weight ? cfg->weight : DOMAIN_DEFAULT_WEIGHT;
	d->state = DOMAIN_PAUSED;
	spin_lock_init(&d->lock);
	console_domain_init(d);
	list_init(&d->link);

	si = frame_alloc(0);
	if (!si) {
		xfree(d);
		return trace_error(-ENOMEM);
	}
	d->shared_info = phys_to_virt(si);

	d->shared_info->wc_sec = (uint32_t)wallclock_boot_sec;
	d->shared_info->wc_sec_hi = (uint32_t)(wallclock_boot_sec >> 32);
	d->shared_info->wc_nsec = wallclock_boot_nsec;
	d->shared_info->wc_version = 2;

	unsigned long flags = spin_lock_irqsave(&domain_list_lock);
	/* Ids are never reused (TLB tracking and frame owners rely on it);
	 * the last ones below KEEL_DOMID_SELF stay unused. */
	bool ids_left = next_domid < KEEL_DOMID_SELF;
	if (ids_left)
		d->domid = next_domid++;
	spin_unlock_irqrestore(&domain_list_lock, flags);
	if (!ids_left) {
		frame_free(si, 0);
		xfree(d);
		return trace_error(-ENOSPC);
	}
	/* Keel's page, shared with the domain: it may map it writable, and
	 * can never make it a page table or give it away. */
	spin_lock(&memory_lock);
	frame_assign(&machine_frames, si >> PAGE_SHIFT, d->domid, true);
	spin_unlock(&memory_lock);
	d->max_pages = cfg->max_pages;

	int rc = evtchn_domain_init(d);
	for (unsigned int i = 0; !rc && i < cfg->nr_vcpus; i++) {
		d->vcpus[i] = vcpu_create(d, i);
		if (!d->vcpus[i])
			rc = -ENOMEM;
		else
			d->nr_vcpus++;
	}
	if (rc) {
		domain_destroy(d);
		return trace_error(rc);
	}

	flags = spin_lock_irqsave(&domain_list_lock);
	nr_domains_created++;
	spin_unlock_irqrestore(&domain_list_lock, flags);
	*out = d;
	return 0;
}

void domain_publish(struct domain *d)
{
	unsigned long flags = spin_lock_irqsave(&domain_list_lock);

	list_add_tail(&d->link, &domain_list);
	spin_unlock_irqrestore(&domain_list_lock, flags);
}

int domain_unpause(struct domain *d)
{
	unsigned long flags = spin_lock_irqsave(&d->lock);

	/* Under the lock that domain_shutdown() takes: a domain shut down
	 * (and perhaps being destroyed) is never brought back. */
	if (d->state == DOMAIN_RUNNING) {
		int rc = scheduler_resume_domain(d);

		spin_unlock_irqrestore(&d->lock, flags);
		return rc;
	}
	if (d->state != DOMAIN_PAUSED) {
		spin_unlock_irqrestore(&d->lock, flags);
		return -EINVAL;
	}
	d->state = DOMAIN_RUNNING;
	spin_unlock_irqrestore(&d->lock, flags);
	vcpu_start(d->vcpus[0]);
	return 0;
}

int domain_pause(struct domain *d)
{
	unsigned long flags = spin_lock_irqsave(&d->lock);
	int rc = d->state == DOMAIN_RUNNING ? scheduler_pause_domain(d)
					    : -EINVAL;

	spin_unlock_irqrestore(&d->lock, flags);
	return rc;
}

void domain_shutdown(struct domain *d, uint32_t reason)
{
	unsigned long flags = spin_lock_irqsave(&d->lock);

	if (d->state != DOMAIN_RUNNING && d->state != DOMAIN_PAUSED) {
		spin_unlock_irqrestore(&d->lock, flags);
		return;
	}
	d->state = DOMAIN_SHUTDOWN;
	d->shutdown_reason = reason;
	spin_unlock_irqrestore(&d->lock, flags);

	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		vcpu_stop(d->vcpus[i]);
	if (READ_ONCE(d->keep_on_shutdown))
		printk("Domain %u (%s) shut down: %s; kept until a control "
		       "domain destroys it\n", d->domid, d->name,
		       shutdown_reason_name(reason));
	/* The toolstack learns of it (pvctl's on_* policies, shutdown -w). */
	evtchn_send_virq_global(KEEL_VIRQ_DOM_EXC);
}

void domain_crash(struct domain *d, const char *why)
{
	if (!d->crash_reason[0])
		strlcpy(d->crash_reason, why, sizeof(d->crash_reason));
	printk(LOG_WARNING "Domain %u (%s) crashed: %s\n", d->domid, d->name,
	       why);
	domain_shutdown(d, KEEL_SHUTDOWN_crash);
}

/* Everything of a shut-down domain but the struct itself. */
static void domain_release_resources(struct domain *d)
{
	evtchn_domain_destroy(d);
	/* No channel points here any more and lookups no longer find the
	 * domain: wait out the short references taken before that (an event
	 * send, a domctl) before freeing anything they may touch. */
	while (__atomic_load_n(&d->refcnt, __ATOMIC_SEQ_CST))
		cpu_relax();
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		timer_kill(&d->vcpus[i]->oneshot_timer);
		timer_kill(&d->vcpus[i]->poll_timer);
	}
	/* Roots, grant mappings, page tables, memory, shared info. */
	domain_memory_release(d);
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		arch_vcpu_destroy(d->vcpus[i]);
		xfree(d->vcpus[i]);
		d->vcpus[i] = NULL;
	}
}

void domain_destroy(struct domain *d)
{
	/* Dead before its ports go: nothing may bind to a domain that is
	 * being freed, even one no lookup can find yet. */
	__atomic_store_n(&d->state, DOMAIN_DEAD, __ATOMIC_SEQ_CST);
	domain_release_resources(d);
	xfree(d);
}

/* The domain the reaper has unlisted but not yet freed, or NONE. */
#define DOMID_BEING_FREED_NONE UINT32_MAX
static uint32_t domid_being_freed = DOMID_BEING_FREED_NONE;

bool domain_id_dying(uint16_t domid)
{
	struct list_head *pos;
	unsigned long flags = spin_lock_irqsave(&domain_list_lock);
	bool dying = domid_being_freed == domid;

	list_for_each(pos, &domain_list) {
		struct domain *d = list_entry(pos, struct domain, link);
		if (d->domid == domid && d->state == DOMAIN_DEAD)
			dying = true;
	}
	spin_unlock_irqrestore(&domain_list_lock, flags);
	return dying;
}

/*
 * Set by every call to domain_reap() and by domain_reap_request(), and
 * cleared by the reaper before each scan. A CPU that finds the reaper
 * busy leaves its request here instead of waiting: the busy reaper may
 * have scanned already (before a vCPU left its CPU, or before a destroy
 * released a kept domain), and must scan again before it lets go, or
 * the domain would wait for the next idle CPU, which may never come.
 */
static bool reap_requested;

/* Unlist and free one reapable domain; false if there was none. */
static bool domain_reap_one(void)
{
	struct domain *victim = NULL;
	struct list_head *pos;
	unsigned long flags = spin_lock_irqsave(&domain_list_lock);
	bool control_domain_left = false;

	list_for_each(pos, &domain_list) {
		struct domain *d = list_entry(pos, struct domain, link);
		if (d->privileged && (d->state == DOMAIN_RUNNING ||
				      d->state == DOMAIN_PAUSED))
			control_domain_left = true;
	}
	/* A kept domain waits for its toolstack's destroy; with no control
	 * domain left there is no one to give it, and Keel reaps it as any
	 * other. */
	list_for_each(pos, &domain_list) {
		struct domain *d = list_entry(pos, struct domain, link);
		if (d->state == DOMAIN_SHUTDOWN &&
		    !(READ_ONCE(d->keep_on_shutdown) && control_domain_left) &&
		    domain_all_vcpus_off_cpu(d)) {
			victim = d;
			break;
		}
	}
	/* DEAD: lookups no longer find it, but it stays listed (as dying)
	 * until everything it held has been given back. */
	if (victim)
		victim->state = DOMAIN_DEAD;
	spin_unlock_irqrestore(&domain_list_lock, flags);
	if (!victim)
		return false;

	console_domain_exit(victim);
	printk("Domain %u (%s) exited: %s%s%s\n", victim->domid, victim->name,
	       shutdown_reason_name(victim->shutdown_reason),
	       victim->crash_reason[0] ? ": " : "", victim->crash_reason);
	domain_release_resources(victim);
	flags = spin_lock_irqsave(&domain_list_lock);
	list_del(&victim->link);
	domid_being_freed = victim->domid;
	bool none_left = list_empty(&domain_list);
	spin_unlock_irqrestore(&domain_list_lock, flags);
	xfree(victim);
	__atomic_store_n(&domid_being_freed, DOMID_BEING_FREED_NONE,
			 __ATOMIC_RELEASE);
	/* Gone: pvctl destroy and shutdown -w wait for this. */
	evtchn_send_virq_global(KEEL_VIRQ_DOM_EXC);

	if (none_left && opt_test) {
		struct mm_stats st;
		mm_get_stats(&st);
		printk("All domains exited; %llu frames free, %llu before the "
		       "first domain\n", (unsigned long long)st.free_frames,
		       (unsigned long long)frames_free_before_domains);
		test_exit(TEST_EXIT_SUCCESS);
	}
	return true;
}

void domain_reap(void)
{
	/* One reaper at a time: otherwise a CPU could find the list empty
	 * and report the frame count while another still frees a domain. */
	static spinlock_t reap_lock = SPINLOCK_INIT;

	__atomic_store_n(&reap_requested, true, __ATOMIC_SEQ_CST);
	while (spin_trylock(&reap_lock)) {
		while (__atomic_exchange_n(&reap_requested, false,
					   __ATOMIC_SEQ_CST))
			while (domain_reap_one())
				;
		spin_unlock(&reap_lock);
		/* A request that came after the last scan, whose caller saw
		 * the lock still held: take it up. The fence keeps the load
		 * below from passing the unlock's store (x86 lets a load pass
		 * an earlier store), which would lose that request. */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (!__atomic_load_n(&reap_requested, __ATOMIC_SEQ_CST))
			return;
	}
}

void domain_reap_soon(void)
{
	__atomic_store_n(&reap_requested, true, __ATOMIC_SEQ_CST);
}

void domain_reap_request(void)
{
	domain_reap_soon();
	if (!sched_kick_idle_cpus())
		sched_request_reschedule();
}

bool domain_reap_wanted(void)
{
	return __atomic_load_n(&reap_requested, __ATOMIC_SEQ_CST);
}

/* vcpu_op */

static long vcpu_initialise(struct vcpu *v, unsigned long arg)
{
	struct keel_vcpu_context ctx;

	/* An early answer for a vCPU that is plainly up (re-checked when
	 * claiming below), before looking at the argument. */
	if (READ_ONCE(v->state) != VCPU_DOWN)
		return -EEXIST;
	if (copy_from_guest(&ctx, arg, sizeof(ctx)))
		return -EFAULT;
	if (!guest_range_ok(ctx.rip, 1) || !guest_range_ok(ctx.rsp, 0))
		return -EINVAL;
	/* Claim it: down, off its CPU (a vCPU taken down may still be on
	 * its way out, its registers about to be saved over anything written
	 * now), and not startable by VCPUOP_up until published below. Its
	 * old roots may then be dropped: nothing can be running on them. */
	int rc = vcpu_begin_initialise(v);
	if (rc)
		return rc;
	/* It starts on the caller's page tables. */
	struct vcpu *self = current_vcpu();
	rc = pv_vcpu_set_roots(v, self->arch.kernel_root, self->arch.user_root);
	if (!rc) {
		memset(&v->regs, 0, sizeof(v->regs));
		v->regs.rip = ctx.rip;
		v->regs.rsp = ctx.rsp;
		v->regs.rdi = ctx.rdi;
		v->regs.rflags = X86_EFLAGS_IF | 0x2;
		pv_set_kernel_sp(v, ctx.kernel_sp);
		v->kernel_mode = true;
		v->vcpu_info->evtchn_upcall_mask = 1;
	}
	vcpu_end_initialise(v, !rc);
	return rc;
}

long do_vcpu_op(unsigned long cmd, unsigned long vcpu_id, unsigned long arg)
{
	struct vcpu *self = current_vcpu();
	struct domain *d = self->domain;
	struct keel_vcpu_runstate rs;

	if (vcpu_id >= d->nr_vcpus)
		return -ENOENT;
	struct vcpu *v = d->vcpus[vcpu_id];

	switch (cmd) {
	case KEEL_VCPUOP_initialise:
		return vcpu_initialise(v, arg);
	case KEEL_VCPUOP_up:
		/* Checked under the scheduler's lock: an unlocked look could
		 * see the vCPU down before its own VCPUOP_down has cleared
		 * its context, and report a start that did not happen. */
		return vcpu_start(v);
	case KEEL_VCPUOP_down:
		vcpu_stop(v);
		return 0;
	case KEEL_VCPUOP_is_up:
		return v->state != VCPU_DOWN;
	case KEEL_VCPUOP_get_runstate:
		rs = (struct keel_vcpu_runstate){
			.cpu_time_ns = vcpu_cpu_time_ns(v),
			.state = v->state == VCPU_RUNNING ? KEEL_RUNSTATE_running :
				 v->state == VCPU_RUNNABLE ? KEEL_RUNSTATE_runnable :
				 v->state == VCPU_BLOCKED ? KEEL_RUNSTATE_blocked :
							    KEEL_RUNSTATE_down,
			.pcpu = v->processor,
		};
		return copy_to_guest(arg, &rs, sizeof(rs)) ? -EFAULT : 0;
	case KEEL_VCPUOP_update_time:
		if (v != self)
			return -EINVAL;
		pv_vcpu_time_update(v);
		return 0;
	default:
		return -ENOSYS;
	}
}
