/* Building boot-time domains from Multiboot2 modules (common/domain_build.c). */
#ifndef KEEL_DOMAIN_BUILD_H
#define KEEL_DOMAIN_BUILD_H

#include <domain.h>
#include <multiboot2.h>

int domain_build_from_module(const struct boot_module *m, bool first_kernel,
			     struct domain **out);
/* The same from an image in hypervisor memory and a module-style command
 * line (the domctl create path). The domain is left paused and
 * unpublished (domain_publish()). */
int domain_build_from_image(const uint8_t *data, uint64_t len,
			    const char *cmdline, bool first_kernel,
			    struct domain **out);
/* Build a domain from every PV kernel module, then start them all. */
void domain_build_all(const struct boot_info *bi);
/* Free frames just before the boot-time domains were built, so that the
 * count after they all exit can be compared (test mode). */
extern uint64_t frames_free_before_domains;

#endif
