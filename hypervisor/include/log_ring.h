/* The hypervisor log: a ring buffer of text that keeps the most recent
 * output, whatever the console log level filtered (common/log_ring.c).
 * `pvctl dmesg` will read it through a control-domain hypercall. */
#ifndef KEEL_LOG_RING_H
#define KEEL_LOG_RING_H

#include "types.h"

struct log_ring {
	char *buf;
	size_t size;		/* a power of two */
	uint64_t head;		/* total bytes ever written */
};

void log_ring_init(struct log_ring *ring, char *buf, size_t size);
void log_ring_write(struct log_ring *ring, const char *text, size_t len);
/* Oldest position still held in the ring. */
uint64_t log_ring_tail(const struct log_ring *ring);
/* Copy up to @len bytes starting at absolute position *@pos (clamped to
 * the oldest byte still held) and advance *@pos. Returns the count. */
size_t log_ring_read(const struct log_ring *ring, uint64_t *pos, char *out,
		     size_t len);

#endif
