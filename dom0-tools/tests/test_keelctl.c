/*
 * Check tests for libkeelctl's marshalling (dom0-tools/libkeelctl/), over
 * a fake transport that plays Keel: it keeps a few domains, answers the
 * calls the library makes, and checks what real Keel relies on, that
 * every pointer it is given lies inside a buffer the transport handed
 * out, and that every buffer comes back.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <keel/keel.h>
#include <keel/sched.h>

#include "keelctl.h"

#define FAKE_BUFFERS 8

static struct fake {
	struct { void *p; size_t size; } buffers[FAKE_BUFFERS];
	unsigned int allocs, frees, closes, calls;
	bool fail_alloc;
	struct keel_domctl_getinfo domains[8];
	unsigned int nr_domains;
	long force_rc;		/* nonzero: every domctl returns it */
	bool walk_goes_back;	/* getinfo_next returns a lower id */
	/* What create_domain saw. */
	unsigned char image[64], initrd[64];
	size_t image_size, initrd_size;
	unsigned int last_create_cmd;
	uint32_t shutdown_reason;
	char config[KEEL_DOMCTL_CONFIG_MAX];
	const char *log;	/* console_read's text */
	const char *version;
} fake;

/* The pointer @p, @size bytes, lies inside one live buffer. */
static bool in_buffer(uint64_t p, size_t size)
{
	for (int i = 0; i < FAKE_BUFFERS; i++) {
		uintptr_t b = (uintptr_t)fake.buffers[i].p;

		if (b && p >= b && size <= fake.buffers[i].size &&
		    p - b <= fake.buffers[i].size - size)
			return true;
	}
	return false;
}

static void *fake_alloc(void *opaque, size_t size)
{
	(void)opaque;
	if (fake.fail_alloc)
		return NULL;
	for (int i = 0; i < FAKE_BUFFERS; i++)
		if (!fake.buffers[i].p) {
			fake.buffers[i].p = calloc(1, size);
			fake.buffers[i].size = size;
			fake.allocs++;
			return fake.buffers[i].p;
		}
	return NULL;
}

static void fake_free(void *opaque, void *buf, size_t size)
{
	(void)opaque;
	for (int i = 0; i < FAKE_BUFFERS; i++)
		if (fake.buffers[i].p == buf) {
			ck_assert_uint_eq(fake.buffers[i].size, size);
			free(buf);
			fake.buffers[i].p = NULL;
			fake.frees++;
			return;
		}
	ck_abort_msg("freed a buffer the transport never gave out");
}

static void fake_close(void *opaque)
{
	(void)opaque;
	fake.closes++;
}

static long fake_getinfo(uint64_t arg, bool next)
{
	struct keel_domctl_getinfo *info = (void *)(uintptr_t)arg;

	ck_assert(in_buffer(arg, sizeof(*info)));
	for (unsigned int i = 0; i < fake.nr_domains; i++) {
		const struct keel_domctl_getinfo *d = &fake.domains[i];

		if (d->domid == info->domid || (next && d->domid > info->domid)) {
			*info = *d;
			if (fake.walk_goes_back)
				info->domid = 0;
			return 0;
		}
	}
	return -ESRCH;
}

