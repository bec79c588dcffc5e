/*
 * The vCPU scheduler: weighted fair share over per-CPU run queues.
 *
 * Fairness: every vCPU carries a vruntime that grows by its run time times
 * DOMAIN_DEFAULT_WEIGHT / weight, so a domain of weight 512 gains vruntime
 * half as fast as one of 256 and, when both want the CPU, gets twice the
 * time. A CPU always picks the smallest vruntime. A woken vCPU starts no
 * lower than the smallest vruntime around, so sleeping earns no credit.
 *
 * Placement: a vCPU queues on its last CPU unless another CPU is idle; an
 * idle CPU with an empty queue steals from the others. That is how vCPUs
 * migrate, and why pvclock is refreshed whenever a vCPU is scheduled in.
 *
 * Locking: one lock guards every run queue and every vCPU's state. Keel
 * targets few CPUs; a per-CPU lock can come when measurements ask for it.
 *
 * When: scheduling happens only where a CPU leaves for a guest
 * (schedule_on_exit) or idles (schedule_from_idle). Everything else
 * requests it, setting a per-CPU flag and, for another CPU, sending an
 * IPI so that CPU reaches its exit path.
 */
#include <errno_values.h>
#include <event_channel.h>
#include <percpu.h>
#include <printk.h>
#include <scheduler.h>
#include <setup.h>
#include <smp.h>
#include <system_time.h>
#include <timer.h>
#include <asm/cpu.h>
#include <asm/pv.h>

#define SCHED_SLICE_NS (10 * NSEC_PER_MSEC)
#define WAKEUP_PREEMPT_NS (1 * NSEC_PER_MSEC)

struct sched_cpu {
	struct list_head runq;
	struct timer slice_timer;
};

static struct sched_cpu sched_cpus[NR_CPUS];
struct vcpu *running_vcpu[NR_CPUS];
bool reschedule_requested[NR_CPUS];
static spinlock_t sched_lock = SPINLOCK_INIT;

static struct sched_cpu *this_sched(void)
{
	return &sched_cpus[smp_processor_id()];
}

static void slice_expired(struct timer *t, void *data)
{
	(void)t;
	(void)data;
	sched_request_reschedule();
}

/* Every queue exists from the start: a CPU may look at another's queue
 * (to steal) before that CPU has come online. */
void scheduler_init(void)
{
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		list_init(&sched_cpus[cpu].runq);
}

void scheduler_cpu_init(unsigned int cpu)
{
	timer_init(&sched_cpus[cpu].slice_timer, slice_expired, NULL, cpu);
}

static void kick_cpu(unsigned int cpu)
{
	reschedule_requested[cpu] = true;
	if (cpu != smp_processor_id())
		arch_send_event_check_ipi(cpu);
}

/*
 * Time of @v's slice in progress: how long it has been on its CPU since
 * it was last charged, or 0 when it is not on a CPU. Lock held.
 *
 * Every reader of run time adds this, because account_locked() charges a
 * vCPU only when it leaves its CPU or its slice ends: a vCPU that has run
 * without a break since it started would otherwise read 0.
 */
static uint64_t slice_in_progress_locked(const struct vcpu *v)
{
	uint64_t now = now_ns();

	if (running_vcpu[v->processor] != v || now < v->last_start_ns)
		return 0;
	return now - v->last_start_ns;
}

/* @v's vruntime as of now, the slice in progress included. Lock held. */
static uint64_t vruntime_now_locked(const struct vcpu *v)
{
	return v->vruntime + slice_in_progress_locked(v) *
	       DOMAIN_DEFAULT_WEIGHT / v->domain->weight;
}

/* Charge the running vCPU of this CPU for the time since it started. */
static void account_locked(struct vcpu *v)
{
	uint64_t now = now_ns();
	uint64_t ran = now > v->last_start_ns ? now - v->last_start_ns : 0;

	v->cpu_time_ns += ran;
	v->vruntime += ran * DOMAIN_DEFAULT_WEIGHT / v->domain->weight;
	v->last_start_ns = now;
}

