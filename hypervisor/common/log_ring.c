/*
 * The log ring keeps the newest bytes of hypervisor output. Positions are
 * absolute byte counts, so a reader that falls behind notices it was
 * overtaken and skips to the oldest byte still present.
 */
#include <log_ring.h>

void log_ring_init(struct log_ring *ring, char *buf, size_t size)
{
	ring->buf = buf;
	ring->size = size;
	ring->head = 0;
}

void log_ring_write(struct log_ring *ring, const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		ring->buf[(ring->head + i) & (ring->size - 1)] = text[i];
	ring->head += len;
}

uint64_t log_ring_tail(const struct log_ring *ring)
{
	return ring->head > ring->size ? ring->head - ring->size : 0;
}

size_t log_ring_read(const struct log_ring *ring, uint64_t *pos, char *out,
		     size_t len)
{
	uint64_t p = *pos;
	size_t n = 0;

	if (p < log_ring_tail(ring))
		p = log_ring_tail(ring);
	while (p < ring->head && n < len) {
		out[n++] = ring->buf[p & (ring->size - 1)];
		p++;
	}
	*pos = p;
	return n;
}
