/*
 * The backend's side of one PV console ring (console_ring.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <keel/io/console.h>

#include "console_ring.h"

/* The frontend's indices and the backend's, as the page has them now. */
struct ring_indices {
	uint32_t out_prod, in_cons, out_cons, in_prod;
};

static int read_indices(struct console_ring *r, struct ring_indices *idx)
{
	uint32_t raw[4];
	int rc = r->io->read(r->io->opaque, 0, raw, sizeof(raw));

	if (rc)
		return rc;
	idx->out_prod = raw[KEEL_CONSOLE_RING_OUT_PROD / 4];
	idx->in_cons = raw[KEEL_CONSOLE_RING_IN_CONS / 4];
	idx->out_cons = raw[KEEL_CONSOLE_RING_OUT_CONS / 4];
	idx->in_prod = raw[KEEL_CONSOLE_RING_IN_PROD / 4];
	return 0;
}

/* Of @n bytes from ring position @start, how many come before the ring's
 * end (the rest wrap to position 0). */
static uint32_t first_piece(uint32_t start, uint32_t n, uint32_t size)
{
	return n < size - start ? n : size - start;
}

static int ring_broken(struct console_ring *r, const char *what,
		       uint32_t prod, uint32_t cons)
{
	r->broken = true;
	snprintf(r->why, sizeof(r->why), "%s producer %u is %u bytes past "
		 "its consumer %u", what, prod, prod - cons, cons);
	return -EPROTO;
}

int console_ring_attach(struct console_ring *r, const struct console_ring_io *io)
{
	struct ring_indices idx;
	int rc;

	memset(r, 0, sizeof(*r));
	r->io = io;
	if ((rc = read_indices(r, &idx)))
		return rc;
	r->out_cons = idx.out_cons;
	r->in_prod = idx.in_prod;
	if (idx.out_prod - r->out_cons > KEEL_CONSOLE_OUT_SIZE)
		return ring_broken(r, "output", idx.out_prod, r->out_cons);
	if (r->in_prod - idx.in_cons > KEEL_CONSOLE_IN_SIZE)
		return ring_broken(r, "input", r->in_prod, idx.in_cons);
	return 0;
}

long console_ring_take_output(struct console_ring *r, char *buf)
{
	struct ring_indices idx;
	int rc;

	if (r->broken)
		return -EPROTO;
	if ((rc = read_indices(r, &idx)))
		return rc;
	uint32_t avail = idx.out_prod - r->out_cons;
	if (avail > KEEL_CONSOLE_OUT_SIZE)
		return ring_broken(r, "output", idx.out_prod, r->out_cons);
	if (!avail)
		return 0;
	/* The bytes, read after the producer: at most two pieces. */
	uint32_t start = r->out_cons % KEEL_CONSOLE_OUT_SIZE;
	uint32_t first = first_piece(start, avail, KEEL_CONSOLE_OUT_SIZE);
	rc = r->io->read(r->io->opaque, KEEL_CONSOLE_RING_OUT + start, buf,
			 (uint16_t)first);
	if (!rc && avail > first)
		rc = r->io->read(r->io->opaque, KEEL_CONSOLE_RING_OUT,
				 buf + first, (uint16_t)(avail - first));
	if (rc)
		return rc;
	r->out_cons += avail;
	uint32_t cons = r->out_cons;
	struct console_ring_piece piece = {
		.offset = KEEL_CONSOLE_RING_OUT_CONS, .len = sizeof(cons),
		.data = &cons,
	};
	if ((rc = r->io->write(r->io->opaque, &piece, 1)) ||
	    (rc = r->io->notify(r->io->opaque)))
		return rc;
	return avail;
}

long console_ring_give_input(struct console_ring *r, const char *buf,
			     size_t len)
{
	struct ring_indices idx;
	int rc;

	if (r->broken)
		return -EPROTO;
	if ((rc = read_indices(r, &idx)))
		return rc;
	uint32_t used = r->in_prod - idx.in_cons;
	if (used > KEEL_CONSOLE_IN_SIZE)
		return ring_broken(r, "input", r->in_prod, idx.in_cons);
	uint32_t room = KEEL_CONSOLE_IN_SIZE - used;
	uint32_t n = len < room ? (uint32_t)len : room;
	if (!n)
		return 0;
	/* The bytes (one or two pieces), then the producer that covers
	 * them: the copies land in this order. */
	struct console_ring_piece pieces[3];
	unsigned int nr = 0;
	uint32_t start = r->in_prod % KEEL_CONSOLE_IN_SIZE;
	uint32_t first = first_piece(start, n, KEEL_CONSOLE_IN_SIZE);
	pieces[nr++] = (struct console_ring_piece){
		.offset = (uint16_t)(KEEL_CONSOLE_RING_IN + start),
		.len = (uint16_t)first, .data = buf,
	};
	if (n > first)
		pieces[nr++] = (struct console_ring_piece){
			.offset = KEEL_CONSOLE_RING_IN,
			.len = (uint16_t)(n - first), .data = buf + first,
		};
	uint32_t prod = r->in_prod + n;
	pieces[nr++] = (struct console_ring_piece){
		.offset = KEEL_CONSOLE_RING_IN_PROD, .len = sizeof(prod),
		.data = &prod,
	};
	if ((rc = r->io->write(r->io->opaque, pieces, nr)))
		return rc;
	r->in_prod = prod;
	if ((rc = r->io->notify(r->io->opaque)))
		return rc;
	return n;
}
