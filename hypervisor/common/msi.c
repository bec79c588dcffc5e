/*
 * MSIs for the hardware domain (msi.h).
 *
 * One table of slots, each with its vector. A slot is claimed in two
 * steps: reserved (its function recorded, so that a second bind_msi for
 * it gets -EBUSY, but not yet "bound", so the filter still refuses to
 * enable its MSI), then, once the function's message address and data
 * point at the slot's vector, bound. Undoing goes the other way: the
 * function's MSI is turned off first, then the slot freed. An MSI that
 * was already on its way arrives at a free slot and is dropped.
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
	MSI_SLOT_RESERVED,	/* being programmed */
	MSI_SLOT_BOUND,
};

struct msi_slot {
	uint8_t state;			/* enum msi_slot_state */
	uint8_t capability;		/* the MSI capability's offset */
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

/* Under msi_lock: the slot that has @bdf, reserved or bound, or -1. */
static int slot_of_bdf(uint16_t bdf)
{
	for (int i = 0; i < MSI_MAX; i++)
		if (msi_slots[i].state != MSI_SLOT_FREE &&
		    msi_slots[i].bdf == bdf)
			return i;
	return -1;
}

long msi_claim(struct domain *d, uint16_t bdf, keel_port_t port)
{
	long slot = -ENOSPC;

	unsigned long flags = spin_lock_irqsave(&msi_lock);
	if (slot_of_bdf(bdf) >= 0) {
		slot = -EBUSY;
	} else {
		for (int i = 0; i < MSI_MAX; i++) {
			if (msi_slots[i].state == MSI_SLOT_FREE) {
				msi_slots[i] = (struct msi_slot){
					MSI_SLOT_RESERVED, 0, bdf, d, port };
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
	int pos = arch_msi_message((uint32_t)slot, &address, &data) ?
		  pci_host_msi_program(bdf, address, (uint16_t)data) : -ENODEV;

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
	/* Back to reserved: from here the filter refuses the enable bit
	 * (another vCPU's write cannot turn MSI on again behind the
	 * disable below), the interrupt path drops the slot's MSIs, and
	 * no other bind can take the slot or the function. */
	if (ours)
		s->state = MSI_SLOT_RESERVED;
	spin_unlock_irqrestore(&msi_lock, flags);
	if (!ours)
		return;
	pci_host_msi_disable(s->bdf, s->capability);
	flags = spin_lock_irqsave(&msi_lock);
	memset(s, 0, sizeof(*s));
	spin_unlock_irqrestore(&msi_lock, flags);
}

unsigned int msi_bound_capability(uint16_t bdf)
{
	unsigned long flags = spin_lock_irqsave(&msi_lock);
	int slot = slot_of_bdf(bdf);
	unsigned int pos = slot >= 0 &&
			   msi_slots[slot].state == MSI_SLOT_BOUND ?
			   msi_slots[slot].capability : 0;
	spin_unlock_irqrestore(&msi_lock, flags);
	return pos;
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
