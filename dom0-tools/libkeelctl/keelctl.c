/*
 * libkeelctl's calls (keelctl.h), over any transport: each call puts its
 * structure, and whatever the structure points to, into a transport
 * buffer, issues the hypercall, and copies the results back out. Nothing
 * the caller passes is handed to Keel directly.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <keel/keel.h>
#include <keel/sched.h>

#include "keelctl.h"

/* Big enough for every fixed-size structure of a call. */
#define KEELCTL_SMALL_BUFFER 4096

struct keelctl {
	struct keelctl_transport t;
	void *small;	/* KEELCTL_SMALL_BUFFER bytes, for the whole life */
};

struct keelctl *keelctl_open_transport(const struct keelctl_transport *t)
{
	struct keelctl *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->t = *t;
	h->small = t->buffer_alloc(t->opaque, KEELCTL_SMALL_BUFFER);
	if (!h->small) {
		free(h);
		return NULL;
	}
	return h;
}

void keelctl_close(struct keelctl *h)
{
	if (!h)
		return;
	h->t.buffer_free(h->t.opaque, h->small, KEELCTL_SMALL_BUFFER);
	if (h->t.close)
		h->t.close(h->t.opaque);
	free(h);
}

static long hypercall(struct keelctl *h, unsigned int op, uint64_t a0,
		      uint64_t a1, uint64_t a2)
{
	const uint64_t args[5] = { a0, a1, a2, 0, 0 };

	return h->t.hypercall(h->t.opaque, op, args);
}

static long domctl(struct keelctl *h, unsigned int cmd, uint64_t arg)
{
	return hypercall(h, KEEL_HC_domctl, cmd, arg, 0);
}

int keelctl_abi_version(struct keelctl *h, uint32_t *version)
{
	long rc = hypercall(h, KEEL_HC_version, KEEL_VERSION_ABI, 0, 0);

	if (rc < 0)
		return (int)rc;
	*version = (uint32_t)rc;
	return 0;
}

int keelctl_version_string(struct keelctl *h, char *out, size_t size)
{
	char *buf = h->small;
	long rc;

	if (!size)
		return -EINVAL;
	memset(buf, 0, KEEL_VERSION_STRING_MAX + 1);	/* +1: an end */
	rc = hypercall(h, KEEL_HC_version, KEEL_VERSION_STRING,
		       (uintptr_t)buf, 0);
	if (rc < 0)
		return (int)rc;
	buf[KEEL_VERSION_STRING_MAX] = '\0';
	if (strlen(buf) >= size)
		return -ENAMETOOLONG;
	strcpy(out, buf);
	return 0;
}

int keelctl_physinfo(struct keelctl *h, struct keel_domctl_physinfo *out)
{
	struct keel_domctl_physinfo *p = h->small;
	long rc;

	memset(p, 0, sizeof(*p));
	rc = domctl(h, KEEL_DOMCTL_physinfo, (uintptr_t)p);
	if (rc < 0)
		return (int)rc;
	*out = *p;
	return 0;
}

static int getinfo(struct keelctl *h, unsigned int cmd, uint16_t domid,
		   struct keel_domctl_getinfo *out)
{
	struct keel_domctl_getinfo *info = h->small;
	long rc;

	memset(info, 0, sizeof(*info));
	info->domid = domid;
	rc = domctl(h, cmd, (uintptr_t)info);
	if (rc < 0)
		return (int)rc;
	*out = *info;
	/* The name is Keel's to end, but a string we print must end. */
	out->name[sizeof(out->name) - 1] = '\0';
	return 0;
}

int keelctl_domain_info(struct keelctl *h, uint16_t domid,
			struct keel_domctl_getinfo *out)
{
	return getinfo(h, KEEL_DOMCTL_getinfo, domid, out);
}

int keelctl_domain_list(struct keelctl *h, struct keel_domctl_getinfo **out)
{
	struct keel_domctl_getinfo *list = NULL, info;
	size_t n = 0, cap = 0;
	uint32_t next = 0;
	int rc;

	while (next <= UINT16_MAX &&
	       !(rc = getinfo(h, KEEL_DOMCTL_getinfo_next, (uint16_t)next,
			      &info))) {
		/* Ids only go up; anything else is a broken hypervisor (or
		 * transport), and must not make this loop forever. */
		if (info.domid < next) {
			free(list);
			return -EIO;
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			void *p = realloc(list, ncap * sizeof(*list));

			if (!p) {
				free(list);
				return -ENOMEM;
			}
			list = p;
			cap = ncap;
		}
		list[n++] = info;
		next = (uint32_t)info.domid + 1;
	}
	if (next <= UINT16_MAX && rc != -ESRCH) {
		free(list);
		return rc;
	}
	*out = list;
	return (int)n;
}

