/*
 * The PV domain builder: from an ELF64 kernel with a Keel note (a
 * Multiboot2 module at boot, or an image a control domain passes to
 * domctl create_domain), to a paused domain ready to run.
 *
 * The command line configures the domain: words before "--" are Keel's
 * (name=, mem=, maxmem=, vcpus=, weight=, user=, privileged=,
 * keep_on_shutdown=, console_backend=), the rest
 * is the guest's own command line. The first kernel module becomes the
 * control domain (dom0) unless it says privileged=0.
 *
 * A Multiboot2 module whose command line is "initrd" is the initial
 * ramdisk of the kernel module just before it.
 *
 * Guest memory layout, from virt_base (hypercall-abi/docs/pv-boot-protocol.md):
 *   kernel image | initrd | P2M array | boot FDT (2 pages) | stack (4 pages) |
 *   [console ring (1 page), with console_backend=] |
 *   page tables (read-only) | free memory ... |
 *   user window (also mapped at USER_WINDOW_VADDR)
 *   then a guard page and the shared-info page.
 * With KEEL_ELFNOTE_F_MAP_BOOTSTRAP, only the part up to the end of the
 * page tables and KEEL_BOOTSTRAP_FREE_PAGES more is mapped (no user
 * window); the guard page and shared info follow that part.
 */
#include <boot_fdt.h>
#include <cmdline.h>
#include <domain.h>
#include <domain_build.h>
#include <elf_image.h>
#include <console_io.h>
#include <event_channel.h>
#include <errno_values.h>
#include <format.h>
#include <grant_table.h>
#include <iomem.h>
#include <keel/io/console.h>
#include <keel/memory.h>
#include <memory.h>
#include <mm.h>
#include <printk.h>
#include <string_ops.h>
#include <asm/pv.h>

#define FDT_PAGES          2
#define STACK_PAGES        4
#define USER_WINDOW_VADDR  0x400000ULL
#define MIN_FREE_PAGES     16
#define USER_NOT_GIVEN     UINT64_MAX
#define BACKEND_NOT_GIVEN  UINT32_MAX
#define FRAMES_PER_2M      (MiB(2) >> PAGE_SHIFT)
#define FRAMES_PER_1G      (GiB(1) >> PAGE_SHIFT)

/* dom0_mem=SIZE: the hardware domain's memory, in place of its module's
 * mem= (Xen's option of the same name). */
static uint64_t opt_dom0_mem;
OPTION_SIZE("dom0_mem", opt_dom0_mem);

/* The machine's RAM that is not the identity-mapped hardware domain's,
 * for its boot FDT: built once, when that domain is (2 KiB, too big for
 * the stack). */
static struct range_list hardware_other_ram;
/* At most this many of them, so that the boot FDT keeps its size; a
 * firmware map with more RAM ranges than this is not one we know. */
#define OTHER_RAM_MAX 32

uint64_t frames_free_before_domains;

struct module_options {
	char name[DOMAIN_NAME_MAX];
	uint64_t mem;
	uint64_t maxmem;
	uint32_t vcpus;
	uint32_t weight;
	uint64_t user;
	uint32_t privileged;	/* 0, 1, or 2 = not given */
	uint32_t keep_on_shutdown;
	uint32_t console_backend;	/* a domain id, or BACKEND_NOT_GIVEN */
};

/* The option words come from a module's command line or a control
 * domain's config: show them as printable ASCII only, so that they cannot
 * start a line of their own in Keel's log. */
static void report_option(const char *word, size_t len, const char *why)
{
	char shown[64];
	size_t n = MIN(len, sizeof(shown) - 1);

	for (size_t i = 0; i < n; i++)
		shown[i] = word[i] > 0x20 && word[i] < 0x7f ? word[i] : '?';
	shown[n] = '\0';
	printk(LOG_WARNING "Domain builder: ignoring '%s%s': %s\n", shown,
	       len > n ? "..." : "", why);
}

/* Names appear in Keel's log and in tools' output: printable ASCII with
 * no spaces, as the command line's word splitting already ensures for
 * spaces. */
static bool domain_name_ok(const char *name)
{
	for (; *name; name++)
		if (*name <= 0x20 || *name >= 0x7f)
			return false;
	return true;
}

