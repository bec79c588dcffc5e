/*
 * keelctl_image_check(): the domain builder's own image checks
 * (hypervisor/common/elf_image.c, compiled into the library unchanged),
 * so that pvctl names the problem with a kernel file before it asks Keel,
 * in the words Keel would use.
 */
#include <elf_image.h>

#include "keelctl.h"

int keelctl_image_check(const void *image, size_t size, const char **why)
{
	struct elf_image img;

	return elf_image_parse(image, size, &img, why);
}