uint64_t vcpu_cpu_time_ns(const struct vcpu *v)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);
	uint64_t t = v->cpu_time_ns + slice_in_progress_locked(v);

	spin_unlock_irqrestore(&sched_lock, flags);
	return t;
}

/* The smallest vruntime of the vCPUs that compete for the CPUs: those
 * of a paused domain do not (their stale, low vruntimes would give
 * every vCPU that wakes meanwhile a head start). */
static uint64_t min_vruntime(void)
{
	uint64_t min = UINT64_MAX;

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		struct sched_cpu *sc = &sched_cpus[cpu];
		struct vcpu *curr = running_vcpu[cpu];
		struct list_head *pos;

		if (curr && !curr->domain->paused &&
		    vruntime_now_locked(curr) < min)
			min = vruntime_now_locked(curr);
		list_for_each(pos, &sc->runq) {
			struct vcpu *v = list_entry(pos, struct vcpu, run_link);
			if (!v->domain->paused && v->vruntime < min)
				min = v->vruntime;
		}
	}
	return min == UINT64_MAX ? 0 : min;
}

static struct vcpu *queue_min(struct sched_cpu *sc);

/* An online CPU with nothing to run: no current vCPU, and none on its
 * queue but paused ones. */
static bool cpu_idle_locked(unsigned int cpu)
{
	return percpu_of(cpu) && percpu_of(cpu)->online &&
	       !running_vcpu[cpu] && !queue_min(&sched_cpus[cpu]);
}

bool sched_kick_idle_cpus(void)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);
	bool any = false;

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		if (cpu_idle_locked(cpu)) {
			kick_cpu(cpu);
			any = true;
		}
	spin_unlock_irqrestore(&sched_lock, flags);
	return any;
}

static unsigned int pick_cpu_locked(struct vcpu *v)
{
	if (!running_vcpu[v->processor] &&
	    percpu_of(v->processor) && percpu_of(v->processor)->online)
		return v->processor;
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		if (cpu_idle_locked(cpu))
			return cpu;
	return v->processor;
}

/* Make @v runnable if it is blocked, or, with @start, if it is down (and
 * initialised): only VCPUOP_up and unpausing start a vCPU; events and
 * timeouts only end a block. Returns whether @v was initialised, as seen
 * under the lock (a vCPU taking itself down clears it there). */
static bool wake(struct vcpu *v, bool start)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);
	bool initialised = v->initialised;

	if ((v->state == VCPU_BLOCKED || (start && v->state == VCPU_DOWN)) &&
	    v->domain->state == DOMAIN_RUNNING && v->initialised) {
		uint64_t floor = min_vruntime();

		if (v->polling)
			timer_stop(&v->poll_timer);
		v->polling = false;
		if (running_vcpu[v->processor] == v) {
			/* It blocked but has not left its CPU yet (its
			 * registers are still live there): it just goes on
			 * running, and nobody else may pick it up. */
			v->state = VCPU_RUNNING;
			spin_unlock_irqrestore(&sched_lock, flags);
			return true;
		}
		v->state = VCPU_RUNNABLE;
		if (v->vruntime < floor)
			v->vruntime = floor;
		v->processor = pick_cpu_locked(v);
		list_add_tail(&v->run_link, &sched_cpus[v->processor].runq);
		struct vcpu *curr = running_vcpu[v->processor];
		if (!curr || v->vruntime + WAKEUP_PREEMPT_NS <
			     vruntime_now_locked(curr))
			kick_cpu(v->processor);
	}
	spin_unlock_irqrestore(&sched_lock, flags);
	return initialised;
}

void vcpu_wake(struct vcpu *v)
{
	wake(v, false);
}

int vcpu_start(struct vcpu *v)
{
	return wake(v, true) ? 0 : -EINVAL;
}

