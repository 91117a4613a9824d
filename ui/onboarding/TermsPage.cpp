#include "TermsPage.h"

#include "ErrorMessages.h"
#include "Style.h"
#include "TermsJob.h"
#include "TermsTextView.h"
#include "TermsViewFactory.h"

#include <QCheckBox>
#include <QCoreApplication>
#include <QDir>
#include <QLabel>
#include <QPluginLoader>
#include <QTextBrowser>
#include <QVBoxLayout>

TermsPage::TermsPage(const QUrl &terms, QNetworkAccessManager *manager, QWidget *parent)
    : QWizardPage(parent)
    , m_terms(terms)
    , m_manager(manager)
    , m_layout(new QVBoxLayout(this))
    , m_agree(new QCheckBox(tr("I &agree to the terms of service"), this))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("termsPage"));
    setTitle(tr("Terms of service"));
    setSubTitle(tr("Please read the terms. Your account is created only if you agree."));
    m_agree->setObjectName(QStringLiteral("agreeCheckBox"));
    m_agree->setAccessibleName(tr("I agree to the terms of service"));
    m_agree->setEnabled(false);
    Style::status(m_status);
    m_status->setObjectName(QStringLiteral("termsStatusLabel"));
    m_layout->addWidget(m_status);
    m_layout->addWidget(m_agree);
    registerField(QStringLiteral("termsVersion"), this, "termsVersion", SIGNAL(termsVersionChanged()));
    connect(m_agree, &QCheckBox::toggled, this, &TermsPage::completeChanged);
}

QString TermsPage::pluginPath()
{
    const QString name = QStringLiteral("liblatchkey_webterms.so");
    QStringList places;
    if (!qEnvironmentVariableIsEmpty("LATCHKEY_PLUGIN_DIR"))
        places.append(qEnvironmentVariable("LATCHKEY_PLUGIN_DIR"));
    const QString appDir = QCoreApplication::applicationDirPath();
    // The installed layout first, then the build tree's.
    places << appDir + QStringLiteral("/" LATCHKEY_INSTALLED_PLUGIN_DIR) << appDir + QStringLiteral("/../plugins");
    for (const QString &place : places) {
        const QString path = QDir(place).filePath(name);
        if (QFile::exists(path))
            return QDir::cleanPath(path);
    }
    return {};
}

QWidget *TermsPage::createViewer()
{
    QPluginLoader loader(pluginPath());
    if (auto *factory = qobject_cast<TermsViewFactory *>(loader.instance()))
        return factory->create(m_terms, this);
    // Without the plugin the terms still show, as formatted text.
    auto *browser = new TermsTextView(m_terms, this);
    browser->setAccessibleName(tr("Terms of service"));
    return browser;
}

void TermsPage::initializePage()
{
    if (!m_viewer) {
        m_viewer = createViewer();
        m_layout->insertWidget(0, m_viewer, 1);
    }
    if (m_version.isEmpty())
        fetchVersion();
}

void TermsPage::fetchVersion()
{
    m_status->setText(tr("Loading the terms…"));
    auto *job = new TermsJob(m_manager, m_terms, this);
    connect(job, &NetworkJob::finished, this, [this, job] {
        job->deleteLater();
        if (!job->error().ok()) {
            m_status->setText(tr("The terms could not be loaded: %1 Go back and forward to try again.")
                                  .arg(ErrorMessages::sentence(job->error())));
            return;
        }
        m_version = job->version();
        m_status->setText(tr("Version %1").arg(m_version));
        if (auto *browser = qobject_cast<QTextBrowser *>(m_viewer))
            browser->setHtml(job->html());
        m_agree->setEnabled(true);
        Q_EMIT termsVersionChanged();
        Q_EMIT completeChanged();
    });
    job->start();
}

bool TermsPage::isComplete() const
{
    return m_agree->isChecked() && !m_version.isEmpty();
}

void TermsPage::reload(const QString &reason)
{
    m_version.clear();
    m_agree->setChecked(false);
    m_agree->setEnabled(false);
    fetchVersion();
    m_status->setText(reason);
    Q_EMIT completeChanged();
}
