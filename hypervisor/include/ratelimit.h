/*
 * A token bucket over bytes (common/ratelimit.c): @rate bytes a second on
 * average, in bursts of at most @burst bytes. Pure logic, with the time
 * passed in, so that the host unit tests drive it.
 *
 * The bucket holds credit as nanoseconds of rate, not as bytes: a byte
 * costs NSEC_PER_SEC / rate ns of credit, and elapsed time adds credit
 * one to one. Nothing is multiplied by an elapsed time, so nothing
 * overflows however long the bucket sat idle.
 */
#ifndef KEEL_RATELIMIT_H
#define KEEL_RATELIMIT_H

#include "types.h"

struct ratelimit {
	uint64_t ns_per_byte;	/* 0: unlimited */
	uint64_t capacity_ns;	/* credit of a full bucket */
	uint64_t credit_ns;
	uint64_t last_ns;	/* time of the last refill */
};

/* A full bucket at time @now. @rate 0 means no limit. */
void ratelimit_init(struct ratelimit *rl, uint64_t rate, uint64_t burst,
		    uint64_t now);
/* Take as many of @bytes as the bucket holds at time @now (all of them
 * when unlimited) and return that count. */
uint64_t ratelimit_take(struct ratelimit *rl, uint64_t bytes, uint64_t now);
/* Take all of @bytes, or none: whether the bucket held them. */
bool ratelimit_take_all(struct ratelimit *rl, uint64_t bytes, uint64_t now);

#endif
