/*
 * The boot FDT: Keel's replacement for Xen's start_info. New properties
 * never break old guests, because a guest looks up what it knows and
 * ignores the rest. Built with libfdt's sequential-write functions.
 */
#include <boot_fdt.h>
#include <errno_values.h>
#include <libfdt.h>
#include <libfdt_env_keel.h>
#include <keel/keel.h>

static int build(void *buf, size_t size, const struct boot_fdt_info *in)
{
	int err = 0;

#define TRY(call) do { if (!err) err = (call); } while (0)
	TRY(fdt_create(buf, (int)size));
	TRY(fdt_finish_reservemap(buf));
	TRY(fdt_begin_node(buf, ""));
	TRY(fdt_property_string(buf, "compatible", "keel,pv-boot-v1"));
	TRY(fdt_property_u32(buf, "#address-cells", 2));
	TRY(fdt_property_u32(buf, "#size-cells", 2));

	TRY(fdt_begin_node(buf, "chosen"));
	TRY(fdt_property_string(buf, "bootargs", in->cmdline ? in->cmdline : ""));
	/* The initrd as pseudo-physical addresses (offsets from virt-base,
	 * plus pfn-base's), the convention Linux's device-tree code knows. */
	if (in->initrd_vaddr) {
		uint64_t start = in->initrd_vaddr - in->virt_base +
				 (in->pfn_base << 12);

		TRY(fdt_property_u64(buf, "linux,initrd-start", start));
		TRY(fdt_property_u64(buf, "linux,initrd-end",
				     start + in->initrd_size));
	}
	TRY(fdt_end_node(buf));

	TRY(fdt_begin_node(buf, "keel"));
	TRY(fdt_property_u32(buf, "abi-version", KEEL_ABI_VERSION));
	TRY(fdt_property_u32(buf, "domain-id", in->domid));
	TRY(fdt_property_string(buf, "domain-name", in->name ? in->name : ""));
	if (in->privileged)
		TRY(fdt_property(buf, "privileged", NULL, 0));
	TRY(fdt_property_u32(buf, "nr-vcpus", in->nr_vcpus));
	TRY(fdt_property_u64(buf, "shared-info-vaddr", in->shared_info_vaddr));
	TRY(fdt_property_u64(buf, "shared-info-mfn", in->shared_info_mfn));

	TRY(fdt_begin_node(buf, "memory"));
	TRY(fdt_property_u64(buf, "nr-pages", in->nr_pages));
	TRY(fdt_property_u64(buf, "pfn-base", in->pfn_base));
	/* Pairs of big-endian u64 (start, size), for a kernel to keep out
	 * of its memory map's holes. */
	if (in->pfn_base && in->nr_other_ram) {
		void *val = NULL;
		int len = (int)(in->nr_other_ram * 2 * sizeof(fdt64_t));

		TRY(fdt_property_placeholder(buf, "other-ram", len, &val));
		for (unsigned int i = 0; !err && i < in->nr_other_ram; i++) {
			const struct range *r = &in->other_ram[i];
			fdt64_t pair[2] = { cpu_to_fdt64(r->start),
					    cpu_to_fdt64(r->end - r->start) };

			memcpy((uint8_t *)val + i * sizeof(pair), pair,
			       sizeof(pair));
		}
	}
	TRY(fdt_property_u64(buf, "mapped-pages", in->mapped_pages));
	TRY(fdt_property_u64(buf, "virt-base", in->virt_base));
	TRY(fdt_property_u64(buf, "p2m-vaddr", in->p2m_vaddr));
	TRY(fdt_property_u64(buf, "max-pages", in->max_pages));
	TRY(fdt_property_u64(buf, "m2p-vaddr", in->m2p_vaddr));
	TRY(fdt_property_u64(buf, "m2p-entries", in->m2p_entries));
	TRY(fdt_end_node(buf));

	TRY(fdt_begin_node(buf, "page-tables"));
	TRY(fdt_property_u64(buf, "kernel-root", in->kernel_root_mfn));
	TRY(fdt_property_u64(buf, "user-root", in->user_root_mfn));
	TRY(fdt_property_u64(buf, "vaddr", in->page_tables_vaddr));
	TRY(fdt_property_u64(buf, "pages", in->page_tables_pages));
	TRY(fdt_end_node(buf));

	TRY(fdt_begin_node(buf, "layout"));
	TRY(fdt_property_u64(buf, "kernel-end", in->kernel_end));
	TRY(fdt_property_u64(buf, "fdt-vaddr", in->fdt_vaddr));
	TRY(fdt_property_u64(buf, "stack-top", in->stack_top));
	TRY(fdt_property_u64(buf, "free-vaddr", in->free_vaddr));
	TRY(fdt_property_u64(buf, "free-end", in->free_end));
	TRY(fdt_end_node(buf));

	TRY(fdt_begin_node(buf, "user-window"));
	TRY(fdt_property_u64(buf, "vaddr", in->user_window_vaddr));
	TRY(fdt_property_u64(buf, "kernel-vaddr", in->user_window_kernel_vaddr));
	TRY(fdt_property_u64(buf, "size", in->user_window_size));
	TRY(fdt_end_node(buf));

	if (in->console_vaddr) {
		TRY(fdt_begin_node(buf, "console"));
		TRY(fdt_property_u32(buf, "backend-domid", in->console_backend));
		TRY(fdt_property_u64(buf, "ring-vaddr", in->console_vaddr));
		TRY(fdt_property_u32(buf, "event-channel", in->console_port));
		TRY(fdt_property_u32(buf, "grant-ref", in->console_grant_ref));
		TRY(fdt_end_node(buf));
	}

	TRY(fdt_end_node(buf));		/* keel */
	TRY(fdt_end_node(buf));		/* root */
	TRY(fdt_finish(buf));
#undef TRY
	return err ? -ENOSPC : (int)fdt_totalsize(buf);
}

int boot_fdt_build(void *buf, size_t size, const struct boot_fdt_info *info)
{
	uint64_t saved = libfdt_enter();
	int rc = build(buf, size, info);

	libfdt_exit(saved);
	return rc;
}
