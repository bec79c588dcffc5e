/*
 * The backend's side of one PV console ring (keel/io/console.h), apart
 * from how it reaches the page, so that the unit tests can stand in for
 * the frontend, hostile ones included.
 *
 * The backend keeps its own indices (out_cons, in_prod) and never reads
 * them back from the page: only the frontend's two are read, once per
 * call, from a copy of the page's first 16 bytes, and then checked. A
 * ring whose frontend claims more than the ring holds is broken for good:
 * the backend stops serving it and the frontend's domain keeps running.
 */
#ifndef CONSOLE_RING_H
#define CONSOLE_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How the ring page is reached: the grant copies and the notification.
 * Each returns 0 or a negative errno. */
struct console_ring_piece {
	uint16_t offset;	/* in the ring page */
	uint16_t len;
	const void *data;	/* for write: the bytes to put there */
};
struct console_ring_io {
	/* Copy @len bytes at @offset of the page into @buf. */
	int (*read)(void *opaque, uint16_t offset, void *buf, uint16_t len);
	/* Write @n pieces, in this order. */
	int (*write)(void *opaque, const struct console_ring_piece *pieces,
		     unsigned int n);
	int (*notify)(void *opaque);
	void *opaque;
};

struct console_ring {
	const struct console_ring_io *io;
	uint32_t out_cons;	/* bytes taken from out[] */
	uint32_t in_prod;	/* bytes put in in[] */
	bool broken;
	char why[96];		/* why it is broken */
};

/* Start serving: take the backend's indices from the page as an earlier
 * backend left them (0 for a new ring). -EPROTO if they are already
 * impossible. */
int console_ring_attach(struct console_ring *r, const struct console_ring_io *io);

/* Take all the output the frontend has produced into @buf (room for
 * KEEL_CONSOLE_OUT_SIZE bytes), give the room back and notify: the
 * number of bytes, 0 for none, or a negative errno (-EPROTO: the ring
 * is broken, see why). */
long console_ring_take_output(struct console_ring *r, char *buf);

/* Put as much of @buf as there is room for in the input ring and notify:
 * the number of bytes taken (0 when the ring is full), or a negative
 * errno (-EPROTO: broken). */
long console_ring_give_input(struct console_ring *r, const char *buf,
			     size_t len);

#endif
