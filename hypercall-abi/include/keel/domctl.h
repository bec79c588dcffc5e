/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* domctl(cmd, arg): domain control, for the control domain only. */
#ifndef KEEL_PUBLIC_DOMCTL_H
#define KEEL_PUBLIC_DOMCTL_H

#include "keel.h"

#define KEEL_DOMCTL_getinfo  0	/* arg: struct keel_domctl_getinfo */
#define KEEL_DOMCTL_physinfo 1	/* arg: struct keel_domctl_physinfo */
#define KEEL_DOMCTL_create_domain  2	/* arg: struct keel_domctl_create_domain */
#define KEEL_DOMCTL_unpause_domain 3	/* arg: domain id */
#define KEEL_DOMCTL_destroy_domain 4	/* arg: domain id */
#define KEEL_DOMCTL_pause_domain   5	/* arg: domain id (ABI 1.3) */
#define KEEL_DOMCTL_getinfo_next   6	/* arg: struct keel_domctl_getinfo
					 * (ABI 1.3) */
#define KEEL_DOMCTL_create_domain_initrd 7
			/* arg: struct keel_domctl_create_domain_initrd
			 * (ABI 1.3) */
#define KEEL_DOMCTL_request_shutdown 8	/* arg: struct
					 * keel_domctl_request_shutdown
					 * (ABI 1.3) */
#define KEEL_DOMCTL_getvcpuinfo    9	/* arg: struct keel_domctl_getvcpuinfo
					 * (ABI 1.3) */
#define KEEL_DOMCTL_getconsole     10	/* arg: struct keel_domctl_getconsole
					 * (ABI 1.5) */

#define KEEL_DOMINFO_running    (1u << 0)	/* some vCPU is running */
#define KEEL_DOMINFO_blocked    (1u << 1)	/* every up vCPU is blocked */
#define KEEL_DOMINFO_shutdown   (1u << 2)	/* shut down; see reason */
#define KEEL_DOMINFO_privileged (1u << 3)	/* a control domain */
#define KEEL_DOMINFO_paused     (1u << 4)	/* built and not yet started,
						 * or paused (ABI 1.3) */
#define KEEL_DOMINFO_dying      (1u << 5)	/* shut down, and to be freed:
						 * destroyed, or not kept
						 * (ABI 1.4) */

/* Information on domain `domid`; -KEEL_ESRCH if there is none, -KEEL_EBUSY
 * while it is being destroyed (not all its memory is free yet).
 * getinfo_next: the same for the live domain with the lowest id at or
 * above `domid`, whose id it writes to `domid`; -KEEL_ESRCH if none.
 * The caller writes domid; the hypervisor writes everything else. */
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

/* Build a paused domain from an ELF image in the caller's memory, as the
 * boot-time builder does from a Multiboot2 module
 * (hypercall-abi/docs/pv-boot-protocol.md). The config is the module
 * command line: "name=web mem=16M vcpus=1 -- guest args". privileged=
 * defaults to 0. Start it with KEEL_DOMCTL_unpause_domain. */
#define KEEL_DOMCTL_IMAGE_MAX   (32u << 20)	/* bytes (16 MiB before 1.3) */
#define KEEL_DOMCTL_CONFIG_MAX  256		/* bytes, with the NUL */
struct keel_domctl_create_domain {
	uint64_t image;		/* IN: guest address of the ELF image */
	uint64_t image_size;	/* IN: its size in bytes */
	uint64_t config;	/* IN: guest address of the NUL-terminated
				 * command line */
	keel_domid_t domid;	/* OUT: the new domain */
	uint16_t pad[3];	/* zero */
};

/* The same, with an initial ramdisk from the caller's memory, which the
 * builder places and describes as it does a boot-time "initrd" module.
 * Keel copies it straight into the new domain's memory. */
#define KEEL_DOMCTL_INITRD_MAX  (64u << 20)	/* bytes */
struct keel_domctl_create_domain_initrd {
	struct keel_domctl_create_domain domain;	/* IN/OUT: as above */
	uint64_t initrd;	/* IN: guest address of the initrd */
	uint64_t initrd_size;	/* IN: 1 .. KEEL_DOMCTL_INITRD_MAX bytes */
};

/* Ask domain `domid` to shut down, as xl shutdown does: the hypervisor
 * writes reason + 1 to its shared_info's shutdown_request and raises its
 * KEEL_VIRQ_SHUTDOWN_REQUEST. The guest decides what to do (Linux runs
 * its orderly poweroff or reboot). The caller writes every field. */
struct keel_domctl_request_shutdown {
	keel_domid_t domid;
	uint16_t pad;		/* zero */
	uint32_t reason;	/* KEEL_SHUTDOWN_poweroff or _reboot */
};

/* One vCPU of a domain, for vcpu-list. The caller writes domid and vcpu;
 * the hypervisor writes the rest. */
#define KEEL_VCPUINFO_down     0	/* not started, or taken down */
#define KEEL_VCPUINFO_runnable 1	/* waiting for a CPU */
#define KEEL_VCPUINFO_running  2	/* on a CPU now */
#define KEEL_VCPUINFO_blocked  3	/* waiting for an event */
struct keel_domctl_getvcpuinfo {
	keel_domid_t domid;	/* IN */
	uint16_t pad;		/* IN: zero */
	uint32_t vcpu;		/* IN: its index in the domain */
	uint32_t state;		/* OUT: KEEL_VCPUINFO_* */
	uint32_t processor;	/* OUT: the physical CPU it runs or last ran
				 * or queues on */
	uint64_t cpu_time_ns;	/* OUT: its time on a CPU, up to now */
};

/* The PV console of domain `domid` (keel/io/console.h), for its backend:
 * the grant reference of its ring page and the domain's port, which the
 * backend binds with bind_interdomain. -KEEL_ENOENT if the domain was
 * built without console_backend=. The caller writes domid and pad; the
 * hypervisor writes the rest. */
struct keel_domctl_getconsole {
	keel_domid_t domid;	/* IN */
	uint16_t pad;		/* IN: zero */
	keel_domid_t backend;	/* OUT: the domain that may serve it */
	uint16_t pad2;		/* OUT: zero */
	uint32_t grant_ref;	/* OUT: of the ring page, in domid's table */
	uint32_t port;		/* OUT: domid's end of the event channel */
};

#endif
