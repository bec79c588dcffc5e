/*
 * The victim of the hostile suite: the second domain of every attack's
 * boot (see ../lib/hostile.h for the protocol).
 *
 * It fills a canary page with a known pattern and grants it read-only to
 * the attacker, together with its status page (where a counter runs) and
 * a page it revokes on request. It offers the attacker a control channel
 * and a request channel, says "ready", and then spins, advancing its
 * counter and serving revoke requests, until the attacker says "done".
 * Then it checks that nothing it owns changed: the canary, the status
 * and revocable pages, its grant entries, its kernel page-table root and
 * its reservation; and that its counter advanced during the attack. Any
 * difference, or no "done" in time, fails it, and with it the attack.
 */
#include "hostile.h"

#define SECOND 1000000000ULL

const char test_name[] = "victim";

static uint64_t *canary, *revocable;
static struct hostile_status *status;
static struct keel_grant_entry *gnt;
static uint64_t gnt_frames[HOSTILE_NR_GREFS];
static uint64_t l4_before[512];
static keel_port_t ctl_port, req_port;
static unsigned int attacker;

static bool take(keel_port_t port)
{
	uint64_t bit = 1ULL << (port % 64);

	uint64_t *word = &rt_boot.shared_info->evtchn_pending[port / 64];

	return __atomic_fetch_and(word, ~bit, __ATOMIC_SEQ_CST) & bit;
}

static keel_port_t offer_port(void)
{
	struct keel_evtchn_alloc_unbound a = {
		.dom = KEEL_DOMID_SELF,
		.remote_dom = (keel_domid_t)attacker,
	};

	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_alloc_unbound, &a), 0);
	rt_mask(a.port);
	return a.port;
}

static void grant(uint32_t ref, uint16_t domid, uint64_t mfn)
{
	gnt[ref].domid = domid;
	gnt[ref].frame = (uint32_t)mfn;
	gnt_frames[ref] = mfn;
	__atomic_store_n(&gnt[ref].flags,
			 (uint16_t)(KEEL_GTF_permit_access | KEEL_GTF_readonly),
			 __ATOMIC_SEQ_CST);
}

static void setup_grants(void)
{
	uint64_t gframe = 0;
	struct keel_gnttab_setup_table st = {
		.domid = KEEL_DOMID_SELF,
		.nr_frames = 1,
		.frame_list = (uint64_t)&gframe,
	};

	CHECK_EQ(keel_hypercall_grant_table_op(KEEL_GNTTABOP_setup_table,
					       (unsigned long)&st, 1), 0);
	CHECK_EQ(st.status, 0);
	/* Map the table frame in place of one of our free pages. */
	gnt = rt_alloc_pages(1);
	CHECK_EQ(keel_hypercall_update_va_mapping(
			 (uint64_t)gnt, (gframe << 12) | PTE_P | PTE_W | PTE_U |
			 PTE_NX, KEEL_UVMF_INVLPG), 0);
	grant(HOSTILE_GREF_CANARY, (uint16_t)attacker, rt_va_to_mfn(canary));
	grant(HOSTILE_GREF_STATUS, (uint16_t)attacker, rt_va_to_mfn(status));
	grant(HOSTILE_GREF_REVOCABLE, (uint16_t)attacker,
	      rt_va_to_mfn(revocable));
	grant(HOSTILE_GREF_OTHER, HOSTILE_OTHER_DOMID, rt_va_to_mfn(canary));
}

static void serve_revoke(void)
{
	uint16_t expect = KEEL_GTF_permit_access | KEEL_GTF_readonly;
	uint16_t *flags = &gnt[HOSTILE_GREF_REVOCABLE].flags;
	bool ok = __atomic_compare_exchange_n(flags, &expect, 0, false,
					      __ATOMIC_SEQ_CST,
					      __ATOMIC_SEQ_CST);

	status->revoke_result = ok ? 0 : -KEEL_EBUSY;
	__atomic_fetch_add(&status->revokes, 1, __ATOMIC_SEQ_CST);
	printf("revoke request: %s\n", ok ? "revoked" : "in use, refused");
	CHECK_EQ(rt_send(ctl_port), 0);
}

/* Whether the attacker's end of the control channel is gone (its domain
 * was destroyed before it said "done"). */
static bool attacker_gone(void)
{
	struct keel_evtchn_status st = { .dom = KEEL_DOMID_SELF,
					 .port = ctl_port };

	return rt_evtchn_op(KEEL_EVTCHNOP_status, &st) == 0 &&
	       st.status != KEEL_EVTCHNSTAT_interdomain;
}

