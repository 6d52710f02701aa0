// SPDX-License-Identifier: MIT
#include "appsettings.h"
#include "commandline.h"
#include "eventloop/epolleventdispatcher.h"
#include "filelimit.h"
#include "guirunner.h"
#include "headlessrunner.h"
#include "security/redactor.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QLoggingCategory>
#include <QtCore/QSettings>
#include <QtCore/QTextStream>
#include <QtWidgets/QApplication>

#include <cstring>
#include <memory>

using namespace Switchboard;

int main(int argc, char **argv)
{
    // Headless mode must not touch the GUI stack (no display on servers): decide before the
    // application object exists.
    bool headless = false;
    for (int i = 1; i < argc; ++i) {
        // --help and --version print and exit: they need no display either.
        headless = headless || std::strcmp(argv[i], "--headless") == 0 || std::strcmp(argv[i], "--help") == 0 ||
                   std::strcmp(argv[i], "-h") == 0 || std::strcmp(argv[i], "--version") == 0 ||
                   std::strcmp(argv[i], "-v") == 0;
    }
    std::unique_ptr<QCoreApplication> application;
    if (headless) {
        // The gateway runs on this thread; Qt's own dispatcher slows down with every open stream.
        QCoreApplication::setEventDispatcher(new Core::EpollEventDispatcher);
        application = std::make_unique<QCoreApplication>(argc, argv);
    } else {
        application = std::make_unique<QApplication>(argc, argv);
    }
    QCoreApplication::setApplicationName(QStringLiteral("switchboard"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SWITCHBOARD_VERSION));
    QCoreApplication::setOrganizationName(QStringLiteral("Switchboard"));

    auto options = App::CommandLine::parse(QCoreApplication::arguments());
    if (!options) {
        QTextStream(options.error().code == 0 ? stdout : stderr) << options.error().message << Qt::endl;
        return options.error().code;
    }
    Core::Redactor::installMessageHandler();
    qSetMessagePattern(QStringLiteral("%{time yyyy-MM-ddThh:mm:ss.zzz} %{if-category}%{category}: %{endif}%{message}"));
    if (!options->quiet) {
        QLoggingCategory::setFilterRules(QStringLiteral("switchboard.access.info=true"));
    }
    App::raiseOpenFileLimit();
    const auto settings = App::openSettings(*options);
    App::applySavedAddress(*options, *settings);
    return options->headless ? App::runHeadless(*options, *settings) : App::runGui(*options, *settings);
}