static long fake_domctl(uint64_t cmd, uint64_t arg)
{
	if (fake.force_rc)
		return fake.force_rc;
	switch (cmd) {
	case KEEL_DOMCTL_getinfo:
		return fake_getinfo(arg, false);
	case KEEL_DOMCTL_getinfo_next:
		return fake_getinfo(arg, true);
	case KEEL_DOMCTL_physinfo: {
		struct keel_domctl_physinfo *p = (void *)(uintptr_t)arg;

		ck_assert(in_buffer(arg, sizeof(*p)));
		p->nr_cpus = 2;
		p->total_frames = 1000;
		p->free_frames = 600;
		return 0;
	}
	case KEEL_DOMCTL_create_domain_initrd: {
		struct keel_domctl_create_domain_initrd *full =
			(void *)(uintptr_t)arg;

		ck_assert(in_buffer(arg, sizeof(*full)));
		ck_assert(in_buffer(full->initrd, full->initrd_size));
		ck_assert_uint_le(full->initrd_size, sizeof(fake.initrd));
		memcpy(fake.initrd, (void *)(uintptr_t)full->initrd,
		       full->initrd_size);
		fake.initrd_size = full->initrd_size;
		/* The rest is create_domain's. */
		__attribute__((fallthrough));
	}
	case KEEL_DOMCTL_create_domain: {
		struct keel_domctl_create_domain *op = (void *)(uintptr_t)arg;

		ck_assert(in_buffer(arg, sizeof(*op)));
		fake.last_create_cmd = (unsigned int)cmd;
		ck_assert(!op->pad[0] && !op->pad[1] && !op->pad[2]);
		ck_assert(in_buffer(op->image, op->image_size));
		ck_assert_uint_le(op->image_size, sizeof(fake.image));
		memcpy(fake.image, (void *)(uintptr_t)op->image,
		       op->image_size);
		fake.image_size = op->image_size;
		/* The config, with its NUL, is in a buffer too. */
		const char *c = (const char *)(uintptr_t)op->config;
		size_t n = 0;
		while (in_buffer(op->config + n, 1) && c[n])
			n++;
		ck_assert(in_buffer(op->config + n, 1));
		memcpy(fake.config, c, n + 1);
		op->domid = 42;
		return 0;
	}
	case KEEL_DOMCTL_request_shutdown: {
		struct keel_domctl_request_shutdown *r = (void *)(uintptr_t)arg;

		ck_assert(in_buffer(arg, sizeof(*r)));
		ck_assert_uint_eq(r->pad, 0);
		fake.shutdown_reason = r->reason;
		return r->domid == 3 ? 0 : -ESRCH;
	}
	case KEEL_DOMCTL_getvcpuinfo: {
		struct keel_domctl_getvcpuinfo *v = (void *)(uintptr_t)arg;

		ck_assert(in_buffer(arg, sizeof(*v)));
		ck_assert_uint_eq(v->pad, 0);
		if (v->domid != 3)
			return -ESRCH;
		if (v->vcpu >= 2)
			return -ENOENT;
		v->state = KEEL_VCPUINFO_blocked;
		v->processor = v->vcpu;
		v->cpu_time_ns = 1000 + v->vcpu;
		return 0;
	}
	case KEEL_DOMCTL_getconsole: {
		struct keel_domctl_getconsole *c = (void *)(uintptr_t)arg;

		ck_assert(in_buffer(arg, sizeof(*c)));
		ck_assert_uint_eq(c->pad, 0);
		if (c->domid != 3)
			return c->domid == 4 ? -ENOENT : -ESRCH;
		c->backend = 0;
		c->grant_ref = 0;
		c->port = 7;
		return 0;
	}
	case KEEL_DOMCTL_unpause_domain:
	case KEEL_DOMCTL_pause_domain:
	case KEEL_DOMCTL_destroy_domain:
		return arg == 42 ? (long)cmd * 100 : -ESRCH;
	default:
		return -ENOSYS;
	}
}

static long fake_hypercall(void *opaque, unsigned int op,
			   const uint64_t args[5])
{
	(void)opaque;
	fake.calls++;
	switch (op) {
	case KEEL_HC_version:
		if (args[0] == KEEL_VERSION_ABI)
			return KEEL_ABI_VERSION;
		ck_assert_uint_eq(args[0], KEEL_VERSION_STRING);
		ck_assert(in_buffer(args[1], KEEL_VERSION_STRING_MAX));
		memset((void *)(uintptr_t)args[1], 0, KEEL_VERSION_STRING_MAX);
		strncpy((void *)(uintptr_t)args[1], fake.version,
			KEEL_VERSION_STRING_MAX);
		return 0;
	case KEEL_HC_domctl:
		return fake_domctl(args[0], args[1]);
	case KEEL_HC_console_read: {
		uint64_t *pos = (void *)(uintptr_t)args[2];
		size_t len = args[1], have;

		ck_assert(in_buffer(args[0], len));
		ck_assert(in_buffer(args[2], sizeof(*pos)));
		have = strlen(fake.log) - *pos;
		if (len > have)
			len = have;
		memcpy((void *)(uintptr_t)args[0], fake.log + *pos, len);
		*pos += len;
		return (long)len;
	}
	default:
		return -ENOSYS;
	}
}

