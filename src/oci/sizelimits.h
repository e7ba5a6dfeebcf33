#pragma once

// Size limits shared by the content parsers, declared once. The old names (kMaxManifestBytes in
// imageindex.h, Schema1Manifest::kMaxBytes, Json::kDefaultMaxBytes) are this same value.

#include <QtGlobal>

namespace Minato::Oci {

// Largest manifest, index or JSON document accepted: distribution-spec spec.md "Pushing Manifests" says
// registries SHOULD accept manifests of at least 4 MiB; we refuse anything larger.
inline constexpr qsizetype kMaxDocumentBytes = qsizetype{4} * 1024 * 1024;

} // namespace Minato::Oci