static void parse_module_cmdline(const char *cmdline, struct module_options *o,
				 const char **guest_cmdline)
{
	const struct option opts[] = {
		{ "name", OPTION_STRING, o->name, sizeof(o->name) },
		{ "mem", OPTION_SIZE, &o->mem, sizeof(o->mem) },
		{ "maxmem", OPTION_SIZE, &o->maxmem, sizeof(o->maxmem) },
		{ "vcpus", OPTION_UINT, &o->vcpus, sizeof(o->vcpus) },
		{ "weight", OPTION_UINT, &o->weight, sizeof(o->weight) },
		{ "user", OPTION_SIZE, &o->user, sizeof(o->user) },
		{ "privileged", OPTION_UINT, &o->privileged,
		  sizeof(o->privileged) },
		{ "keep_on_shutdown", OPTION_UINT, &o->keep_on_shutdown,
		  sizeof(o->keep_on_shutdown) },
		{ "console_backend", OPTION_UINT, &o->console_backend,
		  sizeof(o->console_backend) },
	};
	char keel_part[BOOT_MODULE_CMDLINE_MAX];
	const char *sep = find_word(cmdline, "--");

	size_t n = sep ? (size_t)(sep - cmdline) : strlen(cmdline);
	n = MIN(n, sizeof(keel_part) - 1);
	memcpy(keel_part, cmdline, n);
	keel_part[n] = '\0';
	*guest_cmdline = sep ? sep + 2 + (sep[2] == ' ') : "";
	cmdline_parse(keel_part, opts, opts + ARRAY_SIZE(opts), report_option);
}

/*
 * Pages to map with KEEL_ELFNOTE_F_MAP_BOOTSTRAP: @fixed pages of boot
 * data and free memory, plus the page-table area that maps them and
 * itself. The area's size depends on what it maps, so grow it until it
 * covers itself (a table page maps 512 pages: this settles at once).
 */
static uint64_t bootstrap_mapped_pages(uint64_t virt_base, uint64_t fixed)
{
	struct pv_layout l = { .virt_base = virt_base,
			       .user_window_vaddr = USER_WINDOW_VADDR };
	uint64_t tables = 0;

	for (;;) {
		l.mapped_pages = fixed + tables;
		uint64_t need = arch_pv_page_table_pages(&l);
		if (need <= tables)
			return fixed + tables;
		tables = need;
	}
}

static void copy_to_guest_pages(const uint64_t *p2m, uint64_t virt_base,
				uint64_t vaddr, const void *src, uint64_t len)
{
	const uint8_t *s = src;

	while (len) {
		uint64_t page = (vaddr - virt_base) >> PAGE_SHIFT;
		uint64_t off = vaddr & (PAGE_SIZE - 1);
		uint64_t n = MIN(len, PAGE_SIZE - off);

		memcpy((uint8_t *)phys_to_virt(p2m[page] << PAGE_SHIFT) + off,
		       s, n);
		vaddr += n;
		s += n;
		len -= n;
	}
}

/* The same from the calling guest's memory at @src: -EFAULT if a byte
 * cannot be read. */
static int copy_caller_to_guest_pages(const uint64_t *p2m, uint64_t virt_base,
				      uint64_t vaddr, uint64_t src,
				      uint64_t len)
{
	while (len) {
		uint64_t page = (vaddr - virt_base) >> PAGE_SHIFT;
		uint64_t off = vaddr & (PAGE_SIZE - 1);
		uint64_t n = MIN(len, PAGE_SIZE - off);

		if (copy_from_guest((uint8_t *)phys_to_virt(p2m[page] <<
							    PAGE_SHIFT) + off,
				    src, n))
			return -EFAULT;
		vaddr += n;
		src += n;
		len -= n;
	}
	return 0;
}

/*
 * The PV console (keel/io/console.h): grant the ring page, which is
 * zero like every new frame, to the backend, and give the domain a port
 * that only the backend may bind. Both stay the domain's: it may revoke
 * the grant or close the port, which only ends its own console.
 */
static int console_ring_setup(struct domain *d, uint32_t backend,
			      uint64_t ring_mfn, struct boot_fdt_info *info)
{
	spin_lock(&memory_lock);
	int rc = grant_table_grant_frame(d, KEEL_CONSOLE_GRANT_REF,
					 (uint16_t)backend, ring_mfn);
	spin_unlock(&memory_lock);
	if (rc)
		return rc;
	long port = evtchn_alloc_unbound(d, (uint16_t)backend);
	if (port < 0)
		return (int)port;
	d->console_backend = (uint16_t)backend;
	d->console_port = (keel_port_t)port;
	info->console_backend = backend;
	info->console_port = (uint32_t)port;
	info->console_grant_ref = KEEL_CONSOLE_GRANT_REF;
	return 0;
}

