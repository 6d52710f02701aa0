// SPDX-License-Identifier: MIT
#pragma once

#include "http/httprequestguard.h"

#include <QtCore/QByteArrayList>
#include <QtNetwork/QHostAddress>

namespace Switchboard::Core {

struct AccessOptions
{
    // Host names clients may use besides localhost, 127.0.0.1 and [::1] (and, when listening beyond
    // loopback, this machine's own addresses). Anything else is a DNS-rebinding attempt: 403.
    QByteArrayList allowedHosts;
    // Exact origins a browser may call from ("http://localhost:5173"). No Origin means no browser.
    QByteArrayList allowedOrigins;
    // Switchboard's own key, carried as x-api-key or Authorization: Bearer.
    QByteArray apiKey;
    // Every request must carry the key (listening beyond loopback, or a key was given explicitly).
    bool requireKey = false;
    // Routes whose backend holds the user's credentials (a paid upstream) need the key even on
    // loopback: any local process or page could otherwise spend the user's money.
    bool requireKeyForCredentialedBackends = true;
};

// Who may talk to Switchboard, decided from the request head alone: Host allowlist, Origin and CORS
// (denied by default, allowlisted origins reflected, never `*`), no cross-site "simple" POSTs, and
// the API key compared in constant time.
class AccessPolicy final : public HttpRequestGuard
{
public:
    explicit AccessPolicy(AccessOptions options);

    void setListenAddress(const QHostAddress &address, quint16 port);
    const AccessOptions &options() const { return m_options; }

    Verdict inspect(const HttpRequest &head) override;

    // Whether `headers` carry the configured key, as x-api-key or as a bearer token (false when no
    // key is configured).
    bool hasValidKey(const HttpHeaders &headers) const;
    // "x-api-key" or "authorization", whichever carries the configured key; empty if neither does.
    QByteArray validKeyHeader(const HttpHeaders &headers) const;
    // The key a client presents: x-api-key, else the bearer token.
    static QByteArray presentedKey(const HttpHeaders &headers);
    static QByteArray bearerToken(const HttpHeaders &headers);

private:
    bool isAllowedHost(QByteArrayView host) const;
    Verdict refuse(int status, QByteArray type, QByteArray message, const HttpHeaders &extra = {}) const;

    AccessOptions m_options;
    QHostAddress m_listenAddress;
    QList<QHostAddress> m_ownAddresses;
    quint16 m_port = 0;
};

} // namespace Switchboard::Core