void vcpu_block_current(void)
{
	struct vcpu *v = current_vcpu();
	unsigned long flags = spin_lock_irqsave(&sched_lock);

	/* Stopped meanwhile (shutdown, vcpu down): stay stopped. */
	if (v->state != VCPU_RUNNING) {
		spin_unlock_irqrestore(&sched_lock, flags);
		return;
	}
	v->state = VCPU_BLOCKED;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	/* An event that arrived before the state change would have found the
	 * vCPU running and not woken it: look once more. */
	bool wake = READ_ONCE(v->vcpu_info->evtchn_upcall_pending);
	for (unsigned int i = 0; v->polling && i < v->nr_poll_ports; i++)
		if (evtchn_port_is_pending(v->domain, v->poll_ports[i]))
			wake = true;
	/* The poll's timeout may have fired while the vCPU still ran (its
	 * wake-up then found nothing to wake): the deadline itself says so. */
	if (v->polling && v->poll_deadline && now_ns() >= v->poll_deadline)
		wake = true;
	if (wake) {
		v->state = VCPU_RUNNING;
		if (v->polling)
			timer_stop(&v->poll_timer);
		v->polling = false;
	} else {
		sched_request_reschedule();
	}
	spin_unlock_irqrestore(&sched_lock, flags);
}

void vcpu_stop(struct vcpu *v)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);

	if (v->state == VCPU_RUNNABLE)
		list_del(&v->run_link);
	if (v->state == VCPU_RUNNING)
		kick_cpu(v->processor);
	v->state = VCPU_DOWN;
	if (v->polling)
		timer_stop(&v->poll_timer);
	v->polling = false;
	/* Under the lock, so nothing can start it again before it is given
	 * a new context. */
	v->initialised = false;
	spin_unlock_irqrestore(&sched_lock, flags);
}

void vcpu_kick(struct vcpu *v)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);
	enum vcpu_run_state state = v->state;
	unsigned int cpu = v->processor;

	spin_unlock_irqrestore(&sched_lock, flags);
	if (state == VCPU_BLOCKED)
		vcpu_wake(v);
	else if (state == VCPU_RUNNING && cpu != smp_processor_id())
		arch_send_event_check_ipi(cpu);	/* deliver on its way out */
}

int vcpu_begin_initialise(struct vcpu *v)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);
	int rc = 0;

	if (v->state != VCPU_DOWN)
		rc = -EEXIST;
	else if (running_vcpu[v->processor] == v || v->initialising)
		rc = -EBUSY;
	else {
		v->initialised = false;
		v->initialising = true;
	}
	spin_unlock_irqrestore(&sched_lock, flags);
	return rc;
}

void vcpu_end_initialise(struct vcpu *v, bool initialised)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);

	v->initialised = initialised;
	v->initialising = false;
	spin_unlock_irqrestore(&sched_lock, flags);
}

bool domain_all_vcpus_off_cpu(struct domain *d)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);
	bool off = true;

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		if (running_vcpu[cpu] && running_vcpu[cpu]->domain == d)
			off = false;
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (d->vcpus[i]->state == VCPU_RUNNABLE ||
		    d->vcpus[i]->state == VCPU_RUNNING)
			off = false;
	spin_unlock_irqrestore(&sched_lock, flags);
	return off;
}

/*
 * Pausing. A paused domain's vCPUs keep their states: a runnable one
 * stays on its queue, where queue_min() passes over it; a running one is
 * sent back through its exit path, where schedule_on_exit() queues it;
 * a blocked one may still be woken by an event, and then waits on its
 * queue too. Unpausing only has to kick the CPUs those queues belong to.
 */
int scheduler_pause_domain(struct domain *d)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);

	if (d->paused) {
		spin_unlock_irqrestore(&sched_lock, flags);
		return -EINVAL;
	}
	d->paused = true;
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpus[i];

		if (v->state == VCPU_RUNNING)
			kick_cpu(v->processor);
	}
	spin_unlock_irqrestore(&sched_lock, flags);
	return 0;
}

