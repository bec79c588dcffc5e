/*
 * The IOAPICs: Keel's, like the local APICs. Every input starts masked;
 * an input is unmasked only when the hardware domain binds its GSI
 * (common/gsi.c), and then interrupts the boot CPU on vector
 * VECTOR_GSI_BASE + GSI, so that the handler knows the line from the
 * vector alone.
 *
 * An IOAPIC is an index register and a data window: one access at a
 * time. Outside boot, every access here is made under gsi.c's lock.
 */
#include <acpi.h>
#include <arch.h>
#include <gsi_route.h>
#include <mm.h>
#include <printk.h>
#include <asm/apic.h>
#include <asm/layout.h>
#include <asm/paging.h>
#include <asm/platform.h>
#include <asm/serial.h>

#define IOAPIC_REGSEL   0x00	/* in 32-bit words of the window: */
#define IOAPIC_WINDOW   0x04	/* offset 0x10 */
#define IOAPIC_VERSION  0x01
#define IOAPIC_REDIR(pin) (0x10 + 2 * (pin))	/* low half; high is +1 */

#define REDIR_ACTIVE_LOW (1u << 13)
#define REDIR_LEVEL      (1u << 15)
#define REDIR_MASKED     (1u << 16)

BUILD_BUG_ON(VECTOR_GSI_BASE + GSI_MAX > VECTOR_MSI_BASE);

static struct ioapic {
	volatile uint32_t *regs;
	uint32_t gsi_base;
	uint32_t nr_pins;
} ioapics[ACPI_MAX_IOAPICS];
static unsigned int nr_ioapics;

static uint32_t ioapic_read(struct ioapic *io, uint32_t reg)
{
	io->regs[IOAPIC_REGSEL] = reg;
	return io->regs[IOAPIC_WINDOW];
}

static void ioapic_write(struct ioapic *io, uint32_t reg, uint32_t value)
{
	io->regs[IOAPIC_REGSEL] = reg;
	io->regs[IOAPIC_WINDOW] = value;
}

/* The IOAPIC that has @gsi, and the pin, or NULL. */
static struct ioapic *ioapic_of(uint32_t gsi, uint32_t *pin)
{
	for (unsigned int i = 0; i < nr_ioapics; i++) {
		struct ioapic *io = &ioapics[i];

		if (gsi >= io->gsi_base && gsi - io->gsi_base < io->nr_pins) {
			*pin = gsi - io->gsi_base;
			return io;
		}
	}
	return NULL;
}

void ioapic_init(const struct acpi_cpus *madt)
{
	for (unsigned int i = 0; i < madt->nr_ioapics; i++) {
		struct ioapic *io = &ioapics[nr_ioapics];

		io->regs = ioremap(madt->ioapics[i].address, PAGE_SIZE);
		io->gsi_base = madt->ioapics[i].gsi_base;
		if (!io->regs || io->gsi_base >= GSI_MAX) {
			printk(LOG_WARNING "IOAPIC %u at %#x: not used\n",
			       madt->ioapics[i].id, madt->ioapics[i].address);
			continue;
		}
		io->nr_pins = ((ioapic_read(io, IOAPIC_VERSION) >> 16) & 0xff) + 1;
		for (uint32_t pin = 0; pin < io->nr_pins; pin++)
			ioapic_write(io, IOAPIC_REDIR(pin), REDIR_MASKED);
		printk("IOAPIC %u at %#x: GSIs %u-%u, all masked\n",
		       madt->ioapics[i].id, madt->ioapics[i].address,
		       io->gsi_base, io->gsi_base + io->nr_pins - 1);
		nr_ioapics++;
	}
}

bool arch_gsi_exists(uint32_t gsi)
{
	uint32_t pin;

	return gsi < GSI_MAX && ioapic_of(gsi, &pin);
}

bool arch_gsi_is_keels(uint32_t gsi)
{
	/* COM1 and COM3 share IRQ 4, COM2 and COM4 IRQ 3; a console at any
	 * other port has no IRQ Keel knows of. */
	unsigned int console_irq;

	switch (serial_port_base()) {
	case 0x3f8: case 0x3e8: console_irq = 4; break;
	case 0x2f8: case 0x2e8: console_irq = 3; break;
	default:                console_irq = 16; break;
	}
	return gsi_is_keels(&platform_cpus, gsi, console_irq);
}

void arch_gsi_firmware_mode(uint32_t gsi, bool *level, bool *active_low)
{
	gsi_firmware_mode(&platform_cpus, gsi, level, active_low);
}

void arch_gsi_enable(uint32_t gsi, bool level, bool active_low)
{
	uint32_t pin;
	struct ioapic *io = ioapic_of(gsi, &pin);

	if (!io || gsi >= GSI_MAX)
		return;
	ioapic_write(io, IOAPIC_REDIR(pin), REDIR_MASKED);
	ioapic_write(io, IOAPIC_REDIR(pin) + 1, platform_irq_target << 24);
	/* Fixed delivery, physical destination. */
	ioapic_write(io, IOAPIC_REDIR(pin), (VECTOR_GSI_BASE + gsi) |
		     (active_low ? REDIR_ACTIVE_LOW : 0) |
		     (level ? REDIR_LEVEL : 0));
}

static void ioapic_set_mask(uint32_t gsi, bool masked)
{
	uint32_t pin;
	struct ioapic *io = ioapic_of(gsi, &pin);

	if (!io)
		return;
	uint32_t low = ioapic_read(io, IOAPIC_REDIR(pin));
	ioapic_write(io, IOAPIC_REDIR(pin), masked ? low | REDIR_MASKED :
						     low & ~REDIR_MASKED);
}

void arch_gsi_mask(uint32_t gsi)
{
	ioapic_set_mask(gsi, true);
}

void arch_gsi_unmask(uint32_t gsi)
{
	ioapic_set_mask(gsi, false);
}
