/*
 * Included first in every hypervisor translation unit (-include).
 *
 * The image is linked at 0xffff82d080000000, outside the top 2 GiB that
 * -mcmodel=kernel requires, so the code is compiled position-independent
 * (-fpie) and linked at its fixed address. Hidden visibility tells the
 * compiler that every symbol resolves inside the image, so it uses direct
 * RIP-relative references instead of going through a GOT.
 */
#ifndef __ASSEMBLER__
#pragma GCC visibility push(hidden)
#endif
