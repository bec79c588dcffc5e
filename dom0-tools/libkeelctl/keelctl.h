/*
 * libkeelctl: the control domain's library for managing Keel's domains.
 *
 * pvctl and the dom0 backends reach the hypervisor only through this
 * library and the public ABI headers (hypercall-abi/include/keel/). It
 * talks to Keel through /dev/keel/privcmd, the patched Linux's device
 * for hypercalls (include/keel-linux/privcmd.h), or, in the unit tests,
 * through a transport that stands in for it.
 *
 * Every function returns 0 (or a count, where it says so) on success and
 * a negative errno on failure. Keel's errors are Linux's numbers, so
 * strerror(-rc) describes them; what each means for each call is in
 * hypercall-abi/docs/hypercalls.md. A handle is not thread-safe.
 */
#ifndef KEELCTL_H
#define KEELCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <keel/console.h>
#include <keel/domctl.h>
#include <keel-linux/gntdev.h>

/* How the library reaches Keel. */
struct keelctl_transport {
	/* Issue hypercall @op (hypercalls.def) with @args: its result, 0 or
	 * more, or a negative errno. */
	long (*hypercall)(void *opaque, unsigned int op,
			  const uint64_t args[5]);
	/* @size bytes of zeroed memory that Keel can read and write during a
	 * hypercall (present, writable, not copy-on-write); NULL when there
	 * is none. Every pointer the library passes to Keel points into such
	 * a buffer. */
	void *(*buffer_alloc)(void *opaque, size_t size);
	void (*buffer_free)(void *opaque, void *buf, size_t size);
	/* keelctl_close()'s last step; may be NULL. */
	void (*close)(void *opaque);
	void *opaque;
};

struct keelctl;

/* A handle over /dev/keel/privcmd. -ENOENT: there is no such device (not
 * a Keel control domain); -EACCES or -EPERM: the caller is not root. */
int keelctl_open(struct keelctl **out);
/* A handle over @transport (copied); NULL when out of memory. */
struct keelctl *keelctl_open_transport(const struct keelctl_transport *t);
void keelctl_close(struct keelctl *h);

/* KEEL_ABI_VERSION of the running hypervisor, and its version string. */
int keelctl_abi_version(struct keelctl *h, uint32_t *version);
int keelctl_version_string(struct keelctl *h, char *out, size_t size);

int keelctl_physinfo(struct keelctl *h, struct keel_domctl_physinfo *out);

/* Domain @domid; -ESRCH if there is none, -EBUSY while it is being
 * destroyed. */
int keelctl_domain_info(struct keelctl *h, uint16_t domid,
			struct keel_domctl_getinfo *out);
/* Every live domain, in id order, into a malloc()ed array the caller
 * frees; returns how many. */
int keelctl_domain_list(struct keelctl *h, struct keel_domctl_getinfo **out);
/* The domain @what names: a decimal id, or else a name. -ESRCH if none
 * has it; -EEXIST if several domains have that name. */
int keelctl_domain_lookup(struct keelctl *h, const char *what,
			  struct keel_domctl_getinfo *out);

/* Build a paused domain from the PV kernel @image with the domain
 * builder's @options ("name=N mem=M vcpus=N -- guest command line",
 * pv-boot-protocol.md section 3) and, unless @initrd is NULL, an initial
 * ramdisk. -E2BIG: image, initrd or options over Keel's limits, before
 * any hypercall; -ENOBUFS: no buffer for them here (-ENOMEM is Keel's:
 * no memory for the domain). */
int keelctl_domain_create(struct keelctl *h, const void *image,
			  size_t image_size, const void *initrd,
			  size_t initrd_size, const char *options,
			  uint16_t *domid);
int keelctl_domain_unpause(struct keelctl *h, uint16_t domid);
int keelctl_domain_pause(struct keelctl *h, uint16_t domid);
/* Shut the domain down at once; Keel frees it when its vCPUs are off
 * the CPUs. */
int keelctl_domain_destroy(struct keelctl *h, uint16_t domid);
/* Ask the domain to shut down (KEEL_SHUTDOWN_poweroff or _reboot); the
 * guest does it, or not: watch with keelctl_domain_info(). */
