// SPDX-License-Identifier: MIT
#pragma once

#include "api/result.h"
#include "http/httpclient.h"
#include "modelinfo.h"

#include <qcoro/qcorotask.h>

#include <vector>

namespace Switchboard::Core::ModelList {

// Reads a model list in Anthropic's shape (id, display_name, created_at) or OpenAI's (id, created
// in epoch seconds) as llama.cpp, Ollama and vLLM send it.
Result<std::vector<ModelInfo>> parse(QByteArrayView body, const QByteArray &backendName);

// GETs a backend's model list and reads it; failures are mapped like any upstream failure.
QCoro::Task<Result<std::vector<ModelInfo>>> fetch(HttpClient &client, HttpClientRequest request,
                                                  QByteArray backendName);

} // namespace Switchboard::Core::ModelList
