// SPDX-License-Identifier: MIT
#include "guirunner.h"

#include "commandline.h"
#include "gatewaythread.h"
#include "mainwindow.h"
#include "signalwatcher.h"

#include <QtCore/QDeadlineTimer>
#include <QtCore/QTextStream>
#include <QtGui/QGuiApplication>
#include <QtWidgets/QApplication>

#include <cstdio>

namespace Switchboard::App {

int runGui(const CommandLine &options)
{
    auto config = options.gatewayConfig();
    if (!config) {
        QTextStream(stderr) << "switchboard: " << config.error() << Qt::endl;
        return 2;
    }
    const auto notice = options.secure(*config);
    if (!notice) {
        QTextStream(stderr) << "switchboard: " << notice.error() << Qt::endl;
        return 2;
    }
    if (*notice) {
        QTextStream(stderr) << "switchboard: " << **notice << Qt::endl;
    }
    // Becomes the window's Wayland app_id, which is how the shell finds the installed launcher and
    // icon (X11 shells match the launcher's StartupWMClass instead).
    QGuiApplication::setDesktopFileName(QStringLiteral(SWITCHBOARD_APP_ID));
    Ui::MainWindow window;
    GatewayThread gateway(*config, options.host, options.port);
    QObject::connect(&gateway, &GatewayThread::listening, &window, [&window](const QUrl &baseUrl) {
        std::fprintf(stdout, "Listening on %s\n", baseUrl.toString().toUtf8().constData());
        std::fflush(stdout);
        window.showListening(baseUrl);
    });
    QObject::connect(&gateway, &GatewayThread::failed, &window, [&window, &options](const QString &message) {
        QTextStream(stderr) << "switchboard: cannot listen on " << options.host.toString() << ':' << options.port
                            << ": " << message << Qt::endl;
        window.showServerError(message);
    });
    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, &window, [] { QApplication::exit(0); });

    gateway.start();
    window.show();
    const int code = QApplication::exec();
    // The window is gone; answers still under way get the drain deadline, as in headless mode.
    window.hide();
    gateway.shutdown(options.drainTimeout);
    gateway.wait(QDeadlineTimer(options.drainTimeout + std::chrono::seconds(3)));
    return code;
}

} // namespace Switchboard::App
