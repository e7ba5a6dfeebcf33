#pragma once

// What people paste next (UI.md "Copy what people paste next"): references and pull commands for an image
// on a connection, pinned by digest where the command should not move with the tag.
//
//   PullCommands c(profile, u"library/nginx"_s, u"1.27"_s, digest);
//   c.byTag();       // "docker.io/library/nginx:1.27"
//   c.byDigest();    // "docker.io/library/nginx@sha256:…"
//   c.all();         // {label, text} pairs for the Copy menu: docker, podman, nerdctl, crane, Kubernetes

#include "client/connectionprofile.h"
#include "oci/digest.h"

#include <QCoreApplication>
#include <QList>
#include <QPair>
#include <QString>

namespace Minato::App {

class PullCommands
{
    Q_DECLARE_TR_FUNCTIONS(Minato::App::PullCommands)

public:
    PullCommands(const Client::ConnectionProfile &profile, QString repository, QString tag, Oci::Digest digest);

    // "docker.io" for Docker Hub (under any of its names), else host[:port] as docker writes it.
    static QString registryName(const Client::ConnectionProfile &profile);

    QString repositoryName() const; // "docker.io/library/nginx"
    QString byTag() const;          // empty without a tag
    QString byDigest() const;       // empty without a digest
    // Label and text of each entry; the pull commands use the digest when known, else the tag.
    QList<QPair<QString, QString>> all() const;

private:
    QString m_registry;
    QString m_repository;
    QString m_tag;
    Oci::Digest m_digest;
};

} // namespace Minato::App
