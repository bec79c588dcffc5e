/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Guest-side hypercall wrappers for PV guests: one static inline function
 * per entry of hypercalls.def, named keel_hypercall_<name>, taking that
 * many unsigned long arguments and returning the raw result (0, a count,
 * or a negative KEEL_E* value).
 *
 * `syscall` from guest kernel mode traps to the hypervisor; it clobbers
 * rcx and r11, which the asm statements declare.
 */
#ifndef KEEL_PUBLIC_HYPERCALL_H
#define KEEL_PUBLIC_HYPERCALL_H

#include "keel.h"

/* The instruction that traps to Keel. A kernel that wants to wrap it
 * (Linux adds annotations for its objtool) defines KEEL_HYPERCALL_INSN
 * before including this header. */
#ifndef KEEL_HYPERCALL_INSN
#define KEEL_HYPERCALL_INSN "syscall"
#endif

#define KEEL_HC_ASM_0(nr)                                                  \
	({ long __r;                                                       \
	   __asm__ volatile(KEEL_HYPERCALL_INSN : "=a"(__r) : "a"((long)(nr))         \
			    : "rcx", "r11", "memory");                      \
	   __r; })
#define KEEL_HC_ASM_1(nr, a1)                                              \
	({ long __r;                                                       \
	   register unsigned long __a1 __asm__("rdi") = (a1);              \
	   __asm__ volatile(KEEL_HYPERCALL_INSN : "=a"(__r), "+r"(__a1)               \
			    : "a"((long)(nr)) : "rcx", "r11", "memory");    \
	   __r; })
#define KEEL_HC_ASM_2(nr, a1, a2)                                          \
	({ long __r;                                                       \
	   register unsigned long __a1 __asm__("rdi") = (a1);              \
	   register unsigned long __a2 __asm__("rsi") = (a2);              \
	   __asm__ volatile(KEEL_HYPERCALL_INSN : "=a"(__r), "+r"(__a1), "+r"(__a2)   \
			    : "a"((long)(nr)) : "rcx", "r11", "memory");    \
	   __r; })
#define KEEL_HC_ASM_3(nr, a1, a2, a3)                                      \
	({ long __r;                                                       \
	   register unsigned long __a1 __asm__("rdi") = (a1);              \
	   register unsigned long __a2 __asm__("rsi") = (a2);              \
	   register unsigned long __a3 __asm__("rdx") = (a3);              \
	   __asm__ volatile(KEEL_HYPERCALL_INSN : "=a"(__r), "+r"(__a1), "+r"(__a2),  \
			    "+r"(__a3) : "a"((long)(nr))                    \
			    : "rcx", "r11", "memory");                      \
	   __r; })
#define KEEL_HC_ASM_4(nr, a1, a2, a3, a4)                                  \
	({ long __r;                                                       \
	   register unsigned long __a1 __asm__("rdi") = (a1);              \
	   register unsigned long __a2 __asm__("rsi") = (a2);              \
	   register unsigned long __a3 __asm__("rdx") = (a3);              \
	   register unsigned long __a4 __asm__("r10") = (a4);              \
	   __asm__ volatile(KEEL_HYPERCALL_INSN : "=a"(__r), "+r"(__a1), "+r"(__a2),  \
			    "+r"(__a3), "+r"(__a4) : "a"((long)(nr))        \
			    : "rcx", "r11", "memory");                      \
	   __r; })
#define KEEL_HC_ASM_5(nr, a1, a2, a3, a4, a5)                              \
	({ long __r;                                                       \
	   register unsigned long __a1 __asm__("rdi") = (a1);              \
	   register unsigned long __a2 __asm__("rsi") = (a2);              \
	   register unsigned long __a3 __asm__("rdx") = (a3);              \
	   register unsigned long __a4 __asm__("r10") = (a4);              \
	   register unsigned long __a5 __asm__("r8") = (a5);               \
	   __asm__ volatile(KEEL_HYPERCALL_INSN : "=a"(__r), "+r"(__a1), "+r"(__a2),  \
			    "+r"(__a3), "+r"(__a4), "+r"(__a5)              \
			    : "a"((long)(nr)) : "rcx", "r11", "memory");    \
	   __r; })

/* Argument lists by count, for the generated wrappers. */
#define KEEL_HC_PARAMS_0 void
#define KEEL_HC_PARAMS_1 unsigned long a1
#define KEEL_HC_PARAMS_2 unsigned long a1, unsigned long a2
#define KEEL_HC_PARAMS_3 unsigned long a1, unsigned long a2, unsigned long a3
#define KEEL_HC_PARAMS_4 KEEL_HC_PARAMS_3, unsigned long a4
#define KEEL_HC_PARAMS_5 KEEL_HC_PARAMS_4, unsigned long a5
#define KEEL_HC_CALL_0(nr) KEEL_HC_ASM_0(nr)
#define KEEL_HC_CALL_1(nr) KEEL_HC_ASM_1(nr, a1)
#define KEEL_HC_CALL_2(nr) KEEL_HC_ASM_2(nr, a1, a2)
#define KEEL_HC_CALL_3(nr) KEEL_HC_ASM_3(nr, a1, a2, a3)
#define KEEL_HC_CALL_4(nr) KEEL_HC_ASM_4(nr, a1, a2, a3, a4)
#define KEEL_HC_CALL_5(nr) KEEL_HC_ASM_5(nr, a1, a2, a3, a4, a5)

#define KEEL_HYPERCALL(nr, name, nargs, access)                            \
	static inline long keel_hypercall_##name(KEEL_HC_PARAMS_##nargs)   \
	{                                                                  \
		return KEEL_HC_CALL_##nargs(nr);                           \
	}
#include "hypercalls.def"
#undef KEEL_HYPERCALL

/* Any hypercall number, for tests that probe the table. */
static inline long keel_hypercall_raw(unsigned long nr, unsigned long a1,
				      unsigned long a2, unsigned long a3,
				      unsigned long a4, unsigned long a5)
{
	return KEEL_HC_ASM_5(nr, a1, a2, a3, a4, a5);
}

#endif
