#pragma once

// minatoctl's exit statuses: one per kind of failure a script may want to react to differently. They are
// listed in `minatoctl --help` and README.md; keep the three in step.
//
//   if (!result) { return reportError(result.error()); }   // prints the sentence, returns exitCodeFor()

#include "client/clienterror.h"

namespace Minato::Cli {

enum ExitCode : int {
    ExitOk = 0,
    ExitFailure = 1,  // anything not listed below: an invalid answer, a registry error, a keychain failure
    ExitUsage = 2,    // bad arguments or an invalid reference (also `ref`'s "no reference given")
    ExitNotFound = 3, // repository, tag, digest or platform not found (or private on a token registry)
    ExitAuth = 4,     // sign-in required, credentials refused, or access denied
    ExitNetwork = 5,  // the registry could not be reached: refused, DNS, reset, timeout
    ExitTls = 6,      // TLS handshake or certificate failure
};

inline int exitCodeFor(const Client::ClientError &error)
{
    using Kind = Client::ClientError::Kind;
    switch (error.kind()) {
    case Kind::NotFound:
    case Kind::NotFoundOrPrivate:
        return ExitNotFound;
    case Kind::AuthRequired:
    case Kind::Auth:
        return ExitAuth;
    case Kind::Registry:
        if (error.hasRegistryCode(Oci::ErrorCode::Denied) || error.hasRegistryCode(Oci::ErrorCode::Unauthorized)) {
            return ExitAuth;
        }
        return ExitFailure;
    case Kind::Transport:
    case Kind::Timeout:
        return ExitNetwork;
    case Kind::Tls:
        return ExitTls;
    case Kind::InvalidRequest:
        return ExitUsage;
    case Kind::Http:
    case Kind::RateLimited:
    case Kind::Cancelled:
    case Kind::InvalidResponse:
    case Kind::CredentialStore: // a keychain failure (see above)
    case Kind::LocalFile:       // a blob transfer's source or target file
        return ExitFailure;
    }
    return ExitFailure;
}

} // namespace Minato::Cli
