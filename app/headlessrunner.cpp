// SPDX-License-Identifier: MIT
#include "headlessrunner.h"

#include "appsettings.h"
#include "commandline.h"
#include "security/preferredsecretstore.h"
#include "server/gateway.h"
#include "signalwatcher.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QTextStream>

#include <cstdio>

namespace Switchboard::App {

int runHeadless(const CommandLine &options, QSettings &settings)
{
    const auto secrets = Core::PreferredSecretStore::create(settings);
    QStringList problems;
    auto config = resolveGatewayConfig(options, settings, *secrets, problems);
    if (!config) {
        QTextStream(stderr) << "switchboard: " << config.error() << Qt::endl;
        return 2;
    }
    for (const QString &problem : std::as_const(problems)) {
        QTextStream(stderr) << "switchboard: " << problem << Qt::endl;
    }
    const auto notice = options.secure(*config);
    if (!notice) {
        QTextStream(stderr) << "switchboard: " << notice.error() << Qt::endl;
        return 2;
    }
    if (*notice) {
        QTextStream(stderr) << "switchboard: " << **notice << Qt::endl;
    }
    Core::Gateway gateway(*config);
    const auto port = gateway.listen(options.host, options.port);
    if (!port) {
        QTextStream(stderr) << "switchboard: cannot listen on " << options.host.toString() << ':' << options.port
                            << ": " << port.error() << Qt::endl;
        return 1;
    }
    // The one line scripts wait for; everything else goes to stderr.
    std::fprintf(stdout, "Listening on %s\n", gateway.baseUrl().toString().toUtf8().constData());
    std::fflush(stdout);

    SignalWatcher watcher;
    bool stopping = false;
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, &gateway, [&] {
        if (stopping) {
            QCoreApplication::exit(0); // a second signal: stop now
            return;
        }
        stopping = true;
        gateway.shutdown(options.drainTimeout);
    });
    QObject::connect(&gateway, &Core::Gateway::drained, &gateway, [] { QCoreApplication::exit(0); });
    return QCoreApplication::exec();
}

} // namespace Switchboard::App
