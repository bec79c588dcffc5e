/* A byte token bucket; see ratelimit.h. */
#include <ratelimit.h>
#include <system_time.h>

void ratelimit_init(struct ratelimit *rl, uint64_t rate, uint64_t burst,
		    uint64_t now)
{
	/* A rate above one byte a nanosecond is no limit worth keeping. */
	rl->ns_per_byte = rate ? (rate >= NSEC_PER_SEC ? 1 : NSEC_PER_SEC / rate)
			       : 0;
	if (burst > UINT64_MAX / (NSEC_PER_SEC + 1))
		burst = UINT64_MAX / (NSEC_PER_SEC + 1);
	rl->capacity_ns = burst * rl->ns_per_byte;
	rl->credit_ns = rl->capacity_ns;
	rl->last_ns = now;
}

/* Add the credit time has earned since the last refill. */
static void refill(struct ratelimit *rl, uint64_t now)
{
	/* Time never runs backwards here; a clock that did adds nothing. */
	if (now > rl->last_ns) {
		uint64_t room = rl->capacity_ns - rl->credit_ns;
		uint64_t elapsed = now - rl->last_ns;

		rl->credit_ns += elapsed < room ? elapsed : room;
		rl->last_ns = now;
	}
}

uint64_t ratelimit_take(struct ratelimit *rl, uint64_t bytes, uint64_t now)
{
	if (!rl->ns_per_byte)
		return bytes;
	refill(rl, now);
	uint64_t held = rl->credit_ns / rl->ns_per_byte;
	if (bytes > held)
		bytes = held;
	rl->credit_ns -= bytes * rl->ns_per_byte;
	return bytes;
}

bool ratelimit_take_all(struct ratelimit *rl, uint64_t bytes, uint64_t now)
{
	if (!rl->ns_per_byte)
		return true;
	refill(rl, now);
	if (bytes > rl->credit_ns / rl->ns_per_byte)
		return false;
	rl->credit_ns -= bytes * rl->ns_per_byte;
	return true;
}
