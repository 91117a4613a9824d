#pragma once

#include "TermsViewFactory.h"

#include <QObject>

// The terms of service in a QWebEngineView: the page as the server styles it.
class WebTermsPlugin : public QObject, public TermsViewFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID LatchkeyTermsViewFactory_iid)
    Q_INTERFACES(TermsViewFactory)
public:
    QWidget *create(const QUrl &url, QWidget *parent) override;
};
