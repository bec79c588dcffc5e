/*
 * The attacker's side of the hostile suite (see hostile.h): the handshake
 * with the victim, the run of attack(), and the helpers attacks share.
 */
#include "hostile.h"

#define SECOND 1000000000ULL

unsigned int hostile_victim = 1;
uint64_t *hostile_scratch;
uint64_t hostile_scratch_mfn;

const struct hostile_bad_ptr hostile_bad_ptrs[HOSTILE_NR_BAD_PTRS] = {
	{ "NULL", 0 },
	{ "direct map", HOSTILE_DIRECTMAP },
	{ "hypervisor image", HOSTILE_IMAGE },
	{ "non-canonical", HOSTILE_NONCANON },
	{ "M2P window", HOSTILE_M2P },
};

static keel_port_t ctl_port, req_port;
static bool done_sent;
static uint64_t counter_before;

long hostile_gnttab(unsigned int cmd, void *ops, unsigned int count)
{
	return keel_hypercall_grant_table_op(cmd, (unsigned long)ops, count);
}

void hostile_read_status(struct hostile_status *out)
{
	struct keel_gnttab_copy c = {
		.source = { .u = HOSTILE_GREF_STATUS,
			    .domid = (uint16_t)hostile_victim },
		.dest = { .u = hostile_scratch_mfn, .domid = KEEL_DOMID_SELF },
		.len = sizeof(*out),
		.flags = KEEL_GNTCOPY_source_gref,
	};

	memset(hostile_scratch, 0, sizeof(*out));
	CHECK_EQ(hostile_gnttab(KEEL_GNTTABOP_copy, &c, 1), 0);
	CHECK_EQ(c.status, 0);
	memcpy(out, hostile_scratch, sizeof(*out));
}

long hostile_request_revoke(void)
{
	struct hostile_status st;

	CHECK_EQ(rt_send(req_port), 0);
	if (!rt_wait_port(ctl_port, rt_now_ns() + 10 * SECOND)) {
		CHECK(false, "the victim never answered a revoke request");
		return 1;
	}
	hostile_read_status(&st);
	return (long)st.revoke_result;
}

void hostile_done(void)
{
	struct hostile_status st;
	uint64_t deadline = rt_now_ns() + 10 * SECOND;
	bool moved = false;

	if (done_sent)
		return;
	/* The victim must still be running: its counter moves on. */
	for (;;) {
		hostile_read_status(&st);
		if (st.counter > counter_before) {
			moved = true;
			break;
		}
		if (rt_now_ns() >= deadline)
			break;
		rt_yield();
	}
	CHECK_EQ(st.magic, HOSTILE_STATUS_MAGIC);
	CHECK(moved, "the victim's counter stopped at %llu",
	      (unsigned long long)st.counter);
	printf("victim counter: %llu before the attack, %llu after\n",
	       (unsigned long long)counter_before,
	       (unsigned long long)st.counter);
	CHECK_EQ(rt_send(ctl_port), 0);
	done_sent = true;
}

bool hostile_wait_victim_gone(uint64_t timeout_ns)
{
	uint64_t deadline = rt_now_ns() + timeout_ns;

	while (rt_now_ns() < deadline) {
		struct keel_evtchn_status st = { .dom = KEEL_DOMID_SELF,
						 .port = ctl_port };

		if (rt_evtchn_op(KEEL_EVTCHNOP_status, &st) == 0 &&
		    st.status == KEEL_EVTCHNSTAT_unbound)
			return true;
		rt_yield();
	}
	return false;
}

/* ------------------------------------------------------------- memory */

uint64_t hostile_pte_maddr(const void *va)
{
	return rt_pte_maddr(rt_boot.kernel_root_mfn, (uint64_t)va, 1);
}

uint64_t hostile_pte(const void *va)
{
	return rt_pte_read(rt_boot.kernel_root_mfn, (uint64_t)va, 1);
}

void *hostile_hole(void)
{
	void *p = rt_alloc_pages(1);

	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)p, 0,
						  KEEL_UVMF_INVLPG), 0);
	return p;
}

uint64_t hostile_grant_frame(void)
{
	uint64_t mfn = 0;
	struct keel_gnttab_setup_table st = { .domid = KEEL_DOMID_SELF,
					      .nr_frames = 1,
					      .frame_list = (uint64_t)&mfn };

	CHECK_EQ(hostile_gnttab(KEEL_GNTTABOP_setup_table, &st, 1), 0);
	CHECK_EQ(st.status, 0);
	return mfn;
}

struct keel_grant_entry *hostile_map_grant_frame(void)
{
	struct keel_grant_entry *g = hostile_hole();

	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)g,
						  (hostile_grant_frame() << 12) |
						  PTE_P | PTE_W | PTE_U | PTE_NX,
						  KEEL_UVMF_INVLPG), 0);
	return g;
}

void hostile_make_readonly(void *va)
{
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)va,
						  hostile_pte(va) & ~PTE_W,
						  KEEL_UVMF_INVLPG), 0);
}

