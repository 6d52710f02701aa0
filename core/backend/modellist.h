// SPDX-License-Identifier: MIT
#pragma once

#include "api/result.h"
#include "http/httpclient.h"
#include "modelinfo.h"

#include <qcoro/qcorotask.h>

#include <chrono>
#include <vector>

namespace Switchboard::Core::ModelList {

// Reads a model list in Anthropic's shape (id, display_name, created_at) or OpenAI's (id, created
// in epoch seconds) as llama.cpp, Ollama and vLLM send it.
Result<std::vector<ModelInfo>> parse(QByteArrayView body, const QByteArray &backendName);

// How long a backend may take to list its models, all told. Short, because clients wait for the
// slowest backend and a model list is cheap to make: 3 s is far above a healthy local server's
// answer (milliseconds) and well below the 10 s or more at which clients give up.
constexpr std::chrono::milliseconds ListDeadline{3'000};

// GETs a backend's model list and reads it; failures are mapped like any upstream failure.
QCoro::Task<Result<std::vector<ModelInfo>>> fetch(HttpClient &client, HttpClientRequest request,
                                                  QByteArray backendName);

} // namespace Switchboard::Core::ModelList
