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
ApiError fromStatus(const QByteArray &backendName, int status, const HttpHeaders &headers, QByteArrayView body);
// A stream that stopped without saying it had finished.
ApiError truncated(const QByteArray &backendName);

} // namespace Switchboard::Core::UpstreamError
