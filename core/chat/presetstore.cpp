// SPDX-License-Identifier: MIT
#include "presetstore.h"

#include "chatsettingsjson.h"

#include <QtCore/QSettings>

namespace Switchboard::Core {

using namespace Qt::StringLiterals;

namespace {

// One array of {name, json} entries: QSettings keys cannot hold every character a name may have.
constexpr auto Group = "presets"_L1;

QList<std::pair<QString, QByteArray>> readAll(QSettings &settings)
{
    QList<std::pair<QString, QByteArray>> presets;
    const int count = settings.beginReadArray(Group);
    for (int i = 0; i < count; ++i) {
        settings.setArrayIndex(i);
        presets.append({settings.value(u"name"_s).toString(), settings.value(u"settings"_s).toByteArray()});
    }
    settings.endArray();
    return presets;
}

void writeAll(QSettings &settings, const QList<std::pair<QString, QByteArray>> &presets)
{
    settings.remove(Group);
    settings.beginWriteArray(Group, int(presets.size()));
    for (int i = 0; i < presets.size(); ++i) {
        settings.setArrayIndex(i);
        settings.setValue(u"name"_s, presets[i].first);
        settings.setValue(u"settings"_s, presets[i].second);
    }
    settings.endArray();
    settings.sync();
}

} // namespace

PresetStore::PresetStore(QSettings &settings)
    : m_settings(settings)
{}

QStringList PresetStore::names() const
{
    QStringList names;
    for (const auto &preset : readAll(m_settings)) {
        names.append(preset.first);
    }
    names.sort(Qt::CaseInsensitive);
    return names;
}

std::optional<ChatSettings> PresetStore::load(const QString &name) const
{
    for (const auto &preset : readAll(m_settings)) {
        if (preset.first == name) {
            return ChatSettingsJson::read(preset.second);
        }
    }
    return std::nullopt;
}

void PresetStore::save(const QString &name, const ChatSettings &settings)
{
    auto presets = readAll(m_settings);
    const QByteArray json = ChatSettingsJson::write(settings);
    const auto it =
        std::find_if(presets.begin(), presets.end(), [&](const auto &preset) { return preset.first == name; });
    if (it != presets.end()) {
        it->second = json;
    } else {
        presets.append({name, json});
    }
    writeAll(m_settings, presets);
}

void PresetStore::remove(const QString &name)
{
    auto presets = readAll(m_settings);
    presets.removeIf([&](const auto &preset) { return preset.first == name; });
    writeAll(m_settings, presets);
}

} // namespace Switchboard::Core
