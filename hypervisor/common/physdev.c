/*
 * physdev_op: the hardware domain's access to the host's devices where
 * Keel has to see it (keel/physdev.h): configuration space, where every
 * access is Keel's own, made under one lock, and every write goes
 * through the filter in pci_config.c; and device interrupts, which
 * gsi.c turns into events.
 */
#include <arch.h>
#include <domain.h>
#include <errno_values.h>
#include <event_channel.h>
#include <format.h>
#include <gsi.h>
#include <hypercall.h>
#include <iomem.h>
#include <panic.h>
#include <pci_config.h>
#include <printk.h>
#include <ratelimit.h>
#include <spinlock.h>
#include <system_time.h>
#include <keel/physdev.h>
#include <asm/pv.h>

/* Mechanism 1 is an address register and a data window: one access at a
 * time, machine-wide. */
static spinlock_t pci_config_lock = SPINLOCK_INIT;
/* Refusals are logged, but a domain cannot flood the log with them. */
static struct ratelimit pci_refusal_log;	/* under pci_config_lock */
static bool pci_refusal_log_ready;

static const struct pci_config_ops pci_config_host_ops = {
	.read = arch_pci_config_read,
	.write = arch_pci_config_write,
	.memory_allowed = iomem_range_is_device,
	.ports_allowed = arch_io_ports_allowed,
};

static void log_refusal(const struct keel_physdev_pci_config *c,
			const struct pci_config_refusal *why)
{
	uint64_t now = now_ns();

	if (!pci_refusal_log_ready) {
		ratelimit_init(&pci_refusal_log, 10, 20, now);
		pci_refusal_log_ready = true;
	}
	if (!ratelimit_take_all(&pci_refusal_log, 1, now))
		return;
	char bar[64] = "";
	if (why->bar >= 0 && why->end)
		format_string(bar, sizeof(bar), " (BAR %d%s) [%#llx, %#llx)",
			      why->bar, why->bar == 6 ? ", the ROM" : "",
			      (unsigned long long)why->start,
			      (unsigned long long)why->end);
	else if (why->bar >= 0)
		format_string(bar, sizeof(bar), " (BAR %d%s)", why->bar,
			      why->bar == 6 ? ", the ROM" : "");
	printk(LOG_WARNING "pci %02x:%02x.%u: write of %#x to register %#x "
	       "refused: %s%s\n", c->bus, c->devfn >> 3, c->devfn & 7,
	       c->value, c->reg, why->why, bar);
}

static long physdev_pci_config(unsigned long arg, bool write)
{
	struct keel_physdev_pci_config c;
	struct pci_config_refusal why;
	long rc = 0;

	if (copy_from_guest(&c, arg, sizeof(c)))
		return trace_error(-EFAULT);
	if (c.segment || c.pad || c.pad2 ||
	    !pci_config_access_valid(c.reg, c.size) ||
	    (write && c.size < 4 && c.value >> (c.size * 8)))
		return trace_error(-EINVAL);

	uint16_t bdf = (uint16_t)(c.bus << 8 | c.devfn);
	spin_lock(&pci_config_lock);
	if (write)
		rc = pci_config_write_filtered(&pci_config_host_ops, bdf,
					       c.reg, c.size, c.value, &why);
	else
		c.value = arch_pci_config_read(bdf, c.reg, c.size);
	if (rc)
		log_refusal(&c, &why);
	spin_unlock(&pci_config_lock);
	if (rc)
		return rc;
	if (!write && copy_to_guest(arg, &c, sizeof(c)))
		return trace_error(-EFAULT);
	return 0;
}

static long physdev_bind_gsi(struct domain *d, unsigned long arg)
{
	struct keel_physdev_bind_gsi b;
	bool level, active_low;

	if (copy_from_guest(&b, arg, sizeof(b)))
		return trace_error(-EFAULT);
	if (b.pad || (b.flags & ~(KEEL_GSI_LEVEL | KEEL_GSI_ACTIVE_LOW |
				  KEEL_GSI_FIRMWARE)) ||
	    !arch_gsi_exists(b.gsi))
		return trace_error(-EINVAL);
	if (arch_gsi_is_keels(b.gsi))
		return trace_error(-EPERM);
	if (b.flags & KEEL_GSI_FIRMWARE) {
		arch_gsi_firmware_mode(b.gsi, &level, &active_low);
	} else {
		level = b.flags & KEEL_GSI_LEVEL;
		active_low = b.flags & KEEL_GSI_ACTIVE_LOW;
	}
	long port = evtchn_bind_gsi(d, b.gsi, level, active_low);
	if (port < 0)
		return port;
	b.port = (keel_port_t)port;
	b.flags = (level ? KEEL_GSI_LEVEL : 0) |
		  (active_low ? KEEL_GSI_ACTIVE_LOW : 0);
	if (copy_to_guest(arg, &b, sizeof(b))) {
		/* Only if it is still this GSI's: another vCPU may have
		 * closed it, and reused the number, meanwhile. */
		evtchn_close_gsi_port(d, b.port, b.gsi);
		return trace_error(-EFAULT);
	}
	printk(LOG_INFO "d%u: GSI %u bound to port %u, %s, active %s\n",
	       d->domid, b.gsi, b.port, level ? "level" : "edge",
	       active_low ? "low" : "high");
	return 0;
}

static long physdev_gsi_eoi(struct domain *d, unsigned long arg)
{
	struct keel_physdev_gsi_eoi e;

	if (copy_from_guest(&e, arg, sizeof(e)))
		return trace_error(-EFAULT);
	if (e.pad)
		return trace_error(-EINVAL);
	return gsi_eoi(d, e.gsi);
}

long do_physdev_op(unsigned long cmd, unsigned long arg)
{
	struct domain *d = current_vcpu()->domain;

	if (!d->hardware)
		return trace_error(-EPERM);
	switch (cmd) {
	case KEEL_PHYSDEV_pci_config_read:
		return physdev_pci_config(arg, false);
	case KEEL_PHYSDEV_pci_config_write:
		return physdev_pci_config(arg, true);
	case KEEL_PHYSDEV_bind_gsi:
		return physdev_bind_gsi(d, arg);
	case KEEL_PHYSDEV_gsi_eoi:
		return physdev_gsi_eoi(d, arg);
	default:
		return -ENOSYS;
	}
}