/* A domain id as pvctl's users write one: decimal, at most 65535. */
static bool parse_domid(const char *s, uint16_t *domid)
{
	unsigned long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > UINT16_MAX)
			return false;
	}
	*domid = (uint16_t)v;
	return true;
}

int keelctl_domain_lookup(struct keelctl *h, const char *what,
			  struct keel_domctl_getinfo *out)
{
	struct keel_domctl_getinfo *list;
	uint16_t domid;
	int n, found = 0;

	if (parse_domid(what, &domid))
		return keelctl_domain_info(h, domid, out);
	n = keelctl_domain_list(h, &list);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		if (!strcmp(list[i].name, what)) {
			*out = list[i];
			found++;
		}
	free(list);
	return found == 1 ? 0 : found ? -EEXIST : -ESRCH;
}

/* @size bytes of @data in a new transport buffer, or NULL. */
static void *buffer_copy(struct keelctl *h, const void *data, size_t size)
{
	void *copy = h->t.buffer_alloc(h->t.opaque, size);

	if (copy)
		memcpy(copy, data, size);
	return copy;
}

int keelctl_domain_create(struct keelctl *h, const void *image,
			  size_t image_size, const void *initrd,
			  size_t initrd_size, const char *options,
			  uint16_t *domid)
{
	size_t options_len = strlen(options) + 1;
	struct keel_domctl_create_domain_initrd *op = h->small;
	char *config = (char *)h->small + sizeof(*op);
	void *image_copy, *initrd_copy = NULL;
	long rc;

	if (!image_size || image_size > KEEL_DOMCTL_IMAGE_MAX ||
	    options_len > KEEL_DOMCTL_CONFIG_MAX ||
	    (initrd && (!initrd_size || initrd_size > KEEL_DOMCTL_INITRD_MAX)))
		return -E2BIG;
	image_copy = buffer_copy(h, image, image_size);
	if (initrd && image_copy)
		initrd_copy = buffer_copy(h, initrd, initrd_size);
	if (!image_copy || (initrd && !initrd_copy)) {
		rc = -ENOBUFS;	/* ours, not Keel's -ENOMEM */
		goto out;
	}
	memset(op, 0, sizeof(*op));
	memcpy(config, options, options_len);
	op->domain.image = (uintptr_t)image_copy;
	op->domain.image_size = image_size;
	op->domain.config = (uintptr_t)config;
	op->initrd = (uintptr_t)initrd_copy;
	op->initrd_size = initrd ? initrd_size : 0;
	rc = domctl(h, initrd ? KEEL_DOMCTL_create_domain_initrd :
				KEEL_DOMCTL_create_domain, (uintptr_t)op);
	if (!rc)
		*domid = op->domain.domid;
out:
	if (initrd_copy)
		h->t.buffer_free(h->t.opaque, initrd_copy, initrd_size);
	if (image_copy)
		h->t.buffer_free(h->t.opaque, image_copy, image_size);
	return rc < 0 ? (int)rc : 0;
}

int keelctl_domain_unpause(struct keelctl *h, uint16_t domid)
{
	return (int)domctl(h, KEEL_DOMCTL_unpause_domain, domid);
}

int keelctl_domain_pause(struct keelctl *h, uint16_t domid)
{
	return (int)domctl(h, KEEL_DOMCTL_pause_domain, domid);
}

int keelctl_domain_destroy(struct keelctl *h, uint16_t domid)
{
	return (int)domctl(h, KEEL_DOMCTL_destroy_domain, domid);
}

int keelctl_domain_request_shutdown(struct keelctl *h, uint16_t domid,
				    uint32_t reason)
{
	struct keel_domctl_request_shutdown *req = h->small;

	memset(req, 0, sizeof(*req));
	req->domid = domid;
	req->reason = reason;
	return (int)domctl(h, KEEL_DOMCTL_request_shutdown, (uintptr_t)req);
}