static struct keelctl *h;

static void add_domain(uint16_t domid, const char *name, uint32_t flags)
{
	struct keel_domctl_getinfo *d = &fake.domains[fake.nr_domains++];

	memset(d, 0, sizeof(*d));
	d->domid = domid;
	d->flags = flags;
	d->nr_vcpus = 1;
	d->nr_pages = 256u * domid;
	snprintf(d->name, sizeof(d->name), "%s", name);
}

static void setup(void)
{
	memset(&fake, 0, sizeof(fake));
	fake.version = "Keel 0.1.0 (git test)";
	fake.log = "(XEN) one\n(d0) two\n";
	add_domain(0, "dom0", KEEL_DOMINFO_privileged);
	add_domain(3, "web", KEEL_DOMINFO_blocked);
	add_domain(7, "db", KEEL_DOMINFO_paused);
	h = keelctl_open_transport(&(struct keelctl_transport){
		.hypercall = fake_hypercall,
		.buffer_alloc = fake_alloc,
		.buffer_free = fake_free,
		.close = fake_close,
	});
	ck_assert_ptr_nonnull(h);
}

static void teardown(void)
{
	keelctl_close(h);
	/* Every buffer came back, and the transport was closed. */
	ck_assert_uint_eq(fake.allocs, fake.frees);
	ck_assert_uint_eq(fake.closes, 1);
}

START_TEST(test_version_and_physinfo)
{
	struct keel_domctl_physinfo p;
	uint32_t version;
	char s[KEEL_VERSION_STRING_MAX + 1], tiny[8];

	ck_assert_int_eq(keelctl_abi_version(h, &version), 0);
	ck_assert_uint_eq(version, KEEL_ABI_VERSION);
	ck_assert_int_eq(keelctl_version_string(h, s, sizeof(s)), 0);
	ck_assert_str_eq(s, "Keel 0.1.0 (git test)");
	ck_assert_int_eq(keelctl_version_string(h, tiny, sizeof(tiny)),
			 -ENAMETOOLONG);
	/* A string Keel fills to the last byte still ends. */
	fake.version = "0123456789012345678901234567890123456789012345678901234567890123";
	ck_assert_int_eq(keelctl_version_string(h, s, sizeof(s)), 0);
	ck_assert_uint_eq(strlen(s), KEEL_VERSION_STRING_MAX);
	ck_assert_int_eq(keelctl_physinfo(h, &p), 0);
	ck_assert_uint_eq(p.nr_cpus, 2);
	ck_assert_uint_eq(p.free_frames, 600);
}
END_TEST

START_TEST(test_list_in_id_order)
{
	struct keel_domctl_getinfo *list;
	int n = keelctl_domain_list(h, &list);

	ck_assert_int_eq(n, 3);
	ck_assert_uint_eq(list[0].domid, 0);
	ck_assert_str_eq(list[0].name, "dom0");
	ck_assert_uint_eq(list[1].domid, 3);
	ck_assert_str_eq(list[1].name, "web");
	ck_assert_uint_eq(list[2].domid, 7);
	ck_assert_uint_eq(list[2].flags, KEEL_DOMINFO_paused);
	free(list);
	/* One call per domain, and the one that ends the walk. */
	ck_assert_uint_eq(fake.calls, 4);
}
END_TEST

START_TEST(test_list_errors)
{
	struct keel_domctl_getinfo *list = NULL;

	/* A walk that goes back would never end: it is an error. */
	fake.walk_goes_back = true;
	ck_assert_int_eq(keelctl_domain_list(h, &list), -EIO);
	fake.walk_goes_back = false;
	fake.force_rc = -EPERM;
	ck_assert_int_eq(keelctl_domain_list(h, &list), -EPERM);
	/* No domain at all is an empty list, not an error. */
	fake.force_rc = 0;
	fake.nr_domains = 0;
	ck_assert_int_eq(keelctl_domain_list(h, &list), 0);
	free(list);
}
END_TEST

