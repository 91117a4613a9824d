#pragma once

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QUrl>

#include <utility>

// What a test got back from one HTTP exchange.
struct HttpResult
{
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QHash<QByteArray, QByteArray> headers; // names lowercased

    QJsonObject json() const;
    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
    QUrl location() const { return QUrl::fromEncoded(header("Location")); }
};

using HeaderList = QList<std::pair<QByteArray, QByteArray>>;
using FieldList = QList<std::pair<QString, QString>>;

// The test side of HTTP: plays the browser and the client against a real
// server. Redirects are never followed on their own, so tests see each hop.
// Each call waits for its reply (test code only; the product never blocks).
class HttpRobot
{
public:
    HttpRobot();

    HttpResult get(const QUrl &url, const HeaderList &headers = {});
    HttpResult postForm(const QUrl &url, const FieldList &fields, const HeaderList &headers = {});
    HttpResult postJson(const QUrl &url, const QJsonObject &body, const HeaderList &headers = {});
    HttpResult send(const QByteArray &verb, const QUrl &url, const QByteArray &body, const HeaderList &headers);

    // Starts a request without waiting; collect() waits for it.
    QNetworkReply *start(const QByteArray &verb, const QUrl &url, const QByteArray &body, const HeaderList &headers);
    static HttpResult collect(QNetworkReply *reply);

    QNetworkAccessManager &manager() { return m_manager; }
    // Whether anything accepts connections on 127.0.0.1:port.
    static bool acceptsConnections(quint16 port);

private:
    QNetworkAccessManager m_manager;
};
