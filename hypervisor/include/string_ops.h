/* The freestanding string functions the hypervisor provides
 * (common/string.c). libfdt needs these names too. */
#ifndef KEEL_STRING_OPS_H
#define KEEL_STRING_OPS_H

#include <types.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strrchr(const char *s, int c);
char *strchr(const char *s, int c);
size_t strlcpy(char *dst, const char *src, size_t size);
/* The first occurrence of @word in @s as a whole space-separated word. */
const char *find_word(const char *s, const char *word);

#endif
