/*
 * physdev_op: the hardware domain's access to the host's devices where
 * Keel has to see it (keel/physdev.h): configuration space, where every
 * access is Keel's own, made under one lock, and every write goes
 * through the filter in pci_config.c (pci_host.c); and device
 * interrupts, which gsi.c (IOAPIC lines) and msi.c turn into events.
 */
#include <arch.h>
#include <domain.h>
#include <errno_values.h>
#include <format.h>
#include <event_channel.h>
#include <gsi.h>
#include <hypercall.h>
#include <panic.h>
#include <pci_host.h>
#include <printk.h>
#include <keel/physdev.h>
#include <asm/pv.h>

static long physdev_pci_config(unsigned long arg, bool write)
{
	struct keel_physdev_pci_config c;
	long rc = 0;

	if (copy_from_guest(&c, arg, sizeof(c)))
		return trace_error(-EFAULT);
	if (c.segment || c.pad || c.pad2 ||
	    !pci_config_access_valid(c.reg, c.size) ||
	    (write && c.size < 4 && c.value >> (c.size * 8)))
		return trace_error(-EINVAL);

	uint16_t bdf = (uint16_t)(c.bus << 8 | c.devfn);
	if (write)
		rc = pci_host_write_filtered(bdf, c.reg, c.size, c.value);
	else
		c.value = pci_host_read(bdf, c.reg, c.size);
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
		evtchn_close_device_port(d, b.port, EVTCHN_GSI, b.gsi);
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

/*
 * The rest of bind_msi and bind_msix, once their arguments are read and
 * checked: bind @bdf's MSI (@entry < 0) or MSI-X entry @entry, write
 * the port into @b (@size bytes, at @port in it) and @b back to @arg;
 * if that write fails, close the port again.
 */
static long bind_message(struct domain *d, unsigned long arg, void *b,
			 size_t size, keel_port_t *port, uint16_t bdf,
			 int entry)
{
	long rc = evtchn_bind_msi(d, bdf, entry);

	if (rc < 0)
		return rc;
	*port = (keel_port_t)rc;
	if (copy_to_guest(arg, b, size)) {
		evtchn_close_device_port(d, *port, EVTCHN_MSI, bdf);
		return trace_error(-EFAULT);
	}
	char what[24] = "MSI";
	if (entry >= 0)
		format_string(what, sizeof(what), "MSI-X entry %d", entry);
	printk(LOG_INFO "d%u: %s of %02x:%02x.%u bound to port %u\n",
	       d->domid, what, bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7, *port);
	return 0;
}

static long physdev_bind_msi(struct domain *d, unsigned long arg)
{
	struct keel_physdev_bind_msi b;

	if (copy_from_guest(&b, arg, sizeof(b)))
		return trace_error(-EFAULT);
	if (b.segment || b.pad || b.pad2)
		return trace_error(-EINVAL);
	return bind_message(d, arg, &b, sizeof(b), &b.port,
			    (uint16_t)(b.bus << 8 | b.devfn), -1);
}

static long physdev_bind_msix(struct domain *d, unsigned long arg)
{
	struct keel_physdev_bind_msix b;

	if (copy_from_guest(&b, arg, sizeof(b)))
		return trace_error(-EFAULT);
	if (b.segment || b.pad || b.pad2)
		return trace_error(-EINVAL);
	return bind_message(d, arg, &b, sizeof(b), &b.port,
			    (uint16_t)(b.bus << 8 | b.devfn), b.entry);
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
	case KEEL_PHYSDEV_bind_msi:
		return physdev_bind_msi(d, arg);
	case KEEL_PHYSDEV_bind_msix:
		return physdev_bind_msix(d, arg);
	default:
		return -ENOSYS;
	}
}