START_TEST(test_list_unterminated_name)
{
	struct keel_domctl_getinfo info;

	memset(fake.domains[1].name, 'x', sizeof(fake.domains[1].name));
	ck_assert_int_eq(keelctl_domain_info(h, 3, &info), 0);
	ck_assert_uint_eq(strlen(info.name), sizeof(info.name) - 1);
}
END_TEST

START_TEST(test_lookup)
{
	struct keel_domctl_getinfo info;

	ck_assert_int_eq(keelctl_domain_lookup(h, "3", &info), 0);
	ck_assert_str_eq(info.name, "web");
	ck_assert_int_eq(keelctl_domain_lookup(h, "db", &info), 0);
	ck_assert_uint_eq(info.domid, 7);
	ck_assert_int_eq(keelctl_domain_lookup(h, "0", &info), 0);
	ck_assert_str_eq(info.name, "dom0");
	ck_assert_int_eq(keelctl_domain_lookup(h, "nosuch", &info), -ESRCH);
	ck_assert_int_eq(keelctl_domain_lookup(h, "4", &info), -ESRCH);
	/* Too big for an id: a name, which no domain has. */
	ck_assert_int_eq(keelctl_domain_lookup(h, "65536", &info), -ESRCH);
	ck_assert_int_eq(keelctl_domain_lookup(h, "", &info), -ESRCH);
	add_domain(9, "web", 0);
	ck_assert_int_eq(keelctl_domain_lookup(h, "web", &info), -EEXIST);
}
END_TEST

START_TEST(test_create_copies_everything)
{
	unsigned char image[40];
	uint16_t domid = 0;

	for (unsigned int i = 0; i < sizeof(image); i++)
		image[i] = (unsigned char)(i * 7);
	ck_assert_int_eq(keelctl_domain_create(h, image, sizeof(image), NULL, 0,
					       "name=web mem=16M -- quiet",
					       &domid), 0);
	ck_assert_uint_eq(domid, 42);
	ck_assert_uint_eq(fake.image_size, sizeof(image));
	ck_assert_mem_eq(fake.image, image, sizeof(image));
	ck_assert_str_eq(fake.config, "name=web mem=16M -- quiet");
	/* The image's buffer is already back. */
	ck_assert_uint_eq(fake.allocs, fake.frees + 1);
}
END_TEST

START_TEST(test_create_with_initrd)
{
	unsigned char image[24] = "an image", initrd[33] = "an initrd";
	uint16_t domid = 0;

	ck_assert_int_eq(keelctl_domain_create(h, image, sizeof(image), initrd,
					       sizeof(initrd), "name=i",
					       &domid), 0);
	ck_assert_uint_eq(fake.last_create_cmd,
			  KEEL_DOMCTL_create_domain_initrd);
	ck_assert_uint_eq(domid, 42);
	ck_assert_uint_eq(fake.initrd_size, sizeof(initrd));
	ck_assert_mem_eq(fake.initrd, initrd, sizeof(initrd));
	ck_assert_mem_eq(fake.image, image, sizeof(image));
	ck_assert_str_eq(fake.config, "name=i");
	/* Without one, the plain call. */
	ck_assert_int_eq(keelctl_domain_create(h, image, sizeof(image), NULL,
					       0, "name=j", &domid), 0);
	ck_assert_uint_eq(fake.last_create_cmd, KEEL_DOMCTL_create_domain);
	/* Out of range, before any call. */
	unsigned int calls = fake.calls;
	ck_assert_int_eq(keelctl_domain_create(h, image, sizeof(image), initrd,
					       0, "name=i", &domid), -E2BIG);
	ck_assert_int_eq(keelctl_domain_create(h, image, sizeof(image), initrd,
					       KEEL_DOMCTL_INITRD_MAX + 1,
					       "name=i", &domid), -E2BIG);
	ck_assert_uint_eq(fake.calls, calls);
	/* Every buffer back but the handle's own. */
	ck_assert_uint_eq(fake.allocs, fake.frees + 1);
}
END_TEST

