/* `int n` from its bytes; see asm/insn_int.h. */
#include <asm/insn_int.h>

#define OPCODE_INT_IMM8 0xcd

/* Prefixes that may stand before `int n` without changing it. LOCK is
 * not among them: `lock int n` raises #UD, never the #GP Keel decodes. */
static bool is_prefix(uint8_t b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e:	/* segment */
	case 0x64: case 0x65:				/* FS, GS */
	case 0x66: case 0x67:				/* size overrides */
	case 0xf2: case 0xf3:				/* REPNE, REP */
		return true;
	default:
		return (b & 0xf0) == 0x40;		/* REX */
	}
}

unsigned int insn_decode_int_n(const uint8_t *bytes, size_t len,
			       unsigned int *vector)
{
	size_t i = 0;

	if (len > X86_MAX_INSN_LEN)
		len = X86_MAX_INSN_LEN;
	while (i < len && is_prefix(bytes[i]))
		i++;
	/* The opcode and its immediate must both fit in 15 bytes. */
	if (i + 2 > len || bytes[i] != OPCODE_INT_IMM8)
		return 0;
	*vector = bytes[i + 1];
	return (unsigned int)(i + 2);
}
