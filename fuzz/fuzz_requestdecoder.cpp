// SPDX-License-Identifier: MIT
// A client's request body: decoding and validation, then everything that reads the decoded
// request (token estimate, Chat Completions translation).
#include "api/requestdecoder.h"
#include "api/tokenestimator.h"
#include "backend/openai/chatrequestbuilder.h"

#include <cstddef>
#include <cstdint>

using namespace Switchboard::Core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView body(reinterpret_cast<const char *>(data), qsizetype(size));
    for (const auto endpoint : {RequestDecoder::Endpoint::Messages, RequestDecoder::Endpoint::CountTokens}) {
        auto decoded = RequestDecoder::decode(body, endpoint);
        if (!decoded) {
            if (decoded.error().message.isEmpty()) {
                __builtin_trap(); // every refusal must say why
            }
            continue;
        }
        if (TokenEstimator::countRequest(*decoded) < 0) {
            __builtin_trap();
        }
        ChatRequestOptions options;
        options.upstreamModel = "model";
        [[maybe_unused]] const auto translated = buildChatRequest(*decoded, options);
    }
    return 0;
}
