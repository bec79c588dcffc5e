/* Version strings; KEEL_VERSION and KEEL_GIT_REVISION come from the
 * Makefile. */
#include <version.h>

const char keel_version[] = KEEL_VERSION;
const char keel_git_revision[] = KEEL_GIT_REVISION;
const char keel_build_info[] = KEEL_BUILD_INFO;
