/* keel-test: group=console_ring privileged=1 mem=8M cpus=2 timeout=120 */
/*
 * The PV console (ABI 1.5), from the backend's side: this control domain
 * builds console_ring_child with console_backend= naming itself, and
 * serves its console as a dom0 backend would, by grant copy:
 *  - domctl getconsole reports the ring's grant and the child's port,
 *    and refuses a domain without a console, padding, a missing domain
 *    and an unreadable argument;
 *  - a console_backend= that names no live domain fails the build;
 *  - it binds the child's port, and reads everything the child writes,
 *    5000 pattern bytes (more than twice the ring) and a marker, by
 *    copying the indices, then the bytes, and giving back room;
 *  - it writes a line of input, which the child reads and echoes;
 *  - the child powers off, and every frame comes back.
 * A group of its own: its free-frame count must not move with others'.
 */
#include <format.h>
#include <keel/io/console.h>
#include "keeltest.h"

const char test_name[] = "console_ring";

__asm__(".pushsection .rodata\n"
	".balign 16\n"
	".globl child_image, child_image_end\n"
	"child_image:\n"
	".incbin \"" CONSOLE_RING_CHILD_ELF "\"\n"
	"child_image_end:\n"
	".popsection\n");
extern const char child_image[], child_image_end[];

#define PATTERN_BYTES 5000

static long domctl(unsigned int cmd, unsigned long arg)
{
	return keel_hypercall_domctl(cmd, arg);
}

static long create(const char *config, uint16_t *domid)
{
	struct keel_domctl_create_domain op = {
		.image = (unsigned long)child_image,
		.image_size = (uint64_t)(child_image_end - child_image),
		.config = (unsigned long)config,
	};
	long rc = domctl(KEEL_DOMCTL_create_domain, (unsigned long)&op);

	*domid = op.domid;
	return rc;
}

static long getconsole(uint16_t domid, uint16_t pad,
		       struct keel_domctl_getconsole *out)
{
	*out = (struct keel_domctl_getconsole){ .domid = domid, .pad = pad };
	return domctl(KEEL_DOMCTL_getconsole, (unsigned long)out);
}

static uint16_t child;
static uint32_t child_gref;
static uint8_t *page;		/* our copy of the ring page */
static uint64_t page_mfn;

/* Copy [offset, offset + len) of the child's ring page to or from the
 * same place in ours. */
static void ring_copy(bool from_child, uint16_t offset, uint16_t len)
{
	struct keel_gnttab_copy_ptr theirs = {
		.u = child_gref, .domid = child, .offset = offset,
	};
	struct keel_gnttab_copy_ptr ours = {
		.u = page_mfn, .domid = KEEL_DOMID_SELF, .offset = offset,
	};
	struct keel_gnttab_copy c = {
		.source = from_child ? theirs : ours,
		.dest = from_child ? ours : theirs,
		.len = len, .status = 99,
		.flags = from_child ? KEEL_GNTCOPY_source_gref :
				      KEEL_GNTCOPY_dest_gref,
	};

	CHECK_EQ(keel_hypercall_grant_table_op(KEEL_GNTTABOP_copy,
					       (unsigned long)&c, 1), 0);
	CHECK_EQ(c.status, 0);
}

static uint32_t field(unsigned int offset)
{
	uint32_t v;

	memcpy(&v, page + offset, sizeof(v));
	return v;
}

static void set_field(unsigned int offset, uint32_t v)
{
	memcpy(page + offset, &v, sizeof(v));
	ring_copy(false, (uint16_t)offset, sizeof(v));
}

/* What a backend does on each event: take all the output there is.
 * Returns the bytes appended to @buf (at most @room), or -1 for a ring
 * that claims more than it holds. */
static long take_output(char *buf, size_t room, uint32_t *cons)
{
	ring_copy(true, 0, 16);		/* the indices first */
	uint32_t prod = field(KEEL_CONSOLE_RING_OUT_PROD);
	uint32_t avail = prod - *cons;

	if (avail > KEEL_CONSOLE_OUT_SIZE)
		return -1;
	if (avail > room)
		avail = (uint32_t)room;
	ring_copy(true, KEEL_CONSOLE_RING_OUT, KEEL_CONSOLE_OUT_SIZE);
	for (uint32_t i = 0; i < avail; i++)
		buf[i] = (char)page[KEEL_CONSOLE_RING_OUT +
				    (*cons + i) % KEEL_CONSOLE_OUT_SIZE];
	*cons += avail;
	set_field(KEEL_CONSOLE_RING_OUT_CONS, *cons);
	return avail;
}

static bool contains(const char *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);

	for (size_t i = 0; i + m <= n; i++)
		if (!memcmp(hay + i, needle, m))
			return true;
	return false;
}

