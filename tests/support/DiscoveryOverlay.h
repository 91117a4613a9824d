#pragma once

#include <QJsonObject>
#include <QString>

#include <memory>

class QHttpServer;

// A real server's discovery document, changed by the test (say,
// upstream_providers added or taken away) and served from an address of
// its own, which the client then uses as its issuer. Every endpoint stays
// the real server's. Tokens still name the real issuer, so a sign-in
// through an overlay ends at the code exchange: enough for what the client
// asks for and how it answers the browser's redirect.
class DiscoveryOverlay
{
public:
    DiscoveryOverlay();
    ~DiscoveryOverlay();

    // Copies the document of the server at `realIssuer` and starts serving it.
    bool start(const QString &realIssuer, QString *error = nullptr);
    QString issuer() const { return m_issuer; }
    // What discovery answers from now on; change it at will.
    QJsonObject &document() { return m_document; }
    // For routes of the test's own beside discovery (say, an extension's
    // endpoints as the contract describes them).
    QHttpServer &server() { return *m_server; }

private:
    std::unique_ptr<QHttpServer> m_server;
    QString m_issuer;
    QJsonObject m_document;
};
