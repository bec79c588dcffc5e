/*
 * Decoding `int n` from its instruction bytes (arch/x86_64/pv/insn_int.c).
 *
 * A guest's `int n` in ring 3 raises #GP with an error code that names
 * IDT entry n. The SDM says that error code is (n << 3) | 2; QEMU's TCG
 * (through 7.2 at least) gives (n << 4) | 2, scaling by the size of a
 * long-mode gate. So Keel does not trust the error code for the vector: it
 * reads the instruction the guest executed, which also gives the length
 * of an `int n` that carries prefixes. Pure code, unit-tested on the host.
 */
#ifndef ASM_INSN_INT_H
#define ASM_INSN_INT_H

#include <types.h>

#define X86_MAX_INSN_LEN 15

/*
 * If the @len bytes at @bytes begin an `int imm8` (opcode 0xcd, after any
 * legacy prefixes but LOCK, and REX prefixes), store imm8 in *@vector and
 * return the instruction's length; otherwise return 0.
 */
unsigned int insn_decode_int_n(const uint8_t *bytes, size_t len,
			       unsigned int *vector);

#endif
