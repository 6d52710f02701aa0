// SPDX-License-Identifier: MIT
#include "parameterspanel.h"

#include "chat/chatmessagemodel.h"
#include "chat/chatsession.h"
#include "chat/codesnippets.h"
#include "chat/presetstore.h"
#include "client/messagesclient.h"
#include "collapsiblesection.h"
#include "getcodedialog.h"
#include "thinkingsettings.h"
#include "toolbutton.h"
#include "toolseditor.h"

#include <QtCore/QSettings>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QDoubleSpinBox>
#include <QtWidgets/QFormLayout>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QInputDialog>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QListWidget>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QVBoxLayout>

namespace Switchboard::Ui {

using namespace Qt::StringLiterals;

namespace {

// Stop sequences are edited with visible escapes: "\n\nUser:" is what people type and read.
QString escaped(QString text)
{
    text.replace(u"\\"_s, u"\\\\"_s);
    text.replace(u"\n"_s, u"\\n"_s);
    text.replace(u"\t"_s, u"\\t"_s);
    return text;
}

QString unescaped(const QString &text)
{
    QString out;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i] == u'\\' && i + 1 < text.size()) {
            const QChar next = text[++i];
            out += next == u'n' ? u'\n' : next == u't' ? u'\t' : next;
        } else {
            out += text[i];
        }
    }
    return out;
}

QDoubleSpinBox *unitSpin(const QString &objectName, QWidget *parent)
{
    auto *spin = new QDoubleSpinBox(parent);
    spin->setObjectName(objectName);
    spin->setRange(0.0, 1.0);
    spin->setSingleStep(0.05);
    spin->setDecimals(2);
    return spin;
}

} // namespace