START_TEST(test_create_limits)
{
	char options[KEEL_DOMCTL_CONFIG_MAX + 1];
	unsigned char image[16] = { 0 };
	uint16_t domid;

	memset(options, 'a', sizeof(options));
	options[KEEL_DOMCTL_CONFIG_MAX] = '\0';
	ck_assert_int_eq(keelctl_domain_create(h, image, sizeof(image), NULL,
					       0, options, &domid), -E2BIG);
	options[KEEL_DOMCTL_CONFIG_MAX - 1] = '\0';	/* just fits */
	ck_assert_int_eq(keelctl_domain_create(h, image, sizeof(image), NULL,
					       0, options, &domid), 0);
	ck_assert_int_eq(keelctl_domain_create(h, image, 0, NULL, 0, "name=a",
					       &domid),
			 -E2BIG);
	ck_assert_int_eq(keelctl_domain_create(h, image,
					       KEEL_DOMCTL_IMAGE_MAX + 1, NULL,
					       0, "name=a", &domid), -E2BIG);
	/* Refused before any hypercall was made. */
	ck_assert_uint_eq(fake.calls, 1);
	fake.fail_alloc = true;
	ck_assert_int_eq(keelctl_domain_create(h, image, sizeof(image), NULL,
					       0, "name=a", &domid), -ENOBUFS);
	fake.fail_alloc = false;
	/* Keel's refusal comes back as it is, with the buffer freed. */
	fake.force_rc = -EINVAL;
	ck_assert_int_eq(keelctl_domain_create(h, image, sizeof(image), NULL,
					       0, "name=a", &domid), -EINVAL);
	ck_assert_uint_eq(fake.allocs, fake.frees + 1);
}
END_TEST

START_TEST(test_domain_ops)
{
	/* Each is its own sub-command with the id as a value. */
	ck_assert_int_eq(keelctl_domain_unpause(h, 42),
			 KEEL_DOMCTL_unpause_domain * 100);
	ck_assert_int_eq(keelctl_domain_pause(h, 42),
			 KEEL_DOMCTL_pause_domain * 100);
	ck_assert_int_eq(keelctl_domain_destroy(h, 42),
			 KEEL_DOMCTL_destroy_domain * 100);
	ck_assert_int_eq(keelctl_domain_destroy(h, 41), -ESRCH);
	ck_assert_int_eq(keelctl_domain_wait_gone(h, NULL, 5, 10), 0);
	ck_assert_int_eq(keelctl_domain_wait_gone(h, NULL, 3, 10), -ETIMEDOUT);
	fake.force_rc = -EBUSY;		/* being freed: still waiting */
	ck_assert_int_eq(keelctl_domain_wait_gone(h, NULL, 3, 10), -ETIMEDOUT);
}
END_TEST

START_TEST(test_wait_shutdown)
{
	struct keel_domctl_getinfo info;

	/* Running: not yet. Shut down (kept, or dying): done, with its
	 * state. Gone: ESRCH. Being freed: go on waiting. */
	ck_assert_int_eq(keelctl_domain_wait_shutdown(h, NULL, 3, 10, &info),
			 -ETIMEDOUT);
	fake.domains[1].flags = KEEL_DOMINFO_shutdown;
	fake.domains[1].shutdown_reason = KEEL_SHUTDOWN_crash;
	ck_assert_int_eq(keelctl_domain_wait_shutdown(h, NULL, 3, 10, &info),
			 0);
	ck_assert_uint_eq(info.shutdown_reason, KEEL_SHUTDOWN_crash);
	ck_assert_uint_eq(info.flags, KEEL_DOMINFO_shutdown);
	fake.domains[1].flags |= KEEL_DOMINFO_dying;
	ck_assert_int_eq(keelctl_domain_wait_shutdown(h, NULL, 3, 10, &info),
			 0);
	ck_assert(info.flags & KEEL_DOMINFO_dying);
	ck_assert_int_eq(keelctl_domain_wait_shutdown(h, NULL, 5, 10, &info),
			 -ESRCH);
	fake.force_rc = -EBUSY;
	ck_assert_int_eq(keelctl_domain_wait_shutdown(h, NULL, 3, 10, &info),
			 -ETIMEDOUT);
}
END_TEST

