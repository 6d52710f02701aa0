// SPDX-License-Identifier: MIT
#include "secretstore.h"

namespace Switchboard::Core {

SecretStore::~SecretStore() = default;

} // namespace Switchboard::Core
