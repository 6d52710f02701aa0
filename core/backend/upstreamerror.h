// SPDX-License-Identifier: MIT
#pragma once

#include "api/apierror.h"
#include "http/httpclient.h"

namespace Switchboard::Core::UpstreamError {

// How a backend's failures reach clients, in one place. Messages name the backend, never its URL
// or key (errors are shown to whoever calls the endpoint).
ApiError fromNetwork(const QByteArray &backendName, const HttpClientError &error);
// The wording of a network failure, without its cause (fromNetwork adds it).
ApiError describeNetwork(const QByteArray &backendName, const HttpClientError &error);
// `requestUrl` is what was asked for: a redirect is answered with where it pointed (relative
// locations resolved against it), and a hint when it only changed http:// to https://.
ApiError fromStatus(const QByteArray &backendName, int status, const HttpHeaders &headers, QByteArrayView body,
                    const QUrl &requestUrl);
// A stream that stopped without saying it had finished.
ApiError truncated(const QByteArray &backendName);

} // namespace Switchboard::Core::UpstreamError
