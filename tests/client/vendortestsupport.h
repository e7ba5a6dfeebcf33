#pragma once

// Helpers shared by the vendor API suites (Docker Hub, Harbor, GCR, ACR against their stand-ins): a profile of
// a given kind on a stand-in, a login, a whole listing collected, and the requests a stand-in received under a
// path.
//
//   auto client = RegistryClient(profileFor(standIn.baseUrl(), ConnectionProfile::Kind::Acr));
//   QStringList items;  auto r = list(vendor.tags(u"team/app"_s), items);
//   requestsTo(standIn, "/acr/v1/").size();

#include "clienttestsupport.h"
#include "standinserver.h"

#include "client/connectionprofile.h"
#include "client/credentials.h"
#include "client/listquery.h"

#include <QList>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace Minato::Test {

inline Client::ConnectionProfile profileFor(const QUrl &base, Client::ConnectionProfile::Kind kind)
{
    Client::ConnectionProfile p;
    p.name = QStringLiteral("vendor stand-in");
    p.baseUrl = base;
    p.kind = kind;
    p.timeoutMs = 10000;
    return p;
}

inline Client::Credentials login(const QString &user, const QString &secret)
{
    Client::Credentials c;
    c.username = user;
    c.secret = secret;
    c.isIdentityToken = false;
    return c;
}

// Runs a listing to its end; `items` receives every name it emitted, in order.
template<typename Op>
std::optional<Client::ListResult> list(Op *op, QStringList &items)
{
    QList<QStringList> chunks;
    auto r = runList<Op, Client::ListResult>(op, chunks, 20000);
    items = flatten(chunks);
    return r;
}

inline QList<StandInRequest> requestsTo(const StandInServer &server, const QByteArray &pathStart)
{
    QList<StandInRequest> out;
    for (const StandInRequest &r : server.requests()) {
        if (r.path.startsWith(pathStart)) {
            out.append(r);
        }
    }
    return out;
}

} // namespace Minato::Test
