// SPDX-License-Identifier: MIT
#include "messagewidget.h"

#include "chat/chatmessage.h"
#include "codeblockwidget.h"
#include "messageblocks.h"
#include "thinkingview.h"
#include "wrappedlabel.h"

#include <QtCore/QTimerEvent>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QVBoxLayout>

namespace Switchboard::Ui {

using namespace Qt::StringLiterals;
using Core::ChatMessage;
using Core::MarkdownSegment;

namespace {

constexpr int RenderIntervalMs = 16; // one frame

QToolButton *actionButton(const QString &objectName, const QString &text, const QString &tip, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setObjectName(objectName);
    button->setText(text);
    button->setToolTip(tip);
    button->setAccessibleName(text);
    button->setAutoRaise(true);
    return button;
}

WrappedLabel *proseLabel(QWidget *parent)
{
    auto *label = new WrappedLabel(parent);
    label->setObjectName(u"messageProse"_s);
    label->setTextFormat(Qt::MarkdownText);
    label->setOpenExternalLinks(true);
    label->setTextInteractionFlags(Qt::TextBrowserInteraction | Qt::TextSelectableByKeyboard);
    return label;
}

} // namespace

MessageWidget::MessageWidget(bool user, QWidget *parent)
    : QFrame(parent)
    , m_user(user)
    , m_role(new QLabel(user ? tr("You") : tr("Assistant"), this))
    , m_thinking(new ThinkingView(this))
    , m_body(new QVBoxLayout)
    , m_blocks(new MessageBlocks(this))
    , m_stats(new QLabel(this))
    , m_error(new QLabel(this))
    , m_copy(actionButton(u"copyMessage"_s, tr("Copy"), tr("Copy this message"), this))
    , m_edit(actionButton(u"editMessage"_s, tr("Edit"), tr("Edit this message and send it again"), this))
    , m_regenerate(actionButton(u"regenerateReply"_s, tr("Regenerate"), tr("Ask for this reply again"), this))
    , m_delete(actionButton(u"deleteTurn"_s, tr("Delete"), tr("Delete this question and its reply"), this))
{
    setObjectName(user ? u"userMessage"_s : u"assistantMessage"_s);
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    // Questions sit on the alternate base, replies on the base: distinct in light and dark palettes.
    setBackgroundRole(user ? QPalette::AlternateBase : QPalette::Base);

    QFont roleFont = m_role->font();
    roleFont.setBold(true);
    m_role->setFont(roleFont);
    connect(m_blocks, &MessageBlocks::toolResultsSubmitted, this, &MessageWidget::toolResultsSubmitted);
    m_stats->setObjectName(u"messageStats"_s);
    m_stats->setForegroundRole(QPalette::PlaceholderText);
    m_stats->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_stats->hide();
    m_error->setObjectName(u"messageError"_s);
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette errorPalette = m_error->palette();
    errorPalette.setColor(QPalette::WindowText, QColor(0xd0, 0x3a, 0x3a));
    m_error->setPalette(errorPalette);
    m_error->hide();

    m_edit->setVisible(user);
    m_regenerate->setVisible(false);
    connect(m_copy, &QToolButton::clicked, this, &MessageWidget::copyRequested);
    connect(m_edit, &QToolButton::clicked, this, &MessageWidget::beginEdit);
    connect(m_regenerate, &QToolButton::clicked, this, &MessageWidget::regenerateRequested);
    connect(m_delete, &QToolButton::clicked, this, &MessageWidget::deleteRequested);

    auto *header = new QHBoxLayout;
    header->setContentsMargins(0, 0, 0, 0);
    header->addWidget(m_role);
    header->addStretch(1);
    header->addWidget(m_copy);
    header->addWidget(m_edit);
    header->addWidget(m_regenerate);
    header->addWidget(m_delete);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 6, 10, 8);
    layout->setSpacing(4);
    layout->addLayout(header);
    layout->addWidget(m_thinking);
    layout->addLayout(m_body);
    layout->addWidget(m_blocks);
    layout->addWidget(m_error);
    layout->addWidget(m_stats);
}

void MessageWidget::setText(const QString &text)
{
    if (text == m_text) {
        return;
    }
    m_text = text;
    if (!m_renderTimer.isActive()) {
        m_renderTimer.start(RenderIntervalMs, this);
    }
}

void MessageWidget::flushPendingText()
{
    if (m_renderTimer.isActive()) {
        m_renderTimer.stop();
        render();
    }
}

void MessageWidget::timerEvent(QTimerEvent *event)
{
    if (event->timerId() == m_renderTimer.timerId()) {
        m_renderTimer.stop();
        render();
        return;
    }
    QFrame::timerEvent(event);
}

