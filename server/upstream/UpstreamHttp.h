#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

// One answer from an upstream provider, already bounded in size and time.
struct UpstreamReply
{
    enum class Failure { None, Unreachable, Timeout, TooLarge };

    Failure failure = Failure::None;
    int status = 0;
    QByteArray body;
    QString detail; // for the log: what went wrong on the wire

    bool reached() const { return failure == Failure::None; }
    bool isSuccess() const { return reached() && status >= 200 && status < 300; }
    // The body as a JSON object; empty when it is not one.
    QJsonObject json() const;
};

// The broker's side of HTTP towards upstream providers. Every request is
// built in request(): JSON accepted, no redirects followed, no cookies; every
// answer is cut off at MaxBody and at the deadline, because it comes from
// another party's server.
class UpstreamHttp : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 MaxBody = 512 * 1024;
    using Callback = std::function<void(const UpstreamReply &)>;

    UpstreamHttp(QNetworkAccessManager *manager, int deadlineMs, QObject *parent = nullptr);

    int deadlineMs() const { return m_deadlineMs; }
    void get(const QUrl &url, const QByteArray &bearerToken, Callback done);
    // `basicAuth`: user:password for HTTP Basic, or empty.
    void postForm(const QUrl &url, const QByteArray &form, const QByteArray &basicUser, const QByteArray &basicPassword,
                  Callback done);

private:
    QNetworkRequest request(const QUrl &url) const;
    void watch(QNetworkReply *reply, Callback done);

    QNetworkAccessManager *m_manager;
    int m_deadlineMs;
};
