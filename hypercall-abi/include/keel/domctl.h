/* domctl(cmd, arg): domain control, for the control domain only. */
#ifndef KEEL_PUBLIC_DOMCTL_H
#define KEEL_PUBLIC_DOMCTL_H

#include "keel.h"

#define KEEL_DOMCTL_getinfo  0	/* arg: struct keel_domctl_getinfo */
#define KEEL_DOMCTL_physinfo 1	/* arg: struct keel_domctl_physinfo */

#define KEEL_DOMINFO_running    (1u << 0)	/* some vCPU is running */
#define KEEL_DOMINFO_blocked    (1u << 1)	/* every up vCPU is blocked */
#define KEEL_DOMINFO_shutdown   (1u << 2)	/* shut down; see reason */
#define KEEL_DOMINFO_privileged (1u << 3)	/* a control domain */

/* Information on domain `domid`, or -KEEL_ESRCH. */
struct keel_domctl_getinfo {
	keel_domid_t domid;	/* IN */
	uint16_t pad;
	uint32_t flags;		/* OUT: KEEL_DOMINFO_* */
	uint32_t shutdown_reason; /* OUT: KEEL_SHUTDOWN_*, if shut down */
	uint32_t nr_vcpus;	/* OUT */
	uint32_t nr_vcpus_up;	/* OUT */
	uint32_t weight;	/* OUT: scheduler weight */
	uint64_t cpu_time_ns;	/* OUT: total over all vCPUs */
	uint64_t nr_pages;	/* OUT: guest memory in pages */
	char name[32];		/* OUT: NUL-terminated */
};

struct keel_domctl_physinfo {
	uint32_t nr_cpus;	/* OUT: physical CPUs online */
	uint32_t pad;
	uint64_t total_frames;	/* OUT: frames the allocator manages */
	uint64_t free_frames;	/* OUT */
};

#endif
