#include "HttpRobot.h"

#include "FormData.h"

#include <QJsonDocument>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QUrlQuery>

namespace {
constexpr int ReplyTimeoutMs = 20000;
}

QJsonObject HttpResult::json() const
{
    return QJsonDocument::fromJson(body).object();
}

HttpRobot::HttpRobot()
{
    m_manager.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

QNetworkReply *HttpRobot::start(const QByteArray &verb, const QUrl &url, const QByteArray &body,
                                const HeaderList &headers)
{
    QNetworkRequest request(url);
    request.setTransferTimeout(ReplyTimeoutMs);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    return m_manager.sendCustomRequest(request, verb, body);
}

HttpResult HttpRobot::collect(QNetworkReply *reply)
{
    if (!reply->isFinished()) {
        QSignalSpy finished(reply, &QNetworkReply::finished);
        finished.wait(ReplyTimeoutMs + 1000);
    }
    HttpResult result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.error = reply->error();
    result.body = reply->readAll();
    for (const auto &[name, value] : reply->rawHeaderPairs())
        result.headers.insert(name.toLower(), value);
    reply->deleteLater();
    return result;
}

HttpResult HttpRobot::send(const QByteArray &verb, const QUrl &url, const QByteArray &body, const HeaderList &headers)
{
    return collect(start(verb, url, body, headers));
}

HttpResult HttpRobot::get(const QUrl &url, const HeaderList &headers)
{
    return send("GET", url, {}, headers);
}

HttpResult HttpRobot::postForm(const QUrl &url, const FieldList &fields, const HeaderList &headers)
{
    HeaderList all{{"Content-Type", "application/x-www-form-urlencoded"}};
    all += headers;
    return send("POST", url, FormData::encode(fields), all);
}

HttpResult HttpRobot::postJson(const QUrl &url, const QJsonObject &body, const HeaderList &headers)
{
    HeaderList all{{"Content-Type", "application/json"}};
    all += headers;
    return send("POST", url, QJsonDocument(body).toJson(QJsonDocument::Compact), all);
}

bool HttpRobot::acceptsConnections(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    return socket.waitForConnected(1000);
}
