/*
 * Domains and vCPUs (common/domain.c).
 *
 * A domain owns guest memory, a shared-info page, event channels and up to
 * KEEL_MAX_VCPUS vCPUs. Its life: created paused by the domain builder,
 * unpaused, running; then shut down (by itself, with a reason, or crashed
 * by the hypervisor); then destroyed, which returns every frame.
 */
#ifndef KEEL_DOMAIN_H
#define KEEL_DOMAIN_H

#include <keel/callbacks.h>
#include <keel/sched.h>
#include <keel/event_channel.h>
#include <keel/shared_info.h>
#include <console_line.h>
#include <list.h>
#include <percpu.h>
#include <ratelimit.h>
#include <spinlock.h>
#include <timer_queue.h>
#include <types.h>
#include <asm/domain.h>
#include <asm/regs.h>

#define DOMAIN_NAME_MAX      32
#define DOMAIN_MAX_PORTS     1024	/* event channels per domain */
#define DOMAIN_DEFAULT_WEIGHT 256
#define CONSOLE_INPUT_RING   256	/* bytes of serial input; a power of two */

struct domain;
struct grant_table;

enum vcpu_run_state {
	VCPU_DOWN,	/* not started, or taken down */
	VCPU_RUNNABLE,	/* on a run queue */
	VCPU_RUNNING,	/* current on some physical CPU */
	VCPU_BLOCKED,	/* waiting for an event (block or poll) */
};

struct vcpu {
	struct domain *domain;
	unsigned int vcpu_id;
	unsigned int processor;		/* physical CPU it runs or queues on */
	enum vcpu_run_state state;
	bool initialised;		/* has a context to start from */
	bool initialising;		/* VCPUOP_initialise under way */
	bool kernel_mode;		/* guest kernel (true) or user mode */
	bool virtual_ts;		/* fpu_taskswitch(1) in effect */
	struct cpu_user_regs regs;	/* guest registers while not running */
	struct keel_vcpu_info *vcpu_info;	/* in the shared-info page */

	/* Scheduling. */
	struct list_head run_link;	/* on a run queue when RUNNABLE */
	uint64_t vruntime;		/* weighted run time, for fairness */
	uint64_t cpu_time_ns;		/* real run time */
	uint64_t last_start_ns;
	bool yielded;			/* SCHEDOP_yield: let others go first */

	/* Events and time. */
	struct timer oneshot_timer;	/* set_timer */
	keel_port_t virq_port[KEEL_NR_VIRQS];
	bool polling;			/* in SCHEDOP_poll */
	uint64_t poll_deadline;		/* its timeout (system time), or 0 */
	uint32_t nr_poll_ports;
	keel_port_t poll_ports[KEEL_SCHED_POLL_MAX_PORTS];
	struct timer poll_timer;

	struct arch_vcpu arch;
};

enum evtchn_state {
	EVTCHN_FREE = 0,
	EVTCHN_UNBOUND,
	EVTCHN_INTERDOMAIN,
	EVTCHN_VIRQ,
	EVTCHN_IPI,
	EVTCHN_GSI,			/* a device interrupt (gsi.h) */
	EVTCHN_MSI,			/* a device's MSI (msi.h) */
};

struct evtchn {
	uint8_t state;			/* enum evtchn_state */
	uint8_t pad;
	uint16_t notify_vcpu;
	union {
		uint16_t unbound_remote_domid;
		struct {
			struct domain *domain;
			keel_port_t port;
		} interdomain;
		uint32_t virq;
		uint32_t gsi;
		struct {
			uint16_t bdf;
			uint16_t slot;		/* in msi.c's table */
			int32_t entry;		/* MSI-X entry; -1: MSI */
		} msi;
	} u;
};

enum domain_state {
	DOMAIN_PAUSED,		/* built, not started */
	DOMAIN_RUNNING,
	DOMAIN_SHUTDOWN,	/* stopped; waiting to be destroyed */
	DOMAIN_DEAD,		/* destroyed; struct about to be freed */
};

struct domain {
	uint16_t domid;
	char name[DOMAIN_NAME_MAX];
	bool privileged;
	/* The hardware domain: the boot's first kernel module, when it is a
	 * control domain. It alone reaches the host's devices (the I/O ports
	 * Keel lets it have, asm/io_bitmap.h). There is never another: the
	 * role is not passed on when it ends. */
	bool hardware;
	unsigned int weight;
	enum domain_state state;
	/* Paused by a control domain (KEEL_DOMCTL_pause_domain): its vCPUs
	 * keep their states, but the scheduler picks none of them until
	 * domain_unpause(). Under the scheduler's lock. */
	bool paused;
	/* Built with keep_on_shutdown=1 (a toolstack's domain): once shut
	 * down it stays, holding its memory, until a control domain
	 * destroys it (which clears this) or no control domain is left. */
	bool keep_on_shutdown;
	uint32_t shutdown_reason;	/* KEEL_SHUTDOWN_* */
	char crash_reason[96];		/* why the hypervisor crashed it */
	struct list_head link;		/* domain list */
	spinlock_t lock;
	/* Short-lived references (domain_get/put) from code that found the
	 * domain through another one; destroy waits for them to drop. */
	uint32_t refcnt;

	unsigned int nr_vcpus;
	struct vcpu *vcpus[KEEL_MAX_VCPUS];

	struct keel_shared_info *shared_info;

	/* Guest memory, under the memory lock (common/memory.c): the frames
	 * the domain holds with an allocation reference, and its limit. */
	uint64_t tot_pages;
	uint64_t max_pages;