int scheduler_resume_domain(struct domain *d)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);

	if (!d->paused) {
		spin_unlock_irqrestore(&sched_lock, flags);
		return -EINVAL;
	}
	/* The others' floor, while the domain's own vCPUs do not count. */
	uint64_t floor = min_vruntime();
	d->paused = false;
	bool any = false;
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpus[i];

		if (v->state != VCPU_RUNNABLE)
			continue;
		/* As after a block: the time paused earns no credit. */
		if (v->vruntime < floor)
			v->vruntime = floor;
		kick_cpu(v->processor);
		any = true;
	}
	/* An idle CPU steals what its own queue lacks: wake those too. */
	for (unsigned int cpu = 0; any && cpu < NR_CPUS; cpu++)
		if (percpu_of(cpu) && percpu_of(cpu)->online &&
		    !running_vcpu[cpu])
			kick_cpu(cpu);
	spin_unlock_irqrestore(&sched_lock, flags);
	return 0;
}

/* The runnable vCPU with the smallest vruntime on @sc's queue, passing
 * over those of paused domains. */
static struct vcpu *queue_min(struct sched_cpu *sc)
{
	struct vcpu *best = NULL;
	struct list_head *pos;

	list_for_each(pos, &sc->runq) {
		struct vcpu *v = list_entry(pos, struct vcpu, run_link);
		if (!v->domain->paused &&
		    (!best || v->vruntime < best->vruntime))
			best = v;
	}
	return best;
}

static struct vcpu *pick_next_locked(unsigned int cpu)
{
	struct vcpu *next = queue_min(&sched_cpus[cpu]);

	if (next)
		return next;
	/* Nothing here: take the best waiting vCPU of another CPU. */
	for (unsigned int other = 0; other < NR_CPUS; other++) {
		struct vcpu *v = queue_min(&sched_cpus[other]);
		if (v && (!next || v->vruntime < next->vruntime))
			next = v;
	}
	return next;
}

/* Make @next current on this CPU (lock held, @next dequeued). */
static void set_running_locked(struct sched_cpu *sc, struct vcpu *next)
{
	list_del(&next->run_link);
	next->state = VCPU_RUNNING;
	next->processor = smp_processor_id();
	next->last_start_ns = now_ns();
	running_vcpu[smp_processor_id()] = next;
}

/* Timers follow their vCPU to the CPU it now runs on. */
static void vcpu_timers_follow(struct vcpu *v)
{
	timer_migrate(&v->oneshot_timer, v->processor);
	timer_migrate(&v->poll_timer, v->processor);
}

static void arm_slice(struct sched_cpu *sc)
{
	timer_set(&sc->slice_timer, now_ns() + SCHED_SLICE_NS);
}

static __noreturn void enter_idle(void)
{
	idle_loop();
}

void schedule_on_exit(struct cpu_user_regs *regs)
{
	struct sched_cpu *sc = this_sched();

	if (!sched_reschedule_pending())
		return;
	reschedule_requested[smp_processor_id()] = false;

	spin_lock(&sched_lock);
	struct vcpu *prev = running_vcpu[smp_processor_id()];
	account_locked(prev);
	/* A vCPU of a domain that has shut down does not run again. */
	if (prev->state == VCPU_RUNNING && prev->domain->state != DOMAIN_RUNNING)
		prev->state = VCPU_DOWN;
	bool prev_runs = prev->state == VCPU_RUNNING;
	bool yielded = prev->yielded;
	prev->yielded = false;
	/* The reaper runs in the idle loop. When it has work (a request, or
	 * the last vCPU of a domain that shut down leaving here), this CPU
	 * goes through the idle loop, which then picks the next vCPU: with
	 * every CPU busy, no CPU would ever idle otherwise, and a destroyed
	 * domain would never be freed. */
	if (prev->state == VCPU_DOWN && prev->domain->state == DOMAIN_SHUTDOWN)
		domain_reap_soon();
	bool reap = domain_reap_wanted();
	struct vcpu *next = reap ? NULL : pick_next_locked(smp_processor_id());

	if (prev_runs && !prev->domain->paused && !reap &&
	    (!next || (!yielded && prev->vruntime <= next->vruntime))) {
		spin_unlock(&sched_lock);
		arm_slice(sc);
		return;		/* keep running prev */
	}
	/*
	 * prev leaves this CPU. Save its registers and FPU state before the
	 * lock is dropped: from then on another CPU may pick it up and must
	 * find its real state.
	 */
	pv_save_context(prev, regs);
	/* Leave prev's page tables while the lock still keeps its domain
	 * from being destroyed (the reaper waits until it is off-CPU), and
	 * its roots where they are. */
	pv_leave_address_space(next);
	if (prev_runs) {
		prev->state = VCPU_RUNNABLE;
		list_add_tail(&prev->run_link, &sc->runq);
	}
	if (!next) {
		running_vcpu[smp_processor_id()] = NULL;
		spin_unlock(&sched_lock);
		reset_stack_and_jump(enter_idle);
	}
	set_running_locked(sc, next);
	spin_unlock(&sched_lock);
	pv_load_context(next, regs);
	vcpu_timers_follow(next);
	arm_slice(sc);
}