static void check_grants(bool revoked)
{
	for (uint32_t ref = 0; ref < HOSTILE_NR_GREFS; ref++) {
		bool granted = ref != HOSTILE_GREF_FREE &&
			       !(ref == HOSTILE_GREF_REVOCABLE && revoked);
		uint16_t flags = gnt[ref].flags;

		CHECK_EQ(gnt[ref].frame, (uint32_t)gnt_frames[ref]);
		CHECK_EQ(!!(flags & KEEL_GTF_permit_access), granted);
		if (ref == HOSTILE_GREF_FREE)
			CHECK_EQ(flags, 0);
		else
			CHECK(flags & KEEL_GTF_readonly || !granted,
			      "grant %u lost its read-only flag", ref);
		/* Keel never marks a read-only grant as written. */
		CHECK(!(flags & KEEL_GTF_writing), "grant %u marked writing",
		      ref);
	}
}

void test_main(void)
{
	const char *peer = rt_cmdline_value("peer");
	const uint64_t *l4 = rt_mfn_to_va(rt_boot.kernel_root_mfn);

	attacker = peer ? (unsigned int)(peer[0] - '0') : 0;
	canary = rt_alloc_pages(1);
	status = rt_alloc_pages(1);
	revocable = rt_alloc_pages(1);
	for (unsigned int i = 0; i < 512; i++) {
		canary[i] = hostile_canary_word(i);
		revocable[i] = HOSTILE_REVOCABLE_WORD;
	}
	status->magic = HOSTILE_STATUS_MAGIC;
	setup_grants();
	memcpy(l4_before, l4, sizeof(l4_before));
	long pages = keel_hypercall_memory_op(KEEL_MEMOP_current_reservation,
					      KEEL_DOMID_SELF);
	CHECK(pages > 0, "current_reservation = %ld", pages);

	ctl_port = offer_port();
	req_port = offer_port();
	printf("canary at mfn %#llx; offering ports %u and %u to domain %u\n",
	       (unsigned long long)rt_va_to_mfn(canary), ctl_port, req_port,
	       attacker);

	/* Both binds (each signals our end once), then "ready". */
	uint64_t deadline = rt_now_ns() + 30 * SECOND;
	bool ctl_bound = false, req_bound = false;
	while (!(ctl_bound && req_bound)) {
		status->counter++;
		ctl_bound |= take(ctl_port);
		req_bound |= take(req_port);
		if (rt_now_ns() >= deadline) {
			CHECK(false, "the attacker never bound both channels");
			return;
		}
	}
	CHECK_EQ(rt_send(ctl_port), 0);
	uint64_t c_ready = status->counter;
	uint64_t t_ready = rt_now_ns(), last = t_ready, max_gap = 0;

	/* The attack runs now: keep counting until "done". */
	deadline = t_ready + 75 * SECOND;
	bool done = false, gone = false;
	uint64_t next_look = t_ready;
	while (!done) {
		uint64_t now = rt_now_ns();

		__atomic_store_n(&status->counter, status->counter + 1,
				 __ATOMIC_SEQ_CST);
		if (now - last > max_gap)
			max_gap = now - last;
		last = now;
		if (take(req_port))
			serve_revoke();
		/* Not in the iteration that said ready. */
		done = status->counter > c_ready + 1 && take(ctl_port);
		if (now >= deadline)
			break;
		/* Every 10 ms: is the attacker still there? */
		if (!done && now >= next_look) {
			next_look = now + 10000000;
			if (attacker_gone()) {
				gone = !take(ctl_port);
				done = !gone;
				break;
			}
		}
	}
	uint64_t c_done = status->counter;
	CHECK(!gone, "the attacker went away without saying \"done\"");
	CHECK(done || gone, "no \"done\" from the attacker within 75 s");
	printf("counter advanced by %llu during the attack (%llu ms, longest "
	       "gap %llu us)\n", (unsigned long long)(c_done - c_ready),
	       (unsigned long long)((rt_now_ns() - t_ready) / 1000000),
	       (unsigned long long)(max_gap / 1000));
	CHECK(c_done > c_ready, "the counter did not advance");

	/* Nothing of ours changed. */
	unsigned int bad = 0;
	for (unsigned int i = 0; i < 512; i++)
		bad += canary[i] != hostile_canary_word(i);
	CHECK(bad == 0, "%u canary words changed", bad);
	bad = 0;
	for (unsigned int i = 0; i < 512; i++)
		bad += revocable[i] != HOSTILE_REVOCABLE_WORD;
	CHECK(bad == 0, "%u words of the revocable page changed", bad);
	CHECK_EQ(status->magic, HOSTILE_STATUS_MAGIC);
	check_grants(status->revokes && status->revoke_result == 0);
	bad = 0;
	for (unsigned int i = 0; i < 512; i++)
		bad += (l4[i] & ~(PTE_A | PTE_D)) !=
		       (l4_before[i] & ~(PTE_A | PTE_D));
	CHECK(bad == 0, "%u entries of our kernel root changed", bad);
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_current_reservation,
					  KEEL_DOMID_SELF), pages);
	CHECK_EQ(keel_hypercall_version(KEEL_VERSION_ABI, 0), KEEL_ABI_VERSION);
	printf("canary, grants, page tables and reservation intact\n");
}
