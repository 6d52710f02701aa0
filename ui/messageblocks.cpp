// SPDX-License-Identifier: MIT
#include "messageblocks.h"

#include "imagethumbnail.h"
#include "palettecolors.h"
#include "toolusecard.h"

#include <QtGui/QFontDatabase>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QVBoxLayout>

namespace Switchboard::Ui {

using namespace Qt::StringLiterals;
using Core::ChatMessage;
using Core::ChatToolResult;

MessageBlocks::MessageBlocks(QWidget *parent)
    : QWidget(parent)
    , m_imageRow(new QWidget(this))
    , m_imageLayout(new QHBoxLayout(m_imageRow))
    , m_layout(new QVBoxLayout(this))
{
    setObjectName(u"messageBlocks"_s);
    m_imageRow->setObjectName(u"messageImages"_s);
    m_imageLayout->setContentsMargins(0, 0, 0, 0);
    m_imageLayout->addStretch(1);
    m_imageRow->hide();
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->setSpacing(6);
    m_layout->addWidget(m_imageRow);
    hide();
}

void MessageBlocks::setBlocks(const ChatMessage &message, const BlocksContext &context)
{
    if (message.images != m_images || message.toolResults != m_results || message.toolUses != m_uses ||
        context.calls != m_answeredCalls) {
        rebuild(message, context.calls);
    }
    const QList<ChatToolResult> &answers = context.answers;
    const bool answerable = context.answerable;
    const bool streaming = message.state == ChatMessage::State::Streaming;
    for (ToolUseCard *card : std::as_const(m_cards)) {
        std::optional<ChatToolResult> answer;
        for (const ChatToolResult &result : answers) {
            if (result.toolUseId == card->toolUse().id) {
                answer = result;
            }
        }
        card->setState(answer, answerable && answers.isEmpty());
        if (answer || (answerable && answers.isEmpty())) {
            if (answer || !m_drafts.contains(card->toolUse().id)) {
                card->setNote({});
            }
        } else if (!streaming) {
            card->setNote(tr("Not answered: the conversation went on without it"));
        }
    }
    if (!answerable) {
        m_drafts.clear();
    }
    setVisible(!m_images.isEmpty() || !m_results.isEmpty() || !m_uses.isEmpty());
}

void MessageBlocks::rebuild(const ChatMessage &message, const QList<Core::ChatToolUse> &calls)
{
    m_answeredCalls = calls;
    m_images = message.images;
    m_results = message.toolResults;
    m_uses = message.toolUses;
    m_drafts.clear();

    while (m_imageLayout->count() > 1) {
        QLayoutItem *item = m_imageLayout->takeAt(0);
        item->widget()->deleteLater();
        delete item;
    }
    for (const Core::ChatImage &image : std::as_const(m_images)) {
        m_imageLayout->insertWidget(m_imageLayout->count() - 1, new ImageThumbnail(image, false, m_imageRow));
    }
    m_imageRow->setVisible(!m_images.isEmpty());

    for (QWidget *widget : std::as_const(m_blockWidgets)) {
        m_layout->removeWidget(widget);
        widget->deleteLater();
    }
    m_blockWidgets.clear();
    m_cards.clear();

    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    for (const ChatToolResult &result : std::as_const(m_results)) {
        auto *label = new QLabel(this);
        label->setObjectName(u"toolResultBlock"_s);
        label->setFont(fixed);
        label->setTextFormat(Qt::PlainText);
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
        label->setFrameShape(QFrame::StyledPanel);
        label->setMargin(6);
        QString call = result.toolUseId;
        for (const Core::ChatToolUse &use : calls) {
            if (use.id == result.toolUseId) {
                call = use.name;
            }
        }
        label->setToolTip(tr("The tool_result for call %1").arg(result.toolUseId));
        label->setText((result.isError ? tr("Error from %1:\n") : tr("Result of %1:\n")).arg(call) +
                       (result.content.isEmpty() ? tr("(empty)") : result.content));
        if (result.isError) {
            QPalette palette = label->palette();
            palette.setColor(QPalette::WindowText, PaletteColors::errorHue());
            label->setPalette(palette);
        }
        m_layout->addWidget(label);
        m_blockWidgets.append(label);
    }
    for (const Core::ChatToolUse &use : std::as_const(m_uses)) {
        auto *card = new ToolUseCard(use, this);
        connect(card, &ToolUseCard::submitted, this, &MessageBlocks::onSubmitted);
        m_layout->addWidget(card);
        m_blockWidgets.append(card);
        m_cards.append(card);
    }
}

void MessageBlocks::onSubmitted(const ChatToolResult &result)
{
    m_drafts.insert(result.toolUseId, result);
    QList<ChatToolResult> all;
    for (const ToolUseCard *card : std::as_const(m_cards)) {
        if (const auto draft = m_drafts.constFind(card->toolUse().id); draft != m_drafts.cend()) {
            all.append(*draft);
        }
    }
    const qsizetype missing = m_cards.size() - all.size();
    if (missing > 0) {
        for (ToolUseCard *card : std::as_const(m_cards)) {
            if (m_drafts.contains(card->toolUse().id)) {
                card->setNote(missing == 1 ? tr("Sent with the answer to the other call")
                                           : tr("Sent with the answers to the other %1 calls").arg(missing));
            }
        }
        return;
    }
    m_drafts.clear();
    Q_EMIT toolResultsSubmitted(all);
}

} // namespace Switchboard::Ui
