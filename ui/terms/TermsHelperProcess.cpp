#include "TermsHelperProcess.h"

#include "TermsLinks.h"
#include "UiLogging.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTimer>

namespace {
constexpr int QuitGraceMs = 3000;
constexpr qsizetype MaxLogLine = 512;
} // namespace

TermsHelperProcess::TermsHelperProcess(QObject *parent)
    : QObject(parent)
{
}

TermsHelperProcess::~TermsHelperProcess()
{
    if (!m_process)
        return;
    // Not waited for here (the wizard is closing): the process object
    // outlives us until the helper exits, and kills it if it lingers.
    m_process->disconnect(this);
    m_process->setParent(QCoreApplication::instance());
    connect(m_process, &QProcess::finished, m_process, &QObject::deleteLater);
    if (m_process->state() == QProcess::NotRunning) {
        m_process->deleteLater();
        return;
    }
    m_process->write(TermsProtocol::line(TermsProtocol::Quit));
    m_process->closeWriteChannel();
    QTimer::singleShot(QuitGraceMs, m_process, &QProcess::kill);
}

QString TermsHelperProcess::program()
{
    const QString name = QStringLiteral("latchkey-terms");
    QStringList places;
    if (qEnvironmentVariableIsSet("LATCHKEY_TERMS_HELPER"))
        return qEnvironmentVariable("LATCHKEY_TERMS_HELPER"); // empty: none, the text view
    const QString appDir = QCoreApplication::applicationDirPath();
    // The installed layout first, then the build tree's.
    places << appDir + QStringLiteral("/" LATCHKEY_INSTALLED_HELPER_DIR) << appDir + QStringLiteral("/../libexec");
    for (const QString &place : places) {
        const QString path = QDir(place).filePath(name);
        if (QFile::exists(path))
            return QDir::cleanPath(path);
    }
    return {};
}

void TermsHelperProcess::start(const QUrl &terms, const QString &title)
{
    const QString path = program();
    if (path.isEmpty())
        return fail(QStringLiteral("latchkey-terms is not installed"));
    m_process = new QProcess(this);
    connect(m_process, &QProcess::readyReadStandardOutput, this, &TermsHelperProcess::readAnswers);
    connect(m_process, &QProcess::readyReadStandardError, this, [this] {
        // WebEngine's own messages, in our log under our category.
        while (m_process->canReadLine()) {
            const QByteArray line = m_process->readLine(MaxLogLine).trimmed(); // read even when not logged
            qCInfo(lcTerms, "helper: %s", line.constData());
        }
        if (m_process->bytesAvailable() > MaxLogLine) // no line end in sight: not kept
            m_process->readAllStandardError();
    });
    m_process->setReadChannel(QProcess::StandardError);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError) {
        fail(QStringLiteral("latchkey-terms: %1").arg(m_process->errorString()));
    });
    connect(m_process, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
        fail(status == QProcess::CrashExit ? QStringLiteral("latchkey-terms crashed")
                                           : QStringLiteral("latchkey-terms quit (%1)").arg(code));
    });
    m_process->start(path, {});
    send(TermsProtocol::Title, title.toUtf8());
    send(TermsProtocol::Load, terms.toEncoded());
    qCInfo(lcTerms) << "started" << path;
}

void TermsHelperProcess::show()
{
    send(TermsProtocol::Show);
}

void TermsHelperProcess::hide()
{
    send(TermsProtocol::Hide);
}

void TermsHelperProcess::reload()
{
    send(TermsProtocol::Reload);
}

qint64 TermsHelperProcess::processId() const
{
    return m_process ? m_process->processId() : 0;
}

void TermsHelperProcess::readAnswers()
{
    if (!m_lines.append(m_process->readAllStandardOutput()))
        return fail(QStringLiteral("latchkey-terms: an answer too long"));
    for (const QByteArray &line : m_lines.take())
        handle(line);
}

void TermsHelperProcess::handle(const QByteArray &line)
{
    using namespace TermsProtocol;
    const auto [word, argument] = split(line);
    if (word == Window) {
        bool ok = false;
        const WId id = argument.toULongLong(&ok);
        if (ok && id)
            Q_EMIT windowReady(id);
    } else if (word == Painted) {
        Q_EMIT painted();
    } else if (word == Link) {
        // The helper checked it too; the app does not rely on that.
        const QUrl url = QUrl::fromEncoded(argument, QUrl::StrictMode);
        if (TermsLinks::isWebLink(url))
            Q_EMIT linkClicked(url);
        else
            qCWarning(lcTerms) << "refused a link that is not http(s)";
    } else if (word == FocusNext || word == FocusPrevious) {
        Q_EMIT focusLeft(word == FocusNext);
    } else if (word == Error) {
        fail(QString::fromUtf8(argument));
    }
}

void TermsHelperProcess::send(const char *word, const QByteArray &argument)
{
    if (m_process && m_process->state() != QProcess::NotRunning)
        m_process->write(TermsProtocol::line(word, argument));
}

void TermsHelperProcess::fail(const QString &reason)
{
    if (m_failed)
        return;
    m_failed = true;
    qCWarning(lcTerms).noquote() << "the web view of the terms failed:" << reason;
    Q_EMIT failed(reason);
}