void hostile_make_writable(void *va)
{
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)va,
						  hostile_pte(va) | PTE_W,
						  KEEL_UVMF_INVLPG), 0);
}

struct hostile_tables hostile_link_tables(uint64_t va)
{
	uint64_t kroot = rt_boot.kernel_root_mfn;
	struct hostile_tables t = {
		.l1 = rt_alloc_pages(1), .l2 = rt_alloc_pages(1),
	};

	t.l1_mfn = rt_va_to_mfn(t.l1);
	t.l2_mfn = rt_va_to_mfn(t.l2);
	t.l2[0] = (t.l1_mfn << 12) | HOSTILE_LINK;
	hostile_make_readonly(t.l1);
	hostile_make_readonly(t.l2);
	t.l3_slot = rt_pte_maddr(kroot, va, 3);
	CHECK_EQ(rt_pte_read(kroot, va, 3), 0);
	CHECK_EQ(rt_mmu_update1(t.l3_slot, (t.l2_mfn << 12) | HOSTILE_LINK),
		 0);
	return t;
}

long hostile_decrease(uint64_t mfn)
{
	struct keel_memory_reservation r = {
		.extent_start = (uint64_t)&mfn,
		.nr_extents = 1,
		.domid = KEEL_DOMID_SELF,
	};

	return keel_hypercall_memory_op(KEEL_MEMOP_decrease_reservation,
					(unsigned long)&r);
}

int32_t hostile_map_grant(uint32_t ref, uint16_t domid, uint64_t va,
			  uint32_t flags, uint32_t *handle, uint64_t *frame)
{
	struct keel_gnttab_map_grant_ref m = {
		.host_addr = va, .flags = flags, .ref = ref, .domid = domid,
		.handle = ~0u,
	};

	CHECK_EQ(hostile_gnttab(KEEL_GNTTABOP_map_grant_ref, &m, 1), 0);
	if (handle)
		*handle = m.handle;
	if (frame)
		*frame = m.frame;
	return m.status;
}

int32_t hostile_unmap_grant(uint64_t va, uint32_t handle)
{
	struct keel_gnttab_unmap_grant_ref u = { .host_addr = va,
						 .handle = handle };

	CHECK_EQ(hostile_gnttab(KEEL_GNTTABOP_unmap_grant_ref, &u, 1), 0);
	return u.status;
}

uint64_t hostile_canary_mfn(void)
{
	static uint64_t mfn;
	static uint64_t *hole;
	uint32_t handle;
	uint64_t word = 0;

	if (mfn)
		return mfn;
	if (!hole)
		hole = hostile_hole();
	CHECK_EQ(hostile_map_grant(HOSTILE_GREF_CANARY, hostile_victim,
				   (uint64_t)hole, KEEL_GNTMAP_readonly,
				   &handle, &mfn), 0);
	/* The read-only view works, and shows the victim's pattern. */
	CHECK(!rt_read_faults(&hole[7], &word), "grant mapping unreadable");
	CHECK_EQ(word, hostile_canary_word(7));
	CHECK_EQ(hostile_unmap_grant((uint64_t)hole, handle), 0);
	CHECK(mfn != 0, "the canary grant gave no frame");
	return mfn;
}

/* ---------------------------------------------------------------- main */

static keel_port_t remote_port(keel_port_t local)
{
	struct keel_evtchn_status st = { .dom = KEEL_DOMID_SELF,
					 .port = local };

	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_status, &st), 0);
	CHECK_EQ(st.status, KEEL_EVTCHNSTAT_interdomain);
	return st.u.interdomain.port;
}

void test_main(void)
{
	const char *peer = rt_cmdline_value("peer");
	struct hostile_status st;

	if (peer)
		hostile_victim = (unsigned int)(peer[0] - '0');
	hostile_scratch = rt_alloc_pages(1);
	hostile_scratch_mfn = rt_va_to_mfn(hostile_scratch);

	/* The victim offers the control channel, then the request one. We
	 * may bind them in either order: the control channel is the one
	 * whose remote port is lower. */
	if (rt_bind_peer(hostile_victim, 30 * SECOND, &ctl_port)) {
		CHECK(false, "no channel from the victim");
		return;
	}
	rt_mask(ctl_port);
	if (rt_bind_peer(hostile_victim, 30 * SECOND, &req_port)) {
		CHECK(false, "no second channel from the victim");
		return;
	}
	rt_mask(req_port);
	if (remote_port(ctl_port) > remote_port(req_port)) {
		keel_port_t p = ctl_port;

		ctl_port = req_port;
		req_port = p;
	}
	if (!rt_wait_port(ctl_port, rt_now_ns() + 30 * SECOND)) {
		CHECK(false, "the victim never said it was ready");
		return;
	}
	hostile_read_status(&st);
	CHECK_EQ(st.magic, HOSTILE_STATUS_MAGIC);
	counter_before = st.counter;
	printf("attack %s: the victim (domain %u) is ready\n", test_name,
	       hostile_victim);

	attack();

	hostile_done();
	printf("attack %s: over, %u failed checks\n", test_name,
	       test_failures);
}
