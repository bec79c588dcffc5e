/* Building boot-time domains from Multiboot2 modules (common/domain_build.c). */
#ifndef KEEL_DOMAIN_BUILD_H
#define KEEL_DOMAIN_BUILD_H

#include <domain.h>
#include <multiboot2.h>

/* What a domain is built from: a kernel image in hypervisor memory, an
 * optional initial ramdisk, and a module-style command line
 * ("name=web mem=16M -- guest args"). */
struct domain_image {
	const uint8_t *kernel;
	uint64_t kernel_len;
	/* The initrd, initrd_len bytes: in hypervisor memory (a boot
	 * module), or else, when initrd_in_caller is set, at guest address
	 * initrd_guest of the calling vCPU (domctl). Keel never looks inside
	 * an initrd, so the second is copied straight into the new domain's
	 * frames, with the guest-access checks; a fault fails the build. */
	const uint8_t *initrd;		/* NULL and !initrd_in_caller: none */
	uint64_t initrd_guest;
	bool initrd_in_caller;
	uint64_t initrd_len;
	const char *cmdline;
	/* The boot's first kernel module (whether or not an earlier one
	 * failed to build: none can have): it becomes the hardware domain
	 * when it is a control domain. */
	bool first_module;
};

/* Build a paused, unpublished domain (domain_publish() makes it visible).
 * @first_kernel: the first kernel of the boot, a control domain unless
 * its command line says privileged=0. */
int domain_build(const struct domain_image *image, bool first_kernel,
		 struct domain **out);
/* Build a domain from every PV kernel module, then start them all. */
void domain_build_all(const struct boot_info *bi);
/* Free frames just before the boot-time domains were built, so that the
 * count after they all exit can be compared (test mode). */
extern uint64_t frames_free_before_domains;

#endif
