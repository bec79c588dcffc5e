/* Version strings, filled in by the build (common/version.c). */
#ifndef KEEL_VERSION_H
#define KEEL_VERSION_H

extern const char keel_version[];
extern const char keel_git_revision[];
extern const char keel_build_info[];

#endif