int domain_build(const struct domain_image *image, bool first_kernel,
		 struct domain **out)
{
	const uint8_t *data = image->kernel;
	uint64_t len = image->kernel_len;
	const char *cmdline = image->cmdline;
	struct elf_image img;
	const char *error;
	struct module_options o = { .mem = MiB(4), .vcpus = 1,
				    .weight = DOMAIN_DEFAULT_WEIGHT,
				    .user = USER_NOT_GIVEN, .privileged = 2,
				    .console_backend = BACKEND_NOT_GIVEN };
	const char *guest_cmdline;
	struct domain *d;
	int rc;

	rc = elf_image_parse(data, len, &img, &error);
	if (rc) {
		printk(LOG_WARNING "Domain builder: an image of %llu bytes "
		       "is not a PV kernel: %s\n", (unsigned long long)len,
		       error);
		return rc;
	}
	parse_module_cmdline(cmdline, &o, &guest_cmdline);
	if (image->first_module && o.privileged != 0 && opt_dom0_mem)
		o.mem = opt_dom0_mem;

	if (!domain_name_ok(o.name)) {
		printk(LOG_ERR "Domain builder: a domain name may hold only "
		       "printable ASCII\n");
		return -EINVAL;
	}
	bool map_bootstrap = img.note_flags & KEEL_ELFNOTE_F_MAP_BOOTSTRAP;
	if (o.user == USER_NOT_GIVEN)
		o.user = map_bootstrap ? 0 : KiB(256);
	if (map_bootstrap && o.user) {
		printk(LOG_ERR "Domain builder: %s: a kernel that maps only its "
		       "bootstrap memory has no user window (user= must be "
		       "0)\n", o.name[0] ? o.name : "(unnamed)");
		return -EINVAL;
	}
	if (o.user > o.mem) {
		printk(LOG_ERR "Domain builder: %s: user=%lluK is larger than "
		       "mem=%lluK\n", o.name, (unsigned long long)(o.user >> 10),
		       (unsigned long long)(o.mem >> 10));
		return -EINVAL;
	}
	uint64_t nr_pages = o.mem >> PAGE_SHIFT;
	uint64_t kernel_pages = (img.virt_end - img.virt_base) >> PAGE_SHIFT;
	bool has_initrd = image->initrd || image->initrd_in_caller;
	uint64_t initrd_pages = has_initrd ?
		ALIGN_UP(image->initrd_len, PAGE_SIZE) >> PAGE_SHIFT : 0;
	uint64_t p2m_pages = ALIGN_UP(nr_pages * 8, PAGE_SIZE) >> PAGE_SHIFT;
	uint64_t user_pages = ALIGN_UP(o.user, PAGE_SIZE) >> PAGE_SHIFT;
	bool has_console = o.console_backend != BACKEND_NOT_GIVEN;
	uint64_t console_pages = has_console ? 1 : 0;
	uint64_t needed = kernel_pages + initrd_pages + p2m_pages + FDT_PAGES +
			  STACK_PAGES + console_pages + user_pages +
			  MIN_FREE_PAGES;
	if (o.mem > GiB(64) || image->initrd_len > GiB(64) ||
	    nr_pages < needed) {
		printk(LOG_ERR "Domain builder: %s: mem=%lluK is too small for "
		       "the image and boot data (%llu pages needed)\n", o.name,
		       (unsigned long long)(o.mem >> 10),
		       (unsigned long long)needed);
		return -EINVAL;
	}

	/* All of guest memory is mapped at virt_base, or the bootstrap. */
	uint64_t mapped_pages = nr_pages;
	if (map_bootstrap)
		mapped_pages = MIN(nr_pages, bootstrap_mapped_pages(
			img.virt_base, kernel_pages + initrd_pages + p2m_pages +
			FDT_PAGES + STACK_PAGES + console_pages +
			KEEL_BOOTSTRAP_FREE_PAGES));

