// The client side of TestProxyAndTls's TLS rows, in a process of its own so
// that the test can give it a trust store of its own: the test runs it in a
// private mount namespace with a directory of its CA bind-mounted over
// /etc/ssl/certs, which Qt's OpenSSL backend reads on demand (it ignores
// SSL_CERT_DIR and SSL_CERT_FILE). Discovers <issuer> with the app's
// DiscoveryJob and prints the outcome as one JSON object.

#include "Diagnostics.h"
#include "DiscoveryJob.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (app.arguments().size() != 2)
        return 3; // issuer
    const QString issuer = app.arguments().at(1);
    QNetworkAccessManager network;
    DiscoveryJob job(&network, issuer);
    QObject::connect(&job, &NetworkJob::finished, &app, &QCoreApplication::quit);
    job.start();
    QCoreApplication::exec();
    Diagnostics diagnostics;
    diagnostics.setIssuer(issuer);
    diagnostics.recordError(job.error());
    const ClientError &error = job.error();
    const QJsonObject outcome{{QStringLiteral("code"), error.codeName()},
                              {QStringLiteral("host"), error.host},
                              {QStringLiteral("detail"), error.detail},
                              {QStringLiteral("issuer"), job.metadata().issuer},
                              {QStringLiteral("certificateChain"), QJsonArray::fromStringList(error.certificateChain)},
                              {QStringLiteral("sslErrors"), QJsonArray::fromStringList(error.sslErrors)},
                              {QStringLiteral("report"), diagnostics.report()}};
    std::fputs(QJsonDocument(outcome).toJson(QJsonDocument::Compact).constData(), stdout);
    return 0;
}
