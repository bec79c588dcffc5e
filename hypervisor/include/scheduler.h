/*
 * The vCPU scheduler (common/scheduler.c): a weighted fair share. Each
 * vCPU's vruntime grows by its run time scaled by 256 / weight; a CPU runs
 * the runnable vCPU with the smallest vruntime from its own queue, or
 * steals one from another CPU's queue when its own is empty. A running
 * vCPU is preempted after a 10 ms slice when another is waiting.
 *
 * Scheduling happens only on the way back to a guest (or in the idle
 * loop): hypercalls and interrupt handlers ask for it with
 * sched_request_reschedule() and never switch stacks themselves.
 */
#ifndef KEEL_SCHEDULER_H
#define KEEL_SCHEDULER_H

#include <domain.h>

void scheduler_init(void);
void scheduler_cpu_init(unsigned int cpu);
/* End a block: make a BLOCKED vCPU runnable (and kick its CPU). */
void vcpu_wake(struct vcpu *v);
/* Start an initialised DOWN vCPU (VCPUOP_up, unpause); -EINVAL if it has
 * no context (never initialised, or it took itself down). */
int vcpu_start(struct vcpu *v);
/* The calling vCPU blocks unless an event is already pending. */
void vcpu_block_current(void);
/* Take a vCPU off the CPUs for good (shutdown, vcpu down); it needs a
 * new context (VCPUOP_initialise) before it can start again. */
void vcpu_stop(struct vcpu *v);
/* Per CPU: the scheduler must run before this CPU returns to a guest.
 * Set by the CPU itself or by another's kick; cleared only by the
 * scheduler on its own CPU. */
extern bool reschedule_requested[NR_CPUS];

/* Ask this CPU to reschedule before it returns to a guest. */
static inline void sched_request_reschedule(void)
{
	reschedule_requested[smp_processor_id()] = true;
}

/* Inline: the exit path asks on every return to a guest. */
static inline bool sched_reschedule_pending(void)
{
	return READ_ONCE(reschedule_requested[smp_processor_id()]);
}
/* Make a vCPU that may be running elsewhere notice new events. */
void vcpu_kick(struct vcpu *v);
/* VCPUOP_initialise: claim @v (down, off-CPU, not being initialised by
 * another call; -EEXIST if up, -EBUSY otherwise) and make it unstartable
 * until vcpu_end_initialise() publishes the outcome. */
int vcpu_begin_initialise(struct vcpu *v);
void vcpu_end_initialise(struct vcpu *v, bool initialised);
/* domain_pause() and the resuming half of domain_unpause(), with the
 * domain's lock held: set or clear d->paused (-EINVAL if it already is
 * or is not) and move its vCPUs off or back onto the CPUs. */
int scheduler_pause_domain(struct domain *d);
int scheduler_resume_domain(struct domain *d);
/* True when no vCPU of @d is on a CPU. */
bool domain_all_vcpus_off_cpu(struct domain *d);
/* Wake every online CPU that has nothing to run, so that each passes
 * through its idle loop's work (domain_reap) once more; false if no CPU
 * was idle. */
bool sched_kick_idle_cpus(void);
/* Return-to-guest work: reschedule if asked. May switch the frame at
 * @regs to another vCPU's, or leave for the idle loop and not return. */
void schedule_on_exit(struct cpu_user_regs *regs);
/* The idle loop's step: run a vCPU if one is ready (does not return
 * then). */
void schedule_from_idle(void);
/* The time @v has spent on a CPU, up to now: a slice in progress counts,
 * whichever CPU it runs on. */
uint64_t vcpu_cpu_time_ns(const struct vcpu *v);

long do_sched_op(unsigned long cmd, unsigned long arg);
long do_set_timer(unsigned long deadline);

#endif