	struct domain_config cfg = {
		.memory_bytes = o.mem,
		.nr_vcpus = o.vcpus,
		.weight = o.weight,
		.privileged = o.privileged == 2 ? first_kernel : o.privileged,
		.hardware = image->first_module && o.privileged != 0,
		.keep_on_shutdown = o.keep_on_shutdown != 0,
		.user_window_bytes = user_pages * PAGE_SIZE,
		.cmdline = guest_cmdline,
		.max_pages = MAX(nr_pages, MIN(o.maxmem, GiB(64)) >> PAGE_SHIFT),
	};
	if (!o.name[0])
		format_string(o.name, sizeof(o.name), "domain%u",
			      nr_domains_created);
	strlcpy(cfg.name, o.name, sizeof(cfg.name));
	if (o.weight == 0 || o.weight > 65535) {
		printk(LOG_ERR "Domain builder: %s: weight must be 1-65535\n",
		       o.name);
		return -EINVAL;
	}
	/* The console's backend must be there to serve it (it may be
	 * another boot-time domain, built before this one). */
	if (has_console) {
		struct domain *backend = o.console_backend <= 0xffff ?
			domain_by_id(o.console_backend) : NULL;

		/* One that is shutting down would never serve it. */
		bool live = backend && READ_ONCE(backend->state) !=
				       DOMAIN_SHUTDOWN;
		if (backend)
			domain_put(backend);
		if (!live) {
			printk(LOG_ERR "Domain builder: %s: console_backend=%u "
			       "is not a live domain\n", o.name,
			       o.console_backend);
			return -ESRCH;
		}
	}
	rc = domain_create(&cfg, &d);
	if (rc) {
		printk(LOG_ERR "Domain builder: %s: cannot create the domain "
		       "(%d)\n", o.name, rc);
		return rc;
	}
	if (d->hardware)
		iomem_set_hardware_domain(d->domid);

	/* Memory, one frame at a time: guest pages need not be contiguous.
	 * The builder's own P2M (MFNs) is temporary; the guest's copy is in
	 * guest memory. */
	unsigned int p2m_order = frame_order_for(nr_pages * sizeof(uint64_t));
	paddr_t p2m_pa = frame_alloc(p2m_order);
	uint64_t *p2m = p2m_pa ? phys_to_virt(p2m_pa) : NULL;

	if (!p2m)
		rc = -ENOMEM;
	/*
	 * The hardware domain's memory is identity-mapped, if its kernel
	 * says it understands that (KEEL_ELFNOTE_F_IDENTITY): one run of
	 * machine frames, whose numbers are its pseudo-physical ones, so
	 * that the bus addresses its drivers give devices are right with
	 * no IOMMU. Its page n is frame pfn_base + n. The run starts on a
	 * 2 MiB boundary, and the pages mapped at boot do not cross a 1 GiB
	 * one, so the kernel's first direct map needs one table of each
	 * level (docs/memory-model.md).
	 */
	uint64_t pfn_base = 0;	/* 0: not identity-mapped */
	if (p2m && d->hardware && (img.note_flags & KEEL_ELFNOTE_F_IDENTITY)) {
		paddr_t run = frame_alloc_run(nr_pages, FRAMES_PER_2M,
					      FRAMES_PER_1G, mapped_pages);
		if (!run) {
			printk(LOG_ERR "Domain builder: %s: no run of %llu "
			       "free contiguous frames for the hardware "
			       "domain's identity-mapped memory\n", o.name,
			       (unsigned long long)nr_pages);
			rc = -ENOMEM;
		}
		pfn_base = run >> PAGE_SHIFT;
		/* The rest of the machine's RAM, for its memory map: Keel's
		 * and other domains', never to hold a BAR. */
		iomem_ram_except(&hardware_other_ram, run,
				 run + (nr_pages << PAGE_SHIFT));
	}
	spin_lock(&memory_lock);
	for (uint64_t n = 0; p2m && !rc && n < nr_pages; n++) {
		p2m[n] = pfn_base ?
			domain_memory_add_given_frame(d, pfn_base + n,
						      pfn_base + n) :
			domain_memory_add_frame(d, n);
		if (!p2m[n]) {
			rc = -ENOMEM;
			/* The rest of the run is still the builder's. */
			for (uint64_t m = n; pfn_base && m < nr_pages; m++)
				frame_free((pfn_base + m) << PAGE_SHIFT, 0);
			break;
		}
	}
	spin_unlock(&memory_lock);

