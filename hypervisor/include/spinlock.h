/* Ticket spinlocks: waiters are served in arrival order, so no CPU starves. */
#ifndef KEEL_SPINLOCK_H
#define KEEL_SPINLOCK_H

#include <types.h>
#include <asm/cpu.h>

typedef struct {
	uint16_t next;		/* ticket handed to the next arrival */
	uint16_t owner;		/* ticket now being served */
} spinlock_t;

#define SPINLOCK_INIT { 0, 0 }

static inline void spin_lock_init(spinlock_t *l)
{
	l->next = 0;
	l->owner = 0;
}

static inline void spin_lock(spinlock_t *l)
{
	uint16_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		cpu_relax();
}

static inline bool spin_trylock(spinlock_t *l)
{
	spinlock_t old = { .next = __atomic_load_n(&l->owner, __ATOMIC_RELAXED),
			   .owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED) };
	uint32_t expected, desired;

	__builtin_memcpy(&expected, &old, sizeof(expected));
	old.next++;
	__builtin_memcpy(&desired, &old, sizeof(desired));
	return __atomic_compare_exchange_n((uint32_t *)l, &expected, desired,
					   false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(spinlock_t *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&l->next, __ATOMIC_RELAXED);
}

static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
	unsigned long flags = irq_save();
	spin_lock(l);
	return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	spin_unlock(l);
	irq_restore(flags);
}

#endif
