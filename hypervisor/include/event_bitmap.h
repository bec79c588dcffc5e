/*
 * The two-level pending/mask bitmaps of the shared-info page
 * (common/event_bitmap.c). Pure: the unit tests run it on host memory.
 */
#ifndef KEEL_EVENT_BITMAP_H
#define KEEL_EVENT_BITMAP_H

#include <keel/shared_info.h>
#include <types.h>

/*
 * Mark @port pending. Returns true when the notified vCPU needs an upcall
 * (the port was not already pending, is not masked, and the vCPU's
 * upcall_pending flag went up), false otherwise.
 */
bool event_bitmap_set_pending(struct keel_shared_info *s,
			      struct keel_vcpu_info *vi, unsigned int port);
/* Clear @port's mask; returns true when it was pending, so the vCPU must
 * be notified now (the selector and upcall flag have been set). */
bool event_bitmap_unmask(struct keel_shared_info *s,
			 struct keel_vcpu_info *vi, unsigned int port);
bool event_bitmap_test_pending(const struct keel_shared_info *s,
			       unsigned int port);
void event_bitmap_clear(struct keel_shared_info *s, unsigned int port);

#endif