	uint64_t base = img.virt_base;
	struct arch_domain *ad = &d->arch;
	/* Mapped guest memory, the guard page and shared info must be guest
	 * addresses, and must not meet the user window. */
	uint64_t span = (mapped_pages + 2) * PAGE_SIZE;
	if (!rc && (!guest_range_ok(base, span) ||
		    (base < USER_WINDOW_VADDR + user_pages * PAGE_SIZE &&
		     base + span > USER_WINDOW_VADDR))) {
		printk(LOG_ERR "Domain builder: %s: the image's virtual range "
		       "[%#llx, %#llx) is not usable by a guest\n", o.name,
		       (unsigned long long)base, (unsigned long long)(base + span));
		rc = -EINVAL;
	}
	ad->shared_info_vaddr = base + (mapped_pages + 1) * PAGE_SIZE;
	ad->user_window_vaddr = USER_WINDOW_VADDR;
	ad->user_window_size = user_pages * PAGE_SIZE;
	ad->user_window_kernel_vaddr = base + (mapped_pages - user_pages) *
					      PAGE_SIZE;

	struct boot_fdt_info info = {
		.domid = d->domid,
		.name = d->name,
		.privileged = d->privileged,
		.nr_vcpus = d->nr_vcpus,
		.cmdline = guest_cmdline,
		.nr_pages = nr_pages,
		.pfn_base = pfn_base,
		.other_ram = pfn_base ? hardware_other_ram.r : NULL,
		.nr_other_ram = pfn_base ? MIN(hardware_other_ram.count,
					       OTHER_RAM_MAX) : 0,
		.mapped_pages = mapped_pages,
		.max_pages = d->max_pages,
		.virt_base = base,
		.kernel_end = img.virt_end,
		.initrd_vaddr = has_initrd ? img.virt_end : 0,
		.initrd_size = has_initrd ? image->initrd_len : 0,
		.p2m_vaddr = img.virt_end + initrd_pages * PAGE_SIZE,
		.fdt_vaddr = img.virt_end + (initrd_pages + p2m_pages) * PAGE_SIZE,
		.shared_info_vaddr = ad->shared_info_vaddr,
		.user_window_vaddr = ad->user_window_vaddr,
		.user_window_kernel_vaddr = ad->user_window_kernel_vaddr,
		.user_window_size = ad->user_window_size,
		.m2p_vaddr = KEEL_M2P_VADDR,
		.m2p_entries = m2p_entries,
		.shared_info_mfn = virt_to_phys(d->shared_info) >> PAGE_SHIFT,
	};
	info.stack_top = info.fdt_vaddr + (FDT_PAGES + STACK_PAGES) * PAGE_SIZE;
	info.console_vaddr = has_console ? info.stack_top : 0;
	uint64_t boot_data_end = info.stack_top + console_pages * PAGE_SIZE;
	struct pv_layout layout = {
		.virt_base = base,
		.mapped_pages = mapped_pages,
		.pt_first_page = (boot_data_end - base) >> PAGE_SHIFT,
		.user_pages = user_pages,
		.user_window_vaddr = ad->user_window_vaddr,
		.shared_info_vaddr = ad->shared_info_vaddr,
		.shared_info_mfn = info.shared_info_mfn,
	};
	layout.pt_pages = arch_pv_page_table_pages(&layout);
	info.page_tables_vaddr = boot_data_end;
	info.page_tables_pages = layout.pt_pages;
	info.free_vaddr = boot_data_end + layout.pt_pages * PAGE_SIZE;
	info.free_end = ad->user_window_kernel_vaddr;
	if (!rc && info.free_vaddr + MIN_FREE_PAGES * PAGE_SIZE > info.free_end) {
		printk(LOG_ERR "Domain builder: %s: mem=%lluK leaves no room "
		       "for %llu pages of page tables\n", o.name,
		       (unsigned long long)(o.mem >> 10),
		       (unsigned long long)layout.pt_pages);
		rc = -EINVAL;
	}
	if (!rc)
		rc = arch_pv_build_address_space(d, p2m, &layout);
	if (!rc) {
		info.kernel_root_mfn = p2m[layout.pt_first_page];
		info.user_root_mfn = p2m[layout.pt_first_page + 1];
		/* The image: file bytes; the rest of each segment stays zero
		 * (frames come zeroed). */
		for (unsigned int i = 0; i < img.nr_segments; i++) {
			const struct elf_segment *s = &img.segments[i];
			copy_to_guest_pages(p2m, base, s->vaddr,
					    data + s->file_offset, s->file_size);
		}
		if (image->initrd)
			copy_to_guest_pages(p2m, base, info.initrd_vaddr,
					    image->initrd, image->initrd_len);
		else if (image->initrd_in_caller)
			rc = copy_caller_to_guest_pages(p2m, base,
							info.initrd_vaddr,
							image->initrd_guest,
							image->initrd_len);
	}
	if (!rc && has_console)
		rc = console_ring_setup(d, o.console_backend,
			p2m[(info.console_vaddr - base) >> PAGE_SHIFT], &info);
	if (!rc) {
		/* The guest's P2M: machine frame numbers. */
		copy_to_guest_pages(p2m, base, info.p2m_vaddr, p2m,
				    nr_pages * sizeof(uint64_t));
		void *fdt = xmalloc(FDT_PAGES * PAGE_SIZE);
		int size = fdt ? boot_fdt_build(fdt, FDT_PAGES * PAGE_SIZE, &info) :
				 -ENOMEM;
		if (size < 0)
			rc = size;
		else
			copy_to_guest_pages(p2m, base, info.fdt_vaddr, fdt, size);
		xfree(fdt);
	}
	if (p2m)
		frame_free(p2m_pa, p2m_order);
	if (rc) {
		printk(LOG_ERR "Domain builder: %s: cannot build the domain "
		       "(%d)\n", o.name, rc);
		domain_destroy(d);
		return rc;
	}

