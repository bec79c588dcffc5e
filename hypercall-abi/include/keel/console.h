/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* The hypervisor console: console_write(buf, len) and
 * console_read(buf, len, pos). */
#ifndef KEEL_PUBLIC_CONSOLE_H
#define KEEL_PUBLIC_CONSOLE_H

#include "keel.h"

/* console_write copies at most this many bytes per call; it returns the
 * number written. Lines appear in the hypervisor log prefixed "(dN) ",
 * with every byte but tab and printable ASCII shown as '?'. A domain
 * other than a control domain is rate-limited: over its limit the call
 * returns a short count, or -KEEL_EAGAIN when it took nothing. */
#define KEEL_CONSOLE_WRITE_MAX 4096

/* console_read(buf, len, pos): copy hypervisor log bytes starting at
 * *pos (a uint64_t the caller keeps; 0 the first time) into buf and
 * advance *pos. Returns the number of bytes copied (0: nothing new). A
 * reader that fell behind the log ring continues at its oldest byte.
 * Control domain only. */
#define KEEL_CONSOLE_READ_MAX 4096

/* console_input(buf, len) (ABI 1.2): copy up to len bytes of serial input
 * into buf; returns the number copied, 0 when there is none. Input goes
 * to one domain at a time, the focus, which the operator moves by typing
 * the switch key (Ctrl-T) three times; KEEL_VIRQ_CONSOLE_INPUT says when
 * input is waiting. Any domain may call. */
#define KEEL_CONSOLE_INPUT_MAX 256

#endif
