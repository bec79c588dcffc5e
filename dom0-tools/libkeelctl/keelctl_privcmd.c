/*
 * libkeelctl's transport over /dev/keel/privcmd (include/keel-linux/
 * privcmd.h): hypercalls by ioctl, and buffers mapped from the device,
 * whose pages stay present for Keel, as ordinary memory's may not.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <keel-linux/privcmd.h>

#include "keelctl.h"

#define PAGE_BYTES 4096u

static size_t whole_pages(size_t size)
{
	return (size + PAGE_BYTES - 1) & ~(size_t)(PAGE_BYTES - 1);
}

static long privcmd_hypercall(void *opaque, unsigned int op,
			      const uint64_t args[5])
{
	struct keel_privcmd_hypercall hc = { .op = op };
	int fd = (int)(intptr_t)opaque;
	long rc;

	for (int i = 0; i < 5; i++)
		hc.arg[i] = args[i];
	rc = ioctl(fd, KEEL_PRIVCMD_IOCTL_HYPERCALL, &hc);
	return rc < 0 ? -errno : rc;
}

static void *privcmd_buffer_alloc(void *opaque, size_t size)
{
	void *p;

	if (!size || size > KEEL_PRIVCMD_BUFFER_MAX)
		return NULL;
	p = mmap(NULL, whole_pages(size), PROT_READ | PROT_WRITE, MAP_SHARED,
		 (int)(intptr_t)opaque, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void privcmd_buffer_free(void *opaque, void *buf, size_t size)
{
	(void)opaque;
	if (buf)
		munmap(buf, whole_pages(size));
}

static void privcmd_close(void *opaque)
{
	close((int)(intptr_t)opaque);
}

int keelctl_open(struct keelctl **out)
{
	int fd = open(KEEL_PRIVCMD_PATH, O_RDWR | O_CLOEXEC);
	struct keelctl *h;

	if (fd < 0)
		return -errno;
	h = keelctl_open_transport(&(struct keelctl_transport){
		.hypercall = privcmd_hypercall,
		.buffer_alloc = privcmd_buffer_alloc,
		.buffer_free = privcmd_buffer_free,
		.close = privcmd_close,
		.opaque = (void *)(intptr_t)fd,
	});
	if (!h) {
		close(fd);
		return -ENOMEM;
	}
	*out = h;
	return 0;
}
