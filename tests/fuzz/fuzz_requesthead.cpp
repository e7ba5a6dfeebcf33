// libFuzzer target: the HTTP/1.x request-head parser of the embedded registry (findHeadEnd, checkIncomplete,
// parse), on arbitrary bytes, with the default limits and with tight ones that reach every limit branch.
#include "embedded_registry/requestparser.h"

#include <QByteArrayView>

#include <cstddef>
#include <cstdint>

namespace {

using namespace Minato::Registry;

bool isParserStatus(int status)
{
    return status == 400 || status == 414 || status == 417 || status == 431 || status == 501 || status == 505;
}

void checkResult(const RequestParseResult &r)
{
    if (!r.ok()) {
        if (!isParserStatus(r.status) || r.reason.isEmpty()) {
            __builtin_trap();
        }
        return;
    }
    const HttpRequest &request = *r.request;
    if (r.status != 0 || request.method.isEmpty() || request.target.isEmpty()) {
        __builtin_trap();
    }
    // origin-form and absolute-form both give a path that starts with '/'; asterisk-form only for OPTIONS.
    const bool asterisk = request.target == "*" && request.method == "OPTIONS" && request.path == "*";
    if (!asterisk && !request.path.startsWith('/')) {
        __builtin_trap();
    }
    if (request.contentLength < -1 || (request.chunked && request.contentLength != -1)) {
        __builtin_trap();
    }
    if (request.versionMinor != 0 && request.versionMinor != 1) {
        __builtin_trap();
    }
    if (request.expectContinue && request.versionMinor == 0) {
        __builtin_trap();
    }
}

void exercise(QByteArrayView input, const ParserLimits &limits)
{
    const qsizetype end = RequestParser::findHeadEnd(input);
    if (end == 0 || end < -1 || end > input.size()) {
        __builtin_trap();
    }
    if (end < 0) {
        if (const auto e = RequestParser::checkIncomplete(input, limits)) {
            if (e->ok() || !isParserStatus(e->status)) {
                __builtin_trap();
            }
        }
    } else {
        checkResult(RequestParser::parse(input.first(end), limits));
        // checkIncomplete is also called on every prefix that has no head end yet.
        (void)RequestParser::checkIncomplete(input.first(end - 1), limits);
    }
    // Whatever the caller hands it, parse must answer (never crash, never accept garbage).
    checkResult(RequestParser::parse(input, limits));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    exercise(input, ParserLimits{});
    ParserLimits tight;
    tight.maxHeadBytes = 256;
    tight.maxFields = 4;
    tight.maxTargetBytes = 32;
    exercise(input, tight);
    return 0;
}
