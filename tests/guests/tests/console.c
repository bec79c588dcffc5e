/* console_write: return values for short, long, empty, split and
 * control-character writes, and partial reads of a buffer that runs
 * into unmapped memory. */
#include "keeltest.h"

const char test_name[] = "console";

static char big[5000];

void test_main(void)
{
	long rc;
	static const char hello[] = "console: hello\n";

	rc = keel_hypercall_console_write((unsigned long)hello,
					  sizeof(hello) - 1);
	CHECK_EQ(rc, sizeof(hello) - 1);

	/* 5000 bytes: 4096 consumed. Lines of 127 characters, so 4096
	 * bytes are 32 lines, as many as one call logs. */
	for (unsigned int i = 0; i < sizeof(big); i++)
		big[i] = (i % 128 == 127) ? '\n' : (char)('a' + (i / 128) % 26);
	rc = keel_hypercall_console_write((unsigned long)big, sizeof(big));
	printf("\nconsole_write(5000 bytes) = %ld\n", rc);
	CHECK_EQ(rc, KEEL_CONSOLE_WRITE_MAX);
	/* Exactly the maximum, and one more. */
	rc = keel_hypercall_console_write((unsigned long)big, 4096);
	CHECK_EQ(rc, 4096);
	rc = keel_hypercall_console_write((unsigned long)big, 4097);
	CHECK_EQ(rc, 4096);
	rc = keel_hypercall_console_write((unsigned long)big, ~0UL);
	printf("\nconsole_write(len ~0) = %ld\n", rc);
	CHECK_EQ(rc, 4096);

	/* Lines of 63 characters: one call logs 32 of them and stops. */
	for (unsigned int i = 0; i < sizeof(big); i++)
		big[i] = (i % 64 == 63) ? '\n' : (char)('a' + (i / 64) % 26);
	rc = keel_hypercall_console_write((unsigned long)big, 4096);
	printf("console_write(4096 bytes in lines of 64) = %ld\n", rc);
	CHECK_EQ(rc, 32 * 64);

	rc = keel_hypercall_console_write((unsigned long)hello, 0);
	printf("console_write(len 0) = %ld\n", rc);
	CHECK_EQ(rc, 0);
	CHECK_EQ(keel_hypercall_console_write(0x10000000, 0), 0);
	CHECK_EQ(keel_hypercall_console_write(0xffff830000000000UL, 0), 0);

	/* 200 characters and a newline: logged as two lines. */
	static char line[201];
	for (int i = 0; i < 200; i++)
		line[i] = (char)('0' + i % 10);
	line[200] = '\n';
	rc = keel_hypercall_console_write((unsigned long)line, sizeof(line));
	printf("console_write(200 chars + newline) = %ld\n", rc);
	CHECK_EQ(rc, 201);

	static const char ctl[] = "ctl: bell\a esc\x1b[31m nul\0 tab\t cr\r "
				  "bs\b del\x7f hi\x80\xff end\n";
	rc = keel_hypercall_console_write((unsigned long)ctl, sizeof(ctl) - 1);
	printf("console_write(control characters, %u bytes) = %ld\n",
	       (unsigned int)(sizeof(ctl) - 1), rc);
	CHECK_EQ(rc, sizeof(ctl) - 1);

	/* A buffer that runs into the guard page after the first 128-byte
	 * chunk: the call stops there and returns 128. */
	uint64_t guard = rt_boot.virt_base + rt_boot.nr_pages * 4096;
	char *tail = (char *)(guard - 128);
	for (int i = 0; i < 127; i++)
		tail[i] = 'T';
	tail[127] = '\n';
	rc = keel_hypercall_console_write((unsigned long)tail, 200);
	printf("console_write(128 mapped + 72 unmapped) = %ld\n", rc);
	CHECK_EQ(rc, 128);
	/* First chunk not readable: -EFAULT, nothing consumed. */
	rc = keel_hypercall_console_write(guard - 100, 200);
	printf("console_write(100 mapped, first chunk unreadable) = %ld\n", rc);
	CHECK_EQ(rc, -KEEL_EFAULT);
	char *before = (char *)(guard - 256);
	for (int i = 0; i < 127; i++)
		before[i] = 'U';
	before[127] = '\n';
	rc = keel_hypercall_console_write(guard - 256, 4096);
	printf("console_write(256 mapped of 4096) = %ld\n", rc);
	CHECK_EQ(rc, 256);
	CHECK_EQ(keel_hypercall_console_write((unsigned long)"\n", 1), 1);
}
