/* Error numbers used inside the hypervisor. Functions return 0 or a
 * negative value of these; the values match Linux's so that the public ABI
 * (hypercall-abi/include/keel/keel.h) can reuse them unchanged. */
#ifndef KEEL_ERRNO_VALUES_H
#define KEEL_ERRNO_VALUES_H

#define EPERM    1
#define ENOENT   2
#define ESRCH    3
#define EINTR    4
#define EIO      5
#define E2BIG    7
#define ENOEXEC  8
#define EBADF    9
#define EAGAIN  11
#define ENOMEM  12
#define EACCES  13
#define EFAULT  14
#define EBUSY   16
#define EEXIST  17
#define ENODEV  19
#define EINVAL  22
#define ENOSPC  28
#define ERANGE  34
#define ENOSYS  38
#define EOVERFLOW 75

#endif