START_TEST(test_shutdown_and_vcpus)
{
	struct keel_domctl_getvcpuinfo v;

	ck_assert_int_eq(keelctl_domain_request_shutdown(h, 3,
							 KEEL_SHUTDOWN_reboot),
			 0);
	ck_assert_uint_eq(fake.shutdown_reason, KEEL_SHUTDOWN_reboot);
	ck_assert_int_eq(keelctl_domain_request_shutdown(h, 4, 0), -ESRCH);
	ck_assert_int_eq(keelctl_vcpu_info(h, 3, 1, &v), 0);
	ck_assert_uint_eq(v.domid, 3);
	ck_assert_uint_eq(v.vcpu, 1);
	ck_assert_uint_eq(v.state, KEEL_VCPUINFO_blocked);
	ck_assert_uint_eq(v.processor, 1);
	ck_assert_uint_eq(v.cpu_time_ns, 1001);
	ck_assert_int_eq(keelctl_vcpu_info(h, 3, 2, &v), -ENOENT);
	ck_assert_int_eq(keelctl_vcpu_info(h, 9, 0, &v), -ESRCH);
}
END_TEST

START_TEST(test_domain_console)
{
	struct keel_domctl_getconsole c;

	memset(&c, 0xff, sizeof(c));
	ck_assert_int_eq(keelctl_domain_console(h, 3, &c), 0);
	ck_assert_uint_eq(c.domid, 3);
	ck_assert_uint_eq(c.backend, 0);
	ck_assert_uint_eq(c.grant_ref, 0);
	ck_assert_uint_eq(c.port, 7);
	ck_assert_int_eq(keelctl_domain_console(h, 4, &c), -ENOENT);
	ck_assert_int_eq(keelctl_domain_console(h, 9, &c), -ESRCH);
}
END_TEST

START_TEST(test_console_read)
{
	char buf[8];
	uint64_t pos = 0;

	ck_assert_int_eq(keelctl_console_read(h, buf, 5, &pos), 5);
	ck_assert_mem_eq(buf, "(XEN)", 5);
	ck_assert_uint_eq(pos, 5);
	ck_assert_int_eq(keelctl_console_read(h, buf, sizeof(buf), &pos), 8);
	ck_assert_mem_eq(buf, " one\n(d0", 8);
	pos = strlen(fake.log);
	ck_assert_int_eq(keelctl_console_read(h, buf, sizeof(buf), &pos), 0);
}
END_TEST

START_TEST(test_image_check)
{
	static const unsigned char not_elf[64] = "#!/bin/sh\n";
	const char *why = NULL;

	ck_assert_int_eq(keelctl_image_check(not_elf, sizeof(not_elf), &why),
			 -EINVAL);
	ck_assert_ptr_nonnull(why);
	why = NULL;
	ck_assert_int_eq(keelctl_image_check(not_elf, 3, &why), -EINVAL);
	ck_assert_ptr_nonnull(why);
}
END_TEST

START_TEST(test_open_without_memory)
{
	struct keelctl_transport t = {
		.hypercall = fake_hypercall,
		.buffer_alloc = fake_alloc,
		.buffer_free = fake_free,
	};

	fake.fail_alloc = true;
	ck_assert_ptr_null(keelctl_open_transport(&t));
	fake.fail_alloc = false;
	ck_assert_str_eq(keelctl_shutdown_reason_name(2), "crash");
	ck_assert_str_eq(keelctl_shutdown_reason_name(77), "unknown");
}
END_TEST

Suite *keelctl_suite(void);
Suite *keelctl_suite(void)
{
	Suite *s = suite_create("keelctl");
	TCase *tc = tcase_create("marshalling");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_version_and_physinfo);
	tcase_add_test(tc, test_list_in_id_order);
	tcase_add_test(tc, test_list_errors);
	tcase_add_test(tc, test_list_unterminated_name);
	tcase_add_test(tc, test_lookup);
	tcase_add_test(tc, test_create_copies_everything);
	tcase_add_test(tc, test_create_with_initrd);
	tcase_add_test(tc, test_create_limits);
	tcase_add_test(tc, test_domain_ops);
	tcase_add_test(tc, test_wait_shutdown);
	tcase_add_test(tc, test_shutdown_and_vcpus);
	tcase_add_test(tc, test_domain_console);
	tcase_add_test(tc, test_console_read);
	tcase_add_test(tc, test_image_check);
	tcase_add_test(tc, test_open_without_memory);
	suite_add_tcase(s, tc);
	return s;
}