	/* The PV console (keel/io/console.h), when the builder gave it one
	 * (console_backend=): the domain that may serve it, and this
	 * domain's end of its event channel (0: no console). The ring's
	 * grant is KEEL_CONSOLE_GRANT_REF. Set before the domain is
	 * published, then constant. */
	uint16_t console_backend;
	keel_port_t console_port;

	/* Grant table and grant mappings (common/grant_table.c). */
	struct grant_table *grant_table;

	/* Event channels. */
	spinlock_t evtchn_lock;
	struct evtchn *evtchn;		/* DOMAIN_MAX_PORTS entries */

	/* Trap table and callbacks, shared by all vCPUs. */
	uint64_t trap_handler[256];	/* 0: no handler */
	uint8_t trap_flags[256];
	struct keel_callbacks callbacks;

	/* Console output (common/console_io.c). */
	spinlock_t console_lock;
	struct console_line console_line;	/* not yet ended by a newline */
	struct timer console_partial_timer;	/* shows the focus's line */
	struct ratelimit console_rate;		/* none for a control domain */
	uint64_t console_refused_bytes;		/* over the rate, all told */
	uint64_t console_refusal_reported_ns;	/* 0: never */
	/* Serial input for this domain, while it has the focus
	 * (common/console_input.c): a ring, head and tail counting up. */
	char console_input[CONSOLE_INPUT_RING];
	uint32_t input_head, input_tail;
	uint64_t input_dropped;

	struct arch_domain arch;
};

struct domain_config {
	char name[DOMAIN_NAME_MAX];
	uint64_t memory_bytes;
	uint64_t max_pages;		/* memory_op limit */
	unsigned int nr_vcpus;
	unsigned int weight;
	bool privileged;
	bool hardware;			/* see struct domain */
	bool keep_on_shutdown;		/* see struct domain */
	uint64_t user_window_bytes;
	const char *cmdline;		/* the guest's own command line */
};

/* Create a paused domain with its vCPUs (none initialised). It is not
 * on the domain list, so no lookup finds it, until domain_publish(); a
 * domain that fails to build is destroyed with domain_destroy(). */
int domain_create(const struct domain_config *cfg, struct domain **out);
void domain_publish(struct domain *d);
/* Start vCPU 0 of a domain that was built and never started, or let a
 * domain that domain_pause() paused run again; -EINVAL if it is neither. */
int domain_unpause(struct domain *d);
/* Keep every vCPU of a running domain off the CPUs until
 * domain_unpause(); -EINVAL if it is not running or already paused. A
 * vCPU on a CPU leaves it on its next way back to the guest. */
int domain_pause(struct domain *d);
/* Stop every vCPU and record why; idempotent (the first reason stays).
 * Raises KEEL_VIRQ_DOM_EXC in the control domains. */
void domain_shutdown(struct domain *d, uint32_t reason);
/* Shut the domain down as crashed, logging @why. For guest misbehaviour
 * that leaves no sane way to continue (an unbounceable fault). */
void domain_crash(struct domain *d, const char *why);
/* Free everything of a shut-down domain whose vCPUs are all off-CPU. */
void domain_destroy(struct domain *d);
/* Whether domain @domid is being destroyed right now (no longer found
 * by domain_by_id, not all its resources returned yet). */
bool domain_id_dying(uint16_t domid);
/* Destroy shut-down domains that are ready (not kept for a toolstack);
 * in test mode, end the machine when none is left. Called by every CPU's
 * idle loop, one at a time. */
void domain_reap(void);
/* Ask for a reap soon, from a path that has made a domain reapable
 * without stopping a vCPU (destroying a kept domain): idle CPUs are
 * woken to run domain_reap(), or, with none idle, this CPU passes
 * through its idle loop before it returns to its guest. */
void domain_reap_request(void);
/* Ask for a reap at this CPU's next pass through its idle loop. */
void domain_reap_soon(void);
/* Whether the reaper has work asked of it that no scan has taken yet. */
bool domain_reap_wanted(void);

/* Lookup by id; returns the domain with a reference the caller drops
 * with domain_put(), or NULL. */
struct domain *domain_by_id(uint16_t domid);
/* The same for the domain with the lowest id at or above @domid: a walk
 * over every domain, one call at a time. */
struct domain *domain_by_id_from(uint16_t domid);

/* Whether @domid, as a guest wrote it in a call, names @d itself:
 * KEEL_DOMID_SELF or @d's own id. */
static inline bool domid_names_self(const struct domain *d,
				    unsigned long domid)
{
	return domid == KEEL_DOMID_SELF || domid == d->domid;
}

static inline void domain_get(struct domain *d)
{
	__atomic_fetch_add(&d->refcnt, 1, __ATOMIC_SEQ_CST);
}

static inline void domain_put(struct domain *d)
{
	__atomic_fetch_sub(&d->refcnt, 1, __ATOMIC_SEQ_CST);
}
extern struct list_head domain_list;
extern spinlock_t domain_list_lock;
extern unsigned int nr_domains_created;

/* The vCPU each CPU runs, NULL in its idle loop. The scheduler writes
 * it, under its lock, for its own CPU only (common/scheduler.c). */
extern struct vcpu *running_vcpu[NR_CPUS];

/* The vCPU running on this CPU, or NULL in the idle loop. Inline: every
 * hypercall and every exit to a guest asks. */
static inline struct vcpu *current_vcpu(void)
{
	return running_vcpu[smp_processor_id()];
}

static inline const char *shutdown_reason_name(uint32_t reason)
{
	switch (reason) {
	case KEEL_SHUTDOWN_poweroff: return "poweroff";
	case KEEL_SHUTDOWN_reboot:   return "reboot";
	case KEEL_SHUTDOWN_crash:    return "crash";
	default:                     return "unknown";
	}
}

#endif
