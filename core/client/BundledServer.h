#pragma once

#include "ClientError.h"

#include <QObject>
#include <QProcess>
#include <QTemporaryDir>

// A latchkey-server the app starts for itself (--with-reference-server): on a
// free loopback port, with a temporary data directory, stopped with the app.
// For QA and demos: no second terminal, nothing left behind.
class BundledServer : public QObject
{
    Q_OBJECT
public:
    static constexpr int StartTimeoutMs = 15000;

    explicit BundledServer(QObject *parent = nullptr);
    ~BundledServer() override;

    // The latchkey-server next to this program, in the build tree, or on PATH.
    static QString findBinary();
    // `arguments` come after --listen and --data-dir.
    void start(const QString &binary = findBinary(),
               const QStringList &arguments = {QStringLiteral("--log-level"), QStringLiteral("warning")});
    // Sends the server's log to a file instead of this program's stderr.
    void setLogFile(const QString &path)
    {
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
        m_process.setStandardErrorFile(path);
    }
    QString issuer() const { return m_issuer; }
    const ClientError &error() const { return m_error; }

Q_SIGNALS:
    void ready(const QString &issuer);
    void failed(const ClientError &error);

private:
    void onOutput();
    void fail(ClientError::Code code, const QString &detail = {});

    QTemporaryDir m_data;
    QProcess m_process;
    QByteArray m_output;
    QString m_issuer;
    ClientError m_error;
};
