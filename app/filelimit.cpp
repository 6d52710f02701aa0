// SPDX-License-Identifier: MIT
#include "filelimit.h"

#include <sys/resource.h>

namespace Switchboard::App {

void raiseOpenFileLimit()
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit); // best effort: the old limit still works
    }
}

} // namespace Switchboard::App
