// SPDX-License-Identifier: MIT
#pragma once

#include "chat/chatsettings.h"

#include <QtWidgets/QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QListWidget;
class QPlainTextEdit;
class QSettings;
class QSpinBox;
class QToolButton;

namespace Switchboard::Core {
class ChatSession;
class PresetStore;
} // namespace Switchboard::Core

namespace Switchboard::Ui {

class ThinkingSettings;
class ToolsEditor;

// Model, system prompt and sampling parameters of the open conversation. Each optional parameter
// has a checkbox: unchecked means "not sent" (the backend's default), which is not any value.
class ParametersPanel final : public QWidget
{
    Q_OBJECT

public:
    ParametersPanel(Core::ChatSession &session, QSettings &settings, QWidget *parent = nullptr);
    ~ParametersPanel() override;

    Core::ChatSettings current() const;
    void refreshModels();
    void showCode();

Q_SIGNALS:
    // "Manage backends…" next to the model picker; the window opens the dialog.
    void manageBackendsRequested();

private:
    void load(const Core::ChatSettings &settings);
    void commit();
    void reloadPresets(const QString &select = {});
    void savePreset();
    void applyPreset(const QString &name);
    void deletePreset();
    QToolButton *toolButton(const QString &objectName, const QString &text, const QString &tip);

    Core::ChatSession &m_session;
    std::unique_ptr<Core::PresetStore> m_presets;
    bool m_loading = false;
    QComboBox *m_model;
    QToolButton *m_refreshModels;
    QPlainTextEdit *m_system;
    QCheckBox *m_temperatureSet;
    QDoubleSpinBox *m_temperature;
    QCheckBox *m_topPSet;
    QDoubleSpinBox *m_topP;
    QCheckBox *m_topKSet;
    QSpinBox *m_topK;
    QSpinBox *m_maxTokens;
    QListWidget *m_stops;
    QCheckBox *m_stream;
    QComboBox *m_presetCombo;
    ThinkingSettings *m_thinking;
    ToolsEditor *m_tools;
};

} // namespace Switchboard::Ui
