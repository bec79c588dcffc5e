/*
 * The MSI message format of x86 (Intel SDM vol. 3, 11.11): the address
 * is the local APIC window, 0xfee00000, with the destination APIC ID in
 * bits 19:12 (physical destination mode, no redirection hint); the data
 * is the vector, with fixed delivery and edge trigger (both 0).
 */
#include <arch.h>
#include <msi.h>
#include <asm/layout.h>
#include <asm/platform.h>

#define MSI_ADDRESS_BASE 0xfee00000u

BUILD_BUG_ON(VECTOR_MSI_BASE + MSI_MAX > VECTOR_TIMER);

bool arch_msi_message(uint32_t slot, uint64_t *address, uint32_t *data)
{
	/* A destination above 255 needs interrupt remapping, which Keel
	 * does not do. */
	if (platform_irq_target > 0xff)
		return false;
	*address = MSI_ADDRESS_BASE | platform_irq_target << 12;
	*data = VECTOR_MSI_BASE + slot;
	return true;
}
