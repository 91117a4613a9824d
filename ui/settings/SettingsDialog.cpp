#include "SettingsDialog.h"

#include "DiscoveryJob.h"
#include "ErrorMessages.h"
#include "Style.h"
#include "WrappingLabel.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

SettingsDialog::SettingsDialog(const QString &issuer, const QString &clientId, QNetworkAccessManager *manager,
                               QWidget *parent)
    : QDialog(parent)
    , m_manager(manager)
    , m_issuer(new QLineEdit(issuer, this))
    , m_clientId(new QLineEdit(clientId, this))
    , m_status(new WrappingLabel(this))
    , m_progress(new QProgressBar(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Server settings"));
    m_issuer->setObjectName(QStringLiteral("issuerEdit"));
    m_issuer->setAccessibleName(tr("Server address"));
    m_issuer->setPlaceholderText(QStringLiteral("https://id.example.org"));
    m_clientId->setObjectName(QStringLiteral("clientIdEdit"));
    m_clientId->setAccessibleName(tr("Client id"));
    Style::status(m_status);
    m_status->setObjectName(QStringLiteral("settingsStatusLabel"));
    m_progress->setRange(0, 0);
    m_progress->setTextVisible(false);
    m_progress->hide();
    m_buttons->button(QDialogButtonBox::Save)->setObjectName(QStringLiteral("saveButton"));
    auto *form = new QFormLayout;
    form->addRow(tr("&Server address:"), m_issuer);
    form->addRow(tr("C&lient id:"), m_clientId);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
    resize(sizeHint().expandedTo(QSize(480, 0)));
}

QString SettingsDialog::issuer() const
{
    QString issuer = m_issuer->text().trimmed();
    while (issuer.endsWith(QLatin1Char('/')))
        issuer.chop(1);
    return issuer;
}

QString SettingsDialog::clientId() const
{
    return m_clientId->text().trimmed();
}

void SettingsDialog::setChecking(bool checking)
{
    m_progress->setVisible(checking);
    m_issuer->setEnabled(!checking);
    m_clientId->setEnabled(!checking);
    m_buttons->button(QDialogButtonBox::Save)->setEnabled(!checking);
}

void SettingsDialog::accept()
{
    if (clientId().isEmpty()) {
        m_status->setText(tr("Enter a client id."));
        return;
    }
    if (!m_verifiedIssuer.isEmpty() && m_verifiedIssuer == issuer()) {
        QDialog::accept();
        return;
    }
    setChecking(true);
    m_status->setText(tr("Checking %1…").arg(issuer()));
    auto *job = new DiscoveryJob(m_manager, issuer(), this);
    connect(job, &NetworkJob::finished, this, [this, job] {
        job->deleteLater();
        setChecking(false);
        if (!job->error().ok()) {
            // The details (say, which issuer the server names) on a line of their own, as plain text.
            const QString details = ErrorMessages::details(job->error());
            m_status->setText(tr("Not saved: %1").arg(ErrorMessages::sentence(job->error()))
                              + (details.isEmpty() ? QString() : QLatin1Char('\n') + details));
            m_issuer->setFocus();
            return;
        }
        m_verifiedIssuer = job->metadata().issuer;
        QDialog::accept();
    });
    job->start();
}