int keelctl_vcpu_info(struct keelctl *h, uint16_t domid, uint32_t vcpu,
		      struct keel_domctl_getvcpuinfo *out)
{
	struct keel_domctl_getvcpuinfo *info = h->small;
	long rc;

	memset(info, 0, sizeof(*info));
	info->domid = domid;
	info->vcpu = vcpu;
	rc = domctl(h, KEEL_DOMCTL_getvcpuinfo, (uintptr_t)info);
	if (rc < 0)
		return (int)rc;
	*out = *info;
	return 0;
}

int keelctl_domain_console(struct keelctl *h, uint16_t domid,
			   struct keel_domctl_getconsole *out)
{
	struct keel_domctl_getconsole *info = h->small;
	long rc;

	memset(info, 0, sizeof(*info));
	info->domid = domid;
	rc = domctl(h, KEEL_DOMCTL_getconsole, (uintptr_t)info);
	if (rc < 0)
		return (int)rc;
	*out = *info;
	return 0;
}

static uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Until @done says so, looking after each of @events' reports (or every
 * millisecond without it), for at most @timeout_ms. */
static int domain_wait(struct keelctl *h, struct keelctl_events *events,
		       uint16_t domid, unsigned int timeout_ms,
		       int (*done)(int rc, const struct keel_domctl_getinfo *),
		       struct keel_domctl_getinfo *info)
{
	uint64_t deadline = monotonic_ms() + timeout_ms;

	for (;;) {
		int rc = done(keelctl_domain_info(h, domid, info), info);

		if (rc <= 0)
			return rc;
		uint64_t now = monotonic_ms();
		if (now >= deadline)
			return -ETIMEDOUT;
		if (!events) {
			nanosleep(&(struct timespec){ .tv_nsec = 1000000 },
				  NULL);
			continue;
		}
		/* A slice at a time, so that a long wait is not one huge
		 * poll() timeout. */
		uint64_t left = deadline - now;
		rc = keelctl_events_wait(events, left > 60000 ? 60000 :
							       (int)left);
		if (rc < 0)
			return rc;
	}
}

/* 0 when gone, 1 to go on waiting, or an error. */
static int gone(int rc, const struct keel_domctl_getinfo *info)
{
	(void)info;
	if (rc == -ESRCH)
		return 0;
	return !rc || rc == -EBUSY ? 1 : rc;
}

static int shut_down(int rc, const struct keel_domctl_getinfo *info)
{
	if (rc == -EBUSY)
		return 1;	/* being freed: ESRCH soon */
	if (rc)
		return rc;
	return info->flags & KEEL_DOMINFO_shutdown ? 0 : 1;
}

int keelctl_domain_wait_gone(struct keelctl *h, struct keelctl_events *events,
			     uint16_t domid, unsigned int timeout_ms)
{
	struct keel_domctl_getinfo info;

	return domain_wait(h, events, domid, timeout_ms, gone, &info);
}

int keelctl_domain_wait_shutdown(struct keelctl *h,
				 struct keelctl_events *events, uint16_t domid,
				 unsigned int timeout_ms,
				 struct keel_domctl_getinfo *info)
{
	return domain_wait(h, events, domid, timeout_ms, shut_down, info);
}

long keelctl_console_read(struct keelctl *h, char *buf, size_t len,
			  uint64_t *pos)
{
	uint64_t *where = h->small;
	char *data = (char *)h->small + sizeof(*where);
	long rc;

	if (len > KEELCTL_SMALL_BUFFER - sizeof(*where))
		len = KEELCTL_SMALL_BUFFER - sizeof(*where);
	*where = *pos;
	rc = hypercall(h, KEEL_HC_console_read, (uintptr_t)data, len,
		       (uintptr_t)where);
	if (rc < 0)
		return rc;
	if ((size_t)rc > len)
		return -EIO;
	memcpy(buf, data, (size_t)rc);
	*pos = *where;
	return rc;
}

const char *keelctl_shutdown_reason_name(uint32_t reason)
{
	switch (reason) {
	case KEEL_SHUTDOWN_poweroff: return "poweroff";
	case KEEL_SHUTDOWN_reboot:   return "reboot";
	case KEEL_SHUTDOWN_crash:    return "crash";
	default:                     return "unknown";
	}
}
