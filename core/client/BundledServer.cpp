#include "BundledServer.h"

#include "ClientLogging.h"

#include <QCoreApplication>
#include <QDir>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTimer>

#ifdef Q_OS_LINUX
#include <csignal>
#include <sys/prctl.h>
#endif

BundledServer::BundledServer(QObject *parent)
    : QObject(parent)
{
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
#ifdef Q_OS_LINUX
    // Should Latchkey die without cleaning up, its server goes too.
    m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
#endif
    connect(&m_process, &QProcess::readyReadStandardOutput, this, &BundledServer::onOutput);
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError) {
        fail(ClientError::Code::BundledServerNotStarted, m_process.errorString());
    });
    connect(&m_process, &QProcess::finished, this, [this](int code) {
        if (m_issuer.isEmpty())
            fail(ClientError::Code::BundledServerExited, QStringLiteral("exit code %1").arg(code));
    });
}

BundledServer::~BundledServer()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate(); // SIGTERM: it closes its database cleanly
        if (!m_process.waitForFinished(5000))
            m_process.kill();
    }
}

QString BundledServer::findBinary()
{
    const QString name = QStringLiteral("latchkey-server");
    const QString appDir = QCoreApplication::applicationDirPath();
    const QStringList candidates{appDir + QLatin1Char('/') + name, appDir + QStringLiteral("/../server/") + name};
    for (const QString &candidate : candidates) {
        if (QFileInfo(candidate).isExecutable())
            return QDir::cleanPath(candidate);
    }
    return QStandardPaths::findExecutable(name);
}

void BundledServer::start(const QString &binary, const QStringList &arguments)
{
    if (binary.isEmpty()) {
        QTimer::singleShot(0, this, [this] { fail(ClientError::Code::BundledServerMissing); });
        return;
    }
    QTimer::singleShot(StartTimeoutMs, this, [this] {
        if (m_issuer.isEmpty())
            fail(ClientError::Code::BundledServerTimedOut, QStringLiteral("%1 s").arg(StartTimeoutMs / 1000));
    });
    // QA mode: a private server on loopback whose personas stand in for real providers.
    m_process.start(binary,
                    QStringList{QStringLiteral("--qa"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                QStringLiteral("--data-dir"), m_data.path()}
                        + arguments);
}

void BundledServer::onOutput()
{
    m_output += m_process.readAllStandardOutput();
    static const QRegularExpression issuerLine(QStringLiteral("^issuer: (\\S+)$"), QRegularExpression::MultilineOption);
    const auto match = issuerLine.match(QString::fromUtf8(m_output));
    if (!match.hasMatch() || !m_issuer.isEmpty())
        return;
    m_issuer = match.captured(1);
    Q_EMIT ready(m_issuer);
}

void BundledServer::fail(ClientError::Code code, const QString &detail)
{
    if (!m_error.ok() || !m_issuer.isEmpty())
        return;
    m_error = ClientError::make(code, detail);
    qCWarning(lcSession) << "reference server:" << m_error.codeName() << detail;
    Q_EMIT failed(m_error);
}