int keelctl_domain_request_shutdown(struct keelctl *h, uint16_t domid,
				    uint32_t reason);
/* vCPU @vcpu of domain @domid; -ENOENT past the last. */
int keelctl_vcpu_info(struct keelctl *h, uint16_t domid, uint32_t vcpu,
		      struct keel_domctl_getvcpuinfo *out);
/* Where domain @domid's PV console is (keel/io/console.h): its ring's
 * grant and the domain's port. -ENOENT if it has none. */
int keelctl_domain_console(struct keelctl *h, uint16_t domid,
			   struct keel_domctl_getconsole *out);

/*
 * Domain events: Keel raises KEEL_VIRQ_DOM_EXC in the control domains when
 * a domain shuts down and when one has been freed. A handle over
 * /dev/keel/evtchn (include/keel-linux/evtchn.h) binds it: open it before
 * looking at the state to wait for, and no change after that is missed.
 * -ENOENT: no such device (a kernel without it).
 */
struct keelctl_events;
int keelctl_events_open(struct keelctl_events **out);
/* Wait at most @timeout_ms (negative: without end) for an event since
 * the last wait: 1 if one came, 0 if not, or a negative errno. */
int keelctl_events_wait(struct keelctl_events *e, int timeout_ms);
void keelctl_events_close(struct keelctl_events *e);

/* Wait at most @timeout_ms until domain @domid no longer exists (its
 * memory all returned): 0, or -ETIMEDOUT. With @events it sleeps until
 * Keel reports a change; with NULL it looks every millisecond. */
int keelctl_domain_wait_gone(struct keelctl *h, struct keelctl_events *events,
			     uint16_t domid, unsigned int timeout_ms);
/* The same until domain @domid has shut down, or is being freed: 0 with
 * its state in @info (KEEL_DOMINFO_shutdown set, KEEL_DOMINFO_dying if it
 * is going), -ESRCH if it is gone, or -ETIMEDOUT. */
int keelctl_domain_wait_shutdown(struct keelctl *h,
				 struct keelctl_events *events, uint16_t domid,
				 unsigned int timeout_ms,
				 struct keel_domctl_getinfo *info);

/*
 * A backend's event channel to a frontend, over a /dev/keel/evtchn file
 * of its own: bind the port the frontend's domain offered this one,
 * poll() its fd, and after each wake-up call keelctl_channel_ack()
 * before looking at the ring, so that no later event is missed.
 */
struct keelctl_channel;
int keelctl_channel_bind(uint16_t remote_domain, uint32_t remote_port,
			 struct keelctl_channel **out);
int keelctl_channel_fd(const struct keelctl_channel *c);
/* Take the reports waiting and re-arm: 1 if there were any, 0 if not. */
int keelctl_channel_ack(struct keelctl_channel *c);
int keelctl_channel_notify(struct keelctl_channel *c);
void keelctl_channel_close(struct keelctl_channel *c);

/*
 * Grant copies over /dev/keel/gntdev (include/keel-linux/gntdev.h):
 * bytes between this process's memory and pages other domains granted
 * this one. keelctl_grant_copy() returns 0 when every segment ran (each
 * has its own status) or a negative errno for the whole call.
 */
struct keelctl_grants;
int keelctl_grants_open(struct keelctl_grants **out);
int keelctl_grant_copy(struct keelctl_grants *g,
		       struct keel_gntdev_copy_segment *segments,
		       unsigned int count);
void keelctl_grants_close(struct keelctl_grants *g);

/* Copy hypervisor log bytes from *@pos (0 at first) into @buf: the
 * number copied (0: nothing new), with *@pos advanced. */
long keelctl_console_read(struct keelctl *h, char *buf, size_t len,
			  uint64_t *pos);

/* Check @image as Keel's domain builder will (the same code): 0, or
 * -EINVAL with @why set to a sentence naming the problem. */
int keelctl_image_check(const void *image, size_t size, const char **why);

/* "poweroff", "reboot", "crash", ... for a KEEL_SHUTDOWN_* value. */
const char *keelctl_shutdown_reason_name(uint32_t reason);

#endif
