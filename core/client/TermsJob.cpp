#include "TermsJob.h"

#include "RequestFactory.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>

TermsJob::TermsJob(QNetworkAccessManager *manager, const QUrl &url, QObject *parent)
    : NetworkJob(manager, parent)
    , m_url(url)
{
}

QNetworkReply *TermsJob::send()
{
    QNetworkRequest request = RequestFactory::create(m_url);
    request.setRawHeader(QByteArrayLiteral("Accept"), QByteArrayLiteral("text/html"));
    return manager()->get(request);
}

void TermsJob::parse(int status, const QByteArray &body, QNetworkReply *reply)
{
    if (status != 200) {
        fail(ClientError::fromHttp(status, body, reply->rawHeader("Retry-After")));
        return;
    }
    m_html = QString::fromUtf8(body);
    m_version = QString::fromUtf8(reply->rawHeader("Terms-Version")).trimmed();
    if (m_version.isEmpty()) {
        static const QRegularExpression attribute(QStringLiteral("data-terms-version=\"([^\"]+)\""));
        m_version = attribute.match(m_html).captured(1);
    }
    if (m_version.isEmpty())
        fail(ClientError::make(ClientError::Code::InvalidResponse, QStringLiteral("terms without a version")));
}