void test_main(void)
{
	uint64_t before = rt_free_frames();
	struct keel_domctl_getconsole gc;
	char config[128];
	uint16_t bad;

	/* Refusals. */
	CHECK_EQ(getconsole(rt_boot.domid, 0, &gc), -KEEL_ENOENT);
	CHECK_EQ(getconsole(0x7000, 0, &gc), -KEEL_ESRCH);
	CHECK_EQ(domctl(KEEL_DOMCTL_getconsole, 0x10000000), -KEEL_EFAULT);
	CHECK_EQ(create("name=console_ring_child mem=1M user=16K "
			"console_backend=28672", &bad), -KEEL_ESRCH);
	CHECK_EQ(create("name=console_ring_child mem=1M user=16K "
			"console_backend=70000", &bad), -KEEL_ESRCH);
	printf("bad console requests refused\n");

	format_string(config, sizeof(config), "name=console_ring_child mem=1M "
		      "user=16K console_backend=%u", rt_boot.domid);
	CHECK_EQ(create(config, &child), 0);
	CHECK_EQ(getconsole(child, 1, &gc), -KEEL_EINVAL);
	CHECK_EQ(getconsole(child, 0, &gc), 0);
	CHECK_EQ(gc.backend, rt_boot.domid);
	CHECK_EQ(gc.grant_ref, KEEL_CONSOLE_GRANT_REF);
	CHECK_EQ(gc.pad2, 0);
	CHECK(gc.port != 0, "no port");
	child_gref = gc.grant_ref;
	page = rt_alloc_pages(1);
	page_mfn = rt_va_to_mfn(page);

	struct keel_evtchn_bind_interdomain b = {
		.remote_dom = child, .remote_port = gc.port,
	};
	/* Bound before the child starts, as a backend does. */
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_bind_interdomain, &b), 0);
	keel_port_t port = b.local_port;
	rt_mask(port);
	CHECK_EQ(domctl(KEEL_DOMCTL_unpause_domain, child), 0);

	/* All of its output, with room given back as it comes. */
	static char out[PATTERN_BYTES + 256];
	size_t got = 0;
	uint32_t cons = 0;
	uint64_t deadline = rt_now_ns() + 60000000000ULL;
	while (!contains(out, got, "pattern done\n")) {
		long n = take_output(out + got, sizeof(out) - got, &cons);

		if (n < 0)
			return test_fail_at(__FILE__, __LINE__, "the child's "
					    "ring claims more than it holds");
		got += (size_t)n;
		if (n) {
			CHECK_EQ(rt_send(port), 0);
			continue;
		}
		if (!rt_wait_port(port, deadline))
			return test_fail_at(__FILE__, __LINE__, "only %u bytes "
					    "in 60 s", (unsigned int)got);
	}
	for (unsigned int i = 0; i < PATTERN_BYTES; i++)
		CHECK(out[i] == (char)('a' + i % 26), "byte %u is %#x", i,
		      (unsigned char)out[i]);
	printf("read %u bytes through the ring\n", (unsigned int)got);

	/* Input: a line the child echoes. */
	static const char input[] = "ping over the ring\n";
	ring_copy(true, 0, 16);
	uint32_t in_prod = field(KEEL_CONSOLE_RING_IN_PROD);
	for (unsigned int i = 0; i < sizeof(input) - 1; i++)
		page[KEEL_CONSOLE_RING_IN + (in_prod + i) %
		     KEEL_CONSOLE_IN_SIZE] = (uint8_t)input[i];
	ring_copy(false, KEEL_CONSOLE_RING_IN, KEEL_CONSOLE_IN_SIZE);
	set_field(KEEL_CONSOLE_RING_IN_PROD, in_prod + sizeof(input) - 1);
	uint64_t pos = rt_log_end();
	CHECK_EQ(rt_send(port), 0);
	got = 0;
	while (!contains(out, got, "echo: ping over the ring\n")) {
		long n = take_output(out + got, sizeof(out) - got, &cons);

		if (n < 0)
			return test_fail_at(__FILE__, __LINE__, "the child's "
					    "ring claims more than it holds");
		got += (size_t)n;
		if (n)
			CHECK_EQ(rt_send(port), 0);
		else if (!rt_wait_port(port, deadline))
			return test_fail_at(__FILE__, __LINE__, "no echo");
	}
	char want[96];
	format_string(want, sizeof(want), "Domain %u (console_ring_child) "
		      "exited: poweroff", child);
	CHECK(rt_log_wait_for(&pos, want), "the child did not power off");
	printf("input echoed, child powered off\n");

	/* Every frame back, once the child is gone. */
	deadline = rt_now_ns() + 10000000000ULL;
	while (rt_free_frames() != before) {
		if (rt_now_ns() > deadline)
			return test_fail_at(__FILE__, __LINE__, "%llu frames "
					    "free, %llu before",
					    (unsigned long long)rt_free_frames(),
					    (unsigned long long)before);
		rt_yield();
	}
	CHECK_EQ(getconsole(child, 0, &gc), -KEEL_ESRCH);
}
