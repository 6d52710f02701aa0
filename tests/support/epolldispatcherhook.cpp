// SPDX-License-Identifier: MIT
// Linked into each integration test: with SWITCHBOARD_TEST_EPOLL_DISPATCHER set, the test's main
// thread runs on the EpollEventDispatcher, as the gateway does in the application. It must be in
// place before QTEST_GUILESS_MAIN constructs the application, hence a static initializer.
#include "eventloop/epolleventdispatcher.h"

#include <QtCore/QCoreApplication>

namespace {

const bool installed = [] {
    if (!qEnvironmentVariableIsSet("SWITCHBOARD_TEST_EPOLL_DISPATCHER")) {
        return false;
    }
    QCoreApplication::setEventDispatcher(new Switchboard::Core::EpollEventDispatcher);
    return true;
}();

} // namespace
