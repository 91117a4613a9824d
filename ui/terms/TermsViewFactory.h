#pragma once

#include <QtPlugin>

class QUrl;
class QWidget;

// Makes the widget that shows the terms of service. The WebEngine one lives
// in a plugin loaded the first time the terms page is shown, so people who
// never see it never pay WebEngine's start-up time and memory.
class TermsViewFactory
{
public:
    virtual ~TermsViewFactory() = default;
    virtual QWidget *create(const QUrl &url, QWidget *parent) = 0;
};

#define LatchkeyTermsViewFactory_iid "org.latchkey.TermsViewFactory/1.0"
Q_DECLARE_INTERFACE(TermsViewFactory, LatchkeyTermsViewFactory_iid)
