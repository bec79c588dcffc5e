/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The PV console (ABI 1.5): a page of two byte rings between a domain
 * (the frontend) and a backend domain that shows its output and feeds it
 * input, plus one event channel between the two.
 *
 * The domain builder sets it up for a domain configured with
 * console_backend=DOMID (pv-boot-protocol.md section 3): it takes one
 * page of the domain's memory for the ring, zeroes it, grants it to the
 * backend domain in grant entry KEEL_CONSOLE_GRANT_REF of the domain's
 * grant table, and allocates an unbound event channel in the domain that
 * only the backend may bind. The domain finds the page and its port in
 * its boot FDT (/keel/console); the backend asks with domctl
 * getconsole, grant-copies (or maps) the page and binds the port with
 * bind_interdomain.
 *
 * The indices count bytes, free-running modulo 2^32; a byte at index i
 * lives at out[i % KEEL_CONSOLE_OUT_SIZE] (or in[i % KEEL_CONSOLE_IN_SIZE]).
 * A ring holds prod - cons bytes, never more than its size.
 *
 * Output, the guest's: the guest writes bytes at out[out_prod...], then,
 * after a write barrier, the new out_prod, and notifies its port. The
 * backend reads out_prod, then (after a read barrier) the bytes, then
 * writes out_cons and notifies, so that a guest waiting for room wakes.
 * Input is the same the other way: the backend writes in[] and in_prod,
 * the guest reads and writes in_cons.
 *
 * Each side writes only its own fields: both sides treat the other's
 * as hostile. A backend that finds out_prod - out_cons above
 * KEEL_CONSOLE_OUT_SIZE, or in_prod - in_cons above KEEL_CONSOLE_IN_SIZE,
 * stops serving the ring.
 */
#ifndef KEEL_PUBLIC_IO_CONSOLE_H
#define KEEL_PUBLIC_IO_CONSOLE_H

#include "../keel.h"

#define KEEL_CONSOLE_IN_SIZE    1024
#define KEEL_CONSOLE_OUT_SIZE   2048
/* The grant entry the builder writes for the ring: a guest that sets up
 * its own grant table keeps this entry as it is. */
#define KEEL_CONSOLE_GRANT_REF  0

struct keel_console_ring {
	/* Written by the guest. */
	uint32_t out_prod;	/* bytes the guest has put in out[] */
	uint32_t in_cons;	/* bytes the guest has taken from in[] */
	/* Written by the backend. */
	uint32_t out_cons;	/* bytes the backend has taken from out[] */
	uint32_t in_prod;	/* bytes the backend has put in in[] */
	uint8_t pad[48];	/* zero; the rings start on their own line */
	char in[KEEL_CONSOLE_IN_SIZE];		/* written by the backend */
	char out[KEEL_CONSOLE_OUT_SIZE];	/* written by the guest */
};

/* Byte offsets, for a backend that grant-copies parts of the page. */
#define KEEL_CONSOLE_RING_OUT_PROD  0
#define KEEL_CONSOLE_RING_IN_CONS   4
#define KEEL_CONSOLE_RING_OUT_CONS  8
#define KEEL_CONSOLE_RING_IN_PROD   12
#define KEEL_CONSOLE_RING_IN        64
#define KEEL_CONSOLE_RING_OUT       (64 + KEEL_CONSOLE_IN_SIZE)

#endif