QWidget *MessageWidget::segmentWidget(const MarkdownSegment &segment, QWidget *reuse)
{
    if (segment.kind == MarkdownSegment::Kind::Code) {
        auto *code = qobject_cast<CodeBlockWidget *>(reuse);
        if (!code) {
            code = new CodeBlockWidget(this);
        }
        code->setCode(segment.text, segment.language);
        return code;
    }
    auto *label = qobject_cast<WrappedLabel *>(reuse);
    if (!label) {
        label = proseLabel(this);
    }
    // A question is shown as typed; a reply is Markdown.
    label->setContent(segment.text, m_user ? Qt::PlainText : Qt::MarkdownText);
    return label;
}

void MessageWidget::render()
{
    const QList<MarkdownSegment> segments =
        m_user ? QList<MarkdownSegment>{{MarkdownSegment::Kind::Prose, m_text, {}, true}}
               : Core::MarkdownSegments::split(m_text);
    // Segments before the first change keep their widgets untouched; usually only the last one
    // (where the tokens arrive) changes.
    qsizetype i = 0;
    while (i < segments.size() && i < m_segments.size() && segments[i] == m_segments[i]) {
        ++i;
    }
    for (; i < segments.size(); ++i) {
        QWidget *existing = i < m_segmentWidgets.size() ? m_segmentWidgets[i] : nullptr;
        QWidget *widget = segmentWidget(segments[i], existing);
        if (widget != existing) {
            if (existing) {
                m_body->replaceWidget(existing, widget);
                existing->deleteLater();
                m_segmentWidgets[i] = widget;
            } else {
                m_body->addWidget(widget);
                m_segmentWidgets.append(widget);
            }
        }
    }
    while (m_segmentWidgets.size() > segments.size()) {
        QWidget *extra = m_segmentWidgets.takeLast();
        m_body->removeWidget(extra);
        extra->deleteLater();
    }
    m_segments = segments;
}

void MessageWidget::setThinking(const QString &thinking)
{
    m_thinking->setThinking(thinking);
}

void MessageWidget::setBlocks(const ChatMessage &message, const BlocksContext &context)
{
    m_blocks->setBlocks(message, context);
}

void MessageWidget::setState(int state, const QString &statsLine, const QString &errorType, const QString &errorMessage)
{
    const auto messageState = ChatMessage::State(state);
    QString stats = statsLine;
    if (messageState == ChatMessage::State::Stopped) {
        stats = tr("Stopped · %1").arg(statsLine);
    }
    m_stats->setText(stats);
    m_stats->setVisible(!m_user && !stats.isEmpty());
    const bool failed = messageState == ChatMessage::State::Failed;
    m_error->setVisible(failed);
    m_error->setText(failed ? tr("%1: %2").arg(errorType, errorMessage) : QString());
    const bool streaming = messageState == ChatMessage::State::Streaming;
    m_role->setText(m_user ? tr("You") : streaming ? tr("Assistant · writing…") : tr("Assistant"));
    m_delete->setEnabled(!streaming);
    m_edit->setEnabled(!streaming);
    if (!streaming) {
        flushPendingText();
    }
}

void MessageWidget::setLast(bool last)
{
    m_regenerate->setVisible(!m_user && last);
}

void MessageWidget::beginEdit()
{
    if (m_editor) {
        return;
    }
    m_editor = new QPlainTextEdit(this);
    m_editor->setObjectName(u"messageEditor"_s);
    m_editor->setAccessibleName(tr("Edit message"));
    m_editor->setPlainText(m_text);
    m_editBar = new QWidget(this);
    auto *bar = new QHBoxLayout(m_editBar);
    bar->setContentsMargins(0, 0, 0, 0);
    auto *resend = new QPushButton(tr("Save and resend"), m_editBar);
    resend->setObjectName(u"resendEdited"_s);
    resend->setToolTip(tr("Replace this message, drop what came after it, and ask again"));
    auto *cancel = new QPushButton(tr("Cancel"), m_editBar);
    cancel->setObjectName(u"cancelEdit"_s);
    bar->addStretch(1);
    bar->addWidget(cancel);
    bar->addWidget(resend);
    m_body->addWidget(m_editor);
    m_body->addWidget(m_editBar);
    for (QWidget *segment : std::as_const(m_segmentWidgets)) {
        segment->hide();
    }
    connect(cancel, &QPushButton::clicked, this, &MessageWidget::endEdit);
    connect(resend, &QPushButton::clicked, this, [this] {
        const QString text = m_editor->toPlainText();
        endEdit();
        Q_EMIT editSubmitted(text);
    });
    m_editor->setFocus();
}

void MessageWidget::endEdit()
{
    if (!m_editor) {
        return;
    }
    m_editor->deleteLater();
    m_editBar->deleteLater();
    m_editor = nullptr;
    m_editBar = nullptr;
    for (QWidget *segment : std::as_const(m_segmentWidgets)) {
        segment->show();
    }
}

} // namespace Switchboard::Ui