ParametersPanel::ParametersPanel(Core::ChatSession &session, QSettings &settings, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_presets(std::make_unique<Core::PresetStore>(settings))
    , m_model(new QComboBox(this))
    , m_refreshModels(toolButton(u"refreshModels"_s, tr("↻"), tr("Ask the server which models it serves")))
    , m_system(new QPlainTextEdit(this))
    , m_temperatureSet(new QCheckBox(tr("Temperature"), this))
    , m_temperature(unitSpin(u"temperature"_s, this))
    , m_topPSet(new QCheckBox(tr("top_p"), this))
    , m_topP(unitSpin(u"topP"_s, this))
    , m_topKSet(new QCheckBox(tr("top_k"), this))
    , m_topK(new QSpinBox(this))
    , m_maxTokens(new QSpinBox(this))
    , m_stops(new QListWidget(this))
    , m_stream(new QCheckBox(tr("Stream the reply"), this))
    , m_presetCombo(new QComboBox(this))
    , m_thinking(new ThinkingSettings(this))
    , m_tools(new ToolsEditor(this))
{
    setObjectName(u"parametersPanel"_s);

    m_model->setObjectName(u"modelCombo"_s);
    m_model->setEditable(true);
    m_model->setInsertPolicy(QComboBox::NoInsert);
    m_model->setToolTip(tr("The model name sent with the request; the server's routes pick the backend"));
    m_model->setAccessibleName(tr("Model"));
    m_model->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_model->setMinimumContentsLength(12);
    connect(m_model, &QComboBox::currentTextChanged, this, &ParametersPanel::commit);
    connect(m_refreshModels, &QToolButton::clicked, this, &ParametersPanel::refreshModels);
    connect(&session.client(), &Core::MessagesClient::modelsListed, this, [this](const QStringList &ids) {
        const QString current = m_model->currentText();
        const QSignalBlocker block(m_model);
        m_model->clear();
        m_model->addItems(ids);
        m_model->setCurrentText(current);
        if (current.isEmpty() && !ids.isEmpty()) {
            m_model->setCurrentIndex(0); // a new conversation with no model yet takes the first served
            commit();
        }
    });

    m_system->setObjectName(u"systemPrompt"_s);
    m_system->setAccessibleName(tr("System prompt"));
    m_system->setToolTip(tr("The system prompt; empty sends none"));
    m_system->setPlaceholderText(tr("No system prompt"));
    m_system->setMaximumHeight(120);
    connect(m_system, &QPlainTextEdit::textChanged, this, &ParametersPanel::commit);

    const auto optional = [this](QCheckBox *set, QWidget *value, const QString &name, const QString &range) {
        set->setObjectName(name + u"Set"_s);
        set->setToolTip(tr("Send %1 (%2); unchecked leaves it to the backend").arg(set->text(), range));
        set->setAccessibleName(tr("Set %1").arg(set->text()));
        value->setToolTip(tr("%1, %2").arg(set->text(), range));
        value->setAccessibleName(set->text());
        value->setEnabled(false);
        connect(set, &QCheckBox::toggled, value, &QWidget::setEnabled);
        connect(set, &QCheckBox::toggled, this, &ParametersPanel::commit);
    };
    optional(m_temperatureSet, m_temperature, u"temperature"_s, tr("0 to 1"));
    optional(m_topPSet, m_topP, u"topP"_s, tr("0 to 1"));
    optional(m_topKSet, m_topK, u"topK"_s, tr("0 or more"));
    connect(m_temperature, &QDoubleSpinBox::valueChanged, this, &ParametersPanel::commit);
    connect(m_topP, &QDoubleSpinBox::valueChanged, this, &ParametersPanel::commit);
    m_topK->setObjectName(u"topK"_s);
    m_topK->setRange(0, 100000);
    connect(m_topK, &QSpinBox::valueChanged, this, &ParametersPanel::commit);

    m_maxTokens->setObjectName(u"maxTokens"_s);
    m_maxTokens->setRange(1, 1'000'000);
    m_maxTokens->setToolTip(tr("The most tokens the reply may have (1 or more); always sent"));
    m_maxTokens->setAccessibleName(tr("Max tokens"));
    connect(m_maxTokens, &QSpinBox::valueChanged, this, &ParametersPanel::commit);

    m_stops->setObjectName(u"stopSequences"_s);
    m_stops->setAccessibleName(tr("Stop sequences"));
    m_stops->setToolTip(tr("The reply ends before the first of these. Write a newline as \\n. Double-click to edit."));
    m_stops->setMaximumHeight(90);
    connect(m_stops, &QListWidget::itemChanged, this, &ParametersPanel::commit);
    auto *addStop = toolButton(u"addStopSequence"_s, tr("+"), tr("Add a stop sequence"));
    auto *removeStop = toolButton(u"removeStopSequence"_s, tr("−"), tr("Remove the selected stop sequence"));
    connect(addStop, &QToolButton::clicked, this, [this] {
        auto *item = new QListWidgetItem(m_stops);
        item->setFlags(item->flags() | Qt::ItemIsEditable);
        m_stops->setCurrentItem(item);
        m_stops->editItem(item);
    });
    connect(removeStop, &QToolButton::clicked, this, [this] {
        delete m_stops->currentItem();
        commit();
    });

    m_stream->setObjectName(u"streamReplies"_s);
    m_stream->setToolTip(tr("Ask for the reply as a stream of events (stream: true)"));
    m_stream->setAccessibleName(tr("Stream"));
    connect(m_stream, &QCheckBox::toggled, this, &ParametersPanel::commit);

    m_presetCombo->setObjectName(u"presetCombo"_s);
    m_presetCombo->setToolTip(tr("Apply a saved preset: model, system prompt and parameters"));
    m_presetCombo->setAccessibleName(tr("Presets"));
    connect(m_presetCombo, &QComboBox::activated, this,
            [this](int index) { applyPreset(m_presetCombo->itemText(index)); });
    auto *savePreset = toolButton(u"savePreset"_s, tr("Save…"), tr("Save these settings as a preset"));
    connect(savePreset, &QToolButton::clicked, this, &ParametersPanel::savePreset);
    auto *deletePreset = toolButton(u"deletePreset"_s, tr("Delete"), tr("Delete the selected preset"));
    connect(deletePreset, &QToolButton::clicked, this, &ParametersPanel::deletePreset);
    auto *getCode = new QPushButton(tr("Get code…"), this);
    getCode->setObjectName(u"getCode"_s);
    getCode->setToolTip(tr("This conversation as curl, Python or TypeScript code for the local endpoint"));
    connect(getCode, &QPushButton::clicked, this, &ParametersPanel::showCode);

    connect(m_thinking, &ThinkingSettings::changed, this, &ParametersPanel::commit);
    connect(m_thinking, &ThinkingSettings::maxTokensNeeded, m_maxTokens, &QSpinBox::setValue);
    connect(m_maxTokens, &QSpinBox::valueChanged, m_thinking, &ThinkingSettings::setMaxTokens);
    connect(m_tools, &ToolsEditor::changed, this, &ParametersPanel::commit);

    auto *form = new QFormLayout;
    auto *modelRow = new QHBoxLayout;
    modelRow->addWidget(m_model, 1);
    modelRow->addWidget(m_refreshModels);
    auto *manageBackends =
        toolButton(u"manageBackends"_s, tr("Backends…"), tr("Manage backends: servers, keys and model routes"));
    connect(manageBackends, &QToolButton::clicked, this, &ParametersPanel::manageBackendsRequested);
    modelRow->addWidget(manageBackends);
    form->addRow(tr("Model"), modelRow);
    form->addRow(tr("System prompt"), m_system);
    form->addRow(m_temperatureSet, m_temperature);
    form->addRow(m_topPSet, m_topP);
    form->addRow(m_topKSet, m_topK);
    form->addRow(tr("max_tokens"), m_maxTokens);
    auto *stopButtons = new QHBoxLayout;
    stopButtons->addWidget(addStop);
    stopButtons->addWidget(removeStop);
    stopButtons->addStretch(1);
    auto *stopColumn = new QVBoxLayout;
    stopColumn->addWidget(m_stops);
    stopColumn->addLayout(stopButtons);
    form->addRow(tr("Stop sequences"), stopColumn);
    form->addRow(QString(), m_stream);
    form->addRow(QString(), m_thinking);
    auto *presetRow = new QHBoxLayout;
    presetRow->addWidget(m_presetCombo, 1);
    presetRow->addWidget(savePreset);
    presetRow->addWidget(deletePreset);
    form->addRow(tr("Presets"), presetRow);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(new CollapsibleSection(tr("Tools"), u"toolsSection"_s, m_tools, this));
    layout->addWidget(getCode);
    layout->addStretch(1);

    connect(&session, &Core::ChatSession::settingsChanged, this, [this] { load(m_session.settings()); });
    load(session.settings());
    reloadPresets();
}

ParametersPanel::~ParametersPanel() = default;

QToolButton *ParametersPanel::toolButton(const QString &objectName, const QString &text, const QString &tip)
{
    return makeToolButton(this, objectName, text, tip);
}

void ParametersPanel::load(const Core::ChatSettings &settings)
{
    m_loading = true;
    if (m_model->currentText() != settings.model) {
        m_model->setCurrentText(settings.model);
    }
    if (m_system->toPlainText() != settings.system) {
        m_system->setPlainText(settings.system);
    }
    m_temperatureSet->setChecked(settings.temperature.has_value());
    m_temperature->setValue(settings.temperature.value_or(1.0));
    m_topPSet->setChecked(settings.topP.has_value());
    m_topP->setValue(settings.topP.value_or(1.0));
    m_topKSet->setChecked(settings.topK.has_value());
    m_topK->setValue(settings.topK.value_or(40));
    m_maxTokens->setValue(settings.maxTokens);
    m_stops->clear();
    for (const QString &stop : settings.stopSequences) {
        auto *item = new QListWidgetItem(escaped(stop), m_stops);
        item->setFlags(item->flags() | Qt::ItemIsEditable);
    }
    m_stream->setChecked(settings.stream);
    m_thinking->load(settings.thinkingBudget, settings.maxTokens);
    m_tools->load(settings.toolsJson, settings.toolChoice);
    m_loading = false;
}

Core::ChatSettings ParametersPanel::current() const
{
    Core::ChatSettings settings;
    settings.model = m_model->currentText().trimmed();
    settings.system = m_system->toPlainText();
    if (m_temperatureSet->isChecked()) {
        settings.temperature = m_temperature->value();
    }
    if (m_topPSet->isChecked()) {
        settings.topP = m_topP->value();
    }
    if (m_topKSet->isChecked()) {
        settings.topK = m_topK->value();
    }
    settings.maxTokens = m_maxTokens->value();
    for (int i = 0; i < m_stops->count(); ++i) {
        const QString stop = unescaped(m_stops->item(i)->text());
        if (!stop.isEmpty()) {
            settings.stopSequences.append(stop);
        }
    }
    settings.stream = m_stream->isChecked();
    settings.thinkingBudget = m_thinking->budget();
    settings.toolsJson = m_tools->toolsJson();
    settings.toolChoice = m_tools->toolChoice();
    return settings;
}

void ParametersPanel::commit()
{
    if (!m_loading) {
        m_session.setSettings(current());
    }
}

void ParametersPanel::refreshModels()
{
    m_session.client().listModels();
}

void ParametersPanel::showCode()
{
    const QString base = m_session.client().baseUrl().toString();
    const auto settings = m_session.settings();
    const auto &messages = m_session.messages()->messages();
    GetCodeDialog dialog(Core::CodeSnippets::curl(base, settings, messages),
                         Core::CodeSnippets::python(base, settings, messages),
                         Core::CodeSnippets::typeScript(base, settings, messages), this);
    dialog.exec();
}

void ParametersPanel::reloadPresets(const QString &select)
{
    const QSignalBlocker block(m_presetCombo);
    m_presetCombo->clear();
    m_presetCombo->addItems(m_presets->names());
    m_presetCombo->setCurrentIndex(select.isEmpty() ? -1 : m_presetCombo->findText(select));
    m_presetCombo->setPlaceholderText(tr("No preset"));
}

void ParametersPanel::savePreset()
{
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Save preset"), tr("Name:"), QLineEdit::Normal,
                                               m_presetCombo->currentText(), &ok)
                             .trimmed();
    if (ok && !name.isEmpty()) {
        m_presets->save(name, current());
        reloadPresets(name);
    }
}

void ParametersPanel::applyPreset(const QString &name)
{
    if (const auto preset = m_presets->load(name)) {
        m_session.setSettings(*preset);
    }
}

void ParametersPanel::deletePreset()
{
    const QString name = m_presetCombo->currentText();
    if (!name.isEmpty()) {
        m_presets->remove(name);
        reloadPresets();
    }
}

} // namespace Switchboard::Ui
