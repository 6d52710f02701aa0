// SPDX-License-Identifier: MIT
#pragma once

#include "chatsettings.h"

#include <QtCore/QStringList>

#include <optional>

class QSettings;

namespace Switchboard::Core {

// Named sets of model, system prompt and parameters, kept in the application's settings.
class PresetStore
{
public:
    explicit PresetStore(QSettings &settings);

    QStringList names() const; // sorted
    std::optional<ChatSettings> load(const QString &name) const;
    void save(const QString &name, const ChatSettings &settings);
    void remove(const QString &name);

private:
    QSettings &m_settings;
};

} // namespace Switchboard::Core
