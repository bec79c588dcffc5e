/*
 * Shared-memory event bitmaps. The guest writes these words too, so every
 * update is an atomic read-modify-write, and the order matters: pending
 * bit, then the selector bit, then upcall_pending, so that a guest that
 * sees upcall_pending always finds the selector and the port.
 */
#include <event_bitmap.h>

static bool test_and_set(uint64_t *word, unsigned int bit)
{
	uint64_t m = 1ULL << bit;

	return __atomic_fetch_or(word, m, __ATOMIC_SEQ_CST) & m;
}

static bool notify(struct keel_vcpu_info *vi, unsigned int port)
{
	test_and_set(&vi->evtchn_pending_sel, port / 64);
	return !__atomic_exchange_n(&vi->evtchn_upcall_pending, 1,
				    __ATOMIC_SEQ_CST);
}

bool event_bitmap_set_pending(struct keel_shared_info *s,
			      struct keel_vcpu_info *vi, unsigned int port)
{
	if (port >= KEEL_NR_EVENT_CHANNELS)
		return false;
	if (test_and_set(&s->evtchn_pending[port / 64], port % 64))
		return false;	/* already pending: already notified */
	if (__atomic_load_n(&s->evtchn_mask[port / 64], __ATOMIC_SEQ_CST) &
	    (1ULL << (port % 64)))
		return false;	/* masked: unmask will notify */
	return notify(vi, port);
}

bool event_bitmap_unmask(struct keel_shared_info *s,
			 struct keel_vcpu_info *vi, unsigned int port)
{
	if (port >= KEEL_NR_EVENT_CHANNELS)
		return false;
	__atomic_fetch_and(&s->evtchn_mask[port / 64], ~(1ULL << (port % 64)),
			   __ATOMIC_SEQ_CST);
	if (!event_bitmap_test_pending(s, port))
		return false;
	notify(vi, port);
	return true;
}

bool event_bitmap_test_pending(const struct keel_shared_info *s,
			       unsigned int port)
{
	if (port >= KEEL_NR_EVENT_CHANNELS)
		return false;
	return __atomic_load_n(&s->evtchn_pending[port / 64], __ATOMIC_SEQ_CST) &
	       (1ULL << (port % 64));
}

void event_bitmap_clear(struct keel_shared_info *s, unsigned int port)
{
	if (port < KEEL_NR_EVENT_CHANNELS)
		__atomic_fetch_and(&s->evtchn_pending[port / 64],
				   ~(1ULL << (port % 64)), __ATOMIC_SEQ_CST);
}