void schedule_from_idle(void)
{
	struct sched_cpu *sc = this_sched();

	spin_lock(&sched_lock);
	struct vcpu *next = pick_next_locked(smp_processor_id());
	if (!next) {
		reschedule_requested[smp_processor_id()] = false;
		spin_unlock(&sched_lock);
		return;
	}
	set_running_locked(sc, next);
	reschedule_requested[smp_processor_id()] = false;
	spin_unlock(&sched_lock);

	struct cpu_user_regs *regs = guest_regs();
	pv_load_context(next, regs);
	vcpu_timers_follow(next);
	arm_slice(sc);
	jump_to_guest(regs);
}

/* sched_op and set_timer */

static long sched_poll(unsigned long arg)
{
	struct vcpu *v = current_vcpu();
	struct keel_sched_poll p;

	if (copy_from_guest(&p, arg, sizeof(p)))
		return -EFAULT;
	if (p.nr_ports == 0 || p.nr_ports > KEEL_SCHED_POLL_MAX_PORTS)
		return -EINVAL;
	if (copy_from_guest(v->poll_ports, p.ports,
			    p.nr_ports * sizeof(keel_port_t)))
		return -EFAULT;
	for (uint32_t i = 0; i < p.nr_ports; i++)
		if (v->poll_ports[i] == 0 ||
		    v->poll_ports[i] >= DOMAIN_MAX_PORTS)
			return -EINVAL;
	v->nr_poll_ports = p.nr_ports;
	v->poll_deadline = p.timeout;
	v->polling = true;
	if (p.timeout) {
		if (p.timeout <= now_ns()) {
			v->polling = false;
			return 0;
		}
		timer_set(&v->poll_timer, p.timeout);
	}
	vcpu_block_current();
	return 0;
}

long do_sched_op(unsigned long cmd, unsigned long arg)
{
	struct vcpu *v = current_vcpu();
	struct keel_sched_shutdown sd;

	switch (cmd) {
	case KEEL_SCHEDOP_yield:
		v->yielded = true;
		sched_request_reschedule();
		return 0;
	case KEEL_SCHEDOP_block:
		/* Like sti; hlt: events are enabled by blocking. */
		WRITE_ONCE(v->vcpu_info->evtchn_upcall_mask, 0);
		vcpu_block_current();
		return 0;
	case KEEL_SCHEDOP_poll:
		return sched_poll(arg);
	case KEEL_SCHEDOP_shutdown:
		if (copy_from_guest(&sd, arg, sizeof(sd)))
			return -EFAULT;
		if (sd.reason > KEEL_SHUTDOWN_crash)
			return -EINVAL;
		domain_shutdown(v->domain, sd.reason);
		return 0;
	default:
		return -ENOSYS;
	}
}

long do_set_timer(unsigned long deadline)
{
	struct vcpu *v = current_vcpu();

	if (deadline == 0)
		timer_stop(&v->oneshot_timer);
	else
		timer_set(&v->oneshot_timer, deadline);
	return 0;
}