	/* vCPU 0 starts at the entry point, in kernel mode, events masked,
	 * with RSI pointing at the boot FDT. */
	struct vcpu *v0 = d->vcpus[0];
	v0->regs.rip = img.entry;
	v0->regs.rsp = info.stack_top;
	v0->regs.rsi = info.fdt_vaddr;
	v0->regs.rflags = 0x202;
	v0->kernel_mode = true;
	v0->initialised = true;

	printk("Domain %u (%s): %llu KiB, %u vCPU%s, weight %u%s%s, entry "
	       "%#llx\n", d->domid, d->name, (unsigned long long)(o.mem >> 10),
	       d->nr_vcpus, d->nr_vcpus == 1 ? "" : "s", d->weight,
	       d->privileged ? ", control domain" : "",
	       d->hardware ? ", hardware domain" : "",
	       (unsigned long long)img.entry);
	if (pfn_base)
		printk("Domain %u (%s): memory identity-mapped, frames %#llx-"
		       "%#llx\n", d->domid, d->name,
		       (unsigned long long)pfn_base,
		       (unsigned long long)(pfn_base + nr_pages - 1));
	*out = d;
	return 0;
}

/* An initrd module's command line is the word "initrd" (and whatever
 * follows it, which Keel ignores). */
static bool module_is_initrd(const struct boot_module *m)
{
	return !strncmp(m->cmdline, "initrd", 6) &&
	       (m->cmdline[6] == '\0' || m->cmdline[6] == ' ');
}

void domain_build_all(const struct boot_info *bi)
{
	struct domain *built[BOOT_MAX_MODULES];
	unsigned int n = 0;

	console_limits_report();
	bool first_kernel = true, first_module = true;
	struct mm_stats st;

	mm_get_stats(&st);
	frames_free_before_domains = st.free_frames;

	for (unsigned int i = 0; i < bi->nr_modules; i++) {
		const struct boot_module *m = &bi->modules[i];
		struct domain_image image = {
			.kernel = phys_to_virt(m->start),
			.kernel_len = m->end - m->start,
			.cmdline = m->cmdline,
			.first_module = first_module,
		};
		struct domain *d;

		/* A module named "initrd" belongs to the kernel before it. */
		if (module_is_initrd(m))
			continue;
		if (i + 1 < bi->nr_modules && module_is_initrd(m + 1)) {
			image.initrd = phys_to_virt(m[1].start);
			image.initrd_len = m[1].end - m[1].start;
		}
		first_module = false;
		if (domain_build(&image, first_kernel, &d))
			continue;
		domain_publish(d);
		first_kernel = false;
		built[n++] = d;
	}
	if (n)
		printk("Domains: %u built; %llu frames were free before the "
		       "first\n", n, (unsigned long long)frames_free_before_domains);
	if (n) {
		console_virq_init();
		console_input_init();
	}
	/* Start them together, once all exist: tests bind across domains. */
	for (unsigned int i = 0; i < n; i++)
		domain_unpause(built[i]);
}
