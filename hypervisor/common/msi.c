/*
 * MSIs and MSI-X entries for the hardware domain (msi.h).
 *
 * One table of slots, each with its vector. A slot is claimed in two
 * steps: reserved (its function, and entry, recorded, so that a second
 * bind of them gets -EBUSY, but not yet "bound", so the filter still
 * refuses to turn the function's MSI or MSI-X on), then, once the
 * function's message (its MSI capability, or its MSI-X table entry)
 * points at the slot's vector, bound. Undoing goes the other way: back
 * to reserved, the message turned off, then the slot freed. An MSI
 * already on its way arrives at a slot that is not bound and is
 * dropped.
 *
 * A function uses MSI or MSI-X, not both: a bind of the other kind
 * while one is bound or reserved is -EBUSY.
 */
#include <arch.h>
#include <errno_values.h>
#include <event_channel.h>
#include <msi.h>
#include <pci_host.h>
#include <spinlock.h>
#include <string_ops.h>

enum msi_slot_state {
	MSI_SLOT_FREE,
	MSI_SLOT_RESERVED,	/* being programmed, or undone */
	MSI_SLOT_BOUND,
};

struct msi_slot {
	uint8_t state;			/* enum msi_slot_state */
	uint8_t capability;		/* the MSI or MSI-X capability's offset */
	bool msix;
	uint16_t entry;			/* the MSI-X table entry */
	uint16_t bdf;
	struct domain *domain;
	keel_port_t port;
};

static spinlock_t msi_lock = SPINLOCK_INIT;
static struct msi_slot msi_slots[MSI_MAX];

/* @slot's entry (@slot below MSI_MAX, checked by the caller), indexed so
 * that a CPU running on past that check stays in the table. */
static struct msi_slot *slot_of(uint32_t slot)
{
	return &msi_slots[slot & arch_index_mask_nospec(slot, MSI_MAX)];
}

/* Under msi_lock: whether a bind of @bdf's MSI (@entry < 0) or MSI-X
 * entry @entry conflicts with a slot in use. */
static bool conflicts(uint16_t bdf, int entry)
{
	for (int i = 0; i < MSI_MAX; i++) {
		const struct msi_slot *s = &msi_slots[i];

		if (s->state == MSI_SLOT_FREE || s->bdf != bdf)
			continue;
		if (entry < 0 || !s->msix || s->entry == entry)
			return true;
	}
	return false;
}

/* Under msi_lock: a slot of function @bdf of the kind @msix, bound (if
 * @bound_only) or in use, other than @except; or NULL. */
static const struct msi_slot *slot_of_function(uint16_t bdf, bool msix,
					       bool bound_only,
					       const struct msi_slot *except)
{
	for (int i = 0; i < MSI_MAX; i++) {
		const struct msi_slot *s = &msi_slots[i];

		if (s != except && s->bdf == bdf && s->msix == msix &&
		    (bound_only ? s->state == MSI_SLOT_BOUND
				: s->state != MSI_SLOT_FREE))
			return s;
	}
	return NULL;
}

long msi_claim(struct domain *d, uint16_t bdf, int entry, keel_port_t port)
{
	long slot = -ENOSPC;

	unsigned long flags = spin_lock_irqsave(&msi_lock);
	if (conflicts(bdf, entry)) {
		slot = -EBUSY;
	} else {
		for (int i = 0; i < MSI_MAX; i++) {
			if (msi_slots[i].state == MSI_SLOT_FREE) {
				msi_slots[i] = (struct msi_slot){
					.state = MSI_SLOT_RESERVED,
					.msix = entry >= 0,
					.entry = entry >= 0 ? (uint16_t)entry : 0,
					.bdf = bdf, .domain = d, .port = port };
				slot = i;
				break;
			}
		}
	}
	spin_unlock_irqrestore(&msi_lock, flags);
	if (slot < 0)
		return slot;

	uint64_t address;
	uint32_t data;
	int pos = -ENODEV;
	if (arch_msi_message((uint32_t)slot, &address, &data))
		pos = entry < 0 ?
		      pci_host_msi_program(bdf, address, (uint16_t)data) :
		      pci_host_msix_program(bdf, (unsigned int)entry, address,
					    (uint16_t)data);

	flags = spin_lock_irqsave(&msi_lock);
	if (pos < 0) {
		memset(&msi_slots[slot], 0, sizeof(msi_slots[slot]));
	} else {
		msi_slots[slot].capability = (uint8_t)pos;
		msi_slots[slot].state = MSI_SLOT_BOUND;
	}
	spin_unlock_irqrestore(&msi_lock, flags);
	return pos < 0 ? pos : slot;
}

void msi_unbind(struct domain *d, uint32_t slot, keel_port_t port)
{
	if (slot >= MSI_MAX)
		return;
	unsigned long flags = spin_lock_irqsave(&msi_lock);
	struct msi_slot *s = slot_of(slot);
	bool ours = s->state == MSI_SLOT_BOUND && s->domain == d &&
		    s->port == port;
	bool last = false;
	/* Back to reserved: from here the filter refuses to turn the
	 * function's MSI (or, for its last MSI-X entry, MSI-X) on behind
	 * the disable below, the interrupt path drops the slot's
	 * messages, and no other bind can take the slot or the entry. */
	if (ours) {
		s->state = MSI_SLOT_RESERVED;
		last = !slot_of_function(s->bdf, true, false, s);
	}
	spin_unlock_irqrestore(&msi_lock, flags);
	if (!ours)
		return;
	if (s->msix)
		pci_host_msix_disable(s->bdf, s->capability, s->entry, last);
	else
		pci_host_msi_disable(s->bdf, s->capability);
	flags = spin_lock_irqsave(&msi_lock);
	memset(s, 0, sizeof(*s));
	spin_unlock_irqrestore(&msi_lock, flags);
}

unsigned int msi_bound_capability(uint16_t bdf)
{
	unsigned long flags = spin_lock_irqsave(&msi_lock);
	const struct msi_slot *s = slot_of_function(bdf, false, true, NULL);
	unsigned int pos = s ? s->capability : 0;
	spin_unlock_irqrestore(&msi_lock, flags);
	return pos;
}

bool msi_msix_bound(uint16_t bdf)
{
	unsigned long flags = spin_lock_irqsave(&msi_lock);
	bool bound = slot_of_function(bdf, true, true, NULL);
	spin_unlock_irqrestore(&msi_lock, flags);
	return bound;
}

void msi_interrupt(uint32_t slot)
{
	if (slot >= MSI_MAX)
		return;
	spin_lock(&msi_lock);		/* interrupts are off here */
	struct msi_slot *s = slot_of(slot);
	if (s->state == MSI_SLOT_BOUND)
		evtchn_signal(s->domain, s->port);
	spin_unlock(&msi_lock);
}
